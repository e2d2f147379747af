"""The vCIO playbook (DOMAIN.md §5): objectives from the portfolio, actuals through the year."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from xl_engage.models.base import Count, Fraction, Frozen, Money, Name, Record

ACTIVITIES = (
    ("touches", "Unique Client Touches"),
    ("escalations", "Escalated Issues"),
    ("meetings", "# of Client Meetings"),
    ("tech_summaries", "Tech Summaries Completed"),
    ("budgets", "Budgets Completed"),
    ("proposals", "Proposals Completed"),
)


class PlaybookSettings(Frozen):
    working_weeks: int = Field(default=48, ge=1, le=53)
    capacity_clients: int = Field(default=40, ge=1)
    capacity_mrr: Money = Decimal(120000)
    capacity_tolerance: Fraction = Decimal("0.10")
    nrr_share_min: Fraction = Decimal("0.25")
    nrr_share_target: Fraction = Decimal("0.30")


class CadenceRule(Record):
    """Meetings a year and touches a month for the clients that match (first match wins)."""

    name: Name
    min_complexity: int = Field(default=1, ge=1, le=10)
    min_mrr: Money = Decimal(0)
    max_mrr: Money | None = None
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
