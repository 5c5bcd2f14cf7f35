"""Chat platforms and agent desktops that feed conversations in, and the one table that says
which of their ids is which of ours.

An id is only unique inside the platform account that made it (two Chatwoot accounts both have
a conversation 7), so every external id is kept with its ``PlatformAccount``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import Skill
from outcomes_site.secret_box import EncryptedTextField
from workspace.models import Conversation, Visitor


class Platform(models.TextChoices):
    CHATWOOT = "chatwoot", _("Chatwoot")
    LIVEPERSON = "liveperson", _("LivePerson")


class ReceiverAuth(models.TextChoices):
    SIGNATURE = "signature", _("Signed deliveries (HMAC secret)")
    SECRET_PATH = "secret_path", _("Secret receiver URL (for versions that do not sign)")


class PlatformAccount(models.Model):
    """One account on a platform (a Chatwoot account, a LivePerson site) and its receiver."""

    platform = models.CharField(_("platform"), max_length=16, choices=Platform.choices)
    name = models.CharField(_("name"), max_length=80)
    account_ref = models.CharField(
        _("account ID on the platform"),
        max_length=40,
        help_text=_("Chatwoot: the number in the account's address. LivePerson: the site ID."),
    )
    # Public part of the receiver URL: it names the account, it does not authenticate.
    slug = models.SlugField(max_length=32, unique=True, editable=False)
    auth = models.CharField(
        _("how deliveries are trusted"),
        max_length=16,
        choices=ReceiverAuth.choices,
        default=ReceiverAuth.SIGNATURE,
    )
    signing_secret = EncryptedTextField(blank=True, editable=False)
    path_token = EncryptedTextField(blank=True, editable=False)
    client_id = models.CharField(
        _("client ID"),
        max_length=80,
        blank=True,
        help_text=_("LivePerson: the installed application's client ID (sent with each call)."),
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_delivery_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["platform", "name"]
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "account_ref"],
                condition=Q(is_active=True),
                name="platform_account_once",
            )
        ]
        permissions = [("manage_platforms", "Connect chat platforms and agent desktops")]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.name}"

    @property
    def namespace(self) -> str:
        """The prefix of every id this account adds to ours (``chatwoot-3``)."""
        return f"{self.platform}-{self.pk}"


class RefKind(models.TextChoices):
    CONVERSATION = "conversation", _("Conversation")
    VISITOR = "visitor", _("Contact")
    AGENT = "agent", _("Agent")
    INBOX = "inbox", _("Inbox")
    TEAM = "team", _("Team")
    SKILL = "skill", _("Skill")


MAPPED_KINDS = (RefKind.AGENT, RefKind.INBOX, RefKind.TEAM, RefKind.SKILL)


class ExternalRefQuerySet(models.QuerySet):
    def needing_mapping(self) -> "ExternalRefQuerySet":
        """Agents, inboxes, teams and skills seen in deliveries that nobody has mapped yet."""
        return self.filter(kind__in=MAPPED_KINDS, agent__isnull=True, skill__isnull=True).exclude(
            ignored=True
        )


class ExternalRef(models.Model):
    """(platform account, kind, external id) -> our conversation, visitor, agent or skill.

    A conversation the platform reopens after it was resolved is a new conversation here: it
    gets the next ``sequence`` under the same external id. Agents, inboxes, teams and platform
    skills without a target are the "needs mapping" list.
    """

    account = models.ForeignKey(PlatformAccount, on_delete=models.CASCADE, related_name="refs")
    kind = models.CharField(max_length=16, choices=RefKind.choices)
    external_id = models.CharField(max_length=200)
    sequence = models.PositiveIntegerField(default=1)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    ignored = models.BooleanField(default=False)
    # The platform's own "last changed" time of the newest state applied, in microseconds (an
    # integer: SQLite keeps decimals as floats, which would make equal times compare unequal).
    # An older state that arrives late (deliveries are not ordered) is not applied over it.
    state_version = models.BigIntegerField(null=True, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    objects = ExternalRefQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "label", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "kind", "external_id", "sequence"], name="external_ref_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account.namespace}:{self.kind}:{self.external_id}"

    @property
    def display_label(self) -> str:
        return self.label or self.email or f"{self.get_kind_display()} {self.external_id}"


class Delivery(models.Model):
    """One accepted webhook call, kept so a repeated delivery is answered without acting twice."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", _("Applied")
        IGNORED = "ignored", _("Ignored")
        REJECTED = "rejected", _("Refused")

    account = models.ForeignKey(
        PlatformAccount, on_delete=models.CASCADE, related_name="deliveries"
    )
    key = models.CharField(max_length=200)
    event = models.CharField(max_length=80)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    detail = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField()

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["account", "key"], name="delivery_once")]
        indexes = [models.Index(fields=["account", "-received_at"], name="delivery_recent")]

    def __str__(self) -> str:
        return f"{self.event} ({self.outcome})"
