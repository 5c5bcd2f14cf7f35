"""Outgoing webhooks: the endpoints an admin adds, the outbox written in the same transaction as
each event, one delivery per message and endpoint, and the log of every attempt."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from outcomes_site.secret_box import EncryptedTextField
from workspace.models import (
    Conversation,
    EngagementAttributeEvent,
    EventRevision,
    SurveyResponse,
    Visitor,
)


class EventType(models.TextChoices):
    OUTCOME_REPORTED = "outcome.reported", _("Outcome reported")
    OUTCOME_CORRECTED = "outcome.corrected", _("Outcome corrected")
    OUTCOME_AMENDED = "outcome.amended", _("Outcome amended")
    OUTCOME_RETRACTED = "outcome.retracted", _("Outcome retracted")
    SURVEY_SUBMITTED = "survey.submitted", _("Agent survey submitted")
    CONVERSATION_CLOSED = "conversation.closed", _("Conversation closed")
    ATTRIBUTE_RECEIVED = "engagement_attribute.received", _("Customer-reported attribute")


class Endpoint(models.Model):
    """A URL that receives signed events of the types it subscribes to."""

    class DisabledReason(models.TextChoices):
        ADMIN = "admin", _("Switched off by an admin")
        FAILING = "failing", _("Switched off after a day of failed deliveries")

    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("event types"), default=list)
    # "whsec_" + base64: generated here, shown once, stored encrypted.
    secret = EncryptedTextField()
    enabled = models.BooleanField(_("enabled"), default=True)
    disabled_reason = models.CharField(max_length=10, choices=DisabledReason.choices, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["url", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    @property
    def switched_off_for_failures(self) -> bool:
        return not self.enabled and self.disabled_reason == self.DisabledReason.FAILING


def _message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


class OutboxMessage(models.Model):
    """One event to send, written in the transaction that made it. The primary key orders the
    messages of a conversation; ``payload`` is filled when the message is first sent (from rows
    that never change afterwards) unless the writer already had it."""

    webhook_id = models.CharField(max_length=40, unique=True, default=_message_id)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    created_at = models.DateTimeField()
    # The rows the event is about: deleting them (visitor erasure, retention) deletes the message
    # with its deliveries and their log.
    visitor = models.ForeignKey(Visitor, on_delete=models.CASCADE, null=True, related_name="+")
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, related_name="+"
    )
    event = models.ForeignKey(
        EngagementAttributeEvent, on_delete=models.CASCADE, null=True, related_name="+"
    )
    revision = models.ForeignKey(
        EventRevision, on_delete=models.CASCADE, null=True, related_name="+"
    )
    survey_response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, null=True, related_name="+"
    )
    payload = models.JSONField(null=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.webhook_id} {self.event_type}"


class Delivery(models.Model):
    """One message for one endpoint: pending until a 2xx answer, retried with backoff. A pending
    delivery holds back the later ones of the same conversation and endpoint."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="deliveries")
    conversation_id = models.BigIntegerField(null=True)  # the message's, for the order rule
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    # A worker sending it holds it until then; a crashed worker's claim simply runs out.
    lease_until = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["message", "endpoint"], name="unique_delivery")
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "conversation_id", "id"],
                condition=Q(state="pending"),
                name="delivery_pending_order",
            ),
            models.Index(
                fields=["next_attempt_at"], condition=Q(state="pending"), name="delivery_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_id} -> {self.endpoint_id} ({self.state})"


class DeliveryAttempt(models.Model):
    """One request to an endpoint: the delivery log. The answer's body is not kept."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="log")
    endpoint = models.ForeignKey(Endpoint, on_delete=models.CASCADE, related_name="log")
    attempted_at = models.DateTimeField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    replay = models.BooleanField(default=False)

    class Meta:
        ordering = ["-attempted_at", "-pk"]
        indexes = [models.Index(fields=["endpoint", "-attempted_at"], name="attempt_endpoint_time")]

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
