"""Playbook objectives and progress from the client portfolio (DOMAIN.md §5), pure.

Each client gets a meeting cadence from the first rule it matches (cadence is not linear
in MRR: complexity matters more). A vCIO's annual objective per activity is the sum over
their clients: touches = touches a month × 12; meetings = meetings a year; tech summaries,
budgets, proposals and escalations from the yearly counts per client.

Progress through the year is measured at the end of the *as-of* month: the expected count
to date is objective × months elapsed / 12, the weekly rate still needed is what is left
of the objective over the working weeks left (at least one). Capacity compares a vCIO's
clients and MRR with the reference (40 clients, $120,000) within a tolerance; the NRR
target is a share of the MRR. Every figure here is also a live formula in the workbook.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from xl_engage.calc.fiscal import add_months
from xl_engage.issues import Problem
from xl_engage.models.base import duplicates, key
from xl_engage.models.playbook import (
    ACTIVITY_KEYS,
    CadenceRule,
    MonthActuals,
    PlaybookBook,
    PlaybookSettings,
    PlaybookYear,
    PortfolioClient,
    Yearly,
)

OVER, UNDER, OK = "Over capacity", "Under capacity", "OK"
ON_TRACK, BEHIND = "On track", "Behind"
NO_RULE = "No rule"
MAX_TEAM = 60
"""vCIOs in one workbook: the roll-up adds every vCIO's table in one formula, and Excel
allows 8,192 characters in a formula. A larger firm builds one workbook per team."""
ALL_VCIOS = "All vCIOs"


@dataclass(frozen=True)
class Cadence:
    rule: str
    meetings_per_year: int
    touches_per_month: int


def matches(rule: CadenceRule, mrr: Decimal, users: int | None, complexity: int) -> bool:
    """Every bound the rule sets holds (a blank bound holds; unknown users count as 0)."""
    n = users or 0
    bounds = (
        (rule.min_complexity, complexity, rule.max_complexity),
        (rule.min_mrr, mrr, rule.max_mrr),
        (rule.min_users, n, rule.max_users),
    )
    return all((lo is None or lo <= v) and (hi is None or v <= hi) for lo, v, hi in bounds)


def cadence(mrr: Decimal, users: int | None, complexity: int, rules: Sequence[CadenceRule]) -> Cadence | None:
    """The first rule the client matches, or None."""
    for r in rules:
        if matches(r, mrr, users, complexity):
            return Cadence(r.name, r.meetings_per_year, r.touches_per_month)
    return None


@dataclass(frozen=True)
class ClientPlan:
    """A client's cadence and yearly counts (the Portfolio table's live columns)."""

    rule: str
    meetings_year: int
    touches_month: int
    touches_year: int
    escalations_year: int
    tech_summaries_year: int
    budgets_year: int
    proposals_year: int

    def objectives(self) -> dict[str, int]:
        return {
            "touches": self.touches_year,
            "escalations": self.escalations_year,
            "meetings": self.meetings_year,
            "tech_summaries": self.tech_summaries_year,
            "budgets": self.budgets_year,
            "proposals": self.proposals_year,
        }


def client_plan(client: PortfolioClient, rules: Sequence[CadenceRule], yearly: Yearly) -> ClientPlan:
    c = cadence(client.mrr, client.users, client.complexity, rules) or Cadence(NO_RULE, 0, 0)
    return ClientPlan(
        c.rule,
        c.meetings_per_year,
        c.touches_per_month,
        12 * c.touches_per_month,
        yearly.escalations,
        yearly.tech_summaries,
        yearly.budgets,
        yearly.proposals,
    )


def meetings_in_month(meetings_per_year: int, index: int) -> int:
    """Meetings planned in month ``index`` (0–11) when spread evenly from the first month:
    ceil((i+1)·n/12) − ceil(i·n/12), so quarterly meetings fall in months 1, 4, 7, 10."""
    n = meetings_per_year
    return -((-(index + 1) * n) // 12) + ((-index * n) // 12)


def budget_month(year: PlaybookYear, fiscal_year_start_month: int) -> dt.date:
    """The month within the playbook year before the client's fiscal year starts: when its
    budget for the coming fiscal year should be presented."""
    due = (fiscal_year_start_month - 2) % 12 + 1
    offset = (due - year.first_month.month) % 12
    return add_months(year.first_month, offset)


def weekly_rate(objective: Decimal | int, done: Decimal | int = 0, weeks_left: Decimal | int = 48) -> Decimal:
    """What is left to do per remaining week (never negative)."""
    if weeks_left <= 0:
        raise ValueError("weeks_left must be > 0")
    return max(Decimal(objective) - Decimal(done), Decimal(0)) / Decimal(weeks_left)


def capacity(clients: Decimal | int, mrr: Decimal, settings: PlaybookSettings) -> str:
    """Over if clients or MRR exceed the reference by more than the tolerance; under if both
    fall short of it by more than the tolerance."""
    tol = settings.capacity_tolerance
    cap_c, cap_m = Decimal(settings.capacity_clients), settings.capacity_mrr
    if clients > cap_c * (1 + tol) or mrr > cap_m * (1 + tol):
        return OVER
    if clients < cap_c * (1 - tol) and mrr < cap_m * (1 - tol):
        return UNDER
    return OK


def months_elapsed(year: PlaybookYear) -> int:
    """Months of the year up to and including the as-of month (0 before it starts, 12 after)."""
    f, a = year.first_month, year.as_of
    return max(0, min(12, (a.year - f.year) * 12 + a.month - f.month + 1))


def weeks_left(settings: PlaybookSettings, elapsed: int) -> Decimal:
    """Working weeks left in the year, at least one (the last week still counts)."""
    return max(Decimal(settings.working_weeks) * (12 - elapsed) / 12, Decimal(1))


@dataclass(frozen=True)
class TeamRow:
    """A vCIO's load (the Team table's live columns)."""

    clients: int
    mrr_total: Decimal
    capacity: str
    nrr_min: Decimal
    nrr_target: Decimal


@dataclass(frozen=True)
class Status:
    """One activity's standing for a vCIO (or the team)."""

    objective: int
    weekly_plan: Decimal
    total: int
    pct: Decimal
    expected: Decimal
    to_date: int
    on_track: str
    weekly_needed: Decimal


@dataclass(frozen=True)
class Progress:
    """A vCIO's (or the team's) counts by month, status by activity, cumulative % by month."""

    name: str
    by_month: dict[dt.date, dict[str, int]]
    status: dict[str, Status]
    cumulative: dict[dt.date, dict[str, Decimal]]


@dataclass(frozen=True)
class PlaybookResult:
    clients: list[ClientPlan]
    team: list[TeamRow]
    months: tuple[dt.date, ...]
    elapsed: int
    progress_end: dt.date
    weeks_left: Decimal
    vcios: list[Progress]
    total: Progress
    team_size: int
    team_clients: int
    team_mrr: Decimal
    team_capacity: str
    schedule: list[list[int]] = field(default_factory=list)
    budget_due: list[dt.date] = field(default_factory=list)


def _progress(
    name: str,
    objective: dict[str, int],
    actuals: Iterable[MonthActuals],
    months: Sequence[dt.date],
    settings: PlaybookSettings,
    elapsed: int,
    left: Decimal,
) -> Progress:
    by_month = {m: dict.fromkeys(ACTIVITY_KEYS, 0) for m in months}
    for row in actuals:
        if row.month in by_month:
            for k, v in row.typed().items():
                by_month[row.month][k] += v
    done = set(months[:elapsed])
    status: dict[str, Status] = {}
    for k in ACTIVITY_KEYS:
        obj = objective[k]
        total = sum(by_month[m][k] for m in months)
        to_date = sum(by_month[m][k] for m in done)
        expected = Decimal(obj) * elapsed / 12
        status[k] = Status(
            obj,
            Decimal(obj) / settings.working_weeks,
            total,
            Decimal(total) / obj if obj else Decimal(0),
            expected,
            to_date,
            ON_TRACK if to_date >= expected else BEHIND,
            weekly_rate(obj, total, left),
        )
    cumulative: dict[dt.date, dict[str, Decimal]] = {}
    running = dict.fromkeys(ACTIVITY_KEYS, 0)
    for m in months:
        for k in ACTIVITY_KEYS:
            running[k] += by_month[m][k]
        cumulative[m] = {
            k: Decimal(running[k]) / objective[k] if objective[k] else Decimal(0) for k in ACTIVITY_KEYS
        }
    return Progress(name, by_month, status, cumulative)


def calculate(book: PlaybookBook) -> PlaybookResult:
    plans = [client_plan(c, book.cadence, book.yearly) for c in book.clients]
    months = book.year.months
    elapsed = months_elapsed(book.year)
    left = weeks_left(book.settings, elapsed)
    team: list[TeamRow] = []
    vcios: list[Progress] = []
    for v in book.team:
        mine = [i for i, c in enumerate(book.clients) if key(c.vcio) == key(v.name)]
        mrr = sum((book.clients[i].mrr for i in mine), Decimal(0))
        team.append(
            TeamRow(
                len(mine),
                mrr,
                capacity(len(mine), mrr, book.settings),
                mrr * book.settings.nrr_share_min,
                mrr * book.settings.nrr_share_target,
            )
        )
        objective = _sum_objectives(plans[i] for i in mine)
        actuals = [a for a in book.actuals if key(a.vcio) == key(v.name)]
        vcios.append(_progress(v.name, objective, actuals, months, book.settings, elapsed, left))
    total = _progress(ALL_VCIOS, _sum_objectives(plans), book.actuals, months, book.settings, elapsed, left)
    n = max(len(book.team), 1)
    mrr = sum((c.mrr for c in book.clients), Decimal(0))
    return PlaybookResult(
        clients=plans,
        team=team,
        months=months,
        elapsed=elapsed,
        progress_end=add_months(book.year.first_month, elapsed),
        weeks_left=left,
        vcios=vcios,
        total=total,
        team_size=len(book.team),
        team_clients=len(book.clients),
        team_mrr=mrr,
        team_capacity=capacity(Decimal(len(book.clients)) / n, mrr / n, book.settings),
        schedule=[[meetings_in_month(p.meetings_year, i) for i in range(12)] for p in plans],
        budget_due=[budget_month(book.year, c.fiscal_year_start_month) for c in book.clients],
    )


def _sum_objectives(plans: Iterable[ClientPlan]) -> dict[str, int]:
    sums = dict.fromkeys(ACTIVITY_KEYS, 0)
    for p in plans:
        for k, n in p.objectives().items():
            sums[k] += n
    return sums


def _duplicates(book: PlaybookBook) -> list[Problem]:
    out = []
    for field_, label, names in (
        ("clients", "client", [c.name for c in book.clients]),
        ("team", "vCIO", [v.name for v in book.team]),
        ("cadence", "cadence rule", [r.name for r in book.cadence]),
    ):
        out += [
            Problem((field_, i, "name"), f"{label} {names[i]!r} appears more than once")
            for idxs in duplicates(names).values()
            for i in idxs[1:]
        ]
    return out


def _rule_bounds(book: PlaybookBook) -> list[Problem]:
    out = []
    for i, r in enumerate(book.cadence):
        for lo, hi, what in (
            ("min_complexity", "max_complexity", "complexity"),
            ("min_mrr", "max_mrr", "MRR"),
            ("min_users", "max_users", "users"),
        ):
            a, b = getattr(r, lo), getattr(r, hi)
            if a is not None and b is not None and a > b:
                out.append(
                    Problem(
                        ("cadence", i, hi), f"rule {r.name!r}: maximum {what} {b} is below the minimum {a}"
                    )
                )
    return out


def _clients(book: PlaybookBook) -> list[Problem]:
    out = []
    roster = {key(v.name) for v in book.team}
    for i, c in enumerate(book.clients):
        if key(c.vcio) not in roster:
            out.append(
                Problem(("clients", i, "vcio"), f"vCIO {c.vcio!r} of {c.name!r} is not on the team roster")
            )
        if book.cadence and cadence(c.mrr, c.users, c.complexity, book.cadence) is None:
            out.append(
                Problem(
                    ("clients", i, "complexity"),
                    f"no cadence rule fits {c.name!r} (MRR {c.mrr}, users {c.users or 0}, "
                    f"complexity {c.complexity}); add a rule without bounds as the last one",
                )
            )
    return out


def _actuals(book: PlaybookBook, today: dt.date) -> list[Problem]:
    out = []
    roster = {key(v.name) for v in book.team}
    months = set(book.year.months)
    first, last = book.year.months[0], book.year.months[-1]
    seen: set[tuple[str, dt.date]] = set()
    for i, a in enumerate(book.actuals):
        if key(a.vcio) not in roster:
            out.append(Problem(("actuals", i, "vcio"), f"vCIO {a.vcio!r} is not on the team roster"))
        if a.month not in months and a.typed():  # a blank row of another year is harmless
            out.append(
                Problem(
                    ("actuals", i, "month"),
                    f"{a.month:%B %Y} is outside the playbook year ({first:%b %Y}–{last:%b %Y})",
                )
            )
        if (key(a.vcio), a.month) in seen:
            out.append(Problem(("actuals", i, "month"), f"{a.vcio}'s {a.month:%B %Y} appears more than once"))
        seen.add((key(a.vcio), a.month))
        typed = a.typed()
        if typed and a.month > today.replace(day=1):
            out.append(
                Problem(
                    ("actuals", i, next(iter(typed))),
                    f"counts typed for {a.month:%B %Y}, which has not started yet (today is {today})",
                    "warning",
                )
            )
    return out


def check(book: PlaybookBook, today: dt.date | None = None) -> list[Problem]:
    """Input errors (duplicates, unknown vCIOs, months outside the year, clients no rule
    fits), then warnings (a vCIO with no clients, counts typed for a month after today)."""
    out: list[Problem] = []
    if not book.clients:
        out.append(Problem(("clients",), "the portfolio has no clients"))
    if not book.cadence:
        out.append(Problem(("cadence",), "there are no cadence rules"))
    if len(book.team) > MAX_TEAM:
        out.append(
            Problem(
                ("team",),
                f"{len(book.team)} vCIOs: one playbook holds at most {MAX_TEAM}; build one per team",
            )
        )
    out += _duplicates(book) + _rule_bounds(book) + _clients(book) + _actuals(book, today or dt.date.today())
    with_clients = {key(c.vcio) for c in book.clients}
    out += [
        Problem(("team", i, "name"), f"vCIO {v.name!r} has no clients in the portfolio", "warning")
        for i, v in enumerate(book.team)
        if key(v.name) not in with_clients
    ]
    return out
