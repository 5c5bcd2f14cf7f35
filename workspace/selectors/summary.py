"""The Conversation summary widget as one read: which sections apply, what was reported (with
history), what the person looking may do, until when, and why not. Constant queries whatever
the number of outcomes, revisions, questions or responses."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache, cached_property
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings, AgentSurvey, AttributeConfig, QuestionKind, User
from campaigns.selectors.widget_config import attribute_configs_for
from workspace.models import (
    AGENT_SOURCES,
    Conversation,
    EngagementAttributeEvent,
    EventRevision,
    NoOutcome,
    SurveyResponse,
)
from workspace.selectors.access import (
    ActorRole,
    Window,
    actor_role,
    outcome_window,
    skill_ids_for,
    survey_window,
)
from workspace.selectors.display import format_property, ordered_keys, property_label, type_rank
from workspace.selectors.survey import (
    STATE_LABELS,
    SurveyState,
    has_required_questions,
    question_choices,
    survey_answers,
    survey_for_conversation,
    survey_responses,
    survey_state,
)
from workspace.services.outcome_values import event_values

ADD_LABELS = {
    AttributeType.PURCHASE: gettext_lazy("Add another transaction"),
    AttributeType.LEAD: gettext_lazy("Add another lead"),
    AttributeType.SERVICE: gettext_lazy("Add another service activity"),
}

REPORT_LABELS = {
    AttributeType.PURCHASE: gettext_lazy("Report a transaction"),
    AttributeType.LEAD: gettext_lazy("Report a lead"),
    AttributeType.SERVICE: gettext_lazy("Report a service activity"),
}


def _when(moment: datetime | None) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT") if moment else ""


@dataclass
class HistoryLine:
    revision: EventRevision
    changes: list[tuple[str, str, str]]  # (label, old, new)


@dataclass
class OutcomeItem:
    event: EngagementAttributeEvent
    values: dict[str, Any]
    positions: dict[str, int]  # the configured order of the properties
    history: list[HistoryLine] | None  # None: not read (a fragment loads it when opened)
    can_change: bool
    edit_form: Any = None
    retract_form: Any = None

    @cached_property
    def rows(self) -> list[tuple[str, str]]:
        """``(label, value as text)`` of each property, in order: formatted only when shown (a
        later outcome's answer shows that one alone)."""
        attribute_type, names = self.event.attribute_type, self.event.display_names
        keys = ordered_keys(attribute_type, set(self.values), self.positions)
        return [
            (
                property_label(attribute_type, key, names),
                format_property(attribute_type, key, self.values),
            )
            for key in keys
        ]

    @property
    def versions(self) -> int:
        """Every change is a new version with one revision, so this is the history's length."""
        return len(self.history) if self.history is not None else self.event.version


@dataclass
class AttributeSection:
    attribute_type: str
    label: str
    config: AttributeConfig | None
    required: bool
    can_add: bool
    items: list[OutcomeItem] = field(default_factory=list)
    no_outcome: NoOutcome | None = None
    add_form: Any = None
    no_outcome_form: Any = None

    @property
    def add_label(self) -> str:
        if not self.items:
            return str(REPORT_LABELS.get(self.attribute_type, _("Report")))
        return str(ADD_LABELS.get(self.attribute_type, _("Add another")))

    @property
    def live_items(self) -> list[OutcomeItem]:
        return [item for item in self.items if item.event.retracted_at is None]

    @property
    def dom_id(self) -> str:
        """The id of the type's fragment (``outcome-type`` partial), which its forms target."""
        return f"outcome-type-{self.attribute_type}"

    @property
    def requirement_met(self) -> bool:
        """Reported (and not retracted), or "No outcome" chosen: Close no longer waits for it."""
        return bool(self.live_items or self.no_outcome)

    @property
    def can_choose_no_outcome(self) -> bool:
        return self.required and self.can_add and not self.live_items and not self.no_outcome


@dataclass
class SurveyPanel:
    survey: AgentSurvey
    window: Window
    state: SurveyState
    responses: list[SurveyResponse]
    answers: list[tuple[str, str]]
    answer_values: dict[int, Any]
    can_submit: bool
    can_dismiss: bool
    notice: str
    form: Any = None
    dismiss_form: Any = None
    confirm_dismiss: bool = False

    @property
    def latest(self) -> SurveyResponse | None:
        return self.responses[0] if self.responses else None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


@dataclass
class Summary:
    conversation: Conversation
    user: User
    role: ActorRole
    account: AccountSettings
    window: Window
    sections: list[AttributeSection]
    outcomes_notice: str
    survey: SurveyPanel | None

    @property
    def shown(self) -> bool:
        return bool(self.sections or self.survey)

    @property
    def on_behalf(self) -> bool:
        return self.role == ActorRole.MANAGER


def _history(event: EngagementAttributeEvent, positions: dict[str, int]) -> list[HistoryLine]:
    lines = []
    for revision in event.revisions.all():
        before, after = revision.before or {}, revision.after or {}
        keys = ordered_keys(event.attribute_type, set(before) | set(after), positions)
        changes = []
        for key in keys:
            old = format_property(event.attribute_type, key, before)
            new = format_property(event.attribute_type, key, after)
            if old != new:
                label = property_label(event.attribute_type, key, event.display_names)
                changes.append((label, old or "—", new or "—"))
        lines.append(HistoryLine(revision=revision, changes=changes))
    return lines


def _item(event, config, role: ActorRole, user: User, window: Window, history: bool) -> OutcomeItem:
    positions = {f.property_key: f.position for f in config.fields.all()} if config else {}
    editable = config is not None and event.retracted_at is None
    if role == ActorRole.AGENT:
        editable = editable and window.is_open and event.reported_by_id == user.pk
    elif role != ActorRole.MANAGER:
        editable = False
    return OutcomeItem(
        event=event,
        values=event_values(event),
        positions=positions,
        history=_history(event, positions) if history else None,
        can_change=editable,
    )


def _agent_events(
    conversation: Conversation, user: User, history: bool, only: str | None
) -> list[EngagementAttributeEvent]:
    """The conversation's agent-reported events (of type ``only``), oldest first, each with
    the user who reported it: ``user`` when it was them, else read in one more query."""
    params = [conversation.pk, *AGENT_SOURCES, *([only] if only else [])]
    events = list(EngagementAttributeEvent.objects.raw(_agent_events_sql(bool(only)), params))
    reporters = {user.pk: user}
    missing = {e.reported_by_id for e in events} - {None, *reporters}
    if missing:
        reporters |= User.objects.in_bulk(missing)
    for event in events:
        if event.reported_by_id is not None:
            event.reported_by = reporters[event.reported_by_id]
    if history:
        revisions = EventRevision.objects.select_related("changed_by").order_by("version")
        prefetch_related_objects(events, Prefetch("revisions", queryset=revisions))
    return events


@cache
def _agent_events_sql(one_type: bool) -> str:
    """A plain statement: the ORM's compiling of it (with its join to the reporting user) was
    2,200 of an outcome submit's 26,600 Python calls (bench/README.md, "Statements built
    once")."""
    sources = ", ".join(["%s"] * len(AGENT_SOURCES))
    # bandit: the table name is the model's; values are bound parameters.
    return (
        f"SELECT * FROM {EngagementAttributeEvent._meta.db_table} "  # noqa: S608  # nosec B608
        f"WHERE conversation_id = %s AND source IN ({sources})"
        + (" AND attribute_type = %s" if one_type else "")
        + " ORDER BY occurred_at, id"
    )


def _sections(conversation, role, user, window, skill_ids, history, only) -> list[AttributeSection]:
    enabled, required = attribute_configs_for(skill_ids)
    configs = {c.attribute_type: c for c in enabled if only is None or c.attribute_type == only}
    events = _agent_events(conversation, user, history, only)
    declined = (
        {
            n.attribute_type: n
            for n in NoOutcome.objects.filter(conversation=conversation).select_related("chosen_by")
        }
        if conversation.has_no_outcome
        else {}
    )
    may_add = role == ActorRole.MANAGER or (role == ActorRole.AGENT and window.is_open)
    types = sorted(set(configs) | {e.attribute_type for e in events}, key=type_rank)
    sections = {
        t: AttributeSection(
            attribute_type=t,
            label=str(AttributeType(t).label),
            config=configs.get(t),
            required=t in required,
            can_add=may_add and t in configs,
            no_outcome=declined.get(t),
        )
        for t in types
    }
    for event in events:
        config = configs.get(event.attribute_type)
        item = _item(event, config, role, user, window, history)
        sections[event.attribute_type].items.append(item)
    return list(sections.values())


def _outcomes_notice(conversation: Conversation, role: ActorRole, window: Window) -> str:
    if role == ActorRole.FORMER:
        return _(
            "This conversation was transferred to %(agent)s. You can read what was reported "
            "but no longer change it."
        ) % {"agent": conversation.agent or _("another agent")}
    if role == ActorRole.MANAGER:
        return _("You are acting on behalf of %(agent)s: every change needs a reason.") % {
            "agent": conversation.agent or _("the agent")
        }
    if not window.is_open:
        return _(
            "Reporting closed at %(when)s, when the agent outcome window ended. "
            "Ask your agent manager if something needs to change."
        ) % {"when": _when(window.closes_at)}
    if window.closes_at is not None:
        return _("You can report outcomes until %(when)s.") % {"when": _when(window.closes_at)}
    return ""


def _survey_notice(panel_state: SurveyState, role, window: Window, latest) -> str:
    if panel_state == SurveyState.DISMISSED:
        return _("Dismissed by %(who)s at %(when)s. The survey can no longer be submitted.") % {
            "who": latest.submitted_by,
            "when": _when(latest.submitted_at),
        }
    if role == ActorRole.FORMER:
        return _("This conversation was transferred: the survey is read-only for you.")
    if panel_state == SurveyState.TIMED_OUT:
        return _("The survey timed out at %(when)s without an answer.") % {
            "when": _when(window.closes_at)
        }
    if role == ActorRole.AGENT and not window.is_open:
        return _("The survey closed at %(when)s.") % {"when": _when(window.closes_at)}
    if role == ActorRole.AGENT and window.closes_at is not None:
        return _("You can answer until %(when)s.") % {"when": _when(window.closes_at)}
    return ""


def _answers(survey: AgentSurvey, response) -> tuple[list[tuple[str, str]], dict[int, Any]]:
    """The latest submission as ``(question, answer text)`` rows and as form values."""
    if response is None or response.status != SurveyResponse.Status.SUBMITTED:
        return [], {}
    texts: dict[int, list[str]] = {}
    values: dict[int, list[Any]] = {}
    for answer in survey_answers(response):
        if answer.option_id:
            text, value = answer.option.label, str(answer.option_id)
        elif answer.value_number is not None:
            text = value = format(answer.value_number.normalize(), "f")
        elif answer.value_date is not None:
            text, value = date_format(answer.value_date, "SHORT_DATE_FORMAT"), answer.value_date
        else:
            text = value = answer.value_text
        texts.setdefault(answer.question_id, []).append(text)
        values.setdefault(answer.question_id, []).append(value)
    rows, initial = [], {}
    for question in survey.questions.all():
        rows.append((question.text, ", ".join(texts.get(question.pk, [])) or "—"))
        if question.pk in values:
            multiple = question.kind == QuestionKind.MULTIPLE
            initial[question.pk] = values[question.pk] if multiple else values[question.pk][0]
    return rows, initial


def _survey_panel(conversation, role, now) -> SurveyPanel | None:
    survey = survey_for_conversation(conversation)
    if survey is None:
        return None
    window = survey_window(conversation, survey=survey, now=now)
    responses = survey_responses(conversation, survey)
    latest = responses[0] if responses else None
    state = survey_state(latest, window)
    answers, answer_values = _answers(survey, latest)
    allowed = role == ActorRole.MANAGER or (role == ActorRole.AGENT and window.is_open)
    can_submit = allowed and state != SurveyState.DISMISSED
    return SurveyPanel(
        survey=survey,
        window=window,
        state=state,
        responses=responses,
        answers=answers,
        answer_values=answer_values,
        can_submit=can_submit,
        can_dismiss=can_submit and not responses and not has_required_questions(survey),
        notice=_survey_notice(state, role, window, latest),
    )


def conversation_summary(
    user: User,
    conversation: Conversation,
    *,
    now: datetime,
    parts: tuple[str, ...] = ("outcomes", "survey"),
    history: bool = True,
    role: ActorRole | None = None,
    only: str | None = None,
) -> Summary:
    """Everything the widget shows to ``user``. ``role`` is the one the view already decided
    (``conversation_access``); without it, it is asked of ``actor_role``. ``summary.shown`` is
    false when neither outcomes nor a survey apply (the page then says nothing about the
    widget). ``parts`` limits the reads to the sections a fragment needs; without ``history``
    the outcomes' change histories are not read (a fragment loads one when it is opened);
    ``only`` (an attribute type) reads that type's section alone, as its own fragment shows."""
    role = actor_role(user, conversation) if role is None else role
    account = AccountSettings.load()
    window = outcome_window(conversation, account=account, now=now)
    with_outcomes = "outcomes" in parts
    return Summary(
        conversation=conversation,
        user=user,
        role=role,
        account=account,
        window=window,
        sections=_sections(
            conversation, role, user, window, skill_ids_for(conversation), history, only
        )
        if with_outcomes
        else [],
        outcomes_notice=_outcomes_notice(conversation, role, window) if with_outcomes else "",
        survey=_survey_panel(conversation, role, now) if "survey" in parts else None,
    )


def outcome_item(summary: Summary, event_pk: int) -> tuple[AttributeSection, OutcomeItem]:
    """The section and item of one agent-reported outcome in ``summary``, or ``LookupError``."""
    for section in summary.sections:
        for item in section.items:
            if item.event.pk == event_pk:
                return section, item
    raise LookupError(event_pk)


def survey_choices(panel: SurveyPanel, account: AccountSettings) -> dict[int, list]:
    """Choices per question id, for the survey form."""
    return {q.pk: question_choices(q, account) for q in panel.survey.questions.all()}
