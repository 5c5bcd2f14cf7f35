"""Names people type (of people, skills, groups, campaigns, goals, surveys, questions, fields):
invisible bidirectional controls are removed before they are saved.

An override such as U+202E (RIGHT-TO-LEFT OVERRIDE) makes "Sales\u202egnp.exe" read as
"Salesexe.png" and can turn the text after a name around wherever it is shown; embeddings,
isolates and the direction marks are invisible too, so "Sales" and "Sales\u200f" would be two
skills that look the same. Removed: the embeddings and overrides (U+202A-U+202E), the isolates
(U+2066-U+2069) and the marks (U+200E LRM, U+200F RLM, U+061C ALM). Names keep their letters,
including right-to-left scripts; templates show them in ``<bdi>``, which isolates a name's
direction from the text around it without any control characters.
"""

from django import forms

EMBEDDINGS_AND_OVERRIDES = range(0x202A, 0x202F)
ISOLATES = range(0x2066, 0x206A)
MARKS = (0x200E, 0x200F, 0x061C)
BIDI_CONTROLS = frozenset(map(chr, [*EMBEDDINGS_AND_OVERRIDES, *ISOLATES, *MARKS]))
_REMOVE = str.maketrans(dict.fromkeys(BIDI_CONTROLS))


def strip_bidi_controls(text: str) -> str:
    """``text`` without bidirectional control characters."""
    return text.translate(_REMOVE)


class NameField(forms.CharField):
    """A ``CharField`` for names: bidirectional controls are removed before the usual stripping
    of surrounding spaces and the length check, so what is validated is what is saved.

    ModelForms use it through ``Meta.field_classes = {"name": NameField}``."""

    def to_python(self, value):
        if isinstance(value, str):
            value = strip_bidi_controls(value)
        return super().to_python(value)
