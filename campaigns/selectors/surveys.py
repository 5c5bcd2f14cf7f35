"""Reads for the agent survey library."""

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from campaigns.models import AgentSurvey, Skill, SurveyQuestion, SurveySkill


def surveys_list() -> QuerySet[AgentSurvey]:
    """Every survey with its skills and question count (constant queries)."""
    return AgentSurvey.objects.prefetch_related(
        Prefetch("skills", queryset=Skill.objects.order_by("name"))
    ).annotate(question_count=Count("questions"))


def survey_get(pk: int) -> AgentSurvey:
    """One survey with its skills, questions and options loaded."""
    return get_object_or_404(
        AgentSurvey.objects.prefetch_related(
            Prefetch("skills", queryset=Skill.objects.order_by("name")),
            Prefetch(
                "questions",
                queryset=SurveyQuestion.objects.order_by("position", "id").prefetch_related(
                    "options"
                ),
            ),
        ),
        pk=pk,
    )


def question_get(survey_pk: int, pk: int) -> SurveyQuestion:
    return get_object_or_404(
        SurveyQuestion.objects.select_related("survey").prefetch_related("options"),
        survey_id=survey_pk,
        pk=pk,
    )


def skill_survey_owners() -> dict[int, tuple[int, str]]:
    """Skill id -> (id, name) of the survey it belongs to."""
    links = SurveySkill.objects.values_list("skill_id", "survey_id", "survey__name")
    return {skill_id: (survey_id, name) for skill_id, survey_id, name in links}
