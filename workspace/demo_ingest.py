"""Demo customer-reported engagement attributes (filled in by the ingest API)."""

from datetime import datetime


def seed_customer_events(*, now: datetime) -> None:
    """Customer-reported events through the ingest service, a demo connector (idempotent)."""
