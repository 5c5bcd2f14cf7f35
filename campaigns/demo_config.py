"""Demo configuration: outcomes, surveys, campaigns and goals (filled in by Campaign Builder)."""

from datetime import datetime


def seed_configuration(*, now: datetime) -> None:
    """Configure the demo account's outcomes, surveys, goals and campaigns (idempotent)."""
