"""The Conversation summary as a panel inside an agent desktop: which desktops may frame it,
the one-time codes that sign the panel in, and the conversations a panel created itself."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from workspace.models import Conversation

CODE_LIFETIME = timedelta(seconds=60)


class Desktop(models.TextChoices):
    CHATWOOT = "chatwoot", _("Chatwoot Dashboard App")
    LIVEPERSON = "liveperson", _("LivePerson Agent Workspace widget")
    ZENDESK = "zendesk", _("Zendesk ticket sidebar app")


class DesktopPanel(models.Model):
    """One desktop's switch and the origins allowed to frame its panel (one row per desktop)."""

    desktop = models.CharField(_("desktop"), max_length=16, choices=Desktop.choices, unique=True)
    enabled = models.BooleanField(_("turned on"), default=False)
    # One origin per line (``https://chat.example.com``), exactly as the browser sends it.
    allowed_origins = models.TextField(_("allowed origins"), blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["desktop"]
        verbose_name = _("desktop panel")
        verbose_name_plural = _("desktop panels")

    def __str__(self) -> str:
        return self.get_desktop_display()

    @property
    def origins(self) -> list[str]:
        return [line.strip() for line in self.allowed_origins.splitlines() if line.strip()]


class SignInCode(models.Model):
    """A code the sign-in window hands to the panel: single use, for one origin, 60 seconds.
    Only its SHA-256 digest is kept."""

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="embed_code_created")]

    def __str__(self) -> str:
        return f"sign-in code for {self.user_id}"


class PanelConversation(models.Model):
    """A conversation a panel created from a desktop's context, for a desktop account without
    a feed ("created from the agent desktop"). Erasing the conversation erases the row."""

    desktop = models.CharField(max_length=16, choices=Desktop.choices)
    account_ref = models.CharField(max_length=40)
    conversation_ref = models.CharField(max_length=80)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["desktop", "account_ref", "conversation_ref"],
                name="panel_conversation_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.desktop}:{self.account_ref}:{self.conversation_ref}"
