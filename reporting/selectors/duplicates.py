"""The de-duplication review list: order IDs, lead IDs and service activities reported more
than once. Reports count each once, valued by its first report; here every provenance is shown
and differing values or currencies are flagged for someone to check."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Paginator

from reporting.filters import Scope
from reporting.selectors.context import ReportContext
from workspace.models import DuplicateAgent, DuplicateGroup, EngagementAttributeEvent


@dataclass
class Duplicates:
    dedupe_key: str
    reports: int
    first_at: object
    conflict: bool
    events: list = field(default_factory=list)

    @property
    def first(self):
        return self.events[0] if self.events else None


def duplicate_groups(context: ReportContext, *, conflicts_only: bool = False, page: int = 1):
    """Keys with more than one standing report whose first report is in the period (and, for a
    manager, one of whose reports concerns an agent in scope), newest first, a page at a time,
    with all their reports in order (three queries). Reads the ``DuplicateGroup`` rows the
    credit writes keep (``workspace.services.credit``), or their copies per agent."""
    f = context.filters
    columns = ("dedupe_key", "reports", "first_at", "conflict")
    if context.scope.kind == Scope.ALL:
        keys = DuplicateGroup.objects.values(*columns)
    else:  # the copies on the rows of the agents in scope: one range read, no join
        agents = context.scope.agents().values("pk")
        keys = DuplicateAgent.objects.filter(agent_id__in=agents).values(*columns).distinct()
    keys = keys.filter(first_at__gte=f.start_at, first_at__lt=f.end_at)
    if conflicts_only:
        keys = keys.filter(conflict=1)
    paginator = Paginator(keys.order_by("-first_at", "dedupe_key"), 25)
    page_obj = paginator.get_page(page)
    groups = {
        item["dedupe_key"]: Duplicates(
            item["dedupe_key"], item["reports"], item["first_at"], bool(item["conflict"])
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
