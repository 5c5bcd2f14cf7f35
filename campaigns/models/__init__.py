"""Campaign configuration models, one module per concern; import them from here."""

from campaigns.models.account import (
    AccountSettings,
    AttributionModel,
    AttributionPolicy,
    ConfigStamp,
)
from campaigns.models.attributes import AttributeActivity, AttributeConfig, AttributeField
from campaigns.models.goals import Campaign, Goal, GoalType, ServiceStatusBox
from campaigns.models.integrations import AuditEntry, Connector
from campaigns.models.people import (
    MAX_WINDOW_MINUTES,
    AgentGroup,
    Skill,
    User,
    UserManager,
    UserQuerySet,
)
from campaigns.models.surveys import (
    CHOICE_KINDS,
    PREDEFINED_KINDS,
    AgentSurvey,
    QuestionKind,
    SurveyOption,
    SurveyQuestion,
    SurveySkill,
)

__all__ = [
    "CHOICE_KINDS",
    "MAX_WINDOW_MINUTES",
    "PREDEFINED_KINDS",
    "AccountSettings",
    "AgentGroup",
    "AgentSurvey",
    "AttributeActivity",
    "AttributeConfig",
    "AttributeField",
    "AttributionModel",
    "AttributionPolicy",
    "AuditEntry",
    "Campaign",
    "ConfigStamp",
    "Connector",
    "Goal",
    "GoalType",
    "QuestionKind",
    "ServiceStatusBox",
    "Skill",
    "SurveyOption",
    "SurveyQuestion",
    "SurveySkill",
    "User",
    "UserManager",
    "UserQuerySet",
]
