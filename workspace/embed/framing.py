"""Who may frame what: only the embed routes, and only from the origins an admin entered for
that desktop. Every other page keeps ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``."""

from functools import wraps

from django.conf import settings
from django.http import Http404

from workspace.embed.models import DesktopPanel


def enabled_panel(desktop: str) -> DesktopPanel | None:
    panel = DesktopPanel.objects.filter(desktop=desktop, enabled=True).first()
    return panel if panel is not None and panel.origins else None


def framed_by_desktop(desktop: str, *, script_origins: tuple[str, ...] = ()):
    """The view answers only while ``desktop`` is turned on (else 404), and its response may
    be framed by that desktop's origins alone (``request.desktop_panel`` is the settings row).
    ``script_origins``: where the desktop's own SDK is served from, allowed on this view only."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            panel = enabled_panel(desktop)
            if panel is None:
                raise Http404
            request.desktop_panel = panel
            response = view(request, *args, **kwargs)
            response.xframe_options_exempt = True
            policy = {**settings.SECURE_CSP, "frame-ancestors": panel.origins}
            if script_origins:
                policy["script-src"] = [*settings.SECURE_CSP["script-src"], *script_origins]
            response._csp_config = policy
            return response

        return wrapped

    return decorator
