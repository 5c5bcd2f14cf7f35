"""The sign-in policy as an authentication backend listed before the model backend: when
password sign-in is off, a password sign-in by anyone but the named break-glass admin stops
here (``PermissionDenied`` ends Django's walk through the backends, and counts as a failure)."""

from django.core.exceptions import PermissionDenied

from campaigns.sso.services import password_sign_in_allowed


class PasswordPolicyBackend:
    # Not a BaseBackend: without get_user it never owns a session (the test client's
    # force_login and allauth pick the first backend that has one).

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is not None and password is not None and not password_sign_in_allowed(username):
            raise PermissionDenied
        return None
