"""Configuration reads remembered for the length of one request.

An outcome submit reads the widget configuration and the account settings in the view, again in
the service, and again to render the fresh section: six queries for the same rows. Functions
decorated with ``request_memo`` answer from memory inside a request (between Django's
``request_started`` and ``request_finished``) and read the database everywhere else (commands,
tasks, tests that call services directly). A change to the models named with
``forget_on_change`` empties the memory at once, so a request that saves configuration and then
reads it sees the new rows.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.core.signals import request_finished, request_started
from django.db.models.signals import m2m_changed, post_delete, post_save

_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)


def request_memo(function: Callable) -> Callable:
    """Remember ``function(*args)`` (hashable positional arguments) until the request ends."""

    @wraps(function)
    def wrapped(*args):
        memo = _memo.get()
        if memo is None:
            return function(*args)
        key = (function.__module__, function.__qualname__, args)
        if key not in memo:
            memo[key] = function(*args)
        return memo[key]

    return wrapped


def forget(**kwargs) -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


def forget_on_change(*models) -> None:
    """Empty the memory whenever one of ``models`` (or an m2m through table) changes."""
    for model in models:
        uid = f"request_memo.{model._meta.label}"
        post_save.connect(forget, sender=model, dispatch_uid=f"{uid}.save", weak=False)
        post_delete.connect(forget, sender=model, dispatch_uid=f"{uid}.delete", weak=False)
        m2m_changed.connect(forget, sender=model, dispatch_uid=f"{uid}.m2m", weak=False)


def _start(**kwargs) -> None:
    _memo.set({})


def _finish(**kwargs) -> None:
    _memo.set(None)


@contextmanager
def remembering() -> Iterator[None]:
    """What a request does: remember inside, forget after (for tests and long jobs)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


request_started.connect(_start, dispatch_uid="request_memo.start")
request_finished.connect(_finish, dispatch_uid="request_memo.finish")
