"""vCIO pricing calculations (DOMAIN.md §2), pure and exact.

Each function here has a twin formula in the pricing workbook; the LibreOffice test tier
checks that the twins agree cell by cell. Amounts stay exact; MRRs and prices are rounded
by :func:`~xl_engage.money.round_money` (Excel ``ROUND(x, 2)``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from xl_engage.issues import Problem
from xl_engage.models.base import duplicates, key
from xl_engage.models.pricing import AgreementLine, Client, Package, PricingBook, ServiceLine
from xl_engage.money import round_money

R = TypeVar("R")

OK = "OK"
BELOW_FLOOR = "Below floor"
ADDED, REMOVED, EXCLUDED, CHANGED, UNCHANGED = (
    "added",
    "removed",
    "excluded",
    "changed",
    "unchanged",
)


# --- the rules of thumb, one function each (also behind the Excel functions) ---------------


def vcio_price(msp_mrr: Decimal, ratio: Decimal = Decimal("0.20")) -> Decimal:
    """The 20 % rule: stand-alone vCIO MRR = ratio × managed-services MRR, to the cent."""
    return round_money(msp_mrr * ratio)


def vcio_hours(mrr: Decimal, rate: Decimal = Decimal("200")) -> Decimal:
    """Yearly vCIO hours an MRR pays for at an internal planning rate: MRR × 12 / rate."""
    if rate <= 0:
        raise ValueError("rate must be > 0")
    return mrr * 12 / rate


def monthly(annual: Decimal) -> Decimal:
    """MRR from an annual amount: annual / 12, to the cent."""
    return round_money(annual / 12)


def annual_hours(hours_per_occurrence: Decimal, per_year: int) -> Decimal:
    return hours_per_occurrence * per_year


def recommend(employees: int, packages: Iterable[Package], advisory_name: str) -> str:
    """The package with the largest minimum head count not above ``employees``."""
    fitting = [p for p in packages if p.min_employees <= employees]
    if not fitting:
        return advisory_name
    return max(fitting, key=lambda p: p.min_employees).name


def viability(hours: Decimal, floor: Decimal) -> str:
    """Below the floor of yearly vCIO hours nothing can be achieved (DOMAIN.md §2)."""
    return BELOW_FLOOR if hours < floor else OK


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineResult:
    occurrences: int
    annual_hours: Decimal
    annual_amount: Decimal


@dataclass(frozen=True)
class PackageResult:
    annual_hours: Decimal
    annual_amount: Decimal
    mrr: Decimal
    viability: str


@dataclass(frozen=True)
class AgreementLineResult:
    template: str
    occurrences: int
    annual_hours: Decimal
    annual_amount: Decimal
    template_hours: Decimal
    template_amount: Decimal
    difference: Decimal
    change: str


@dataclass(frozen=True)
class ClientResult:
    msp_mrr_effective: Decimal
    vcio_rule_mrr: Decimal
    rule_hours: Decimal
    agreement_hours: Decimal
    agreement_mrr: Decimal
    template_mrr: Decimal
    difference: Decimal
    viability: str
    recommended: str


@dataclass(frozen=True)
class PricingResults:
    lines: tuple[LineResult, ...]
    packages: tuple[PackageResult, ...]
    agreement_lines: tuple[AgreementLineResult, ...]
    clients: tuple[ClientResult, ...]
    total_msp_mrr: Decimal
    total_rule_mrr: Decimal
    total_agreement_mrr: Decimal


def client_msp_mrr(client: Client) -> Decimal:
    """The MRR given, else users × price per user (to the cent)."""
    if client.msp_mrr is not None:
        return client.msp_mrr
    return round_money(Decimal(client.users or 0) * (client.price_per_user or Decimal(0)))


def calculate(book: PricingBook) -> PricingResults:
    s = book.settings
    per_year = {key(c.name): c.per_year for c in book.cycles}

    def occurrences(cycle: str) -> int:
        return per_year.get(key(cycle), 0)

    lines = tuple(_line(line, occurrences(line.cycle)) for line in book.service_lines)
    by_package = _group([line.package for line in book.service_lines], lines)
    packages = []
    for p in book.packages:
        mine = by_package.get(key(p.name), [])
        hours = sum((r.annual_hours for r in mine), Decimal(0))
        amount = sum((r.annual_amount for r in mine), Decimal(0))
        packages.append(
            PackageResult(hours, amount, monthly(amount), viability(hours, s.viability_floor_hours))
        )
    template_of = {key(c.name): c.package for c in book.clients}
    template_index: dict[tuple[str, str], LineResult] = {}
    for line, r in zip(book.service_lines, lines, strict=True):
        template_index.setdefault((key(line.package), key(line.name)), r)

    agreement = tuple(
        _agreement_line(a, template_of.get(key(a.client), ""), occurrences(a.cycle), template_index)
        for a in book.agreement_lines
    )
    package_mrr = {key(p.name): r.mrr for p, r in zip(book.packages, packages, strict=True)}
    by_client = _group([a.client for a in book.agreement_lines], agreement)
    clients = []
    for c in book.clients:
        msp = client_msp_mrr(c)
        rule = vcio_price(msp, s.vcio_ratio)
        mine_a = by_client.get(key(c.name), [])
        hours = sum((r.annual_hours for r in mine_a), Decimal(0))
        mrr = monthly(sum((r.annual_amount for r in mine_a), Decimal(0)))
        template_mrr = package_mrr.get(key(c.package), Decimal(0))
        clients.append(
            ClientResult(
                msp_mrr_effective=msp,
                vcio_rule_mrr=rule,
                rule_hours=vcio_hours(rule, s.planning_rate),
                agreement_hours=hours,
                agreement_mrr=mrr,
                template_mrr=template_mrr,
                difference=mrr - template_mrr,
                viability=viability(hours, s.viability_floor_hours),
                recommended=recommend(c.employees, book.packages, s.advisory_name),
            )
        )
    return PricingResults(
        lines=lines,
        packages=tuple(packages),
        agreement_lines=agreement,
        clients=tuple(clients),
        total_msp_mrr=sum((c.msp_mrr_effective for c in clients), Decimal(0)),
        total_rule_mrr=sum((c.vcio_rule_mrr for c in clients), Decimal(0)),
        total_agreement_mrr=sum((c.agreement_mrr for c in clients), Decimal(0)),
    )


def _group(owners: list[str], results: Sequence[R]) -> dict[str, list[R]]:
    """Results grouped by their owner's name (one pass: a portfolio may be large)."""
    groups: dict[str, list[R]] = defaultdict(list)
    for owner, result in zip(owners, results, strict=True):
        groups[key(owner)].append(result)
    return groups


def _line(line: ServiceLine, per_year: int) -> LineResult:
    hours = annual_hours(line.hours, per_year)
    return LineResult(per_year, hours, hours * line.rate)


def _agreement_line(
    a: AgreementLine, template: str, per_year: int, index: dict[tuple[str, str], LineResult]
) -> AgreementLineResult:
    base = index.get((key(template), key(a.name)))
    t_hours = base.annual_hours if base else Decimal(0)
    t_amount = base.annual_amount if base else Decimal(0)
    hours = annual_hours(a.hours, per_year) if a.included else Decimal(0)
    amount = hours * a.rate
    if not a.included:
        change = REMOVED if base else EXCLUDED
    elif base is None:
        change = ADDED
    elif amount == t_amount and hours == t_hours:
        change = UNCHANGED
    else:
        change = CHANGED
    return AgreementLineResult(
        template, per_year, hours, amount, t_hours, t_amount, amount - t_amount, change
    )


# --- customised agreements ------------------------------------------------------------------


def agreement_from_template(
    client: str,
    package: str,
    service_lines: Sequence[ServiceLine],
) -> list[AgreementLine]:
    """A client's agreement starts as a copy of its package's template lines."""
    return [
        AgreementLine(client=client, name=s.name, cycle=s.cycle, hours=s.hours, rate=s.rate)
        for s in service_lines
        if key(s.package) == key(package)
    ]


# --- rules a valid book keeps ---------------------------------------------------------------


def check(book: PricingBook) -> list[Problem]:
    """Cross-table rules pydantic cannot see: unknown names, duplicates, missing MRR."""
    out: list[Problem] = []
    cycle_hint = "; use one of " + ", ".join(c.name for c in book.cycles)

    def dupes(table: str, keys: list[str], shown: list[str], what: str, col: str = "name") -> None:
        for idxs in duplicates(keys).values():
            for i in idxs[1:]:
                out.append(Problem((table, i, col), f"{what} {shown[i]} appears more than once"))

    def unknown(table: str, refs: list[str], known: list[str], col: str, what: str, hint: str = "") -> None:
        names = {key(n) for n in known}
        for i, ref in enumerate(refs):
            if key(ref) not in names:
                out.append(Problem((table, i, col), f"unknown {what} {ref!r}{hint}"))

    for table, items in (
        ("cycles", book.cycles),
        ("packages", book.packages),
        ("clients", book.clients),
        ("projects", book.projects),
    ):
        names = [x.name for x in items]
        dupes(table, names, [repr(n) for n in names], table.rstrip("s"))
    mins = [str(p.min_employees) for p in book.packages]
    for idxs in duplicates(mins).values():
        for i in idxs[1:]:
            out.append(
                Problem(
                    ("packages", i, "min_employees"),
                    "two packages start at the same head count; the recommendation needs distinct minimums",
                )
            )
    lines = book.service_lines
    dupes(
        "service_lines",
        [f"{s.package}\x00{s.name}" for s in lines],
        [f"{s.name!r} of {s.package!r}" for s in lines],
        "service line",
    )
    agreement = book.agreement_lines
    dupes(
        "agreement_lines",
        [f"{a.client}\x00{a.name}" for a in agreement],
        [f"{a.name!r} of {a.client!r}" for a in agreement],
        "agreement line",
    )
    packages = [p.name for p in book.packages]
    cycles = [c.name for c in book.cycles]
    unknown("service_lines", [s.package for s in lines], packages, "package", "package")
    unknown("service_lines", [s.cycle for s in lines], cycles, "cycle", "cycle", cycle_hint)
    unknown("clients", [c.package for c in book.clients], packages, "package", "package")
    for i, c in enumerate(book.clients):
        if c.msp_mrr is None and (c.users is None or c.price_per_user is None):
            out.append(
                Problem(("clients", i, "msp_mrr"), "give the MSP MRR, or both users and price per user")
            )
    unknown(
        "agreement_lines", [a.client for a in agreement], [c.name for c in book.clients], "client", "client"
    )
    unknown("agreement_lines", [a.cycle for a in agreement], cycles, "cycle", "cycle", cycle_hint)
    return out
