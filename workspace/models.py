"""Visitors, conversations, transcripts, assignment segments, engagement attribute events and
survey responses: what happened in the contact centre."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import AttributeType, ServiceStatus
from campaigns.models import AgentSurvey, Campaign, Connector, Skill, SurveyOption, SurveyQuestion


class Visitor(models.Model):
    """A customer, identified by the id their website or messaging channel sends."""

    external_id = models.CharField(_("visitor ID"), max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visitor")
        verbose_name_plural = _("visitors")

    def __str__(self) -> str:
        return self.external_id


class ConversationQuerySet(models.QuerySet):
    def for_agent(self, user) -> "ConversationQuerySet":
        """Conversations currently or formerly assigned to ``user``."""
        formerly = Segment.objects.filter(agent=user).values("conversation_id")
        return self.filter(Q(agent=user) | Q(pk__in=formerly))

    def for_manager(self, user) -> "ConversationQuerySet":
        """Conversations of the current members of the groups ``user`` manages."""
        return self.filter(agent__agent_group__managers=user)

    def open(self) -> "ConversationQuerySet":
        return self.filter(ended_at__isnull=True)


class Conversation(models.Model):
    class Channel(models.TextChoices):
        CHAT = "chat", _("Chat")
        MESSAGING = "messaging", _("Messaging")

    external_id = models.CharField(_("conversation ID"), max_length=120, unique=True)
    channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.CHAT
    )
    visitor = models.ForeignKey(
        Visitor, on_delete=models.PROTECT, related_name="conversations", db_index=False
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="conversations"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="conversations"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversations",
        verbose_name=_("assigned agent"),
        db_index=False,
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    survey_acknowledged_missing = models.BooleanField(default=False)
    # Whether a NoOutcome row exists: the widget reads them only then (they are rare, and the
    # widget is read on every visit); kept by workspace/services/outcomes.py.
    has_no_outcome = models.BooleanField(default=False, db_default=False, editable=False)

    objects = ConversationQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(fields=["agent", "-started_at"], name="conv_agent_started"),
            models.Index(fields=["visitor", "started_at"], name="conv_visitor_started"),
            models.Index(fields=["started_at"], name="conv_started"),
            models.Index(fields=["ended_at"], name="conv_ended"),
        ]

    def __str__(self) -> str:
        return self.external_id

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class Message(models.Model):
    class SentBy(models.TextChoices):
        CONSUMER = "consumer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )
    sent_by = models.CharField(max_length=10, choices=SentBy.choices)
    text = models.TextField(max_length=10_000)
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["conversation", "sent_at"], name="msg_conv_time")]

    def __str__(self) -> str:
        return f"{self.sent_by}: {self.text[:40]}"


class Segment(models.Model):
    """One stretch of a conversation under one agent and skill (the assignment history)."""

    class EndReason(models.TextChoices):
        TRANSFER = "transfer", _("Transfer")
        CLOSE = "close", _("Close")
        TIMEOUT = "timeout", _("Time-out")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="segments"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="segments",
        db_index=False,
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [models.Index(fields=["agent", "conversation"], name="segment_agent_conv")]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.agent_id} from {self.started_at:%H:%M}"


class EventSource(models.TextChoices):
    AGENT_WIDGET = "agent_widget", _("Agent widget")
    AGENT_SURVEY = "agent_survey", _("Agent survey")
    MANAGER = "manager", _("Agent manager on behalf")
    SERVER_API = "server_api", _("Server API")


AGENT_SOURCES = (EventSource.AGENT_WIDGET, EventSource.AGENT_SURVEY, EventSource.MANAGER)


class EngagementAttributeEvent(models.Model):
    """One report of an engagement attribute, with its provenance.

    Typed columns hold what reports aggregate (money as Decimal with its currency); ``payload``
    keeps the whole SDE as received. Corrections bump ``version`` (optimistic concurrency) and
    leave an ``EventRevision``; a retraction sets ``retracted_at`` and the event leaves reports.
    """

    attribute_type = models.CharField(max_length=16, choices=AttributeType.choices)
    source = models.CharField(max_length=16, choices=EventSource.choices)
    # Foreign keys a composite index below starts with get no index of their own (see Meta).
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        db_index=False,
    )
    visitor = models.ForeignKey(
        Visitor, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    connector = models.ForeignKey(
        Connector, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credited_events",
        help_text=_("The assigned agent when it was reported."),
        db_index=False,
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField(_("reported time"))
    received_at = models.DateTimeField(_("server time"))

    amount = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    action_id = models.CharField(max_length=100, blank=True)
    topic = models.CharField(max_length=200, blank=True)
    status = models.PositiveSmallIntegerField(choices=ServiceStatus.choices, null=True, blank=True)
    category = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=320, blank=True)

    payload = models.JSONField(default=dict)
    display_names = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    idempotency_token = models.UUIDField(null=True, blank=True, unique=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retract_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        # Every write pays for every index, and the ingest writes this table most: each index
        # here is read by something, and none repeats the start of another
        # (tests/test_indexes.py). The de-duplication key is matched whole, never by prefix,
        # so it has a plain index (``db_index`` would add a second, for LIKE, on PostgreSQL).
        indexes = [
            models.Index(fields=["conversation", "attribute_type"], name="event_conv_type"),
            models.Index(fields=["visitor", "attribute_type"], name="event_visitor_type"),
            models.Index(fields=["agent", "occurred_at"], name="event_agent_time"),
            models.Index(fields=["occurred_at"], name="event_time"),
            models.Index(fields=["dedupe_key"], name="event_dedupe_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_attribute_type_display()} #{self.pk}"

    @property
    def is_agent_reported(self) -> bool:
        return self.source in AGENT_SOURCES


class EventRevision(models.Model):
    """One change to an event: created, corrected, amended or retracted, with the reason."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Reported")
        CORRECT = "correct", _("Corrected")
        AMEND = "amend", _("Amended")
        RETRACT = "retract", _("Retracted")

    event = models.ForeignKey(  # indexed by unique_event_version (Meta)
        EngagementAttributeEvent, on_delete=models.CASCADE, related_name="revisions", db_index=False
    )
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField()
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["event", "version"]
        constraints = [
            models.UniqueConstraint(fields=["event", "version"], name="unique_event_version")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} v{self.version} {self.kind}"


class NoOutcome(models.Model):
    """An explicit "No outcome" for a required attribute on a conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="no_outcomes", db_index=False
    )
    attribute_type = models.CharField(max_length=16, choices=AttributeType.choices)
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    chosen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "attribute_type"], name="unique_no_outcome"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: no {self.attribute_type}"


class SurveyResponse(models.Model):
    """A submission or dismissal of an agent survey. All are kept; the latest counts."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        DISMISSED = "dismissed", _("Dismissed")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="survey_responses", db_index=False
    )
    survey = models.ForeignKey(AgentSurvey, on_delete=models.PROTECT, related_name="responses")
    status = models.CharField(max_length=10, choices=Status.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The assigned agent the response is for."),
    )
    on_behalf = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField()
    idempotency_token = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        indexes = [
            models.Index(fields=["conversation", "-submitted_at"], name="response_conv_time")
        ]

    def __str__(self) -> str:
        return f"{self.survey} on {self.conversation_id} ({self.status})"


class SurveyAnswer(models.Model):
    """One answer; a multiple-choice question has one row per chosen option."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        SurveyOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value_text = models.TextField(blank=True, max_length=1024)
    value_number = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["question__position", "id"]

    def __str__(self) -> str:
        value = self.option_id or self.value_text or self.value_number or self.value_date
        return f"{self.question_id}: {value}"


class ApiIdempotencyRecord(models.Model):
    """The first answer to a request carrying an ``Idempotency-Key``, replayed on retries."""

    connector = models.ForeignKey(
        Connector, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    key = models.CharField(max_length=200)
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["connector", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key


def _share_field() -> models.DecimalField:
    return models.DecimalField(max_digits=30, decimal_places=12, null=True)


class Credit(models.Model):
    """One share of one de-duplicated purchase, lead or service activity, credited to one agent
    (or to nobody: unattributed), dated by the conversation it is credited through.

    Written by ``workspace.services.credit`` in the same transaction as the change that moves it
    (an event, a conversation, a segment) and rebuilt by the task worker after a configuration
    change; the reports only aggregate these rows. Column names are those of the reports' SQL.
    """

    # ``event`` and ``agent`` are indexed by credit_event and credit_agent_time (Meta).
    event = models.ForeignKey(
        EngagementAttributeEvent, on_delete=models.CASCADE, related_name="credits", db_index=False
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        related_name="credits",
        db_index=False,
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, null=True, related_name="credits"
    )
    credited_at = models.DateTimeField()
    # Plain ids: a credit is a snapshot; a deleted skill or campaign leaves its number behind.
    skill_id = models.BigIntegerField(null=True)
    campaign_id = models.BigIntegerField(null=True)
    goal_id = models.BigIntegerField(null=True)
    goal_type = models.CharField(max_length=10, null=True)  # noqa: DJ001 (NULL: no goal)
    session = models.CharField(max_length=5)  # 'in', 'cross' or 'none' (unattributed)
    weight = _share_field()
    amount_share = _share_field()
    amount = models.DecimalField(max_digits=14, decimal_places=4, null=True)
    currency = models.CharField(max_length=3, blank=True)
    attribute_type = models.CharField(max_length=16)
    source = models.CharField(max_length=16)
    status = models.PositiveSmallIntegerField(null=True)
    reached = models.PositiveSmallIntegerField()  # 1 when the event meets the goal
    agent_reported = models.PositiveSmallIntegerField()  # 1: reported by an agent or manager
    # 1 when the event has more than one credit row (split or all over several agents): only
    # then does "each event once" differ from the sum of its rows.
    shared = models.PositiveSmallIntegerField()
    policy_id = models.BigIntegerField(null=True)  # the attribution policy; NULL: the defaults

    class Meta:
        indexes = [
            models.Index(fields=["credited_at", "agent"], name="credit_time_agent"),
            models.Index(fields=["agent", "credited_at"], name="credit_agent_time"),
            models.Index(fields=["event"], name="credit_event"),
            # The few rows a day-sum report still reads one by one (events credited to several
            # agents): without it, finding them scans the period's rows.
            models.Index(fields=["credited_at"], condition=Q(shared=1), name="credit_shared_time"),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.agent_id} ({self.weight})"


class Handled(models.Model):
    """An agent who handled a conversation (one of its segments), per skill: the conversations
    the reports count, dated by the conversation's start. Kept beside ``Credit``."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    conversation = models.ForeignKey(  # indexed by handled_conversation (Meta)
        Conversation, on_delete=models.CASCADE, related_name="handled", db_index=False
    )
    skill_id = models.BigIntegerField(null=True)
    started_at = models.DateTimeField()
    campaign_id = models.BigIntegerField(null=True)
    goal_id = models.BigIntegerField(null=True)
    goal_type = models.CharField(max_length=10, null=True)  # noqa: DJ001 (NULL: no goal)
    # 1 when the conversation has more than one row (several agents or skills): only then does
    # "each conversation once" differ from the sum of rows.
    shared = models.PositiveSmallIntegerField()
    # 1 on exactly one row of each conversation: counting these counts each conversation once
    # when a report takes whole conversations (no agent, team or skill picks some of its rows).
    first_row = models.PositiveSmallIntegerField(default=0)
    # 1 on the rows after an agent's first in a conversation (the same agent under another
    # skill): counting the others counts each conversation once per agent.
    repeat_row = models.PositiveSmallIntegerField(default=0)
    # Of a conversation handled by exactly two agents, the other one; 0 when by three or more;
    # NULL when by one. With it a team counts each conversation once without grouping the rows:
    # a row counts unless its other agent is in the team too and comes first (``peer < agent``).
    peer_agent_id = models.BigIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["started_at", "agent"], name="handled_time_agent"),
            models.Index(fields=["conversation"], name="handled_conversation"),
            # Every column a report filters the shared rows by: a team's "each conversation
            # once" reads them from the index alone.
            models.Index(
                fields=[
                    "started_at",
                    "agent",
                    "conversation",
                    "skill_id",
                    "campaign_id",
                    "goal_id",
                    "goal_type",
                    "repeat_row",
                    "peer_agent_id",
                ],
                condition=Q(shared=1),
                name="handled_shared_peer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} handled {self.conversation_id}"


# Day sums of ``Credit`` and ``Handled``, kept with them (deltas in the same transaction): a
# report of whole days in the account's time zone reads these instead of a million rows. Keys
# use 0, '' and -1 for "none" (a unique key treats NULLs as distinct); the reads map them back.
DAY_KEY = ("day", "agent_id", "skill_id", "campaign_id", "goal_id", "goal_type")


class CreditDay(models.Model):
    """The credit rows of one day (in the account's report time zone) that share every column
    the reports group or filter by, summed."""

    day = models.DateField()
    agent_id = models.BigIntegerField()
    skill_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    goal_id = models.BigIntegerField()
    goal_type = models.CharField(max_length=10)
    attribute_type = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    status = models.SmallIntegerField()
    session = models.CharField(max_length=5)
    reached = models.PositiveSmallIntegerField()
    agent_reported = models.PositiveSmallIntegerField()
    shared = models.PositiveSmallIntegerField()
    weight = _share_field()
    amount_share = _share_field()
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    *DAY_KEY,
                    "attribute_type",
                    "currency",
                    "status",
                    "session",
                    "reached",
                    "agent_reported",
                    "shared",
                ],
                name="creditday_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id} {self.attribute_type}: {self.n}"


class HandledDay(models.Model):
    """The ``Handled`` rows of one day (conversations started then) with the same columns."""

    day = models.DateField()
    agent_id = models.BigIntegerField()
    skill_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    goal_id = models.BigIntegerField()
    goal_type = models.CharField(max_length=10)
    shared = models.PositiveSmallIntegerField()
    first_row = models.PositiveSmallIntegerField(default=0)
    repeat_row = models.PositiveSmallIntegerField(default=0)
    n = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[*DAY_KEY, "shared", "first_row", "repeat_row"], name="handledday_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.agent_id}: {self.n}"


class CreditRebuild(models.Model):
    """A rebuild of the credit rows from ``since`` on (NULL: all), asked for after a policy, goal
    or campaign change; the reports say "recalculating" while one is unfinished."""

    since = models.DateTimeField(null=True)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)
    events_total = models.PositiveIntegerField(default=0)
    events_done = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["finished_at"], name="rebuild_unfinished")]

    def __str__(self) -> str:
        return f"rebuild since {self.since or 'the start'}"


class Completion(models.Model):
    """What an ended conversation still owes, kept beside ``Credit`` by the same writes: its
    assigned agent, skill and campaign as they are now, which attribute types an agent reported
    (standing) or declined ("No outcome"), and whether its survey was answered. The completeness
    report and the follow-up queue filter these rows; which outcomes and surveys are required is
    configuration, read with them (``reporting.selectors.obligations``)."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, primary_key=True, related_name="completion"
    )
    # Copies of the conversation's columns, so that the reports' filters apply unchanged.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        db_index=False,
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.DO_NOTHING, db_constraint=False, null=True, related_name="+"
    )
    ended_at = models.DateTimeField()
    # One bit per attribute type (``workspace.services.credit.COVERED_BITS``) reported by an
    # agent and standing, or declined: 0 when the conversation has no outcome at all.
    covered = models.IntegerField()
    submitted = models.PositiveSmallIntegerField()  # 1: a survey response was submitted
    answered = models.PositiveSmallIntegerField()  # 1: any survey response (or a dismissal)

    class Meta:
        indexes = [
            models.Index(fields=["ended_at", "agent"], name="completion_ended_agent"),
            models.Index(fields=["agent", "ended_at"], name="completion_agent_ended"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id}: {self.covered}"


class DuplicateGroup(models.Model):
    """An order, lead or service id (``dedupe_key``) with more than one standing report, kept by
    the credit writes: how many, the first one's time and whether their values or currencies
    differ. The de-duplication review pages through these."""

    dedupe_key = models.CharField(max_length=320, unique=True)
    reports = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    conflict = models.PositiveSmallIntegerField()  # 1: amounts or currencies differ

    class Meta:
        indexes = [models.Index(fields=["-first_at", "dedupe_key"], name="duplicate_first")]

    def __str__(self) -> str:
        return f"{self.dedupe_key} x{self.reports}"


class DuplicateAgent(models.Model):
    """An agent concerned by a duplicate group (one of its reports, retracted or not, is theirs
    or on a conversation assigned to them), with the group's figures copied: a manager's review
    reads the rows of their agents alone."""

    dedupe_key = models.CharField(max_length=320)
    agent_id = models.BigIntegerField()
    reports = models.PositiveIntegerField()
    first_at = models.DateTimeField()
    conflict = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key", "agent_id"], name="duplicate_agent_key")
        ]
        indexes = [models.Index(fields=["first_at", "agent_id"], name="duplicate_agent_first")]

    def __str__(self) -> str:
        return f"{self.dedupe_key}: {self.agent_id}"
