"""The panel's own cookies. Inside a desktop the app is a third-party frame: the main session
and CSRF cookies (``SameSite=Lax``) are not sent there, and where the browser blocks
third-party cookies only partitioned ones are. So under ``/embed/`` the session and the CSRF
token travel in cookies of their own, ``SameSite=None; Secure; Partitioned`` (CHIPS), and the
main ones are never read there: a panel sign-in is separate from the app's own."""

from http.cookies import Morsel

from django.conf import settings
from django_htmx.http import HttpResponseClientRefresh

EMBED_PREFIX = "/embed/"
SESSION_COOKIE = "embed_sessionid"
CSRF_COOKIE = "embed_csrftoken"


class PartitionedMorsel(Morsel):
    """Python's cookies know no ``Partitioned`` attribute before 3.14, nor does Django."""

    def OutputString(self, attrs=None):
        return super().OutputString(attrs) + "; Partitioned"


def _renamed(source: Morsel, name: str) -> Morsel:
    morsel = PartitionedMorsel()
    morsel.set(name, source.value, source.coded_value)
    for key in ("expires", "max-age", "path", "domain", "httponly"):
        if source[key]:
            morsel[key] = source[key]
    morsel["secure"] = True
    morsel["samesite"] = "None"
    return morsel


class EmbedCookieMiddleware:
    """Before ``SessionMiddleware``: swaps the panel's cookies in on the way in and out on the
    way back, on the embed routes only."""

    NAMES = (
        (settings.SESSION_COOKIE_NAME, SESSION_COOKIE),
        (settings.CSRF_COOKIE_NAME, CSRF_COOKIE),
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(EMBED_PREFIX):
            return self.get_response(request)
        for main, own in self.NAMES:
            request.COOKIES.pop(main, None)
            if own in request.COOKIES:
                request.COOKIES[main] = request.COOKIES.pop(own)
        response = self.get_response(request)
        for main, own in self.NAMES:
            if main in response.cookies:
                morsel = _renamed(response.cookies[main], own)
                del response.cookies[main]
                dict.__setitem__(response.cookies, own, morsel)
        return self._signed_out(request, response)

    @staticmethod
    def _signed_out(request, response):
        """An expired panel session during an htmx request reloads the panel (which offers the
        sign-in window) instead of sending the frame to the login page, which refuses frames."""
        user = getattr(request, "user", None)
        if response.has_header("HX-Redirect") and user is not None and not user.is_authenticated:
            return HttpResponseClientRefresh()
        return response
