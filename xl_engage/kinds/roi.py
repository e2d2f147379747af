"""The account-management ROI workbook (DOMAIN.md §1).

Sheets: ROI (assumptions, the owner-does-the-work switch, totals, chart of added revenue by
segment and stream) and Segments (per segment inputs and live results).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xl_engage.calc import roi as calc
from xl_engage.kinds import Kind
from xl_engage.kinds.common import col, is_yes, table, this, with_formulas
from xl_engage.layout import (
    CALCULATED,
    Book,
    Cells,
    CellSpec,
    Chart,
    Column,
    Schema,
    Series,
    Sheet,
    TableSpec,
    Title,
    ValueKind,
)
from xl_engage.models.roi import RoiBook

KIND_NAME = "roi"
SCHEMA_VERSION = 1

SEGMENTS = TableSpec(
    "Segments",
    "Segments",
    "segments",
    (
        Column("Segment", "name", width=10),
        Column("Description", "description", required=False, width=30),
        Column("Clients", "clients", "int"),
        Column("Adoption", "adoption", "percent", help="Share of the segment's clients who take part."),
        Column("Added project revenue / client / year", "added_project_revenue", "money", width=16),
        Column("Added MRR / client", "added_mrr", "money"),
        Column("Added services MRR / client", "added_services_mrr", "money", width=16),
        Column("Adopting clients", "adopting", "number", formula=CALCULATED),
        Column("Labour cost", "labour_cost", "money", formula=CALCULATED),
        Column("Tool share", "tool_share", "money", formula=CALCULATED),
        Column("Investment", "investment", "money", formula=CALCULATED),
        Column("Added projects", "added_projects", "money", formula=CALCULATED),
        Column("Added MRR × 12", "added_mrr_annual", "money", formula=CALCULATED),
        Column("Added services × 12", "added_services_annual", "money", formula=CALCULATED),
        Column("Added revenue", "added_revenue", "money", formula=CALCULATED),
        Column("ROI", "roi", "ratio", formula=CALCULATED),
    ),
    title="Client segments",
    key=("name",),
)

HOURS_PER_ACCOUNT = CellSpec(
    "HoursPerAccount",
    "AM hours per adopting account a year",
    "settings.hours_per_account",
    "hours",
    help="3 QBRs + 1 annual IT strategy roadmap ≈ 10 h",
)
AM_RATE = CellSpec(
    "AmRate",
    "AM internal hourly rate",
    "settings.am_rate",
    "money",
    help="Salary + burden at 70 % utilisation: typically $35–60",
    cents=True,
)
TOOL_COST_MONTH = CellSpec("ToolCostMonth", "AM tool cost per month", "settings.tool_cost_month", "money")
OWNER_DOES_AM = CellSpec(
    "OwnerDoesAm",
    "The owner does the AM work",
    "settings.owner_does_am",
    "bool",
    choices=("Yes", "No"),
    help="Yes: the owner's hourly value is the rate",
)
OWNER_RATE = CellSpec("OwnerRate", "Owner's hourly value", "settings.owner_rate", "money", cents=True)
CURRENT_ARR = CellSpec("CurrentArr", "Current ARR", "settings.current_arr", "money")
CURRENT_PROJECTS = CellSpec(
    "CurrentProjectRevenue",
    "Current project revenue / year",
    "settings.current_project_revenue",
    "money",
)
CURRENT_SERVICES = CellSpec(
    "CurrentServicesRevenue",
    "Current professional-services revenue / year",
    "settings.current_services_revenue",
    "money",
)
ASSUMPTIONS = (
    HOURS_PER_ACCOUNT,
    AM_RATE,
    TOOL_COST_MONTH,
    OWNER_DOES_AM,
    OWNER_RATE,
    CURRENT_ARR,
    CURRENT_PROJECTS,
    CURRENT_SERVICES,
)


def _total(name: str, label: str, key: str, kind: ValueKind, formula: str) -> CellSpec:
    return CellSpec(name, label, key, kind, formula=formula)


# the results the segments' formulas use: their columns are the segments table's own
EFFECTIVE_RATE = CellSpec(
    "EffectiveRate",
    "Rate used for AM labour",
    "rate",
    "money",
    formula=f"IF({is_yes(str(OWNER_DOES_AM))},{OWNER_RATE},{AM_RATE})",
    cents=True,
)
TOTAL_ADOPTING = _total(
    "TotalAdopting", "Adopting clients", "adopting", "number", f"SUM({col(SEGMENTS, 'adopting')})"
)
TOOL_COST = _total("ToolCost", "Tool cost / year", "tool_cost", "money", f"{TOOL_COST_MONTH}*12")

SEGMENTS = with_formulas(
    SEGMENTS,
    lambda s: {
        "adopting": f"{this(s, 'clients')}*{this(s, 'adoption')}",
        "labour_cost": f"{this(s, 'adopting')}*{HOURS_PER_ACCOUNT}*{EFFECTIVE_RATE}",
        "tool_share": f"IF({TOTAL_ADOPTING}=0,0,{TOOL_COST}*{this(s, 'adopting')}/{TOTAL_ADOPTING})",
        "investment": f"{this(s, 'labour_cost')}+{this(s, 'tool_share')}",
        "added_projects": f"{this(s, 'adopting')}*{this(s, 'added_project_revenue')}",
        "added_mrr_annual": f"{this(s, 'adopting')}*{this(s, 'added_mrr')}*12",
        "added_services_annual": f"{this(s, 'adopting')}*{this(s, 'added_services_mrr')}*12",
        "added_revenue": (
            f"{this(s, 'added_projects')}+{this(s, 'added_mrr_annual')}+{this(s, 'added_services_annual')}"
        ),
        "roi": f"IF({this(s, 'investment')}=0,0,{this(s, 'added_revenue')}/{this(s, 'investment')})",
    },
)

LABOUR_COST = _total(
    "LabourCost", "Labour cost / year", "labour_cost", "money", f"SUM({col(SEGMENTS, 'labour_cost')})"
)
INVESTMENT = _total("Investment", "Investment / year", "investment", "money", f"{LABOUR_COST}+{TOOL_COST}")
ADDED_PROJECTS = _total(
    "AddedProjects",
    "Added project revenue",
    "added_projects",
    "money",
    f"SUM({col(SEGMENTS, 'added_projects')})",
)
ADDED_MRR = _total(
    "AddedMrrAnnual",
    "Added MRR × 12",
    "added_mrr_annual",
    "money",
    f"SUM({col(SEGMENTS, 'added_mrr_annual')})",
)
ADDED_SERVICES = _total(
    "AddedServicesAnnual",
    "Added services MRR × 12",
    "added_services_annual",
    "money",
    f"SUM({col(SEGMENTS, 'added_services_annual')})",
)
ADDED_REVENUE = _total(
    "AddedRevenue",
    "Added revenue / year",
    "added_revenue",
    "money",
    f"{ADDED_PROJECTS}+{ADDED_MRR}+{ADDED_SERVICES}",
)
CURRENT_REVENUE = _total(
    "CurrentRevenue",
    "Current revenue / year",
    "current_revenue",
    "money",
    f"{CURRENT_ARR}+{CURRENT_PROJECTS}+{CURRENT_SERVICES}",
)
RESULTS = (
    EFFECTIVE_RATE,
    TOTAL_ADOPTING,
    LABOUR_COST,
    TOOL_COST,
    INVESTMENT,
    ADDED_PROJECTS,
    ADDED_MRR,
    ADDED_SERVICES,
    ADDED_REVENUE,
    _total(
        "RoiMultiple",
        "ROI (added revenue ÷ investment)",
        "roi",
        "ratio",
        f"IF({INVESTMENT}=0,0,{ADDED_REVENUE}/{INVESTMENT})",
    ),
    CURRENT_REVENUE,
    _total(
        "RevenueGrowth",
        "Revenue growth",
        "growth",
        "percent",
        f"IF({CURRENT_REVENUE}=0,0,{ADDED_REVENUE}/{CURRENT_REVENUE})",
    ),
)

SCHEMA = Schema(tables=(SEGMENTS,), cells=ASSUMPTIONS + RESULTS)


def build(book: RoiBook) -> Book:
    r = calc.calculate(book)
    st = book.settings
    assumptions = tuple((c, getattr(st, c.key.split(".")[1])) for c in ASSUMPTIONS)
    results = tuple((c, getattr(r, c.key)) for c in RESULTS)
    roi = Sheet(
        "ROI",
        (
            Title("Account-management ROI"),
            Title("Every figure not in yellow is a live formula: change an input and it follows.", "note"),
            Cells(assumptions, "Assumptions"),
            Cells(results, "Results"),
            Chart(
                "Added revenue by segment and stream",
                (
                    Series("Projects", "Segments", "added_projects", "name"),
                    Series("MRR × 12", "Segments", "added_mrr_annual", "name"),
                    Series("Services × 12", "Segments", "added_services_annual", "name"),
                ),
                stacked=True,
                y_title="Added revenue / year",
            ),
        ),
        audience="summary",
        deliver=True,
    )
    return Book(
        kind=KIND_NAME,
        schema_version=SCHEMA_VERSION,
        title="Account-management ROI",
        # the segments are printed too: the chart names them A, B, C, D, and their
        # descriptions and ROI each are on this sheet alone
        sheets=(
            roi,
            Sheet(
                "Segments", (table(SEGMENTS, book.segments, r.segments),), audience="summary", deliver=True
            ),
        ),
    )


def headline(book: RoiBook) -> dict[str, Any]:
    r = calc.calculate(book)
    return {"Added revenue / year": r.added_revenue, "Investment / year": r.investment, "ROI": r.roi}


def samples(templates: Path | None = None) -> Iterator[tuple[str, RoiBook]]:
    from xl_engage.inputs.roi import load_roi
    from xl_engage.templates import SAMPLE_MSP

    yield "am-roi.xlsx", load_roi(SAMPLE_MSP / "roi.toml", templates)
    yield "am-roi-owner-does-am.xlsx", load_roi(SAMPLE_MSP / "roi.toml", templates, owner_does_am=True)


KIND = Kind(
    KIND_NAME,
    SCHEMA_VERSION,
    "Account-management ROI by client segment",
    RoiBook,
    SCHEMA,
    build,
    calc.check,
    headline=headline,
    samples=samples,
)
