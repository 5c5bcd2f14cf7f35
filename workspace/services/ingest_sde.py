"""The ten engagement attribute (SDE) types as LivePerson documents them ("Types of engagement
attributes"), as pydantic models, and the check of one SDE against its type.

Only ``type`` is mandatory, except where LivePerson makes more mandatory: a cart's ``total`` and
``numItems``, a transaction cart's ``products``, and ``product`` in every products item.
Undocumented fields inside a known type are kept and reported as warnings. LivePerson's
impression events (Monitoring API report body) are recognised so the caller can skip them.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationError

from campaigns.catalogue import AttributeType, ServiceStatus
from workspace.services.ingest_payload import json_safe, undocumented_fields
from workspace.services.ingest_problems import Problem
from workspace.services.ingest_types import (
    BOOLEAN,
    CURRENCY,
    REQUIRED,
    DateParts,
    Model,
    choice,
    code,
    code_or_name,
    integer,
    join,
    money,
    problems_of,
    text,
)

MAX_PRODUCTS = 200
TYPE_FIELD = "type"
# The impression events the Monitoring API's report method documents beside the SDEs
# ("Examples for engagement attributes to report impression events"); they describe what the
# visitor saw of an engagement, not an engagement attribute, so the ingest API skips them.
IMPRESSION_TYPES = ("impAccept", "impDisplay", "impExpanded", "impTimeout", "impClose")
MARKETING_CHANNELS = {
    0: "Direct",
    1: "Search",
    2: "Social",
    3: "Email",
    4: "Referral",
    5: "Paid search",
    6: "Display",
}
GENDERS = ("MALE", "FEMALE", "OTHER")
PHONE_TYPES = ("HOME", "MOBILE", "WORK", "FAX", "MAIN", "HOME_FAX", "WORK_FAX", "PAGER", "OTHER")
QUANTITY = integer(0, 1_000_000, "Number of items of this product")


class Product(Model):
    """Product details"""

    name: text(description="Product name") = None
    category: text(description="Product category name") = None
    sku: text(description="Product SKU or unique identifier") = None
    price: money("Single product price, in the SDE's currency") = None


class ProductsItem(Model):
    product: Annotated[Product, REQUIRED]
    quantity: QUANTITY = None


Products = Annotated[list[ProductsItem], Field(max_length=MAX_PRODUCTS)] | None


class Cart(Model):
    type: Literal["cart"]
    total: Annotated[money("Total cart value"), REQUIRED]
    currency: CURRENCY = None
    numItems: Annotated[integer(0, 1_000_000, "Number of items in the cart"), REQUIRED]
    products: Products = None


class PurchaseCart(Model):
    """Cart details"""

    numItems: integer(0, 1_000_000) = None
    products: Annotated[list[ProductsItem], Field(max_length=MAX_PRODUCTS), REQUIRED]


class Purchase(Model):
    type: Literal["purchase"]
    total: money("Total transaction value, after discounts") = None
    currency: CURRENCY = None
    orderId: text(100, "Unique order or receipt ID (de-duplication key)") = None
    cart: PurchaseCart | None = None


class ProductView(Model):
    type: Literal["prodView"]
    currency: CURRENCY = None
    products: Products = None


class CustomerInfoDetails(Model):
    """Customer info"""

    cstatus: text(description="Customer status (lifecycle)") = None
    ctype: text(description="Customer type or tier") = None
    customerId: text(description="Customer's unique identifier") = None
    balance: money("Financial balance", allow_negative=True) = None
    currency: CURRENCY = None
    socialId: text(description="Social media identifier") = None
    imei: text(description="Unique device or phone identifier") = None
    userName: text(description="Customer's user name") = None
    companySize: integer(0, 100_000_000, "Number of employees") = None
    companyBranch: text(description="Company branch") = None
    accountName: text(description="Customer's company name") = None
    role: text(description="Customer's title") = None
    lastPaymentDate: DateParts | None = None
    registrationDate: DateParts | None = None
    loginStatus: integer(-(2**31), 2**31 - 1, "Login status") = None
    storeZipCode: text(description="Store ZIP code") = None
    storeNumber: text(description="Store number") = None


class CustomerInfo(Model):
    type: Literal["ctmrinfo"]
    info: CustomerInfoDetails | None = None


class MarketingDetails(Model):
    """Marketing source"""

    channel: code(MARKETING_CHANNELS, "Originating marketing channel") = None
    affiliate: text(description="Affiliate name") = None
    campaignId: text(description="External originating campaign") = None
    # The docs' table spells it campaignID, their example campaignId.
    campaignID: text(description="The docs' table spelling of campaignId") = None


class Marketing(Model):
    type: Literal["mrktInfo"]
    info: MarketingDetails | None = None


class Address(Model):
    country: text(60, "ISO 3166-1 alpha-2 code") = None
    region: text(200) = None


class Contact(Model):
    email: text(254) = None
    phone: text(60) = None
    phoneType: choice(PHONE_TYPES) = None
    address: Address | None = None
    preferredTime: text(200) = None


class Age(DateParts):
    """Age, or date of birth"""

    age: integer(0, 150, "Age in years") = None


def _one_or_many(value: Any) -> Any:
    # LivePerson's IVR engagement example sends one contact as an object, not in an array.
    return [value] if isinstance(value, dict) else value


class PersonalDetails(Model):
    """Personal info"""

    firstname: text(description="First name") = None
    lastname: text(description="Surname") = None
    surname: text(description="Surname (older spelling)") = None
    age: Age | None = None
    contacts: Annotated[
        Annotated[list[Contact], Field(max_length=20)] | None, BeforeValidator(_one_or_many)
    ] = None
    gender: code_or_name(GENDERS, "0 MALE, 1 FEMALE, 2 OTHER") = None
    language: text(35, "Language tag, such as en-US") = None
    company: text(description="Company") = None


class Personal(Model):
    type: Literal["personal"]
    personal: PersonalDetails | None = None


class LeadDetails(Model):
    """Lead details"""

    topic: text(200, "Topic or name of the lead") = None
    value: money("Evaluated value of the lead") = None
    currency: CURRENCY = None
    leadId: text(100, "Lead identifier or ticket ID (de-duplication)") = None


class Lead(Model):
    type: Literal["lead"]
    lead: LeadDetails | None = None


class ServiceDetails(Model):
    """Service activity details"""

    topic: text(200, "Service activity topic or name") = None
    status: code({s.value: str(s.label) for s in ServiceStatus}, "Status") = None
    category: text(200, "Category name") = None
    serviceId: text(100, "Service unique identifier or ticket ID") = None


class Service(Model):
    type: Literal["service"]
    service: ServiceDetails | None = None


class ErrorDetails(Model):
    """Error details"""

    contextId: text(description="Error context") = None
    message: text(description="Error message") = None
    code: text(description="Error code") = None
    level: integer(-(2**63), 2**63 - 1, "Error level") = None
    resolved: BOOLEAN = None


class VisitorError(Model):
    type: Literal["error"]
    error: ErrorDetails | None = None


class Search(Model):
    type: Literal["searchInfo"]
    keywords: Annotated[list[text(500)], Field(max_length=100)] | None = None


@dataclass(frozen=True)
class SdeShape:
    """One SDE type: its model, where its currency is, where the values that become typed
    event columns are (``values_at``: the nested object, or the SDE itself)."""

    type: str
    model: type[Model]
    currency_at: tuple[str, ...] = ()
    values_at: tuple[str, ...] | None = None


SHAPES: dict[str, SdeShape] = {
    shape.type: shape
    for shape in (
        SdeShape(AttributeType.CART, Cart, currency_at=("currency",)),
        SdeShape(AttributeType.PURCHASE, Purchase, currency_at=("currency",), values_at=()),
        SdeShape(AttributeType.PRODUCT_VIEW, ProductView, currency_at=("currency",)),
        SdeShape(AttributeType.CUSTOMER_INFO, CustomerInfo, currency_at=("info", "currency")),
        SdeShape(AttributeType.MARKETING, Marketing),
        SdeShape(AttributeType.PERSONAL, Personal),
        SdeShape(AttributeType.LEAD, Lead, currency_at=("lead", "currency"), values_at=("lead",)),
        SdeShape(AttributeType.SERVICE, Service, values_at=("service",)),
        SdeShape(AttributeType.ERROR, VisitorError),
        SdeShape(AttributeType.SEARCH, Search),
    )
}


@dataclass(frozen=True)
class CleanSde:
    """One checked SDE: the payload to store (as sent, JSON-safe, undocumented fields capped),
    the flattened values that become typed columns, and the currency its money is in."""

    type: str
    payload: dict[str, Any]
    values: dict[str, Any]
    currency: str


def _nested(value: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _values(model: Model, keys: tuple[str, ...]) -> dict[str, Any]:
    for key in keys:
        model = getattr(model, key, None)
    if model is None:
        return {}
    return {
        k: v
        for k, v in model.model_dump(exclude_none=True).items()
        if k in type(model).model_fields
    }


def is_impression(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get(TYPE_FIELD) in IMPRESSION_TYPES


def sde_check(
    raw: Any,
    path: str,
    *,
    now: Any,
    default_currency: Callable[[], str],
    errors: list[Problem],
    warnings: list[Problem],
) -> CleanSde | None:
    """Check one SDE against its type's model; problems go to ``errors`` and ``warnings``.
    None when invalid. ``default_currency`` is called only for money sent without a currency."""
    if not isinstance(raw, dict):
        errors.append(Problem(path, "invalid_type", "Must be an object with a type."))
        return None
    kind = raw.get(TYPE_FIELD)
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    if shape is None:
        listing = ", ".join(SHAPES)
        problem = "required" if kind is None else "unknown_type"
        errors.append(
            Problem(join(path, TYPE_FIELD), problem, f"Use one of the SDE types: {listing}.")
        )
        return None
    sent = _nested(raw, shape.currency_at) if shape.currency_at else None
    currency = sent.upper() if isinstance(sent, str) else ""
    if not currency and shape.currency_at:
        currency = default_currency()
    found: list[Problem] = []
    try:
        model = shape.model.model_validate(raw, context={"currency": currency or None, "now": now})
    except ValidationError as exc:
        model, found = None, problems_of(exc, path)
    payload = json_safe(raw, path, found)
    errors.extend(dict.fromkeys(found))  # a refused number is reported once, not twice
    if model is None or found:
        return None
    warnings.extend(undocumented_fields(model, payload, path))
    values = _values(model, shape.values_at) if shape.values_at is not None else {}
    return CleanSde(shape.type, payload, values, currency)
