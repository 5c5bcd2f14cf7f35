"""Fresh (or bound, on errors) forms for every action the widget offers the person looking. A
bound form is recognised by its prefix (``add-purchase``, ``edit-12``, ``survey``...), which is
also what its fields are named by, so no other key is needed."""

from typing import Any

from django.forms import Form

from workspace.forms.outcomes import OutcomeForm, ReasonForm, RetractForm, money_text
from workspace.forms.surveys import DismissForm, SurveyForm
from workspace.selectors.summary import (
    AttributeSection,
    OutcomeItem,
    Summary,
    SurveyPanel,
    survey_choices,
)
from workspace.services.outcome_values import MONEY_KEYS


def outcome_form(summary: Summary, section: AttributeSection, *args: Any, **kwargs: Any):
    return OutcomeForm(
        *args,
        fields=list(section.config.fields.all()),
        attribute_type=section.attribute_type,
        default_currency=summary.account.default_currency,
        needs_reason=summary.on_behalf,
        number_format=summary.user.number_format,
        **kwargs,
    )


def _initial(values: dict[str, Any], version: int, attribute_type: str) -> dict[str, Any]:
    initial = {**values, "version": version}
    money_key = MONEY_KEYS.get(attribute_type)
    if money_key in values:
        initial[money_key] = money_text(values[money_key])
    return initial


def _bound(form: Form | None, prefix: str) -> Form | None:
    return form if form is not None and form.prefix == prefix else None


def item_forms_attach(
    summary: Summary, section: AttributeSection, item: OutcomeItem, bound: Form | None = None
) -> None:
    """The correction (or amendment) and retraction forms of one outcome the person may change."""
    if not item.can_change:
        return
    pk, version, t = item.event.pk, item.event.version, section.attribute_type
    item.edit_form = _bound(bound, f"edit-{pk}") or outcome_form(
        summary, section, prefix=f"edit-{pk}", initial=_initial(item.values, version, t)
    )
    item.retract_form = _bound(bound, f"retract-{pk}") or RetractForm(
        prefix=f"retract-{pk}", initial={"version": version}
    )


def _attach_sections(summary: Summary, bound: Form | None, item_forms: bool) -> None:
    for section in summary.sections:
        t = section.attribute_type
        if section.can_add:
            section.add_form = _bound(bound, f"add-{t}") or outcome_form(
                summary, section, prefix=f"add-{t}"
            )
        if section.can_choose_no_outcome:
            section.no_outcome_form = _bound(bound, f"none-{t}") or ReasonForm(
                needs_reason=summary.on_behalf, prefix=f"none-{t}"
            )
        for item in section.items:
            # A form with what the person typed is always shown; fresh ones only with item_forms.
            pk = item.event.pk
            if item_forms or _bound(bound, f"edit-{pk}") or _bound(bound, f"retract-{pk}"):
                item_forms_attach(summary, section, item, bound)


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


def forms_attach(summary: Summary, *, bound: Form | None, item_forms: bool = True) -> None:
    """Give each section, outcome and the survey the forms the person may use; ``bound`` (a
    form with what the person typed and its errors) replaces the fresh one of its prefix.
    Without ``item_forms`` an outcome's correction and retraction forms are left for when they
    are opened (a fragment), unless ``bound`` is one of them."""
    _attach_sections(summary, bound, item_forms)
    panel = summary.survey
    if panel is None or not panel.can_submit:
        return
    panel.form = _bound(bound, "survey") or survey_form(
        summary, panel, initial=_survey_initial(panel)
    )
    if panel.can_dismiss:
        dismiss = _bound(bound, "dismiss")
        panel.dismiss_form = dismiss or DismissForm(
            needs_reason=summary.on_behalf, prefix="dismiss"
        )
        # The second step (see survey_dismiss_view) carries confirm=True in its hidden field.
        panel.confirm_dismiss = bool(dismiss is not None and dismiss["confirm"].value())
