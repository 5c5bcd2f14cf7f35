"""Attribution policies as periods of time: which model and cross-session window are in force
when. The rules themselves are written once, in ``workspace.services.credit``."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from campaigns.config_stamp import stamp_memo
from campaigns.models import AttributionModel, AttributionPolicy

DEFAULT_MODEL = AttributionPolicy._meta.get_field("model").default
DEFAULT_WINDOW_DAYS = int(AttributionPolicy._meta.get_field("cross_session_window_days").default)
MAX_WINDOW_DAYS = max(AttributionPolicy.Window.values)


@dataclass(frozen=True)
class PolicyPeriod:
    """A stretch of time in which one attribution policy is in force (``starts``: an instant,
    stored with the policy; ``None`` for the defaults before the first policy)."""

    index: int
    starts: datetime | None
    model: str
    window_days: int
    effective_from: date | None = None
    policy_id: int | None = None

    @property
    def model_label(self) -> str:
        return str(AttributionModel(self.model).label)

    @property
    def window_label(self) -> str:
        return str(AttributionPolicy.Window(self.window_days).label)


def policy_periods(policies: Iterable[AttributionPolicy] | None = None) -> list[PolicyPeriod]:
    """The periods, oldest first: the defaults, then one per policy from its stored start.
    Without ``policies``, the stored ones, kept under the configuration stamp (every write that
    credits an event reads them)."""
    if policies is None:
        return list(_stored_periods())
    periods = [PolicyPeriod(0, None, DEFAULT_MODEL, DEFAULT_WINDOW_DAYS)]
    for policy in sorted(policies, key=lambda p: p.starts_at):
        periods.append(
            PolicyPeriod(
                len(periods),
                policy.starts_at,
                policy.model,
                int(policy.cross_session_window_days),
                policy.effective_from,
                policy.pk,
            )
        )
    return periods


@stamp_memo
def _stored_periods() -> tuple[PolicyPeriod, ...]:
    return tuple(policy_periods(AttributionPolicy.objects.all()))


def period_at(periods: Sequence[PolicyPeriod], instant: datetime) -> PolicyPeriod:
    """The period in force at ``instant``."""
    current = periods[0]
    for period in periods[1:]:
        if period.starts is not None and instant >= period.starts:
            current = period
    return current
