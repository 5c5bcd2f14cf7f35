"""LivePerson's own published payloads are accepted unchanged (the files in
``liveperson_examples/``, each with the page it was copied from), and the input the API must
refuse, or accept, clearly (issue: production hardening and LivePerson fidelity)."""

import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import InterfaceError
from django.test import Client, RequestFactory
from django.urls import reverse

from campaigns.money import currency_choices, parse_money, validate_currency
from tests.factories import ConversationFactory
from tests.workspace.api.helpers import FEED, INGEST, error_paths, post_json
from workspace.api import views
from workspace.models import Conversation, EngagementAttributeEvent, Visitor
from workspace.services.ingest_payload import FIELD_CAP, SDE_CAP

pytestmark = pytest.mark.django_db

EXAMPLES = sorted((Path(__file__).parent / "liveperson_examples").glob("*.json"))
SOURCE_FIELDS = ("source", "also_at", "note", "query", "impression")


def _example(path: Path) -> dict:
    wrapper = json.loads(path.read_text())
    assert wrapper["source"].startswith("https://developers.liveperson.com/")
    return wrapper


def _sdes_of(wrapper: dict) -> list:
    if "sde" in wrapper:
        return [wrapper["sde"]]
    body = wrapper["body"]
    return body if isinstance(body, list) else body["engagementAttributes"]


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_published_example_is_accepted_unchanged(api_client, api_key, now, path):
    wrapper = _example(path)
    if "sde" in wrapper:
        body, query = {"visitorId": "v-lp", "engagementAttributes": [wrapper["sde"]]}, ""
    else:
        body, query = wrapper["body"], wrapper["query"]
    response = post_json(api_client, INGEST, body, key=api_key, query=query)
    assert response.status_code in (200, 201), response.json()
    answer = response.json()
    stored = list(EngagementAttributeEvent.objects.order_by("pk").values_list("payload", flat=True))
    if wrapper.get("impression"):
        assert response.status_code == 200
        assert stored == []
        sde_warnings = [
            w for w in answer["warnings"] if w["path"].startswith("engagementAttributes")
        ]
        assert {w["code"] for w in sde_warnings} == {"skipped"}
    else:
        assert stored == _sdes_of(wrapper)
        assert not [w for w in answer["warnings"] if w["path"].startswith("engagementAttributes")]


def test_examples_cover_every_type_and_every_impression():
    types = {sde.get("type") for path in EXAMPLES for sde in _sdes_of(_example(path))}
    assert types >= {
        "cart", "purchase", "prodView", "ctmrinfo", "mrktInfo", "personal", "lead", "service",
        "error", "searchInfo", "impAccept", "impDisplay", "impExpanded", "impTimeout", "impClose",
    }  # fmt: skip


# Whole numbers written as decimals ---------------------------------------------------------


def test_whole_numbers_written_as_decimals_are_accepted(api_client, api_key, now):
    sdes = [
        {"type": "personal", "personal": {"age": {"age": 30.0, "year": 1986}}},
        {"type": "cart", "total": 11.7, "numItems": 6.0},
        {"type": "service", "service": {"status": 0.0, "serviceId": "S-1"}},
    ]
    raw = json.dumps({"visitorId": "v-1", "engagementAttributes": sdes})
    response = post_json(api_client, INGEST, raw=raw, key=api_key)
    assert response.status_code == 201, response.json()
    assert EngagementAttributeEvent.objects.get(attribute_type="service").status == 0


@pytest.mark.parametrize(
    ("sde", "path"),
    [
        ('{"type": "personal", "personal": {"age": {"age": 30.5}}}', "personal.age.age"),
        ('{"type": "cart", "total": 1, "numItems": 6.5}', "numItems"),
    ],
)
def test_a_fraction_where_a_whole_number_belongs_is_refused(api_client, api_key, now, sde, path):
    raw = '{"visitorId": "v-1", "engagementAttributes": [' + sde + "]}"
    response = post_json(api_client, INGEST, raw=raw, key=api_key)
    assert response.status_code == 400
    assert response.json()["errors"][0] == {
        "path": f"engagementAttributes[0].{path}",
        "code": "invalid_type",
        "message": "Must be a whole number.",
    }


# LivePerson's request bodies ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["vid", "visitorId"])
def test_report_body_takes_the_visitor_from_the_query(api_client, api_key, now, name):
    body = {"consumerId": "c", "pageId": "1", "entryPoints": ["tel://1"], "engagementAttributes": [
        {"type": "lead", "lead": {"leadId": "L-1"}}
    ]}  # fmt: skip
    response = post_json(api_client, INGEST, body, key=api_key, query=f"v=1.0&{name}=v-q")
    assert response.status_code == 201, response.json()
    assert response.json()["visitorId"] == "v-q"
    warnings = [(w["path"], w["code"]) for w in response.json()["warnings"]]
    assert warnings == [(f, "unknown_field") for f in ("consumerId", "pageId", "entryPoints")]
    assert Visitor.objects.get().external_id == "v-q"


def test_body_and_query_naming_two_visitors_is_refused(api_client, api_key, now):
    body = {"visitorId": "v-a", "engagementAttributes": [{"type": "lead"}]}
    response = post_json(api_client, INGEST, body, key=api_key, query="vid=v-b")
    assert response.status_code == 400
    assert error_paths(response) == ["visitorId"]
    assert not Visitor.objects.exists()


# Impression events ------------------------------------------------------------------------


def test_impressions_are_skipped_and_the_sdes_beside_them_stored(api_client, api_key, now):
    sdes = [{"type": "impAccept", "engId": 1}, {"type": "lead"}, {"type": "impExpanded"}]
    body = {"visitorId": "v-1", "engagementAttributes": sdes}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 201
    answer = response.json()
    assert [(e["index"], e["type"]) for e in answer["events"]] == [(1, "lead")]
    assert [(w["path"], w["code"]) for w in answer["warnings"]] == [
        ("engagementAttributes[0].type", "skipped"),
        ("engagementAttributes[2].type", "skipped"),
    ]
    assert EngagementAttributeEvent.objects.count() == 1


def test_only_impressions_answer_200_and_store_nothing(api_client, api_key, now):
    body = {"visitorId": "v-1", "engagementAttributes": [{"type": "impDisplay"}]}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 200
    assert response.json()["events"] == []
    assert not Visitor.objects.exists()


@pytest.mark.parametrize("kind", ["impression", "impFoo", "coupon"])
def test_other_unknown_types_stay_errors(api_client, api_key, now, kind):
    body = {"visitorId": "v-1", "engagementAttributes": [{"type": "lead"}, {"type": kind}]}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 400
    assert error_paths(response) == ["engagementAttributes[1].type"]
    assert not EngagementAttributeEvent.objects.exists()


# The conversations feed's end before its start --------------------------------------------


def test_end_before_the_start_of_a_new_conversation_is_400(api_client, api_key, now):
    body = {"conversationId": "c-1", "visitorId": "v", "endTime": "2026-03-01T00:00:00Z"}
    response = post_json(api_client, FEED, body, key=api_key)  # starts now, ends yesterday
    assert response.status_code == 400
    assert error_paths(response) == ["endTime"]
    assert not Conversation.objects.exists()


def test_end_before_the_stored_start_is_400(api_client, api_key, now):
    ConversationFactory(external_id="c-1", started_at=now - timedelta(minutes=5))
    end = (now - timedelta(hours=1)).isoformat()
    response = post_json(api_client, FEED, {"conversationId": "c-1", "endTime": end}, key=api_key)
    assert response.status_code == 400
    assert error_paths(response) == ["endTime"]
    assert Conversation.objects.get().ended_at is None


# Chunked bodies ---------------------------------------------------------------------------


def _chunked(body: bytes, key: str):
    request = RequestFactory().generic(
        "POST", reverse(INGEST), body[:1], content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Transfer-Encoding": "chunked"},
    )  # fmt: skip
    request.META.pop("CONTENT_LENGTH", None)
    request.META["wsgi.input"] = io.BytesIO(body)  # the server's de-chunked input stream
    return views.engagement_attributes(request)


def test_chunked_body_is_read(api_key, now):
    body = json.dumps({"visitorId": "v-1", "engagementAttributes": [{"type": "lead"}]})
    response = _chunked(body.encode(), api_key)
    assert response.status_code == 201
    assert EngagementAttributeEvent.objects.count() == 1


def test_chunked_body_over_the_limit_is_413(api_key, now):
    keywords = ["x" * 1000] * 3 * 1024
    body = json.dumps(
        {"visitorId": "v", "engagementAttributes": [{"type": "searchInfo", "keywords": keywords}]}
    )
    response = _chunked(body.encode(), api_key)
    assert response.status_code == 413
    assert json.loads(response.content)["errors"][0]["code"] == "too_large"


# Spaces around numbers --------------------------------------------------------------------

SPACES = ["\u00a0", "\u2003", "\u3000", "\u2009", "\u202f"]


@pytest.mark.parametrize("space", SPACES)
def test_non_ascii_space_around_a_number_is_refused_by_the_api(api_client, api_key, now, space):
    sde = {"type": "purchase", "total": f"{space}11.7", "orderId": "O"}
    response = post_json(
        api_client, INGEST, {"visitorId": "v", "engagementAttributes": [sde]}, key=api_key
    )
    assert response.status_code == 400
    assert error_paths(response) == ["engagementAttributes[0].total"]


@pytest.mark.parametrize("space", SPACES)
def test_non_ascii_space_around_a_number_is_refused_by_the_forms(space):
    with pytest.raises(ValidationError):
        parse_money(f"11.7{space}", "USD")


def test_ascii_whitespace_around_a_number_is_accepted():
    assert parse_money(" \t11.70\n", "USD") == Decimal("11.70")


# Currencies -------------------------------------------------------------------------------

WITHDRAWN = ["XXX", "ADP", "AFA", "ALK", "AOK", "ATS", "XAU", "XTS", "DEM", "FRF"]


@pytest.mark.parametrize("code", WITHDRAWN)
def test_non_currencies_are_refused(api_client, api_key, now, code):
    sde = {"type": "purchase", "total": 1, "currency": code}
    response = post_json(
        api_client, INGEST, {"visitorId": "v", "engagementAttributes": [sde]}, key=api_key
    )
    assert response.status_code == 400
    assert error_paths(response) == ["engagementAttributes[0].currency"]
    with pytest.raises(ValidationError):
        validate_currency(code)


def test_pickers_offer_currencies_in_use_the_accounts_first():
    codes = [code for code, _label in currency_choices(["EUR", "XXX", "JPY"])]
    assert codes[:2] == ["EUR", "JPY"]
    assert not set(WITHDRAWN) & set(codes)
    assert {"USD", "GBP", "CHF"} <= set(codes)
    assert codes[2:] == sorted(codes[2:])


# Undocumented fields ----------------------------------------------------------------------


def test_long_undocumented_field_is_cut_with_a_warning(api_client, api_key, now):
    sde = {"type": "purchase", "total": 1, "orderId": "O", "note": "n" * 9000}
    response = post_json(
        api_client, INGEST, {"visitorId": "v", "engagementAttributes": [sde]}, key=api_key
    )
    assert response.status_code == 201
    codes = [(w["path"], w["code"]) for w in response.json()["warnings"]]
    assert codes == [
        ("engagementAttributes[0].note", "unknown_field"),
        ("engagementAttributes[0].note", "truncated"),
    ]
    assert EngagementAttributeEvent.objects.get().payload["note"] == "n" * FIELD_CAP


def test_undocumented_fields_of_one_sde_are_capped_together(api_client, api_key, now):
    extra = {f"x{i}": "y" * 900 for i in range(12)}  # 10,800 characters in all
    sde = {"type": "lead", "lead": {"leadId": "L"}, **extra}
    response = post_json(
        api_client, INGEST, {"visitorId": "v", "engagementAttributes": [sde]}, key=api_key
    )
    assert response.status_code == 201
    payload = EngagementAttributeEvent.objects.get().payload
    kept = [key for key in payload if key.startswith("x")]
    assert sum(len(payload[key]) for key in kept) <= SDE_CAP
    assert len(kept) == SDE_CAP // 900
    truncated = [w["path"] for w in response.json()["warnings"] if w["code"] == "truncated"]
    assert truncated == [f"engagementAttributes[0].x{i}" for i in range(len(kept), 12)]


def test_page_shows_200_characters_of_a_long_value_and_the_rest_on_request(
    api_client, api_key, agent, agent_client, sales_skill, now
):
    conversation = ConversationFactory(
        external_id="c-long", agent=agent, skill=sales_skill, started_at=now - timedelta(minutes=5)
    )
    value = "a" * 150 + "b" * 850
    sde = {"type": "purchase", "total": 1, "orderId": "O", "note": value}
    body = {"conversationId": "c-long", "engagementAttributes": [sde]}
    assert post_json(api_client, INGEST, body, key=api_key).status_code == 201
    html = agent_client.get(reverse("workspace:conversation-detail", args=[conversation.pk]))
    text = html.content.decode()
    assert "<details" in text
    assert f"<summary>{value[:200]}…" in text
    assert value in text  # the rest, inside the details element


# The 503 body -----------------------------------------------------------------------------


def test_503_json_body_has_a_code(api_key, monkeypatch):
    def gone(key):
        raise InterfaceError("connection already closed")

    monkeypatch.setattr("workspace.api.guard.connector_authenticate", gone)
    response = Client(raise_request_exception=False).post(
        reverse(INGEST), "{}", content_type="application/json",
        headers={"Authorization": f"Bearer {api_key}"},
    )  # fmt: skip
    assert response.status_code == 503
    problem = response.json()["errors"][0]
    assert set(problem) == {"path", "code", "message"}
    assert problem["code"] == "database_unavailable"
