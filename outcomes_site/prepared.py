"""Statements planned once per connection (PostgreSQL).

PostgreSQL parses and plans every statement it is sent; for a long statement that picks a few
rows by key, that is most of its cost (an ingest's credit statement: 2.5 ms, of which 0.65 ms once
prepared). Inside ``planned_once()``, psycopg prepares each statement from its second run on the
connection, so later runs skip both steps. Only code whose statements pick rows by key runs in it:
the credit writers, and the agent's workspace and the ingest API (``PlannedOnceMiddleware``). A
prepared statement may keep one plan for all values, which suits a lookup by id but not a report
whose best plan depends on its period or filters.

Preparing needs the parameters bound in the server, so inside the block the connection makes
Django's server-binding cursors; outside it, it binds them in the client, Django's default.
``DB_PREPARED_STATEMENTS=0`` (``settings.PREPARED_STATEMENTS``) turns it off; on SQLite it changes
nothing.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DatabaseError, connection


@contextmanager
def planned_once() -> Iterator[None]:
    """Prepare the statements run inside from their second run (a decorator too)."""
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        yield
        return
    try:
        connection.ensure_connection()
    except DatabaseError:  # the first query will fail as it would have (503 from the middleware)
        yield
        return
    from django.db.backends.postgresql.base import ServerBindingCursor  # needs psycopg

    psycopg_connection = connection.connection
    before = psycopg_connection.prepare_threshold, psycopg_connection.cursor_factory
    psycopg_connection.prepare_threshold = 1
    psycopg_connection.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold, psycopg_connection.cursor_factory = before


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
