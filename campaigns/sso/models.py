"""Identity providers, the group mapping table and the password sign-in policy.

Identity links (issuer + subject, or the SAML NameID, to a user) are django-allauth's
``SocialAccount`` rows: ``provider`` is the provider's slug here, ``uid`` the subject or NameID.
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models import AgentGroup, Skill
from outcomes_site.secret_box import EncryptedTextField


class Protocol(models.TextChoices):
    OIDC = "openid_connect", _("OpenID Connect")
    SAML = "saml", _("SAML 2.0")


class IdentityProvider(models.Model):
    """One company directory people sign in with (Okta, Entra ID, Google, Keycloak...)."""

    slug = models.SlugField(
        _("short name"),
        max_length=40,
        unique=True,
        help_text=_("Appears in the sign-in and callback addresses; do not change it later."),
    )
    name = models.CharField(_("button label"), max_length=80)
    protocol = models.CharField(_("protocol"), max_length=20, choices=Protocol.choices)
    enabled = models.BooleanField(_("enabled"), default=True)
    # OpenID Connect
    issuer = models.URLField(_("issuer URL"), blank=True, max_length=300)
    client_id = models.CharField(_("client ID"), max_length=200, blank=True)
    client_secret = EncryptedTextField(_("client secret"), blank=True)
    scopes = models.CharField(
        _("scopes"),
        max_length=200,
        default="openid email profile",
        help_text=_("Add groups when the provider needs that scope to send them (Okta)."),
    )
    signing_keys_url = models.URLField(
        _("signing keys URL"),
        blank=True,
        max_length=300,
        help_text=_("Empty: the keys the issuer publishes. Set it to trust only other keys."),
    )
    # SAML 2.0
    metadata_url = models.URLField(_("IdP metadata URL"), blank=True, max_length=300)
    idp_entity_id = models.CharField(_("IdP entity ID"), max_length=300, blank=True)
    idp_sso_url = models.URLField(_("IdP sign-in URL"), blank=True, max_length=300)
    idp_certificate = EncryptedTextField(_("IdP signing certificate"), blank=True)
    idp_slo_url = models.URLField(
        _("IdP single logout URL"),
        blank=True,
        max_length=300,
        help_text=_("Only without a metadata URL; the metadata names it otherwise."),
    )
    # This app's own key pair, for signing its logout requests (single logout).
    sp_private_key = EncryptedTextField(_("SP signing key"), blank=True)
    sp_certificate = models.TextField(
        _("SP signing certificate"),
        blank=True,
        help_text=_("The certificate of the key above; published in this app's SAML metadata."),
    )
    # Both
    groups_claim = models.CharField(
        _("groups claim or attribute"),
        max_length=200,
        default="groups",
        help_text=_("The claim (OpenID Connect) or attribute (SAML) that lists the groups."),
    )
    trust_email = models.BooleanField(
        _("trust e-mail addresses for linking"),
        default=False,
        help_text=_(
            "Link a first sign-in to an existing user with the same e-mail address even when "
            "the provider does not say the address is verified."
        ),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.name


class GroupMapping(models.Model):
    """A provider group and what membership of it gives here. Applied at every sign-in."""

    provider = models.ForeignKey(
        IdentityProvider, on_delete=models.CASCADE, related_name="mappings"
    )
    external_group = models.CharField(_("provider group"), max_length=300)
    role = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("role")
    )
    agent_group = models.ForeignKey(
        AgentGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent group"),
    )
    managed_groups = models.ManyToManyField(
        AgentGroup, blank=True, related_name="+", verbose_name=_("manages")
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="+", verbose_name=_("skills"))

    class Meta:
        ordering = ["provider", "external_group", "pk"]
        verbose_name = _("group mapping")
        verbose_name_plural = _("group mappings")

    def __str__(self) -> str:
        return self.external_group


class SignInPolicy(models.Model):
    """One row: whether password sign-in is on, and who may still use it when it is off."""

    password_sign_in = models.BooleanField(_("password sign-in on"), default=True)
    break_glass_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("break-glass admin"),
        help_text=_("Keeps password sign-in when it is off for everyone else."),
    )

    class Meta:
        verbose_name = _("sign-in policy")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "SignInPolicy":
        return cls.objects.select_related("break_glass_user").first() or cls()
