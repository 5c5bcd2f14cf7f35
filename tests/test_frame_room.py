"""Each request runs in one chunk of CPython's frame stack (outcomes_site/frame_room.py)."""

import resource

from django.core.signals import request_started
from django.db import close_old_connections
from django.test import Client

from outcomes_site import wsgi
from outcomes_site.frame_room import SLOTS, with_frame_room


def _deep(n: int) -> int:
    # Twenty locals per frame: a hundred frames take about 24 KiB of the frame stack, more than
    # one 16 KiB chunk, so each descent crosses at least one chunk boundary.
    a = b = c = d = e = f = g = h = i = j = k = m = o = p = q = r = s = t = u = v = n
    return (
        _deep(n - 1) + 1
        if n
        else a + b + c + d + e + f + g + h + i + j + k + m + o + p + q + r + s + t + u + v
    )


def _descents(environ, start_response):
    """Two hundred descents of a hundred calls; answers the minor page faults they caused."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(200):
        _deep(100)
    return [resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before]


def test_calls_inside_the_room_take_no_fresh_memory():
    """A chunk the calls start and leave again would be mapped afresh each time (a page fault
    per descent, 600 on Python 3.13.0); inside the room the chunk is there already."""
    (faults,) = with_frame_room(_descents)({}, None)
    assert faults < 50


def test_the_application_is_called_with_what_the_server_gave_and_answers_unchanged():
    calls = []

    def app(environ, start_response):
        calls.append((environ, start_response))
        return [b"body"]

    def start_response(status, headers):
        return None

    wrapped = with_frame_room(app, slots=16)
    assert wrapped({"PATH_INFO": "/x"}, start_response) == [b"body"]
    assert calls == [({"PATH_INFO": "/x"}, start_response)]
    assert wrapped.frame_slots == 16 + 3  # the room, and the three arguments


def test_the_served_application_has_the_room(db):
    """gunicorn serves ``outcomes_site.wsgi:application``: it is the wrapped one, and it
    answers a request end to end."""
    assert wsgi.application.frame_slots == SLOTS + 3
    environ = Client()._base_environ(PATH_INFO="/health/", REQUEST_METHOD="GET")
    statuses = []
    # As Django's test client does: the request must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    try:
        answer = wsgi.application(environ, lambda status, headers: statuses.append(status))
        body = b"".join(answer)
    finally:
        request_started.connect(close_old_connections)
    assert statuses == ["200 OK"]
    assert body
