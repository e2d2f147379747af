"""The budget-versus-actual reconciliation workbook for finance staff (DOMAIN.md §6).

Sheets:

- **Summary**: settings (as-of month, tolerances), the tie-out block, the variance summary
  by category, month to date and year to date, with red/amber/green flags and the sign
  convention stated; a chart and table of budget vs actual by fiscal quarter.
- **By month**: the fiscal year month by month: budget, actual, variance, variance %, and
  the variance of every category; a fiscal-year total row.
- **Lines**: each budget line of the fiscal year, year to date.
- **Asset types**: replacements by asset type (device and labour together), year to date.
- **Transactions**: every ledger row, the rule that matched it (written by Python), the
  clerk's own assignment (yellow, a dropdown), and the live category, line and outcome.
- **Unmatched**: the transactions no rule matched, at the last run.
- **Rules**: the mapping rules (first match wins) and the budget categories.
- **Budget**: the budget lines by month, as the client was quoted.

Every variance cell is a live formula over the Transactions and Budget tables, so assigning
a transaction in the file moves every total at once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from xl_engage.calc import reconcile as calc
from xl_engage.calc.fiscal import add_months
from xl_engage.kinds import Kind
from xl_engage.kinds.common import col, extras, first_match, rows, table, this, with_formulas
from xl_engage.layout import (
    CALCULATED,
    LABELS,
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
from xl_engage.models.base import field_at, key
from xl_engage.models.reconcile import CATEGORY_ONLY, LINE, MATCH_FIELDS, UNMATCHED, ReconBook
from xl_engage.style import STATUS_FILLS, currency_sign

KIND_NAME = "reconcile"
SCHEMA_VERSION = 1
FLAG_COLORS = (
    (calc.GREEN, STATUS_FILLS["good"]),
    (calc.AMBER, STATUS_FILLS["warn"]),
    (calc.RED, STATUS_FILLS["bad"]),
)
OUTCOME_COLORS = (
    (LINE, STATUS_FILLS["good"]),
    (CATEGORY_ONLY, STATUS_FILLS["watch"]),
    (UNMATCHED, STATUS_FILLS["bad"]),
)

BUDGET = TableSpec(
    "Budget",
    "Budget",
    "budget",
    (
        Column("Month", "month", "month"),
        Column("Category", "category", width=20),
        Column("Line", "line", width=44, aliases=("Budget line", "Description")),
        Column("Amount", "amount", "money", aliases=("Budget",)),
        Column("Asset type", "asset_type", required=False, width=16),
    ),
    title="The budget, as quoted to the client, by month",
    key=("month", "category", "line"),
)

TRANSACTIONS = TableSpec(
    "Transactions",
    "Transactions",
    "transactions",
    (
        Column("Date", "date", "date"),
        Column("Vendor", "vendor", required=False, width=22),
        Column("Description", "description", required=False, width=30),
        Column("Amount", "amount", "money", help="Spend: positive; a refund or credit: negative"),
        Column("GL account", "account", required=False, width=18),
        Column("Reference", "reference", required=False),
        Column("Rule", "rule", "int", derived=True, help="The mapping rule that matched (Rules sheet)"),
        Column("Rule category", "rule_category", derived=True, width=18),
        Column("Rule line", "rule_line", derived=True, width=28),
        Column("Rule asset type", "rule_asset_type", derived=True, width=14),
        Column(
            "Assigned category",
            "assigned_category",
            required=False,
            choices_name="CategoryList",
            width=18,
            help="Your decision: beats every rule",
        ),
        Column(
            "Assigned line",
            "assigned_line",
            required=False,
            choices_name="LineList",
            width=28,
            help="Your decision: beats every rule and the assigned category",
        ),
        Column("Month", "month", "month", formula=CALCULATED),
        Column("Category", "category", formula=CALCULATED, width=18),
        Column("Line", "line", formula=CALCULATED, width=28),
        Column("Asset type", "asset_type", formula=CALCULATED, width=14),
        Column("Outcome", "outcome", formula=CALCULATED, width=16, colors=OUTCOME_COLORS),
    ),
    title="Transactions (amounts are spend: refunds and credits are negative)",
    key=(
        "date",
        "vendor",
        "description",
        "amount",
        "reference",
    ),  # what the ledger said, not the clerk's choice
)


def _this(k: str) -> str:
    return this(TRANSACTIONS, k)


def _trim(k: str) -> str:
    """A typed or pasted cell as the reader sees it: without stray spaces."""
    return f"TRIM({this(TRANSACTIONS, k)})"


def _trimmed(table: TableSpec, k: str) -> str:
    """A text column of a table, compared as the reader sees it (Excel's TRIM)."""
    return f"TRIM({col(table, k)})"


TRANSACTIONS = with_formulas(
    TRANSACTIONS,
    {
        "month": f"DATE(YEAR({_this('date')}),MONTH({_this('date')}),1)",
        "category": (  # a blank cell reads as 0 in a formula: &"" keeps it text
            f'IF({_trim("assigned_line")}<>"",'
            + first_match(BUDGET, [f"{_trimmed(BUDGET, 'line')}={_trim('assigned_line')}"], "category", '""')
            + f',IF({_trim("assigned_category")}<>"",{_trim("assigned_category")},'
            + f'{_this("rule_category")}&""))'
        ),
        "line": (
            f'IF({_trim("assigned_line")}<>"",{_trim("assigned_line")},'
            f'IF({_trim("assigned_category")}<>"","",{_this("rule_line")}&""))'
        ),
        "asset_type": (
            f'IF({_trim("assigned_line")}<>"",'
            + first_match(
                BUDGET, [f"{_trimmed(BUDGET, 'line')}={_trim('assigned_line')}"], "asset_type", '""'
            )
            + f'&"",IF({_trim("assigned_category")}<>"","",{_this("rule_asset_type")}&""))'
        ),
        "outcome": (
            f'IF({_this("line")}<>"",{constant(LINE)},'
            f'IF({_this("category")}<>"",{constant(CATEGORY_ONLY)},{constant(UNMATCHED)}))'
        ),
    },
)

RULES = TableSpec(
    "Rules",
    "Rules",
    "rules",
    (
        Column("#", "number", "int", derived=True),
        Column("Field", "field", choices=MATCH_FIELDS, width=14, help="What the pattern looks at"),
        Column(
            "Pattern",
            "pattern",
            width=26,
            help="Case-insensitive. * = any text, ? = one character; without them: contains",
        ),
        Column("Category", "category", required=False, choices_name="CategoryList", width=20),
        Column("Budget line", "line", required=False, choices_name="LineList", width=36),
        Column("Asset type", "asset_type", required=False, choices_name="AssetTypeList", width=14),
        Column("Note", "note", required=False, width=30),
    ),
    title="Mapping rules: applied top to bottom, the first match wins (re-run reconcile to apply edits)",
    key=("field", "pattern"),
    ordered=True,  # the first rule that matches wins: moving one is a change
)

FY_START = CellSpec("FyStart", "Fiscal year starts", "settings.fiscal_year_start", "month")
AS_OF = CellSpec("AsOf", "Month to date: the month of", "settings.as_of", "date")
TOL_AMOUNT = CellSpec("TolAmount", "Tolerance: amount", "settings.tolerance_amount", "money")
TOL_PCT = CellSpec("TolPct", "Tolerance: % of budget", "settings.tolerance_pct", "percent")
SETTINGS = (
    CellSpec("ClientName", "Client", "settings.client"),
    CellSpec("Currency", "Currency", "settings.currency", help="Every amount is in this currency"),
    FY_START,
    AS_OF,
    TOL_AMOUNT,
    TOL_PCT,
)
CONTROL_TOTAL = CellSpec(
    "ControlTotal",
    "Control total of the ledgers read",
    "settings.control_total",
    "money",
    help="Written by xl-engage from the ledger files; do not edit",
    recorded=True,
    cents=True,
)
CONTROL_COUNT = CellSpec(
    "ControlCount", "Transactions in the ledgers read", "settings.control_count", "int", recorded=True
)
CONTROL = (CONTROL_TOTAL, CONTROL_COUNT)
AS_OF_MONTH = CellSpec(
    "AsOfMonth", "Month to date", "as_of_month", "month", formula=f"DATE(YEAR({AS_OF}),MONTH({AS_OF}),1)"
)
FY_END = CellSpec(
    "FyEnd",
    "Fiscal year's last month",
    "fy_end",
    "month",
    formula=f"DATE(YEAR({FY_START}),MONTH({FY_START})+11,1)",
)
YTD_END = CellSpec(
    "YtdEnd", "Year to date through", "ytd_end", "month", formula=f"MIN({AS_OF_MONTH},{FY_END})"
)
CLOCK = (AS_OF_MONTH, FY_END, YTD_END)
"""The named cells the formulas below reach through these specs."""

_YTD_B = f"({col(BUDGET, 'month')}>={FY_START})*({col(BUDGET, 'month')}<={YTD_END})"
_YTD_T = f"({col(TRANSACTIONS, 'month')}>={FY_START})*({col(TRANSACTIONS, 'month')}<={YTD_END})"
_FY_B = f"({col(BUDGET, 'month')}>={FY_START})*({col(BUDGET, 'month')}<={FY_END})"
_FY_T = f"({col(TRANSACTIONS, 'month')}>={FY_START})*({col(TRANSACTIONS, 'month')}<={FY_END})"


def _sum(table: TableSpec, *conditions: str) -> str:
    return f"SUMPRODUCT({'*'.join(conditions)}*{col(table, 'amount')})"


def _flag(v: str, b: str) -> str:
    """VARIANCE_FLAG as a formula: green within either tolerance, else red over, amber under."""
    within = f"OR(ABS({v})<={TOL_AMOUNT},AND({b}<>0,ABS({v})<={TOL_PCT}*ABS({b})))"
    return f"IF({within},{constant(calc.GREEN)},IF({v}>0,{constant(calc.RED)},{constant(calc.AMBER)}))"


def _pct(v: str, b: str) -> str:
    return f'IF({b}=0,"",{v}/{b})'


LINES = TableSpec(
    "Lines",
    "Lines",
    "lines",
    (
        Column("Category", "category", width=20),
        Column("Line", "line", width=44),
        Column("YTD budget", "ytd_budget", "money", formula=CALCULATED),
        Column("YTD actual", "ytd_actual", "money", formula=CALCULATED),
        Column("YTD variance", "ytd_variance", "money", formula=CALCULATED),
        Column("YTD variance %", "ytd_pct", "percent", formula=CALCULATED),
        Column("Flag", "ytd_flag", formula=CALCULATED, colors=FLAG_COLORS),
    ),
    title="Budget lines of the fiscal year, year to date",
    readonly=True,
)


def _ytd(spec: TableSpec, key: str) -> TableSpec:
    """The year-to-date budget, actual, variance and flag of the row's ``key`` (a line, an
    asset type) over the Budget and Transactions tables."""
    mine = this(spec, key)
    return with_formulas(
        spec,
        {
            "ytd_budget": _sum(BUDGET, f"({_trimmed(BUDGET, key)}={mine})", _YTD_B),
            "ytd_actual": _sum(TRANSACTIONS, f"({col(TRANSACTIONS, key)}={mine})", _YTD_T),
            "ytd_variance": f"{this(spec, 'ytd_actual')}-{this(spec, 'ytd_budget')}",
            "ytd_pct": _pct(this(spec, "ytd_variance"), this(spec, "ytd_budget")),
            "ytd_flag": _flag(this(spec, "ytd_variance"), this(spec, "ytd_budget")),
        },
    )


LINES = _ytd(LINES, "line")

ASSET_TYPES = TableSpec(
    "AssetTypes",
    "Asset types",
    "asset_types",
    (
        Column("Asset type", "asset_type", width=20),
        Column("Category", "category", width=20),
        *(dataclasses.replace(c, formula=CALCULATED) for c in LINES.columns if c.formula),
    ),
    title="Replacements by asset type (device and labour), year to date",
    readonly=True,
)
ASSET_TYPES = _ytd(ASSET_TYPES, "asset_type")

CATEGORIES = TableSpec(
    "Categories",
    "Rules",
    "categories",
    (Column("Category", "name", width=20), Column("FY budget", "budget", "money", formula=CALCULATED)),
    title="Budget categories",
    readonly=True,
)
CATEGORIES = with_formulas(
    CATEGORIES,
    {
        "budget": _sum(BUDGET, f"({_trimmed(BUDGET, 'category')}={this(CATEGORIES, 'name')})", _FY_B),
    },
)

UNMATCHED_LIST = TableSpec(
    "UnmatchedList",
    "Unmatched",
    "unmatched",
    tuple(
        c
        for c in TRANSACTIONS.columns
        if c.key in ("date", "vendor", "description", "amount", "account", "reference")
    ),
    title="Transactions no rule matched at the last run: assign them on the Transactions sheet or add a rule",
    readonly=True,
)

LEDGER_READ = TableSpec(
    "LedgerRead",
    "_ledger",
    "ledger",
    (Column("Key", "key", width=60), Column("Amount", "amount", "money")),
    title="Every ledger row read, as it was read (xl-engage's memory of its sources; do not edit)",
    keep_extra_columns=False,
    key=("key",),
)


def _by_outcome(outcome: str) -> str:
    return f"SUMPRODUCT(({col(TRANSACTIONS, 'outcome')}={constant(outcome)})*{col(TRANSACTIONS, 'amount')})"


TX_COUNT = CellSpec(
    "TxCount",
    "Transactions in this workbook",
    "count",
    "int",
    formula=f'SUMPRODUCT(({col(TRANSACTIONS, "date")}<>"")*1)',
)
# the tie-out is to the cent: its amounts keep their cents even on the summary
TX_TOTAL = CellSpec(
    "TxTotal", "Their total", "total", "money", formula=f"SUM({col(TRANSACTIONS, 'amount')})", cents=True
)
MATCHED_LINE = CellSpec(
    "MatchedLine", "Matched to a budget line", LINE, "money", formula=_by_outcome(LINE), cents=True
)
CATEGORY_ONLY_TOTAL = CellSpec(
    "CategoryOnly",
    "Matched to a category only",
    CATEGORY_ONLY,
    "money",
    formula=_by_outcome(CATEGORY_ONLY),
    cents=True,
)
UNMATCHED_TOTAL = CellSpec(
    "UnmatchedTotal", "Unmatched", UNMATCHED, "money", formula=_by_outcome(UNMATCHED), cents=True
)
TIE_DIFFERENCE = CellSpec(
    "TieDifference",
    "Total − (matched + category only + unmatched)",
    "difference",
    "money",
    formula=f"{TX_TOTAL}-({MATCHED_LINE}+{CATEGORY_ONLY_TOTAL}+{UNMATCHED_TOTAL})",
    cents=True,
)
TIE_OUT = (
    TX_COUNT,
    TX_TOTAL,
    MATCHED_LINE,
    CATEGORY_ONLY_TOTAL,
    UNMATCHED_TOTAL,
    TIE_DIFFERENCE,
    CellSpec(
        "TiesOut",
        "Ties out to the ledgers read",
        "ties",
        formula=(
            f"IF(AND(ABS({TIE_DIFFERENCE})<0.005,ABS({TX_TOTAL}-{CONTROL_TOTAL})<0.005,"
            f'{TX_COUNT}={CONTROL_COUNT}),"Yes","No")'
        ),
    ),
)

SCHEMA = Schema(tables=(BUDGET, TRANSACTIONS, RULES, LEDGER_READ), cells=SETTINGS + CONTROL + CLOCK + TIE_OUT)

_SUMMARY_HEADERS = (
    ("MTD budget", "money"),
    ("MTD actual", "money"),
    ("MTD variance", "money"),
    ("MTD variance %", "percent"),
    ("YTD budget", "money"),
    ("YTD actual", "money"),
    ("YTD variance", "money"),
    ("YTD variance %", "percent"),
    ("Flag (YTD)", "text"),
)


def _summary_formulas(
    mtd_b: GridFormula, mtd_a: GridFormula, ytd_b: GridFormula, ytd_a: GridFormula
) -> list[GridFormula]:
    return [
        mtd_b,
        mtd_a,
        lambda g: f"{g.col('MTD actual')}-{g.col('MTD budget')}",
        lambda g: _pct(g.col("MTD variance"), g.col("MTD budget")),
        ytd_b,
        ytd_a,
        lambda g: f"{g.col('YTD actual')}-{g.col('YTD budget')}",
        lambda g: _pct(g.col("YTD variance"), g.col("YTD budget")),
        lambda g: _flag(g.col("YTD variance"), g.col("YTD budget")),
    ]


def _mtd(table: TableSpec) -> str:
    return f"({col(table, 'month')}={AS_OF_MONTH})"


def _summary_grid(r: calc.ReconResult) -> Grid:
    def values(v_mtd: calc.Variance, v_ytd: calc.Variance) -> list[object]:
        return [
            v_mtd.budget,
            v_mtd.actual,
            v_mtd.variance,
            v_mtd.pct,
            v_ytd.budget,
            v_ytd.actual,
            v_ytd.variance,
            v_ytd.pct,
            v_ytd.flag,
        ]

    def in_b(g: GridCell) -> str:
        return f"({_trimmed(BUDGET, 'category')}={g.label})"

    def in_t(g: GridCell) -> str:
        return f"({col(TRANSACTIONS, 'category')}={g.label})"

    by_category = _summary_formulas(
        lambda g: _sum(BUDGET, _mtd(BUDGET), in_b(g)),
        lambda g: _sum(TRANSACTIONS, _mtd(TRANSACTIONS), in_t(g)),
        lambda g: _sum(BUDGET, _YTD_B, in_b(g)),
        lambda g: _sum(TRANSACTIONS, _YTD_T, in_t(g)),
    )
    unmatched = f"({col(TRANSACTIONS, 'outcome')}={constant(UNMATCHED)})"
    return Grid(
        "Variance",
        "Category",
        tuple(GridColumn(h, f, k) for (h, k), f in zip(_SUMMARY_HEADERS, by_category, strict=True)),  # type: ignore[arg-type]
        [
            *((("category", c), c, values(r.mtd[key(c)], r.ytd[key(c)])) for c in r.categories),
            ("unmatched", "Unmatched", values(r.mtd[UNMATCHED], r.ytd[UNMATCHED])),
            ("total", "Total", values(r.mtd["total"], r.ytd["total"])),
        ],
        title="Variance by category: month to date and year to date",
        row_formulas={
            "unmatched": _summary_formulas(
                "0",
                _sum(TRANSACTIONS, _mtd(TRANSACTIONS), unmatched),
                "0",
                _sum(TRANSACTIONS, _YTD_T, unmatched),
            ),
            "total": _summary_formulas(
                _sum(BUDGET, _mtd(BUDGET)),
                _sum(TRANSACTIONS, _mtd(TRANSACTIONS)),
                _sum(BUDGET, _YTD_B),
                _sum(TRANSACTIONS, _YTD_T),
            ),
        },
        colors=FLAG_COLORS,
    )


def _reached(formula: GridFormula) -> GridFormula:
    """Blank for a month not yet reached (after the month-to-date month, the row's key): its
    actual is not 0 and its variance not −100 %, it has not happened."""
    return lambda g: f'IF({g.key}>{AS_OF_MONTH},"",{at_cell(formula, g)})'


def _variance(g: GridCell) -> str:
    return f"{g.col('Actual')}-{g.col('Budget')}"


def _variance_pct(g: GridCell) -> str:
    return _pct(g.col("Variance"), g.col("Budget"))


def _month_grid(r: calc.ReconResult) -> Grid:
    def in_month_b(g: GridCell) -> str:
        return f"({col(BUDGET, 'month')}={g.key})"

    def in_month_t(g: GridCell) -> str:
        return f"({col(TRANSACTIONS, 'month')}={g.key})"

    head = (
        GridColumn("Budget", lambda g: _sum(BUDGET, in_month_b(g))),
        GridColumn("Actual", _reached(lambda g: _sum(TRANSACTIONS, in_month_t(g)))),
        GridColumn("Variance", _reached(_variance)),
        GridColumn("Variance %", _reached(_variance_pct), "percent"),
    )

    def of(c: str, when_t: str, when_b: str) -> str:
        cat = constant(c)
        actual = _sum(TRANSACTIONS, when_t, f"({col(TRANSACTIONS, 'category')}={cat})")
        budget = _sum(BUDGET, when_b, f"({_trimmed(BUDGET, 'category')}={cat})")
        return f"{actual}-{budget}"

    def in_month(c: str) -> GridFormula:
        return lambda g: of(c, in_month_t(g), in_month_b(g))

    per_category = tuple(GridColumn(f"{c} (variance)", _reached(in_month(c))) for c in r.categories)
    ytd: list[GridFormula] = [  # like with like: the budget of the months reached against their actuals
        _sum(BUDGET, _YTD_B),
        _sum(TRANSACTIONS, _YTD_T),
        _variance,
        _variance_pct,
        *(of(c, _YTD_T, _YTD_B) for c in r.categories),
    ]
    full_year = [_sum(BUDGET, _FY_B), *(['""'] * (3 + len(r.categories)))]

    def shown(m: dt.date) -> list[object]:
        v = r.by_month[m]
        if m > r.as_of_month:
            return [v.budget, None, None, None, *(None for _ in r.categories)]
        return [
            v.budget,
            v.actual,
            v.variance,
            v.pct,
            *(r.by_month_category[(m, key(c))] for c in r.categories),
        ]

    total = r.ytd["total"]
    ytd_category = {key(c): r.ytd[key(c)].variance if key(c) in r.ytd else Decimal(0) for c in r.categories}
    return Grid(
        "ByMonth",
        "Month",
        head + per_category,
        [
            *((m, f"{m:%b %Y}", shown(m)) for m in r.months),
            (
                "ytd",
                f"Year to date, through {r.ytd_end:%b %Y}",
                [
                    total.budget,
                    total.actual,
                    total.variance,
                    total.pct,
                    *(ytd_category[key(c)] for c in r.categories),
                ],
            ),
            (
                "fy",
                "Full-year budget",
                [r.fy_total.budget, *(None for _ in range(3 + len(r.categories)))],
            ),
        ],
        title="Variance by month (actual − budget; over budget is positive)",
        row_formulas={"ytd": ytd, "fy": full_year},
    )


def _quarter_grid(r: calc.ReconResult) -> Grid:
    """A quarter not yet begun shows its budget only. The quarter under way sets its actuals
    to date against its budget to date, both stopping at the month-to-date month (like with
    like, as the year to date): a ledger running into the next month counts that month's
    spend nowhere until the reconciliation reaches it. The budget to date is shown, so that
    budget to date minus actual is the variance a reader checks by eye."""

    def in_quarter(table: TableSpec, g: GridCell) -> str:
        end = f"DATE(YEAR({g.key}),MONTH({g.key})+3,1)"
        return f"({col(table, 'month')}>={g.key})*({col(table, 'month')}<{end})"

    def reached(table: TableSpec, g: GridCell) -> str:
        return f"{in_quarter(table, g)}*({col(table, 'month')}<={AS_OF_MONTH})"

    def shown(first: dt.date, v: calc.Variance) -> list[object]:
        if first > r.as_of_month:
            return [v.budget, None, None, None]
        to_date = sum(
            (
                r.by_month[m].budget
                for m in r.months
                if first <= m <= r.as_of_month and m < add_months(first, 3)
            ),
            Decimal(0),
        )
        return [v.budget, to_date, v.actual, v.actual - to_date]

    return Grid(
        "ByQuarter",
        "Quarter",
        (
            GridColumn("Budget", lambda g: _sum(BUDGET, in_quarter(BUDGET, g))),
            GridColumn("Budget to date", _reached(lambda g: _sum(BUDGET, reached(BUDGET, g)))),
            GridColumn("Actual", _reached(lambda g: _sum(TRANSACTIONS, reached(TRANSACTIONS, g)))),
            GridColumn("Variance", _reached(lambda g: f"{g.col('Actual')}-{g.col('Budget to date')}")),
        ),
        [(first, label, shown(first, v)) for first, label, v in r.quarters],
        title="Budget vs actual by fiscal quarter, to the month to date (variance: actual − budget to date)",
    )


def build(book: ReconBook) -> Book:
    r = calc.calculate(book)
    tie = r.tie_out
    tie_values = {
        "count": tie.count,
        "total": tie.total,
        LINE: tie.by_outcome[LINE],
        CATEGORY_ONLY: tie.by_outcome[CATEGORY_ONLY],
        UNMATCHED: tie.by_outcome[UNMATCHED],
        "difference": tie.difference,
        "ties": "Yes" if tie.ties else "No",
    }
    clock = {"as_of_month": r.as_of_month, "fy_end": r.months[-1], "ytd_end": r.ytd_end}
    settings = book.settings
    quarters = _quarter_grid(r)
    unmatched = [tx for tx, m in zip(book.transactions, r.matches, strict=True) if m.outcome == UNMATCHED]
    rule_rows = rows(book.rules)
    for n, row in enumerate(rule_rows, start=1):
        row["number"] = n
    rules = Table(RULES, rule_rows, extras=extras(book.rules, RULES.extras_field))
    line_rows = [{"category": info.category, "line": info.name, **vars(result)} for info, result in r.lines]
    type_rows = [
        {"asset_type": info.name, "category": info.category, **vars(result)} for info, result in r.asset_types
    ]
    category_rows = [{"name": c, "budget": r.category_budget[key(c)]} for c in r.categories]
    summary = Sheet(
        "Summary",
        (
            Title(f"{settings.client}: budget vs actual"),
            Title(
                "Variance = actual − budget: positive is over budget, unfavourable for costs; negatives are "
                "in brackets. Variance % = variance ÷ budget (blank when the budget is 0). Flags: green "
                "within the amount or % tolerance, red over budget beyond both, amber under budget beyond "
                "both.",
                "note",
            ),
            # the results first, as a decision maker reads them; the clerk's settings and the
            # tie-out after (page 1 of the PDF held no budget-vs-actual figure: a review)
            _summary_grid(r),
            quarters,
            Chart(
                "Budget vs actual by quarter",
                (
                    Series("Budget to date", "ByQuarter", "Budget to date", LABELS),
                    Series("Actual", "ByQuarter", "Actual", LABELS),
                ),
                y_title=f"Amount ({settings.currency})",
            ),
            Cells(
                tuple((c, field_at(book, c.key)) for c in CONTROL)
                + tuple((c, tie_values[c.key]) for c in TIE_OUT),
                "Tie-out",
            ),
            Cells(tuple((c, field_at(book, c.key)) for c in SETTINGS), "Settings"),
            Cells(tuple((c, clock[c.key]) for c in CLOCK), "Periods"),
        ),
        audience="summary",
        deliver=True,
    )
    return Book(
        kind=KIND_NAME,
        schema_version=SCHEMA_VERSION,
        title="Budget vs actual",
        # every printed page says whose figures they are, and for which year (the firm's name
        # is the header otherwise: a client reading page 2 saw the MSP's)
        header_text=f"{settings.client}: budget vs actual, {r.months[0]:%b %Y}–{r.months[-1]:%b %Y}",
        currency_sign=currency_sign(settings.currency),
        sheets=(
            summary,
            Sheet(
                "By month",
                (
                    Title(
                        "Months not yet reached are blank. The year to date compares the budget of the "
                        "months reached with their actuals; the full-year budget is below it.",
                        "note",
                    ),
                    _month_grid(r),
                ),
                audience="summary",
                deliver=True,
            ),
            Sheet("Lines", (Table(LINES, line_rows),)),
            Sheet("Asset types", (Table(ASSET_TYPES, type_rows),)),
            Sheet("Transactions", (table(TRANSACTIONS, book.transactions, r.matches),)),
            Sheet("Unmatched", (table(UNMATCHED_LIST, unmatched),)),
            Sheet("Rules", (rules, Table(CATEGORIES, category_rows))),
            Sheet("Budget", (table(BUDGET, book.budget),)),
            Sheet("_ledger", (table(LEDGER_READ, book.ledger),), hidden=True),
        ),
        list_names={
            "CategoryList": ("Categories", "name"),
            "LineList": ("Lines", "line"),
            "AssetTypeList": ("AssetTypes", "asset_type"),
        },
    )


def headline(book: ReconBook) -> dict[str, Decimal]:
    r = calc.calculate(book)
    ytd = r.ytd["total"]
    return {
        "Year-to-date budget": ytd.budget,
        "Year-to-date actual": ytd.actual,
        "Year-to-date variance": ytd.variance,
    }


def samples(templates: Path | None = None) -> Iterator[tuple[str, ReconBook]]:
    """Harbor Logistics' budget against its ledger, as of 22 November 2026."""
    from xl_engage.inputs.budget import load_budget
    from xl_engage.inputs.reconcile import load_ledger, load_rules_file, load_template, new_reconciliation
    from xl_engage.templates import SAMPLE_MSP

    budget, _ = load_budget(SAMPLE_MSP / "budgets" / "harbor-logistics" / "client.toml", None, templates)
    folder = SAMPLE_MSP / "reconcile"
    ledger = load_ledger(folder / "harbor-logistics-ledger.csv", load_template(templates).settings.currency)
    rules = load_rules_file(folder / "harbor-logistics-rules.csv")
    book, _ = new_reconciliation(budget, ledger, dt.date(2026, 11, 22), templates, None, rules)
    yield "reconcile-harbor-logistics.xlsx", book


KIND = Kind(
    KIND_NAME,
    SCHEMA_VERSION,
    "Budget vs actual: variance by category, month, quarter and line, with tie-out",
    ReconBook,
    SCHEMA,
    build,
    calc.check,
    headline=headline,
    identity="settings.client",
    samples=samples,
)
