"""The Python widget renderer writes exactly the HTML of Django's own widget templates."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from outcomes_site.form_renderer import FastWidgetRenderer

TRICKY = '<b>"Tom\'s" & co</b>'
CHOICES = [("", "Choose"), ("USD", "USD"), ("a&b", TRICKY), (3, "Three")]
GROUPED = [("Europe", [("EUR", "Euro"), ("GBP", "Pound")]), ("USD", "Dollar")]


class Everything(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(min_value=1)
    email = forms.EmailField(required=False, help_text="Work address")
    password = forms.CharField(widget=forms.PasswordInput)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    agree = forms.BooleanField(required=False)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    currency = forms.ChoiceField(choices=CHOICES)
    region = forms.ChoiceField(choices=GROUPED, required=False)
    many = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    status = forms.TypedChoiceField(choices=CHOICES, coerce=str, disabled=True, required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect, required=False)


VALUES = [
    {},
    {
        "text": TRICKY,
        "hidden": mark_safe("&amp;safe"),  # a safe value is not escaped twice
        "number": "0",
        "email": "not an email",
        "password": "secret",
        "day": datetime.date(2026, 3, 1),
        "agree": "on",
        "notes": TRICKY + "\nline two",
        "currency": "a&b",
        "region": "GBP",
        "many": ["USD", "3"],
        "status": "USD",
        "radio": "3",
    },
]


@pytest.mark.parametrize("data", VALUES)
@pytest.mark.parametrize("bound", [False, True])
def test_each_widget_renders_as_django_renders_it(data, bound):
    def rendered(renderer):
        form = Everything(data if bound else None, initial=data, renderer=renderer)
        form.is_valid() if bound else None
        return {name: str(form[name]) for name in form.fields}

    expected, fast = rendered(DjangoTemplates()), rendered(FastWidgetRenderer())
    for name in Everything.base_fields:
        assert fast[name] == expected[name], name


def test_only_other_widgets_reach_the_template_engine(monkeypatch):
    engine_rendered = []
    original = DjangoTemplates.render

    def spy(self, template_name, context, request=None):
        engine_rendered.append(template_name)
        return original(self, template_name, context, request)

    monkeypatch.setattr(DjangoTemplates, "render", spy)
    form = Everything(VALUES[1], renderer=FastWidgetRenderer())
    for name in form.fields:
        str(form[name])
    assert set(engine_rendered) == {"django/forms/widgets/radio.html"}
