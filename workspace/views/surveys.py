"""The Agent survey section's actions: submit (and resubmit) and dismiss (asked twice)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.models import AccountSettings
from workspace.forms.surveys import DismissForm, SurveyForm
from workspace.selectors.survey import (
    has_required_questions,
    question_choices,
    survey_for_conversation,
)
from workspace.services.surveys import survey_dismiss, survey_submit
from workspace.views.rendering import (
    REFUSALS,
    acting_access,
    refused_response,
    render_conversation,
    saved_response,
)

FRAGMENT = "summary-survey"


@require_POST
def survey_submit_view(request: HttpRequest, pk: int) -> HttpResponse:
    access, now = acting_access(request, pk), timezone.now()
    survey = survey_for_conversation(access.conversation)
    if survey is None:
        raise Http404
    account, questions = AccountSettings.load(), list(survey.questions.all())
    form = SurveyForm(
        request.POST,
        prefix="survey",
        questions=questions,
        choices={q.pk: question_choices(q, account) for q in questions},
        needs_reason=access.on_behalf,
    )
    if form.is_valid():
        try:
            survey_submit(
                conversation=access.conversation,
                answers=form.answers(),
                actor=request.user,
                token=form.cleaned_data["token"],
                seen=form.cleaned_data["seen"],
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except ValidationError as error:
            form.add_error(None, error)
        except REFUSALS as refused:
            return refused_response(request, access, now=now, fragment=FRAGMENT, refused=refused)
        else:
            return saved_response(request, access, now=now, fragment=FRAGMENT)
    return render_conversation(request, access, now=now, fragment=FRAGMENT, bound=form, status=422)


@require_POST
def survey_dismiss_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The first post asks "for good?" (the same form, with ``confirm`` set); the second one
    dismisses. Both work without JavaScript."""
    access, now = acting_access(request, pk), timezone.now()
    form = DismissForm(request.POST, needs_reason=access.on_behalf, prefix="dismiss")
    survey = survey_for_conversation(access.conversation)
    # Only a dismiss the service would take is asked about; any other is refused at once.
    may_dismiss = survey is not None and not has_required_questions(survey)
    if form.is_valid() and not form.cleaned_data["confirm"] and may_dismiss:
        ask = DismissForm(
            needs_reason=access.on_behalf,
            prefix="dismiss",
            initial={**form.cleaned_data, "confirm": True},
        )
        return render_conversation(request, access, now=now, fragment=FRAGMENT, bound=ask)
    if form.is_valid():
        try:
            survey_dismiss(
                conversation=access.conversation,
                actor=request.user,
                token=form.cleaned_data["token"],
                reason=form.cleaned_data.get("reason", ""),
                now=now,
            )
        except REFUSALS as refused:
            return refused_response(request, access, now=now, fragment=FRAGMENT, refused=refused)
        message = _("Survey dismissed.")
        return saved_response(request, access, now=now, fragment=FRAGMENT, message=message)
    return render_conversation(request, access, now=now, fragment=FRAGMENT, bound=form, status=422)
