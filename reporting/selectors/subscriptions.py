"""Reading report subscriptions: a person's own list, and the filters of each written out in
words ("Skill: Sales · Rows: Agent and skill"), with every name read in one query per kind."""

from django.utils.translation import gettext as _

from campaigns.models import AgentGroup, Campaign, Goal, GoalType, Skill, User
from reporting.filters import NONE_PARAM, Breakdown, Source
from reporting.models import ReportSubscription

NAMED = {"skill": Skill, "group": AgentGroup, "agent": User, "campaign": Campaign, "goal": Goal}


def _labels() -> dict[str, str]:
    return {
        "skill": _("Skill"),
        "group": _("Agent group"),
        "agent": _("Agent"),
        "campaign": _("Campaign"),
        "goal": _("Goal"),
        "goal_type": _("Goal type"),
        "source": _("Source"),
        "by": _("Rows"),
    }


def _none_labels() -> dict[str, str]:
    return {"skill": _("No skill"), "campaign": _("No campaign"), "goal": _("No goal")}


def _names(param_sets: list[dict]) -> dict[str, dict[str, str]]:
    """The names behind the ids the filters hold, one query per kind that appears."""
    names: dict[str, dict[str, str]] = {}
    for kind, model in NAMED.items():
        ids = {
            int(params[kind])
            for params in param_sets
            if str(params.get(kind, "")).isdigit()  # "none" and junk name nothing
        }
        if not ids:
            continue
        objects = model.objects.filter(pk__in=ids)
        label = (lambda u: u.display_name) if model is User else str
        names[kind] = {str(obj.pk): label(obj) for obj in objects}
    return names


def _describe(params: dict, names: dict[str, dict[str, str]]) -> str:
    labels, none_labels = _labels(), _none_labels()
    choices = {
        "goal_type": dict(GoalType.choices),
        "source": dict(Source.CHOICES),
        "by": dict(Breakdown.CHOICES),
    }
    parts = []
    for key, label in labels.items():
        value = str(params.get(key, ""))
        if not value:
            continue
        if key in NAMED:
            shown = none_labels.get(key) if value == NONE_PARAM else None
            shown = shown or names.get(key, {}).get(value) or _("(no longer exists)")
        else:
            shown = str(choices[key].get(value, value))
        parts.append(f"{label}: {shown}")
    return " · ".join(parts) or _("All agents, skills and campaigns")


def filter_descriptions(param_sets: list[dict]) -> list[str]:
    """Each filter set in words, in the order given (at most one query per kind of name)."""
    names = _names(param_sets)
    return [_describe(params, names) for params in param_sets]


def subscriptions_for_user(user: User) -> list[ReportSubscription]:
    """The person's own subscriptions, each with ``description`` (its filters in words)."""
    subscriptions = list(ReportSubscription.objects.filter(user=user))
    for subscription, text in zip(
        subscriptions, filter_descriptions([s.params for s in subscriptions]), strict=True
    ):
        subscription.description = text
    return subscriptions
