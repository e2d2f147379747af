"""Responsibility-matrix rules and analyses (DOMAIN.md §4), pure.

Per area: how many accountable (A, counting A/R) and responsible (R, counting A/R) parties,
and the rule status. Per party: load (count and share of areas where it is A and R),
overload above a threshold, parties with nothing, single points of failure (the only R on
many high-criticality areas). Per category: coverage (share of areas that keep the rules).
Each has a twin formula in the RACI workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_engage.issues import Problem
from xl_engage.models.base import duplicates, key
from xl_engage.models.raci import Area, RaciBook

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


def calculate(book: RaciBook) -> RaciResults:
    """One pass over the codes: per-area counts, per-party counters, per-category groups."""
    index: dict[str, int | None] = {key(p.name): j for j, p in enumerate(book.parties)}
    counts = [dict.fromkeys(("A", "R", "C", "I", "sole"), 0) for _ in book.parties]
    areas = []
    groups: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    for a in book.areas:
        held = [
            (index[name] if name in index else index.setdefault(name, index.get(key(name))), code)
            for name, code in a.codes.items()
        ]
        a_n = sum(code in ("A", "A/R") for _, code in held)
        r_n = sum(code in ("R", "A/R") for _, code in held)
        res = AreaResult(a_n, r_n, area_status(a_n, r_n))
        areas.append(res)
        for j, code in held:
            if j is None:
                continue
            c = counts[j]
            for letter in ("A", "R") if code == "A/R" else (code,):
                c[letter] += 1
            if code in ("R", "A/R") and r_n == 1 and a.criticality == "high":
                c["sole"] += 1
        cat = key(a.category)
        names.setdefault(cat, a.category)
        groups.setdefault(cat, [0, 0])
        groups[cat][0] += 1
        groups[cat][1] += res.status == OK
    total = len(book.areas)
    settings = book.settings
    parties = []
    for c in counts:
        share_a, share_r = _share(c["A"], total), _share(c["R"], total)
        assigned = c["A"] + c["R"] + c["C"] + c["I"]
        parties.append(
            PartyResult(
                c["A"],
                c["R"],
                c["C"],
                c["I"],
                share_a,
                share_r,
                c["sole"],
                party_load(
                    share_a,
                    share_r,
                    assigned,
                    c["sole"],
                    settings.overload_threshold,
                    settings.spof_threshold,
                ),
            )
        )
    cats = tuple(CategoryResult(names[k], n, ok, _share(ok, n)) for k, (n, ok) in groups.items())
    return RaciResults(tuple(areas), tuple(parties), cats, sum(r.status == OK for r in areas))


def findings(book: RaciBook, results: RaciResults | None = None) -> list[Problem]:
    """Every broken rule and every analysis result, as warnings located at their row."""
    r = results or calculate(book)
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
