"""What the Conversation summary widget reads from the campaign configuration: the attributes
agents may report for some skills, and the agent survey that applies to them.

``workspace`` calls these (it may import ``campaigns``; never the other way round).
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q

from campaigns.catalogue import AGENT_REPORTABLE_TYPES
from campaigns.config_stamp import stamp_memo
from campaigns.models import (
    AgentSurvey,
    AttributeConfig,
    AttributeField,
    Skill,
    SurveyOption,
    SurveyQuestion,
    SurveySkill,
)


def attribute_configs_for(skill_ids: Iterable[int]) -> tuple[list[AttributeConfig], set[str]]:
    """``enabled_attribute_configs`` and ``required_attribute_types`` from one read (two
    queries, once per configuration change: ``stamp_memo``). Callers get their own list and set;
    the configurations in it are shared and read-only."""
    configs, required = _attribute_configs(tuple(pk for pk in skill_ids if pk is not None))
    return list(configs), set(required)


@stamp_memo
def _attribute_configs(ids: tuple[int, ...]) -> tuple[list[AttributeConfig], set[str]]:
    if not ids:
        return [], set()
    configs = list(
        AttributeConfig.objects.filter(submit_by_agent=True, skills__in=ids)
        .distinct()
        .prefetch_related(
            Prefetch("fields", queryset=AttributeField.objects.order_by("position", "id"))
        )
    )
    required = {config.attribute_type for config in configs if config.required_before_close}
    # A configuration without a field shows nothing an agent could fill in.
    usable = [config for config in configs if config.fields.all()]
    return sorted(usable, key=lambda c: AGENT_REPORTABLE_TYPES.index(c.attribute_type)), required


def enabled_attribute_configs(skill_ids: Iterable[int]) -> list[AttributeConfig]:
    """Attributes whose **Submit by agent** is on for any of ``skill_ids``, in catalogue order,
    each with its widget fields (``config.fields.all()``) in the configured order. Two queries."""
    return attribute_configs_for(skill_ids)[0]


def required_attribute_types(skill_ids: Iterable[int]) -> set[str]:
    """Types enabled with **Required before close** for any of ``skill_ids``."""
    return attribute_configs_for(skill_ids)[1]


def _questions_prefetch() -> Prefetch:
    return Prefetch(
        "questions",
        queryset=SurveyQuestion.objects.order_by("position", "id").prefetch_related(
            Prefetch("options", queryset=SurveyOption.objects.order_by("position", "id"))
        ),
    )


def survey_for_skills(skill_ids: Iterable[int]) -> AgentSurvey | None:
    """The active survey assigned to one of ``skill_ids`` (the first in that order that has one),
    else the active default survey, else ``None``; with questions and options loaded. Read once
    per configuration change (``stamp_memo``): the survey is shared and read-only."""
    return _survey_for_skills(tuple(pk for pk in skill_ids if pk is not None))


@stamp_memo
def _survey_for_skills(ids: tuple[int, ...]) -> AgentSurvey | None:
    for_skill = SurveySkill.objects.filter(survey=OuterRef("pk"), skill_id__in=ids)
    candidates = list(
        AgentSurvey.objects.filter(is_active=True)
        .annotate(for_skill=Exists(for_skill))
        .filter(Q(for_skill=True) | Q(is_default=True))
        .prefetch_related("surveyskill_set", _questions_prefetch())
    )
    if not candidates:
        return None
    order = {pk: index for index, pk in enumerate(ids)}

    def rank(survey: AgentSurvey) -> tuple[int, int]:
        if not survey.for_skill:
            return (len(order) + 1, survey.pk)
        links = survey.surveyskill_set.all()
        return (min(order.get(link.skill_id, len(order)) for link in links), survey.pk)

    return min(candidates, key=rank)


def survey_for_skill(skill: Skill | None) -> AgentSurvey | None:
    """The survey for a conversation of ``skill`` (the default survey when it has none)."""
    return survey_for_skills([skill.pk] if skill is not None else [])
