"""attribute_config_save: the rules hold for every caller, not only the form."""

import pytest
from django.core.exceptions import ValidationError

from campaigns.models import AttributeConfig
from campaigns.services.attributes import ConfigConflict, attribute_config_save

pytestmark = pytest.mark.django_db


def save(**kwargs):
    defaults = {"actor": None, "attribute_type": "service", "submit_by_agent": True}
    return attribute_config_save(**{**defaults, **kwargs})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"skills": [], "fields": [("topic", "Topic")]},
        {"fields": []},
        {"fields": [("topic", "")]},
        {"fields": [("topic", "x" * 61)]},
        {"fields": [("topic", "A"), ("topic", "B")]},
        {"attribute_type": "cart", "fields": [("total", "Total")]},
    ],
    ids=["no-skill", "no-field", "empty-name", "long-name", "twice", "not-reportable"],
)
def test_invalid_configuration_is_refused(kwargs, skills):
    kwargs.setdefault("skills", [skills["Billing"]])
    with pytest.raises(ValidationError):
        save(**kwargs)
    assert not AttributeConfig.objects.exists()


def test_unknown_property_is_refused(skills):
    with pytest.raises(KeyError):
        save(skills=[skills["Billing"]], fields=[("orderId", "Order")])


def test_version_guards_against_lost_updates(skills):
    config = save(skills=[skills["Billing"]], fields=[("status", "Status")], expected_version=0)
    assert config.version == 1
    with pytest.raises(ConfigConflict):
        save(skills=[skills["Sales"]], fields=[("topic", "Topic")], expected_version=0)
    config = save(skills=[skills["Sales"]], fields=[("topic", "Topic")], expected_version=1)
    assert [f.property_key for f in config.fields.all()] == ["topic"]


def test_turning_off_an_unsaved_attribute_saves_nothing():
    save(submit_by_agent=False)
    assert not AttributeConfig.objects.exists()
