"""The ten engagement attribute (SDE) shapes as LivePerson documents them ("Types of engagement
attributes"), and the check of one SDE against its shape.

Only ``type`` is mandatory, except where LivePerson makes more mandatory: a cart's ``total`` and
``numItems``, a transaction cart's ``products``, and ``product`` in every products item.
Undocumented fields inside a known type are kept and reported as warnings.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campaigns.catalogue import AttributeType, ServiceStatus
from workspace.services.ingest_fields import (
    INVALID,
    Arr,
    Boolean,
    Check,
    Choice,
    Code,
    CodeOrName,
    Currency,
    DateParts,
    Field,
    Integer,
    Money,
    Obj,
    Text,
    join,
    json_safe,
)

MAX_PRODUCTS = 200
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

PRODUCT = Obj(
    {
        "name": Text(description="Product name"),
        "category": Text(description="Product category name"),
        "sku": Text(description="Product SKU or unique identifier"),
        "price": Money("Single product price, in the SDE's currency"),
    },
    description="Product details",
)
PRODUCTS_ITEM = Obj(
    {"product": PRODUCT, "quantity": Integer(0, 1_000_000, "Number of items of this product")},
    required=("product",),
)
PRODUCTS = Arr(PRODUCTS_ITEM, max_items=MAX_PRODUCTS)
TYPE_FIELD = "type"


@dataclass(frozen=True)
class SdeShape:
    """One SDE type: its fields, where its currency is, where the values that become typed
    event columns are (``values_at``: the nested object, or the SDE itself)."""

    type: str
    shape: Obj
    currency_at: tuple[str, ...] = ()
    values_at: tuple[str, ...] | None = None


def sde(type_: str, fields: dict[str, Field], required: tuple[str, ...] = ()) -> Obj:
    return Obj(
        {TYPE_FIELD: Choice((type_,), "The SDE type"), **fields},
        required=(TYPE_FIELD, *required),
    )


SHAPES: dict[str, SdeShape] = {
    shape.type: shape
    for shape in (
        SdeShape(
            AttributeType.CART,
            sde(
                "cart",
                {
                    "total": Money("Total cart value"),
                    "currency": Currency(),
                    "numItems": Integer(0, 1_000_000, "Number of items in the cart"),
                    "products": PRODUCTS,
                },
                required=("total", "numItems"),
            ),
            currency_at=("currency",),
        ),
        SdeShape(
            AttributeType.PURCHASE,
            sde(
                "purchase",
                {
                    "total": Money("Total transaction value, after discounts"),
                    "currency": Currency(),
                    "orderId": Text(100, "Unique order or receipt ID (de-duplication key)"),
                    "cart": Obj(
                        {"numItems": Integer(0, 1_000_000), "products": PRODUCTS},
                        required=("products",),
                        description="Cart details",
                    ),
                },
            ),
            currency_at=("currency",),
            values_at=(),
        ),
        SdeShape(
            AttributeType.PRODUCT_VIEW,
            sde("prodView", {"currency": Currency(), "products": PRODUCTS}),
            currency_at=("currency",),
        ),
        SdeShape(
            AttributeType.CUSTOMER_INFO,
            sde(
                "ctmrinfo",
                {
                    "info": Obj(
                        {
                            "cstatus": Text(description="Customer status (lifecycle)"),
                            "ctype": Text(description="Customer type or tier"),
                            "customerId": Text(description="Customer's unique identifier"),
                            "balance": Money("Financial balance", allow_negative=True),
                            "currency": Currency(),
                            "socialId": Text(description="Social media identifier"),
                            "imei": Text(description="Unique device or phone identifier"),
                            "userName": Text(description="Customer's user name"),
                            "companySize": Integer(0, 100_000_000, "Number of employees"),
                            "companyBranch": Text(description="Company branch"),
                            "accountName": Text(description="Customer's company name"),
                            "role": Text(description="Customer's title"),
                            "lastPaymentDate": DateParts("Last payment date"),
                            "registrationDate": DateParts("Registration date"),
                            "loginStatus": Integer(-(2**31), 2**31 - 1, "Login status"),
                            "storeZipCode": Text(description="Store ZIP code"),
                            "storeNumber": Text(description="Store number"),
                        },
                        description="Customer info",
                    )
                },
            ),
            currency_at=("info", "currency"),
        ),
        SdeShape(
            AttributeType.MARKETING,
            sde(
                "mrktInfo",
                {
                    "info": Obj(
                        {
                            "channel": Code(MARKETING_CHANNELS, "Originating marketing channel"),
                            "affiliate": Text(description="Affiliate name"),
                            "campaignId": Text(description="External originating campaign"),
                        },
                        # The docs' table spells it campaignID, their example campaignId.
                        also_known=("campaignID",),
                        description="Marketing source",
                    )
                },
            ),
        ),
        SdeShape(
            AttributeType.PERSONAL,
            sde(
                "personal",
                {
                    "personal": Obj(
                        {
                            "firstname": Text(description="First name"),
                            "lastname": Text(description="Surname"),
                            "surname": Text(description="Surname (older spelling)"),
                            "age": DateParts(
                                "Age, or date of birth",
                                extra={"age": Integer(0, 150, "Age in years")},
                            ),
                            "contacts": Arr(
                                Obj(
                                    {
                                        "email": Text(254),
                                        "phone": Text(60),
                                        "phoneType": Choice(PHONE_TYPES),
                                        "address": Obj(
                                            {
                                                "country": Text(60, "ISO 3166-1 alpha-2 code"),
                                                "region": Text(200),
                                            }
                                        ),
                                        "preferredTime": Text(200),
                                    }
                                ),
                                max_items=20,
                            ),
                            "gender": CodeOrName(GENDERS, "0 MALE, 1 FEMALE, 2 OTHER"),
                            "language": Text(35, "Language tag, such as en-US"),
                            "company": Text(description="Company"),
                        },
                        description="Personal info",
                    )
                },
            ),
        ),
        SdeShape(
            AttributeType.LEAD,
            sde(
                "lead",
                {
                    "lead": Obj(
                        {
                            "topic": Text(200, "Topic or name of the lead"),
                            "value": Money("Evaluated value of the lead"),
                            "currency": Currency(),
                            "leadId": Text(100, "Lead identifier or ticket ID (de-duplication)"),
                        },
                        description="Lead details",
                    )
                },
            ),
            currency_at=("lead", "currency"),
            values_at=("lead",),
        ),
        SdeShape(
            AttributeType.SERVICE,
            sde(
                "service",
                {
                    "service": Obj(
                        {
                            "topic": Text(200, "Service activity topic or name"),
                            "status": Code(
                                {s.value: str(s.label) for s in ServiceStatus}, "Status"
                            ),
                            "category": Text(200, "Category name"),
                            "serviceId": Text(100, "Service unique identifier or ticket ID"),
                        },
                        description="Service activity details",
                    )
                },
            ),
            values_at=("service",),
        ),
        SdeShape(
            AttributeType.ERROR,
            sde(
                "error",
                {
                    "error": Obj(
                        {
                            "contextId": Text(description="Error context"),
                            "message": Text(description="Error message"),
                            "code": Text(description="Error code"),
                            "level": Integer(-(2**63), 2**63 - 1, "Error level"),
                            "resolved": Boolean(),
                        },
                        description="Error details",
                    )
                },
            ),
        ),
        SdeShape(
            AttributeType.SEARCH,
            sde("searchInfo", {"keywords": Arr(Text(500), max_items=100)}),
        ),
    )
}


@dataclass(frozen=True)
class CleanSde:
    """One checked SDE: the payload to store (as sent, JSON-safe), the flattened values that
    become typed columns, and the currency its money is in."""

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


def sde_check(
    raw: Any, path: str, check: Check, *, default_currency: Callable[[], str]
) -> CleanSde | None:
    """Check one SDE against its type's shape; problems go to ``check``. None when invalid.
    ``default_currency`` is called only for money sent without a currency."""
    before = len(check.errors)
    kind = raw.get(TYPE_FIELD) if isinstance(raw, dict) else None
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    if not isinstance(raw, dict):
        check.error(path, "invalid_type", "Must be an object with a type.")
        return None
    if shape is None:
        listing = ", ".join(SHAPES)
        problem = "required" if kind is None else "unknown_type"
        check.error(join(path, TYPE_FIELD), problem, f"Use one of the SDE types: {listing}.")
        return None
    sent = _nested(raw, shape.currency_at) if shape.currency_at else None
    if isinstance(sent, str):
        currency = sent.upper()
    else:
        currency = default_currency() if shape.currency_at else ""
    check.currency = currency or None
    cleaned = shape.shape.clean(raw, path, check)
    payload = json_safe(raw, path, check)
    if len(check.errors) > before or cleaned is INVALID:
        return None
    values = _nested(cleaned, shape.values_at) if shape.values_at is not None else {}
    return CleanSde(shape.type, payload, values or {}, currency)
