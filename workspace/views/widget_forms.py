"""Fresh (or bound, on errors) forms for every action the widget offers the person looking."""

from typing import Any

from django.forms import Form

from workspace.forms.outcomes import OutcomeForm, ReasonForm, RetractForm, money_text
from workspace.forms.surveys import SurveyForm
from workspace.selectors.summary import AttributeSection, Summary, SurveyPanel, survey_choices
from workspace.services.outcome_values import MONEY_KEYS


def outcome_form(summary: Summary, section: AttributeSection, **kwargs: Any) -> OutcomeForm:
    return OutcomeForm(
        fields=list(section.config.fields.all()),
        attribute_type=section.attribute_type,
        default_currency=summary.account.default_currency,
        needs_reason=summary.on_behalf,
        **kwargs,
    )


def _initial(values: dict[str, Any], version: int, attribute_type: str) -> dict[str, Any]:
    initial = {**values, "version": version}
    money_key = MONEY_KEYS.get(attribute_type)
    if money_key in values:
        initial[money_key] = money_text(values[money_key])
    return initial


def _attach_sections(summary: Summary, key: tuple[str, Any], form: Form | None) -> None:
    for section in summary.sections:
        t = section.attribute_type
        if section.can_add:
            bound = form if key == ("add", t) else None
            section.add_form = bound or outcome_form(summary, section, prefix=f"add-{t}")
        if section.can_choose_no_outcome:
            bound = form if key == ("no-outcome", t) else None
            section.no_outcome_form = bound or ReasonForm(
                needs_reason=summary.on_behalf, prefix=f"none-{t}"
            )
        for item in section.items:
            if not item.can_change:
                continue
            pk, version = item.event.pk, item.event.version
            item.edit_form = (form if key == ("edit", pk) else None) or outcome_form(
                summary,
                section,
                prefix=f"edit-{pk}",
                initial=_initial(item.values, version, t),
            )
            item.retract_form = (form if key == ("retract", pk) else None) or RetractForm(
                prefix=f"retract-{pk}", initial={"version": version}
            )


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


def forms_attach(summary: Summary, *, bound: tuple[tuple[str, Any], Form] | None) -> None:
    """Give each section, outcome and the survey the forms the person may use."""
    key, form = bound if bound else (("", None), None)
    _attach_sections(summary, key, form)
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
