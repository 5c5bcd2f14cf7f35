"""The audit log in plain words: "Carmen Campos turned on Submit by agent for Lead".

Entries are written by ``campaigns.services.audit.audit_record`` with a dotted action
("attribute_config.update"), the object's model label and a before/after picture; they are
described here when read, so entries written before a wording changed read as well as new ones.
An action this module does not know still reads as a sentence ("… changed …"), never as a code.
"""

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import AuditEntry

SIGN_IN_PREFIX = "auth."

# Verbs by the last part of the action, with format_html placeholders: who (the person or "The
# system") and what (the kind of object and its name): "Carmen Campos deleted the goal Upsell".
VERBS = {
    "create": gettext_lazy("{who} created {what}"),
    "delete": gettext_lazy("{who} deleted {what}"),
    "activate": gettext_lazy("{who} turned on {what}"),
    "deactivate": gettext_lazy("{who} turned off {what}"),
    "revoke": gettext_lazy("{who} revoked {what}"),
    "reorder": gettext_lazy("{who} reordered the questions of {what}"),
    "submit": gettext_lazy("{who} answered {what}"),
    "resubmit": gettext_lazy("{who} answered {what} again"),
    "dismiss": gettext_lazy("{who} dismissed {what}"),
    "close": gettext_lazy("{who} closed {what}"),
    "transfer": gettext_lazy("{who} transferred {what}"),
    "erase": gettext_lazy("{who} erased {what}"),
    "purge": gettext_lazy("{who} deleted old data under the retention policy"),
    "correct": gettext_lazy("{who} corrected {what}"),
    "amend": gettext_lazy("{who} amended {what}"),
    "retract": gettext_lazy("{who} retracted {what}"),
    "no_outcome": gettext_lazy("{who} chose “No outcome” on {what}"),
    "preferences": gettext_lazy("{who} changed the preferences of {what}"),
}
CHANGED = gettext_lazy("{who} changed {what}")
# Outcomes are written as "outcome.create" (reported), unlike configuration's "create".
ACTION_VERBS = {"outcome.create": gettext_lazy("{who} reported {what}")}
SIGN_INS = {
    "auth.sign_in": gettext_lazy("{who} signed in"),
    "auth.sign_out": gettext_lazy("{who} signed out"),
    "auth.sign_in_failed": gettext_lazy("A sign-in as “{name}” failed"),
    "auth.lockout": gettext_lazy("Sign-ins as “{name}” were locked after repeated failures"),
}
# Object kinds by model label, where the model's own name is not what a person calls it.
NOUNS = {
    "campaigns.AttributeConfig": "",  # its name says it: "Lead", "Transaction"
    "campaigns.AccountSettings": gettext_lazy("the account settings"),
    "campaigns.User": gettext_lazy("the person"),
    "campaigns.AgentGroup": gettext_lazy("the agent group"),
    "workspace.EngagementAttributeEvent": gettext_lazy("an outcome on"),
    "workspace.SurveyResponse": gettext_lazy("the agent survey of"),
}
# Keys of the before/after pictures that are not model fields (or read better renamed).
FIELD_LABELS = {
    "groups": gettext_lazy("roles"),
    "fields": gettext_lazy("fields"),
    "skills": gettext_lazy("skills"),
    "way": gettext_lazy("way"),
    "missing_outcomes": gettext_lazy("missing outcomes"),
    "address": gettext_lazy("address"),
}


@dataclass
class Description:
    """One entry in words: the ``sentence``, and a line per changed value when there are several."""

    sentence: SafeString
    changes: list[SafeString] = field(default_factory=list)


def is_sign_in(action: str) -> bool:
    return action.startswith(SIGN_IN_PREFIX)


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def field_label(object_type: str, name: str) -> str:
    """A field's name as the product's forms call it ("Submit by agent", "display name")."""
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    model = _model(object_type)
    if model is not None:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            pass
    return name.replace("_", " ")


def _choice_label(object_type: str, name: str, value: Any) -> Any:
    """A stored choice as its label ("single" -> "Single choice")."""
    model = _model(object_type)
    if model is None or isinstance(value, (list, bool)) or value in (None, ""):
        return value
    try:
        choices = dict(model._meta.get_field(name).flatchoices or ())
    except (FieldDoesNotExist, AttributeError, TypeError):
        return value
    return choices.get(value, value)


def shown(value: Any) -> str:
    if value is True:
        return _("on")
    if value is False:
        return _("off")
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or _("none")
    if value in (None, ""):
        return _("empty")
    return str(value)


def _what(entry: AuditEntry) -> SafeString:
    noun = NOUNS.get(entry.object_type)
    if noun is None:
        model = _model(entry.object_type)
        name = model._meta.verbose_name if model is not None else entry.object_type.split(".")[-1]
        noun = _("the {kind}").format(kind=name)
    if not entry.object_repr:
        return format_html("{}", noun)
    if not noun:
        return format_html('<bdi class="audit__object">{}</bdi>', entry.object_repr)
    return format_html('{} <bdi class="audit__object">{}</bdi>', noun, entry.object_repr)


def _who(entry: AuditEntry) -> SafeString:
    """The actor, isolated so a right-to-left name does not reorder the sentence."""
    if entry.actor is None:
        return format_html("{}", _("The system"))
    return format_html("<bdi>{}</bdi>", entry.actor.display_name)


def _changed_values(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    before, after = entry.before or {}, entry.after or {}
    names = list(dict.fromkeys([*before, *after]))
    both = entry.before is not None and entry.after is not None
    return [
        (name, before.get(name), after.get(name))
        for name in names
        if not both or before.get(name) != after.get(name)
    ]


def _change_line(entry: AuditEntry, name: str, old: Any, new: Any) -> SafeString:
    """One changed value, as a clause: "turned on Submit by agent", "name: Upsell"."""
    label = field_label(entry.object_type, name)
    old, new = (_choice_label(entry.object_type, name, value) for value in (old, new))
    if entry.before is None:
        return format_html(_("{label}: <ins>{new}</ins>"), label=capfirst(label), new=shown(new))
    if entry.after is None:
        return format_html(_("{label} was <del>{old}</del>"), label=capfirst(label), old=shown(old))
    if isinstance(old, bool) and isinstance(new, bool):
        text = _("turned on {label}") if new else _("turned off {label}")
        return format_html(text, label=capfirst(label))
    return format_html(
        _("changed the {label} from <del>{old}</del> to <ins>{new}</ins>"),
        label=label,
        old=shown(old),
        new=shown(new),
    )


def _one_change(entry: AuditEntry, who: str, what: SafeString, change) -> SafeString:
    """An update of one value reads as one sentence: "… turned on Submit by agent for Lead",
    "… changed the display name of Sales goal from Old to New"."""
    name, old, new = change
    label = field_label(entry.object_type, name)
    old, new = (_choice_label(entry.object_type, name, value) for value in (old, new))
    if isinstance(old, bool) and isinstance(new, bool):
        text = (
            _("{who} turned on {label} for {what}")
            if new
            else _("{who} turned off {label} for {what}")
        )
        return format_html(text, who=who, label=capfirst(label), what=what)
    return format_html(
        _("{who} changed the {label} of {what} from <del>{old}</del> to <ins>{new}</ins>"),
        who=who,
        label=label,
        what=what,
        old=shown(old),
        new=shown(new),
    )


def describe(entry: AuditEntry) -> Description:
    """``entry`` in words, for the audit log page."""
    who = _who(entry)
    if is_sign_in(entry.action):
        name = (entry.after or {}).get("username", "") or entry.object_repr
        template = SIGN_INS.get(entry.action, gettext_lazy("{who}: a sign-in event"))
        return Description(format_html(str(template), who=who, name=name))
    changes = _changed_values(entry)
    verb = entry.action.rpartition(".")[2]
    what = _what(entry)
    if verb in ("update", "save") and len(changes) == 1 and entry.before and entry.after:
        return Description(_one_change(entry, who, what, changes[0]))
    template = ACTION_VERBS.get(entry.action) or VERBS.get(verb, CHANGED)
    lines = [_change_line(entry, *change) for change in changes]
    return Description(format_html(str(template), who=who, what=what), lines)


def object_type_label(object_type: str) -> str:
    """A model label as a person calls it, for the filter: "Agent survey", not "AgentSurvey"."""
    model = _model(object_type)
    name = model._meta.verbose_name if model is not None else object_type.split(".")[-1]
    return capfirst(str(name))


def action_label(action: str) -> str:
    """An action for the filter: "Survey question: deleted", "Sign-in"."""
    if is_sign_in(action):
        return str(SIGN_IN_LABELS.get(action, action.partition(".")[2].replace("_", " ")))
    kind, _dot, verb = action.rpartition(".")
    done = VERB_WORDS.get(verb) or verb.replace("_", " ")
    return f"{capfirst(kind.replace('_', ' '))}: {done}"


VERB_WORDS = {
    "create": gettext_lazy("created"),
    "update": gettext_lazy("changed"),
    "save": gettext_lazy("changed"),
    "delete": gettext_lazy("deleted"),
    "activate": gettext_lazy("turned on"),
    "deactivate": gettext_lazy("turned off"),
    "revoke": gettext_lazy("revoked"),
    "reorder": gettext_lazy("reordered"),
    "submit": gettext_lazy("answered"),
    "resubmit": gettext_lazy("answered again"),
    "dismiss": gettext_lazy("dismissed"),
    "close": gettext_lazy("closed"),
    "transfer": gettext_lazy("transferred"),
    "erase": gettext_lazy("erased"),
    "purge": gettext_lazy("purged"),
    "correct": gettext_lazy("corrected"),
    "amend": gettext_lazy("amended"),
    "retract": gettext_lazy("retracted"),
    "no_outcome": gettext_lazy("“No outcome” chosen"),
    "preferences": gettext_lazy("preferences changed"),
}
SIGN_IN_LABELS = {
    "auth.sign_in": gettext_lazy("Sign-in"),
    "auth.sign_out": gettext_lazy("Sign-out"),
    "auth.sign_in_failed": gettext_lazy("Failed sign-in"),
    "auth.lockout": gettext_lazy("Lockout"),
}
