"""What app servers keep between requests: the widget's configuration, under the stamp read with
the account settings, read again by every server after any change (campaigns/config_stamp.py)."""

import pytest
from django.db import transaction

from campaigns.catalogue import AttributeType
from campaigns.models import AccountSettings, QuestionKind, SurveyQuestion
from campaigns.selectors.widget_config import attribute_configs_for, survey_for_skills
from campaigns.services.attributes import attribute_config_save
from campaigns.services.surveys import question_save, survey_save
from tests.workspace.factories import agent_survey

pytestmark = pytest.mark.django_db


def _field_names(skill):
    configs, _required = attribute_configs_for([skill.pk])
    return [(c.attribute_type, [f.display_name for f in c.fields.all()]) for c in configs]


def _save_lead(actor, skill, fields):
    config = attribute_config_save(
        actor=actor, attribute_type=AttributeType.LEAD, submit_by_agent=True,
        skills=[skill], fields=fields,
    )  # fmt: skip
    return config


def test_the_configuration_is_read_once_and_then_only_the_stamp(
    admin, sales_skill, django_assert_num_queries
):
    _save_lead(admin, sales_skill, [("topic", "Lead topic")])
    _field_names(sales_skill)
    with django_assert_num_queries(1):  # the settings row (with its stamp), nothing else
        assert _field_names(sales_skill) == [("lead", ["Lead topic"])]


def test_a_change_through_the_campaign_builder_is_seen_at_the_next_read(admin, sales_skill):
    _save_lead(admin, sales_skill, [("topic", "Lead topic")])
    stamp = AccountSettings.load().config_stamp
    assert _field_names(sales_skill) == [("lead", ["Lead topic"])]
    _save_lead(admin, sales_skill, [("value", "Worth"), ("topic", "Subject")])
    assert AccountSettings.load().config_stamp != stamp
    assert _field_names(sales_skill) == [("lead", ["Worth", "Subject"])]
    attribute_config_save(actor=admin, attribute_type=AttributeType.LEAD, submit_by_agent=False)
    assert _field_names(sales_skill) == []


def test_survey_changes_made_with_bulk_writes_change_the_stamp(admin, sales_skill, billing_skill):
    first = [("First", QuestionKind.FREE_TEXT, False, [])]
    survey = agent_survey(skills=[sales_skill], questions=first)
    assert survey_for_skills([billing_skill.pk]) is None
    survey_save(actor=admin, survey=survey, skills=[sales_skill, billing_skill])  # bulk insert
    assert survey_for_skills([billing_skill.pk]).pk == survey.pk
    question_save(
        actor=admin,
        question=SurveyQuestion(survey=survey, text="Second", kind=QuestionKind.FREE_TEXT),
    )
    texts = [q.text for q in survey_for_skills([sales_skill.pk]).questions.all()]
    assert texts == ["First", "Second"]


def test_the_settings_are_read_with_the_stamp_in_one_query(
    admin, sales_skill, django_assert_num_queries
):
    AccountSettings.load()
    with django_assert_num_queries(1):
        before = AccountSettings.load().config_stamp
    _save_lead(admin, sales_skill, [("topic", "Lead topic")])
    settings_row = AccountSettings.load()
    assert settings_row.config_stamp not in (None, before)
    settings_row.default_currency = "EUR"
    settings_row.save()  # the stamp is not a column of the settings: nothing to write back
    assert AccountSettings.load().config_stamp == settings_row.config_stamp


def test_configuring_the_widget_asks_for_no_rebuild_of_the_reports(
    admin, sales_skill, django_capture_on_commit_callbacks
):
    """Credit is rebuilt after changes that move it (policies, goals, campaigns, the default
    currency and the report zone); which fields the widget shows moves none."""
    from workspace.models import CreditRebuild

    with django_capture_on_commit_callbacks(execute=True):
        _save_lead(admin, sales_skill, [("topic", "Lead topic")])
    assert not CreditRebuild.objects.exists()


def test_a_rolled_back_change_is_never_served(admin, sales_skill):
    _save_lead(admin, sales_skill, [("topic", "Lead topic")])
    assert _field_names(sales_skill) == [("lead", ["Lead topic"])]

    def change_then_fail():
        with transaction.atomic():
            _save_lead(admin, sales_skill, [("topic", "Never saved")])
            assert _field_names(sales_skill) == [("lead", ["Never saved"])]  # kept, its stamp
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    assert _field_names(sales_skill) == [("lead", ["Lead topic"])]
