"""Demo targets: this month's and last month's, per agent and per group, so that the goal
tracker, the targets page and each agent's summary show attainment and pace."""

from datetime import datetime, timedelta
from decimal import Decimal

from campaigns.models import AccountSettings, AgentGroup, GoalType, User
from reporting.models import Target

# skill or group name: [(goal type, count or None, value or None)]. Leads have a value target:
# lead value counts every lead, while a lead count needs a campaign whose goal is leads.
AGENT_TARGETS = {
    "Sales": [(GoalType.SELL, 6, Decimal(3000)), (GoalType.LEADS, None, Decimal(2000))],
    "Billing": [(GoalType.SERVICE, 8, None)],
    "Tech support": [(GoalType.SERVICE, 8, None)],
}
GROUP_TARGETS = {
    "Sales team": [(GoalType.SELL, 24, Decimal(12000)), (GoalType.LEADS, None, Decimal(8000))],
    "Billing team": [(GoalType.SERVICE, 25, None)],
    "Tech support team": [(GoalType.SERVICE, 25, None)],
}


def seed_reporting(*, now: datetime) -> None:
    """Targets for this month and the previous one (idempotent: existing targets are kept)."""
    currency = AccountSettings.load().default_currency
    this_month = now.date().replace(day=1)
    months = [this_month, (this_month - timedelta(days=1)).replace(day=1)]
    agents = User.objects.agents().filter(username__regex=r"^agent\d*$").prefetch_related("skills")
    groups = {group.name: group for group in AgentGroup.objects.filter(name__in=GROUP_TARGETS)}
    for month in months:
        for agent in agents:
            skills = [skill.name for skill in agent.skills.all()]
            plan = next((AGENT_TARGETS[name] for name in skills if name in AGENT_TARGETS), [])
            for goal_type, count, value in plan:
                _target(month, goal_type, count, value, currency, agent=agent)
        for name, plan in GROUP_TARGETS.items():
            if name in groups:
                for goal_type, count, value in plan:
                    _target(month, goal_type, count, value, currency, group=groups[name])


def _target(month, goal_type, count, value, currency, *, agent=None, group=None) -> None:
    Target.objects.get_or_create(
        month=month,
        goal_type=goal_type,
        agent=agent,
        group=group,
        defaults={
            "count_target": Decimal(count) if count is not None else None,
            "value_target": value,
            "currency": currency if value is not None else "",
        },
    )
