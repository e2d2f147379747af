"""The function pack: a workbook holding the Excel functions as named LAMBDAs and a sheet of
worked examples that call them (``xl-engage functions --out functions.xlsx``).

A firm copies the Examples sheet into any workbook (right-click its tab, Move or Copy, the
other workbook, Create a copy): Excel brings along the names the sheet's formulas use, so
the functions work there too. Excel 365 (Windows, Mac, the web) computes them; older Excel
and LibreOffice show ``#NAME?`` once they recalculate (each example cell also holds Python's
value). Built as any workbook is, by the one renderer: a layout, no writer of its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from xl_engage import functions as F
from xl_engage.lambdas import NamedLambda, named_lambdas
from xl_engage.layout import Book, Cells, CellSpec, Column, Sheet, Table, TableSpec, Title, ValueKind

EXAMPLES: dict[str, tuple[tuple[str, ...], tuple[Any, ...]]] = {
    "VCIO_PRICE": (("5000",), (5000,)),
    "VCIO_HOURS": (("1000",), (1000,)),
    "PRICE_FROM_MARKUP": (("3000", "30%"), (3000, 0.3)),
    "PRICE_FROM_MARGIN": (("3000", "30%"), (3000, 0.3)),
    "VARIANCE": (("1200", "1000"), (1200, 1000)),
    "VARIANCE_PCT": (("1200", "1000"), (1200, 1000)),
    "VARIANCE_FLAG": (("11600", "10000"), (11600, 10000)),
    "PLAYBOOK_WEEKLY_RATE": (("520", "100", "42"), (520, 100, 42)),
    "VCIO_CAPACITY": (("46", "140000"), (46, 140000)),
    "BUDGET_RECURRING": (
        ("500", "DATE(2026,10,1)", "DATE(2027,10,1)", "5%"),
        (500, dt.date(2026, 10, 1), dt.date(2027, 10, 1), 0.05),
    ),
}
"""Each function's worked example: the arguments as typed in a cell, and as Python takes them."""

_KINDS: dict[str, ValueKind] = {
    "VCIO_HOURS": "hours",
    "VARIANCE_PCT": "percent",
    "PLAYBOOK_WEEKLY_RATE": "number",
}
FUNCTIONS = TableSpec(
    "Functions",
    "Functions",
    "functions",
    (
        Column("Function", "signature", width=44),
        Column("What it computes", "summary", width=60),
        Column("Name Manager text (Formulas, Define Name, Refers to)", "typed", width=60),
    ),
    title="The functions, as Excel's Name Manager shows them",
    readonly=True,
    keep_extra_columns=False,
)


def example_formula(function: NamedLambda) -> str:
    """``VCIO_PRICE(5000)``: the worked example as a formula."""
    typed, _ = EXAMPLES[function.name]
    return f"{function.name}({','.join(typed)})"


def example_value(function: NamedLambda, templates: Path | str | None = None) -> Any:
    """What the Python twin gives for the worked example, with the same templates' defaults
    as the LAMBDA beside it."""
    _, args = EXAMPLES[function.name]
    with F.firm_templates(templates):
        return getattr(F, function.twin)(*args)


def summary(function: NamedLambda) -> str:
    """The twin's one-line help, without its reStructuredText quotes."""
    return F.HELP[function.twin].summary.replace("``", "")


def build(templates: Path | str | None = None) -> Book:
    functions = named_lambdas(templates)
    examples = []
    for function in functions:
        value = example_value(function, templates)
        kind: ValueKind = "text" if isinstance(value, str) else _KINDS.get(function.name, "money")
        spec = CellSpec(
            f"Example_{function.name}",
            "=" + example_formula(function),
            function.name,
            kind,
            formula=example_formula(function),
            help=summary(function),
        )
        examples.append((spec, value))
    rows = [{"signature": f.signature, "summary": summary(f), "typed": f.typed} for f in functions]
    sheets = (
        Sheet(
            "Examples",
            (
                Title("xl_engage functions for Excel 365"),
                Title(
                    "Type them in any cell of this workbook, as the examples below do (column A shows "
                    "what to type, column B computes it). To use them in another workbook, copy this "
                    "sheet into it: right-click the tab, Move or Copy, pick the workbook, tick Create a "
                    "copy. Excel brings the functions along. Excel 365 on Windows, Mac and the web "
                    "computes them; Excel 2016 to 2021 and LibreOffice show #NAME?. A blank optional "
                    "argument takes its default; a bad one shows #VALUE! or #NUM!.",
                    "note",
                ),
                Cells(tuple(examples), "Worked examples"),
            ),
            deliver=True,
        ),
        Sheet("Functions", (Table(FUNCTIONS, rows),)),
    )
    return Book("functions", 1, "xl_engage functions", sheets, calls_functions=True)
