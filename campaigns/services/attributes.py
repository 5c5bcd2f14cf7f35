"""Engagement attribute configuration: **Submit by agent**, skills, widget fields (SPEC 4)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import CATALOGUE
from campaigns.models import AttributeConfig, AttributeField, Skill, User
from campaigns.services.audit import audit_record

DISPLAY_NAME_MAX = 60


class ConfigConflict(Exception):
    """Someone saved the configuration after the form was opened (stale ``version``)."""


def attribute_config_snapshot(config: AttributeConfig | None) -> dict[str, Any] | None:
    """What the audit log keeps of a configuration: the switch, skills and fields in order."""
    if config is None or config.pk is None:
        return None
    return {
        "submit_by_agent": config.submit_by_agent,
        "required_before_close": config.required_before_close,
        "skills": sorted(skill.name for skill in config.skills.all()),
        "fields": [f"{field.property_key}: {field.display_name}" for field in config.fields.all()],
    }


def _validate(attribute_type: str, skills: list[Skill], fields: list[tuple[str, str]]) -> None:
    definition = CATALOGUE.get(attribute_type)
    if definition is None or not definition.agent_reportable:
        raise ValidationError(_("Agents cannot report this attribute."), code="not_reportable")
    if not skills:
        raise ValidationError(_("Select at least one skill."), code="no_skill")
    if not fields:
        raise ValidationError(_("You must select at least one property"), code="no_field")
    keys = [key for key, _name in fields]
    if len(set(keys)) != len(keys):
        raise ValidationError(_("Each property can be added once."), code="duplicate")
    for key, display_name in fields:
        definition.property(key)  # KeyError for a property the attribute does not have
        if not display_name.strip() or len(display_name) > DISPLAY_NAME_MAX:
            raise ValidationError(_("Enter a display name of 1 to 60 characters."), code="name")


def _replace_fields(config: AttributeConfig, fields: list[tuple[str, str]]) -> None:
    existing = {field.property_key: field for field in config.fields.all()}
    config.fields.exclude(property_key__in=[key for key, _name in fields]).delete()
    for position, (key, display_name) in enumerate(fields, start=1):
        field = existing.get(key) or AttributeField(config=config, property_key=key)
        field.display_name = display_name.strip()
        field.position = position
        field.save()


def _switch_off(actor: User | None, config: AttributeConfig | None, attribute_type: str):
    """Only the switch changes: skills and fields stay, so that switching on restores them."""
    if config is None or not config.submit_by_agent:
        return config or AttributeConfig(attribute_type=attribute_type)
    before = attribute_config_snapshot(config)
    config.submit_by_agent = False
    config.version += 1
    config.save(update_fields=["submit_by_agent", "version", "updated_at"])
    audit_record(
        actor=actor,
        action="attribute_config.update",
        obj=config,
        before=before,
        after=attribute_config_snapshot(config),
    )
    return config


@transaction.atomic
def attribute_config_save(
    *,
    actor: User | None,
    attribute_type: str,
    submit_by_agent: bool,
    required_before_close: bool = False,
    skills: list[Skill] | None = None,
    fields: list[tuple[str, str]] | None = None,
    expected_version: int | None = None,
) -> AttributeConfig:
    """Save one attribute's agent reporting. Turning it off keeps skills and fields, so that
    turning it on again restores them; ``expected_version`` (0: never saved) refuses a stale
    form with ``ConfigConflict`` instead of overwriting someone else's save."""
    config = AttributeConfig.objects.select_for_update().filter(attribute_type=attribute_type)
    config = config.first()
    if expected_version is not None and expected_version != (config.version if config else 0):
        raise ConfigConflict(attribute_type)
    if not submit_by_agent:
        return _switch_off(actor, config, attribute_type)
    skills, fields = list(skills or []), list(fields or [])
    _validate(attribute_type, skills, fields)
    before = attribute_config_snapshot(config)
    if config is None:
        config = AttributeConfig(attribute_type=attribute_type, version=0)
    config.submit_by_agent = True
    config.required_before_close = required_before_close
    config.version += 1
    config.save()
    config.skills.set(skills)
    _replace_fields(config, fields)
    audit_record(
        actor=actor,
        action="attribute_config.update" if before else "attribute_config.create",
        obj=config,
        before=before,
        after=attribute_config_snapshot(config),
    )
    return config
