"""The vCIO playbook workbook (DOMAIN.md §5): objectives from the portfolio, tracked monthly.

Sheets:

- **Summary**: the team roster with each vCIO's live load (clients, MRR, capacity, NRR
  target), and the roll-up in the reference layout (annual objective, the twelve months,
  totals) plus progress rows, as formulas over every vCIO's actuals table; a chart.
- **One sheet per vCIO**, in the TruMethods "vCIO Playbook Annual Summary" layout: the
  annual objective row, the twelve months in fiscal order (the yellow cells the vCIO types,
  an Excel table ``Actuals_<n>_<name>``), then totals, % of objective, expected and actual
  to date, on-track status and the weekly rate still needed; cumulative progress as a chart.
- **Portfolio**: the clients with their live cadence and yearly counts.
- **Cadence**: the rules (first match wins) and the yearly counts per client.
- **Schedule**: each client's planned meetings by month.
- **Settings**: the year, the as-of date, working weeks, capacity and NRR parameters.

The actuals of all vCIOs are one list in the model; in the workbook each vCIO's rows are a
table on their own sheet (a table family), so a vCIO types where they read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_engage.calc import playbook as calc
from xl_engage.kinds import Kind
from xl_engage.kinds.common import (
    col,
    extras,
    first_match,
    lookup,
    months_from,
    rows,
    table,
    this,
    with_formulas,
)
from xl_engage.layout import (
    CALCULATED,
    LABELS,
    Block,
    Book,
    Cells,
    CellSpec,
    Chart,
    Column,
    Grid,
    GridCell,
    GridColumn,
    GridFormula,
    Schema,
    Series,
    Sheet,
    Table,
    TableSpec,
    Title,
    at_cell,
    constant,
)
from xl_engage.models.base import field_at, key, trim
from xl_engage.models.playbook import ACTIVITIES, ACTIVITY_KEYS, MonthActuals, PlaybookBook
from xl_engage.style import STATUS_FILLS

KIND_NAME = "playbook"
SCHEMA_VERSION = 1
ON_TRACK_COLORS = ((calc.ON_TRACK, STATUS_FILLS["good"]), (calc.BEHIND, STATUS_FILLS["bad"]))
CAPACITY_COLORS = (
    (calc.OK, STATUS_FILLS["good"]),
    (calc.OVER, STATUS_FILLS["bad"]),
    (calc.UNDER, STATUS_FILLS["warn"]),
)
FIXED_SHEETS = ("Summary", "Portfolio", "Cadence", "Schedule", "Settings", "History", "_xle")
"""Sheet names a vCIO's sheet may not take (the last is the hidden metadata sheet)."""

CADENCE = TableSpec(
    "Cadence",
    "Cadence",
    "cadence",
    (
        Column("Rule", "name", width=22),
        Column("Min complexity", "min_complexity", "int", required=False),
        Column("Max complexity", "max_complexity", "int", required=False),
        Column("Min MRR", "min_mrr", "money", required=False),
        Column("Max MRR", "max_mrr", "money", required=False),
        Column("Min users", "min_users", "int", required=False),
        Column("Max users", "max_users", "int", required=False),
        Column("Meetings / year", "meetings_per_year", "int", help="Formal meetings with a decision maker"),
        Column("Touches / month", "touches_per_month", "int", help="Proactive unique touches"),
    ),
    title="Meeting cadence: the first rule a client matches wins; a blank bound always holds",
    key=("name",),
)


def _nothing(kind: str) -> str:
    """What a calculated cell of an empty row shows."""
    return '""' if kind == "text" else "0"


FIRST_MONTH = CellSpec("FirstMonth", "First month of the year", "year.first_month", "month")
AS_OF = CellSpec(
    "AsOf",
    "Progress measured at the end of",
    "year.as_of",
    "month",
    help="Move this on each month: expected-to-date counts run through this month",
)
SHOWN_AS_OF = CellSpec("ProgressShownTo", "Progress to the end of", "year.as_of", "month", formula=str(AS_OF))
"""The as-of month where the reader of the summary sees it (the input is on Settings): the
months after it are blank, and a reader should not have to infer why."""
WORKING_WEEKS = CellSpec("WorkingWeeks", "Working weeks a year", "settings.working_weeks", "int")
CAPACITY_CLIENTS = CellSpec(
    "CapacityClients", "Capacity: clients per vCIO", "settings.capacity_clients", "int"
)
CAPACITY_MRR = CellSpec("CapacityMrr", "Capacity: MRR per vCIO", "settings.capacity_mrr", "money")
CAPACITY_TOLERANCE = CellSpec(
    "CapacityTolerance", "Capacity tolerance (±)", "settings.capacity_tolerance", "percent"
)
NRR_SHARE_MIN = CellSpec("NrrShareMin", "NRR minimum, share of MRR", "settings.nrr_share_min", "percent")
NRR_SHARE_TARGET = CellSpec(
    "NrrShareTarget", "NRR target, share of MRR", "settings.nrr_share_target", "percent"
)
SETTINGS = (
    FIRST_MONTH,
    AS_OF,
    WORKING_WEEKS,
    CAPACITY_CLIENTS,
    CAPACITY_MRR,
    CAPACITY_TOLERANCE,
    NRR_SHARE_MIN,
    NRR_SHARE_TARGET,
)
TECH_SUMMARIES = CellSpec(
    "TechSummariesPerClient", "Tech summaries / client / year", "yearly.tech_summaries", "int"
)
BUDGETS = CellSpec("BudgetsPerClient", "Budgets / client / year", "yearly.budgets", "int")
PROPOSALS = CellSpec("ProposalsPerClient", "Proposals / client / year", "yearly.proposals", "int")
ESCALATIONS = CellSpec("EscalationsPerClient", "Escalations / client / year", "yearly.escalations", "int")
YEARLY = (TECH_SUMMARIES, BUDGETS, PROPOSALS, ESCALATIONS)
MONTHS_ELAPSED = CellSpec(
    "MonthsElapsed",
    "Months elapsed",
    "elapsed",
    "int",
    formula=f"MAX(0,MIN(12,{months_from(str(FIRST_MONTH), str(AS_OF))}+1))",
)
PROGRESS_END = CellSpec(
    "ProgressEnd",
    "Counts before this month are to date",
    "progress_end",
    "month",
    formula=f"DATE(YEAR({FIRST_MONTH}),MONTH({FIRST_MONTH})+{MONTHS_ELAPSED},1)",
)
WEEKS_LEFT = CellSpec(
    "WeeksLeft",
    "Working weeks left",
    "weeks_left",
    "number",
    formula=f"MAX({WORKING_WEEKS}*(12-{MONTHS_ELAPSED})/12,1)",
)
CLOCK = (MONTHS_ELAPSED, PROGRESS_END, WEEKS_LEFT)
"""The named cells the formulas below reach through these specs."""


PORTFOLIO = TableSpec(
    "Portfolio",
    "Portfolio",
    "clients",
    (
        Column(
            "Client",
            "name",
            width=26,
            aliases=("Client name", "Company Name", "Company", "Account Name", "Customer"),
        ),
        Column("MRR", "mrr", "money", aliases=("Monthly recurring revenue",)),
        Column("AISP", "aisp", "money", required=False, aliases=("All-in seat price", "Price per user")),
        Column("Users", "users", "int", required=False, aliases=("User count", "Seats")),
        Column("Complexity", "complexity", "int", aliases=("Complexity (1-10)",), help="1 (simple) to 10"),
        Column(
            "vCIO",
            "vcio",
            width=18,
            aliases=("Assigned vCIO", "vCIO name", "Account Manager", "Primary vCIO"),
        ),
        Column(
            "Fiscal year start",
            "fiscal_year_start_month",
            "int",
            required=False,
            aliases=("FY start", "Fiscal year start month", "FY Start Month"),
            help="Month number (1 = January) the client's fiscal year starts",
        ),
        Column("Cadence rule", "rule", formula=CALCULATED, width=20),
        Column("Meetings / year", "meetings_year", "int", formula=CALCULATED),
        Column("Touches / month", "touches_month", "int", formula=CALCULATED),
        Column("Touches / year", "touches_year", "int", formula=CALCULATED),
        Column("Escalations / year", "escalations_year", "int", formula=str(ESCALATIONS)),
        Column("Tech summaries / year", "tech_summaries_year", "int", formula=str(TECH_SUMMARIES)),
        Column("Budgets / year", "budgets_year", "int", formula=str(BUDGETS)),
        Column("Proposals / year", "proposals_year", "int", formula=str(PROPOSALS)),
    ),
    title="Client portfolio",
    key=("name",),
)


def _bound(rules: TableSpec, low: str, high: str, value: str) -> list[str]:
    """Conditions: the rule's low bound ≤ value ≤ its high bound; a blank bound holds."""
    lo, hi = col(rules, low), col(rules, high)
    return [f'(({lo}="")+({lo}<={value}))>0', f'(({hi}="")+({hi}>={value}))>0']


def _rule_conditions() -> list[str]:
    """The rule's bounds hold for this client; a rule row cleared of its name is no rule."""
    p = PORTFOLIO
    return [
        f'TRIM({col(CADENCE, "name")})<>""',
        *_bound(CADENCE, "min_complexity", "max_complexity", this(p, "complexity")),
        *_bound(CADENCE, "min_mrr", "max_mrr", this(p, "mrr")),
        *_bound(CADENCE, "min_users", "max_users", f"N({this(p, 'users')})"),
    ]


PORTFOLIO = with_formulas(
    PORTFOLIO,
    {
        "rule": first_match(CADENCE, _rule_conditions(), "name", constant(calc.NO_RULE)),
        "meetings_year": first_match(CADENCE, _rule_conditions(), "meetings_per_year", "0"),
        "touches_month": first_match(CADENCE, _rule_conditions(), "touches_per_month", "0"),
        "touches_year": f"{this(PORTFOLIO, 'touches_month')}*12",
    },
)
# A row the user cleared is no client: the reader skips it, so its counts must be nothing.
PORTFOLIO = with_formulas(
    PORTFOLIO,
    {
        c.key: f'IF(TRIM({this(PORTFOLIO, "name")})="",{_nothing(c.kind)},{c.formula})'
        for c in PORTFOLIO.columns
        if c.formula
    },
)


def _capacity(clients: str, mrr: str) -> str:
    high, low = f"(1+{CAPACITY_TOLERANCE})", f"(1-{CAPACITY_TOLERANCE})"
    over = f"OR({clients}>{CAPACITY_CLIENTS}*{high},{mrr}>{CAPACITY_MRR}*{high})"
    under = f"AND({clients}<{CAPACITY_CLIENTS}*{low},{mrr}<{CAPACITY_MRR}*{low})"
    return f"IF({over},{constant(calc.OVER)},IF({under},{constant(calc.UNDER)},{constant(calc.OK)}))"


TEAM = TableSpec(
    "Team",
    "Summary",
    "team",
    (
        Column("vCIO", "name", width=22),
        Column("Clients", "clients", "int", formula=CALCULATED),
        Column("MRR", "mrr_total", "money", formula=CALCULATED),
        Column("Capacity", "capacity", formula=CALCULATED, width=16, colors=CAPACITY_COLORS),
        Column("NRR minimum / month", "nrr_min", "money", formula=CALCULATED),
        Column("NRR target / month", "nrr_target", "money", formula=CALCULATED),
    ),
    title="The team: each vCIO's load against capacity",
    key=("name",),
)
_mine = f"(TRIM({col(PORTFOLIO, 'vcio')})=TRIM({this(TEAM, 'name')}))"
TEAM = with_formulas(
    TEAM,
    {
        "clients": f"SUMPRODUCT({_mine}*1)",
        "mrr_total": f"SUMPRODUCT({_mine}*{col(PORTFOLIO, 'mrr')})",
        "capacity": _capacity(this(TEAM, "clients"), this(TEAM, "mrr_total")),
        "nrr_min": f"{this(TEAM, 'mrr_total')}*{NRR_SHARE_MIN}",
        "nrr_target": f"{this(TEAM, 'mrr_total')}*{NRR_SHARE_TARGET}",
    },
)

ACTUALS = TableSpec(
    "Actuals",
    "Actuals",
    "actuals",
    (
        Column("Month", "month", "month", width=16),
        *(Column(header, k, "int", required=False, width=12) for k, header in ACTIVITIES),
        Column("vCIO", "vcio", width=18, help="Whose month this is (one table per vCIO sheet)"),
    ),
    family=True,
    key=("vcio", "month"),
)

TEAM_SIZE = CellSpec(
    "TeamSize", "vCIOs", "team_size", "int", formula=f'SUMPRODUCT(({col(TEAM, "name")}<>"")*1)'
)
TEAM_CLIENTS = CellSpec(
    "TeamClients",
    "Clients",
    "team_clients",
    "int",
    formula=f'SUMPRODUCT(({col(PORTFOLIO, "name")}<>"")*1)',
)
TEAM_MRR = CellSpec("TeamMrr", "MRR", "team_mrr", "money", formula=f"SUM({col(PORTFOLIO, 'mrr')})")
TEAM_TOTALS = (
    TEAM_SIZE,
    TEAM_CLIENTS,
    TEAM_MRR,
    CellSpec(
        "TeamCapacity",
        "Average load per vCIO (each vCIO's own: the table below)",
        "team_capacity",
        formula=_capacity(f"{TEAM_CLIENTS}/MAX({TEAM_SIZE},1)", f"{TEAM_MRR}/MAX({TEAM_SIZE},1)"),
    ),
)

SCHEMA = Schema(tables=(TEAM, PORTFOLIO, CADENCE, ACTUALS), cells=SETTINGS + YEARLY + CLOCK + TEAM_TOTALS)

_STATUS_ROWS = (
    ("total", "Totals"),
    ("pct", "% of objective"),
    ("expected", "Expected to date"),
    ("to_date", "Actual to date"),
    ("on_track", "On track?"),
    ("weekly_needed", "Weekly rate still needed"),
)


class _Sources:
    """Formula pieces over a set of actuals tables (one vCIO's, or everyone's)."""

    def __init__(self, tables: Sequence[TableSpec], vcio: str | None):
        self.tables = tables
        self.vcio = vcio

    def _each(self, activity: str, piece: Callable[[str, str], str]) -> str:
        """``piece(months, counts)`` over each actuals table's Month and activity columns, added."""
        if not self.tables:
            return "0"
        return "+".join(piece(col(t, "month"), col(t, activity)) for t in self.tables)

    def objective(self, activity: str) -> str:
        counts = col(PORTFOLIO, f"{activity}_year")
        if self.vcio is None:
            return f"SUM({counts})"
        return f"SUMPRODUCT((TRIM({col(PORTFOLIO, 'vcio')})={constant(trim(self.vcio))})*{counts})"

    def total(self, activity: str) -> str:
        return self._each(activity, lambda _, count: f"SUM({count})")

    def to_date(self, activity: str) -> str:
        return self._each(activity, lambda month, count: f"SUMPRODUCT(({month}<{PROGRESS_END})*{count})")

    def in_month(self, activity: str, when: str) -> str:
        return self._each(activity, lambda month, count: f"SUMPRODUCT(({month}={when})*{count})")

    def up_to(self, activity: str, when: str) -> str:
        return self._each(activity, lambda month, count: f"SUMPRODUCT(({month}<={when})*{count})")


def _activity_columns() -> tuple[GridColumn, ...]:
    """One count column per activity; the rows give the formulas."""
    return tuple(GridColumn(header, "0", "int") for _, header in ACTIVITIES)


def _objective_grid(name: str, src: _Sources, progress: calc.Progress) -> Grid:
    st = progress.status
    return Grid(
        name,
        "vCIO Playbook Annual Summary",
        _activity_columns(),
        [
            ("objective", "Annual Objective", [st[k].objective for k in ACTIVITY_KEYS]),
            ("weekly_plan", "Required weekly rate", [st[k].weekly_plan for k in ACTIVITY_KEYS]),
        ],
        row_formulas={
            "objective": [src.objective(k) for k in ACTIVITY_KEYS],
            "weekly_plan": [lambda g: f"{g.row('objective')}/{WORKING_WEEKS}"] * len(ACTIVITY_KEYS),
        },
        row_kinds={"weekly_plan": "number"},
    )


def _status_formulas(src: _Sources, activity: str) -> dict[str, GridFormula]:
    """One activity's column of the status block, row by row."""
    obj = src.objective(activity)
    on_track, behind = constant(calc.ON_TRACK), constant(calc.BEHIND)
    return {
        "total": src.total(activity),
        "pct": lambda g: f"IF({obj}=0,0,{g.row('total')}/({obj}))",
        "expected": f"({obj})*{MONTHS_ELAPSED}/12",
        "to_date": src.to_date(activity),
        "on_track": lambda g: f"IF({g.row('to_date')}>={g.row('expected')},{on_track},{behind})",
        "weekly_needed": lambda g: f"MAX(({obj})-{g.row('total')},0)/{WEEKS_LEFT}",
    }


def _status_grid(name: str, src: _Sources, progress: calc.Progress) -> Grid:
    columns = [_status_formulas(src, k) for k in ACTIVITY_KEYS]
    formulas = {key_: [column[key_] for column in columns] for key_, _ in _STATUS_ROWS}
    return Grid(
        name,
        "Progress",
        _activity_columns(),
        [(r, label, [getattr(progress.status[k], r) for k in ACTIVITY_KEYS]) for r, label in _STATUS_ROWS],
        row_formulas=formulas,
        row_kinds={"pct": "percent", "expected": "number", "on_track": "text", "weekly_needed": "number"},
        colors=ON_TRACK_COLORS,
    )


def _cumulative_grid(
    name: str, src: _Sources, progress: calc.Progress, months: Sequence[dt.date], as_of: dt.date
) -> Grid:
    """Expected and actual shares of the objective, month by month. A month after the as-of
    month has no actual yet: #N/A (hidden in the grid), so each actual line of the chart
    stops where the reporting does instead of running flat to December."""
    expected = GridColumn("Expected", lambda g: f"({months_from(str(FIRST_MONTH), g.key)}+1)/12", "percent")

    def share_done(activity: str) -> GridFormula:
        objective = src.objective(activity)
        return lambda g: (
            f"IF({g.key}>{AS_OF},NA(),IF({objective}=0,0,({src.up_to(activity, g.key)})/({objective})))"
        )

    columns = (expected, *(GridColumn(header, share_done(k), "percent") for k, header in ACTIVITIES))
    return Grid(
        name,
        "Month",
        columns,
        [
            (
                m,
                f"{m:%B %Y}",
                [
                    Decimal(i + 1) / 12,
                    *(progress.cumulative[m][k] if m <= as_of else NOT_YET for k in ACTIVITY_KEYS),
                ],
            )
            for i, m in enumerate(months)
        ],
        title="Cumulative progress: share of the annual objective done by the end of each month",
        hide_errors=True,
    )


NOT_YET = "#N/A"
"""The cached value of a month not yet reported (Excel's own error value, as NA() gives)."""


def _progress_chart(grid: Grid, reached: int) -> Chart:
    """Expected over the whole year; each actual line only over the ``reached`` months."""
    return Chart(
        "Actual vs expected cumulative progress",
        tuple(
            Series(c.header, grid.name, c.header, LABELS, None if i == 0 else max(reached, 1))
            for i, c in enumerate(grid.columns)
        ),
        type="line",
        y_title="% of annual objective",
        money=False,
        y_format="0%",
    )


def sheet_names(team: Sequence[str]) -> list[str]:
    """A valid, unique worksheet name per vCIO (Excel: ≤ 31 characters, none of []:*?/\\).

    Only letters, digits, spaces and ``.,&()'-_`` are kept, and no sign starts it: a sheet's
    name appears in references (print titles, formulas), and a vCIO named like a DDE payload
    (``+cmd|' /C notepad'!A0``) must not put ``|`` or ``!`` there."""
    taken = {s.casefold() for s in FIXED_SHEETS}
    out = []
    for name in team:
        plain = re.sub(r"[^\w .,&()'-]", "-", name).lstrip("=+-@ ")
        plain = re.sub(r"_(?=x[0-9A-Fa-f]{4}_)", "-", plain)  # "_x0041_" would open as "A"
        base = plain[:31].strip("' ") or "vCIO"  # no ' at either end
        candidate, n = base, 2
        while candidate.casefold() in taken:
            suffix = f" ({n})"
            candidate, n = base[: 31 - len(suffix)].rstrip("' ") + suffix, n + 1
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def table_suffix(index: int, name: str) -> str:
    """``3_DanaWhitfield``: a valid table-name tail, unique by the vCIO's position."""
    return f"{index + 1}_{re.sub(r'[^A-Za-z0-9]', '', name)[:12]}"


def _actuals(member: TableSpec, book: PlaybookBook, vcio: str) -> Table:
    """The vCIO's twelve months in order, with what was typed; other typed rows after them."""
    mine = [a for a in book.actuals if key(a.vcio) == key(vcio)]
    by_month = {a.month: a for a in mine}
    months = book.year.months
    ordered = [by_month.get(m) or MonthActuals(vcio=vcio, month=m) for m in months]
    ordered += [a for a in mine if a.month not in set(months)]
    out = rows(ordered)
    for row in out:
        row["vcio"] = vcio
    return Table(member, out, extras=extras(ordered, member.extras_field))


def build(book: PlaybookBook) -> Book:
    r = calc.calculate(book)
    names = [v.name for v in book.team]
    sheets_of = sheet_names(names)
    members = [
        ACTUALS.member(table_suffix(i, n), s) for i, (n, s) in enumerate(zip(names, sheets_of, strict=True))
    ]
    everyone = _Sources(members, None)

    summary_blocks: list[Block] = [
        Title(f"vCIO playbook {book.year.months[0]:%B %Y} – {book.year.months[-1]:%B %Y}"),
        Title(
            "Objectives come from the client portfolio and the cadence rules; every figure is live. "
            "Each vCIO types monthly counts on their own sheet.",
            "note",
        ),
        Cells(((SHOWN_AS_OF, book.year.as_of),), None),
        Cells(tuple((c, getattr(r, c.key)) for c in TEAM_TOTALS), "Team"),
        table(TEAM, book.team, r.team),
        _objective_grid("RollupObjective", everyone, r.total),
        Grid(
            "RollupMonths",
            "Month",
            tuple(GridColumn(h, _reported(everyone, k), "int") for k, h in ACTIVITIES),
            [
                (
                    m,
                    f"{m:%B}",
                    [r.total.by_month[m][k] if m <= book.year.as_of else None for k in ACTIVITY_KEYS],
                )
                for m in r.months
            ],
            title="All vCIOs by month (months after the as-of month are blank: not yet reported)",
            total_label="Totals",
        ),
        _status_grid("RollupStatus", everyone, r.total),
    ]
    rollup_progress = _cumulative_grid("RollupProgress", everyone, r.total, r.months, book.year.as_of)
    reached = calc.months_elapsed(book.year)
    summary_blocks += [_progress_chart(rollup_progress, reached), rollup_progress]

    vcio_sheets = []
    for v, sheet, member, progress in zip(book.team, sheets_of, members, r.vcios, strict=True):
        src = _Sources([member], v.name)
        cumulative = _cumulative_grid(f"Progress_{member.name}", src, progress, r.months, book.year.as_of)
        load = r.team[names.index(v.name)]
        vcio_sheets.append(
            Sheet(
                sheet,
                (
                    Title(f"{v.name}: vCIO playbook annual summary"),
                    Title(
                        "Type each month's counts in the yellow cells (leave a month blank until it is "
                        "reported). Objectives follow the Portfolio and Cadence sheets.",
                        "note",
                    ),
                    Grid(
                        f"Load_{member.name}",
                        "vCIO",
                        (
                            GridColumn("Clients", _of_vcio("clients", "0"), "int"),
                            GridColumn("MRR", _of_vcio("mrr_total", "0"), "money"),
                            GridColumn("Capacity", _of_vcio("capacity", '""'), "text"),
                            GridColumn("NRR target / month", _of_vcio("nrr_target", "0"), "money"),
                        ),
                        [(v.name, v.name, [load.clients, load.mrr_total, load.capacity, load.nrr_target])],
                        colors=CAPACITY_COLORS,
                    ),
                    _objective_grid(f"Objective_{member.name}", src, progress),
                    _actuals(member, book, v.name),
                    _status_grid(f"Status_{member.name}", src, progress),
                    _progress_chart(cumulative, reached),
                    cumulative,
                ),
                landscape=True,
                audience="summary",  # delivered: read by a decision maker, in whole amounts with the sign
                deliver=True,
            )
        )

    schedule = Grid(
        "Schedule",
        "#",
        (
            GridColumn("Client", _in_portfolio(lambda g: f"TRIM({_nth(g, 'name')})"), "text"),
            GridColumn("vCIO", _in_portfolio(lambda g: f"TRIM({_nth(g, 'vcio')})"), "text"),
            GridColumn("Cadence", _in_portfolio(lambda g: _nth(g, "rule")), "text"),
            GridColumn("Budget due", _in_portfolio(_budget_due), "month"),
            *(
                GridColumn(f"{m:%b %Y}", _in_portfolio(_meetings_in_month(i)), "int")
                for i, m in enumerate(r.months)
            ),
        ),
        [
            (i + 1, str(i + 1), [trim(c.name), trim(c.vcio), plan.rule, r.budget_due[i], *r.schedule[i]])
            for i, (c, plan) in enumerate(zip(book.clients, r.clients, strict=True))
        ],
        title="Planned client meetings by month (spread evenly from the first month); each budget is "
        "due the month before the client's fiscal year starts",
        total_label="Meetings in the month",
    )
    clock = tuple((c, getattr(r, c.key)) for c in CLOCK)
    return Book(
        kind=KIND_NAME,
        schema_version=SCHEMA_VERSION,
        title="vCIO playbook",
        sheets=(
            Sheet("Summary", tuple(summary_blocks), audience="summary", deliver=True),
            *vcio_sheets,
            Sheet("Portfolio", (table(PORTFOLIO, book.clients, r.clients),)),
            Sheet(
                "Cadence",
                (
                    table(CADENCE, book.cadence),
                    Cells(
                        tuple((c, getattr(book.yearly, c.key.split(".")[1])) for c in YEARLY),
                        "Yearly counts per client",
                    ),
                ),
            ),
            Sheet("Schedule", (schedule,)),
            Sheet(
                "Settings",
                (
                    Title("Playbook settings"),
                    Cells(tuple((c, field_at(book, c.key)) for c in SETTINGS), "Year and capacity"),
                    Cells(clock, "Where the year stands"),
                ),
                landscape=False,
            ),
        ),
    )


def _reported(src: _Sources, activity: str) -> GridFormula:
    """An activity's count in the row's month; blank after the as-of month."""
    return lambda g: f'IF({g.key}>{AS_OF},"",{src.in_month(activity, g.key)})'


def _of_vcio(field_: str, default: str) -> GridFormula:
    """A field of the Team table's row for the grid row's vCIO."""
    return lambda g: lookup(TEAM, field_, TEAM, "name", g.key, default)


def _in_portfolio(formula: GridFormula) -> GridFormula:
    """Blank once the portfolio has fewer rows than when the schedule was made (a client
    deleted); rows added appear when the workbook is rebuilt with ``--from``."""
    return lambda g: f'IF({g.key}>ROWS({col(PORTFOLIO, "name")}),"",{at_cell(formula, g)})'


def _nth(g: GridCell, key_: str) -> str:
    """The Portfolio's row numbered by the schedule row's key (the schedule follows the
    portfolio's order, so a sorted portfolio re-sorts the schedule; a position costs nothing
    to look up)."""
    return f"INDEX({col(PORTFOLIO, key_)},{g.key})"


def _budget_due(g: GridCell) -> str:
    """The month before the client's fiscal year starts, within the playbook year."""
    fy = f"MAX(1,N({_nth(g, 'fiscal_year_start_month')}))"
    offset = f"MOD(MOD(({fy})-2,12)+1-MONTH({FIRST_MONTH}),12)"
    return f"DATE(YEAR({FIRST_MONTH}),MONTH({FIRST_MONTH})+{offset},1)"


def _meetings_in_month(index: int) -> GridFormula:
    """ceil((i+1)·n/12) − ceil(i·n/12) for this client's n meetings a year (calc's rule)."""

    def meetings(g: GridCell) -> str:
        n = _nth(g, "meetings_year")
        return f"-INT(-{index + 1}*{n}/12)+INT(-{index}*{n}/12)"

    return meetings


def headline(book: PlaybookBook) -> dict[str, Any]:
    """The team's objectives and what is done of each."""
    total = calc.calculate(book).total
    out: dict[str, Any] = {}
    for k, header in ACTIVITIES:
        out[f"{header}: objective"] = Decimal(total.status[k].objective)
        out[f"{header}: done"] = Decimal(total.status[k].total)
    return out


def samples(templates: Path | None = None) -> Iterator[tuple[str, PlaybookBook]]:
    from xl_engage.inputs.playbook import new_playbook
    from xl_engage.templates import SAMPLE_MSP

    yield (
        "vcio-playbook.xlsx",
        new_playbook(
            SAMPLE_MSP / "portfolio.csv",
            2026,
            as_of=dt.date(2026, 6, 30),
            templates=templates,
            actuals=SAMPLE_MSP / "playbook_actuals.csv",
        ),
    )


KIND = Kind(
    KIND_NAME,
    SCHEMA_VERSION,
    "vCIO playbook: objectives from the portfolio, monthly actuals, roll-up",
    PlaybookBook,
    SCHEMA,
    build,
    calc.check,
    headline=headline,
    samples=samples,
)
