"""Goal library and campaign forms."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import ServiceStatus
from campaigns.models import Campaign, Goal, GoalType
from campaigns.models.people import NumberFormat
from campaigns.money import currencies_most_used, currency_choices, format_amount, parse_money
from outcomes_site.names import NameField

STATUS_BOX_ROWS = 3


class GoalForm(forms.ModelForm):
    class Condition:
        ANY = "any"
        MORE_THAN = "more_than"

    sell_condition = forms.ChoiceField(
        label=_("Condition"),
        choices=[(Condition.ANY, _("Any value")), (Condition.MORE_THAN, _("More than"))],
        initial=Condition.ANY,
        widget=forms.RadioSelect,
        required=False,
    )
    sell_more_than = forms.CharField(label=_("Amount"), required=False, max_length=20, strip=False)
    sell_currency = forms.ChoiceField(label=_("Currency"), required=False)

    class Meta:
        model = Goal
        fields = ["name", "goal_type"]
        field_classes = {"name": NameField}

    def __init__(self, *args, number_format: str = NumberFormat.POINT, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.number_format = number_format  # the person's: "1.234,50" for a comma writer
        self.fields["sell_currency"].choices = [
            ("", "—"),
            *currency_choices(currencies_most_used()),
        ]
        goal = self.instance
        if goal.pk and goal.sell_more_than is not None:
            self.initial.update(
                sell_condition=self.Condition.MORE_THAN,
                sell_more_than=format_amount(goal.sell_more_than, number_format),
                sell_currency=goal.sell_currency,
            )

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Goal.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A goal with this name already exists."))
        return name

    def clean(self) -> dict:
        cleaned = super().clean()
        more_than = cleaned.get("sell_condition") == self.Condition.MORE_THAN
        if cleaned.get("goal_type") != GoalType.SELL or not more_than:
            self.instance.sell_more_than, self.instance.sell_currency = None, ""
            return cleaned
        currency = cleaned.get("sell_currency")
        if not currency:
            self.add_error("sell_currency", _("Choose the currency of the amount."))
        elif not cleaned.get("sell_more_than"):
            self.add_error("sell_more_than", _("Enter the amount a sale must exceed."))
        else:
            try:
                amount = parse_money(
                    cleaned["sell_more_than"], currency, number_format=self.number_format
                )
            except forms.ValidationError as error:
                self.add_error("sell_more_than", error)
            else:
                self.instance.sell_more_than, self.instance.sell_currency = amount, currency
        return cleaned


class StatusBoxForm(forms.Form):
    topic = NameField(label=_("Topic"), max_length=200, required=False)
    status = forms.TypedChoiceField(
        label=_("Status"),
        choices=[("", "—"), *ServiceStatus.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        topic, status = cleaned.get("topic"), cleaned.get("status")
        if topic and status is None:
            self.add_error("status", _("Choose a status for this topic."))
        elif status is not None and not topic:
            self.add_error("topic", _("Enter the topic this status applies to."))
        return cleaned


class BaseStatusBoxFormSet(forms.BaseFormSet):
    goal_type = ""

    def clean(self) -> None:
        if any(self.errors) or self.goal_type != GoalType.SERVICE:
            return
        if not status_boxes_from(self):
            raise forms.ValidationError(_("Add at least one status box."))


StatusBoxFormSet = forms.formset_factory(
    StatusBoxForm, formset=BaseStatusBoxFormSet, extra=STATUS_BOX_ROWS
)


def status_box_formset(data=None, goal: Goal | None = None) -> BaseStatusBoxFormSet:
    """The service goal's status boxes, plus empty rows to add more. Only a service goal
    needs boxes, so the posted goal type decides whether an empty set is an error."""
    boxes = list(goal.status_boxes.all()) if goal is not None and goal.pk else []
    initial = [{"topic": box.topic, "status": box.status} for box in boxes]
    formset = StatusBoxFormSet(data, initial=initial, prefix="boxes")
    formset.goal_type = data.get("goal_type", "") if data is not None else ""
    return formset


def status_boxes_from(formset: forms.BaseFormSet) -> list[tuple[str, int]]:
    return [
        (form.cleaned_data["topic"], form.cleaned_data["status"])
        for form in formset.forms
        if form.cleaned_data.get("topic") and form.cleaned_data.get("status") is not None
    ]


class DefaultFlagMixin:
    """The "default" flag as a plain form field: the model's one-default constraint would refuse
    it at validation, while the service moves the flag from the previous default."""

    def _post_clean(self) -> None:
        super()._post_clean()
        if "is_default" in self.cleaned_data:
            self.instance.is_default = self.cleaned_data["is_default"]


class CampaignForm(DefaultFlagMixin, forms.ModelForm):
    is_default = forms.BooleanField(
        label=_("Default campaign"),
        required=False,
        help_text=_("Used for conversations that name no campaign (one per account)."),
    )

    class Meta:
        model = Campaign
        fields = ["name", "status", "skill", "goal"]
        field_classes = {"name": NameField}
        help_texts = {"skill": _("Conversations of this skill are credited to this campaign.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].empty_label = _("Any skill")
        self.fields["goal"].empty_label = _("Choose a goal")
        self.fields["is_default"].initial = self.instance.is_default

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if Campaign.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A campaign with this name already exists."))
        return name
