"""Reports by e-mail: subscribing, which period is due when, claiming a period once, and building
and sending its mail with the subscriber's scope at that moment.

Mails go out at 07:00 in the account's report time zone (or at the scheduler's first tick after
it, the same day): daily ones for the day before, weekly ones on Mondays for Monday to Sunday.
``last_sent_for`` holds the first day of the last period claimed; the claim is a conditional
UPDATE, so however many schedulers run, one of them wins each period.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from django.core import signing
from django.db.models import Q

from campaigns.models import AccountSettings, User
from reporting.filters import account_time_zone_key, time_zone_for
from reporting.models import ReportSubscription

Frequency = ReportSubscription.Frequency
SEND_AT = time(7, 0)
UNSUBSCRIBE_SALT = "reporting.subscriptions.unsubscribe"
# Parameters a subscription does not keep: each mail covers its own period, in the account's
# report time zone (the zone its schedule runs in).
NOT_KEPT = ("start", "end", "tz", "page")


@dataclass(frozen=True)
class Period:
    """Whole days ``start`` to ``end`` (included) in the account's report time zone."""

    start: date
    end: date


def account_zone() -> tuple[str, tzinfo]:
    """The account's report time zone: its key and the zone (the schedule runs in it)."""
    key = account_time_zone_key(AccountSettings.load())
    return key, time_zone_for(key)


def period_starting(frequency: str, start: date) -> Period:
    days = 0 if frequency == Frequency.DAILY else 6
    return Period(start, start + timedelta(days=days))


def period_due(frequency: str, local_now: datetime) -> Period | None:
    """The period whose mail goes out on ``local_now``'s day, from 07:00 there: the day before,
    or on Mondays the week before. ``None`` before 07:00 and, weekly, on other days; a day that
    passed entirely without a scheduler running is not caught up later."""
    if local_now.time() < SEND_AT:
        return None
    today = local_now.date()
    if frequency == Frequency.DAILY:
        return period_starting(frequency, today - timedelta(days=1))
    if today.weekday() == 0:
        return period_starting(frequency, today - timedelta(days=7))
    return None


def next_send_at(frequency: str, local_now: datetime) -> datetime:
    """The next 07:00 (local) at which ``frequency`` sends, after ``local_now``."""
    day = local_now.date()
    if local_now.time() >= SEND_AT:
        day += timedelta(days=1)
    if frequency == Frequency.WEEKLY:
        day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, SEND_AT, tzinfo=local_now.tzinfo)


def next_mail_at(subscription: ReportSubscription, local_now: datetime) -> datetime | None:
    """When the subscription's next mail goes out: today's 07:00 while today's period is due
    and not yet claimed (the next tick sends it), else the next 07:00 it sends at."""
    if not subscription.active:
        return None
    period = period_due(subscription.frequency, local_now)
    last = subscription.last_sent_for
    if period is not None and (last is None or last < period.start):
        return datetime.combine(local_now.date(), SEND_AT, tzinfo=local_now.tzinfo)
    return next_send_at(subscription.frequency, local_now)


def _last_period_passed(frequency: str, local_now: datetime) -> date:
    """The first day of the latest period whose sending time has passed: a new subscription
    starts after it, so its first mail comes at the next 07:00 rather than at once."""
    following = next_send_at(frequency, local_now).date()
    step = timedelta(days=1 if frequency == Frequency.DAILY else 7)
    return following - step - step


def _unsent(period_start: date) -> Q:
    return Q(last_sent_for__isnull=True) | Q(last_sent_for__lt=period_start)


def kept_params(params: dict[str, str]) -> dict[str, str]:
    """A report's URL parameters as a subscription keeps them (no dates, no time zone)."""
    return {key: value for key, value in params.items() if key not in NOT_KEPT}


def subscription_create(
    *, user: User, params: dict[str, str], frequency: str, now: datetime
) -> ReportSubscription:
    """Subscribe ``user`` to the goal tracker with ``params``; the same subscription made again
    is turned back on rather than doubled. The first mail comes at the next 07:00."""
    params = kept_params(params)
    _key, zone = account_zone()
    last = _last_period_passed(frequency, now.astimezone(zone))
    same = ReportSubscription.objects.filter(user=user, frequency=frequency, params=params)
    subscription = same.first() or ReportSubscription(
        user=user, frequency=frequency, params=params, created_at=now
    )
    if subscription.pk is None or not subscription.active:
        subscription.active = True
        subscription.last_sent_for = last
        subscription.save()
    return subscription


def subscription_delete(*, subscription: ReportSubscription) -> None:
    subscription.delete()


def subscription_stop(*, subscription: ReportSubscription) -> None:
    """Unsubscribe (from the link in a mail): kept, listed as stopped, sends nothing."""
    subscription.active = False
    subscription.save(update_fields=["active"])


def unsubscribe_token(subscription: ReportSubscription) -> str:
    """A signed, unexpiring token naming the subscription and its owner (for the mail's link)."""
    signer = signing.Signer(salt=UNSUBSCRIBE_SALT)
    return signer.sign_object({"s": subscription.pk, "u": subscription.user_id})


def subscription_for_token(token: str) -> ReportSubscription | None:
    """The subscription a token names (``None`` when it was deleted since); a token that was
    not signed here, or was changed, raises ``signing.BadSignature``."""
    value = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    if not isinstance(value, dict):
        raise signing.BadSignature
    return ReportSubscription.objects.filter(pk=value.get("s"), user_id=value.get("u")).first()


def subscriptions_due(now: datetime) -> list[tuple[int, str]]:
    """``(subscription id, period start)`` of every active subscription whose period is due at
    ``now`` and not yet claimed (the account settings and one query)."""
    _key, zone = account_zone()
    local_now = now.astimezone(zone)
    starts, due = {}, Q(pk__in=[])
    for frequency in Frequency.values:
        period = period_due(frequency, local_now)
        if period is not None:
            starts[frequency] = period.start
            due |= Q(frequency=frequency) & _unsent(period.start)
    if not starts:
        return []
    rows = ReportSubscription.objects.filter(due, active=True, user__is_active=True)
    return [
        (pk, starts[frequency].isoformat())
        for pk, frequency in rows.order_by("pk").values_list("pk", "frequency")
    ]


def subscription_claim(item: tuple[int, str], now: datetime) -> tuple[int, str] | None:
    """Mark the period as sent; the task's arguments for the one caller that moved it, ``None``
    for everyone else (another scheduler, an earlier tick)."""
    pk, start = item
    claimed = ReportSubscription.objects.filter(
        _unsent(date.fromisoformat(start)), pk=pk, active=True
    ).update(last_sent_for=start)
    return (pk, start) if claimed else None
