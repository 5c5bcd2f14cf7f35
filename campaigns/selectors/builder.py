"""Reads for the Campaign Builder pages: campaigns, goals, account settings, policies."""

from datetime import date

from django.db.models import Count, QuerySet

from campaigns.models import AccountSettings, AttributionPolicy, Campaign, Goal, Skill


def campaigns_list() -> QuerySet[Campaign]:
    """Campaigns with their skill, goal and the goal's status boxes (constant queries)."""
    return Campaign.objects.select_related("skill", "goal").prefetch_related("goal__status_boxes")


def goals_list() -> QuerySet[Goal]:
    """The goal library, with status boxes and how many campaigns use each goal."""
    return Goal.objects.prefetch_related("status_boxes").annotate(campaign_count=Count("campaigns"))


def skills_for_choice() -> list[Skill]:
    return list(Skill.objects.order_by("name"))


def policies_list() -> list[AttributionPolicy]:
    return list(AttributionPolicy.objects.select_related("created_by").order_by("-effective_from"))


def policy_in_force(policies: list[AttributionPolicy], today: date) -> AttributionPolicy | None:
    """The policy in force on ``today`` among ``policies`` (newest first)."""
    return next((policy for policy in policies if policy.effective_from <= today), None)


def account_summary(*, today: date) -> dict:
    """What the Campaign Builder footnote bar shows: the settings and the policy in force."""
    policies = policies_list()
    return {
        "account": AccountSettings.load(),
        "policy": policy_in_force(policies, today),
        "next_policy": next((p for p in reversed(policies) if p.effective_from > today), None),
    }
