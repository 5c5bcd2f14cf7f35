"""Strict input: every bad request gets a clear 4xx and stores nothing. Keys, sizes, media types,
idempotency and the rate limit."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from campaigns.models import Connector
from campaigns.services.connectors import connector_revoke
from tests.workspace.api.helpers import FEED, INGEST, error_paths, new_key, post_json
from workspace.models import ApiIdempotencyRecord, EngagementAttributeEvent, Visitor

pytestmark = pytest.mark.django_db

LEAD = {"type": "lead", "lead": {"topic": "Car", "value": 22.22, "leadId": "L-1"}}


def envelope(*sdes) -> dict:
    return {"visitorId": "v-1", "engagementAttributes": list(sdes)}


def raw(sde_json: str) -> str:
    return '{"visitorId": "v-1", "engagementAttributes": [' + sde_json + "]}"


def assert_nothing_stored():
    assert not EngagementAttributeEvent.objects.exists()
    assert not Visitor.objects.exists()


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ('{"type": "purchase", "total": NaN}', ""),
        ('{"type": "purchase", "total": Infinity}', ""),
        ('{"type": "purchase", "total": -Infinity}', ""),
        ('{"type": "purchase", "total": 1e400}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": 1E+2}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": "1E+2"}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": "1_000"}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": "\uff11\uff12"}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": "NaN"}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": "Infinity"}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": 12.345}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": 10.5, "currency": "JPY"}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": -1}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": 12345678901.5}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": ' + "9" * 40 + "}", "engagementAttributes[0].total"),
        ('{"type": "purchase", "total": true}', "engagementAttributes[0].total"),
        ('{"type": "purchase", "currency": "DOLLARS"}', "engagementAttributes[0].currency"),
        ('{"type": "purchase", "currency": "XYZ"}', "engagementAttributes[0].currency"),
        ('{"type": "purchase", "orderId": "' + "x" * 101 + '"}', "engagementAttributes[0].orderId"),
        ('{"type": "purchase", "orderId": 42}', "engagementAttributes[0].orderId"),
        ('{"type": "purchase", "orderId": "a\\u0000b"}', "engagementAttributes[0].orderId"),
        ('{"type": "purchase", "orderId": "\\ud800"}', "engagementAttributes[0].orderId"),
        ('{"type": "purchase", "cart": {"numItems": 1}}', "engagementAttributes[0].cart.products"),
        ('{"type": "purchase", "total": 1, "total": 2}', ""),
        ('{"type": "lead", "lead": {"value": 1.234}}', "engagementAttributes[0].lead.value"),
        ('{"type": "lead", "lead": {"value": {}}}', "engagementAttributes[0].lead.value"),
        ('{"type": "lead", "lead": "hot"}', "engagementAttributes[0].lead"),
        (
            '{"type": "service", "service": {"status": 14}}',
            "engagementAttributes[0].service.status",
        ),
        (
            '{"type": "service", "service": {"status": "x"}}',
            "engagementAttributes[0].service.status",
        ),
        (
            '{"type": "service", "service": {"status": 1.5}}',
            "engagementAttributes[0].service.status",
        ),
        ('{"type": "cart", "numItems": 1}', "engagementAttributes[0].total"),
        ('{"type": "cart", "total": 1}', "engagementAttributes[0].numItems"),
        ('{"type": "cart", "total": 1, "numItems": null}', "engagementAttributes[0].numItems"),
        (
            '{"type": "cart", "total": 1, "numItems": 1, "products": [{"quantity": 1}]}',
            "engagementAttributes[0].products[0].product",
        ),
        ('{"type": "prodView", "products": {}}', "engagementAttributes[0].products"),
        ('{"type": "mrktInfo", "info": {"channel": 7}}', "engagementAttributes[0].info.channel"),
        (
            '{"type": "personal", "personal": {"gender": "X"}}',
            "engagementAttributes[0].personal.gender",
        ),
        (
            '{"type": "personal", "personal": {"contacts": [{"phoneType": "CELL"}]}}',
            "engagementAttributes[0].personal.contacts[0].phoneType",
        ),
        (
            '{"type": "ctmrinfo", "info": {"lastPaymentDate": '
            '{"day": 31, "month": 2, "year": 2024}}}',
            "engagementAttributes[0].info.lastPaymentDate",
        ),
        (
            '{"type": "ctmrinfo", "info": {"companySize": -3}}',
            "engagementAttributes[0].info.companySize",
        ),
        (
            '{"type": "error", "error": {"resolved": "no"}}',
            "engagementAttributes[0].error.resolved",
        ),
        ('{"type": "searchInfo", "keywords": "reset"}', "engagementAttributes[0].keywords"),
        ('{"type": "coupon"}', "engagementAttributes[0].type"),
        ('{"lead": {}}', "engagementAttributes[0].type"),
        ('"lead"', "engagementAttributes[0]"),
    ],
)
def test_bad_sde_is_400_with_its_path(api_client, api_key, now, body, path):
    response = post_json(api_client, INGEST, raw=raw(body), key=api_key)
    assert response.status_code == 400, response.content
    assert path in error_paths(response)
    assert_nothing_stored()


def test_one_bad_sde_rejects_the_whole_request(api_client, api_key, now):
    bad = {"type": "lead", "lead": {"value": "22.2.2"}}
    response = post_json(api_client, INGEST, envelope(LEAD, LEAD, bad), key=api_key)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "path": "engagementAttributes[2].lead.value",
            "code": "invalid_number",
            "message": "Enter a plain number such as 12.50.",
        }
    ]
    assert_nothing_stored()


def test_every_problem_is_listed(api_client, api_key, now):
    body = {"visitorId": "", "engagementAttributes": [{"type": "x"}, {"type": "lead", "lead": 1}]}
    response = post_json(api_client, INGEST, body, key=api_key)
    assert error_paths(response) == [
        "visitorId",
        "engagementAttributes[0].type",
        "engagementAttributes[1].lead",
    ]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"engagementAttributes": [LEAD]}, "visitorId"),
        ({"visitorId": "v-1"}, "engagementAttributes"),
        ({"visitorId": "v-1", "engagementAttributes": []}, "engagementAttributes"),
        ({"visitorId": "v-1", "engagementAttributes": [LEAD] * 101}, "engagementAttributes"),
        ({"visitorId": "v-1", "engagementAttributes": LEAD}, "engagementAttributes"),
        ({"visitorId": 7, "engagementAttributes": [LEAD]}, "visitorId"),
        ({"visitorId": "v" * 121, "engagementAttributes": [LEAD]}, "visitorId"),
        ({"visitorId": "v-1", "time": "yesterday", "engagementAttributes": [LEAD]}, "time"),
        (
            {"visitorId": "v-1", "time": "2026-03-01T10:00:00", "engagementAttributes": [LEAD]},
            "time",
        ),
        (
            {"visitorId": "v-1", "time": "2026-02-30T10:00:00Z", "engagementAttributes": [LEAD]},
            "time",
        ),
        (
            {"visitorId": "v-1", "time": "2026-03-02T13:00:00Z", "engagementAttributes": [LEAD]},
            "time",
        ),
        (
            {
                "visitorId": "v-1",
                "time": "\uff12026-03-01T10:00:00Z",
                "engagementAttributes": [LEAD],
            },
            "time",
        ),
        ("just text", ""),
    ],
)
def test_bad_envelope_is_400(api_client, api_key, now, body, path):
    response = post_json(api_client, INGEST, body, key=api_key)
    assert response.status_code == 400
    assert path in error_paths(response)
    assert_nothing_stored()


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b" ",
        b'{"visitorId": "v-1"',
        '{"visitorId": "caf\xe9"}'.encode("latin-1"),
        b'\xef\xbb\xbf{"visitorId": "v-1", "engagementAttributes": []}',
    ],
)
def test_malformed_json_is_400(api_client, api_key, now, body):
    response = post_json(api_client, INGEST, raw=body, key=api_key)
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "invalid_json"


def test_empty_json_body_is_400(api_client, api_key, now):
    response = post_json(api_client, INGEST, raw=b"", key=api_key, CONTENT_TYPE="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [40, 100_000])
def test_deep_nesting_is_400_not_500(api_client, api_key, now, depth):
    nested = "[" * depth + "]" * depth
    body = raw('{"type": "lead", "extra": ' + nested + "}")
    response = post_json(api_client, INGEST, raw=body, key=api_key)
    assert response.status_code == 400
    assert "nested" in response.json()["errors"][0]["message"]
    assert_nothing_stored()


def test_brackets_inside_strings_do_not_count_as_nesting(api_client, api_key, now):
    text = "[[[[" * 20 + '\\"{{{{' * 20
    sde = {"type": "searchInfo", "keywords": [text]}
    response = post_json(api_client, INGEST, envelope(sde), key=api_key)
    assert response.status_code == 201
    assert EngagementAttributeEvent.objects.get().payload["keywords"] == [text]


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer co_not-a-real-key", "Basic dXNlcjpwdw==", "co_plain"],
)
def test_missing_or_invalid_key_is_401(api_client, now, authorization):
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = post_json(api_client, INGEST, envelope(LEAD), key=None, **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["code"] == "unauthorized"
    assert_nothing_stored()


def test_revoked_key_is_401(api_client, api_key, now):
    connector_revoke(connector=Connector.objects.get(), actor=None)
    response = post_json(api_client, INGEST, envelope(LEAD), key=api_key)
    assert response.status_code == 401
    assert_nothing_stored()


def test_a_key_revoked_after_use_is_refused_at_its_next_call(api_client, api_key, now):
    """The active connectors are kept under the configuration stamp: revoking one changes it."""
    assert post_json(api_client, INGEST, envelope(LEAD), key=api_key).status_code == 201
    connector_revoke(connector=Connector.objects.get(), actor=None)
    assert post_json(api_client, INGEST, envelope(LEAD), key=api_key).status_code == 401


def test_key_use_is_recorded(api_client, api_key, now):
    post_json(api_client, INGEST, envelope(LEAD), key=api_key)
    assert Connector.objects.get().last_used_at == now


@pytest.mark.parametrize("route", [INGEST, FEED])
def test_body_over_1_mib_is_413(api_client, api_key, now, route):
    padding = "x" * (1024 * 1024)
    body = raw(json.dumps({"type": "searchInfo", "keywords": [padding]}))
    response = post_json(api_client, route, raw=body, key=api_key)
    assert response.status_code == 413
    assert_nothing_stored()


def test_413_is_judged_from_content_length_before_reading(api_client, api_key, now):
    # The test client's payload refuses reads past its real size, so a read would fail loudly.
    body = json.dumps(envelope(LEAD))
    response = post_json(
        api_client, INGEST, raw=body, key=api_key, CONTENT_LENGTH=str(2 * 1024 * 1024)
    )
    assert response.status_code == 413


def test_body_of_exactly_1_mib_is_read(api_client, api_key, now):
    body = raw(json.dumps({"type": "searchInfo", "keywords": ["x"]}))
    body = body + " " * (1024 * 1024 - len(body))
    assert post_json(api_client, INGEST, raw=body, key=api_key).status_code == 201


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=latin-1",
        "",
    ],
)
def test_non_json_media_type_is_415(api_client, api_key, now, content_type):
    response = post_json(api_client, INGEST, envelope(LEAD), key=api_key, content_type=content_type)
    assert response.status_code == 415
    assert_nothing_stored()


def test_json_with_utf8_charset_is_accepted(api_client, api_key, now):
    response = post_json(
        api_client,
        INGEST,
        envelope(LEAD),
        key=api_key,
        content_type="application/json; charset=UTF-8",
    )
    assert response.status_code == 201


def test_get_is_405(api_client, api_key):
    response = api_client.get(
        "/api/v1/engagement-attributes", HTTP_AUTHORIZATION=f"Bearer {api_key}"
    )
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_idempotency_key_replays_the_first_answer(api_client, api_key, now):
    first = post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    again = post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert EngagementAttributeEvent.objects.count() == 1


def test_replay_does_not_run_the_request_again(api_client, api_key, now):
    post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    with CaptureQueriesContext(connection) as queries:
        again = post_json(
            api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1"
        )
    assert again.status_code == 201
    assert not [q for q in queries.captured_queries if "engagementattributeevent" in q["sql"]]


def test_idempotency_key_with_another_body_is_422(api_client, api_key, now):
    post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    other = envelope({"type": "lead", "lead": {"leadId": "L-2"}})
    response = post_json(api_client, INGEST, other, key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "Idempotency-Key"
    assert EngagementAttributeEvent.objects.count() == 1


def test_idempotency_keys_belong_to_one_connector(api_client, api_key, now):
    other_key = new_key("Shop")
    post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    response = post_json(
        api_client, INGEST, envelope(LEAD), key=other_key, HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert EngagementAttributeEvent.objects.count() == 2


def test_rejected_requests_are_not_remembered(api_client, api_key, now):
    bad = envelope({"type": "lead", "lead": {"value": "x"}})
    assert (
        post_json(api_client, INGEST, bad, key=api_key, HTTP_IDEMPOTENCY_KEY="k-1").status_code
        == 400
    )
    fixed = post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-1")
    assert fixed.status_code == 201


def test_idempotency_key_too_long_is_400(api_client, api_key, now):
    response = post_json(
        api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k" * 201
    )
    assert response.status_code == 400
    assert_nothing_stored()


def test_concurrent_retry_that_loses_the_race_replays(api_client, api_key, now):
    """The unique (connector, key) constraint decides a race; the loser answers as a retry."""
    first = post_json(api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-r")
    record = ApiIdempotencyRecord.objects.get()
    with mock.patch("workspace.api.guard._record", side_effect=[None, record]):
        again = post_json(
            api_client, INGEST, envelope(LEAD), key=api_key, HTTP_IDEMPOTENCY_KEY="k-r"
        )
    assert again.status_code == 201
    assert again.json() == first.json()
    assert EngagementAttributeEvent.objects.count() == 1


def test_rate_limit_per_key_answers_429_with_retry_after(api_client, api_key, now, settings):
    settings.API_RATE_LIMIT_PER_MINUTE = 2
    statuses = [
        post_json(api_client, INGEST, envelope(LEAD), key=api_key).status_code for _ in range(3)
    ]
    assert statuses == [201, 201, 429]
    limited = post_json(api_client, INGEST, envelope(LEAD), key=api_key)
    assert limited["Retry-After"] == "50"  # the clock is frozen 10 s into the minute
    assert EngagementAttributeEvent.objects.count() == 2
    assert post_json(api_client, INGEST, envelope(LEAD), key=new_key("Other")).status_code == 201


def test_rate_limit_window_resets(api_client, api_key, now, settings, time_machine):
    settings.API_RATE_LIMIT_PER_MINUTE = 1
    assert post_json(api_client, INGEST, envelope(LEAD), key=api_key).status_code == 201
    assert post_json(api_client, INGEST, envelope(LEAD), key=api_key).status_code == 429
    time_machine.move_to(timezone.now() + timedelta(minutes=1), tick=False)
    assert post_json(api_client, INGEST, envelope(LEAD), key=api_key).status_code == 201
