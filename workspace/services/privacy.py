"""Personal data: card numbers masked before they are stored, one visitor's data erased on
request, and events and transcripts deleted after the retention period.

Erasure and purges are audited with who, when and how many rows, never with the erased data.
"""

import re
from dataclasses import asdict, dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from campaigns.models import AuditEntry, User
from campaigns.services.audit import audit_record
from workspace.models import (
    ApiIdempotencyRecord,
    Conversation,
    EngagementAttributeEvent,
    Message,
    SurveyResponse,
    Visitor,
)
from workspace.services.credit import credit_events, credit_forget

# Runs of ASCII digits joined by single spaces or dashes ("4111 1111-1111 1111"); within a run,
# any stretch of whole groups holding 13 to 19 digits that passes the Luhn check is a card number.
DIGIT_RUN = re.compile(r"\d+(?:[ -]\d+)*", re.ASCII)
GROUP = re.compile(r"\d+", re.ASCII)
MASK = "*"
KEEP_LAST = 4
PURGE_BATCH = 5000
ERASED = "[erased]"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _card_span(groups: list[re.Match], first: int) -> int | None:
    """The last group of the longest card number starting at group ``first``, if any. At most
    19 digits are looked at, so a long run of digit groups costs linear time."""
    found, digits = None, ""
    for last in range(first, len(groups)):
        digits += groups[last].group()
        if len(digits) > 19:
            break
        if len(digits) >= 13 and luhn_valid(digits):
            found = last
    return found


def _mask_run(match: re.Match) -> str:
    run = match.group()
    groups = list(GROUP.finditer(run))
    chars, first = list(run), 0
    while first < len(groups):
        last = _card_span(groups, first)
        if last is None:
            first += 1
            continue
        positions = [i for g in groups[first : last + 1] for i in range(g.start(), g.end())]
        for index in positions[:-KEEP_LAST]:
            chars[index] = MASK
        first = last + 1
    return "".join(chars)


def card_numbers_mask(text: str) -> str:
    """``text`` with every payment card number (13-19 digits passing the Luhn check, spaces or
    dashes allowed between digit groups) replaced by asterisks except its last four digits.
    The length is kept, so length limits checked before masking still hold."""
    if not text or sum(char.isdigit() for char in text) < 13:
        return text
    return DIGIT_RUN.sub(_mask_run, text)


@dataclass(frozen=True)
class ErasureResult:
    conversations: int
    messages: int
    events: int
    survey_responses: int
    api_replays: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _dedupe_keys(events) -> set[str]:
    return set(events.exclude(dedupe_key="").values_list("dedupe_key", flat=True))


def _pks(queryset) -> list[int]:
    return list(queryset.values_list("pk", flat=True))


@transaction.atomic
def visitor_erase(*, visitor: Visitor, actor: User | None, now: datetime) -> ErasureResult:
    """Delete everything kept about one visitor: their conversations with transcripts,
    segments, outcomes and survey answers, events left on the visitor, stored API replies that
    name them, and the visitor. Earlier audit entries about those rows keep who, when and what
    was done, without the values; the erasure itself is audited with counts only."""
    visitor = Visitor.objects.select_for_update().get(pk=visitor.pk)
    conversations = Conversation.objects.filter(visitor=visitor)
    events = EngagementAttributeEvent.objects.filter(visitor=visitor)
    responses = SurveyResponse.objects.filter(conversation__visitor=visitor)
    replays = ApiIdempotencyRecord.objects.filter(
        Q(response_body__visitorId=visitor.external_id)
        | Q(
            response_body__conversationId__in=list(
                conversations.values_list("external_id", flat=True)
            )
        )
    )
    erased = {
        "workspace.Conversation": _pks(conversations),
        "workspace.EngagementAttributeEvent": _pks(events),
        "workspace.SurveyResponse": _pks(responses),
    }
    result = ErasureResult(
        conversations=len(erased["workspace.Conversation"]),
        messages=Message.objects.filter(conversation__visitor=visitor).count(),
        events=len(erased["workspace.EngagementAttributeEvent"]),
        survey_responses=len(erased["workspace.SurveyResponse"]),
        api_replays=replays.delete()[0],
    )
    keys = _dedupe_keys(events)
    credit_forget(
        event_ids=erased["workspace.EngagementAttributeEvent"],
        conversation_ids=erased["workspace.Conversation"],
    )
    events.delete()
    conversations.delete()  # cascades: messages, segments, no-outcomes, survey responses
    credit_events([], dedupe_keys=keys)  # another report of an erased order may count now
    _audit_entries_redact(visitor.external_id, erased)
    pk = visitor.pk
    visitor.delete()
    after = {"visitor": f"{ERASED} #{pk}", **result.as_dict()}
    audit_record(
        actor=actor, action="visitor.erase", object_type="workspace.Visitor", after=after, at=now
    )
    return result


def _audit_entries_redact(external_id: str, erased_objects: dict[str, list[int]]) -> None:
    """The audit log keeps who did what and when; the values it copied from the erased rows
    (amounts, IDs, topics) and the visitor's ID in it are personal data and go."""
    for object_type, pks in erased_objects.items():
        AuditEntry.objects.filter(
            object_type=object_type, object_id__in=[str(pk) for pk in pks]
        ).update(object_repr=ERASED, before=None, after={"erased": True})
    for entry in AuditEntry.objects.filter(after__visitor=external_id):
        entry.after = {**entry.after, "visitor": ERASED}
        entry.save(update_fields=["after"])


def retention_cutoff(*, months: int, now: datetime) -> datetime:
    """``now`` minus ``months`` calendar months (the day clamped to the month's length)."""
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28]
    days += [31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return now.replace(year=year, month=month, day=min(now.day, days[month - 1]))


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    events: int
    messages: int
    dry_run: bool


def _delete_in_batches(queryset) -> int:
    """Delete in primary-key batches, so no single statement holds locks for long."""
    deleted = 0
    while ids := list(queryset.values_list("pk", flat=True)[:PURGE_BATCH]):
        if queryset.model is EngagementAttributeEvent:
            credit_forget(event_ids=ids)
        queryset.model.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    return deleted


def retention_purge(
    *, months: int, now: datetime, dry_run: bool = False, actor: User | None = None
) -> PurgeResult:
    """Delete engagement attribute events (with their revisions) and transcript messages older
    than ``months`` months. ``dry_run`` only counts. A real purge is audited with the counts."""
    if months < 1:
        raise ValueError("The retention period must be at least one month.")
    cutoff = retention_cutoff(months=months, now=now)
    events = EngagementAttributeEvent.objects.filter(occurred_at__lt=cutoff)
    messages = Message.objects.filter(sent_at__lt=cutoff)
    if dry_run:
        return PurgeResult(cutoff, events.count(), messages.count(), dry_run=True)
    keys = _dedupe_keys(events)
    result = PurgeResult(cutoff, _delete_in_batches(events), _delete_in_batches(messages), False)
    credit_events([], dedupe_keys=keys)  # a later report of a purged order may count now
    audit_record(
        actor=actor,
        action="retention.purge",
        object_type="workspace.retention",
        after={
            "months": months,
            "cutoff": cutoff.isoformat(),
            "events": result.events,
            "messages": result.messages,
        },
        at=now,
    )
    return result
