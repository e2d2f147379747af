"""Playbook objectives from the client portfolio (DOMAIN.md §5), pure.

Each client gets a meeting cadence from the first rule it matches (complexity first, MRR
second: cadence is not linear in MRR). A vCIO's annual objective per activity is the sum
over their clients: touches = touches a month × 12; meetings = meetings a year; tech
summaries, budgets, proposals and escalations from the yearly counts. The weekly rate is
objective / working weeks. Capacity compares a vCIO's clients and MRR with the reference
(40 clients, $120,000), within a tolerance. The NRR target is a share of the MRR.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from xl_engage.models.base import key
from xl_engage.models.playbook import ACTIVITIES, CadenceRule, PlaybookSettings, PortfolioClient, Yearly

OVER, UNDER, OK = "Over capacity", "Under capacity", "OK"


@dataclass(frozen=True)
class Cadence:
    rule: str
    meetings_per_year: int
    touches_per_month: int


def cadence(mrr: Decimal, complexity: int, rules: Sequence[CadenceRule]) -> Cadence:
    """The first rule the client matches; a client no rule matches is an error."""
    for r in rules:
        if complexity >= r.min_complexity and mrr >= r.min_mrr and (r.max_mrr is None or mrr <= r.max_mrr):
            return Cadence(r.name, r.meetings_per_year, r.touches_per_month)
    raise ValueError(f"no cadence rule matches MRR {mrr} and complexity {complexity}")


def client_objectives(
    client: PortfolioClient, rules: Sequence[CadenceRule], yearly: Yearly
) -> dict[str, int]:
    c = cadence(client.mrr, client.complexity, rules)
    return {
        "touches": 12 * c.touches_per_month,
        "escalations": yearly.escalations,
        "meetings": c.meetings_per_year,
        "tech_summaries": yearly.tech_summaries,
        "budgets": yearly.budgets,
        "proposals": yearly.proposals,
    }


def weekly_rate(objective: Decimal | int, done: Decimal | int = 0, weeks_left: Decimal | int = 48) -> Decimal:
    """What is left to do per remaining week (never negative)."""
    if weeks_left <= 0:
        raise ValueError("weeks_left must be > 0")
    return max(Decimal(objective) - Decimal(done), Decimal(0)) / Decimal(weeks_left)


def capacity(clients: int, mrr: Decimal, settings: PlaybookSettings) -> str:
    """Over if clients or MRR exceed the reference by more than the tolerance; under if both
    fall short by more than it."""
    tol = settings.capacity_tolerance
    c_ratio = Decimal(clients) / settings.capacity_clients
    m_ratio = mrr / settings.capacity_mrr if settings.capacity_mrr else Decimal(0)
    if c_ratio > 1 + tol or m_ratio > 1 + tol:
        return OVER
    if c_ratio < 1 - tol and m_ratio < 1 - tol:
        return UNDER
    return OK


@dataclass(frozen=True)
class VcioObjectives:
    vcio: str
    clients: int
    mrr: Decimal
    objectives: dict[str, int]
    weekly: dict[str, Decimal]
    capacity: str
    nrr_min_month: Decimal
    nrr_target_month: Decimal


def objectives(
    clients: Iterable[PortfolioClient],
    rules: Sequence[CadenceRule],
    yearly: Yearly,
    settings: PlaybookSettings,
) -> list[VcioObjectives]:
    """Per vCIO (in order of first appearance), then the total as the last entry, "All vCIOs"."""
    by: dict[str, list[PortfolioClient]] = {}
    names: dict[str, str] = {}
    for c in clients:
        names.setdefault(key(c.vcio), c.vcio)
        by.setdefault(key(c.vcio), []).append(c)
    out = [_summary(names[k], group, rules, yearly, settings) for k, group in by.items()]
    everyone = [c for group in by.values() for c in group]
    total = _summary("All vCIOs", everyone, rules, yearly, settings, vcios=max(len(by), 1))
    return [*out, total]


def _summary(
    name: str,
    clients: list[PortfolioClient],
    rules: Sequence[CadenceRule],
    yearly: Yearly,
    settings: PlaybookSettings,
    vcios: int = 1,
) -> VcioObjectives:
    """One vCIO's objectives; for the whole team, capacity is judged per vCIO on average."""
    sums = dict.fromkeys((a for a, _ in ACTIVITIES), 0)
    for c in clients:
        for activity, n in client_objectives(c, rules, yearly).items():
            sums[activity] += n
    mrr = sum((c.mrr for c in clients), Decimal(0))
    weeks = settings.working_weeks
    return VcioObjectives(
        name,
        len(clients),
        mrr,
        sums,
        {a: weekly_rate(n, 0, weeks) for a, n in sums.items()},
        capacity(len(clients) // vcios, mrr / vcios, settings),
        mrr * settings.nrr_share_min,
        mrr * settings.nrr_share_target,
    )
