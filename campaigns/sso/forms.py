from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django import forms
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from campaigns.models import AgentGroup, Skill, User
from campaigns.roles import ROLE_PERMISSIONS
from campaigns.sso.models import GroupMapping, IdentityProvider, Protocol, SignInPolicy

URL_FIELDS = ("issuer", "signing_keys_url", "metadata_url", "idp_sso_url", "idp_slo_url")
SECRET_FIELDS = ("client_secret", "idp_certificate", "sp_private_key")


class ProviderForm(forms.ModelForm):
    """Secrets are write-only: the inputs are always empty, and left empty they keep the
    stored value."""

    class Meta:
        model = IdentityProvider
        fields = [
            "name", "slug", "protocol", "enabled", "issuer", "client_id", "client_secret",
            "scopes", "signing_keys_url", "metadata_url", "idp_entity_id", "idp_sso_url",
            "idp_certificate", "idp_slo_url", "sp_private_key", "sp_certificate", "groups_claim",
            "trust_email",
        ]  # fmt: skip
        # URL fields as text inputs (the site's styles cover those), checked as URLs all the same.
        widgets = {
            **{name: forms.TextInput(attrs={"inputmode": "url"}) for name in URL_FIELDS},
            "client_secret": forms.PasswordInput(render_value=False),
            "idp_certificate": forms.Textarea(attrs={"rows": 4}),
            "sp_private_key": forms.Textarea(attrs={"rows": 4}),
            "sp_certificate": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.stored = {name: getattr(self.instance, name) for name in SECRET_FIELDS}
        for name in SECRET_FIELDS:
            self.initial[name] = ""
            if self.stored[name]:
                self.fields[name].help_text = _("Stored. Leave empty to keep it.")

    def clean(self):
        data = super().clean()
        for name in SECRET_FIELDS:
            if not data.get(name):
                data[name] = self.stored[name]
        if data.get("protocol") == Protocol.OIDC:
            for name in ("issuer", "client_id", "client_secret"):
                if not data.get(name):
                    self.add_error(name, _("An OpenID Connect provider needs this."))
        elif data.get("protocol") == Protocol.SAML and not data.get("metadata_url"):
            for name in ("idp_entity_id", "idp_sso_url", "idp_certificate"):
                if not data.get(name):
                    self.add_error(name, _("Give the metadata URL, or this."))
        if data.get("sp_private_key") or data.get("sp_certificate"):
            self._check_sp_key_pair(data)
        return data

    def _check_sp_key_pair(self, data: dict) -> None:
        try:
            key = serialization.load_pem_private_key(data["sp_private_key"].encode(), None)
        except (KeyError, ValueError, TypeError):
            self.add_error("sp_private_key", _("Paste an unencrypted PEM private key."))
            return
        try:
            certificate = x509.load_pem_x509_certificate(data["sp_certificate"].encode())
        except (KeyError, ValueError):
            self.add_error("sp_certificate", _("Paste the key's PEM certificate."))
            return
        if _public_der(certificate) != _public_der(key):
            self.add_error("sp_certificate", _("This certificate is not the key's."))


def _public_der(holder) -> bytes:
    return holder.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


class MappingForm(forms.ModelForm):
    class Meta:
        model = GroupMapping
        fields = ["external_group", "role", "agent_group", "managed_groups", "skills"]
        widgets = {
            "managed_groups": forms.CheckboxSelectMultiple,
            "skills": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = Group.objects.filter(name__in=ROLE_PERMISSIONS)
        self.fields["agent_group"].queryset = AgentGroup.objects.all()
        self.fields["managed_groups"].queryset = AgentGroup.objects.all()
        self.fields["skills"].queryset = Skill.objects.all()


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SignInPolicy
        fields = ["password_sign_in", "break_glass_user"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["break_glass_user"].queryset = User.objects.filter(
            groups__name="Admin", is_active=True
        ).order_by("username")

    def clean(self):
        data = super().clean()
        if not data.get("password_sign_in") and not data.get("break_glass_user"):
            self.add_error(
                "break_glass_user",
                _("Name a break-glass admin before turning password sign-in off."),
            )
        return data


DIRECTORY_FIELDS = ("roles", "skills", "agent_group", "managed_groups")
DIRECTORY_HELP = _("From the identity provider; read-only here.")


def directory_fields_lock(form: forms.Form, person: User) -> bool:
    """For a person who signs in through a provider, the People form shows roles, skills, agent
    group and the groups they manage read-only: the provider's groups set them at every sign-in.
    Disabled fields keep their initial value whatever a request sends."""
    from campaigns.sso.selectors import sso_managed_user_ids

    if not person.pk or person.pk not in sso_managed_user_ids([person.pk]):
        return False
    form.fields["managed_groups"] = forms.ModelMultipleChoiceField(
        label=_("Manages"),
        queryset=AgentGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        initial=list(person.managed_groups.all()),
    )
    for name in DIRECTORY_FIELDS:
        if name in form.fields:
            form.fields[name].disabled = True
            form.fields[name].help_text = DIRECTORY_HELP
    return True


class LockedOptionsWidget(forms.CheckboxSelectMultiple):
    """Checkboxes of people where those in ``locked`` (user ids) are shown but disabled."""

    locked: frozenset[int] = frozenset()

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if getattr(value, "value", value) in self.locked:
            option["attrs"]["disabled"] = True
        return option


def people_choices_lock(form: forms.Form, field_name: str, current: list[User]) -> list[User]:
    """A group page's list of people (managers or agents) with the people who sign in through a
    provider read-only: they are shown disabled, and whatever a request sends, those among
    ``current`` stay and no others are added. Returns the cleaned list; call from ``clean_*``."""
    locked = form.fields[field_name].widget.locked
    sent = [person for person in form.cleaned_data[field_name] if person.pk not in locked]
    return sent + [person for person in current if person.pk in locked]
