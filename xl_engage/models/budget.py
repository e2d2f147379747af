"""Life-cycle IT budgets a vCIO hands a client (DOMAIN.md §3).

The budget's truth is its **lines**: what is spent, when, on what. Lines are first planned
from the asset inventory, the life-cycle policy, contracts and initiatives; after that the
client and the vCIO edit them (move a replacement, change a quantity, add a line) and the
workbook keeps their edits. Money is exact; a line with no known cost is *unknown*, never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, StringConstraints, field_validator, model_validator

from xl_engage.models.base import (
    CellText,
    Count,
    Day,
    Fraction,
    Frozen,
    Hours,
    Money,
    Name,
    Record,
    first_of_month,
)

Expense = Literal["Capex", "Opex"]
PricingBasis = Literal["Markup", "Margin"]
LineKind = Literal["One-time", "Recurring"]
ReplaceBasis = Literal["Purchase", "Warranty"]
Priority = Literal["High", "Medium", "Low"]
Decision = Literal["Proposed", "Approved", "Deferred", "Declined"]
DECISIONS: tuple[Decision, ...] = ("Proposed", "Approved", "Deferred", "Declined")
"""What the client decided. Proposed (the default) and Approved are the plan; Approved alone
is committed; Deferred moves to a later quarter when the workbook is rebuilt; Declined stays
visible and counts in no total."""
MarginFraction = Annotated[Decimal, Field(ge=0, lt=1, allow_inf_nan=False)]
TypeText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=255)]
"""An asset's type as given: blank when the export gives none (an unknown type, like any other)."""


class Profile(Frozen):
    """The client, its fiscal year and the budget's span."""

    client: Name
    fiscal_year_start_month: int = Field(default=1, ge=1, le=12)
    start: Day
    horizon_years: int = Field(default=3, ge=1, le=10)
    as_of: Day
    granularity: Literal["Month", "Quarter"] = "Quarter"

    @field_validator("start")
    @classmethod
    def _first_of_month(cls, value: dt.date) -> dt.date:
        return first_of_month(value)

    @model_validator(mode="after")
    def _starts_a_fiscal_year(self) -> Profile:
        if self.start.month != self.fiscal_year_start_month:
            raise ValueError(
                f"the budget starts in month {self.start.month}, but the fiscal year starts in "
                f"month {self.fiscal_year_start_month}"
            )
        return self


class PolicyRow(Record):
    """How one asset type ages and what replacing it costs (an editable policy table).

    ``aliases`` are the names PSA/RMM exports give this type ("Windows Laptop", "Notebook",
    or a pattern such as ``Laptop - *``, where ``*`` stands for any text). They are read from
    ``templates/lifecycle.toml`` and used once, when an inventory is imported: each asset's
    type is resolved to the policy's type name (``calc.budget.type_names``). They are not on
    the workbook's Policy sheet, and a budget's policy holds none (``BudgetBook`` drops
    them): the workbook's formulas match an asset's Type against the policy's type names
    only, as Excel compares text, and cannot apply aliases or patterns the way Python does,
    so an alias column there would be a yellow cell that changes nothing. To plan an asset
    of an unknown type in the workbook, type a policy type in its Type cell, or add a policy
    row named after its type.
    """

    asset_type: Name
    aliases: tuple[Name, ...] = ()
    life_years: int = Field(ge=1, le=50)
    basis: ReplaceBasis = "Purchase"
    unit_cost: Money | None = None
    pricing: PricingBasis = "Markup"
    markup: MarginFraction = Decimal("0.30")
    labour_hours: Hours = Decimal(0)
    labour_rate: Money = Decimal(0)
    expense: Expense = "Capex"
    category: Name = "Hardware"


class Asset(Record):
    """One asset as a PSA/RMM export lists it; a blank cost is unknown, not zero.

    ``asset_type`` is the policy's type name once imported; a type the policy does not know
    (or none) is kept as it is and the asset is listed as "Unknown type", never dropped.
    """

    asset_id: Name
    name: CellText = ""
    serial: CellText = ""
    asset_type: TypeText = ""
    purchase_date: Day | None = None
    warranty_end: Day | None = None
    replacement_cost: Money | None = None
    location: CellText = ""


_QUARTER = re.compile(r"FY\d{4} Q[1-4]")


def _quarter_label(value: object) -> object:
    """``fy2028 q2`` and ``FY2028  Q2`` are FY2028 Q2; anything else is refused with an example."""
    if not isinstance(value, str):
        return value
    text = " ".join(value.split()).upper()
    if not _QUARTER.fullmatch(text):
        raise ValueError(f"must be a fiscal quarter such as FY2028 Q2; got {value.strip()!r}")
    return text


QuarterLabel = Annotated[str, BeforeValidator(_quarter_label)]


class Initiative(Record):
    """A one-time project on the roadmap; its cost lines are budget lines whose source is
    the initiative's name. Its decision applies to every line of it whose own Decision is
    blank; ``deferred_to`` (blank: the same quarter next fiscal year) is where a Deferred
    initiative moves on a rebuild."""

    name: Name
    target_quarter: QuarterLabel
    priority: Priority = "Medium"
    compliance: CellText = ""
    time_frame: CellText = ""
    decision: Decision = "Proposed"
    deferred_to: QuarterLabel | None = None


class Contract(Frozen):
    """A recurring contract or subscription: a planning source for recurring lines."""

    vendor: Name
    description: CellText = ""
    category: Name = "Contracts"
    amount: Money
    period: Literal["Monthly", "Annual"] = "Monthly"
    start: Day
    end: Day | None = None
    annual_increase: Fraction = Decimal(0)
    expense: Expense = "Opex"


class Line(Record):
    """One budget line: what, when, how much. ``unit_cost`` None = unknown cost."""

    description: Name
    category: Name
    kind: LineKind = "One-time"
    expense: Expense = "Capex"
    month: Day
    quantity: Count = 1
    unit_cost: Money | None = None
    pricing: PricingBasis = "Markup"
    markup: MarginFraction = Decimal(0)
    source: CellText = ""
    decision: Decision | None = None
    """None: as the initiative it belongs to decides (Proposed for any other line)."""
    deferred_to: QuarterLabel | None = None

    @field_validator("month")
    @classmethod
    def _first_of_month(cls, value: dt.date) -> dt.date:
        return first_of_month(value)


class BudgetBook(Frozen):
    """Everything a life-cycle budget workbook holds."""

    profile: Profile
    policy: tuple[PolicyRow, ...]
    assets: tuple[Asset, ...] = ()
    initiatives: tuple[Initiative, ...] = ()
    lines: tuple[Line, ...] = ()

    @field_validator("policy")
    @classmethod
    def _no_aliases(cls, rows: tuple[PolicyRow, ...]) -> tuple[PolicyRow, ...]:
        """Aliases serve the import only and are not on the Policy sheet (see PolicyRow):
        a budget holds none, so it reads back from its workbook exactly as written."""
        return tuple(r.model_copy(update={"aliases": ()}) if r.aliases else r for r in rows)


__all__ = [
    "DECISIONS",
    "Asset",
    "BudgetBook",
    "Contract",
    "Count",
    "Decision",
    "Expense",
    "Fraction",
    "Initiative",
    "Line",
    "PolicyRow",
    "Profile",
]
