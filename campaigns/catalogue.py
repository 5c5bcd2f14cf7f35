"""The engagement attribute catalogue: the ten LivePerson types, their data categories and the
properties agents may report. It is code, not rows, so the widget, the API and the reports all
read one definition (SPEC section 3)."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    ECOMMERCE = "ecommerce", _("eCommerce info")
    VISITOR_INFO = "visitor_info", _("Visitor info")
    VISITOR_JOURNEY = "visitor_journey", _("Visitor journey")


class AttributeType(models.TextChoices):
    """The ``type`` value of an SDE as the ingest API receives it."""

    CART = "cart", _("Cart update")
    PURCHASE = "purchase", _("Transaction")
    PRODUCT_VIEW = "prodView", _("Viewed product")
    CUSTOMER_INFO = "ctmrinfo", _("Customer info")
    MARKETING = "mrktInfo", _("Marketing source")
    PERSONAL = "personal", _("Personal info")
    LEAD = "lead", _("Lead")
    SERVICE = "service", _("Service activity")
    ERROR = "error", _("Visitor error")
    SEARCH = "searchInfo", _("Searched content")


class ServiceStatus(models.IntegerChoices):
    COMPLETE = 0, _("Complete")
    IN_PROGRESS = 1, _("In Progress")
    APPROVED = 2, _("Approved")
    CANCELLED = 3, _("Cancelled")
    NOT_APPROVED = 4, _("Not Approved")
    REVIEWED = 5, _("Reviewed")
    MISSING_DETAILS = 6, _("Missing Details")
    CLOSED = 7, _("Closed")
    REMOVED = 8, _("Removed")
    ASSIGNED = 9, _("Assigned")
    WAITING_FOR_CUSTOMER = 10, _("Waiting for Customer Response")
    WAITING_FOR_RESPONSE = 11, _("Waiting for Response")
    PENDING = 12, _("Pending")
    RESOLVED = 13, _("Resolved")


class RepeatRule(models.TextChoices):
    """What a second send of the same type for the same visitor does."""

    MERGE = "merge", _("Update")
    APPEND = "append", _("Append")
    REPLACE = "replace", _("Replace")


class PropertyKind(models.TextChoices):
    MONEY = "money", _("Amount")
    TEXT = "text", _("Text")
    STATUS = "status", _("Status")


@dataclass(frozen=True)
class AttributeProperty:
    """One property agents may report, keyed as in LivePerson's JSON."""

    key: str
    label: str
    kind: str
    max_length: int = 0
    is_dedupe_key: bool = False


@dataclass(frozen=True)
class AttributeDefinition:
    type: str
    category: str
    repeat_rule: str
    agent_reportable: bool = False
    properties: tuple[AttributeProperty, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        return AttributeType(self.type).label

    def property(self, key: str) -> AttributeProperty:
        for prop in self.properties:
            if prop.key == key:
                return prop
        raise KeyError(key)


MONEY_MAX = Decimal("9999999999.99")

CATALOGUE: dict[str, AttributeDefinition] = {
    definition.type: definition
    for definition in (
        AttributeDefinition(AttributeType.CART, DataCategory.ECOMMERCE, RepeatRule.REPLACE),
        AttributeDefinition(
            AttributeType.PURCHASE,
            DataCategory.ECOMMERCE,
            RepeatRule.APPEND,
            agent_reportable=True,
            properties=(
                AttributeProperty("total", _("Order total"), PropertyKind.MONEY),
                AttributeProperty(
                    "orderId", _("Order ID"), PropertyKind.TEXT, 100, is_dedupe_key=True
                ),
            ),
        ),
        AttributeDefinition(AttributeType.PRODUCT_VIEW, DataCategory.ECOMMERCE, RepeatRule.APPEND),
        AttributeDefinition(
            AttributeType.CUSTOMER_INFO, DataCategory.VISITOR_INFO, RepeatRule.MERGE
        ),
        AttributeDefinition(AttributeType.MARKETING, DataCategory.VISITOR_INFO, RepeatRule.MERGE),
        AttributeDefinition(AttributeType.PERSONAL, DataCategory.VISITOR_INFO, RepeatRule.MERGE),
        AttributeDefinition(
            AttributeType.LEAD,
            DataCategory.VISITOR_JOURNEY,
            RepeatRule.APPEND,
            agent_reportable=True,
            properties=(
                AttributeProperty("topic", _("Topic"), PropertyKind.TEXT, 200),
                AttributeProperty("value", _("Value"), PropertyKind.MONEY),
                AttributeProperty(
                    "leadId", _("Lead ID"), PropertyKind.TEXT, 100, is_dedupe_key=True
                ),
            ),
        ),
        AttributeDefinition(
            AttributeType.SERVICE,
            DataCategory.VISITOR_JOURNEY,
            RepeatRule.APPEND,
            agent_reportable=True,
            properties=(
                AttributeProperty("topic", _("Topic"), PropertyKind.TEXT, 200),
                AttributeProperty("status", _("Status"), PropertyKind.STATUS),
                AttributeProperty("category", _("Category"), PropertyKind.TEXT, 200),
                AttributeProperty(
                    "serviceId", _("Service ID"), PropertyKind.TEXT, 100, is_dedupe_key=True
                ),
            ),
        ),
        AttributeDefinition(AttributeType.ERROR, DataCategory.VISITOR_JOURNEY, RepeatRule.APPEND),
        AttributeDefinition(AttributeType.SEARCH, DataCategory.VISITOR_JOURNEY, RepeatRule.APPEND),
    )
}

AGENT_REPORTABLE_TYPES: tuple[str, ...] = tuple(
    definition.type for definition in CATALOGUE.values() if definition.agent_reportable
)


def attributes_in_category(category: str) -> list[AttributeDefinition]:
    """The catalogue's attributes of one data category, in catalogue order."""
    return [definition for definition in CATALOGUE.values() if definition.category == category]
