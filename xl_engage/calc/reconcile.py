"""Budget versus actual, pure (DOMAIN.md §6).

Each transaction is matched by the first rule whose pattern its field matches; a finance
clerk's own assignment (a line, or a category) beats every rule. A transaction ends
*matched to a line*, *category only* or *unmatched*, never dropped, so the tie-out holds by
construction: matched + category only + unmatched = every amount read, to the cent.

Variance = actual − budget (for costs, positive = over budget = unfavourable). Variance % =
variance / budget, and none when the budget is 0. A flag is green within either tolerance
(by amount, or by % of the budget), red when over budget beyond both, amber when under
budget beyond both (money not spent is worth a question too).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_engage.calc.fiscal import add_months, quarter_label
from xl_engage.gcpause import gc_paused
from xl_engage.issues import Problem
from xl_engage.models.base import first_of_month, key, trim
from xl_engage.models.reconcile import (
    CATEGORY_ONLY,
    LINE,
    UNMATCHED,
    BudgetRow,
    ReconBook,
    ReconSettings,
    Rule,
    Transaction,
)

GREEN, AMBER, RED = "Green", "Amber", "Red"
TIE_TOLERANCE = Decimal("0.005")


def variance(actual: Decimal, budget: Decimal) -> Decimal:
    return actual - budget


def variance_pct(actual: Decimal, budget: Decimal) -> Decimal | None:
    """Variance as a share of the budget; None (not a division error) when the budget is 0."""
    return None if budget == 0 else (actual - budget) / budget


def flag(actual: Decimal, budget: Decimal, tolerance_amount: Decimal, tolerance_pct: Decimal) -> str:
    v = actual - budget
    if abs(v) <= tolerance_amount or (budget != 0 and abs(v) <= tolerance_pct * abs(budget)):
        return GREEN
    return RED if v > 0 else AMBER


def pattern_matcher(pattern: str) -> Callable[[str], bool]:
    """Case-insensitive; ``*`` any text, ``?`` one character; otherwise "contains"."""
    p = pattern.strip().casefold()
    if "*" in p or "?" in p:
        rx = re.compile("".join(".*" if ch == "*" else "." if ch == "?" else re.escape(ch) for ch in p), re.S)
        return lambda text: rx.fullmatch(text.casefold()) is not None
    return lambda text: p in text.casefold()


_FIELD = {"GL account": "account", "Vendor": "vendor", "Description": "description"}


@dataclass(frozen=True)
class LineInfo:
    name: str
    category: str
    asset_type: str = ""


def line_index(budget: Iterable[BudgetRow]) -> dict[str, LineInfo]:
    """Each budget line once (first spelling wins), with its category and asset type."""
    out: dict[str, LineInfo] = {}
    for row in budget:
        out.setdefault(key(row.line), LineInfo(row.line, row.category, row.asset_type))
    return out


def asset_type_index(budget: Iterable[BudgetRow]) -> dict[str, LineInfo]:
    """Each asset type once, with the category of its first line (the device, not the
    labour beside it)."""
    out: dict[str, LineInfo] = {}
    for row in budget:
        if row.asset_type:
            out.setdefault(key(row.asset_type), LineInfo(row.asset_type, row.category, row.asset_type))
    return out


def category_names(budget: Iterable[BudgetRow]) -> list[str]:
    seen: dict[str, str] = {}
    for row in budget:
        seen.setdefault(key(row.category), row.category)
    return list(seen.values())


@dataclass(slots=True)
class Match:
    """What happened to one transaction (the Transactions table's derived and live columns)."""

    rule: int | None
    rule_category: str
    rule_line: str
    rule_asset_type: str
    month: dt.date
    category: str
    line: str
    asset_type: str
    outcome: str


class Matcher:
    """The rules compiled once; ``match`` is called once per transaction.

    Ledgers repeat the same few GL accounts and payees thousands of times, so for each
    field the first rule a *value* matches is worked out once and remembered: a
    transaction's rule is then the earliest of its fields' answers.
    """

    def __init__(
        self,
        rules: Sequence[Rule],
        lines: dict[str, LineInfo],
        categories: Sequence[str],
        asset_types: dict[str, LineInfo] | None = None,
    ):
        self.lines = lines
        types = asset_types or {}
        canonical = {key(c): c for c in categories}
        self.targets: dict[int, tuple[str, str, str]] = {}
        self.by_field: dict[str, list[tuple[int, Callable[[str], bool]]]] = {a: [] for a in _FIELD.values()}
        for n, r in enumerate(rules, start=1):
            info = lines.get(key(r.line)) if r.line else None
            kind = types.get(key(r.asset_type)) if r.asset_type else None
            if info is not None:
                target = (info.category, info.name, info.asset_type)
            elif kind is not None:
                target = (canonical.get(key(r.category), r.category) or kind.category, "", kind.name)
            else:
                target = (canonical.get(key(r.category), r.category), "", "")
            self.targets[n] = target
            self.by_field[_FIELD[r.field]].append((n, pattern_matcher(r.pattern)))
        self.fields: list[tuple[str, list[tuple[int, Callable[[str], bool]]], dict[str, int]]] = [
            (a, rules_, {}) for a, rules_ in self.by_field.items() if rules_
        ]
        self.never = len(rules) + 1

    def rule_for(self, tx: Transaction) -> tuple[int | None, str, str, str]:
        best = self.never
        for attr, rules, memo in self.fields:
            value = getattr(tx, attr)
            first = memo.get(value)
            if first is None:
                first = memo[value] = next((n for n, matches in rules if matches(value)), self.never)
            if first < best:
                best = first
        if best == self.never:
            return None, "", "", ""
        return (best, *self.targets[best])

    def match(self, tx: Transaction) -> Match:
        n, rule_category, rule_line, rule_type = self.rule_for(tx)
        if tx.assigned_line:
            info = self.lines.get(key(tx.assigned_line))
            line = trim(tx.assigned_line)
            category, asset_type = (info.category, info.asset_type) if info else ("", "")
        elif tx.assigned_category:
            line, category, asset_type = "", trim(tx.assigned_category), ""
        else:
            line, category, asset_type = rule_line, rule_category, rule_type
        outcome = LINE if line else CATEGORY_ONLY if category else UNMATCHED
        return Match(
            n,
            rule_category,
            rule_line,
            rule_type,
            first_of_month(tx.date),
            category,
            line,
            asset_type,
            outcome,
        )


@dataclass(frozen=True)
class Variance:
    budget: Decimal
    actual: Decimal
    variance: Decimal
    pct: Decimal | None
    flag: str


@dataclass(frozen=True)
class LineRow:
    """One budget line, year to date (the Lines table's live columns)."""

    ytd_budget: Decimal
    ytd_actual: Decimal
    ytd_variance: Decimal
    ytd_pct: Decimal | None
    ytd_flag: str


@dataclass(frozen=True)
class TieOut:
    count: int
    total: Decimal
    by_outcome: dict[str, Decimal]
    difference: Decimal
    ties: bool


@dataclass(frozen=True)
class ReconResult:
    matches: list[Match]
    categories: list[str]
    months: tuple[dt.date, ...]
    as_of_month: dt.date
    ytd_end: dt.date
    mtd: dict[str, Variance]
    """By category key, then ``UNMATCHED`` and ``"total"``."""
    ytd: dict[str, Variance]
    by_month: dict[dt.date, Variance]
    by_month_category: dict[tuple[dt.date, str], Decimal]
    """Variance by (month, category key)."""
    fy_total: Variance
    fy_category: dict[str, Decimal]
    """FY variance by category key."""
    category_budget: dict[str, Decimal]
    """FY budget by category key."""
    quarters: list[tuple[dt.date, str, Variance]]
    lines: list[tuple[LineInfo, LineRow]]
    """The budget lines with a budget month (even at an unknown cost) or an actual in the
    fiscal year."""
    asset_types: list[tuple[LineInfo, LineRow]]
    tie_out: TieOut


def _variance(actual: Decimal, budget: Decimal, s: ReconSettings) -> Variance:
    return Variance(
        budget,
        actual,
        actual - budget,
        variance_pct(actual, budget),
        flag(actual, budget, s.tolerance_amount, s.tolerance_pct),
    )


def calculate(book: ReconBook) -> ReconResult:
    s = book.settings
    lines = line_index(book.budget)
    types = asset_type_index(book.budget)
    categories = category_names(book.budget)
    matcher = Matcher(book.rules, lines, categories, types)
    with gc_paused():  # one match per transaction, all kept
        matches = [matcher.match(tx) for tx in book.transactions]

    months = tuple(add_months(s.fiscal_year_start, i) for i in range(12))
    as_of_month = first_of_month(s.as_of)
    ytd_end = min(as_of_month, months[-1])

    budget_cat: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    budget_line: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    budget_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    budget_type: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    for row in book.budget:
        budget_cat[(row.month, key(row.category))] += row.amount
        budget_line[(row.month, key(row.line))] += row.amount
        budget_month[row.month] += row.amount
        if row.asset_type:
            budget_type[(row.month, key(row.asset_type))] += row.amount
    actual_cat: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    actual_line: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    actual_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    actual_type: dict[tuple[dt.date, str], Decimal] = defaultdict(Decimal)
    by_outcome = dict.fromkeys((LINE, CATEGORY_ONLY, UNMATCHED), Decimal(0))
    unmatched_month: dict[dt.date, Decimal] = defaultdict(Decimal)
    for tx, m in zip(book.transactions, matches, strict=True):
        actual_month[m.month] += tx.amount
        by_outcome[m.outcome] += tx.amount
        if m.outcome == UNMATCHED:
            unmatched_month[m.month] += tx.amount
        else:
            actual_cat[(m.month, key(m.category))] += tx.amount
        if m.line:
            actual_line[(m.month, key(m.line))] += tx.amount
        if m.asset_type:
            actual_type[(m.month, key(m.asset_type))] += tx.amount

    ytd_months = [m for m in months if m <= ytd_end]
    in_year = set(months)
    year_lines = {key(row.line) for row in book.budget if row.month in in_year}  # cost known or not

    def total(table: dict[tuple[dt.date, str], Decimal], k: str, when: Iterable[dt.date]) -> Decimal:
        return sum((table.get((m, k), Decimal(0)) for m in when), Decimal(0))

    mtd: dict[str, Variance] = {}
    ytd: dict[str, Variance] = {}
    for c in categories:
        k = key(c)
        mtd[k] = _variance(total(actual_cat, k, [as_of_month]), total(budget_cat, k, [as_of_month]), s)
        ytd[k] = _variance(total(actual_cat, k, ytd_months), total(budget_cat, k, ytd_months), s)
    mtd[UNMATCHED] = _variance(unmatched_month.get(as_of_month, Decimal(0)), Decimal(0), s)
    ytd[UNMATCHED] = _variance(
        sum((unmatched_month.get(m, Decimal(0)) for m in ytd_months), Decimal(0)), Decimal(0), s
    )
    mtd["total"] = _variance(
        actual_month.get(as_of_month, Decimal(0)), budget_month.get(as_of_month, Decimal(0)), s
    )
    ytd["total"] = _variance(
        sum((actual_month.get(m, Decimal(0)) for m in ytd_months), Decimal(0)),
        sum((budget_month.get(m, Decimal(0)) for m in ytd_months), Decimal(0)),
        s,
    )
    by_month = {
        m: _variance(actual_month.get(m, Decimal(0)), budget_month.get(m, Decimal(0)), s) for m in months
    }
    by_month_category = {
        (m, key(c)): actual_cat.get((m, key(c)), Decimal(0)) - budget_cat.get((m, key(c)), Decimal(0))
        for m in months
        for c in categories
    }
    fy_total = _variance(
        sum((actual_month.get(m, Decimal(0)) for m in months), Decimal(0)),
        sum((budget_month.get(m, Decimal(0)) for m in months), Decimal(0)),
        s,
    )
    fy_category = {
        key(c): sum((by_month_category[(m, key(c))] for m in months), Decimal(0)) for c in categories
    }
    fy_start_month = s.fiscal_year_start.month
    quarters = []
    for q in range(4):
        first = months[3 * q]
        span = months[3 * q : 3 * q + 3]
        quarters.append(
            (
                first,
                quarter_label(first, fy_start_month),
                _variance(  # actuals to the month-to-date month only, as the year to date
                    sum((actual_month.get(m, Decimal(0)) for m in span if m <= as_of_month), Decimal(0)),
                    sum((budget_month.get(m, Decimal(0)) for m in span), Decimal(0)),
                    s,
                ),
            )
        )
    line_rows = []
    for info in lines.values():
        k = key(info.name)
        if k not in year_lines and not total(actual_line, k, months):
            continue  # another fiscal year's line: not this reconciliation's business
        v = _variance(
            total(actual_line, key(info.name), ytd_months), total(budget_line, key(info.name), ytd_months), s
        )
        line_rows.append((info, LineRow(v.budget, v.actual, v.variance, v.pct, v.flag)))
    type_rows = []
    for info in types.values():
        v = _variance(
            total(actual_type, key(info.name), ytd_months), total(budget_type, key(info.name), ytd_months), s
        )
        type_rows.append((info, LineRow(v.budget, v.actual, v.variance, v.pct, v.flag)))
    grand = sum((tx.amount for tx in book.transactions), Decimal(0))
    difference = grand - sum(by_outcome.values(), Decimal(0))
    ties = (
        abs(difference) < TIE_TOLERANCE
        and abs(grand - s.control_total) < TIE_TOLERANCE
        and len(book.transactions) == s.control_count
    )
    return ReconResult(
        matches=matches,
        categories=categories,
        months=months,
        as_of_month=as_of_month,
        ytd_end=ytd_end,
        mtd=mtd,
        ytd=ytd,
        by_month=by_month,
        by_month_category=by_month_category,
        fy_total=fy_total,
        fy_category=fy_category,
        category_budget={key(c): total(budget_cat, key(c), months) for c in categories},
        quarters=quarters,
        lines=line_rows,
        asset_types=type_rows,
        tie_out=TieOut(len(book.transactions), grand, by_outcome, difference, ties),
    )


def check(book: ReconBook, today: dt.date | None = None) -> list[Problem]:
    """Errors: rules or assignments naming a category, line or asset type the budget lacks,
    a rule whose line and category disagree. Warnings: duplicated references (both kept), dates after
    today, a ledger that does not tie out to its control total."""
    out: list[Problem] = []
    today = today or dt.date.today()
    lines = line_index(book.budget)
    types = asset_type_index(book.budget)
    cats = {key(c) for c in category_names(book.budget)}
    if not book.budget:
        out.append(Problem(("budget",), "the budget has no lines"))
    for i, r in enumerate(book.rules):
        if not r.category and not r.line and not r.asset_type:
            out.append(
                Problem(
                    ("rules", i, "category"), f"rule {i + 1} gives no category, budget line or asset type"
                )
            )
        if r.asset_type and key(r.asset_type) not in types:
            out.append(
                Problem(("rules", i, "asset_type"), f"no budget line is for asset type {r.asset_type!r}")
            )
        if r.category and key(r.category) not in cats:
            out.append(Problem(("rules", i, "category"), f"unknown budget category {r.category!r}"))
        if r.line:
            info = lines.get(key(r.line))
            if info is None:
                out.append(Problem(("rules", i, "line"), f"unknown budget line {r.line!r}"))
            elif r.category and key(r.category) != key(info.category):
                out.append(
                    Problem(
                        ("rules", i, "category"),
                        f"budget line {info.name!r} is in {info.category!r}, not {r.category!r}",
                    )
                )
    for i, tx in enumerate(book.transactions):
        if tx.assigned_category and key(tx.assigned_category) not in cats:
            out.append(
                Problem(
                    ("transactions", i, "assigned_category"),
                    f"unknown budget category {tx.assigned_category!r}",
                )
            )
        if tx.assigned_line and key(tx.assigned_line) not in lines:
            out.append(
                Problem(("transactions", i, "assigned_line"), f"unknown budget line {tx.assigned_line!r}")
            )
    out += ledger_warnings(book.transactions, today)
    grand = sum((tx.amount for tx in book.transactions), Decimal(0))
    s = book.settings
    fy_end = add_months(s.fiscal_year_start, 11)
    if not s.fiscal_year_start <= first_of_month(s.as_of) <= fy_end:
        out.append(
            Problem(
                ("settings", "as_of"),
                f"{s.as_of} is outside the fiscal year reconciled "
                f"({s.fiscal_year_start:%b %Y}–{fy_end:%b %Y}): month to date falls outside year to "
                "date; start the next year's reconciliation",
                "warning",
            )
        )
    year = f"{s.fiscal_year_start:%b %Y}–{fy_end:%b %Y}"
    if book.budget and not any(s.fiscal_year_start <= b.month <= fy_end for b in book.budget):
        first, last = min(b.month for b in book.budget), max(b.month for b in book.budget)
        out.append(
            Problem(
                ("settings", "fiscal_year_start"),
                f"the budget has no line in the fiscal year reconciled ({year}; it runs "
                f"{first:%b %Y}–{last:%b %Y}): every budget figure is 0 and every flag means nothing; "
                "check the as-of date, or reconcile against that year's budget",
                "warning",
            )
        )
    outside = [tx for tx in book.transactions if not s.fiscal_year_start <= first_of_month(tx.date) <= fy_end]
    if outside:
        total = sum((tx.amount for tx in outside), Decimal(0))
        out.append(
            Problem(
                ("settings", "fiscal_year_start"),
                f"{len(outside):,} transaction(s), total {total:,.2f}, fall outside the fiscal year "
                f"reconciled ({year}; e.g. {_describe(outside[0])}): they are counted in the tie-out "
                "but in no month or variance; reconcile their year on its own",
                "warning",
            )
        )
    if abs(grand - s.control_total) >= TIE_TOLERANCE or len(book.transactions) != s.control_count:
        out.append(
            Problem(
                ("settings", "control_total"),
                f"the transactions ({len(book.transactions):,}, total {grand:,.2f}) do not tie out to the "
                f"ledgers read ({s.control_count:,}, total {s.control_total:,.2f}): a row was added, "
                "deleted or changed by hand",
                "warning",
            )
        )
    return out


def ledger_warnings(transactions: Sequence[Transaction], today: dt.date) -> list[Problem]:
    """What a ledger itself may get wrong, reported but never merged or dropped: a reference
    on two transactions, a date after today."""
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for i, tx in enumerate(transactions):
        if tx.reference:
            first = seen.setdefault(key(tx.reference), i)
            if first != i:
                out.append(
                    Problem(
                        ("transactions", i, "reference"),
                        f"reference {tx.reference!r} is also on an earlier transaction "
                        f"({_describe(transactions[first])}); both are kept",
                        "warning",
                    )
                )
        if tx.date > today:
            out.append(
                Problem(
                    ("transactions", i, "date"), f"{tx.date} is in the future (today is {today})", "warning"
                )
            )
    return out


def _describe(tx: Transaction) -> str:
    return f"{tx.date}, {tx.vendor or tx.description or 'no payee'}, {tx.amount:,.2f}"
