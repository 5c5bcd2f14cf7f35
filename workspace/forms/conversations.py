"""Closing and transferring a conversation from the workspace."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import Skill, User
from workspace.models import Conversation


class CloseForm(forms.Form):
    """``confirm`` is set by the second step when required survey questions are unanswered."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class TransferForm(forms.Form):
    agent = forms.ModelChoiceField(
        label=_("Transfer to agent"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Keep the current agent"),
    )
    skill = forms.ModelChoiceField(
        label=_("Transfer to skill"),
        queryset=Skill.objects.all(),
        required=False,
        empty_label=_("Keep the current skill"),
    )

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.conversation = conversation
        agents = User.objects.agents().exclude(pk=conversation.agent_id).distinct()
        self.fields["agent"].queryset = agents.order_by("first_name", "last_name", "username")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        agent, skill = cleaned.get("agent"), cleaned.get("skill")
        if agent is None and (skill is None or skill.pk == self.conversation.skill_id):
            raise ValidationError(_("Choose another agent or another skill."), code="same")
        return cleaned
