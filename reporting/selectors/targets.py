"""Targets and how far along they are: attainment against the month's actuals and the pace
expected by now. Actuals come from the same credit rows as the goal tracker, for the whole month
and without the screen's other filters; a group's actual is its current members' sum."""

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import AttributeType
from campaigns.models import GoalType, User
from reporting.filters import ReportFilters, Scope
from reporting.models import Target
from reporting.selectors.common import ids_or_nothing
from reporting.selectors.context import ReportContext
from reporting.selectors.goal_tracker import _credit_aggregate, handled_aggregate
from reporting.selectors.numbers import as_count, as_money

VALUE_TYPES = {GoalType.SELL: AttributeType.PURCHASE, GoalType.LEADS: AttributeType.LEAD}


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def targets_in_scope(scope: Scope, month: date) -> QuerySet[Target]:
    """Targets of ``month`` for agents and groups ``scope`` may see (agents: their own)."""
    targets = Target.objects.filter(month=month).select_related("agent", "group", "set_by")
    if scope.kind == Scope.ALL:
        return targets
    if scope.kind == Scope.TEAM:
        return targets.filter(
            Q(group__in=scope.groups().values("pk")) | Q(agent__in=scope.agents().values("pk"))
        )
    if scope.kind == Scope.SELF:
        return targets.filter(agent=scope.user_id)
    return targets.none()


def targets_for_filters(
    context: ReportContext, month: date, *, agents: Iterable[int] | None = None
) -> tuple[list[Target], int]:
    """The month's targets in scope, narrowed like the screen: an agent filter keeps that agent
    and their group, a group filter keeps the group and its members. ``agents``: of the agents'
    targets, only those of these agents (the goal tracker's page of agents) are read, and the
    second value counts the others (two queries)."""
    f = context.filters
    targets = targets_in_scope(context.scope, month)
    if f.agent_id:
        group = User.objects.filter(pk=f.agent_id).values("agent_group")
        targets = targets.filter(Q(agent=f.agent_id) | Q(group__in=group))
    if f.group_id:
        targets = targets.filter(Q(group=f.group_id) | Q(agent__agent_group=f.group_id))
    if agents is None:
        return list(targets), 0
    shown = Q(group__isnull=False) | Q(agent__in=ids_or_nothing(set(agents)))
    return list(targets.filter(shown)), targets.exclude(shown).count()


@dataclass
class Attainment:
    target: Target
    actual_count: Decimal
    actual_value: Decimal | None
    fraction: Decimal
    filters: ReportFilters | None = None

    @property
    def drill(self) -> dict:
        """URL parameters for the events (or conversations) behind the actuals."""
        who = {"agent": self.target.agent_id} if self.target.agent_id else {}
        if self.target.group_id:
            who = {"group": self.target.group_id}
        return {**who, "goal_type": self.target.goal_type, "by": None, "page": None}

    @property
    def value_drill(self) -> dict:
        """Value counts every de-duplicated transaction or lead in the currency, whatever goal."""
        measure = "revenue" if self.target.goal_type == GoalType.SELL else "lead_value"
        drill = {**self.drill, "goal_type": None, "measure": measure}
        return {**drill, "currency": self.target.currency}

    @property
    def who(self) -> str:
        return str(self.target.agent or self.target.group)

    @property
    def count_percent(self) -> Decimal | None:
        return _percent(self.actual_count, self.target.count_target)

    @property
    def value_percent(self) -> Decimal | None:
        return _percent(self.actual_value, self.target.value_target)

    @property
    def expected_count(self) -> Decimal | None:
        if self.target.count_target is None:
            return None
        return (self.target.count_target * self.fraction).quantize(Decimal("0.01"))

    @property
    def pace(self) -> str:
        """``ahead``/``behind`` while the month runs, ``met``/``missed`` after, ``""`` before."""
        goal, actual = self.target.count_target, self.actual_count
        if goal is None and self.target.value_target is not None:
            goal, actual = self.target.value_target, self.actual_value or Decimal(0)
        if goal is None or self.fraction == 0:
            return ""
        if self.fraction >= 1:
            return "met" if actual >= goal else "missed"
        return "ahead" if actual >= goal * self.fraction else "behind"

    @property
    def pace_label(self) -> str:
        labels = {
            "ahead": _("On pace"),
            "behind": _("Behind pace"),
            "met": _("Met"),
            "missed": _("Missed"),
        }
        return str(labels.get(self.pace, _("Not started")))

    @property
    def projected_count(self) -> Decimal | None:
        if self.target.count_target is None or not self.fraction:
            return None
        return (self.actual_count / self.fraction).quantize(Decimal("0.1"))


def _percent(actual, goal) -> Decimal | None:
    if actual is None or not goal:
        return None
    return (Decimal(actual) * 100 / goal).quantize(Decimal("1"))


def month_fraction(first: date, last: date, tz, now: datetime) -> Decimal:
    """How much of the month has passed at ``now`` (0 before it, 1 after it)."""
    filters = ReportFilters(start=first, end=last, tz=tz)
    start, end = filters.start_at, filters.end_at
    if now <= start:
        return Decimal(0)
    if now >= end:
        return Decimal(1)
    return Decimal((now - start).total_seconds()) / Decimal((end - start).total_seconds())


def month_actuals(context: ReportContext) -> dict[int, dict]:
    """Per agent: conversions per goal type, value per (goal type, currency), interactions
    (from the goal tracker's aggregates)."""
    actuals: dict = defaultdict(
        lambda: {"count": defaultdict(Decimal), "value": defaultdict(Decimal)}
    )
    for item in _credit_aggregate(context, ["cr.agent_id", "cr.goal_type"]):
        if item["agent_id"] is None:
            continue
        per = actuals[item["agent_id"]]
        if item["goal_type"] and item["reached"]:
            per["count"][item["goal_type"]] += as_count(item["weight"])
        for goal_type, kind in VALUE_TYPES.items():
            if item["attribute_type"] == kind and item["currency"] and item["amount"] is not None:
                per["value"][(goal_type, item["currency"])] += as_money(
                    item["amount"], item["currency"]
                )
    for item in handled_aggregate(context, ["cr.agent_id"]):
        actuals[item["agent_id"]]["count"][GoalType.INTERACT] += Decimal(item["interactions"])
    return actuals


def attainment_for(
    context: ReportContext, month: date, targets: list[Target] | None = None
) -> list[Attainment]:
    """Every target of ``month`` in scope with its actuals and pace (five queries)."""
    first, last = month_bounds(month)
    f = context.filters
    month_context = context.with_filters(ReportFilters(start=first, end=last, tz=f.tz))
    if targets is None:
        targets = list(targets_in_scope(context.scope, first))
    if not targets:
        return []
    actuals = month_actuals(month_context)
    groups = {t.group_id for t in targets if t.group_id}
    members: dict[int, list[int]] = defaultdict(list)
    for pk, group_id in User.objects.filter(agent_group__in=ids_or_nothing(groups)).values_list(
        "pk", "agent_group_id"
    ):
        members[group_id].append(pk)
    fraction = month_fraction(first, last, f.tz, context.now)
    result = []
    for target in targets:
        agent_ids = members[target.group_id] if target.group_id else [target.agent_id]
        count = sum(
            (actuals[a]["count"][target.goal_type] for a in agent_ids if a in actuals), Decimal(0)
        )
        value = None
        if target.value_target is not None:
            key = (target.goal_type, target.currency)
            value = sum((actuals[a]["value"][key] for a in agent_ids if a in actuals), Decimal(0))
        result.append(Attainment(target, as_count(count), value, fraction, month_context.filters))
    return sorted(
        result, key=lambda a: (a.target.group_id is None, a.who.casefold(), a.target.goal_type)
    )
