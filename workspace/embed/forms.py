"""Forms of the desktop panels: an admin's settings, a desktop's context, a sign-in code."""

import re
from urllib.parse import urlsplit

from django import forms
from django.utils.translation import gettext_lazy as _

from workspace.embed.models import Desktop
from workspace.embed.services import DesktopContext

LOOPBACK = {"localhost", "127.0.0.1", "[::1]"}
ORIGIN = re.compile(r"^(https?)://([a-z0-9.-]+|\[::1\])(:[0-9]{1,5})?$")
MAX_ORIGINS = 10


def origin_clean(line: str) -> str:
    """``https://chat.example.com`` exactly as browsers send an origin: no path, no wildcard.
    Plain http only for this machine (trying the panel locally)."""
    value = line.strip().rstrip("/").lower()
    match = ORIGIN.match(value)
    if not match or urlsplit(value).path:
        raise forms.ValidationError(
            _("“%(origin)s” is not an origin such as https://chat.example.com."),
            params={"origin": line.strip()[:80]},
        )
    if match.group(1) == "http" and match.group(2) not in LOOPBACK:
        raise forms.ValidationError(
            _("“%(origin)s” must use https."), params={"origin": line.strip()[:80]}
        )
    return value


class DesktopPanelForm(forms.Form):
    enabled = forms.BooleanField(label=_("Turn on this desktop's panel"), required=False)
    origins = forms.CharField(
        label=_("Allowed origins"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        help_text=_(
            "One per line, the address of the desktop as your agents open it, without a path "
            "(https://chat.example.com). Only these may show the panel."
        ),
    )

    def clean_origins(self) -> list[str]:
        lines = [line for line in self.cleaned_data["origins"].splitlines() if line.strip()]
        if len(lines) > MAX_ORIGINS:
            raise forms.ValidationError(_("At most %(n)s origins."), params={"n": MAX_ORIGINS})
        errors, origins = [], []
        for line in lines:
            try:
                origins.append(origin_clean(line))
            except forms.ValidationError as error:
                errors.append(error)
        if errors:
            raise forms.ValidationError(errors)
        return list(dict.fromkeys(origins))

    def clean(self):
        data = super().clean()
        if data.get("enabled") and not data.get("origins") and "origins" not in self.errors:
            self.add_error("origins", _("Enter at least one origin to turn the panel on."))
        return data


DIGITS = r"^[0-9]{1,20}$"


class ChatwootContextForm(forms.Form):
    """What the panel's script read from Chatwoot's ``appContext`` message."""

    account = forms.RegexField(regex=DIGITS, label=_("Chatwoot account"))
    conversation = forms.RegexField(regex=DIGITS, label=_("Chatwoot conversation"))
    contact = forms.RegexField(regex=DIGITS, label=_("Chatwoot contact"), required=False)

    def desktop_context(self) -> DesktopContext:
        data = self.cleaned_data
        return DesktopContext(
            Desktop.CHATWOOT, data["account"], data["conversation"], data["contact"]
        )


# LivePerson's ids: a site id is a number; a conversation id is a UUID in messaging and a
# session id in real-time chat; a visitor id is an opaque token.
LIVEPERSON_ID = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,79}$"


class LivePersonContextForm(forms.Form):
    """What the panel's script read through LivePerson's Agent Workspace Widget SDK."""

    account = forms.RegexField(regex=DIGITS, label=_("LivePerson account"))
    conversation = forms.RegexField(regex=LIVEPERSON_ID, label=_("LivePerson conversation"))
    contact = forms.RegexField(regex=LIVEPERSON_ID, label=_("LivePerson visitor"), required=False)
    skill = forms.CharField(max_length=80, label=_("LivePerson skill"), required=False)

    def desktop_context(self) -> DesktopContext:
        data = self.cleaned_data
        return DesktopContext(
            Desktop.LIVEPERSON,
            data["account"],
            data["conversation"],
            contact_ref=data["contact"],
            skill_name=data["skill"].strip(),
        )


# A Zendesk subdomain (``acme`` of acme.zendesk.com), as ``client.context()`` gives it.
ZENDESK_SUBDOMAIN = r"^[a-z0-9][a-z0-9-]{0,39}$"


class ZendeskTicketForm(forms.Form):
    """Which Zendesk ticket: what the save gate asks about."""

    subdomain = forms.RegexField(regex=ZENDESK_SUBDOMAIN, label=_("Zendesk subdomain"))
    ticket = forms.RegexField(regex=DIGITS, label=_("Zendesk ticket"))


class ZendeskContextForm(ZendeskTicketForm):
    """What the panel's script read through Zendesk's Apps framework SDK."""

    requester = forms.RegexField(regex=DIGITS, label=_("Zendesk requester"), required=False)
    group = forms.CharField(max_length=80, label=_("Zendesk group"), required=False)

    def desktop_context(self) -> DesktopContext:
        data = self.cleaned_data
        return DesktopContext(
            Desktop.ZENDESK,
            data["subdomain"],
            data["ticket"],
            contact_ref=data["requester"],
            skill_name=data["group"].strip(),
        )


class SignInCodeForm(forms.Form):
    code = forms.CharField(max_length=100, label=_("Sign-in code"))
