"""Forms for the People pages (users, skills, agent groups)."""

from django import forms
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from campaigns.forms.preferences import time_zone_field
from campaigns.models import AgentGroup, Skill, User
from campaigns.roles import ROLE_LABELS
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
        if self.instance.pk:
            self.fields["roles"].initial = list(self.instance.groups.all())
            self.fields["skills"].initial = list(self.instance.skills.all())
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

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
    managers = forms.ModelMultipleChoiceField(
        label=_("Managers"),
        queryset=User.objects.filter(groups__name="Agent manager", is_active=True).order_by(
            "username"
        ),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Agents"),
        queryset=User.objects.filter(groups__name="Agent", is_active=True).order_by("username"),
        widget=forms.CheckboxSelectMultiple,
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
