"""Fresh (or bound, on errors) forms for every action the widget offers the person looking."""

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from django.forms import Form
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from campaigns.config_stamp import kept_under_stamp
from workspace.forms.outcomes import OutcomeForm, ReasonForm, RetractForm, money_text
from workspace.forms.surveys import SurveyForm
from workspace.selectors.summary import (
    AttributeSection,
    OutcomeItem,
    Summary,
    SurveyPanel,
    survey_choices,
)
from workspace.services.outcome_values import MONEY_KEYS


def outcome_form(summary: Summary, section: AttributeSection, **kwargs: Any) -> OutcomeForm:
    return OutcomeForm(
        fields=list(section.config.fields.all()),
        attribute_type=section.attribute_type,
        default_currency=summary.account.default_currency,
        needs_reason=summary.on_behalf,
        **kwargs,
    )


@dataclass(frozen=True)
class FreshForm:
    """An empty "report an outcome" form, already rendered (``_outcome_form.html``)."""

    html: SafeString
    is_bound: bool = False


# The empty form of a section is the same for every conversation but for three values: the
# address it posts to, the CSRF token and its idempotency token. It is rendered once per
# configuration stamp, language, currency and role with placeholders for them, which saves
# building the form and about a dozen widget renders on every widget request (bench/README.md).
ACTION, CSRF, TOKEN = "__outcome_action__", "__outcome_csrf__", "__outcome_token__"
_fresh_forms: dict[tuple, str] = kept_under_stamp({})
MAX_FRESH_FORMS = 256


def _fresh_add_form(request, summary: Summary, section: AttributeSection) -> FreshForm:
    t = section.attribute_type
    account = summary.account
    key = (account.config_stamp, account.default_currency, t, summary.on_behalf, get_language())
    html = _fresh_forms.get(key)
    if html is None:
        form = outcome_form(summary, section, prefix=f"add-{t}", initial={"token": TOKEN})
        label = _("Submit on behalf") if summary.on_behalf else _("Submit")
        context = {"form": form, "action": ACTION, "submit_label": label, "csrf_token": CSRF}
        html = render_to_string("workspace/_outcome_form.html", context)
        if len(_fresh_forms) >= MAX_FRESH_FORMS:
            _fresh_forms.clear()
        _fresh_forms[key] = html
    action = reverse("workspace:outcome-create", args=[summary.conversation.pk, t])
    html = html.replace(ACTION, escape(action)).replace(CSRF, escape(get_token(request)))
    return FreshForm(mark_safe(html.replace(TOKEN, str(uuid4()))))  # noqa: S308  # nosec B308 B703


def _initial(values: dict[str, Any], version: int, attribute_type: str) -> dict[str, Any]:
    initial = {**values, "version": version}
    money_key = MONEY_KEYS.get(attribute_type)
    if money_key in values:
        initial[money_key] = money_text(values[money_key])
    return initial


def item_forms_attach(
    summary: Summary,
    section: AttributeSection,
    item: OutcomeItem,
    key: tuple[str, Any] = ("", None),
    form: Form | None = None,
) -> None:
    """The correction (or amendment) and retraction forms of one outcome the person may change."""
    if not item.can_change:
        return
    pk, version, t = item.event.pk, item.event.version, section.attribute_type
    item.edit_form = (form if key == ("edit", pk) else None) or outcome_form(
        summary, section, prefix=f"edit-{pk}", initial=_initial(item.values, version, t)
    )
    item.retract_form = (form if key == ("retract", pk) else None) or RetractForm(
        prefix=f"retract-{pk}", initial={"version": version}
    )


def _attach_sections(
    request, summary: Summary, key: tuple[str, Any], form: Form | None, item_forms: bool
) -> None:
    for section in summary.sections:
        t = section.attribute_type
        if section.can_add:
            bound = form if key == ("add", t) else None
            section.add_form = bound or _fresh_add_form(request, summary, section)
        if section.can_choose_no_outcome:
            bound = form if key == ("no-outcome", t) else None
            section.no_outcome_form = bound or ReasonForm(
                needs_reason=summary.on_behalf, prefix=f"none-{t}"
            )
        for item in section.items:
            # A form with what the person typed is always shown; fresh ones only with item_forms.
            if item_forms or key in (("edit", item.event.pk), ("retract", item.event.pk)):
                item_forms_attach(summary, section, item, key, form)


def survey_form(summary: Summary, panel: SurveyPanel, *args: Any, **kwargs: Any) -> SurveyForm:
    return SurveyForm(
        *args,
        questions=list(panel.survey.questions.all()),
        choices=survey_choices(panel, summary.account),
        needs_reason=summary.on_behalf,
        prefix="survey",
        **kwargs,
    )


def _survey_initial(panel: SurveyPanel) -> dict[str, Any]:
    initial: dict[str, Any] = {"seen": len(panel.responses)}
    for question, value in panel.answer_values.items():
        initial[f"q{question}"] = value
    return initial


def forms_attach(
    request,
    summary: Summary,
    *,
    bound: tuple[tuple[str, Any], Form] | None,
    item_forms: bool = True,
) -> None:
    """Give each section, outcome and the survey the forms the person may use. Without
    ``item_forms`` an outcome's correction and retraction forms are left for when they are
    opened (a fragment), unless ``bound`` is one of them."""
    key, form = bound if bound else (("", None), None)
    _attach_sections(request, summary, key, form, item_forms)
    panel = summary.survey
    if panel is None or not panel.can_submit:
        return
    panel.form = (form if key[0] == "survey" else None) or survey_form(
        summary, panel, initial=_survey_initial(panel)
    )
    if panel.can_dismiss:
        panel.dismiss_form = (form if key[0] == "dismiss" else None) or ReasonForm(
            needs_reason=summary.on_behalf, prefix="dismiss"
        )
