"""The agent survey library: surveys, their questions, the preview, the predefined lists."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from campaigns.forms.surveys import PredefinedListsForm, QuestionForm, SurveyForm
from campaigns.models import AccountSettings, AgentSurvey, SurveyQuestion
from campaigns.selectors.surveys import question_get, skill_survey_owners, survey_get, surveys_list
from campaigns.services.surveys import (
    OptionInUse,
    predefined_lists_save,
    question_delete,
    question_move,
    question_save,
    survey_delete,
    survey_make_default,
    survey_save,
    survey_set_active,
)
from campaigns.views.common import CONFIGURE, builder_render, form_status


def _survey_list(request: HttpRequest) -> HttpResponse:
    context = {"surveys": surveys_list(), "tab": "surveys"}
    return builder_render(request, "campaigns/survey_list.html", context, fragment="survey-list")


@require_GET
@vary_on_headers("HX-Request")
@permission_required(CONFIGURE, raise_exception=True)
def survey_list(request: HttpRequest) -> HttpResponse:
    return _survey_list(request)


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def survey_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    survey = survey_get(pk) if pk else AgentSurvey()
    form = SurveyForm(request.POST or None, instance=survey, owners=skill_survey_owners())
    if request.method == "POST" and form.is_valid():
        try:
            survey_save(
                actor=request.user, survey=form.instance, skills=form.cleaned_data["skills"]
            )
        except ValidationError as error:
            form.add_error("skills", error)
        else:
            messages.success(request, _("Saved survey %(name)s.") % {"name": survey})
            return redirect("campaigns:survey-update", pk=survey.pk)
    context = {"form": form, "survey": survey, "tab": "surveys"}
    return builder_render(request, "campaigns/survey_form.html", context, status=form_status(form))


@require_GET
@permission_required(CONFIGURE, raise_exception=True)
def survey_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The survey as the agent will see it in the Conversation summary widget."""
    survey = survey_get(pk)
    has_required = any(question.required for question in survey.questions.all())
    context = {"survey": survey, "has_required": has_required, "tab": "surveys"}
    return builder_render(request, "campaigns/survey_preview.html", context)


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def survey_active(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(AgentSurvey, pk=pk)
    survey_set_active(actor=request.user, survey=survey, is_active=not survey.is_active)
    if request.htmx:
        return _survey_list(request)
    state = _("active") if survey.is_active else _("inactive")
    messages.success(request, _("%(name)s is now %(state)s.") % {"name": survey, "state": state})
    return redirect("campaigns:survey-list")


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def survey_default(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(AgentSurvey, pk=pk)
    survey_make_default(actor=request.user, survey=survey)
    if request.htmx:
        return _survey_list(request)
    messages.success(request, _("%(name)s is now the default survey.") % {"name": survey})
    return redirect("campaigns:survey-list")


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def survey_remove(request: HttpRequest, pk: int) -> HttpResponse:
    survey = get_object_or_404(AgentSurvey, pk=pk)
    try:
        survey_delete(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Deleted survey %(name)s.") % {"name": survey})
    return redirect("campaigns:survey-list")


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def question_form(request: HttpRequest, pk: int, question_pk: int | None = None) -> HttpResponse:
    survey = get_object_or_404(AgentSurvey, pk=pk)
    question = question_get(pk, question_pk) if question_pk else SurveyQuestion(survey=survey)
    form = QuestionForm(request.POST or None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            question_save(
                actor=request.user,
                question=form.instance,
                options=form.cleaned_data["option_labels"],
            )
        except OptionInUse as error:
            form.add_error("options", error)
        else:
            messages.success(request, _("Saved the question."))
            return redirect("campaigns:survey-update", pk=survey.pk)
    context = {"form": form, "survey": survey, "question": question, "tab": "surveys"}
    return builder_render(
        request, "campaigns/question_form.html", context, status=form_status(form)
    )


def _questions(request: HttpRequest, pk: int, error: str = "") -> HttpResponse:
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect("campaigns:survey-update", pk=pk)
    context = {"survey": survey_get(pk), "tab": "surveys", "questions_error": error}
    return builder_render(
        request, "campaigns/survey_form.html", context, fragment="survey-questions"
    )


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def question_reorder(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    question = question_get(pk, question_pk)
    direction = "up" if request.POST.get("direction") == "up" else "down"
    question_move(actor=request.user, question=question, direction=direction)
    return _questions(request, pk)


@require_POST
@permission_required(CONFIGURE, raise_exception=True)
def question_remove(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    try:
        question_delete(actor=request.user, question=question_get(pk, question_pk))
    except ValidationError as error:
        return _questions(request, pk, error=error.messages[0])
    return _questions(request, pk)


@require_http_methods(["GET", "POST"])
@permission_required(CONFIGURE, raise_exception=True)
def predefined_lists(request: HttpRequest) -> HttpResponse:
    """The brand's option lists behind **Conversation topic** and **Conversation outcome**."""
    account = AccountSettings.load()
    initial = {
        "conversation_topics": "\n".join(account.conversation_topics),
        "conversation_outcomes": "\n".join(account.conversation_outcomes),
    }
    form = PredefinedListsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            predefined_lists_save(
                actor=request.user,
                topics=form.cleaned_data["conversation_topics"],
                outcomes=form.cleaned_data["conversation_outcomes"],
            )
        except OptionInUse as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved the predefined lists."))
            return redirect("campaigns:predefined-lists")
    context = {"form": form, "tab": "surveys"}
    return builder_render(
        request, "campaigns/predefined_lists.html", context, status=form_status(form)
    )
