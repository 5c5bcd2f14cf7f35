"""What every ingest API endpoint does before and after its own work, in this order: POST only,
connector key (401), rate limit (429), body size from ``Content-Length`` before reading, or
while reading a chunked body (413),
JSON media type (415), strict parsing (400), ``Idempotency-Key`` replay (or 422), then the
endpoint inside one transaction (all or nothing), answering JSON in one error format."""

import hashlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from campaigns.models import Connector
from campaigns.services.connectors import connector_authenticate
from workspace.api.strict_json import JsonRejected, loads_strict
from workspace.models import ApiIdempotencyRecord
from workspace.services.ingest_problems import InputRejected

logger = logging.getLogger(__name__)
MAX_IDEMPOTENCY_KEY = 200
JSON_TYPES = ("application/json",)


@dataclass(frozen=True)
class ApiCall:
    """A request that passed the guard: its connector, parsed JSON document and time."""

    request: HttpRequest
    connector: Connector
    document: Any
    now: datetime


@dataclass(frozen=True)
class ApiAnswer:
    status: int
    body: dict[str, Any]


def problem_response(
    status: int, code: str, message: str, path: str = "", **headers
) -> JsonResponse:
    body = {"errors": [{"path": path, "code": code, "message": message}]}
    return JsonResponse(body, status=status, headers=headers)


def _bearer_key(request: HttpRequest) -> str:
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" else ""


def rate_limit_retry_after(connector: Connector, *, now: float) -> int | None:
    """Seconds to wait when this connector is over its requests per minute, else None.

    A fixed one-minute window counted in the cache, which every worker and host shares (Redis,
    or the database's cache table: settings.CACHES), so the limit holds however many run.
    """
    limit = settings.API_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return None
    window = int(now // 60)
    key = f"api-rate:{connector.key_digest[:24]}:{window}"
    try:
        count = _count_in_window(key)
    except Exception:  # the cache is down: serve rather than refuse everyone
        logger.exception("Rate limit cache unavailable")
        return None
    if count > limit:
        return max(1, 60 - int(now % 60))
    return None


def _count_in_window(key: str) -> int:
    """This request's number in its window. ``incr`` first: after a window's first request it is
    the only cache call; both shared backends' ``incr`` is atomic across processes."""
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request, unless another worker's add wins the race
        if cache.add(key, 1, timeout=120):
            return 1
        return cache.incr(key)


def _media_type_ok(request: HttpRequest) -> bool:
    media_type = (request.content_type or "").lower()
    charset = request.content_params.get("charset", "utf-8").lower()
    is_json = media_type in JSON_TYPES or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )
    return is_json and charset in ("utf-8", "utf8")


def _body_too_large(request: HttpRequest) -> bool | None:
    """True when ``Content-Length`` announces more than the limit; None when it is unreadable."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    if not raw.isdigit():
        return None
    return int(raw) > settings.API_MAX_BODY_BYTES


def _is_chunked(request: HttpRequest) -> bool:
    encoding = request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
    return "chunked" in encoding and not request.META.get("CONTENT_LENGTH")


def _read_body(request: HttpRequest) -> bytes:
    """At most one byte over the limit. A chunked body announces no length, and Django reads
    such a body as empty: it is read from the server's input stream instead, chunk by chunk,
    under the same cap."""
    limit = settings.API_MAX_BODY_BYTES
    if not _is_chunked(request):
        return request.read(limit + 1)
    stream, parts, size = request.META["wsgi.input"], [], 0
    while size <= limit:
        part = stream.read(min(64 * 1024, limit + 1 - size))
        if not part:
            break
        parts.append(part)
        size += len(part)
    return b"".join(parts)


def _precheck(request: HttpRequest) -> JsonResponse | Connector:
    """The checks that need no body: method, key, rate limit, size, media type."""
    if request.method != "POST":
        return problem_response(405, "method_not_allowed", "Use POST.", Allow="POST")
    connector = connector_authenticate(_bearer_key(request))
    if connector is None:
        return problem_response(
            401,
            "unauthorized",
            "Send a valid connector key: Authorization: Bearer <key>.",
            **{"WWW-Authenticate": 'Bearer realm="api"'},
        )
    retry_after = rate_limit_retry_after(connector, now=time.time())
    if retry_after is not None:
        return problem_response(
            429,
            "rate_limited",
            "Too many requests for this key; retry later.",
            **{"Retry-After": str(retry_after)},
        )
    too_large = _body_too_large(request)
    if too_large is None:
        return problem_response(400, "bad_length", "Content-Length must be a whole number.")
    if too_large:
        limit = settings.API_MAX_BODY_BYTES
        return problem_response(413, "too_large", f"The body is over {limit} bytes.")
    if not _media_type_ok(request):
        return problem_response(415, "unsupported_media_type", "Send application/json.")
    return connector


def _replay(record: ApiIdempotencyRecord, digest: str) -> JsonResponse:
    if record.request_digest != digest:
        return problem_response(
            422,
            "idempotency_key_reused",
            "This Idempotency-Key was used with a different request.",
            "Idempotency-Key",
        )
    return JsonResponse(
        record.response_body, status=record.status_code, headers={"Idempotent-Replayed": "true"}
    )


def _run(handler, call: ApiCall, key: str, digest: str) -> JsonResponse:
    try:
        with transaction.atomic():
            answer = handler(call)
            if key:
                ApiIdempotencyRecord.objects.create(
                    connector=call.connector,
                    key=key,
                    request_digest=digest,
                    status_code=answer.status,
                    response_body=answer.body,
                    created_at=call.now,
                )
    except InputRejected as exc:
        body = {"errors": [problem.as_json() for problem in exc.problems]}
        return JsonResponse(body, status=exc.status)
    except IntegrityError:
        # A concurrent request with the same key committed first: answer as a retry would.
        record = _record(call.connector, key) if key else None
        if record is None:
            raise
        return _replay(record, digest)
    return JsonResponse(answer.body, status=answer.status)


def _record(connector: Connector, key: str) -> ApiIdempotencyRecord | None:
    return ApiIdempotencyRecord.objects.filter(connector=connector, key=key).first()


def api_endpoint(handler: Callable[[ApiCall], ApiAnswer]):
    """Wrap ``handler(call) -> ApiAnswer`` with the API's checks; the handler may raise
    ``InputRejected`` (400) or ``InputNotFound`` (404), and nothing it wrote is kept then."""

    @csrf_exempt
    @login_not_required
    @never_cache
    @wraps(handler)
    def view(request: HttpRequest) -> JsonResponse:
        checked = _precheck(request)
        if isinstance(checked, JsonResponse):
            return checked
        body = _read_body(request)
        if len(body) > settings.API_MAX_BODY_BYTES:
            limit = settings.API_MAX_BODY_BYTES
            return problem_response(413, "too_large", f"The body is over {limit} bytes.")
        try:
            document = loads_strict(body)
        except JsonRejected as exc:
            return problem_response(400, "invalid_json", str(exc))
        key = request.headers.get("Idempotency-Key", "")
        if len(key) > MAX_IDEMPOTENCY_KEY or (key and not key.isprintable()):
            return problem_response(
                400,
                "invalid_idempotency_key",
                "At most 200 printable characters.",
                "Idempotency-Key",
            )
        digest = hashlib.sha256(request.get_full_path().encode() + b"\n" + body).hexdigest()
        if key and (record := _record(checked, key)) is not None:
            return _replay(record, digest)
        call = ApiCall(request=request, connector=checked, document=document, now=timezone.now())
        return _run(handler, call, key, digest)

    return view
