"""Reads for Data Sources: the catalogue's attributes with their configuration and activity."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from campaigns.catalogue import CATALOGUE, AttributeDefinition, DataCategory, attributes_in_category
from campaigns.models import AttributeActivity, AttributeConfig

RECENT = timedelta(hours=24)


@dataclass
class AttributeRow:
    definition: AttributeDefinition
    config: AttributeConfig | None
    last_reported_at: datetime | None
    reported_recently: bool

    @property
    def type(self) -> str:
        return self.definition.type


def _configs(types: list[str]) -> dict[str, AttributeConfig]:
    configs = AttributeConfig.objects.filter(attribute_type__in=types).prefetch_related(
        "skills", "fields"
    )
    return {config.attribute_type: config for config in configs}


def category_attributes(category: str, *, now: datetime) -> list[AttributeRow]:
    """Each attribute of ``category`` with its configuration (skills and fields loaded) and
    whether it was reported in the last 24 hours: three queries whatever the data."""
    definitions = attributes_in_category(category)
    types = [definition.type for definition in definitions]
    configs = _configs([t for t in types if CATALOGUE[t].agent_reportable])
    activity = dict(
        AttributeActivity.objects.filter(attribute_type__in=types).values_list(
            "attribute_type", "last_reported_at"
        )
    )
    return [
        AttributeRow(
            definition=definition,
            config=configs.get(definition.type),
            last_reported_at=activity.get(definition.type),
            reported_recently=bool(
                activity.get(definition.type) and activity[definition.type] >= now - RECENT
            ),
        )
        for definition in definitions
    ]


def attribute_config_get(attribute_type: str) -> AttributeConfig | None:
    return _configs([attribute_type]).get(attribute_type)


def categories_overview(*, now: datetime) -> list[dict]:
    """The three data categories with their attributes and how many agents may report."""
    activity = dict(AttributeActivity.objects.values_list("attribute_type", "last_reported_at"))
    enabled = set(
        AttributeConfig.objects.filter(submit_by_agent=True).values_list(
            "attribute_type", flat=True
        )
    )
    return [
        {
            "category": category,
            "attributes": [
                {
                    "definition": definition,
                    "reported_recently": bool(
                        activity.get(definition.type) and activity[definition.type] >= now - RECENT
                    ),
                    "submit_by_agent": definition.type in enabled,
                }
                for definition in attributes_in_category(category)
            ],
        }
        for category in DataCategory
    ]
