"""Demo configuration: outcomes, surveys, goals, campaigns and account settings (SPEC 8).

Idempotent: every part is created once, through the same services people use (so the audit log
shows where the demo configuration came from), and left alone on later runs.
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction

from campaigns.catalogue import AttributeType, ServiceStatus
from campaigns.models import (
    AccountSettings,
    AgentSurvey,
    AttributeConfig,
    AttributionModel,
    AttributionPolicy,
    Campaign,
    Goal,
    GoalType,
    QuestionKind,
    Skill,
    SurveyQuestion,
)
from campaigns.services.account import account_settings_save, attribution_policy_create
from campaigns.services.attributes import attribute_config_save
from campaigns.services.goals import campaign_save, goal_save
from campaigns.services.surveys import predefined_lists_save, question_save, survey_save

TOPICS = ["Pricing", "Order", "Billing question", "Refund", "Login issue", "App crash", "Other"]
OUTCOMES = ["Resolved", "Sale made", "Follow-up needed", "Escalated", "No sale"]

# attribute type: (skills, [(property, display name)])
OUTCOME_CONFIG = {
    AttributeType.PURCHASE: (["Sales"], [("total", "Order total"), ("orderId", "Order number")]),
    AttributeType.LEAD: (
        ["Sales"],
        [("topic", "Interested in"), ("value", "Estimated value"), ("leadId", "Lead reference")],
    ),
    AttributeType.SERVICE: (
        ["Billing", "Tech support"],
        [
            ("topic", "Topic"),
            ("status", "Status"),
            ("category", "Category"),
            ("serviceId", "Ticket number"),
        ],
    ),
}

# name: (type, more than, currency, status boxes)
GOALS = {
    "Any sale": (GoalType.SELL, None, "", []),
    "Sale over 100 USD": (GoalType.SELL, Decimal("100.00"), "USD", []),
    "New lead": (GoalType.LEADS, None, "", []),
    "Billing issue resolved": (
        GoalType.SERVICE,
        None,
        "",
        [("Refund", ServiceStatus.COMPLETE), ("Billing question", ServiceStatus.RESOLVED)],
    ),
    "Tech issue fixed": (
        GoalType.SERVICE,
        None,
        "",
        [("Login issue", ServiceStatus.RESOLVED), ("App crash", ServiceStatus.RESOLVED)],
    ),
    "Interact with visitors": (GoalType.INTERACT, None, "", []),
}

# name: (skill, goal, default)
CAMPAIGNS = {
    "Sales: annual plans": ("Sales", "Any sale", False),
    "Billing care": ("Billing", "Billing issue resolved", False),
    "Tech support care": ("Tech support", "Tech issue fixed", False),
    "General enquiries": ("General", "Interact with visitors", True),
}


def _seed_account(now: datetime) -> None:
    account = AccountSettings.load()
    if not account.conversation_topics:
        account_settings_save(
            actor=None,
            default_currency="USD",
            report_time_zone="",
            agent_outcome_window_minutes=30,
        )
        predefined_lists_save(actor=None, topics=TOPICS, outcomes=OUTCOMES)
    if not AttributionPolicy.objects.exists():
        attribution_policy_create(
            actor=None,
            effective_from=(now - timedelta(days=90)).date(),
            cross_session_window_days=AttributionPolicy.Window.ONE_WEEK,
            model=AttributionModel.LAST,
        )


def _seed_outcomes(skills: dict[str, Skill]) -> None:
    for attribute_type, (skill_names, fields) in OUTCOME_CONFIG.items():
        if not AttributeConfig.objects.filter(attribute_type=attribute_type).exists():
            attribute_config_save(
                actor=None,
                attribute_type=attribute_type,
                submit_by_agent=True,
                skills=[skills[name] for name in skill_names],
                fields=fields,
            )


def _question(survey: AgentSurvey, text: str, kind: str, **extra) -> None:
    options = extra.pop("options", None)
    question = SurveyQuestion(survey=survey, text=text, kind=kind, **extra)
    question_save(actor=None, question=question, options=options)


def _seed_surveys(skills: dict[str, Skill]) -> None:
    if not AgentSurvey.objects.filter(name="Sales survey").exists():
        survey = AgentSurvey(name="Sales survey", description="After every sales conversation.")
        survey = survey_save(actor=None, survey=survey, skills=[skills["Sales"]])
        topic = SurveyQuestion.Predefined.TOPIC
        _question(
            survey, "Conversation topic", QuestionKind.DROPDOWN, predefined=topic, required=True
        )
        outcome = SurveyQuestion.Predefined.OUTCOME
        _question(
            survey, "Conversation outcome", QuestionKind.SINGLE, predefined=outcome, required=True
        )
        _question(
            survey,
            "How ready to buy was the customer?",
            QuestionKind.SINGLE,
            options=["Ready now", "Within a month", "Just looking"],
        )
        _question(survey, "Notes for the account team", QuestionKind.FREE_TEXT, max_chars=500)
    if not AgentSurvey.objects.filter(name="General survey").exists():
        survey = AgentSurvey(
            name="General survey", description="Quick check on general chats.", timeout_minutes=15
        )
        survey = survey_save(actor=None, survey=survey, skills=[skills["General"]])
        _question(
            survey,
            "Was the customer's question answered?",
            QuestionKind.SINGLE,
            required=True,
            options=["Yes", "Partly", "No"],
        )
        _question(
            survey,
            "Conversation topic",
            QuestionKind.DROPDOWN,
            predefined=SurveyQuestion.Predefined.TOPIC,
        )
        _question(survey, "Anything we should improve?", QuestionKind.FREE_TEXT, max_chars=300)


def _seed_campaigns(skills: dict[str, Skill]) -> None:
    goals = {}
    for name, (goal_type, more_than, currency, boxes) in GOALS.items():
        goal = Goal.objects.filter(name=name).first()
        if goal is None:
            goal = Goal(
                name=name, goal_type=goal_type, sell_more_than=more_than, sell_currency=currency
            )
            goal = goal_save(actor=None, goal=goal, status_boxes=boxes)
        goals[name] = goal
    for name, (skill_name, goal_name, is_default) in CAMPAIGNS.items():
        if not Campaign.objects.filter(name=name).exists():
            campaign = Campaign(
                name=name, skill=skills[skill_name], goal=goals[goal_name], is_default=is_default
            )
            campaign_save(actor=None, campaign=campaign)


@transaction.atomic
def seed_configuration(*, now: datetime) -> None:
    """Configure the demo account's outcomes, surveys, goals and campaigns (idempotent)."""
    skills = {skill.name: skill for skill in Skill.objects.all()}
    _seed_account(now)
    _seed_outcomes(skills)
    _seed_surveys(skills)
    _seed_campaigns(skills)
