from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from tests.workspace.api.helpers import new_key

NOW = datetime(2026, 3, 2, 12, 0, 10, tzinfo=UTC)


@pytest.fixture
def now():
    """A frozen clock (10 s into a minute, so a rate-limit window never rolls over mid-test)."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def api_key(db) -> str:
    return new_key()


@pytest.fixture
def api_client() -> Client:
    """A client with no session: the API authenticates by connector key alone."""
    return Client()
