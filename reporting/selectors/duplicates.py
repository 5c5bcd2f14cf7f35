"""The de-duplication review list: order IDs, lead IDs and service activities reported more
than once. Reports count each once, valued by its first report; here every provenance is shown
and differing values or currencies are flagged for someone to check."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Min, Q, QuerySet

from reporting.filters import Scope
from reporting.selectors.context import ReportContext
from workspace.models import EngagementAttributeEvent


@dataclass
class DuplicateGroup:
    dedupe_key: str
    reports: int
    first_at: object
    conflict: bool
    events: list = field(default_factory=list)

    @property
    def first(self):
        return self.events[0] if self.events else None


def _in_scope_keys(context: ReportContext) -> QuerySet:
    events = EngagementAttributeEvent.objects.exclude(dedupe_key="")
    scope = context.scope
    if scope.kind != Scope.ALL:
        agents = scope.agents().values("pk")
        events = events.filter(Q(agent__in=agents) | Q(conversation__agent__in=agents))
    return events.values("dedupe_key")


def duplicate_groups(context: ReportContext, *, conflicts_only: bool = False, page: int = 1):
    """Keys with more than one standing report whose first report is in the period, a page at
    a time, with all their reports in order (three queries)."""
    f = context.filters
    keys = (
        EngagementAttributeEvent.objects.filter(
            retracted_at__isnull=True, dedupe_key__in=_in_scope_keys(context)
        )
        .order_by()
        .values("dedupe_key")
        .annotate(
            n=Count("pk"),
            first_at=Min("occurred_at"),
            amounts=Count("amount", distinct=True),
            currencies=Count("currency", distinct=True),
            missing_amounts=Count("pk", filter=Q(amount__isnull=True)),
        )
        .filter(n__gt=1, first_at__gte=f.start_at, first_at__lt=f.end_at)
    )
    conflict = Q(amounts__gt=1) | Q(currencies__gt=1) | Q(missing_amounts__gt=0, amounts__gt=0)
    if conflicts_only:
        keys = keys.filter(conflict)
    paginator = Paginator(keys.order_by("-first_at", "dedupe_key"), 25)
    page_obj = paginator.get_page(page)
    groups = {
        item["dedupe_key"]: DuplicateGroup(
            item["dedupe_key"],
            item["n"],
            item["first_at"],
            item["amounts"] > 1
            or item["currencies"] > 1
            or (item["missing_amounts"] > 0 and item["amounts"] > 0),
        )
        for item in page_obj.object_list
    }
    events = defaultdict(list)
    for event in (
        EngagementAttributeEvent.objects.filter(
            # Keys start with their type, so "-" matches nothing (and the query always runs).
            dedupe_key__in=list(groups) or ["-"],
            retracted_at__isnull=True,
        )
        .select_related("conversation", "reported_by", "agent", "connector")
        .order_by("dedupe_key", "occurred_at", "pk")
    ):
        events[event.dedupe_key].append(event)
    for key, group in groups.items():
        group.events = events[key]
    return list(groups.values()), page_obj
