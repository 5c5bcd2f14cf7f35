"""Demo targets and report data (filled in by Reports)."""

from datetime import datetime


def seed_reporting(*, now: datetime) -> None:
    """Targets and anything else the reports need (idempotent)."""
