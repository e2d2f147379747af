"""The responsibility-matrix workbook of a client's virtual IT department (DOMAIN.md §4).

Sheets: Matrix (areas grouped by category, one column per party grouped by side, a code
dropdown and colour in every cell, live A count / R count / status per row), Parties
(editable list with each party's live load, overload and single-point-of-failure flags),
Findings (coverage by category, every broken rule and analysis result) and By party (a
printable list of each party's responsibilities, to attach to a contract).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_engage.calc import raci as calc
from xl_engage.kinds import Kind
from xl_engage.kinds.common import col, table, this, with_formulas
from xl_engage.layout import (
    CALCULATED,
    Book,
    Cells,
    CellSpec,
    Column,
    Grid,
    GridCell,
    GridColumn,
    Schema,
    Sheet,
    Table,
    TableSpec,
    Title,
    escape_header,
)
from xl_engage.models.raci import CODES, RaciBook
from xl_engage.style import STATUS_FILLS
from xl_engage.tabular import unique_headers

KIND_NAME = "raci"
SCHEMA_VERSION = 1
SIDES = ("MSP", "Client", "Vendor", "Other")
CODE_COLORS = (("A", "#F4B183"), ("A/R", "#F8CBAD"), ("R", "#BDD7EE"), ("C", "#E2EFDA"), ("I", "#EDEDED"))
STATUS_COLORS = (
    (calc.OK, STATUS_FILLS["good"]),
    (calc.NO_A, STATUS_FILLS["bad"]),
    (calc.SEVERAL_A, STATUS_FILLS["bad"]),
    (calc.NO_R, STATUS_FILLS["warn"]),
)
NO_COLUMN_YET = "0"
"""A party's counts are over its own matrix column, a formula per row (``Table.formulas``);
a party row added in Excel has no column until the workbook is rebuilt, so it counts none."""

MATRIX = TableSpec(
    "Matrix",
    "Matrix",
    "areas",
    (
        Column("Category", "category", width=26),
        Column("Area", "name", width=40, aliases=("Responsibility", "Responsibility area")),
        Column("Description", "description", required=False, width=30),
        Column("Criticality", "criticality", required=False, choices=("high", "medium", "low")),
        Column("A count", "a_count", "int", formula=CALCULATED),
        Column("R count", "r_count", "int", formula=CALCULATED),
        Column("Status", "status", formula=CALCULATED, width=18, colors=STATUS_COLORS),
    ),
    title=None,
    extras_field="codes",
    outline_key="category",
    extra_column=Column(
        "",
        "",
        choices=CODES,
        colors=CODE_COLORS,
        width=9,
        help="R responsible · A accountable · C consulted · I informed · A/R both",
    ),
    key=("category", "name"),
)

PARTIES = TableSpec(
    "Parties",
    "Parties",
    "parties",
    (
        Column("Party", "name", width=30),
        Column("Side", "side", required=False, choices=SIDES),
        Column("Description", "description", required=False, width=40),
        Column("A", "a_count", "int", formula=NO_COLUMN_YET),
        Column("R", "r_count", "int", formula=NO_COLUMN_YET),
        Column("C", "c_count", "int", formula=NO_COLUMN_YET),
        Column("I", "i_count", "int", formula=NO_COLUMN_YET),
        Column("Share A", "share_a", "percent", formula=CALCULATED),
        Column("Share R", "share_r", "percent", formula=CALCULATED),
        Column("Only R on high areas", "sole_r_high", "int", formula=NO_COLUMN_YET),
        Column(
            "Load",
            "load",
            formula=NO_COLUMN_YET,
            width=20,
            colors=(
                (calc.OVERLOADED, STATUS_FILLS["bad"]),
                (calc.IDLE, STATUS_FILLS["neutral"]),
                (calc.SPOF, STATUS_FILLS["warn"]),
                (calc.OK, STATUS_FILLS["good"]),
            ),
        ),
    ),
    title="Parties of the virtual IT department",
    key=("name",),
)
OVERLOAD_THRESHOLD = CellSpec(
    "OverloadThreshold",
    "Overloaded above (share of areas as A or R)",
    "settings.overload_threshold",
    "percent",
)
SPOF_THRESHOLD = CellSpec(
    "SpofThreshold",
    "Single point of failure from (high areas as only R)",
    "settings.spof_threshold",
    "int",
)
AREA_COUNT = CellSpec(
    "AreaCount", "Responsibility areas", "area_count", "int", formula=f"COUNTA({col(MATRIX, 'name')})"
)
SETTINGS = (CellSpec("ClientName", "Client", "client"), OVERLOAD_THRESHOLD, SPOF_THRESHOLD)
TOTALS = (
    AREA_COUNT,
    CellSpec(
        "OkAreas",
        "Areas that keep the rules",
        "ok_areas",
        "int",
        formula=f'COUNTIF({col(MATRIX, "status")},"{calc.OK}")',
    ),
)

PARTIES = with_formulas(
    PARTIES,
    {
        "share_a": f"IF({AREA_COUNT}=0,0,{this(PARTIES, 'a_count')}/{AREA_COUNT})",
        "share_r": f"IF({AREA_COUNT}=0,0,{this(PARTIES, 'r_count')}/{AREA_COUNT})",
    },
)

FINDINGS = TableSpec(
    "Findings",
    "Findings",
    "findings",
    (
        Column("About", "about", width=12),
        Column("Name", "name", width=40),
        Column("Finding", "finding", width=80),
    ),
    title="Findings: broken rules and analysis results (as built; Parties and Matrix stay live)",
    readonly=True,
    keep_extra_columns=False,
)
BY_PARTY = TableSpec(
    "ByParty",
    "By party",
    "by_party",
    (
        Column("Party", "party", width=28),
        Column("Side", "side", width=8),
        Column("Code", "code", width=6),
        Column("Category", "category", width=26),
        Column("Area", "area", width=44),
    ),
    title="Responsibilities by party (for the contract)",
    readonly=True,
    page_break_key="party",
    keep_extra_columns=False,
    outline_key="party",
)

SCHEMA = Schema(tables=(MATRIX, PARTIES), cells=SETTINGS + TOTALS)
_ORDER = {"A/R": 0, "A": 1, "R": 2, "C": 3, "I": 4}


def _holding(cells: str, code: str, count: str = "COUNTIF") -> str:
    """Formula: how many of ``cells`` hold ``code``; A and R each count A/R too, which holds
    both (``count``: COUNTIFS when ``cells`` carries further criteria before the codes)."""
    both = f'+{count}({cells},"A/R")' if code in ("A", "R") else ""
    return f'{count}({cells},"{code}"){both}'


def _matrix_spec(parties: list[str]) -> TableSpec:
    """The matrix's row checks count codes across this workbook's party columns."""
    if not parties:
        return with_formulas(MATRIX, {"a_count": "0", "r_count": "0", "status": f'"{calc.NO_A}"'})
    span = f"{MATRIX.name}[[#This Row],[{escape_header(parties[0])}]:[{escape_header(parties[-1])}]]"
    a, r = _holding(span, "A"), _holding(span, "R")
    ac, rc = this(MATRIX, "a_count"), this(MATRIX, "r_count")
    status = f'IF({ac}=0,"{calc.NO_A}",IF({ac}>1,"{calc.SEVERAL_A}",IF({rc}=0,"{calc.NO_R}","{calc.OK}")))'
    return with_formulas(MATRIX, {"a_count": a, "r_count": r, "status": status})


def _party_formulas(name: str) -> dict[str, str]:
    codes = f"{MATRIX.name}[{escape_header(name)}]"
    p = PARTIES
    high = f'{col(MATRIX, "criticality")},"high",{col(MATRIX, "r_count")},1,{codes}'
    return {
        "a_count": _holding(codes, "A"),
        "r_count": _holding(codes, "R"),
        "c_count": _holding(codes, "C"),
        "i_count": _holding(codes, "I"),
        "sole_r_high": _holding(high, "R", "COUNTIFS"),
        "load": (
            f'IF(COUNTA({codes})=0,"{calc.IDLE}",IF(OR({this(p, "share_a")}>{OVERLOAD_THRESHOLD},'
            f'{this(p, "share_r")}>{OVERLOAD_THRESHOLD}),"{calc.OVERLOADED}",'
            f'IF({this(p, "sole_r_high")}>={SPOF_THRESHOLD},"{calc.SPOF}","{calc.OK}")))'
        ),
    }


def build(book: RaciBook) -> Book:
    r = calc.calculate(book)
    parties = sorted(book.parties, key=lambda p: SIDES.index(p.side))
    order = [p.name for p in parties]
    party_results = [r.parties[book.parties.index(p)] for p in parties]
    # a party named like one of the matrix's own columns ("Status") is shown as "Status (2)":
    # the formulas refer to the column by the name it will have
    shown = dict(zip(order, unique_headers(MATRIX, order), strict=True))
    party_formulas = [_party_formulas(shown[p.name]) for p in parties]
    matrix = _matrix_spec([shown[name] for name in order])

    def areas(g: GridCell) -> str:
        return f"SUMPRODUCT(({col(MATRIX, 'category')}={g.label})*1)"

    def keeping(g: GridCell) -> str:
        return f'SUMPRODUCT(({col(MATRIX, "category")}={g.label})*({col(MATRIX, "status")}="{calc.OK}"))'

    coverage = Grid(
        "Coverage",
        "Category",
        (
            GridColumn("Areas", areas, "int"),
            GridColumn("Keep the rules", keeping, "int"),
            GridColumn("Coverage", lambda g: f"IF({areas(g)}=0,0,{keeping(g)}/{areas(g)})", "percent"),
        ),
        [(i, c.category, [c.areas, c.ok, c.coverage]) for i, c in enumerate(r.categories)],
        title="Coverage by category",
    )
    found = [
        {
            "about": "Area" if p.loc[0] == "areas" else "Party",
            "name": (
                book.areas[int(p.loc[1])].name if p.loc[0] == "areas" else book.parties[int(p.loc[1])].name
            )
            if len(p.loc) > 1
            else "",
            "finding": p.message,
        }
        for p in calc.findings(book)
    ]
    by_party = [
        {"party": p.name, "side": p.side, "code": code, "category": a.category, "area": a.name}
        for p in parties
        for code, a in sorted(
            ((c, a) for a in book.areas for n, c in a.codes.items() if n == p.name),
            key=lambda ca: _ORDER[ca[0]],
        )
    ]
    settings = (book.client, book.settings.overload_threshold, book.settings.spof_threshold)
    return Book(
        kind=KIND_NAME,
        schema_version=SCHEMA_VERSION,
        title="Responsibility matrix",
        header_text=f"{book.client}: responsibility matrix",
        sheets=(
            Sheet(
                "Matrix",
                (
                    Title(f"Responsibility matrix: {book.client}"),
                    Title(CODES_EXPLAINED, "note"),
                    table(
                        dataclasses.replace(matrix, title=None),
                        book.areas,
                        r.areas,
                        extra_headers=order,
                        extra_groups=[p.side for p in parties],
                    ),
                ),
            ),
            Sheet(
                "Parties",
                (
                    Cells(tuple(zip(SETTINGS, settings, strict=True)), "Rules"),
                    Cells(tuple(zip(TOTALS, (len(book.areas), r.ok_areas), strict=True)), "Matrix"),
                    table(PARTIES, parties, party_results, formulas=party_formulas),
                ),
            ),
            Sheet(
                "Findings",
                (
                    Title(f"Responsibilities: {book.client}"),
                    Title(CODES_EXPLAINED, "note"),
                    coverage,
                    Table(FINDINGS, found or [{"about": "", "name": "", "finding": "No findings."}]),
                ),
                audience="summary",
                deliver=True,
            ),
            Sheet(
                "By party",
                (
                    Title(f"Who does what: {book.client}"),
                    Title(CODES_EXPLAINED, "note"),
                    Table(BY_PARTY, by_party),
                ),
                audience="summary",
                deliver=True,
            ),
        ),
    )


CODES_EXPLAINED = (
    "R responsible (does the work), A accountable (answers for it: one per area), C consulted, "
    "I informed; A/R accountable and responsible. Each area needs exactly one A and at least one R."
)
"""What the codes mean, on every sheet that shows them: a client reading the PDF never saw the
matrix sheet that used to be the only one to say it."""


def headline(book: RaciBook) -> dict[str, Any]:
    r = calc.calculate(book)
    return {"Areas keeping the rules": Decimal(r.ok_areas), "Areas": Decimal(len(book.areas))}


def samples(templates: Path | None = None) -> Iterator[tuple[str, RaciBook]]:
    from xl_engage.inputs.raci import load_sample
    from xl_engage.templates import SAMPLE_MSP

    for book in load_sample(SAMPLE_MSP / "raci.toml", templates):
        yield f"raci-{'-'.join(book.client.lower().split())}.xlsx", book


KIND = Kind(
    KIND_NAME,
    SCHEMA_VERSION,
    "Responsibility (RACI) matrix of a client's virtual IT department",
    RaciBook,
    SCHEMA,
    build,
    calc.check,
    identity="client",
    headline=headline,
    samples=samples,
)
