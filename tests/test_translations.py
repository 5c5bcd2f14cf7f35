"""Every user-facing string in our templates is marked for translation.

Walks the compiled templates' text nodes: once tags, comments and entities are removed, no
letters may remain, and user-facing attributes (aria-label, placeholder, title, alt) must come
from a translation tag, not a literal.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
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
