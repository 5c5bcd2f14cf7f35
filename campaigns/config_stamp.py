"""The configuration stamp: what app servers may keep between requests, and for how long.

The widget reads the same Campaign Builder configuration on every request: the attributes agents
may report with their fields, and the agent surveys with their questions; every write that
credits an event reads the attribution policies and the webhook endpoints subscribed to it, and
every API call its connector key.
That is two to five queries a request for rows that change a few times a day. ``ConfigStamp``
holds a random value that changes, in the same transaction, whenever that configuration
changes, and the account settings, which every widget request reads anyway, are read with it
(``config_stamp``).
Functions decorated with ``stamp_memo`` keep their answers in the process under the stamp they
were read with, so a change made through any app server (or a management command) is seen by
every server at its next request, and a change rolled back leaves a stamp nobody reads. The
stamp is random rather than a counter, so a database restored from a backup brings back the
stamp of the configuration it holds."""

import uuid
from collections.abc import Callable
from functools import wraps

from django.db.models.signals import m2m_changed, post_delete, post_save

from outcomes_site.request_memo import forget

MAX_KEPT = 512  # answers per function; all are dropped when full (they go stale in bulk anyway)
_everything_kept: list[dict] = []  # every memory keyed by the stamp, for forget_everything()


def kept_under_stamp(memory: dict) -> dict:
    """Register a dict whose keys start with the stamp, so that ``forget_everything`` empties it."""
    _everything_kept.append(memory)
    return memory


def forget_everything() -> None:
    """Empty every memory kept under a stamp (tests: each starts from the migrated database,
    whose stamp is the same for all of them)."""
    for memory in _everything_kept:
        memory.clear()


def stamp_memo(function: Callable) -> Callable:
    """Remember ``function(*args)`` (hashable positional arguments) for as long as the stamp
    stays the same. Callers must treat what it returns as read-only: it is shared."""
    kept: dict = kept_under_stamp({})

    @wraps(function)
    def wrapped(*args):
        from campaigns.models import AccountSettings

        key = (AccountSettings.load().config_stamp, args)
        try:
            return kept[key]
        except KeyError:
            pass
        if len(kept) >= MAX_KEPT:
            kept.clear()
        kept[key] = answer = function(*args)
        return answer

    return wrapped


def config_changed(**kwargs) -> None:
    """A new stamp: every server reads the configuration again at its next request."""
    from campaigns.models import ConfigStamp

    if kwargs.get("action", "post_").startswith("pre_"):
        return  # m2m changes signal before and after: one new stamp is enough
    if not ConfigStamp.objects.filter(pk=1).update(stamp=uuid.uuid4()):
        ConfigStamp.objects.get_or_create(pk=1)
    forget()  # this request reads the new stamp too


def _connector_saved(instance, **kwargs) -> None:
    if instance.revoked_at is not None:
        config_changed()


def stamp_on_change() -> None:
    """Connect ``config_changed`` to every model the stamp covers (``CampaignsConfig.ready``).
    Bulk writes send no signals: services that make them call ``config_changed`` themselves."""
    from campaigns.models import (
        AgentSurvey,
        AttributeConfig,
        AttributeField,
        AttributionPolicy,
        Connector,
        Skill,
        SurveyOption,
        SurveyQuestion,
        SurveySkill,
    )

    models = (
        AttributeConfig,
        AttributeField,
        AgentSurvey,
        SurveyQuestion,
        SurveyOption,
        Skill,
        AttributionPolicy,
    )
    for model in (*models, SurveySkill):
        uid = f"config_stamp.{model._meta.label}"
        post_save.connect(config_changed, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(config_changed, sender=model, dispatch_uid=f"{uid}.delete")
    # Only active connectors are kept (services/connectors.py), so only a revocation or a
    # deletion changes what is kept; a new connector does not.
    post_save.connect(_connector_saved, sender=Connector, dispatch_uid="config_stamp.connector")
    post_delete.connect(config_changed, sender=Connector, dispatch_uid="config_stamp.connector.del")
    for through in (AttributeConfig.skills.through, SurveySkill):
        uid = f"config_stamp.{through._meta.label}.m2m"
        m2m_changed.connect(config_changed, sender=through, dispatch_uid=uid)
