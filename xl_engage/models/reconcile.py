"""Budget-versus-actual reconciliation (DOMAIN.md §6): a budget, a ledger, mapping rules.

Amounts in the model are *spend*: positive is money spent, a refund or credit is negative,
whatever sign convention the ledger export used (the importer converts). Variance is
actual − budget; for costs, over budget (a positive variance) is unfavourable.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from xl_engage.models.base import Day, Fraction, Frozen, Money, Month, Name, Record, Signed, Total

MATCH_FIELDS = ("GL account", "Vendor", "Description")
MatchField = Literal["GL account", "Vendor", "Description"]
LINE, CATEGORY_ONLY, UNMATCHED = "Matched to line", "Category only", "Unmatched"
OUTCOMES = (LINE, CATEGORY_ONLY, UNMATCHED)
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]


class ReconSettings(Frozen):
    """What is reconciled, how variances are flagged, and the control total of the ledgers."""

    client: Name
    currency: Name = "USD"
    fiscal_year_start: Month
    as_of: Day
    tolerance_amount: Money = Decimal(500)
    tolerance_pct: Fraction = Decimal("0.10")
    control_total: Total = Decimal(0)
    control_count: int = Field(default=0, ge=0)


class BudgetRow(Record):
    """One budget line in one month, at the price the client was quoted."""

    month: Month
    category: Name
    line: Name
    amount: Money
    asset_type: Text = ""
    """The asset type a replacement line (and its labour) is for; blank for other lines."""


class Rule(Record):
    """If a transaction's field matches the pattern, it goes to a budget line, an asset type
    or a category (a line implies its asset type and category; an asset type its category).

    Patterns compare case-insensitively; ``*`` stands for any text and ``?`` for one
    character; a pattern without them matches when the field *contains* it.
    """

    field: MatchField
    pattern: Name
    category: Text = ""
    line: Text = ""
    asset_type: Text = ""
    note: Text = ""


class Transaction(Record):
    """One ledger row; ``assigned_*`` are the finance clerk's decisions, which beat rules."""

    date: Day
    vendor: Text = ""
    description: Text = ""
    amount: Signed
    account: Text = ""
    reference: Text = ""
    assigned_category: Text = ""
    assigned_line: Text = ""


class LedgerEntry(Record):
    """One ledger row as it was read, whatever the clerk did to it since: the reconciliation's
    memory of its sources, so a re-export adds only rows it has never read."""

    key: Name
    amount: Signed


class ReconBook(Frozen):
    """Everything a reconciliation workbook holds."""

    settings: ReconSettings
    budget: tuple[BudgetRow, ...] = ()
    rules: tuple[Rule, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    ledger: tuple[LedgerEntry, ...] = ()
