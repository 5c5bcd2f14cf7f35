"""``{% field_row form.x %}``: a labelled form field with its help and errors tied to it.

A template builtin (no ``{% load %}``), written in Python because the Conversation summary widget
renders a dozen fields per request and an ``{% include %}`` per field was a third of the widget's
render time (bench/README.md). The markup is the one every form in the product uses:

    <div class="field [field--invalid] [field--check]">
      <label for="id">Label <span class="required" aria-hidden="true">*</span></label>
      <input ...>                       (a checkbox comes before its label)
      <p class="field__help" id="id_helptext">Help</p>
      <ul class="field__errors" id="id_error"><li>Error</li></ul>
    </div>

The widget itself carries ``aria-describedby`` for the help and error ids (Django's BoundField).
"""

from django.forms import BoundField
from django.template import Library
from django.utils.safestring import SafeString, mark_safe

from outcomes_site.form_renderer import conditional_escape

register = Library()


@register.simple_tag
def field_row(field: BoundField) -> SafeString:
    checkbox = getattr(field.field.widget, "input_type", None) == "checkbox"
    errors = field.errors
    classes = "field"
    if errors:
        classes += " field--invalid"
    if checkbox:
        classes += " field--check"
    label_for, label = conditional_escape(field.id_for_label), conditional_escape(field.label)
    if checkbox:
        parts = [f"{field}", f'<label for="{label_for}">{label}</label>']
    else:
        required = ""
        if field.field.required:
            required = ' <span class="required" aria-hidden="true">*</span>'
        parts = [f'<label for="{label_for}">{label}{required}</label>', f"{field}"]
    auto_id = conditional_escape(field.auto_id)
    if field.help_text:
        help_text = conditional_escape(field.help_text)
        parts.append(f'<p class="field__help" id="{auto_id}_helptext">{help_text}</p>')
    if errors:
        items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
        parts.append(f'<ul class="field__errors" id="{auto_id}_error">{items}</ul>')
    body = "\n".join(parts)
    # bandit: every value above is escaped, or is a widget Django rendered and escaped itself.
    return mark_safe(f'<div class="{classes}">\n{body}\n</div>')  # noqa: S308  # nosec B308 B703
