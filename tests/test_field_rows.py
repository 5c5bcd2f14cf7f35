"""``{% field_row %}`` writes the field markup the include template it replaced wrote."""

import re

import pytest
from django import forms
from django.template import Context, Template

# The template every form used before ``outcomes_site/field_rows.py`` (kept here as the reference).
INCLUDE_TEMPLATE = """
<div class="field{% if field.errors %} field--invalid{% endif %}{% if field.field.widget.input_type == 'checkbox' %} field--check{% endif %}">
  {% if field.field.widget.input_type == "checkbox" %}
    {{ field }}
    <label for="{{ field.id_for_label }}">{{ field.label }}</label>
  {% else %}
    <label for="{{ field.id_for_label }}">{{ field.label }}{% if field.field.required %} <span class="required" aria-hidden="true">*</span>{% endif %}</label>
    {{ field }}
  {% endif %}
  {% if field.help_text %}<p class="field__help" id="{{ field.auto_id }}_helptext">{{ field.help_text }}</p>{% endif %}
  {% if field.errors %}
  <ul class="field__errors" id="{{ field.auto_id }}_error">
    {% for error in field.errors %}<li>{{ error }}</li>{% endfor %}
  </ul>
  {% endif %}
</div>
"""  # noqa: E501
TRICKY = '<b>"Tom\'s" & co</b>'


class Sample(forms.Form):
    name = forms.CharField(label=TRICKY, max_length=5, help_text=f"Help {TRICKY}")
    agree = forms.BooleanField(label="I agree", required=True, help_text="Tick it")
    optional = forms.CharField(required=False)
    currency = forms.ChoiceField(choices=[("USD", "USD"), ("EUR", "EUR")])
    notes = forms.CharField(widget=forms.Textarea, required=False, max_length=3)


def _normal(html: str) -> str:
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": "far too long", "notes": "<script>", "currency": "XXX"}],
    ids=["unbound", "empty", "invalid"],
)
def test_each_field_renders_as_the_include_did(data):
    form = Sample(data)
    if data is not None:
        assert not form.is_valid()
    reference, tag = Template(INCLUDE_TEMPLATE), Template("{% field_row field %}")
    for field in form:
        expected = _normal(reference.render(Context({"field": field})))
        assert _normal(tag.render(Context({"field": field}))) == expected, field.name


def test_labels_help_and_errors_are_escaped_and_tied_to_the_input():
    form = Sample({"name": "far too long"})
    form.is_valid()
    html = Template("{% field_row form.name %}").render(Context({"form": form}))
    assert TRICKY not in html
    assert "&lt;b&gt;&quot;Tom&#x27;s&quot; &amp; co&lt;/b&gt;" in html
    assert 'class="field field--invalid"' in html
    assert 'aria-invalid="true" aria-describedby="id_name_helptext id_name_error"' in html
    assert '<ul class="field__errors" id="id_name_error"><li>' in html
