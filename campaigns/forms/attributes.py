"""The **Configure** form of one agent-reportable attribute (Transaction, Lead, Service activity).

The form carries its own draft: the ordered list of fields added to the widget travels in hidden
``added`` inputs, so "Add field to widget", "Remove" and the up/down buttons are plain submit
buttons (``action=add:topic``) that re-render the draft without saving, with or without htmx.
"""

from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.catalogue import AttributeDefinition, AttributeProperty
from campaigns.models import AttributeConfig, Skill
from campaigns.services.attributes import DISPLAY_NAME_MAX
from outcomes_site.names import NameField

DRAFT_ACTIONS = ("add", "remove", "up", "down")


@dataclass
class PropertyRow:
    prop: AttributeProperty
    added: bool
    display_name: forms.BoundField
    first: bool = False
    last: bool = False


class AttributeConfigForm(forms.Form):
    submit_by_agent = forms.BooleanField(
        label=_("Submit by agent"),
        required=False,
        widget=forms.CheckboxInput(attrs={"role": "switch", "class": "switch"}),
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Agents of these skills see this attribute in the Conversation summary."),
    )
    added = forms.MultipleChoiceField(required=False, widget=forms.MultipleHiddenInput)
    required_before_close = forms.BooleanField(
        label=_("Required before close"),
        required=False,
        help_text=_(
            "Agents must report at least one, or choose “No outcome”, before the conversation "
            "can close."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(
        self, *args, definition: AttributeDefinition, skills: list[Skill], **kwargs
    ) -> None:
        kwargs.setdefault("prefix", definition.type)
        super().__init__(*args, **kwargs)
        self.definition = definition
        self.skill_objects = {str(skill.pk): skill for skill in skills}
        self.fields["skills"].choices = [(str(skill.pk), skill.name) for skill in skills]
        self.fields["added"].choices = [(p.key, p.key) for p in definition.properties]
        for prop in definition.properties:
            self.fields[f"display_name_{prop.key}"] = NameField(
                label=_("Display name"),
                required=False,
                max_length=DISPLAY_NAME_MAX,
                error_messages={
                    "max_length": _("Keep the display name to 60 characters or fewer.")
                },
                widget=forms.TextInput(attrs={"placeholder": prop.label}),
            )

    @classmethod
    def initial_for(cls, config: AttributeConfig | None) -> dict:
        """The form's starting values from a saved configuration (or none)."""
        if config is None:
            return {"version": 0, "added": []}
        initial = {
            "submit_by_agent": config.submit_by_agent,
            "required_before_close": config.required_before_close,
            "skills": [str(skill.pk) for skill in config.skills.all()],
            "added": [field.property_key for field in config.fields.all()],
            "version": config.version,
        }
        for field in config.fields.all():
            initial[f"display_name_{field.property_key}"] = field.display_name
        return initial

    def added_keys(self) -> list[str]:
        """The fields added to the widget, in widget order (read leniently from a draft)."""
        known = [prop.key for prop in self.definition.properties]
        if self.is_bound:
            raw = self.data.getlist(self.add_prefix("added"))
        else:
            raw = self.initial.get("added", [])
        return [key for key in dict.fromkeys(raw) if key in known]

    def property_rows(self) -> list[PropertyRow]:
        """Added fields first, in widget order, then the properties not added yet."""
        added = self.added_keys()
        rest = [p.key for p in self.definition.properties if p.key not in added]
        rows = [
            PropertyRow(
                prop=self.definition.property(key),
                added=key in added,
                display_name=self[f"display_name_{key}"],
            )
            for key in [*added, *rest]
        ]
        if added:
            rows[0].first, rows[len(added) - 1].last = True, True
        return rows

    def draft(self, action: str) -> dict:
        """The posted values with one draft ``action`` applied ("add:topic", "up:value"...),
        as initial data for an unbound form: a draft shows no errors until **Save**."""
        verb, _sep, key = action.partition(":")
        keys = self.added_keys()
        if verb == "add" and key not in keys and key in dict(self.fields["added"].choices):
            keys.append(key)
        elif verb == "remove" and key in keys:
            keys.remove(key)
        elif verb in ("up", "down") and key in keys:
            index = keys.index(key)
            other = index - 1 if verb == "up" else index + 1
            if 0 <= other < len(keys):
                keys[index], keys[other] = keys[other], keys[index]
        initial = {
            "submit_by_agent": bool(self.data.get(self.add_prefix("submit_by_agent"))),
            "required_before_close": bool(self.data.get(self.add_prefix("required_before_close"))),
            "skills": self.data.getlist(self.add_prefix("skills")),
            "added": keys,
            "version": self.data.get(self.add_prefix("version")),
        }
        for prop in self.definition.properties:
            name = f"display_name_{prop.key}"
            initial[name] = self.data.get(self.add_prefix(name), "")
        return initial

    def focus_after(self, action: str) -> None:
        """After "Add field to widget", the new field's display name takes the focus."""
        verb, _sep, key = action.partition(":")
        name = f"display_name_{key}"
        if verb == "add" and name in self.fields:
            self.fields[name].widget.attrs["data-focus-after-swap"] = ""

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["added"] = self.added_keys()
        cleaned["skill_objects"] = [
            self.skill_objects[pk] for pk in cleaned.get("skills", []) if pk in self.skill_objects
        ]
        if not cleaned.get("submit_by_agent"):
            return cleaned
        if not cleaned["skill_objects"]:
            self.add_error("skills", _("Select at least one skill."))
        added = cleaned["added"]
        if not added:
            self.add_error("added", _("You must select at least one property"))
        for key in added:
            name = f"display_name_{key}"
            if name in cleaned and not cleaned[name]:
                self.add_error(name, _("Enter a display name."))
        return cleaned

    def widget_fields(self) -> list[tuple[str, str]]:
        """(property key, display name) in widget order, after validation."""
        return [(key, self.cleaned_data[f"display_name_{key}"]) for key in self.added_keys()]
