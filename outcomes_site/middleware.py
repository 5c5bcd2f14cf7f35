"""Project-wide request handling that no single app owns."""

from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect


class HtmxAwareLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every view needs a login unless marked ``@login_not_required``.

    An expired session during an htmx request must not swap the login page into a fragment:
    htmx gets ``HX-Redirect`` and loads the login page as a whole page instead.
    """

    def handle_no_permission(self, request, view_func):
        if getattr(request, "htmx", False):
            page = request.htmx.current_url_abs_path or request.get_full_path()
            login = redirect_to_login(
                page, self.get_login_url(view_func), self.get_redirect_field_name(view_func)
            )
            return HttpResponseClientRedirect(login["Location"])
        return super().handle_no_permission(request, view_func)
