"""Forms of the Platforms tab. Secrets are write-only fields: never rendered back."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Skill, User
from workspace.platforms.models import Platform, PlatformAccount, ReceiverAuth


class PlatformAccountForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=Platform.choices)
    name = forms.CharField(label=_("Name"), max_length=80)
    account_ref = forms.RegexField(
        label=_("Account ID on the platform"),
        max_length=40,
        regex=r"^[A-Za-z0-9._-]+$",
        help_text=PlatformAccount._meta.get_field("account_ref").help_text,
        error_messages={"invalid": _("Use letters, digits, dots, dashes or underscores.")},
    )
    auth = forms.ChoiceField(
        label=_("How deliveries are trusted"),
        choices=ReceiverAuth.choices,
        initial=ReceiverAuth.SIGNATURE,
        help_text=_("Prefer signed deliveries; LivePerson always signs."),
    )
    client_id = forms.CharField(label=_("Client ID (LivePerson)"), max_length=80, required=False)
    secret = forms.CharField(
        label=_("Webhook secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "Chatwoot shows it once the webhook is saved; LivePerson gives the client secret. "
            "You can add it later."
        ),
    )

    def clean(self):
        data = super().clean()
        active = PlatformAccount.objects.filter(is_active=True)
        if active.filter(
            platform=data.get("platform"), account_ref=data.get("account_ref")
        ).exists():
            self.add_error("account_ref", _("This account is already connected."))
        if (
            data.get("platform") == Platform.LIVEPERSON
            and data.get("auth") == ReceiverAuth.SECRET_PATH
        ):
            self.add_error("auth", _("LivePerson signs every delivery: choose signed deliveries."))
        return data


class SecretForm(forms.Form):
    secret = forms.CharField(
        label=_("New webhook secret"),
        max_length=200,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
    )


class AgentMappingForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Our agent"), queryset=User.objects.agents(), required=False
    )


class SkillMappingForm(forms.Form):
    skill = forms.ModelChoiceField(
        label=_("Our skill"), queryset=Skill.objects.all(), required=False
    )
