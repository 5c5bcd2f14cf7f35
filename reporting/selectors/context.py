"""What every report needs besides its filters: the account's currency and time zone, the
attribution policies in force, and the moment the report is read."""

from dataclasses import dataclass
from datetime import datetime

from campaigns.models import AccountSettings
from reporting.filters import ReportFilters, Scope
from workspace.attribution import PolicyPeriod, policy_periods


@dataclass(frozen=True)
class ReportContext:
    filters: ReportFilters
    scope: Scope
    periods: list[PolicyPeriod]
    default_currency: str
    now: datetime
    account_tz_key: str = "UTC"

    def with_filters(self, filters: ReportFilters) -> "ReportContext":
        return ReportContext(
            filters, self.scope, self.periods, self.default_currency, self.now, self.account_tz_key
        )

    def policies_used(self) -> list[PolicyPeriod]:
        """The policies in force at some moment of the period, for the report to name."""
        start, end = self.filters.start_at, self.filters.end_at
        used = []
        for period, nxt in zip(self.periods, [*self.periods[1:], None], strict=True):
            begins_before_end = period.starts is None or period.starts < end
            ends_after_start = nxt is None or nxt.starts > start
            if begins_before_end and ends_after_start:
                used.append(period)
        return used


def account_report_settings() -> tuple[AccountSettings, list[PolicyPeriod]]:
    """The account settings and the attribution policy periods (two queries)."""
    return AccountSettings.load(), policy_periods()
