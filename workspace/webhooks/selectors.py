"""Reads for the webhook pages: each list in a fixed number of queries."""

from django.db.models import Count, Q, QuerySet

from workspace.webhooks.models import Delivery, DeliveryAttempt, Endpoint

LOG_PAGE = 100


def endpoints_list() -> QuerySet[Endpoint]:
    """Every endpoint with its count of pending deliveries."""
    return Endpoint.objects.annotate(
        pending=Count("deliveries", filter=Q(deliveries__state=Delivery.State.PENDING))
    ).order_by("url", "pk")


def endpoints_switched_off() -> list[Endpoint]:
    """Endpoints the worker switched off after a day of failures: the banner's list."""
    return list(
        Endpoint.objects.filter(enabled=False, disabled_reason=Endpoint.DisabledReason.FAILING)
    )


def endpoint_log(endpoint: Endpoint, *, limit: int = LOG_PAGE) -> list[DeliveryAttempt]:
    """The endpoint's latest attempts, newest first, with their delivery and message."""
    return list(
        DeliveryAttempt.objects.filter(endpoint=endpoint)
        .select_related("delivery__message")
        .order_by("-attempted_at", "-pk")[:limit]
    )


def endpoint_pending(endpoint: Endpoint, *, limit: int = LOG_PAGE) -> list[Delivery]:
    """Deliveries still to go, oldest first (a failing one holds back its conversation's)."""
    return list(
        Delivery.objects.filter(endpoint=endpoint, state=Delivery.State.PENDING)
        .select_related("message")
        .order_by("pk")[:limit]
    )
