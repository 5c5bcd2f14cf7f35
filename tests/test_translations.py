"""Every user-facing string in our templates and Python code is marked for translation.

Walks the compiled templates' text nodes: once tags, comments and entities are removed, no
letters may remain, and user-facing attributes (aria-label, placeholder, title, alt) must come
from a translation tag, not a literal. In Python, flash messages, validation errors and form and
model labels must not be bare string literals (wrap them in gettext).
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# App templates, and those of apps nested in a package (workspace/platforms, campaigns/sso).
TEMPLATE_DIRS = [
    ROOT / "templates",
    *sorted(ROOT.glob("*/templates")),
    *sorted(d for d in ROOT.glob("*/*/templates") if not d.parts[len(ROOT.parts)].startswith(".")),
]
TRANSLATED_BLOCK = re.compile(r"{%\s*(blocktranslate|blocktrans|comment)\b.*?{%\s*end\1\s*%}", re.S)
# Blocks whose content is markup, not language (a body class name).
MARKUP_BLOCK = re.compile(r"{%\s*block body_class\s*%}.*?{%\s*endblock\s*%}", re.S)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
LITERAL_ATTRIBUTE = re.compile(r'\b(aria-label|placeholder|title|alt)="([^"]*)"')


def _templates() -> list[Path]:
    return sorted(p for d in TEMPLATE_DIRS for p in d.rglob("*.html"))


def _untranslated(path: Path) -> list[str]:
    """Literal words left once translated blocks, template syntax, tags and entities are gone."""
    source = MARKUP_BLOCK.sub(" ", TRANSLATED_BLOCK.sub(" ", path.read_text()))
    problems = [
        f'{name}="{value}"'
        for name, value in LITERAL_ATTRIBUTE.findall(source)
        if re.search(r"[A-Za-z]", TEMPLATE_SYNTAX.sub("", value))
    ]
    text = ENTITY.sub(" ", TAG.sub(" ", TEMPLATE_SYNTAX.sub(" ", source)))
    problems += [word for word in text.split() if re.search(r"[A-Za-z]", word)]
    return problems


@pytest.mark.parametrize("path", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_template_strings_are_marked_for_translation(path):
    assert _untranslated(path) == []


def test_the_check_catches_a_literal_string(tmp_path):
    sample = tmp_path / "sample.html"
    sample.write_text('<p>Hello</p><button aria-label="Close">{% translate "x" %}</button>')
    assert _untranslated(sample) == ['aria-label="Close"', "Hello"]


# Python: messages shown to people (flash messages, validation errors, form and model labels).
PYTHON_APPS = ["campaigns", "workspace", "reporting", "outcomes_site"]
MESSAGE_LEVELS = {"success", "error", "warning", "info", "debug"}
LABEL_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}


def _python_modules() -> list[Path]:
    # Management commands talk to operators on a terminal, in English.
    return sorted(
        path
        for app in PYTHON_APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and "management" not in path.parts
    )


def _is_literal_text(node: ast.expr) -> bool:
    if isinstance(node, ast.JoinedStr):
        return True
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and bool(re.search(r"[A-Za-z]", node.value))
    )


def _shown_texts(call: ast.Call) -> list[ast.expr]:
    """The arguments of ``call`` that people read: a flash message, a validation error, a label."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    owner = getattr(getattr(func, "value", None), "id", "")
    texts = [keyword.value for keyword in call.keywords if keyword.arg in LABEL_KEYWORDS]
    if owner == "messages" and name in MESSAGE_LEVELS and len(call.args) > 1:
        texts.append(call.args[1])
    if name == "ValidationError" and call.args:
        texts.append(call.args[0])
    if name == "add_error" and len(call.args) > 1:
        texts.append(call.args[1])
    return texts


def _untranslated_python(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [
        f"line {text.lineno}: {ast.unparse(text)}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for text in _shown_texts(node)
        if _is_literal_text(text)
    ]


@pytest.mark.parametrize("path", _python_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_python_messages_are_marked_for_translation(path):
    assert _untranslated_python(path) == []


def test_the_python_check_catches_literal_messages(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "messages.success(request, 'Saved.')\n"
        "messages.success(request, _('Saved.'))\n"
        "raise ValidationError(f'Bad {value}')\n"
        "field = forms.CharField(label='Name', help_text=_('Shown'))\n"
        "form.add_error('name', 'Taken')\n"
    )
    assert _untranslated_python(sample) == [
        "line 1: 'Saved.'",
        "line 3: f'Bad {value}'",
        "line 4: 'Name'",
        "line 5: 'Taken'",
    ]
