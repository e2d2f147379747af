"""Life-cycle budget calculations (DOMAIN.md §3), pure and exact.

Two jobs: **plan** budget lines from the inventory, the policy, contracts, initiatives and
the peripherals reserve; and **total** whatever lines the budget holds (planned or edited)
by month, fiscal quarter, fiscal year, category and capex/opex. Each total has a twin
formula in the budget workbook. Hardware is priced with a markup on cost *or* a gross
margin on price, named per line and never mixed; prices are rounded to the cent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from xl_engage.calc.fiscal import (
    add_months,
    budget_quarter,
    budget_year,
    month_label,
    period,
    quarter_label,
)
from xl_engage.issues import Problem
from xl_engage.models.base import duplicates, key
from xl_engage.models.budget import (
    Asset,
    BudgetBook,
    Contract,
    Decision,
    Initiative,
    Line,
    PolicyRow,
    PricingBasis,
    Profile,
)
from xl_engage.money import round_money

OVERDUE = "Overdue"
UNKNOWN_DATE = "Unknown date"
UNKNOWN_TYPE = "Unknown type"
FINE = "OK"
DUE_WINDOWS = (90, 180, 365)
LABOUR_CATEGORY = "Professional services"
RESERVE_CATEGORY = "Peripherals"
HARDWARE_PREFIX = "Replace "
LABOUR_PREFIX = "Labour: replace "
"""How a planned replacement's two lines begin: ``--replan`` knows them (and the lines a
user added for an asset) by it."""


def due_label(days: int) -> str:
    return f"Due ≤ {days} days"


# --- pricing ------------------------------------------------------------------------------


def price_from_markup(cost: Decimal, markup: Decimal) -> Decimal:
    """Markup on cost: a $3,000 server at 30 % is quoted at $3,900."""
    return round_money(cost * (1 + markup))


def price_from_margin(cost: Decimal, margin: Decimal) -> Decimal:
    """Gross margin on price: $3,000 at a 30 % margin is $4,285.71."""
    if margin >= 1:
        raise ValueError("a margin must be below 100 %")
    return round_money(cost / (1 - margin))


def unit_price(cost: Decimal | None, pricing: PricingBasis, markup: Decimal) -> Decimal | None:
    if cost is None:
        return None
    return price_from_margin(cost, markup) if pricing == "Margin" else price_from_markup(cost, markup)


# --- asset life cycle ----------------------------------------------------------------------


def replacement_date(asset: Asset, policy: PolicyRow | None) -> dt.date | None:
    """Purchase + life span, or the warranty end where the policy says so (or no purchase
    date is known). None when neither date is known."""
    if policy is None:
        return None
    if policy.basis == "Warranty" and asset.warranty_end is not None:
        return asset.warranty_end
    if asset.purchase_date is not None:
        return add_months(asset.purchase_date, 12 * policy.life_years)
    return asset.warranty_end


def status(replace: dt.date | None, as_of: dt.date, windows: Sequence[int] = DUE_WINDOWS) -> str:
    """Overdue, due within one of the windows (90/180/365 days), or fine."""
    if replace is None:
        return UNKNOWN_DATE
    days = (replace - as_of).days
    if days <= 0:
        return OVERDUE
    for window in windows:
        if days <= window:
            return due_label(window)
    return FINE


def policy_index(policy: Iterable[PolicyRow]) -> dict[str, PolicyRow]:
    out: dict[str, PolicyRow] = {}
    for row in policy:
        out.setdefault(key(row.asset_type), row)
    return out


def asset_status(asset: Asset, policy: PolicyRow | None, as_of: dt.date) -> str:
    """An asset's status: "Unknown type" when the policy has no row for its type."""
    if policy is None:
        return UNKNOWN_TYPE
    return status(replacement_date(asset, policy), as_of)


# --- device types: what exports call the policy's asset types --------------------------------


def is_pattern(alias: str) -> bool:
    """An alias with ``*`` (any text, possibly none) is a pattern, e.g. ``Laptop - *``."""
    return "*" in alias


def _pattern(alias: str) -> re.Pattern[str]:
    parts = re.split(r"(\*+)", key(alias))
    return re.compile("".join(".*" if p.startswith("*") else re.escape(p) for p in parts if p))


@dataclass(frozen=True)
class TypeNames:
    """How an export's type text becomes a policy type name.

    In order: the client's own names (``[import.types]`` of the client file: exact, then
    patterns in the order given), the policy's type names, the policy's exact aliases, then
    its patterns (the first policy row with a matching pattern wins). Text is compared as
    :func:`~xl_engage.models.base.key` compares it: without case, ends trimmed, runs of
    spaces as one.
    """

    client: Mapping[str, str] = field(default_factory=dict)
    client_patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    names: Mapping[str, str] = field(default_factory=dict)
    aliases: Mapping[str, str] = field(default_factory=dict)
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()

    def resolve(self, text: str) -> str | None:
        """The policy type name ``text`` stands for, or None when nothing matches."""
        k = key(text)
        if not k:
            return None
        found = self.client.get(k)
        if found is None:
            found = next((name for p, name in self.client_patterns if p.fullmatch(k)), None)
        if found is None:
            found = self.names.get(k) or self.aliases.get(k)
        if found is None:
            found = next((name for p, name in self.patterns if p.fullmatch(k)), None)
        return found


def type_names(policy: Sequence[PolicyRow], client_types: Mapping[str, str] | None = None) -> TypeNames:
    """The resolver of ``policy`` (its names and aliases) with a client's own names on top.

    ``client_types`` maps an export's type text (or a ``*`` pattern) to a policy type name
    (any case); a target the policy does not have is a ``ValueError``
    (:func:`client_type_problems` says so first, located).
    """
    names: dict[str, str] = {}
    for row in policy:
        names.setdefault(key(row.asset_type), row.asset_type)
    aliases: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for row in policy:
        for alias in row.aliases:
            if is_pattern(alias):
                patterns.append((_pattern(alias), row.asset_type))
            else:
                aliases.setdefault(key(alias), row.asset_type)
    client: dict[str, str] = {}
    client_patterns: list[tuple[re.Pattern[str], str]] = []
    for text, target in (client_types or {}).items():
        name = names.get(key(target))
        if name is None:
            raise ValueError(f"{target!r} is not an asset type of the policy")
        if is_pattern(text):
            client_patterns.append((_pattern(text), name))
        else:
            client.setdefault(key(text), name)
    return TypeNames(client, tuple(client_patterns), names, aliases, tuple(patterns))


def alias_problems(policy: Sequence[PolicyRow]) -> list[Problem]:
    """Aliases that could never apply or that two types claim: an exact alias that is
    another type's name, or the same exact alias under two types. (Two types may share a
    pattern: the first row wins, by design.)"""
    names = {key(r.asset_type): r.asset_type for r in policy}
    owner: dict[str, str] = {}
    out: list[Problem] = []
    for i, row in enumerate(policy):
        for j, alias in enumerate(row.aliases):
            k = key(alias)
            if is_pattern(alias):
                continue
            if k in names and names[k] != row.asset_type:
                out.append(
                    Problem(
                        ("policy", i, "aliases", j),
                        f"alias {alias!r} of {row.asset_type!r} is the name of the type {names[k]!r}",
                    )
                )
            elif owner.setdefault(k, row.asset_type) != row.asset_type:
                out.append(
                    Problem(
                        ("policy", i, "aliases", j),
                        f"alias {alias!r} of {row.asset_type!r} is already an alias of {owner[k]!r}",
                    )
                )
    return out


def client_type_problems(policy: Sequence[PolicyRow], client_types: Mapping[str, str]) -> list[Problem]:
    """A client's ``[import.types]`` entries whose target is not a policy type."""
    names = {key(r.asset_type) for r in policy}
    listed = ", ".join(r.asset_type for r in policy)
    return [
        Problem(
            ("import", "types", text),
            f"{target!r} is not an asset type of the policy; the policy has {listed}",
        )
        for text, target in client_types.items()
        if key(target) not in names
    ]


# --- planning -------------------------------------------------------------------------------


def fiscal_year_start(as_of: dt.date, fiscal_year_start_month: int) -> dt.date:
    """The first month of the fiscal year that holds ``as_of``."""
    first = dt.date(as_of.year, fiscal_year_start_month, 1)
    return first if first <= as_of else add_months(first, -12)


def horizon_end(profile: Profile) -> dt.date:
    """The first month after the budget."""
    return add_months(profile.start, 12 * profile.horizon_years)


def first_month_ahead(profile: Profile) -> dt.date:
    """The first month of the budget still ahead: its start, or, for a budget already under
    way when its status was taken (a fiscal year that began in April, planned in November),
    the month of the status date. Money for an overdue device cannot be spent in a month
    gone by: put there, it showed as plan what never happened (a decision maker's review)."""
    now = profile.as_of.replace(day=1)
    if now <= profile.start:
        return profile.start
    return min(now, add_months(horizon_end(profile), -1))  # a status after the budget: its last month


def plan_assets(profile: Profile, policy: Sequence[PolicyRow], assets: Iterable[Asset]) -> list[Line]:
    """A hardware line (and a labour line beside it) for each replacement in the horizon.

    An overdue asset (or one due in a month already gone by) is replaced in the first month
    still ahead (``first_month_ahead``); after a replacement the next one comes a life span
    later, so a long horizon repeats the cycle.
    """
    index = policy_index(policy)
    end = horizon_end(profile)
    ahead = first_month_ahead(profile)
    lines: list[Line] = []
    for asset in assets:
        row = index.get(key(asset.asset_type))
        when = replacement_date(asset, row)
        if row is None or when is None:
            continue
        month = max(when.replace(day=1), ahead)
        what = asset.name or asset.asset_id
        while month < end:
            lines.append(
                Line(
                    description=f"{HARDWARE_PREFIX}{what} ({row.asset_type})",
                    category=row.category,
                    kind="One-time",
                    expense=row.expense,
                    month=month,
                    quantity=1,
                    unit_cost=asset.replacement_cost if asset.replacement_cost is not None else row.unit_cost,
                    pricing=row.pricing,
                    markup=row.markup,
                    source=asset.asset_id,
                )
            )
            if row.labour_hours and row.labour_rate:
                lines.append(
                    Line(
                        description=f"{LABOUR_PREFIX}{what}",
                        category=LABOUR_CATEGORY,
                        kind="One-time",
                        expense="Opex",
                        month=month,
                        quantity=1,
                        unit_cost=row.labour_hours * row.labour_rate,
                        source=asset.asset_id,
                    )
                )
            month = add_months(month, 12 * row.life_years)
    return lines


def contract_amount(contract: Contract, month: dt.date) -> Decimal:
    """The amount due in ``month``: raised by the annual increase on each anniversary."""
    years = max(period(month, contract.start.replace(day=1)) - 1, 0) // 12
    return round_money(contract.amount * (1 + contract.annual_increase) ** years)


def plan_contracts(profile: Profile, contracts: Iterable[Contract]) -> list[Line]:
    """Recurring lines from each contract's go-live month (annual ones on the anniversary)."""
    end = horizon_end(profile)
    lines: list[Line] = []
    for c in contracts:
        first = c.start.replace(day=1)
        last = min(end, add_months(c.end.replace(day=1), 1)) if c.end else end
        step = 12 if c.period == "Annual" else 1
        month = first
        while month < profile.start:
            month = add_months(month, step)
        while month < last:
            lines.append(
                Line(
                    description=c.description or c.vendor,
                    category=c.category,
                    kind="Recurring",
                    expense=c.expense,
                    month=month,
                    unit_cost=contract_amount(c, month),
                    source=c.vendor,
                )
            )
            month = add_months(month, step)
    return lines


def plan_reserve(profile: Profile, monthly: Decimal) -> list[Line]:
    """A monthly reserve for peripherals and small purchases."""
    if monthly <= 0:
        return []
    months = 12 * profile.horizon_years
    return [
        Line(
            description="Peripherals reserve",
            category=RESERVE_CATEGORY,
            kind="Recurring",
            expense="Opex",
            month=add_months(profile.start, i),
            unit_cost=monthly,
            source="Reserve",
        )
        for i in range(months)
    ]


def quarter_start(profile: Profile, label: str) -> dt.date | None:
    """The first month of a fiscal quarter label such as ``FY2027 Q2``, within the budget."""
    for i in range(0, 12 * profile.horizon_years, 3):
        month = add_months(profile.start, i)
        if quarter_label(month, profile.fiscal_year_start_month) == label:
            return month
    return None


# --- decisions ------------------------------------------------------------------------------

PLANNED: tuple[Decision, ...] = ("Approved", "Proposed")
"""The decisions a budget's totals count: Approved (committed) and Proposed (still open)."""


def quarter_number(label: str) -> int:
    """``FY2027 Q3`` as a count of quarters, so that labels can be added to and compared."""
    year, quarter = label.split()
    return int(year[2:]) * 4 + int(quarter[1:]) - 1


def quarter_name(number: int) -> str:
    year, quarter = divmod(number, 4)
    return f"FY{year} Q{quarter + 1}"


def deferral_target(quarter: str, deferred_to: str | None) -> str:
    """Where a deferred item goes: the quarter typed, else the same quarter a year later."""
    return deferred_to or quarter_name(quarter_number(quarter) + 4)


def initiative_decisions(initiatives: Iterable[Initiative]) -> dict[str, Decision]:
    return {key(i.name): i.decision for i in initiatives}


def effective_decision(line: Line, decided: Mapping[str, Decision]) -> Decision:
    """The line's own decision, else its initiative's (its source names it), else Proposed."""
    if line.decision is not None:
        return line.decision
    return decided.get(key(line.source), "Proposed")


# --- totals ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineResult:
    period: int
    quarter: int
    year: int
    fiscal_quarter: str
    unit_price: Decimal | None
    amount: Decimal | None
    effective_decision: Decision
    planned_amount: Decimal | None
    """The amount when the line counts in the budget (Approved or Proposed), else blank."""


@dataclass(frozen=True)
class AssetResult:
    life_years: int | None
    replace_date: dt.date | None
    status: str


@dataclass(frozen=True)
class InitiativeResult:
    budget: Decimal


@dataclass(frozen=True)
class PolicyResult:
    unit_price: Decimal | None


@dataclass(frozen=True)
class BudgetResults:
    lines: tuple[LineResult, ...]
    assets: tuple[AssetResult, ...]
    initiatives: tuple[InitiativeResult, ...]
    policy: tuple[PolicyResult, ...]
    categories: tuple[str, ...]
    months: tuple[tuple[int, str], ...]
    quarters: tuple[tuple[int, str], ...]
    years: tuple[tuple[int, str], ...]
    by_month: dict[tuple[int, str], Decimal]
    by_quarter: dict[tuple[int, str], Decimal]
    by_year_expense: dict[tuple[int, str], Decimal]
    by_year_decision: dict[tuple[int, Decision], Decimal]
    by_quarter_decision: dict[tuple[int, Decision], Decimal]
    by_decision: dict[Decision, Decimal]
    total: Decimal
    capex: Decimal
    opex: Decimal
    unknown_lines: int
    unknown_type_assets: int


def line_result(line: Line, profile: Profile, decided: Mapping[str, Decision] | None = None) -> LineResult:
    p = period(line.month, profile.start)
    price = unit_price(line.unit_cost, line.pricing, line.markup)
    amount = None if price is None else price * line.quantity
    decision = effective_decision(line, decided or {})
    return LineResult(
        p,
        budget_quarter(p),
        budget_year(p),
        quarter_label(line.month, profile.fiscal_year_start_month),
        price,
        amount,
        decision,
        amount if decision in PLANNED else None,
    )


@dataclass(frozen=True)
class PlanTotals:
    """The budget's totals without the per-line results: what ``diff`` compares twice."""

    years: tuple[tuple[int, str], ...]
    by_year_expense: dict[tuple[int, str], Decimal]
    by_year_decision: dict[tuple[int, Decision], Decimal]
    by_decision: dict[Decision, Decimal]
    capex: Decimal
    opex: Decimal

    @property
    def total(self) -> Decimal:
        return self.capex + self.opex


def fiscal_years(profile: Profile) -> tuple[tuple[int, str], ...]:
    """(year of the budget, its label) for each fiscal year: (1, "FY2027"), …"""
    return tuple(
        (y + 1, quarter_label(add_months(profile.start, 12 * y), profile.fiscal_year_start_month).split()[0])
        for y in range(profile.horizon_years)
    )


def plan_totals(book: BudgetBook) -> PlanTotals:
    """The figures of :func:`calculate` that a reader looks at first, line by line but
    without building a result per line (each distinct price is worked out once)."""
    prof = book.profile
    decided = initiative_decisions(book.initiatives)
    prices: dict[tuple[Decimal | None, str, Decimal], Decimal | None] = {}
    by_year: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_year_decision: dict[tuple[int, Decision], Decimal] = defaultdict(Decimal)
    by_decision: dict[Decision, Decimal] = defaultdict(Decimal)
    for line in book.lines:
        k = (line.unit_cost, line.pricing, line.markup)
        price = prices[k] if k in prices else prices.setdefault(k, unit_price(*k))
        if price is None:
            continue
        amount = price * line.quantity
        year = budget_year(period(line.month, prof.start))
        decision = effective_decision(line, decided)
        by_year_decision[(year, decision)] += amount
        by_decision[decision] += amount
        if decision in PLANNED:
            by_year[(year, line.expense)] += amount
    capex = sum((v for (_, e), v in by_year.items() if e == "Capex"), Decimal(0))
    opex = sum((v for (_, e), v in by_year.items() if e == "Opex"), Decimal(0))
    return PlanTotals(
        fiscal_years(prof), dict(by_year), dict(by_year_decision), dict(by_decision), capex, opex
    )


def categories(book: BudgetBook) -> tuple[str, ...]:
    """Grid columns: every category in use, policy categories first, each once."""
    seen: dict[str, str] = {}
    for name in [*(r.category for r in book.policy), *(line.category for line in book.lines)]:
        seen.setdefault(key(name), name)
    return tuple(seen.values())


def calculate(book: BudgetBook) -> BudgetResults:
    prof = book.profile
    decided = initiative_decisions(book.initiatives)
    lines = tuple(line_result(line, prof, decided) for line in book.lines)
    index = policy_index(book.policy)
    assets = []
    for a in book.assets:
        row = index.get(key(a.asset_type))
        when = replacement_date(a, row)
        assets.append(AssetResult(row.life_years if row else None, when, asset_status(a, row, prof.as_of)))
    spent: dict[str, Decimal] = defaultdict(Decimal)
    by_month: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_quarter: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_year: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    by_year_decision: dict[tuple[int, Decision], Decimal] = defaultdict(Decimal)
    by_quarter_decision: dict[tuple[int, Decision], Decimal] = defaultdict(Decimal)
    by_decision: dict[Decision, Decimal] = defaultdict(Decimal)
    cats = categories(book)
    canonical = {key(c): c for c in cats}
    for line, r in zip(book.lines, lines, strict=True):
        if r.amount is None:
            continue
        spent[key(line.source)] += r.amount  # an initiative's cost, whatever was decided
        by_year_decision[(r.year, r.effective_decision)] += r.amount
        by_quarter_decision[(r.quarter, r.effective_decision)] += r.amount
        by_decision[r.effective_decision] += r.amount
        if r.planned_amount is None:
            continue
        cat = canonical[key(line.category)]
        by_month[(r.period, cat)] += r.planned_amount
        by_quarter[(r.quarter, cat)] += r.planned_amount
        by_year[(r.year, line.expense)] += r.planned_amount
    months = tuple((i + 1, month_label(add_months(prof.start, i))) for i in range(12 * prof.horizon_years))
    quarters = tuple(
        (q + 1, quarter_label(add_months(prof.start, 3 * q), prof.fiscal_year_start_month))
        for q in range(4 * prof.horizon_years)
    )
    years = fiscal_years(prof)
    capex = sum((v for (_, e), v in by_year.items() if e == "Capex"), Decimal(0))
    opex = sum((v for (_, e), v in by_year.items() if e == "Opex"), Decimal(0))
    return BudgetResults(
        lines=lines,
        assets=tuple(assets),
        initiatives=tuple(InitiativeResult(spent.get(key(i.name), Decimal(0))) for i in book.initiatives),
        policy=tuple(PolicyResult(unit_price(r.unit_cost, r.pricing, r.markup)) for r in book.policy),
        categories=cats,
        months=months,
        quarters=quarters,
        years=years,
        by_month=dict(by_month),
        by_quarter=dict(by_quarter),
        by_year_expense=dict(by_year),
        by_year_decision=dict(by_year_decision),
        by_quarter_decision=dict(by_quarter_decision),
        by_decision=dict(by_decision),
        total=capex + opex,
        capex=capex,
        opex=opex,
        unknown_lines=sum(1 for r in lines if r.amount is None),
        unknown_type_assets=sum(1 for a in assets if a.status == UNKNOWN_TYPE),
    )


# --- rules ------------------------------------------------------------------------------------


Advice = Literal["import", "mapping", "workbook"]
"""Where the user fixes an unknown type: the client file, a mapping file (a budget started
from an export alone), or the workbook's cells."""
NOT_HARDWARE = frozenset(
    {"virtual", "vm", "guest", "interface", "idrac", "ilo", "ipmi", "cloud", "phone", "mobile"}
)
"""Words that say a device is not hardware to replace (or not the policy type it names)."""


def unknown_types(book: BudgetBook) -> list[tuple[str, int, int]]:
    """The asset types the policy does not know: (type as first written, how many assets,
    the first asset's index), most assets first, then in order of appearance."""
    known = {key(r.asset_type) for r in book.policy}
    found: dict[str, list[int]] = {}
    for i, a in enumerate(book.assets):
        k = key(a.asset_type)
        if k not in known:
            found.setdefault(k, []).append(i)
    rows = [(book.assets[idxs[0]].asset_type, len(idxs), idxs[0]) for idxs in found.values()]
    return sorted(rows, key=lambda r: (-r[1], r[2]))


_GENERIC_WORDS = frozenset(
    [
        "device",
        "devices",
        "managed",
        "network",
        "nms",
        "windows",
        "linux",
        "mac",
        "macos",
        "vmware",
        "virtual",
        "physical",
        "type",
        "other",
        "generic",
        "unknown",
        "the",
        "and",
        "of",
    ]
)
"""Words many vendors' type names share: they say nothing about which policy type fits."""


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", key(text))) - _GENERIC_WORDS


def suggest_type(text: str, policy: Sequence[PolicyRow]) -> str | None:
    """The policy type whose name or an alias shares the most telling words with ``text``
    ("Blade Server" → Server), if any."""
    words = _words(text)
    if words & NOT_HARDWARE:
        return None  # a management interface or a virtual server is not a server to buy
    best, score = None, 0
    for row in policy:
        for name in (row.asset_type, *row.aliases):
            shared = len(words & _words(name))
            if shared > score:
                best, score = row.asset_type, shared
    return best


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def unknown_type_problem(
    book: BudgetBook,
    advice: Advice = "import",
    policy: Sequence[PolicyRow] | None = None,
    strict: bool = False,
) -> Problem | None:
    """ONE warning for every asset whose type the policy does not know, at the first such
    asset: each type with its count, and the line that would plan them. ``advice`` says
    where to fix it: the client file / lifecycle.toml (an import), or the workbook's cells.
    ``policy`` is the policy with its aliases, to guess the type (default: the book's).
    ``strict`` makes it an error."""
    unknown = unknown_types(book)
    if not unknown:
        return None
    count = sum(n for _, n, _ in unknown)
    listed = ", ".join(f"{t!r} ({n})" if t else f"no type ({n})" for t, n, _ in unknown)
    has = "asset has" if count == 1 else "assets have"
    named = next((t for t, _, _ in unknown if t), None)
    types = ", ".join(r.asset_type for r in book.policy) or "no types"
    if named is None:
        fix = "give each a type" + (" in its Type cell" if advice == "workbook" else "")
    else:
        guess = suggest_type(named, policy if policy is not None else book.policy)
        target = guess or "<a policy type>"
        if advice == "workbook":
            fix = (
                f"type a policy type in their Type cell (e.g. {target} for {named!r}), or add a row "
                "for their type on the Policy sheet"
            )
        else:
            where = "the client file" if advice == "import" else "a mapping file (--mapping)"
            fix = (
                f"add e.g. {_toml_string(named)} = {_toml_string(target)} "
                f"under [import.types] in {where}, or to that type's aliases in "
                "templates/lifecycle.toml; a device with nothing to replace (a virtual machine, "
                "a phone) may stay unknown"
            )
        if guess is None:
            fix += f" (the policy has {types})"
    return Problem(
        ("assets", unknown[0][2], "asset_type"),
        f"{count} {has} a type the policy does not know: {listed}; to plan them, {fix}",
        "error" if strict else "warning",
    )


def check(
    book: BudgetBook,
    advice: Advice = "import",
    policy: Sequence[PolicyRow] | None = None,
    strict: bool = False,
) -> list[Problem]:
    """Rules across tables: unique policy types, asset ids and initiative names, lines in
    the horizon; and ONE warning (``strict``: error) for the assets of a type the policy
    does not know (they are listed as "Unknown type" and not planned): see
    :func:`unknown_type_problem`."""
    out: list[Problem] = []
    types = [r.asset_type for r in book.policy]
    for idxs in duplicates(types).values():
        out += [
            Problem(("policy", i, "asset_type"), f"asset type {types[i]!r} appears more than once")
            for i in idxs[1:]
        ]
    unknown = unknown_type_problem(book, advice, policy, strict)
    if unknown is not None:
        out.append(unknown)
    ids = [a.asset_id for a in book.assets]
    for idxs in duplicates(ids).values():
        out += [
            Problem(("assets", i, "asset_id"), f"asset id {ids[i]!r} appears more than once")
            for i in idxs[1:]
        ]
    names = [i.name for i in book.initiatives]
    for idxs in duplicates(names).values():
        out += [
            Problem(("initiatives", i, "name"), f"initiative {names[i]!r} appears more than once")
            for i in idxs[1:]
        ]
    months = 12 * book.profile.horizon_years
    first, last = book.profile.start, add_months(book.profile.start, months - 1)
    for i, line in enumerate(book.lines):
        p = period(line.month, book.profile.start)
        if not 1 <= p <= months:
            out.append(
                Problem(
                    ("lines", i, "month"),
                    f"{line.month:%b %Y} is outside the budget ({first:%b %Y} – {last:%b %Y})",
                )
            )
    if book.profile.as_of.replace(day=1) > last:
        out.append(
            Problem(
                ("profile", "as_of"),
                f"the status date {book.profile.as_of} is after the budget's last month ({last:%b %Y}): "
                "what is overdue is planned in that month; start the next budget",
                "warning",
            )
        )
    return out + decision_problems(book)


def _span(profile: Profile) -> str:
    last = add_months(horizon_end(profile), -1)
    fy = profile.fiscal_year_start_month
    return f"{quarter_label(profile.start, fy)} – {quarter_label(last, fy)}"


def _deferral_problems(
    table: str, i: int, what: str, decision: str, quarter: str, deferred_to: str | None, profile: Profile
) -> list[Problem]:
    """A Deferred item whose target is outside the budget, or not later than where it is;
    a Deferred to typed on an item that is not deferred (it would do nothing)."""
    if decision != "Deferred":
        if deferred_to is None:
            return []
        return [
            Problem(
                (table, i, "deferred_to"),
                f"{what} is {decision}, so Deferred to {deferred_to} does nothing: set its Decision "
                "to Deferred, or clear Deferred to",
                "warning",
            )
        ]
    target = deferral_target(quarter, deferred_to)
    where = (table, i, "deferred_to" if deferred_to is not None else "decision")
    if quarter_number(target) <= quarter_number(quarter):
        return [
            Problem(
                where,
                f"{what} is deferred to {target}, which is not later than {quarter}: give a later "
                "quarter in Deferred to",
                "warning",
            )
        ]
    if quarter_start(profile, target) is None:
        given = "" if deferred_to is not None else " (a blank Deferred to means a year later)"
        return [
            Problem(
                where,
                f"{what} is deferred to {target}{given}, outside the budget ({_span(profile)}): it "
                "stays where it is, in no total, until Deferred to names a quarter inside the budget "
                "or the horizon grows",
                "warning",
            )
        ]
    return []


def decision_problems(book: BudgetBook) -> list[Problem]:
    """Warnings about decisions: deferrals that cannot move, approved lines of unknown cost."""
    out: list[Problem] = []
    prof = book.profile
    taken = {key(a.asset_id): "an asset's id" for a in book.assets}
    taken.update({key(x.source): "a contract's vendor" for x in book.lines if x.kind == "Recurring"})
    taken["reserve"] = "the reserve's source"
    for i, ini in enumerate(book.initiatives):
        clash = taken.get(key(ini.name))
        if clash is not None:
            out.append(
                Problem(
                    ("initiatives", i, "name"),
                    f"initiative {ini.name!r} has the name of {clash}: its decision would apply to "
                    "those lines too; give the initiative (and its lines' Source) another name",
                    "warning",
                )
            )
        if ini.decision == "Deferred":
            _, _, _, blocked = initiative_move(book, ini)
            if blocked is not None:
                where = "deferred_to" if ini.deferred_to is not None else "decision"
                out.append(
                    Problem(
                        ("initiatives", i, where),
                        f"initiative {ini.name!r} is deferred, but {blocked}: it stays where it is, in "
                        "no total, until Deferred to names a later quarter that fits",
                        "warning",
                    )
                )
        elif ini.deferred_to is not None:
            out += _deferral_problems(
                "initiatives",
                i,
                f"initiative {ini.name!r}",
                ini.decision,
                ini.target_quarter,
                ini.deferred_to,
                prof,
            )
    decided = initiative_decisions(book.initiatives)
    for i, line in enumerate(book.lines):
        decision = effective_decision(line, decided)
        if line.decision is not None or line.deferred_to is not None:
            quarter = quarter_label(line.month, prof.fiscal_year_start_month)
            out += _deferral_problems(
                "lines", i, f"line {line.description!r}", decision, quarter, line.deferred_to, prof
            )
        if decision == "Approved" and line.unit_cost is None:
            out.append(
                Problem(
                    ("lines", i, "unit_cost"),
                    f"line {line.description!r} is approved but its cost is unknown, so the committed "
                    "total leaves it out: give its unit cost",
                    "warning",
                )
            )
    return out


def _shift(line: Line, quarters: int, **update: object) -> Line:
    return line.model_copy(update={"month": add_months(line.month, 3 * quarters), **update})


def _in_budget(profile: Profile, month: dt.date) -> bool:
    return 1 <= period(month, profile.start) <= 12 * profile.horizon_years


def _follows(line: Line, initiative: Initiative) -> bool:
    """The line moves with its deferred initiative: it is the initiative's, its Decision is
    blank and it names no quarter of its own."""
    return line.decision is None and line.deferred_to is None and key(line.source) == key(initiative.name)


def initiative_move(book: BudgetBook, ini: Initiative) -> tuple[str, int, list[int], str | None]:
    """Where a deferred initiative goes: (target quarter, quarters to move, the indexes of
    the lines that go with it, why it cannot move or None)."""
    prof = book.profile
    target = deferral_target(ini.target_quarter, ini.deferred_to)
    steps = quarter_number(target) - quarter_number(ini.target_quarter)
    own = [j for j, line in enumerate(book.lines) if _follows(line, ini)]
    if steps <= 0:
        return target, steps, own, f"{target} is not later than {ini.target_quarter}"
    if quarter_start(prof, target) is None:
        return target, steps, own, f"{target} is outside the budget ({_span(prof)})"
    for j in own:
        line = book.lines[j]
        if not _in_budget(prof, add_months(line.month, 3 * steps)):
            return (
                target,
                steps,
                own,
                f"its line {line.description!r} ({line.month:%b %Y}) would move past the budget's end "
                f"({_span(prof)})",
            )
    return target, steps, own, None


def _line_deferred(line: Line, decided: Mapping[str, Decision]) -> bool:
    """The line moves alone: deferred itself, or deferred with its initiative but naming a
    quarter of its own."""
    return effective_decision(line, decided) == "Deferred" and (
        line.decision == "Deferred" or line.deferred_to is not None
    )


def apply_deferrals(book: BudgetBook) -> tuple[BudgetBook, list[str]]:
    """Move each deferred item to its target quarter, Proposed there (the client decides
    again when it comes); what cannot move stays Deferred, and the notes say so.

    A deferred initiative moves with the lines that follow its decision, each by the same
    number of quarters (their spacing kept); a deferred line, or one naming its own
    Deferred to, moves alone, keeping its month within the quarter.
    """
    fy = book.profile.fiscal_year_start_month
    decided = initiative_decisions(book.initiatives)
    lines = list(book.lines)
    initiatives = list(book.initiatives)
    notes: list[str] = []
    for n, ini in enumerate(book.initiatives):
        if ini.decision != "Deferred":
            continue
        target, steps, own, blocked = initiative_move(book, ini)
        if blocked is not None:
            notes.append(f"Roadmap: initiative {ini.name!r} stays Deferred: {blocked}")
            continue
        for j in own:
            lines[j] = _shift(lines[j], steps)
        initiatives[n] = ini.model_copy(
            update={"target_quarter": target, "decision": "Proposed", "deferred_to": None}
        )
        notes.append(
            f"Roadmap: initiative {ini.name!r} moved to {target} with {len(own)} line(s), Proposed there"
        )
    moved: list[str] = []
    for j, line in enumerate(book.lines):
        if not _line_deferred(line, decided):
            continue
        quarter = quarter_label(line.month, fy)
        target = deferral_target(quarter, line.deferred_to)
        steps = quarter_number(target) - quarter_number(quarter)
        if steps <= 0 or quarter_start(book.profile, target) is None:
            notes.append(
                f"Lines: {line.description!r} stays Deferred: {target} is not a later quarter inside "
                f"the budget ({_span(book.profile)})"
            )
            continue
        lines[j] = _shift(line, steps, decision="Proposed", deferred_to=None)
        moved.append(f"{line.description!r} to {target}")
    if moved:
        shown = "; ".join(moved[:5]) + (f"; and {len(moved) - 5} more" if len(moved) > 5 else "")
        notes.append(f"Lines: {len(moved)} deferred line(s) moved, Proposed there: {shown}")
    if not notes:
        return book, []
    return book.model_copy(update={"lines": tuple(lines), "initiatives": tuple(initiatives)}), notes


def _role(line: Line) -> str | None:
    """Which line of a replacement this is, as :func:`plan_assets` describes it (in any
    case, whatever follows): its labour or its hardware; None for a line the user added
    for the asset (a dock, a refurbishment), which is theirs and kept."""
    text = line.description.casefold()
    if text.startswith(LABOUR_PREFIX.casefold()):
        return "labour"
    if text.startswith(HARDWARE_PREFIX.casefold()):
        return "hardware"
    return None


def _decided(line: Line) -> bool:
    return line.decision is not None or line.deferred_to is not None


def _named(line: Line) -> str:
    return f"{line.source} {line.month:%b %Y} {line.description!r} ({line.decision or 'with Deferred to'})"


def _take(candidates: list[int], lines: Sequence[Line], description: str) -> int:
    """The candidate with this very description, else the first: a line the user added
    beside a replacement never takes the replacement's own decision while it is there."""
    for n, i in enumerate(candidates):
        if lines[i].description == description:
            return candidates.pop(n)
    return candidates.pop(0)


def replan_assets(book: BudgetBook) -> tuple[BudgetBook, list[str]]:
    """Plan the asset replacements again from the (edited) inventory and policy.

    The planned lines of each inventory asset (a description beginning "Replace " or
    "Labour: replace ", in any case) are replaced by a fresh plan; every other line is kept
    as it is: contracts, initiatives, the reserve, and the lines a user added for an asset
    (which a note names when the asset is planned again, in case one repeats a replacement).
    Each line planned again keeps the client's decision: matched by asset, role (hardware
    or labour) and month, the same description first, else by asset and role alone (its
    month moved: earliest first). The notes name the replacements whose month moved with a
    decision, and the decisions that could not be carried.
    """
    ids = {key(a.asset_id) for a in book.assets}
    planned_old = sorted(
        (x for x in book.lines if key(x.source) in ids and _role(x) is not None), key=lambda x: x.month
    )
    kept = [x for x in book.lines if not (key(x.source) in ids and _role(x) is not None)]
    new = plan_assets(book.profile, book.policy, book.assets)
    exact: dict[tuple[str, str | None, dt.date], list[int]] = defaultdict(list)
    for i, line in enumerate(planned_old):
        exact[(key(line.source), _role(line), line.month)].append(i)
    used: set[int] = set()
    match: dict[int, int] = {}  # new line -> old line
    for j, line in enumerate(new):
        found = exact.get((key(line.source), _role(line), line.month))
        if found:
            match[j] = _take(found, planned_old, line.description)
            used.add(match[j])
    loose: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    for i, line in enumerate(planned_old):
        if i not in used:
            loose[(key(line.source), _role(line))].append(i)
    moved: list[str] = []
    for j, line in enumerate(new):
        if j in match:
            continue
        free = loose.get((key(line.source), _role(line)))
        if free:
            i = match[j] = _take(free, planned_old, line.description)
            used.add(i)
            if _decided(planned_old[i]):
                moved.append(f"{line.source} {planned_old[i].month:%b %Y} → {line.month:%b %Y}")
    lines = []
    for j, line in enumerate(new):
        old = planned_old[match[j]] if j in match else None
        if old is not None and _decided(old):
            line = line.model_copy(update={"decision": old.decision, "deferred_to": old.deferred_to})
        lines.append(line)
    lost = [_named(x) for i, x in enumerate(planned_old) if i not in used and _decided(x)]
    planned_again = {key(x.source) for x in new}
    beside = [f"{x.source} {x.month:%b %Y} {x.description!r}" for x in kept if key(x.source) in planned_again]
    notes = []
    if moved:
        replacements = list(dict.fromkeys(moved))  # a replacement's hardware and labour: once
        notes.append(
            f"--replan kept the decisions of {len(replacements)} replacement(s) whose month moved: "
            + "; ".join(replacements)
        )
    if lost:
        notes.append(
            f"--replan could not carry {len(lost)} decision(s): the plan no longer has that line: "
            + "; ".join(lost)
        )
    if beside:
        shown = "; ".join(beside[:5]) + (f"; and {len(beside) - 5} more" if len(beside) > 5 else "")
        notes.append(
            f"--replan kept {len(beside)} line(s) of your own beside assets it planned again (check that "
            f"none repeats a replacement the plan now has): {shown}"
        )
    return book.model_copy(update={"lines": (*lines, *kept)}), notes
