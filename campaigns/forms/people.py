"""Forms for the People pages (users, skills, agent groups)."""

from django import forms
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from campaigns.forms.preferences import time_zone_field
from campaigns.models import AgentGroup, Skill, User
from campaigns.roles import ROLE_LABELS
from campaigns.sso.forms import LockedOptionsWidget, people_choices_lock
from campaigns.sso.selectors import sso_managed_user_ids
from campaigns.sso.services import break_glass_keeper_id, break_glass_refusals
from outcomes_site.names import NameField


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Group) -> str:
        return str(ROLE_LABELS.get(obj.name, obj.name))


class UserForm(forms.ModelForm):
    roles = RoleChoiceField(
        label=_("Roles"),
        queryset=Group.objects.filter(name__in=ROLE_LABELS).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    skills = forms.ModelMultipleChoiceField(
        label=_("Skills"),
        queryset=Skill.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = User
        fields = [
            "username",
            "first_name",
            "last_name",
            "email",
            "agent_group",
            "is_active",
            "time_zone",
            "number_format",
        ]
        field_classes = {"username": NameField, "first_name": NameField, "last_name": NameField}
        labels = {"is_active": _("Active (may sign in)")}
        widgets = {"number_format": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"] = time_zone_field()
        self.fields["number_format"].required = False  # not sent: keep the person's own
        if self.instance.pk and self.instance.pk == break_glass_keeper_id():
            self.fields["is_active"].help_text = _(
                "The break-glass admin stays active and an admin while password sign-in is off."
            )
        if self.instance.pk:
            # Role groups only: a disabled (single sign-on) field cleans its initial value.
            self.fields["roles"].initial = list(self.instance.groups.filter(name__in=ROLE_LABELS))
            self.fields["skills"].initial = list(self.instance.skills.all())
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

    def clean(self) -> dict:
        data = super().clean()
        refusals = break_glass_refusals(
            user=self.instance,
            is_active=data.get("is_active", False),
            roles=list(data.get("roles", [])),
        )
        for name, message in refusals.items():
            if name in data:  # a field that failed its own checks already shows why
                self.add_error(name, message)
        return data

    def clean_number_format(self) -> str:
        return self.cleaned_data.get("number_format") or self.instance.number_format

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if password:
            validate_password(password, self.instance)
        return password


class SkillForm(forms.ModelForm):
    class Meta:
        model = Skill
        fields = ["name", "survey_timeout_minutes"]
        field_classes = {"name": NameField}


class GroupForm(forms.ModelForm):
    """People who sign in through a provider are listed read-only: their agent group and the
    groups they manage come from the provider's groups."""

    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"),
        queryset=User.objects.filter(groups__name="Agent manager", is_active=True).order_by(
            "username"
        ),
        widget=LockedOptionsWidget,
        required=False,
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Agents"),
        queryset=User.objects.filter(groups__name="Agent", is_active=True).order_by("username"),
        widget=LockedOptionsWidget,
        required=False,
    )

    class Meta:
        model = AgentGroup
        fields = ["name"]
        field_classes = {"name": NameField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["managers"].initial = list(self.instance.managers.all())
            self.fields["members"].initial = list(self.instance.members.all())
        self.sso_locked = frozenset(sso_managed_user_ids())
        for name in ("managers", "members"):
            self.fields[name].widget.locked = self.sso_locked
            if self.sso_locked:
                self.fields[name].help_text = _(
                    "Greyed out: people who sign in through single sign-on. Their groups come "
                    "from the identity provider and change at their next sign-in."
                )

    def clean_managers(self) -> list[User]:
        current = self.fields["managers"].initial or []
        return people_choices_lock(self, "managers", current)

    def clean_members(self) -> list[User]:
        current = self.fields["members"].initial or []
        return people_choices_lock(self, "members", current)
