"""Statements planned once per connection (PostgreSQL).

PostgreSQL parses and plans every statement it is sent; for a long statement that picks a few
rows by key, that is most of its cost (an ingest's credit statement: 2.5 ms, of which 0.65 ms once
prepared). Inside ``planned_once()``, psycopg prepares each statement from its second run on the
connection, so later runs skip both steps. Only code whose statements pick rows by key runs in it:
the credit writers, and the agent's workspace and the ingest API (``PlannedOnceMiddleware``). A
prepared statement may keep one plan for all values, which suits a lookup by id but not a report
whose best plan depends on its period or filters.

It needs the parameters bound in the server (``server_side_binding``, on unless
``DB_PREPARED_STATEMENTS=0``); elsewhere (SQLite, or turned off) it changes nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DatabaseError, connection


@contextmanager
def planned_once() -> Iterator[None]:
    """Prepare the statements run inside from their second run (a decorator too)."""
    if connection.vendor != "postgresql" or not connection.settings_dict["OPTIONS"].get(
        "server_side_binding"
    ):
        yield
        return
    try:
        connection.ensure_connection()
    except DatabaseError:  # the first query will fail as it would have (503 from the middleware)
        yield
        return
    psycopg_connection = connection.connection
    before = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = 1
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = before


class PlannedOnceMiddleware:
    """The agent's workspace (its pages, the widget's fragments and posts, the transcript poll,
    the desktop panels) and the ingest API run in ``planned_once()``, the session and user reads
    included: every statement they make picks rows by key. Report pages and the rest never do."""

    PREFIXES = ("/workspace/", "/embed/", "/api/v1/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(self.PREFIXES):
            return self.get_response(request)
        with planned_once():
            return self.get_response(request)
