"""The vCIO playbook (DOMAIN.md §5): objectives from the portfolio, actuals through the year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import Field

from xl_engage.models.base import Count, Day, Fraction, Frozen, Money, Month, Name, Record

ACTIVITIES = (
    ("touches", "Unique Client Touches"),
    ("escalations", "Escalated Issues"),
    ("meetings", "# of Client Meetings"),
    ("tech_summaries", "Tech Summaries Completed"),
    ("budgets", "Budgets Completed"),
    ("proposals", "Proposals Completed"),
)
"""The six counts of the TruMethods annual summary, in its column order."""

ACTIVITY_KEYS = tuple(k for k, _ in ACTIVITIES)


class PlaybookSettings(Frozen):
    working_weeks: int = Field(default=48, ge=1, le=53)
    capacity_clients: int = Field(default=40, ge=1)
    capacity_mrr: Money = Decimal(120000)
    capacity_tolerance: Fraction = Decimal("0.10")
    nrr_share_min: Fraction = Decimal("0.25")
    nrr_share_target: Fraction = Decimal("0.30")


class PlaybookYear(Frozen):
    """The twelve months tracked and the date progress is measured at."""

    first_month: Month
    as_of: Day

    @property
    def months(self) -> tuple[dt.date, ...]:
        """The first day of each of the twelve months, in order."""
        y, m = self.first_month.year, self.first_month.month
        return tuple(dt.date(y + (m - 1 + i) // 12, (m - 1 + i) % 12 + 1, 1) for i in range(12))


class CadenceRule(Record):
    """Meetings a year and touches a month for the clients that match (first match wins).

    Every bound is optional; a client whose user count is unknown counts as 0 users.
    """

    name: Name
    min_complexity: int | None = Field(default=None, ge=1, le=10)
    max_complexity: int | None = Field(default=None, ge=1, le=10)
    min_mrr: Money | None = None
    max_mrr: Money | None = None
    min_users: Count | None = None
    max_users: Count | None = None
    meetings_per_year: Count
    touches_per_month: Count


class Yearly(Frozen):
    """Per client per year: the activities that do not depend on the cadence."""

    tech_summaries: Count = 4
    budgets: Count = 1
    proposals: Count = 4
    escalations: Count = 2


class PortfolioClient(Record):
    name: Name
    mrr: Money
    aisp: Money | None = None
    users: Count | None = None
    complexity: int = Field(ge=1, le=10)
    vcio: Name
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)


class Vcio(Record):
    """A vCIO on the team roster (a vCIO may have no clients for a while)."""

    name: Name


class MonthActuals(Record):
    """What one vCIO did in one month; blank (None) means not typed yet, unlike 0."""

    vcio: Name
    month: Month
    touches: Count | None = None
    escalations: Count | None = None
    meetings: Count | None = None
    tech_summaries: Count | None = None
    budgets: Count | None = None
    proposals: Count | None = None

    def typed(self) -> dict[str, int]:
        """The counts typed in, by activity."""
        return {k: v for k in ACTIVITY_KEYS if (v := getattr(self, k)) is not None}


class PlaybookBook(Frozen):
    """Everything a playbook workbook holds."""

    year: PlaybookYear
    settings: PlaybookSettings = PlaybookSettings()
    yearly: Yearly = Yearly()
    cadence: tuple[CadenceRule, ...]
    team: tuple[Vcio, ...] = ()
    clients: tuple[PortfolioClient, ...] = ()
    actuals: tuple[MonthActuals, ...] = ()
