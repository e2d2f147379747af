"""The life-cycle budget workbook a vCIO hands a client (DOMAIN.md §3).

Sheets: Summary (profile, totals, spend by fiscal year, top initiatives, stacked chart of
spend by quarter and category), Lines (the budget itself: every line editable), Months and
Quarters (category grids whose cells are live formulas over the lines, so moving a line to
another month moves every total), Assets (replacement date and status, coloured; an asset
whose type the Policy table lacks says "Unknown type" and is not planned), Roadmap
(initiatives with their live budget) and Policy (life spans, costs, markup or margin).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

from xl_engage.calc import budget as calc
from xl_engage.calc.fiscal import add_months
from xl_engage.issues import Problem
from xl_engage.kinds import Kind
from xl_engage.kinds.common import col, lookup, months_from, price_from_cost, table, this, with_formulas
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
    TableSpec,
    Title,
)
from xl_engage.models.budget import DECISIONS, BudgetBook, Decision
from xl_engage.style import STATUS_FILLS

KIND_NAME = "budget"
SCHEMA_VERSION = 1
STATUS_COLORS = (
    (calc.OVERDUE, STATUS_FILLS["bad"]),
    (calc.due_label(90), STATUS_FILLS["warn"]),
    (calc.due_label(180), STATUS_FILLS["watch"]),
    (calc.due_label(365), STATUS_FILLS["watch"]),
    (calc.FINE, STATUS_FILLS["good"]),
    (calc.UNKNOWN_DATE, STATUS_FILLS["neutral"]),
    (calc.UNKNOWN_TYPE, STATUS_FILLS["unknown"]),
)

DECISION_COLORS = (
    ("Approved", STATUS_FILLS["good"]),
    ("Deferred", STATUS_FILLS["watch"]),
    ("Declined", STATUS_FILLS["bad"]),
)
"""Proposed, the default, stays plain: a coloured cell is one the client decided."""
DECISION_HELP = (
    "Approved = committed; Deferred moves to its Deferred to quarter when the workbook is "
    "rebuilt; Declined stays listed and counts in no total."
)
DEFERRED_TO_HELP = (
    "With Deferred: the fiscal quarter it moves to on a rebuild, e.g. FY2028 Q2. Blank = the same "
    "quarter next fiscal year."
)


def _decided_by_client(applies: str) -> tuple[Column, Column]:
    """Decision (a dropdown, coloured once decided) and Deferred to, for lines and initiatives."""
    return (
        Column(
            "Decision",
            "decision",
            required=False,
            choices=DECISIONS,
            trimmed=True,
            colors=DECISION_COLORS,
            help=applies + DECISION_HELP,
        ),
        Column("Deferred to", "deferred_to", required=False, help=DEFERRED_TO_HELP),
    )


POLICY = TableSpec(
    "Policy",
    "Policy",
    "policy",
    (
        Column("Asset type", "asset_type", width=16, compared=True),
        Column("Life years", "life_years", "int", help="Years between replacements."),
        Column(
            "Basis",
            "basis",
            required=False,
            choices=("Purchase", "Warranty"),
            help="Purchase: purchase date + life. Warranty: replace when the warranty ends.",
        ),
        Column("Unit cost", "unit_cost", "money", required=False, help="Blank = unknown."),
        Column(
            "Pricing",
            "pricing",
            required=False,
            choices=("Markup", "Margin"),
            help="Markup on cost, or gross margin on price: never mixed.",
        ),
        Column("Markup %", "markup", "percent", required=False, aliases=("Margin %", "Markup")),
        Column("Labour hours", "labour_hours", "hours", required=False),
        Column("Labour rate", "labour_rate", "money", required=False),
        Column("Expense", "expense", required=False, choices=("Capex", "Opex")),
        Column("Category", "category", required=False),
        Column("Unit price", "unit_price", "money", formula=CALCULATED),
    ),
    title="Life-cycle policy (edit freely)",
    key=("asset_type",),
)

LINES = TableSpec(
    "Lines",
    "Lines",
    "lines",
    (
        Column("Description", "description", width=40),
        Column("Category", "category", width=18),
        Column("Type", "kind", required=False, choices=("One-time", "Recurring")),
        Column("Expense", "expense", required=False, choices=("Capex", "Opex")),
        Column("Month", "month", "date", aliases=("Date",), help="Any day of the month."),
        Column("Quantity", "quantity", "int", required=False, aliases=("Qty",)),
        Column("Unit cost", "unit_cost", "money", required=False, help="Blank = unknown cost."),
        Column("Pricing", "pricing", required=False, choices=("Markup", "Margin")),
        Column("Markup %", "markup", "percent", required=False, aliases=("Margin %", "Markup")),
        Column(
            "Source",
            "source",
            required=False,
            width=16,
            compared=True,
            help="Asset id, contract vendor, initiative name or Reserve.",
        ),
        *_decided_by_client("Blank = as its initiative decides (Proposed for other lines). "),
        Column("Unit price", "unit_price", "money", formula=CALCULATED),
        Column("Amount", "amount", "money", formula=CALCULATED),
        Column("Effective decision", "effective_decision", formula=CALCULATED, colors=DECISION_COLORS),
        Column("Planned amount", "planned_amount", "money", formula=CALCULATED),
        Column("Period", "period", "int", formula=CALCULATED),
        Column("Quarter", "quarter", "int", formula=CALCULATED),
        Column("Year", "year", "int", formula=CALCULATED),
        Column("Fiscal quarter", "fiscal_quarter", formula=CALCULATED),
    ),
    title="Budget lines: move a line to another month and every total follows",
    key=("description", "source", "month"),
)

ASSETS = TableSpec(
    "Assets",
    "Assets",
    "assets",
    (
        Column(
            "Asset ID",
            "asset_id",
            aliases=(
                "Asset Tag",
                "Tag Number",
                "Asset Tag Number",
                "Asset Number",
                "Asset No",
                "Machine ID",
                "Asset",
            ),
            fallbacks=("serial", "name"),
            help="The asset tag; an export without one gives the serial number, then the name.",
        ),
        Column(
            "Name",
            "name",
            required=False,
            aliases=(
                "Device Name",
                "Hostname",
                "Host Name",
                "Computer Name",
                "System Name",
                "Configuration Name",
                "Asset Name",
                "Computer",
                "Device",
            ),
        ),
        Column(
            "Serial number",
            "serial",
            required=False,
            aliases=(
                "Serial",
                "Serial No",
                "Serial No.",
                "Serial #",
                "SerialNumber",
                "System Serial Number",
                "Service Tag",
            ),
        ),
        Column(
            "Type",
            "asset_type",
            required=False,  # a blank type is an unknown type: listed, not planned, one warning
            compared=True,
            aliases=(
                "Device Type",
                "Asset Type",
                "Configuration Type",
                "Configuration Item Type",
                "Device Class",
                "Hardware Type",
                "Chassis Type",
                "Category",
                "Role",
            ),
            help="A policy asset type; any other is listed as Unknown type and not planned.",
        ),
        Column(
            "Purchase date",
            "purchase_date",
            "date",
            required=False,
            aliases=(
                "Purchased",
                "Purchased On",
                "Date Purchased",
                "Purchase",
                "Install Date",
                "Installed Date",
                "Installed at",
                "Purchased at",
                "Installation Date",
                "Asset Date",
            ),
        ),
        Column(
            "Warranty end",
            "warranty_end",
            "date",
            required=False,
            aliases=(
                "Warranty End Date",
                "Warranty Expiration",
                "Warranty Expiration Date",
                "Warranty Expires",
                "Warranty Expires at",
                "Warranty Expires On",
                "Warranty Expiry",
                "Warranty Expiry Date",
                "Warranty Date",
                "Warranty",
            ),
        ),
        Column(
            "Replacement cost",
            "replacement_cost",
            "money",
            required=False,
            aliases=("Cost", "Purchase Price", "Purchase Cost", "Replacement Value"),
        ),
        Column(
            "Location", "location", required=False, aliases=("Site", "Site Name", "Company Site", "Office")
        ),
        Column("Life years", "life_years", "int", formula=CALCULATED),
        Column("Replace date", "replace_date", "date", formula=CALCULATED),
        Column("Status", "status", formula=CALCULATED, width=16, colors=STATUS_COLORS),
    ),
    title="Assets: replacement date and status",
    key=("asset_id",),
)

INITIATIVES = TableSpec(
    "Initiatives",
    "Roadmap",
    "initiatives",
    (
        Column("Initiative", "name", width=36, compared=True),
        Column("Target quarter", "target_quarter", help="Fiscal quarter, e.g. FY2027 Q3."),
        Column("Priority", "priority", required=False, choices=("High", "Medium", "Low")),
        Column("Compliance", "compliance", required=False, help="e.g. HIPAA, PCI DSS"),
        Column("Time frame", "time_frame", required=False),
        *_decided_by_client("Applies to the initiative's lines whose own Decision is blank. "),
        Column(
            "Budget", "budget", "money", formula=CALCULATED, help="What its lines cost, whatever was decided."
        ),
    ),
    title="Roadmap: initiatives by fiscal quarter",
    key=("name",),
)

_cost, _mark, _qty = this(LINES, "unit_cost"), this(LINES, "markup"), this(LINES, "quantity")
FISCAL_YEAR_START = CellSpec(
    "FiscalYearStart", "Fiscal year starts in month (1–12)", "profile.fiscal_year_start_month", "int"
)
BUDGET_START = CellSpec("BudgetStart", "Budget starts", "profile.start", "date")
AS_OF = CellSpec("AsOf", "Status as of", "profile.as_of", "date")
"""Named cells of the profile the formulas below reach through their specs."""

_month = this(LINES, "month")
LINES = with_formulas(
    LINES,
    lambda t: {
        "unit_price": price_from_cost(_cost, this(t, "pricing"), _mark),
        "amount": f'IF({this(t, "unit_price")}="","",IF({_qty}="",1,{_qty})*{this(t, "unit_price")})',
        "planned_amount": (
            f'IF(OR({this(t, "effective_decision")}="Approved",{this(t, "effective_decision")}="Proposed"),'
            f'{this(t, "amount")},"")'
        ),
        "period": f"{months_from(str(BUDGET_START), _month)}+1",
        "quarter": f"INT(({this(t, 'period')}-1)/3)+1",
        "year": f"INT(({this(t, 'period')}-1)/12)+1",
        "fiscal_quarter": (
            f'"FY"&(YEAR({_month})+IF(AND({FISCAL_YEAR_START}>1,MONTH({_month})>={FISCAL_YEAR_START}),1,0))'
            f'&" Q"&(INT(MOD(MONTH({_month})-{FISCAL_YEAR_START},12)/3)+1)'
        ),
    },
)

POLICY = with_formulas(
    POLICY,
    lambda t: {
        "unit_price": price_from_cost(this(t, "unit_cost"), this(t, "pricing"), this(t, "markup")),
    },
)

_life = this(ASSETS, "life_years")
_basis = lookup(POLICY, "basis", POLICY, "asset_type", this(ASSETS, "asset_type"), '""')
_bought, _warranty_end, _replaced = (
    this(ASSETS, "purchase_date"),
    this(ASSETS, "warranty_end"),
    this(ASSETS, "replace_date"),
)


_type = f"TRIM({this(ASSETS, 'asset_type')})"
# the policy has a row for this type: compared as lookup() compares (TRIM, any case, no
# wildcards: COUNTIF and MATCH would read a * or ? in a type as one), so the two agree
_known = f'AND({_type}<>"",SUMPRODUCT((TRIM({col(POLICY, "asset_type")})={_type})*1)>0)'


def _status_formula() -> str:
    formula = f'"{calc.FINE}"'
    for days in reversed(calc.DUE_WINDOWS):
        formula = f'IF({_replaced}-{AS_OF}<={days},"{calc.due_label(days)}",{formula})'
    return (
        f'IF(NOT({_known}),"{calc.UNKNOWN_TYPE}",'
        f'IF({_replaced}="","{calc.UNKNOWN_DATE}",IF({_replaced}-{AS_OF}<=0,"{calc.OVERDUE}",{formula})))'
    )


ASSETS = with_formulas(
    ASSETS,
    {
        "life_years": lookup(POLICY, "life_years", POLICY, "asset_type", this(ASSETS, "asset_type"), '""'),
        "replace_date": (
            f'IF({_life}="","",IF(AND({_basis}="Warranty",{_warranty_end}<>""),{_warranty_end},'
            f'IF({_bought}<>"",EDATE({_bought},12*{_life}),IF({_warranty_end}<>"",{_warranty_end},""))))'
        ),
        "status": _status_formula(),
    },
)

_initiative_decision = lookup(
    INITIATIVES, "decision", INITIATIVES, "name", this(LINES, "source"), '"Proposed"', blank_is_default=True
)
_own_decision = f"TRIM({this(LINES, 'decision')})"
# PROPER(TRIM()): a decision typed " approved" is Approved, as the reader takes it
LINES = with_formulas(
    LINES,
    {
        "effective_decision": (
            f'IF({_own_decision}<>"",PROPER({_own_decision}),PROPER(TRIM({_initiative_decision})))'
        ),
    },
)

INITIATIVES = with_formulas(
    INITIATIVES,
    {
        "budget": f"SUMPRODUCT((TRIM({col(LINES, 'source')})=TRIM({this(INITIATIVES, 'name')}))*1,"
        f"{col(LINES, 'amount')})",
    },
)

PROFILE = (
    CellSpec("ClientName", "Client", "profile.client"),
    FISCAL_YEAR_START,
    BUDGET_START,
    CellSpec("HorizonYears", "Horizon (years)", "profile.horizon_years", "int"),
    AS_OF,
    CellSpec("Granularity", "Plan by", "profile.granularity", choices=("Month", "Quarter")),
)
_amount = col(LINES, "planned_amount")
"""Every total counts the planned lines (Approved and Proposed) only."""
_cost = col(LINES, "amount")
_decided = col(LINES, "effective_decision")


def _decided_total(decision: str, where: str | None = None) -> str:
    """The cost of the lines with this (effective) decision, where ``where`` holds."""
    test = f'({_decided}="{decision}")*1' if where is None else f'({where})*({_decided}="{decision}")'
    return f"SUMPRODUCT({test},{_cost})"


DECISION_TOTALS: tuple[tuple[str, Decision], ...] = (
    ("Committed", "Approved"),
    ("Proposed", "Proposed"),
    ("Deferred", "Deferred"),
    ("Declined", "Declined"),
)
"""(column header, decision) of the decision grids, after Planned (approved + proposed)."""

TOTALS = (
    CellSpec(
        "TotalBudget", "Planned budget (approved + proposed)", "total", "money", formula=f"SUM({_amount})"
    ),
    CellSpec(
        "CapexTotal",
        "Capital expenditure",
        "capex",
        "money",
        formula=f'SUMPRODUCT(({col(LINES, "expense")}="Capex")*1,{_amount})',
    ),
    CellSpec(
        "OpexTotal",
        "Operating expenditure",
        "opex",
        "money",
        formula=f'SUMPRODUCT(({col(LINES, "expense")}="Opex")*1,{_amount})',
    ),
    CellSpec(
        "CommittedTotal", "Committed (approved)", "committed", "money", formula=_decided_total("Approved")
    ),
    CellSpec(
        "DeferredTotal",
        "Deferred (moves when rebuilt)",
        "deferred",
        "money",
        formula=_decided_total("Deferred"),
    ),
    CellSpec(
        "DeclinedTotal", "Declined (in no total)", "declined", "money", formula=_decided_total("Declined")
    ),
    CellSpec(
        "UnknownCostLines",
        "Lines with unknown cost (not in totals)",
        "unknown_lines",
        "int",
        formula=f'SUMPRODUCT(({col(LINES, "unit_cost")}="")*1)',
    ),
    CellSpec(
        "UnknownTypeAssets",
        "Assets of unknown type (not planned)",
        "unknown_type_assets",
        "int",
        formula=f'SUMPRODUCT(({col(ASSETS, "status")}="{calc.UNKNOWN_TYPE}")*1)',
    ),
)


def _top_decision(g: GridCell) -> str:
    """A top initiative's decision, looked up by its label as the reader reads it."""
    found = lookup(INITIATIVES, "decision", INITIATIVES, "name", g.label, '"Proposed"', blank_is_default=True)
    return f"PROPER(TRIM({found}))"


SCHEMA = Schema(tables=(POLICY, LINES, ASSETS, INITIATIVES), cells=PROFILE + TOTALS)


def _category_grid(
    name: str,
    by: str,
    keys: tuple[tuple[int, str], ...],
    cats: tuple[str, ...],
    values: dict[tuple[int, str], Decimal],
    title: str,
    label: str,
) -> Grid:
    per = col(LINES, by)

    def in_category(g: GridCell) -> str:
        return f"SUMPRODUCT(({per}={g.key})*({col(LINES, 'category')}={g.header}),{_amount})"

    columns = (
        *(GridColumn(c, in_category) for c in cats),
        GridColumn("Total", lambda g: f"SUMPRODUCT(({per}={g.key})*1,{_amount})"),
    )
    rows_ = []
    for k, lbl in keys:
        cells = [values.get((k, c), Decimal(0)) for c in cats]
        rows_.append((k, lbl, [*cells, sum(cells, Decimal(0))]))
    return Grid(name, label, columns, rows_, title=title, total_label="Total")


def _decision_columns(by: str) -> list[GridColumn]:
    """Per period: planned (approved + proposed), then committed, still proposed, deferred
    and declined."""
    per = col(LINES, by)

    def decided(decision: Decision) -> GridFormula:
        return lambda g: _decided_total(decision, f"{per}={g.key}")

    return [
        GridColumn("Planned", lambda g: f"SUMPRODUCT(({per}={g.key})*1,{_amount})"),
        *(GridColumn(h, decided(d)) for h, d in DECISION_TOTALS),
    ]


def _decision_values(values: Mapping[tuple[int, Decision], Decimal], k: int) -> list[Decimal]:
    cells = [values.get((k, d), Decimal(0)) for _, d in DECISION_TOTALS]
    return [cells[0] + cells[1], *cells]


def build(book: BudgetBook) -> Book:
    r = calc.calculate(book)
    prof = book.profile
    first_fy, last_fy = r.years[0][1], r.years[-1][1]

    def of_expense(g: GridCell) -> str:
        return f"SUMPRODUCT(({col(LINES, 'year')}={g.key})*({col(LINES, 'expense')}={g.header}),{_amount})"

    years = Grid(
        "YearGrid",
        "Fiscal year",
        (
            GridColumn("Capex", of_expense),
            GridColumn("Opex", of_expense),
            *_decision_columns("year"),
        ),
        [
            (
                k,
                lbl,
                [
                    r.by_year_expense.get((k, "Capex"), Decimal(0)),
                    r.by_year_expense.get((k, "Opex"), Decimal(0)),
                    *_decision_values(r.by_year_decision, k),
                ],
            )
            for k, lbl in r.years
        ],
        title="Spend by fiscal year: planned = approved + proposed; committed = approved",
        total_label="Total",
    )
    ranked = sorted(zip(book.initiatives, r.initiatives, strict=True), key=lambda ir: -ir[1].budget)[:5]
    top = Grid(
        "TopInitiatives",
        "Initiative",
        (
            GridColumn(
                "Target quarter",
                lambda g: lookup(INITIATIVES, "target_quarter", INITIATIVES, "name", g.label, '""'),
                "text",
            ),
            GridColumn("Decision", _top_decision, "text"),
            GridColumn(
                "Budget", lambda g: f"SUMPRODUCT((TRIM({col(LINES, 'source')})=TRIM({g.label}))*1,{_cost})"
            ),
        ),
        [
            (i + 1, ini.name, [ini.target_quarter, ini.decision, res.budget])
            for i, (ini, res) in enumerate(ranked)
        ],
        title="Top initiatives",
    )
    quarters = _category_grid(
        "QuarterGrid",
        "quarter",
        r.quarters,
        r.categories,
        r.by_quarter,
        "Spend by fiscal quarter and category",
        "Quarter",
    )
    months = _category_grid(
        "MonthGrid", "period", r.months, r.categories, r.by_month, "Spend by month and category", "Month"
    )
    profile_values = (
        prof.client,
        prof.fiscal_year_start_month,
        prof.start,
        prof.horizon_years,
        prof.as_of,
        prof.granularity,
    )
    decided = r.by_decision
    totals = (
        r.total,
        r.capex,
        r.opex,
        decided.get("Approved", Decimal(0)),
        decided.get("Deferred", Decimal(0)),
        decided.get("Declined", Decimal(0)),
        r.unknown_lines,
        r.unknown_type_assets,
    )
    summary_blocks: list[Block] = [
        Title(f"Life-cycle IT budget: {prof.client}"),
        Title(
            f"{first_fy}–{last_fy}, {add_months(prof.start, 0):%B %Y} to "
            f"{add_months(prof.start, 12 * prof.horizon_years - 1):%B %Y}. Every figure is a live formula "
            "over the Lines sheet.",
            "note",
        ),
        # these shape the plan (its months, years and quarters): the rebuild applies a change
        Cells(
            tuple(zip(PROFILE, profile_values, strict=True)),
            "Client and plan (a change here applies when rebuilt)",
        ),
        Cells(tuple(zip(TOTALS, totals, strict=True)), "Totals"),
        years,
        Chart(
            "Spend by fiscal quarter and category",
            tuple(Series(c, "QuarterGrid", c, LABELS) for c in r.categories),
            stacked=True,
            y_title="Spend",
        ),
    ]
    if book.initiatives:
        summary_blocks.append(top)
    quarter_decisions = Grid(
        "QuarterDecisions",
        "Quarter",
        tuple(_decision_columns("quarter")),
        [(k, lbl, _decision_values(r.by_quarter_decision, k)) for k, lbl in r.quarters],
        title="Decisions by fiscal quarter",
        total_label="Total",
    )
    grids = (
        Sheet("Quarters", (quarters, quarter_decisions), audience="summary", deliver=True),
        Sheet("Months", (months,)),
    )
    if prof.granularity == "Month":
        grids = grids[::-1]
    return Book(
        kind=KIND_NAME,
        schema_version=SCHEMA_VERSION,
        title=f"IT budget {first_fy}–{last_fy}",
        header_text=f"{prof.client}: IT budget {first_fy}–{last_fy}",
        sheets=(
            Sheet("Summary", tuple(summary_blocks), audience="summary", deliver=True),
            *grids,
            Sheet("Lines", (table(LINES, book.lines, r.lines),)),
            Sheet("Assets", (table(ASSETS, book.assets, r.assets),)),
            Sheet(
                "Roadmap",
                (table(INITIATIVES, book.initiatives, r.initiatives),),
                audience="summary",
                deliver=True,
            ),
            Sheet("Policy", (table(POLICY, book.policy, r.policy),)),
        ),
    )


def check(book: BudgetBook) -> list[Problem]:
    """The budget's rules, with the advice a workbook needs (not an import's)."""
    return calc.check(book, "workbook")


def headline(book: BudgetBook) -> dict[str, Decimal]:
    """The figures a decision maker reads first: the plan (approved + proposed), what is
    committed, capex, opex, and each fiscal year's plan and commitment."""
    r = calc.plan_totals(book)
    out = {
        "Planned budget": r.total,
        "Committed": r.by_decision.get("Approved", Decimal(0)),
        "Capital expenditure": r.capex,
        "Operating expenditure": r.opex,
    }
    for year, label in r.years:
        out[f"{label} budget"] = sum((v for (y, _), v in r.by_year_expense.items() if y == year), Decimal(0))
        out[f"{label} committed"] = r.by_year_decision.get((year, "Approved"), Decimal(0))
    return out


def samples(templates: Path | None = None) -> Iterator[tuple[str, BudgetBook]]:
    from xl_engage.batch import client_files, out_name
    from xl_engage.inputs.budget import load_budget
    from xl_engage.templates import SAMPLE_MSP

    for client_file in client_files(SAMPLE_MSP / "budgets"):
        yield out_name(client_file), load_budget(client_file, None, templates)[0]


KIND = Kind(
    KIND_NAME,
    SCHEMA_VERSION,
    "Life-cycle IT budget for a client",
    BudgetBook,
    SCHEMA,
    build,
    check,
    headline=headline,
    identity="profile.client",
    samples=samples,
)
