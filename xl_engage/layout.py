"""Declarative workbook layouts: what a workbook holds, not how it is written.

A workbook kind describes its inputs once, as :class:`TableSpec` (a list field of the model
shown as an Excel table) and :class:`CellSpec` (a scalar field shown as a named cell). The
same specs drive the renderer (``render.py``), which writes them, and the reader
(``read.py``), which finds them again by table name and defined name, so a user may move,
sort and extend them. Output cells carry an Excel formula *and* the value Python computed.

Formulas are written in Excel's own syntax with explicit structured references
(``Lines[[#This Row],[Hours]]``), the form LibreOffice also evaluates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from xl_engage.a1 import cell
from xl_engage.issues import RefusedError
from xl_engage.style import Audience
from xl_engage.xmlchars import NOT_IN_FORMULA_TEXT

ValueKind = Literal["text", "int", "number", "hours", "money", "percent", "bool", "date", "month", "ratio"]


EXCEL_ROWS = 1_048_576
"""Rows in an Excel sheet (and LibreOffice's since 7.4): a table longer than this cannot be
written, and XlsxWriter would drop the rows beyond it without a word."""


def table_fits(name: str, rows: int, first_row: int = 2) -> None:
    """Refuse a table of ``rows`` rows (below its header, from sheet row ``first_row``)
    that one Excel sheet cannot hold, before any work is spent on it."""
    if first_row + rows > EXCEL_ROWS:
        raise RefusedError(
            f"{name}: {rows:,} rows do not fit in one Excel sheet ({EXCEL_ROWS:,} rows); split the "
            "input (by year, by client, by site) and build one workbook for each part"
        )


CALCULATED = "\u27e6calculated: given by with_formulas\u27e7"
"""The formula of a calculated column declared before its formula can be written: tables
refer to each other as a spreadsheet's do (a package sums its lines, a line looks up its
package), so a kind declares its tables, then gives their formulas with
``kinds.common.with_formulas``. A table still holding this is refused when it is rendered."""


@dataclass(frozen=True)
class Column:
    """One column of an Excel table.

    ``key`` names the model field (input columns) or the result key (formula columns).
    A column with a ``formula`` is calculated: the reader ignores what it holds.
    """

    header: str
    key: str
    kind: ValueKind = "text"
    formula: str | None = None
    required: bool = True
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    choices_name: str | None = None
    width: float | None = None
    help: str | None = None
    colors: tuple[tuple[str, str], ...] = ()
    """Conditional fills: (cell text, #RRGGBB), e.g. ("Overdue", "#F8CBAD")."""
    derived: bool = False
    """Computed by Python and written as a value (which rule matched): shown, never read."""
    compared: bool = False
    """The workbook's formulas compare this text with another table's (a line's Source with
    the initiatives' names): a tab or non-breaking space at its ends, which Python trims and
    Excel's TRIM keeps, is warned about when the workbook is read."""
    trimmed: bool = False
    """The formulas read this choice through TRIM and PROPER (a decision): spaces around it
    change nothing, so they are not warned about."""
    fallbacks: tuple[str, ...] = ()
    """Keys of other columns that stand in for this one when an imported file has no such
    column or leaves it blank (a device with no asset tag is known by its serial, then its
    name); the reader says which one it used."""

    @property
    def is_input(self) -> bool:
        return self.formula is None and not self.derived


@dataclass(frozen=True)
class TableSpec:
    """A list field of the model, shown as one Excel table on one sheet."""

    name: str
    sheet: str
    field: str
    columns: tuple[Column, ...]
    title: str | None = None
    keep_extra_columns: bool = True
    extras_field: str = "extras"
    """The model field that receives columns the spec does not name (user notes, or, in a
    responsibility matrix, one column per party)."""
    extra_column: Column | None = None
    """How those columns are typed, validated and coloured (default: free text)."""
    readonly: bool = False
    """An output listing (findings, a printable view): written, never read back."""
    outline_key: str | None = None
    """Group consecutive rows with the same value of this column (Excel outline)."""
    section_field: str | None = None
    """In a report-shaped export, the field a section heading gives to the rows below it
    that have none (a ledger's account sections)."""
    key: tuple[str, ...] = ()
    """The fields that name a row (an asset's id; a line's description, source and month):
    ``diff`` matches rows by them, not by position, so sorting or inserting rows is no
    change. Empty: every input field."""
    ordered: bool = False
    """The rows' order means something (mapping rules: the first match wins), so ``diff``
    reports a row moved."""
    page_break_key: str | None = None
    """Printed, each run of rows with one value of this column starts a new page."""
    family: bool = False
    """One table per group (one per vCIO, each on its own sheet), named ``<name>_<suffix>``;
    the reader reads every such table, in sheet order, into the one list field."""

    def member(self, suffix: str, sheet: str) -> TableSpec:
        """The table of one group of a family, on its own sheet."""
        if not self.family:
            raise ValueError(f"table '{self.name}' is not a family")
        return dataclasses.replace(self, name=f"{self.name}_{suffix}", sheet=sheet)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_input)

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(key)

    def ref(self, key: str, this_row: bool = True) -> str:
        """Structured reference to a column: ``T[[#This Row],[H]]`` or ``T[H]``."""
        header = escape_header(self.column(key).header)
        return f"{self.name}[[#This Row],[{header}]]" if this_row else f"{self.name}[{header}]"


def constant(value: Any) -> str:
    """A Python value as an Excel formula constant (text quoted, so never code)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f"DATE({value.year},{value.month},{value.day})"
    text = '"' + str(value).replace('"', '""') + '"'
    if NOT_IN_FORMULA_TEXT.search(text):  # a vertical tab pasted into a name
        text = NOT_IN_FORMULA_TEXT.sub(_as_char, text)
    return text


def _as_char(match: re.Match[str]) -> str:
    """A control character inside a formula's text, spelled as Excel's CHAR(n)."""
    code = ord(match.group())
    if not 1 <= code <= 31:
        raise ValueError(f"text holds the character U+{code:04X}, which a workbook cannot store; remove it")
    return f'"&CHAR({code})&"'


def writable_header(name: str) -> str:
    """A user's name (a column heading, a party) as a table header can show it: control
    characters (a tab or line break pasted into a heading) cannot stand in a table's
    definition, and a leading ``@`` reads as Excel's this-row shorthand in a reference, so
    they are shown as a space and a full-width ＠ (and no space at either end: the reader
    strips a heading). The renderer records the user's own name, and the reader gives it
    back."""
    text = re.sub("[\x00-\x1f\x7f\ufffe\uffff]", " ", name).strip() or "Column"
    return "\uff20" + text[1:] if text.startswith("@") else text


def header_key(text: str) -> str:
    """How headers are matched: whatever their case, spacing, underscores or a trailing ``*``."""
    s = text.casefold().replace("_", " ").strip().rstrip("*").strip()
    return re.sub(r"\s+", " ", s)


def escape_header(header: str) -> str:
    """Escape the characters Excel requires to be quoted inside a structured reference."""
    return "".join("'" + ch if ch in "[]#'" else ch for ch in header)


@dataclass(frozen=True)
class CellSpec:
    """A named single cell: an input (``key`` is a dotted model path) or a formula output."""

    name: str
    label: str
    key: str
    kind: ValueKind = "text"
    formula: str | None = None
    required: bool = True
    choices: tuple[str, ...] = ()
    help: str | None = None
    cents: bool = False
    """A unit price or an hourly rate: shown with its cents even on a summary (where other
    amounts are whole)."""
    recorded: bool = False
    """A value xl_engage records for itself and reads back (a ledger's control total), not
    the user's to edit: shown without the input fill, which would invite the edit it forbids."""

    @property
    def is_input(self) -> bool:
        return self.formula is None

    @property
    def editable(self) -> bool:
        """Shown as an input (the yellow fill): read back, and the user's to change."""
        return self.is_input and not self.recorded

    def __str__(self) -> str:
        """The cell as a formula names it: ``f"{PLANNING_RATE}*12"`` is ``PlanningRate*12``,
        so a formula reaches a named cell through its spec, and a spec renamed or removed is
        a Python error where the formula is written, not a ``#NAME?`` in a file."""
        return self.name

    def __format__(self, spec: str) -> str:
        return format(self.name, spec)


@dataclass(frozen=True)
class Title:
    text: str
    style: Literal["title", "subtitle", "note"] = "title"


@dataclass(frozen=True)
class Cells:
    """A block of label/value rows, each value a named cell."""

    cells: Sequence[tuple[CellSpec, Any]]
    title: str | None = None


@dataclass(frozen=True)
class Table:
    """A table block: the spec plus its rows (mappings from column key to value)."""

    spec: TableSpec
    rows: Sequence[Mapping[str, Any]]
    _: dataclasses.KW_ONLY
    extras: Sequence[Mapping[str, Any]] = ()
    """Row by row (as ``rows``; empty: none), the columns the spec does not name: the user's
    own, kept and written back, or a matrix's party columns (header -> value)."""
    formulas: Sequence[Mapping[str, str]] = ()
    """Row by row (empty: none), formulas for calculated columns whose formula differs by row
    (a party's counts over its own matrix column), over the column's own (key -> formula)."""

    def __post_init__(self) -> None:
        for name, per_row in (("extras", self.extras), ("formulas", self.formulas)):
            if per_row and len(per_row) != len(self.rows):
                raise ValueError(f"table {self.spec.name}: {len(per_row)} {name} for {len(self.rows)} rows")
        calculated = {c.key for c in self.spec.columns if c.formula is not None}
        wrong = sorted({k for own in self.formulas for k in own} - calculated)
        if wrong:  # a row's own formula for an input (or a typo) would be dropped without a word
            raise ValueError(f"table {self.spec.name}: no calculated column {', '.join(map(repr, wrong))}")

    extra_headers: Sequence[str] | None = None
    """The order of the extra columns (default: as they first appear in the rows)."""
    extra_groups: Sequence[str] | None = None
    """A group label per extra column (e.g. each party's side): labelled above the header,
    and the columns of a group outlined together."""


class GridCell:
    """Where a grid formula is being written, for the formula to refer to: this row's key
    (as a formula constant), label cell and the cells of other rows and columns.

    A grid formula that depends on its cell is a function of it
    (``lambda g: f"SUMPRODUCT(({MONTHS}={g.key})*1,{AMOUNTS})"``), called by the renderer
    for each cell: no placeholder is written into a formula and substituted later, so text
    from a model (a category named "R&D {key}") can never be taken for one."""

    __slots__ = ("_col", "_col_of", "_header_row", "_key", "_row", "_row_of")

    def __init__(
        self,
        key: Any,
        row: int,
        col: int,
        header_row: int,
        row_of: Mapping[str, int],
        col_of: Mapping[str, int],
    ):
        self._key, self._row, self._col, self._header_row = key, row, col, header_row
        self._row_of, self._col_of = row_of, col_of

    @property
    def key(self) -> str:
        """This row's key as a formula constant (a month as ``DATE(2026,4,1)``, text quoted)."""
        return constant(self._key)

    @property
    def label(self) -> str:
        """This row's label cell (its column absolute)."""
        return cell(self._row, 0, col_abs=True)

    @property
    def header(self) -> str:
        """This column's header cell (its row absolute)."""
        return cell(self._header_row, self._col, row_abs=True)

    def row(self, key: Any) -> str:
        """This column's cell in the row whose key is ``key`` (a status block's total)."""
        if str(key) not in self._row_of:
            raise ValueError(f"grid formula refers to an unknown row {key!r}")
        return cell(self._row_of[str(key)], self._col)

    def col(self, header: str) -> str:
        """This row's cell in the column ``header``."""
        if header not in self._col_of:
            raise ValueError(f"grid formula refers to an unknown column {header!r}")
        return cell(self._row, self._col_of[header])


GridFormula = str | Callable[[GridCell], str]
"""A grid cell's formula: the same text in every cell, or a function of the cell."""


def at_cell(formula: GridFormula, g: GridCell) -> str:
    """A grid formula as written in the cell ``g``."""
    return formula if isinstance(formula, str) else formula(g)


@dataclass(frozen=True)
class GridColumn:
    """A computed column of a grid: ``formula`` is its cells' formula, a function of each
    :class:`GridCell` when it refers to its row or column."""

    header: str
    formula: GridFormula
    kind: ValueKind = "money"


@dataclass(frozen=True)
class Grid:
    """A block of output formulas: rows (key, label, cached values) × columns.

    Used for cross-tabs (month × category) whose cells are live formulas over tables.
    Charts may refer to it like a table: its columns by header, :data:`LABELS` for labels.

    ``row_formulas`` gives some rows their own formulas, one per column, instead of the
    columns' (a status block whose rows are objective, total, % of objective…); a formula
    reaches other rows and columns through its :class:`GridCell` (``g.row("total")``).
    """

    name: str
    label_header: str
    columns: tuple[GridColumn, ...]
    rows: Sequence[tuple[Any, str, Sequence[Any]]]
    title: str | None = None
    total_label: str | None = None
    row_formulas: Mapping[Any, Sequence[GridFormula]] = field(default_factory=dict)
    row_kinds: Mapping[Any, ValueKind] = field(default_factory=dict)
    """A row's value kind where it differs from its columns' (a % row in a count grid)."""
    colors: tuple[tuple[str, str], ...] = ()
    """Conditional fills over the grid's cells: (cell text, #RRGGBB)."""
    hide_errors: bool = False
    """Cells showing #N/A (a value a chart should skip, a month not reached) show blank."""


LABELS = "\u27e6labels\u27e7"
"""A chart series' categories from a grid's label column (a grid header is never this)."""


@dataclass(frozen=True)
class Series:
    name: str
    table: str
    values: str
    categories: str
    rows: int | None = None
    """Only the first ``rows`` values (the months reached: a line stops where the data does,
    in every engine; None: all)."""


@dataclass(frozen=True)
class Chart:
    title: str
    series: tuple[Series, ...]
    type: Literal["column", "bar", "line", "pie"] = "column"
    stacked: bool = False
    y_title: str | None = None
    money: bool = True
    y_format: str | None = None
    """The value axis' number format (default: dollars when ``money``)."""


Block = Title | Cells | Table | Grid | Chart


@dataclass(frozen=True)
class Sheet:
    name: str
    blocks: Sequence[Block]
    landscape: bool = True
    tab_color: str | None = None
    hidden: bool = False
    """Bookkeeping the user need not see (what ledger rows were read), still read back."""
    audience: Audience = "detail"
    """"summary": read by a decision maker (whole amounts with the currency sign);
    "detail": worked in (cents)."""
    deliver: bool = False
    """Part of the decision-maker PDF (``xl-engage pdf``), not a data sheet."""


@dataclass(frozen=True)
class Book:
    """A whole workbook: the kind and schema version go into the hidden metadata sheet."""

    kind: str
    schema_version: int
    title: str
    sheets: Sequence[Sheet]
    header_text: str = ""
    list_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    currency_sign: str | None = None
    """The sign amounts are shown with, when the workbook's own data names its currency (a
    ledger in GBP); None: the firm's (``branding.toml``)."""
    calls_functions: bool = False
    """Its formulas may call the Excel functions' LAMBDA names (the function pack's worked
    examples, for Excel 365); a product workbook's never do."""


@dataclass(frozen=True)
class Schema:
    """What the reader looks for in a workbook of one kind."""

    tables: tuple[TableSpec, ...]
    cells: tuple[CellSpec, ...]

    @property
    def input_cells(self) -> tuple[CellSpec, ...]:
        return tuple(c for c in self.cells if c.is_input)
