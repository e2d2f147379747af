"""Account-management ROI (DOMAIN.md §1): what the AM role costs and what it brings in."""

from __future__ import annotations

from decimal import Decimal

from xl_engage.models.base import CellText, Count, Fraction, Frozen, Hours, Money, Name, Record


class RoiSettings(Frozen):
    """Effort, cost and current revenue; defaults from the reference texts."""

    hours_per_account: Hours = Decimal("10")
    am_rate: Money = Decimal("45")
    tool_cost_month: Money = Decimal("249")
    owner_does_am: bool = False
    owner_rate: Money = Decimal("250")
    current_arr: Money = Decimal("0")
    current_project_revenue: Money = Decimal("0")
    current_services_revenue: Money = Decimal("0")


class Segment(Record):
    """A client segment (A–D by size) and what account management adds per adopting client."""

    name: Name
    description: CellText = ""
    clients: Count
    adoption: Fraction
    added_project_revenue: Money
    added_mrr: Money
    added_services_mrr: Money


class RoiBook(Frozen):
    settings: RoiSettings = RoiSettings()
    segments: tuple[Segment, ...]
