"""Secrets at rest: encrypted with the configured keys, rotatable, never readable without a key."""

import pytest
from cryptography.fernet import Fernet

from outcomes_site import secret_box


def test_a_secret_comes_back_and_is_not_stored_plain():
    token = secret_box.encrypt("whsec_plain-value")
    assert "plain-value" not in token
    assert secret_box.decrypt(token) == "whsec_plain-value"


def test_keys_rotate_new_key_first(settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.SECRETS_ENCRYPTION_KEYS = [old]
    token = secret_box.encrypt("s3cret")
    settings.SECRETS_ENCRYPTION_KEYS = [new, old]
    assert secret_box.decrypt(token) == "s3cret"
    rotated = secret_box.rotate(token)
    settings.SECRETS_ENCRYPTION_KEYS = [new]
    assert secret_box.decrypt(rotated) == "s3cret"
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.decrypt(token)


def test_without_keys_a_different_secret_key_cannot_read(settings):
    settings.SECRETS_ENCRYPTION_KEYS = []
    token = secret_box.encrypt("s3cret")
    settings.SECRET_KEY = "another-key-" * 6
    with pytest.raises(secret_box.SecretUnreadable):
        secret_box.decrypt(token)


def test_deploy_check_asks_for_keys_of_their_own(settings):
    settings.SECRETS_ENCRYPTION_KEYS = []
    assert [p.id for p in secret_box.check_keys()] == ["outcomes.W001"]
    settings.SECRETS_ENCRYPTION_KEYS = ["not-a-key"]
    assert [p.id for p in secret_box.check_keys()] == ["outcomes.W002"]
    settings.SECRETS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert secret_box.check_keys() == []


@pytest.mark.django_db
def test_a_secret_made_with_a_lost_key_reads_as_not_set(settings, caplog):
    from workspace.webhooks.models import Endpoint

    field = Endpoint._meta.get_field("secret")
    settings.SECRETS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = field.get_prep_value("whsec_abc")
    assert field.from_db_value(token, None, None) == "whsec_abc"
    settings.SECRETS_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    assert field.from_db_value(token, None, None) == ""
    assert "cannot be read with the configured keys" in caplog.text
    assert "whsec_abc" not in caplog.text
