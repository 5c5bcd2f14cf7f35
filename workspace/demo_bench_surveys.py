"""Agent survey responses for the benchmark data (``workspace.demo_bench``): where a survey
applies to a bench conversation's skill, submitted with an answer to every choice question (and a
free text for one in ten) for even ``g`` (half of them), dismissed for ``g % 20 == 1``, left to
time out otherwise. The same rows on PostgreSQL (statements over the chunk's ``bench_seed``
table) and on other databases (``bulk_create``)."""

from datetime import timedelta

from campaigns.models import CHOICE_KINDS, AgentSurvey, Campaign, QuestionKind
from workspace.models import SurveyAnswer, SurveyResponse


def survey_plan() -> dict:
    """``{"skills": {skill id: survey id}, "questions": {survey id: [(question id, kind,
    [option ids])]}}`` for the active surveys: a skill's own survey, else the default one."""
    surveys = list(
        AgentSurvey.objects.filter(is_active=True).prefetch_related(
            "surveyskill_set", "questions__options"
        )
    )
    default = next((s.pk for s in surveys if s.is_default), None)
    linked = {link.skill_id: s.pk for s in surveys for link in s.surveyskill_set.all()}
    skills = {}
    for skill_id in Campaign.objects.values_list("skill_id", flat=True).distinct():
        survey_id = linked.get(skill_id, default)
        if skill_id is not None and survey_id is not None:
            skills[skill_id] = survey_id
    questions = {
        s.pk: [(q.pk, q.kind, [o.pk for o in q.options.all()]) for q in s.questions.all()]
        for s in surveys
    }
    return {"skills": skills, "questions": questions}


def seed_surveys_postgresql(cursor, surveys: dict) -> None:
    """Responses (see module) and their answers, one statement per question."""
    if not surveys["skills"]:
        return
    cursor.execute(SURVEY_SQL, [list(surveys["skills"]), list(surveys["skills"].values())])
    for survey_id, questions in surveys["questions"].items():
        for position, (question_id, kind, options) in enumerate(questions):
            if kind in CHOICE_KINDS and not options:
                continue
            cursor.execute(
                ANSWER_SQL,
                {
                    "survey": survey_id,
                    "question": question_id,
                    "choice": kind in CHOICE_KINDS,
                    "options": options or [None],
                    "position": position,
                    "text": kind == QuestionKind.FREE_TEXT,
                    "number": kind == QuestionKind.NUMBER,
                    "date": kind == QuestionKind.DATE,
                },
            )


SURVEY_SQL = """
WITH r AS (
    INSERT INTO workspace_surveyresponse (conversation_id, survey_id, status, submitted_by_id,
        agent_id, on_behalf, reason, submitted_at)
    SELECT s.conversation_id, p.survey_id,
        CASE WHEN s.g %% 2 = 0 THEN 'submitted' ELSE 'dismissed' END, s.agent_id, s.agent_id,
        false, CASE WHEN s.g %% 2 = 0 THEN '' ELSE 'Customer left' END,
        s.ended_at + interval '2 minutes'
    FROM bench_seed s JOIN unnest(%s::bigint[], %s::bigint[]) p (skill_id, survey_id)
        ON p.skill_id = s.skill_id
    WHERE s.g %% 2 = 0 OR s.g %% 20 = 1
    RETURNING id, conversation_id, survey_id, status, submitted_at
)
INSERT INTO bench_response
SELECT r.id, s.g, r.survey_id, r.submitted_at FROM r JOIN bench_seed s USING (conversation_id)
WHERE r.status = 'submitted'
"""
ANSWER_SQL = """
INSERT INTO workspace_surveyanswer (response_id, question_id, option_id, value_text, value_number,
    value_date)
SELECT r.id, %(question)s,
    CASE WHEN %(choice)s THEN (%(options)s::bigint[])[1 + (r.g / 2 + %(position)s)
        %% cardinality(%(options)s::bigint[])] END,
    CASE WHEN %(text)s THEN 'Asked about plan ' || (r.g %% 7) ELSE '' END,
    CASE WHEN %(number)s THEN r.g %% 10 END,
    CASE WHEN %(date)s THEN r.submitted_at::date END
FROM bench_response r
WHERE r.survey_id = %(survey)s AND (NOT %(text)s OR r.g %% 10 = 0)
"""


def seed_surveys_orm(numbered, surveys: dict) -> None:
    """The same responses and answers as the PostgreSQL statements."""
    responses, numbers = [], []
    for g, c in numbered:
        survey_id = surveys["skills"].get(c.skill_id)
        if survey_id is None or not (g % 2 == 0 or g % 20 == 1):
            continue
        submitted = g % 2 == 0
        responses.append(
            SurveyResponse(
                conversation=c, survey_id=survey_id, agent_id=c.agent_id,
                status=SurveyResponse.Status.SUBMITTED if submitted
                else SurveyResponse.Status.DISMISSED,
                submitted_by_id=c.agent_id, reason="" if submitted else "Customer left",
                submitted_at=c.ended_at + timedelta(minutes=2),
            )
        )  # fmt: skip
        numbers.append(g)
    SurveyResponse.objects.bulk_create(responses, batch_size=5000)
    answers = []
    for g, response in zip(numbers, responses, strict=True):
        if response.status != SurveyResponse.Status.SUBMITTED:
            continue
        questions = surveys["questions"][response.survey_id]
        for position, (question_id, kind, options) in enumerate(questions):
            answer = _answer(g, response, question_id, kind, options, position)
            if answer is not None:
                answers.append(answer)
    SurveyAnswer.objects.bulk_create(answers, batch_size=5000)


def _answer(g, response, question_id, kind, options, position) -> SurveyAnswer | None:
    if kind in CHOICE_KINDS:
        if not options:
            return None
        option = options[(g // 2 + position) % len(options)]
        return SurveyAnswer(response=response, question_id=question_id, option_id=option)
    if kind == QuestionKind.FREE_TEXT:
        if g % 10:
            return None
        return SurveyAnswer(
            response=response, question_id=question_id, value_text=f"Asked about plan {g % 7}"
        )
    return SurveyAnswer(
        response=response,
        question_id=question_id,
        value_number=g % 10 if kind == QuestionKind.NUMBER else None,
        value_date=response.submitted_at.date() if kind == QuestionKind.DATE else None,
    )
