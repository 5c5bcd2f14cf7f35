from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class LoginForm(AuthenticationForm):
    """The stock form, with the browser hints a login page should give."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "autofocus": True})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
        # Django sets the username's max_length after the field is built, so it is never
        # validated: a longer name reached django-axes, whose 255-character column made
        # PostgreSQL fail the sign-in with a 500. Refuse it as a form error instead.
        self.fields["username"].validators.append(
            MaxLengthValidator(self.fields["username"].max_length)
        )
