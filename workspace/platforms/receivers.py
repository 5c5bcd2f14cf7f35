"""The receiver URLs the platforms call. No session and no CSRF token: each delivery proves
itself with the platform's signature (or, for Chatwoot versions that do not sign, the secret
receiver path). Errors are JSON in the ingest API's shape."""

import hmac
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from workspace.api.guard import problem_response
from workspace.api.strict_json import JsonRejected, loads_strict
from workspace.platforms.models import Platform, PlatformAccount, ReceiverAuth
from workspace.platforms.services.chatwoot import chatwoot_apply, chatwoot_signature_check
from workspace.platforms.services.liveperson import liveperson_apply, liveperson_signature_check
from workspace.platforms.services.receiving import (
    DeliveryRefused,
    body_key,
    delivery_key,
    delivery_receive,
)


def _account(platform: str, slug: str) -> PlatformAccount:
    account = PlatformAccount.objects.filter(platform=platform, slug=slug, is_active=True).first()
    if account is None:
        raise DeliveryRefused(404, "not_found", "No receiver at this address.")
    return account


def _body(request: HttpRequest) -> bytes:
    declared = request.headers.get("Content-Length", "0") or "0"
    limit = settings.API_MAX_BODY_BYTES
    if not declared.isdigit() or int(declared) > limit:
        raise DeliveryRefused(413, "too_large", f"The body is over {limit} bytes.")
    return request.body


def _document(body: bytes):
    try:
        return loads_strict(body)
    except JsonRejected as exc:
        raise DeliveryRefused(400, "invalid_json", str(exc)) from exc


def _receive(
    request: HttpRequest, authenticate: Callable[[bytes], tuple[PlatformAccount, str]], apply
):
    now = timezone.now()
    try:
        body = _body(request)
        account, key = authenticate(body)
        document = _document(body)
    except DeliveryRefused as refused:
        return problem_response(refused.status, refused.code, refused.message)
    event = document.get("event") or document.get("type") if isinstance(document, dict) else ""
    receipt = delivery_receive(
        account=account,
        key=key,
        event=str(event or ""),
        now=now,
        apply=lambda: apply(account=account, document=document, now=now),
    )
    return JsonResponse(receipt.as_json(), status=receipt.status)


@csrf_exempt
@login_not_required
@never_cache
@require_POST
def chatwoot_receive(request: HttpRequest, slug: str, token: str = "") -> JsonResponse:
    def authenticate(body: bytes) -> tuple[PlatformAccount, str]:
        account = _account(Platform.CHATWOOT, slug)
        by_path = account.auth == ReceiverAuth.SECRET_PATH
        if by_path != bool(token) or (
            by_path and not hmac.compare_digest(token, account.path_token)
        ):
            raise DeliveryRefused(404, "not_found", "No receiver at this address.")
        if not by_path:
            chatwoot_signature_check(
                secret=account.signing_secret,
                signature=request.headers.get("X-Chatwoot-Signature", ""),
                timestamp=request.headers.get("X-Chatwoot-Timestamp", ""),
                body=body,
                now=timezone.now(),
            )
        return account, delivery_key(request.headers.get("X-Chatwoot-Delivery", ""), body)

    return _receive(request, authenticate, chatwoot_apply)


@csrf_exempt
@login_not_required
@never_cache
@require_POST
def liveperson_receive(request: HttpRequest, slug: str) -> JsonResponse:
    def authenticate(body: bytes) -> tuple[PlatformAccount, str]:
        account = _account(Platform.LIVEPERSON, slug)
        liveperson_signature_check(
            account=account,
            signature=request.headers.get("X-Liveperson-Signature", ""),
            account_id=request.headers.get("X-Liveperson-Account-Id", ""),
            client_id=request.headers.get("X-Liveperson-Client-Id", ""),
            body=body,
        )
        # LivePerson sends no delivery id: a retry repeats the same body.
        return account, body_key(body)

    return _receive(request, authenticate, liveperson_apply)
