"""The account-management ROI workbook (DOMAIN.md §1).

Sheets: ROI (assumptions, the owner-does-the-work switch, totals, chart of added revenue by
segment and stream) and Segments (per segment inputs and live results).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xl_engage.calc import roi as calc
from xl_engage.issues import Problem
from xl_engage.kinds import Kind
from xl_engage.kinds.common import col, is_yes, rows, this, with_formulas
from xl_engage.layout import (
    Book,
    Cells,
    CellSpec,
    Chart,
    Column,
    Schema,
    Series,
    Sheet,
    Table,
    TableSpec,
    Title,
    ValueKind,
)
from xl_engage.models.roi import RoiBook

KIND_NAME = "roi"
SCHEMA_VERSION = 1

_SEGMENTS = TableSpec(
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
        Column("Adopting clients", "adopting", "number"),
        Column("Labour cost", "labour_cost", "money"),
        Column("Tool share", "tool_share", "money"),
        Column("Investment", "investment", "money"),
        Column("Added projects", "added_projects", "money"),
        Column("Added MRR × 12", "added_mrr_annual", "money"),
        Column("Added services × 12", "added_services_annual", "money"),
        Column("Added revenue", "added_revenue", "money"),
        Column("ROI", "roi", "ratio"),
    ),
    title="Client segments",
    key=("name",),
)

s = _SEGMENTS
SEGMENTS = with_formulas(
    s,
    {
        "adopting": f"{this(s, 'clients')}*{this(s, 'adoption')}",
        "labour_cost": f"{this(s, 'adopting')}*HoursPerAccount*EffectiveRate",
        "tool_share": f"IF(TotalAdopting=0,0,ToolCost*{this(s, 'adopting')}/TotalAdopting)",
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

ASSUMPTIONS = (
    CellSpec(
        "HoursPerAccount",
        "AM hours per adopting account a year",
        "settings.hours_per_account",
        "hours",
        help="3 QBRs + 1 annual IT strategy roadmap ≈ 10 h",
    ),
    CellSpec(
        "AmRate",
        "AM internal hourly rate",
        "settings.am_rate",
        "money",
        help="Salary + burden at 70 % utilisation: typically $35–60",
        cents=True,
    ),
    CellSpec("ToolCostMonth", "AM tool cost per month", "settings.tool_cost_month", "money"),
    CellSpec(
        "OwnerDoesAm",
        "The owner does the AM work",
        "settings.owner_does_am",
        "bool",
        choices=("Yes", "No"),
        help="Yes: the owner's hourly value is the rate",
    ),
    CellSpec("OwnerRate", "Owner's hourly value", "settings.owner_rate", "money", cents=True),
    CellSpec("CurrentArr", "Current ARR", "settings.current_arr", "money"),
    CellSpec(
        "CurrentProjectRevenue",
        "Current project revenue / year",
        "settings.current_project_revenue",
        "money",
    ),
    CellSpec(
        "CurrentServicesRevenue",
        "Current professional-services revenue / year",
        "settings.current_services_revenue",
        "money",
    ),
)


def _total(name: str, label: str, key: str, kind: ValueKind, formula: str) -> CellSpec:
    return CellSpec(name, label, key, kind, formula=formula)


RESULTS = (
    CellSpec(
        "EffectiveRate",
        "Rate used for AM labour",
        "rate",
        "money",
        formula=f"IF({is_yes('OwnerDoesAm')},OwnerRate,AmRate)",
        cents=True,
    ),
    _total(
        "TotalAdopting",
        "Adopting clients",
        "adopting",
        "number",
        f"SUM({col(SEGMENTS, 'adopting')})",
    ),
    _total(
        "LabourCost",
        "Labour cost / year",
        "labour_cost",
        "money",
        f"SUM({col(SEGMENTS, 'labour_cost')})",
    ),
    _total("ToolCost", "Tool cost / year", "tool_cost", "money", "ToolCostMonth*12"),
    _total("Investment", "Investment / year", "investment", "money", "LabourCost+ToolCost"),
    _total(
        "AddedProjects",
        "Added project revenue",
        "added_projects",
        "money",
        f"SUM({col(SEGMENTS, 'added_projects')})",
    ),
    _total(
        "AddedMrrAnnual",
        "Added MRR × 12",
        "added_mrr_annual",
        "money",
        f"SUM({col(SEGMENTS, 'added_mrr_annual')})",
    ),
    _total(
        "AddedServicesAnnual",
        "Added services MRR × 12",
        "added_services_annual",
        "money",
        f"SUM({col(SEGMENTS, 'added_services_annual')})",
    ),
    _total(
        "AddedRevenue",
        "Added revenue / year",
        "added_revenue",
        "money",
        "AddedProjects+AddedMrrAnnual+AddedServicesAnnual",
    ),
    _total(
        "RoiMultiple",
        "ROI (added revenue ÷ investment)",
        "roi",
        "ratio",
        "IF(Investment=0,0,AddedRevenue/Investment)",
    ),
    _total(
        "CurrentRevenue",
        "Current revenue / year",
        "current_revenue",
        "money",
        "CurrentArr+CurrentProjectRevenue+CurrentServicesRevenue",
    ),
    _total(
        "RevenueGrowth",
        "Revenue growth",
        "growth",
        "percent",
        "IF(CurrentRevenue=0,0,AddedRevenue/CurrentRevenue)",
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
        sheets=(roi, Sheet("Segments", (Table(SEGMENTS, rows(book.segments, r.segments)),))),
    )


def check(book: RoiBook) -> list[Problem]:
    return calc.check(book)


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
    check,
    headline=headline,
    samples=samples,
)
