"""Reads for the Connectors list."""

from django.db.models import F, QuerySet

from campaigns.models import Connector


def connectors_list() -> QuerySet[Connector]:
    """Active connectors first, newest first, with who created them."""
    return Connector.objects.select_related("created_by").order_by(
        F("revoked_at").asc(nulls_first=True), "-created_at", "-id"
    )
