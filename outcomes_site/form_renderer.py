"""A form renderer that writes the common widgets in Python instead of a template per widget.

Django renders every widget through its template engine: an ``<input>`` is three template
renders (``text.html``, ``input.html``, ``attrs.html``) and a select of 24 currencies is about
fifty. The outcome widget renders several such forms per request, and that was most of its time
(bench/README.md). This renderer produces exactly the HTML of Django's own templates for inputs,
textareas and selects (``tests/test_form_renderer.py`` compares them) and hands every other
template to Django, so a project template that overrides one of these still works: name it in
``TEMPLATE_OVERRIDES`` and it is rendered by the engine.
"""

import html
from collections.abc import Callable
from functools import lru_cache

from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = {
    f"{WIDGETS}{name}.html"
    for name in (
        "text", "hidden", "number", "email", "url", "password", "date", "datetime", "time",
        "search", "tel", "color", "checkbox", "input",
    )
}  # fmt: skip
TEMPLATE_OVERRIDES: set[str] = set()


def conditional_escape(value) -> str:
    """Django's ``conditional_escape`` without its lazy-argument wrapper, which cost more than
    the escaping itself at a few hundred calls per select."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


_text = conditional_escape  # ``{{ value|stringformat:'s' }}`` under autoescaping


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html``."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )


def _textarea(widget: dict) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{value}</textarea>"
    )


def _option(option: dict) -> str:
    value, label, attrs = option["value"], option["label"], option["attrs"]
    if type(value) is str and type(label) is str and (not attrs or attrs == {"selected": True}):
        return _plain_option(value, label, bool(attrs))  # nearly every option: remembered
    return f'<option value="{_text(value)}"{_attrs(attrs)}>{conditional_escape(label)}</option>'


@lru_cache(maxsize=4096)
def _plain_option(value: str, label: str, selected: bool) -> str:
    """A plain option (a currency select has 24 of them, the same in every form)."""
    selected_attr = " selected" if selected else ""
    return f'<option value="{html.escape(value)}"{selected_attr}>{html.escape(label)}</option>'


def _select(widget: dict) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _writer(template_name: str, widget: dict) -> Callable[[dict], str] | None:
    if template_name in TEMPLATE_OVERRIDES:
        return None
    if template_name in INPUT_TEMPLATES:
        return _input
    if template_name == f"{WIDGETS}textarea.html":
        return _textarea
    if template_name == f"{WIDGETS}select.html" and all(
        option.get("template_name") == f"{WIDGETS}select_option.html"
        for _name, options, _index in widget.get("optgroups", ())
        for option in options
    ):
        return _select
    return None


class FastWidgetRenderer(DjangoTemplates):
    """``FORM_RENDERER``: Django's renderer, with the common widgets written in Python."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        writer = _writer(template_name, widget) if isinstance(widget, dict) else None
        if writer is None:
            return super().render(template_name, context, request=request)
        # bandit: Every value is escaped before it is joined (see the writers above).
        return mark_safe(writer(widget).strip())  # noqa: S308 (every value is escaped above)  # nosec B308 B703
