"""Demo agent-reported outcomes and survey responses (filled in by the Agent Workspace)."""

from datetime import datetime


def seed_outcomes(*, now: datetime) -> None:
    """Agent-reported outcomes and survey responses on demo conversations (idempotent)."""
