"""The Agent survey section's actions: submit (and resubmit) and dismiss."""

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.http import require_POST

from campaigns.models import AccountSettings
from workspace.forms.outcomes import ReasonForm
from workspace.forms.surveys import SurveyForm
from workspace.selectors.access import ActorRole
from workspace.selectors.conversations import conversation_get
from workspace.selectors.survey import question_choices, survey_for_conversation
from workspace.services.surveys import survey_dismiss, survey_submit
from workspace.views.rendering import acting_role, save_or_render

PARTIAL = "summary-survey"


@require_POST
def survey_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, now = conversation_get(request.user, pk, page=False), timezone.now()
    survey = survey_for_conversation(conversation)
    if survey is None:
        raise Http404
    account, questions = AccountSettings.load(), list(survey.questions.all())
    form = SurveyForm(
        request.POST,
        prefix="survey",
        questions=questions,
        choices={q.pk: question_choices(q, account) for q in questions},
        needs_reason=acting_role(request, conversation) == ActorRole.MANAGER,
    )

    def save():
        data = form.cleaned_data
        return survey_submit(
            conversation=conversation,
            answers=form.answers(),
            actor=request.user,
            token=data["token"],
            seen=data["seen"],
            reason=data.get("reason", ""),
            now=now,
        )

    return save_or_render(
        request, conversation, now=now, partial=PARTIAL, key=("survey", None), form=form, save=save
    )


@require_POST
def survey_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    conversation, now = conversation_get(request.user, pk, page=False), timezone.now()
    on_behalf = acting_role(request, conversation) == ActorRole.MANAGER
    form = ReasonForm(request.POST, needs_reason=on_behalf, prefix="dismiss")

    def save():
        return survey_dismiss(
            conversation=conversation,
            actor=request.user,
            token=form.cleaned_data["token"],
            reason=form.cleaned_data.get("reason", ""),
            now=now,
        )

    key = ("dismiss", None)
    return save_or_render(
        request, conversation, now=now, partial=PARTIAL, key=key, form=form, save=save
    )
