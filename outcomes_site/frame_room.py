"""Room on CPython's frame stack for a whole request.

CPython keeps the local variables of running Python functions on a per-thread stack made of
chunks of 16 KiB. A call that does not fit in the current chunk starts a new one, allocated with
``mmap``, and its return frees that chunk with ``munmap`` when nothing else is on it. A request
whose call depth keeps crossing the same boundary (Django's middleware, template rendering and
form widgets nest deeply) pays two system calls and a fresh zeroed page each time. CPython
issue gh-142183; releases from 2026 keep one spare chunk per thread instead.

Measured under gunicorn with ``strace -c`` (bench/README.md): the widget partial made about 156
``mmap``/``munmap`` pairs per request, 1.4 ms of kernel time, where the reference page made
none, since its calls happened not to cross a boundary. Where a boundary falls depends on the
depth the server calls the application from, so any page can be hit after an unrelated change.

``with_frame_room(app)`` calls the application from a function whose frame reserves ``slots``
unused local variables: entering it opens one chunk large enough for the request's own calls,
so they never cross a boundary. That costs one ``mmap`` per request, whatever the page.
"""

from collections.abc import Callable, Iterable
from typing import Any

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

# 8,192 slots of 8 bytes: a 64 KiB frame, so a 128 KiB chunk with 64 KiB left for the request.
# The deepest page measured needed under 16 KiB (bench/README.md).
SLOTS = 8192


def _roomy_caller(slots: int) -> Callable[[WSGIApp, dict[str, Any], Callable[..., Any]], Any]:
    """``call(app, environ, start_response)``, compiled with ``slots`` extra local variables
    that are never assigned (the compiler keeps a slot for each even in a dead branch)."""
    names = " = ".join(f"_{i}" for i in range(slots))
    source = (
        "def call(app, environ, start_response):\n"
        f"    if False:\n        {names} = None\n"
        "    return app(environ, start_response)\n"
    )
    namespace: dict[str, Any] = {}
    # bandit/ruff: the source is built above from integers only; nothing comes from outside.
    exec(compile(source, "<frame_room>", "exec"), namespace)  # noqa: S102  # nosec B102
    return namespace["call"]


def with_frame_room(app: WSGIApp, slots: int = SLOTS) -> WSGIApp:
    """``app`` called from a frame that reserves room for the whole request (see above)."""
    call = _roomy_caller(slots)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]):
        return call(app, environ, start_response)

    application.frame_slots = call.__code__.co_nlocals  # type: ignore[attr-defined]
    return application
