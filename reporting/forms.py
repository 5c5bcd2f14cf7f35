"""Report filters and the target form. Forms validate and clean; the selectors decide."""

from datetime import date, datetime, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import ServiceStatus
from campaigns.models import AccountSettings, AgentGroup, Campaign, Goal, GoalType, Skill, User
from campaigns.models.people import NumberFormat
from campaigns.money import currency_choices, format_amount, parse_money, validate_currency
from reporting.filter_fields import NOT_A_CHOICE, ReportDateField, TimeZoneField
from reporting.filters import (
    NONE,
    NONE_PARAM,
    Breakdown,
    ReportFilters,
    Scope,
    Source,
    account_time_zone_key,
    time_zone_for,
    time_zone_key,
)
from reporting.models import Target
from reporting.selectors.context import ReportContext, account_report_settings
from reporting.selectors.events import Drill, Measure

MAX_DAYS = 400


class OrNoneChoiceField(forms.ModelChoiceField):
    """A model choice that also accepts "none": rows without one (see ``filters.NONE``)."""

    def to_python(self, value):
        if value == NONE_PARAM:
            return NONE_PARAM
        return super().to_python(value)

    def validate(self, value):
        if value != NONE_PARAM:
            super().validate(value)

    def offer_none(self, label) -> None:
        """List "none" as a choice, after "all" (one query, as rendering the list would)."""
        self.choices = [
            ("", self.empty_label),
            (NONE_PARAM, label),
            *((obj.pk, str(obj)) for obj in self.queryset),
        ]


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return obj.display_name


class ReportFilterForm(forms.Form):
    """The filters of SPEC section 7, read from the URL (GET), so that a report is shareable."""

    start = ReportDateField(
        label=_("From"), required=False, widget=forms.DateInput({"type": "date"})
    )
    end = ReportDateField(label=_("To"), required=False, widget=forms.DateInput({"type": "date"}))
    tz = TimeZoneField(
        label=_("Time zone"),
        required=False,
        help_text=_("UTC, an offset such as +05:30, or a zone such as Europe/Paris."),
    )
    skill = OrNoneChoiceField(
        Skill.objects.order_by("name"),
        label=_("Skill"),
        required=False,
        empty_label=_("All skills"),
    )
    group = forms.ModelChoiceField(
        AgentGroup.objects.none(),
        label=_("Agent group"),
        required=False,
        empty_label=_("All groups"),
    )
    agent = AgentChoiceField(
        User.objects.none(), label=_("Agent"), required=False, empty_label=_("All agents")
    )
    campaign = OrNoneChoiceField(
        Campaign.objects.order_by("name"),
        label=_("Campaign"),
        required=False,
        empty_label=_("All campaigns"),
    )
    goal = OrNoneChoiceField(
        Goal.objects.order_by("name"), label=_("Goal"), required=False, widget=forms.HiddenInput
    )
    goal_type = forms.ChoiceField(
        label=_("Goal type"),
        required=False,
        choices=[("", _("All goal types")), *GoalType.choices],
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=Source.CHOICES)
    by = forms.ChoiceField(label=_("Rows"), required=False, choices=Breakdown.CHOICES)

    def __init__(
        self,
        data,
        *,
        scope: Scope,
        account_tz_key: str,
        own: bool = False,
        exclude: tuple[str, ...] = (),
    ):
        super().__init__(self._with_default_dates(data, account_tz_key))
        self.scope = scope
        self.fields["group"].queryset = scope.groups()
        self.fields["agent"].queryset = scope.agents()
        self.fields["tz"].widget.attrs["placeholder"] = _("Account time zone (%(zone)s)") % {
            "zone": account_tz_key
        }
        self.account_tz_key = account_tz_key
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):  # model choices too
                field.error_messages["invalid_choice"] = NOT_A_CHOICE
        self.fields["skill"].offer_none(_("No skill"))
        self.fields["campaign"].offer_none(_("No campaign"))
        dropped = set(exclude) | ({"group", "agent", "by"} if own else set())
        for name in dropped:
            self.fields.pop(name, None)

    @staticmethod
    def _with_default_dates(data, account_tz_key: str):
        """Show the dates a report covers even when the URL names none (the last 30 days)."""
        data = data.copy() if data is not None else QueryDict(mutable=True)
        if data.get("start") or data.get("end"):
            return data
        try:
            tz = time_zone_for(time_zone_key(data.get("tz") or account_tz_key))
        except ValueError:  # the field says why; the defaults are the account zone's
            tz = time_zone_for(account_tz_key)
        default = ReportFilters.default(today=timezone.localdate(timezone=tz))
        data["start"], data["end"] = default.start.isoformat(), default.end.isoformat()
        return data

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end date must be on or after the start date."))
        elif start and end and (end - start).days >= MAX_DAYS:
            self.add_error(
                "end", _("Choose a period of at most %(days)d days.") % {"days": MAX_DAYS}
            )
        return cleaned

    def problems(self) -> list[tuple[str, str, str]]:
        return form_problems(self)

    def filters(self, *, today: date | None = None) -> ReportFilters:
        """The filters asked for. On invalid input, the default filters: a page then shows the
        errors beside their fields and says the filters were not applied; an export refuses."""
        data = self.cleaned_data if self.is_valid() else {}
        tz_key = data.get("tz") or self.account_tz_key
        today = today or timezone.localdate(timezone=time_zone_for(tz_key))
        default = ReportFilters.default(today=today, tz_key=tz_key)
        start = data.get("start") or (
            data["end"] - timedelta(days=29) if data.get("end") else default.start
        )
        end = data.get("end") or max(start, default.end)

        def pk(name: str) -> int | None:
            value = data.get(name)
            if value == NONE_PARAM:
                return NONE
            return value.pk if value else None

        return ReportFilters(
            start=start,
            end=end,
            tz=time_zone_for(tz_key),
            tz_key=tz_key,
            tz_is_default=not data.get("tz"),
            skill_id=pk("skill"),
            group_id=pk("group"),
            agent_id=pk("agent"),
            campaign_id=pk("campaign"),
            goal_id=pk("goal"),
            goal_type=data.get("goal_type") or "",
            source=data.get("source") or "",
            by=data.get("by") or "",
        )


def form_problems(form: forms.Form) -> list[tuple[str, str, str]]:
    """``(parameter, label, message)`` for each invalid value of a bound form: what a page lists
    beside its filters and what an export answers with (400)."""
    found = []
    for name, errors in form.errors.items():
        label = str(form.fields[name].label or name) if name in form.fields else ""
        found += [(name, label, str(message)) for message in errors]
    return found


class DrillForm(forms.Form):
    """Which number a drill-down shows, on top of the filters."""

    measure = forms.ChoiceField(
        label=_("Number"),
        required=False,
        choices=[("", ""), *((k, k) for k in Measure.SQL)],
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)
    status = forms.TypedChoiceField(
        label=_("Service status"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", ""), *ServiceStatus.choices],
        error_messages={"invalid_choice": NOT_A_CHOICE},
    )
    unattributed = forms.BooleanField(label=_("Unattributed"), required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)

    def clean_currency(self) -> str:
        currency = self.cleaned_data["currency"]
        return validate_currency(currency) if currency else ""

    def drill(self) -> Drill:
        """The number asked for; an invalid part is left out (exports refuse it instead)."""
        self.is_valid()
        data = self.cleaned_data
        return Drill(
            measure=data.get("measure") or "",
            currency=(data.get("currency") or "").upper(),
            status=data.get("status"),
            unattributed=bool(data.get("unattributed")),
        )

    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("page") or 1


def report_context(
    user: User, data, *, now: datetime, own: bool = False, exclude: tuple[str, ...] = ()
) -> tuple[ReportContext, ReportFilterForm, AccountSettings]:
    """Scope, filters and account settings for one report request (views and export tasks).
    ``exclude`` leaves out filters that do not apply to a report."""
    account, periods = account_report_settings()
    scope = Scope.own(user) if own else Scope.for_reports(user)
    form = ReportFilterForm(
        data,
        scope=scope,
        account_tz_key=account_time_zone_key(account),
        own=own,
        exclude=exclude,
    )
    context = ReportContext(
        filters=form.filters(),
        scope=scope,
        periods=periods,
        default_currency=account.default_currency,
        now=now,
        account_tz_key=account_time_zone_key(account),
    )
    return context, form, account


class TargetForm(forms.Form):
    """A monthly target for an agent or a group in the person's scope."""

    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput({"type": "month"}, "%Y-%m"),
    )
    who = forms.ChoiceField(label=_("Agent or group"))
    goal_type = forms.ChoiceField(label=_("Goal type"), choices=GoalType.choices)
    count_target = forms.DecimalField(
        label=_("Count"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    value_target = forms.CharField(label=_("Value"), required=False, max_length=20, strip=False)
    currency = forms.ChoiceField(label=_("Currency"), required=False, choices=currency_choices)

    def __init__(
        self,
        *args,
        scope: Scope,
        default_currency: str,
        number_format: str = NumberFormat.POINT,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.number_format = number_format  # the person's: "1.234,50" for a comma writer
        groups = [(f"group:{g.pk}", str(g)) for g in scope.groups()]
        agents = [(f"agent:{a.pk}", a.display_name) for a in scope.agents()]
        self.fields["who"].choices = [
            (_("Agent groups"), groups),
            (_("Agents"), agents),
        ]
        self.fields["currency"].initial = default_currency

    def clean_month(self) -> date:
        return self.cleaned_data["month"].replace(day=1)

    def clean(self):
        cleaned = super().clean()
        goal_type, raw_value = cleaned.get("goal_type"), cleaned.get("value_target")
        currency = cleaned.get("currency") or ""
        value = None
        if raw_value:
            if goal_type not in (GoalType.SELL, GoalType.LEADS):
                self.add_error("value_target", _("Only selling and leads targets have a value."))
            else:
                try:
                    currency = validate_currency(currency)
                    value = parse_money(raw_value, currency, number_format=self.number_format)
                except ValidationError as error:
                    self.add_error("value_target", error)
        if cleaned.get("count_target") is None and value is None and not self.errors:
            raise ValidationError(_("Set a count, a value or both."))
        cleaned["value"] = value
        cleaned["currency"] = currency if value is not None else ""
        return cleaned

    def target_fields(self) -> dict:
        kind, pk = self.cleaned_data["who"].split(":")
        return {
            "month": self.cleaned_data["month"],
            "agent_id": int(pk) if kind == "agent" else None,
            "group_id": int(pk) if kind == "group" else None,
            "goal_type": self.cleaned_data["goal_type"],
            "count_target": self.cleaned_data.get("count_target"),
            "value_target": self.cleaned_data["value"],
            "currency": self.cleaned_data["currency"],
        }

    @classmethod
    def for_target(cls, target: Target, **kwargs) -> "TargetForm":
        who = f"agent:{target.agent_id}" if target.agent_id else f"group:{target.group_id}"
        initial = {
            "month": target.month,
            "who": who,
            "goal_type": target.goal_type,
            "count_target": target.count_target,
            "value_target": format_amount(
                target.value_target, kwargs.get("number_format", NumberFormat.POINT)
            ),
            "currency": target.currency,
        }
        return cls(initial=initial, **kwargs)
