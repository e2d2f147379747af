"""Responsibility-matrix rules and analyses (DOMAIN.md §4), pure.

Per area: how many accountable (A, counting A/R) and responsible (R, counting A/R) parties,
and the rule status. Per party: load (count and share of areas where it is A and R),
overload above a threshold, parties with nothing, single points of failure (the only R on
many high-criticality areas). Per category: coverage (share of areas that keep the rules).
Each has a twin formula in the RACI workbook.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from xl_engage.issues import Problem
from xl_engage.models.base import duplicates, key
from xl_engage.models.raci import Area, Party, RaciBook

OK = "OK"
NO_A, SEVERAL_A, NO_R = "No accountable", "Several accountable", "No responsible"
OVERLOADED, IDLE = "Overloaded", "Nothing assigned"
SPOF = "Single point of failure"


def accountable(area: Area) -> list[str]:
    return [p for p, c in area.codes.items() if c in ("A", "A/R")]


def responsible(area: Area) -> list[str]:
    return [p for p, c in area.codes.items() if c in ("R", "A/R")]


def area_status(a_count: int, r_count: int) -> str:
    if a_count == 0:
        return NO_A
    if a_count > 1:
        return SEVERAL_A
    return NO_R if r_count == 0 else OK


@dataclass(frozen=True)
class AreaResult:
    a_count: int
    r_count: int
    status: str


@dataclass(frozen=True)
class PartyResult:
    a_count: int
    r_count: int
    c_count: int
    i_count: int
    share_a: Decimal
    share_r: Decimal
    sole_r_high: int
    load: str


@dataclass(frozen=True)
class CategoryResult:
    category: str
    areas: int
    ok: int
    coverage: Decimal


@dataclass(frozen=True)
class RaciResults:
    areas: tuple[AreaResult, ...]
    parties: tuple[PartyResult, ...]
    categories: tuple[CategoryResult, ...]
    ok_areas: int


def party_load(
    share_a: Decimal,
    share_r: Decimal,
    assigned: int,
    sole_r_high: int,
    threshold: Decimal,
    spof_threshold: int,
) -> str:
    if assigned == 0:
        return IDLE
    if share_a > threshold or share_r > threshold:
        return OVERLOADED
    if sole_r_high >= spof_threshold:
        return SPOF
    return OK


def _share(count: int, total: int) -> Decimal:
    return Decimal(count) / Decimal(total) if total else Decimal(0)


def categories_of(areas: Iterable[Area]) -> list[str]:
    seen: dict[str, str] = {}
    for a in areas:
        seen.setdefault(key(a.category), a.category)
    return list(seen.values())


def calculate(book: RaciBook) -> RaciResults:
    areas = tuple(
        AreaResult(
            len(accountable(a)), len(responsible(a)), area_status(len(accountable(a)), len(responsible(a)))
        )
        for a in book.areas
    )
    total = len(book.areas)
    parties = []
    for p in book.parties:
        codes = [_code(a, p) for a in book.areas]
        a_n = sum(c in ("A", "A/R") for c in codes)
        r_n = sum(c in ("R", "A/R") for c in codes)
        c_n, i_n = codes.count("C"), codes.count("I")
        sole = sum(
            1
            for a, c, res in zip(book.areas, codes, areas, strict=True)
            if a.criticality == "high" and c in ("R", "A/R") and res.r_count == 1
        )
        share_a, share_r = _share(a_n, total), _share(r_n, total)
        parties.append(
            PartyResult(
                a_n,
                r_n,
                c_n,
                i_n,
                share_a,
                share_r,
                sole,
                party_load(
                    share_a,
                    share_r,
                    a_n + r_n + c_n + i_n,
                    sole,
                    book.settings.overload_threshold,
                    book.settings.spof_threshold,
                ),
            )
        )
    cats = []
    for cat in categories_of(book.areas):
        mine = [r for a, r in zip(book.areas, areas, strict=True) if key(a.category) == key(cat)]
        ok = sum(r.status == OK for r in mine)
        cats.append(CategoryResult(cat, len(mine), ok, _share(ok, len(mine))))
    return RaciResults(areas, tuple(parties), tuple(cats), sum(r.status == OK for r in areas))


def _code(area: Area, party: Party) -> str | None:
    for name, code in area.codes.items():
        if key(name) == key(party.name):
            return code
    return None


def findings(book: RaciBook) -> list[Problem]:
    """Every broken rule and every analysis result, as warnings located at their row."""
    r = calculate(book)
    out: list[Problem] = []
    for i, (a, res) in enumerate(zip(book.areas, r.areas, strict=True)):
        if res.status == SEVERAL_A:
            out.append(
                Problem(
                    ("areas", i, "name"),
                    f"{a.name!r} has {res.a_count} accountable parties: {', '.join(accountable(a))}",
                    "warning",
                )
            )
        elif res.status == NO_A:
            out.append(Problem(("areas", i, "name"), f"{a.name!r} has no accountable party", "warning"))
        if res.r_count == 0:
            out.append(Problem(("areas", i, "name"), f"{a.name!r} has no responsible party", "warning"))
    for j, (p, pr) in enumerate(zip(book.parties, r.parties, strict=True)):
        if pr.load == IDLE:
            out.append(Problem(("parties", j, "name"), f"{p.name} has no responsibilities", "warning"))
        elif pr.load == OVERLOADED:
            out.append(
                Problem(
                    ("parties", j, "name"),
                    f"{p.name} is overloaded: accountable for {pr.share_a:.0%} and responsible "
                    f"for {pr.share_r:.0%} of areas",
                    "warning",
                )
            )
        if pr.sole_r_high >= book.settings.spof_threshold:
            out.append(
                Problem(
                    ("parties", j, "name"),
                    f"{p.name} is the only responsible party on {pr.sole_r_high} high-criticality "
                    "areas (single point of failure)",
                    "warning",
                )
            )
    return out


def check(book: RaciBook) -> list[Problem]:
    """Input errors (duplicates, an empty matrix), then the findings as warnings."""
    out: list[Problem] = []
    if not book.areas:
        out.append(Problem(("areas",), "the matrix has no responsibility areas"))
    names = [p.name for p in book.parties]
    out += [
        Problem(("parties", i, "name"), f"party {names[i]!r} appears more than once")
        for idxs in duplicates(names).values()
        for i in idxs[1:]
    ]
    pairs = [f"{a.category}\x00{a.name}" for a in book.areas]
    out += [
        Problem(
            ("areas", i, "name"),
            f"area {book.areas[i].name!r} appears more than once in {book.areas[i].category!r}",
        )
        for idxs in duplicates(pairs).values()
        for i in idxs[1:]
    ]
    return out + findings(book)
