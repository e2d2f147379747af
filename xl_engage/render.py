"""The one renderer: any :class:`~xl_engage.layout.Book` to an .xlsx file with XlsxWriter.

Every formula is written with the value Python computed for it, so viewers that never
recalculate show the right figures. Text is always written as a string, never parsed as a
formula: a service named ``=HYPERLINK(...)`` stays text. The file appears only when
complete (see :mod:`xl_engage.atomic`).
"""

from __future__ import annotations

import bisect
import codecs
import dataclasses
import datetime as dt
import io
import math
import re
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import OverlappingRange
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_range
from xlsxwriter.workbook import Workbook as XlsxWorkbook
from xlsxwriter.worksheet import CellFormulaTuple, Worksheet, convert_range_args, re_dynamic_function

from xl_engage import __version__, pages
from xl_engage.a1 import cell, quote_sheet
from xl_engage.atomic import atomic_path
from xl_engage.branding import Branding, image_size
from xl_engage.coerce import EXCEL_EPOCH
from xl_engage.formula_names import unknown_names
from xl_engage.formula_refs import resolve
from xl_engage.gcpause import gc_paused
from xl_engage.issues import InputError, Issue
from xl_engage.lambdas import NamedLambda, named_lambdas
from xl_engage.layout import (
    CALCULATED,
    LABELS,
    Block,
    Book,
    Cells,
    Chart,
    Column,
    Grid,
    GridCell,
    Series,
    Sheet,
    Table,
    Title,
    ValueKind,
    at_cell,
    table_fits,
)
from xl_engage.metadata import (
    DELIVER_KEY,
    DELIVER_NAME,
    FLOWS_KEY,
    METADATA_SHEET,
    PAGES_KEY,
    USER_FORMULAS,
)
from xl_engage.models.base import UserFormula
from xl_engage.style import (
    CHART_PALETTE,
    INPUT_LEGEND,
    STATUS_FILLS,
    Audience,
    axis_money_format,
    number_format,
)
from xl_engage.tabular import unique_headers

_LOOKS_LIKE_A_REFERENCE = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")
"""What XlsxWriter takes for a reference in a chart name (its own test, chart.py)."""
CHART_WIDTH_PX, CHART_HEIGHT_PX = 720, 340
"""A chart fits a landscape page at 100 % (720 pt printable = 960 px) beside nothing else."""
CHART_ROWS = 18
"""Rows a chart takes (340 px = 255 pt: 17 rows of 15 pt) with a blank row below it."""
CHART_OFFSET_PX = 4
"""A chart starts this far into its first row (still within its rows: 18 × 21 px > 340 + 4)."""
CHART_TEXT_COLUMN = 4
"""Where on the metadata sheet such chart names are written (the metadata uses columns A:B)."""
MAX_FORMULA = 8192
"""Excel refuses to open a workbook with a longer formula; better to fail at write time."""
SPOOL_ROWS = 20_000
"""A table longer than this is written out this many rows at a time (see
``CachingWorksheet.spool_rows``): a million-row ledger never holds all its cells at once."""


@dataclass
class _PlacedTable:
    sheet: str
    header_row: int
    first_col: int
    n_rows: int
    keys: list[str]


class _TableRanges:
    """Where a sheet's tables are, as ranges: what XlsxWriter's ``table_cells`` answers (the
    table at a cell, so that a merge over a table is refused) without an entry per cell,
    which for a million-row ledger is twenty million entries and two gigabytes."""

    def __init__(self) -> None:
        self.ranges: list[tuple[int, int, int, int, str]] = []

    def get(self, cell: tuple[int, int], default: str | None = None) -> str | None:
        row, col = cell
        for first_row, first_col, last_row, last_col, name in self.ranges:
            if first_row <= row <= last_row and first_col <= col <= last_col:
                return name
        return default

    def overlapping(self, first_row: int, first_col: int, last_row: int, last_col: int) -> str | None:
        for r0, c0, r1, c1, name in self.ranges:
            if r0 <= last_row and first_row <= r1 and c0 <= last_col and first_col <= c1:
                return name
        return None


class _Unrecorded(dict[tuple[int, int], str]):
    """Stands in for ``table_cells`` while XlsxWriter adds a table: every lookup misses (the
    overlap with other tables is checked by range first) and every cell it records is
    dropped (``_TableRanges`` keeps the range)."""

    def __setitem__(self, key: tuple[int, int], value: str) -> None:
        pass


_SHIELD = "\x00"
"""Stands for "(" in a formula's texts while XlsxWriter prepares it (XML holds no NUL)."""


def _shielded(formula: str) -> str:
    """The formula with every "(" inside a text ("Re-SORT(2026)"), a structured reference's
    brackets (a column "UNIQUE(team)") or a quoted sheet name replaced by :data:`_SHIELD`.

    XlsxWriter prefixes Excel 365 functions by searching the whole formula for ``SORT(``,
    ``FILTER(`` and the like, texts included: a category "Re-SORT(2026)" became
    "Re-_xlfn._xlws.SORT(2026)" inside its own quotes, the cell an array formula, and the
    category's sums matched nothing. Shielded, only real calls are looked at."""
    if "(" not in formula or _SHIELD in formula:
        return formula
    out: list[str] = []
    quote = ""  # the quote we are inside: '"' a text, "'" a sheet name; "" none
    depth = 0  # inside [brackets]
    escaped = False  # after ' inside brackets: the next character is literal
    for ch in formula:
        if escaped:
            escaped = False
        elif quote:
            if ch == quote:
                quote = ""
        elif depth:
            if ch == "'":
                escaped = True
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
        elif ch in "\"'":
            quote = ch
        elif ch == "[":
            depth = 1
        if ch == "(" and (quote or depth):
            ch = _SHIELD
        out.append(ch)
    return "".join(out)


class CachingWorksheet(Worksheet):
    """XlsxWriter rewrites every formula with some thirty regular expressions, and a table's
    calculated column is prepared twice per cell (once by ``add_table``, once with its cached
    value); before that, each formula is searched for dynamic-array functions. Table
    formulas repeat row after row, so both the search and the prepared text are cached by
    input. The output is byte-identical to stock XlsxWriter's (tests/test_render.py checks it).
    """

    fh: Any
    dim_rowmin: Any
    dim_rowmax: Any

    def __init__(self) -> None:
        super().__init__()
        self.table_cells: Any = _TableRanges()

    @convert_range_args
    def add_table(
        self, first_row: int, first_col: int, last_row: int, last_col: int, options: Any = None
    ) -> Any:
        """Stock ``add_table``, with the overlap of tables checked by range (see _TableRanges)."""
        ranges = self.table_cells
        top, bottom = sorted((first_row, last_row))
        left, right = sorted((first_col, last_col))
        other = ranges.overlapping(top, left, bottom, right)
        if other is not None:
            raise OverlappingRange(
                f"Table range '{xl_range(top, left, bottom, right)}' overlaps previous table range '{other}'."
            )
        # Stock add_table also writes each calculated column's formula into every row, which
        # the renderer then writes again with its value: a million-row ledger's five such
        # columns held five million cells before its first row was spooled. The formula goes
        # into the table's definition here, prepared as stock prepares it, and the cells only
        # once, by the renderer.
        formulas: dict[int, str] = {}
        if options and options.get("columns"):
            columns = []
            for j, column in enumerate(options["columns"]):
                if column and column.get("formula"):
                    formulas[j] = column["formula"]
                    column = {k: v for k, v in column.items() if k != "formula"}
                columns.append(column)
            options = {**options, "columns": columns}
        self.table_cells = _Unrecorded()
        try:
            done = super().add_table(first_row, first_col, last_row, last_col, options)
        finally:
            self.table_cells = ranges
        if done == 0:
            ranges.ranges.append((top, left, bottom, right, xl_range(top, left, bottom, right)))
            for j, formula in formulas.items():
                # stock runs _prepare_table_formula first, which reads every @ outside quotes as
                # the this-row shorthand, inside a column's name too ("support@acme.com"); our
                # formulas spell [#This Row] out, so it has nothing to do
                prepared = formula.removeprefix("=")
                self.tables[-1]["columns"][j]["formula"] = self._prepare_formula(prepared, True)
        return done

    def _write_formula(
        self, row: int, col: int, formula: str, cell_format: Format | None = None, value: Any = 0
    ) -> Any:
        """Stock ``_write_formula`` with the dynamic-array search cached: a plain formula is
        stored as stock stores it; any other (array, dynamic, empty) goes the stock way."""
        dynamic: dict[str, bool] = self.__dict__.setdefault("_xle_dynamic", {})
        plain = dynamic.get(formula) if type(formula) is str else False
        if plain is None:
            plain = dynamic[formula] = bool(
                formula
                and not re_dynamic_function.search(_shielded(formula))
                and not (formula.startswith("{") and formula.endswith("}"))
            )
        if not plain or self.constant_memory:
            return super()._write_formula(row, col, formula, cell_format, value)
        if self._check_dimensions(row, col):
            return -1
        self.table[row][col] = CellFormulaTuple(self._prepare_formula(formula), cell_format, value)
        return 0

    def spool_rows(self, first: int, last: int) -> None:
        """Write rows ``first``–``last``, finished, out as sheet XML to a temporary file and
        forget their cells. XlsxWriter keeps every cell of a sheet until the file is closed
        (about 300 bytes a cell): a million-transaction ledger would need gigabytes. Its own
        ``constant_memory`` mode flushes row by row but refuses tables; spooling a table's
        rows once written keeps the table, the shared strings and the formats as they are.
        Spans must come in row order; a later write into a spooled row raises instead of
        being lost."""
        spooled: list[tuple[int, int, int, int]] = self.__dict__.setdefault("_xle_spooled", [])
        if spooled and first <= spooled[-1][1]:
            raise ValueError(f"rows {first}–{last} spooled out of order")
        spool = self.__dict__.get("_xle_spool")
        if spool is None:
            spool = self.__dict__["_xle_spool"] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in _write_rows)
            self.__dict__["_check_dimensions"] = self._check_unspooled
        start = spool.tell()
        fh, self.fh = self.fh, io.StringIO()
        try:
            for r in range(first, last + 1):
                cells = self.table.pop(r, None)
                info = self.row_info.get(r)
                if cells:
                    self._write_row(r, None, info)
                    for c in sorted(cells):
                        self._write_cell(r, c, cells[c])
                    self._xml_end_tag("row")
                elif info is not None or r in self.comments:
                    self._write_empty_row(r, None, info)
            spool.write(self.fh.getvalue().encode("utf-8"))
        finally:
            self.fh = fh
        spooled.append((first, last, start, spool.tell()))

    def _check_unspooled(self, row: int, col: int, ignore_row: bool = False, ignore_col: bool = False) -> int:
        """``_check_dimensions`` once rows are spooled: a cell or row setting for a row
        already written out would be lost, so it is a programming error, said loudly."""
        if not (ignore_row or ignore_col) and row <= self.__dict__["_xle_spooled"][-1][1]:
            spans = self.__dict__["_xle_spooled"]
            at = bisect.bisect_right(spans, row, key=lambda span: span[0]) - 1
            if at >= 0 and row <= spans[at][1]:
                raise RuntimeError(f"row {row + 1} of sheet {self.name} was already written out")
        return int(Worksheet._check_dimensions(self, row, col, ignore_row, ignore_col))

    def _write_rows(self) -> None:
        """Stock row writing for the rows held, the spooled XML in its place between them."""
        spooled: list[tuple[int, int, int, int]] = self.__dict__.get("_xle_spooled", [])
        if not spooled:
            super()._write_rows()
            return
        spool = self.__dict__["_xle_spool"]
        low, high = self.dim_rowmin, self.dim_rowmax
        cursor = low
        try:
            for first, last, start, end in spooled:
                if cursor < first:
                    self.dim_rowmin, self.dim_rowmax = cursor, first - 1
                    super()._write_rows()
                spool.seek(start)
                decode = codecs.getincrementaldecoder("utf-8")().decode
                left = end - start
                while left > 0:
                    chunk = spool.read(min(left, 1 << 20))
                    left -= len(chunk)
                    self.fh.write(decode(chunk, final=left <= 0))
                cursor = last + 1
            if cursor <= high:
                self.dim_rowmin, self.dim_rowmax = cursor, high
                super()._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high
            spool.close()

    def write_user_formula(self, row: int, col: int, formula: str, cell_format: Format, value: Any) -> Any:
        """A formula kept from the user's own column: written as any other, but not counted
        among ours (``_xle_prepared``), so the names check never judges it, nor skips one of
        ours that happens to read the same."""
        self.__dict__["_xle_user"] = True
        try:
            return self.write_formula(row, col, formula, cell_format, value)
        finally:
            self.__dict__["_xle_user"] = False

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if self.__dict__.get("_xle_user"):
            return self._prepare_shielded(formula, expand_future_functions)
        cache: dict[tuple[str, bool], str] = self.__dict__.setdefault("_xle_prepared", {})
        key = (formula, expand_future_functions)
        prepared = cache.get(key)
        if prepared is None:
            if len(formula) > MAX_FORMULA:
                raise ValueError(f"a formula of {len(formula):,} characters exceeds Excel's {MAX_FORMULA:,}")
            prepared = cache[key] = self._prepare_shielded(formula, expand_future_functions)
        return prepared

    def _prepare_shielded(self, formula: str, expand_future_functions: bool) -> str:
        """Stock preparation, which sees no "(" inside a text, reference or sheet name."""
        shielded = _shielded(formula)
        prepared = str(super()._prepare_formula(shielded, expand_future_functions))
        return prepared if shielded is formula else prepared.replace(_SHIELD, "(")


class _Formats:
    """Formats are created once per (kind, role) and shared, as XlsxWriter prefers."""

    def __init__(self, wb: xlsxwriter.Workbook, branding: Branding):
        self._wb = wb
        self._b = branding
        self._cache: dict[tuple[str, str, str], Format] = {}

    def fill(self, color: str) -> Format:
        """A background fill for conditional formats (status colours); never the input
        fill, so a calculated status cannot look like a cell to edit."""
        if color.casefold() == self._b.input_fill.casefold():  # a firm's input fill like a status's
            color = next(c for c in (*STATUS_FILLS.values(), "#D9D9D9") if c.casefold() != color.casefold())
        key = ("fill", color, "")
        if key not in self._cache:
            self._cache[key] = self._wb.add_format({"bg_color": color})
        return self._cache[key]

    def hidden(self) -> Format:
        """Text the colour of the page: an error value a chart needs but a reader does not."""
        key = ("hidden", "", "")
        if key not in self._cache:
            self._cache[key] = self._wb.add_format({"font_color": "#FFFFFF"})
        return self._cache[key]

    def wrapped_note(self) -> Format:
        key = ("text", "note", "wrapped")
        if key not in self._cache:
            self._cache[key] = self._wb.add_format(
                {
                    "font_name": self._b.font,
                    "font_size": 10,
                    "italic": True,
                    "font_color": "#595959",
                    "text_wrap": True,
                    "valign": "top",
                }
            )
        return self._cache[key]

    def get(self, kind: str, role: str, audience: Audience = "detail", wrap: bool = False) -> Format:
        key = (kind, role, audience + (":wrap" if wrap else ""))
        if key not in self._cache:
            # every cell at the top of its row: in a row a wrapped text makes taller, the
            # numbers beside it stay level with its first line (not at the row's foot)
            props: dict[str, Any] = {"font_name": self._b.font, "font_size": 10, "valign": "top"}
            if wrap:
                props.update(text_wrap=True)
            num_format = number_format(kind, audience, self._b.currency_symbol)
            if num_format:
                props["num_format"] = num_format
            if role == "input":
                props.update(bg_color=self._b.input_fill, border=1, border_color="#BFBFBF")
            elif role == "output":
                props.update(border=1, border_color="#D9D9D9")
            elif role == "header":
                props.update(
                    bold=True,
                    font_color="#FFFFFF",
                    bg_color=self._b.primary,
                    text_wrap=True,
                )
            elif role == "label":
                props.update(bold=True)
            elif role == "title":
                props.update(bold=True, font_size=16, font_color=self._b.primary)
            elif role == "subtitle":
                props.update(bold=True, font_size=12, font_color=self._b.primary)
            elif role == "note":
                props.update(italic=True, font_color="#595959")
            elif role == "total":
                props.update(bold=True, top=1)
            self._cache[key] = self._wb.add_format(props)
        return self._cache[key]


_USER_COLUMN = "user column: "
"""How the renderer keys a column the spec does not name (the user's ``Notes``) among the
spec's own: no model field's name has a space."""


def _user_column(col: Column) -> str | None:
    """The user's name of a column the spec does not name; None for the spec's own."""
    return col.key[len(_USER_COLUMN) :] if col.key.startswith(_USER_COLUMN) else None


def _cached(value: Any) -> Any:
    """A formula's cached value as Excel stores it (dates are serial numbers)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal | int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value - dt.datetime.combine(EXCEL_EPOCH, dt.time())).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH).days)
    if value is None:
        return ""
    return str(value)


def write_value(
    ws: Worksheet, row: int, col: int, value: Any, kind: ValueKind | str, fmt: Format | None
) -> None:
    """Write a literal value; text always as text, never as a formula."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "Yes" if value else "No", fmt)
    elif isinstance(value, Decimal | int | float):
        ws.write_number(row, col, float(value), fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


WHOLE_TABLE_ROWS = 25
"""A table this short is kept on one page; a longer one runs over pages, header repeated."""
FREEZE_WITHIN = 6
"""A sheet whose first table's header is this near the top is a table sheet: its header row
and key column are frozen. (A summary whose table sits below other blocks is not.)"""


class _SheetWriter:
    def _user_value(
        self, r: int, j: int, value: Any, col: Column, role: str, fmt: Format, table: str
    ) -> None:
        """A value of the user's own column keeps its type: a date stays a date (not its
        serial number), TRUE stays TRUE (not "Yes"), whatever the column's default kind."""
        if isinstance(value, UserFormula):  # kept from the user's workbook, by column name
            self.r.meta[f"{USER_FORMULAS}{table}"] = "yes"
            formula = resolve(value.formula, table, self.shown_names)
            if isinstance(self.ws, CachingWorksheet):
                self.ws.write_user_formula(r, j, "=" + formula, fmt, _cached(value.value))
            else:
                self.ws.write_formula(r, j, "=" + formula, fmt, _cached(value.value))
            return
        if col.kind == "text" and isinstance(value, dt.date | bool):
            if isinstance(value, bool):
                self.ws.write_boolean(r, j, value, fmt)
                return
            timed = isinstance(value, dt.datetime) and value.time() != dt.time()
            fmt = self._fmt("datetime" if timed else "date", role)
        write_value(self.ws, r, j, value, col.kind, fmt)

    def __init__(self, renderer: _Renderer, sheet: Sheet, ws: Worksheet):
        self.r = renderer
        self.sheet = sheet
        self.ws = ws
        self.row = 0
        self.widths: dict[int, float] = {}
        self.first_table_header: int | None = None
        self.heights: dict[int, float] = {}
        """Rows not of the default height (points), for the print plan."""
        self.levels: dict[int, int] = {}
        """Rows folded under another (outline level), kept when a row's height is set."""
        self.blocks: list[pages.Block] = []
        self.flowing_header: int | None = None
        """The header row of a long table that ends the sheet (repeated on each page)."""
        self.breaks_inside: tuple[int, ...] = ()
        self.notes: list[tuple[int, str]] = []
        self.charts = 0
        self.wrapped: set[int] = set()
        self.legend_pending = False
        self.shown_names: dict[str, str] = {}
        self.flows = False
        self.spooled: list[range] = []
        """Rows written out already (``CachingWorksheet.spool_rows``)."""

    @property
    def _currency(self) -> str:
        return self.r.branding.currency_symbol

    def _table_width(self, col: Column, block: Table, j: int) -> float:
        """Wide enough for the header's words and the widest value as shown (text within
        reason: 50 characters, the rest is cut on screen and the cell keeps it)."""
        name = _user_column(col)
        if name is not None:
            values: Iterable[Any] = (extra.get(name) for extra in block.extras)
        else:
            values = (row.get(col.key) for row in block.rows)
        role = "input" if col.is_input and not block.spec.readonly else "output"
        shown = shown_width(values, _shown_kind(col.kind, role), self.sheet.audience, self._currency) + 2
        cap = 50.0 if col.kind == "text" else 24.0
        return max(header_width(col.header), min(shown, cap), col.width or 0.0, 8.0)

    def _wrap_rows(self, block: Table, columns: list[Column], widths: list[float], header_row: int) -> None:
        """Text longer than its column (a finding, a description) wraps on screen and on
        paper instead of being cut or printed past the page: its row is made as tall as its
        lines (set, so Excel and LibreOffice agree and the print plan knows it)."""
        self.wrapped = set()

        def text(i: int, row: Mapping[str, Any], col: Column) -> str:
            name = _user_column(col)  # the user's own column: as long as theirs
            extra = block.extras[i] if block.extras else {}
            value = row.get(col.key) if name is None else extra.get(name)
            return value if isinstance(value, str) else ""

        for j, col in enumerate(columns):
            if col.kind == "text":
                name = _user_column(col)
                values: Iterable[Any] = (
                    (row.get(col.key) for row in block.rows)
                    if name is None
                    else (extra.get(name) for extra in block.extras)
                )
                longest = max((len(v) for v in values if isinstance(v, str)), default=0)
                if longest + 2 > widths[j]:
                    self.wrapped.add(j)
        if not self.wrapped:
            return
        for i, row in enumerate(block.rows):
            lines = max(
                math.ceil(len(text(i, row, columns[j])) / max(widths[j] - 2, 1)) for j in self.wrapped
            )
            if lines > 1:
                r = header_row + 1 + i
                self.heights[r] = 13.0 * lines + 2
                self._set_height(r, self.heights[r])

    def _set_height(self, r: int, height: float) -> None:
        """A row's height, keeping its outline level (a party's rows fold under its first)."""
        level = self.levels.get(r, 0)
        self.ws.set_row(r, height, None, {"level": level} if level else None)

    def _settle_heights(self, rows: range) -> None:
        """Every row's height said outright on a delivered sheet: LibreOffice sizes a row with
        cells to its font unless told, and then breaks pages elsewhere than planned. Rows
        already spooled out were settled before they went."""
        self.ws.set_default_row(pages.DEFAULT_ROW)
        if not self.sheet.deliver:
            return
        starts = [done.start for done in self.spooled]
        for r in rows:
            if r in self.heights:
                continue
            at = bisect.bisect_right(starts, r) - 1
            if at < 0 or r not in self.spooled[at]:
                self._set_height(r, pages.DEFAULT_ROW)

    def _spool(self, ws: CachingWorksheet, first: int, last: int) -> None:
        self._settle_heights(range(first, last + 1))
        ws.spool_rows(first, last)
        self.spooled.append(range(first, last + 1))

    def _fmt(self, kind: str, role: str) -> Format:
        return self.r.fmt.get(kind, role, self.sheet.audience)

    def _width(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 8.0), min(width, 60.0))

    def title(self, block: Title) -> None:
        fmt = self._fmt("text", block.style)
        if block.style == "note":  # wrapped across the sheet's width in finish(): never past it
            self.notes.append((self.row, block.text))
        self.ws.write_string(self.row, 0, block.text, fmt)
        self.heights[self.row] = {"title": 22.0, "subtitle": 17.0}.get(block.style, pages.DEFAULT_ROW)
        self.row += 2 if block.style == "title" else 1

    def cells(self, block: Cells) -> None:
        self.block_title(block.title)
        for spec, value in block.cells:
            self.ws.write_string(self.row, 0, spec.label, self._fmt("text", "label"))
            self._width(0, len(spec.label) + 2)
            role = "input" if spec.editable else "output"
            fmt = self._fmt("price" if spec.cents else _shown_kind(spec.kind, role), role)
            if spec.formula:
                self.ws.write_formula(self.row, 1, "=" + spec.formula, fmt, _cached(value))
            else:
                write_value(self.ws, self.row, 1, value, spec.kind, fmt)
                if spec.choices:
                    self.ws.data_validation(
                        self.row, 1, self.row, 1, {"validate": "list", "source": list(spec.choices)}
                    )
            self._width(
                1, max(12.0, shown_width([value], spec.kind, self.sheet.audience, self._currency) + 2)
            )
            if spec.help:
                self.ws.write_string(self.row, 2, spec.help, self._fmt("text", "note"))
            self.r.book_wb.define_name(
                spec.name, f"={quote_sheet(self.sheet.name)}!{cell(self.row, 1, True)}"
            )
            self.row += 1
        self.row += 1

    def table(self, block: Table) -> None:
        spec = block.spec
        waiting = [c.header for c in spec.columns if c.formula == CALCULATED]
        if waiting:  # a kind's mistake: a file with "=⟦…⟧" would not open
            raise ValueError(
                f"table {spec.name}: no formula was given to {', '.join(waiting)} (with_formulas)"
            )
        self.block_title(spec.title)
        extra_headers: list[str] = list(block.extra_headers or [])
        for extra in block.extras:
            for header in extra:
                if header not in extra_headers:
                    extra_headers.append(header)
        template = spec.extra_column or Column(header="", key="", required=False)
        shown = unique_headers(spec, extra_headers)
        self.shown_names = dict(zip(extra_headers, shown, strict=True))
        for h, header in zip(extra_headers, shown, strict=True):
            if header != h:  # the reader gives the user's column its own name back
                self.r.meta[f"column:{spec.name}:{header}"] = h
        columns: list[Column] = list(spec.columns) + [
            dataclasses.replace(template, header=header, key=_USER_COLUMN + h)
            for h, header in zip(extra_headers, shown, strict=True)
        ]
        if block.extra_groups:
            self._group_labels(len(spec.columns), block.extra_groups)
        header_row = self.row
        table_fits(f"the table {spec.name} on sheet {self.sheet.name}", len(block.rows), header_row + 1)
        self.ws.set_row(header_row, 30)
        self.heights[header_row] = 30.0
        n = max(len(block.rows), 1)
        if spec.page_break_key:  # each group (a party) starts a page
            key = spec.page_break_key
            self.breaks_inside = tuple(
                header_row + 1 + i
                for i, row in enumerate(block.rows)
                if i and row.get(key) != block.rows[i - 1].get(key)
            )
        self.ws.add_table(
            header_row,
            0,
            header_row + n,
            len(columns) - 1,
            {
                "name": spec.name,
                "style": "Table Style Light 9",
                "columns": [
                    {
                        "header": c.header,
                        # an empty table keeps its one blank row blank: no formula to compute
                        **({"formula": "=" + c.formula} if c.formula and block.rows else {}),
                        "header_format": self._fmt("text", "header"),
                    }
                    for c in columns
                ],
            },
        )
        if spec.outline_key:
            self._outline(block, header_row)
        widths = [self._table_width(col, block, j) for j, col in enumerate(columns)]
        self._wrap_rows(block, columns, widths, header_row)
        plan = []
        for j, col in enumerate(columns):
            role = "input" if col.is_input and not spec.readonly else "output"
            fmt = self.r.fmt.get(
                _shown_kind(col.kind, role), role, self.sheet.audience, wrap=j in self.wrapped
            )
            plan.append((j, col, role, fmt))
        self._table_rows(block, plan, header_row)
        for j, col, _role, fmt in plan:
            if not block.rows and col.is_input:
                self.ws.write_blank(header_row + 1, j, None, fmt)
            last = header_row + n
            if col.choices_name:
                self.r.list_sources.add(col.choices_name)
            if col.choices or col.choices_name:
                source: Any = ("=" + col.choices_name) if col.choices_name else list(col.choices)
                self.ws.data_validation(
                    header_row + 1,
                    j,
                    last,
                    j,
                    {
                        "validate": "list",
                        "source": source,
                        "error_title": col.header[:32],  # Excel's limit
                        "error_message": "Pick a value from the list.",
                    },
                )
            if col.help:
                self.ws.write_comment(header_row, j, col.help, {"x_scale": 2})
            for text, color in col.colors:
                self.ws.conditional_format(
                    header_row + 1,
                    j,
                    header_row + n,
                    j,
                    {
                        "type": "cell",
                        "criteria": "equal to",
                        "value": f'"{text}"',
                        "format": self.r.fmt.fill(color),
                    },
                )
            self._width(j, widths[j])
        self.r.tables[spec.name] = _PlacedTable(
            self.sheet.name, header_row, 0, len(block.rows), [c.key for c in columns]
        )
        if self.first_table_header is None:
            self.first_table_header = header_row
        self.row = header_row + n + 2

    def _table_rows(self, block: Table, plan: list[tuple[int, Column, str, Format]], header_row: int) -> None:
        """The table's cells, row by row; a long table's rows are spooled out as they are
        finished, so its cells are never all in memory at once."""
        ws = self.ws
        long = len(block.rows) > SPOOL_ROWS and block.spec.name not in self.r.charted
        spooler = ws if isinstance(ws, CachingWorksheet) and long else None
        table = block.spec.name
        first = header_row + 1
        cells = [(j, col, role, fmt, _user_column(col)) for j, col, role, fmt in plan]
        extras, own_formulas = block.extras, block.formulas
        no_extras: Mapping[str, Any] = {}
        no_formulas: Mapping[str, str] = {}
        for i, row in enumerate(block.rows):
            r = header_row + 1 + i
            extra = extras[i] if extras else no_extras
            formulas = own_formulas[i] if own_formulas else no_formulas
            for j, col, role, fmt, user in cells:
                if user is not None:
                    self._user_value(r, j, extra.get(user), col, role, fmt, table)
                elif col.formula:
                    formula = formulas.get(col.key, col.formula)
                    ws.write_formula(r, j, "=" + formula, fmt, _cached(row.get(col.key)))
                else:
                    write_value(ws, r, j, row.get(col.key), col.kind, fmt)
            if spooler is not None and r - first + 1 == SPOOL_ROWS:
                self._spool(spooler, first, r)
                first = r + 1
        if spooler is not None and first <= header_row + len(block.rows):
            self._spool(spooler, first, header_row + len(block.rows))

    def _group_labels(self, first: int, groups: Sequence[str]) -> None:
        """Label each run of columns of one group in the row above the header; outline the
        columns after the first of each run, so a group folds to its first column."""
        label = self._fmt("text", "subtitle")
        previous = None
        for i, group in enumerate(groups):
            if group != previous:
                self.ws.write_string(self.row, first + i, group, label)
            else:
                self.ws.set_column(first + i, first + i, None, None, {"level": 1})
            previous = group
        self.row += 1

    def _outline(self, block: Table, header_row: int) -> None:
        """Rows sharing a value (a category) form a group under their first row."""
        key = block.spec.outline_key
        self.ws.outline_settings(True, False, True, False)
        previous: object = object()
        for i, row in enumerate(block.rows):
            value = row.get(key or "")
            if i and value == previous:
                self.ws.set_row(header_row + 1 + i, None, None, {"level": 1})
                self.levels[header_row + 1 + i] = 1
            previous = value

    def grid(self, block: Grid) -> None:
        """Label column, then formula columns. Row keys are fixed when the grid is made, so
        they go into the formulas as constants rather than into a helper column."""
        self.block_title(block.title)
        header_row = self.row
        head = self._fmt("text", "header")
        self.ws.set_row(header_row, 30)
        self.heights[header_row] = 30.0
        if self.first_table_header is None:
            self.first_table_header = header_row
        for j, text in enumerate([block.label_header, *(c.header for c in block.columns)]):
            self.ws.write_string(header_row, j, text, head)
        row_of = {str(key): header_row + 1 + i for i, (key, _, _) in enumerate(block.rows)}
        col_of = {c.header: j for j, c in enumerate(block.columns, start=1)}
        for i, (key, label, values) in enumerate(block.rows):
            r = header_row + 1 + i
            write_value(self.ws, r, 0, label, "text", self._fmt("text", "label"))
            own = block.row_formulas.get(key)
            for j, (col, value) in enumerate(zip(block.columns, values, strict=True), start=1):
                written = own[j - 1] if own is not None else col.formula
                formula = at_cell(written, GridCell(key, r, j, header_row, row_of, col_of))
                fmt = self._fmt(block.row_kinds.get(key, col.kind), "output")
                self.ws.write_formula(r, j, "=" + formula, fmt, _cached(value))
        last = header_row + len(block.rows)
        for text, color in block.colors:
            self.ws.conditional_format(
                header_row + 1,
                1,
                last,
                len(block.columns),
                {
                    "type": "cell",
                    "criteria": "equal to",
                    "value": f'"{text}"',
                    "format": self.r.fmt.fill(color),
                },
            )
        if block.hide_errors:  # #N/A for a chart to skip: blank to the reader, on screen and paper
            self.ws.conditional_format(
                header_row + 1,
                1,
                last,
                len(block.columns),
                {
                    "type": "formula",
                    "criteria": f"=ISNA({cell(header_row + 1, 1)})",
                    "format": self.r.fmt.hidden(),
                },
            )
        if block.total_label and block.rows:
            r = last + 1
            self.ws.write_string(r, 0, block.total_label, self._fmt("text", "label"))
            for j, col in enumerate(block.columns, start=1):
                if col.kind in ("text", "date", "month"):  # no total of names or dates
                    continue
                total = sum(
                    (v for _, _, vs in block.rows if isinstance(v := vs[j - 1], Decimal | int)), Decimal(0)
                )
                self.ws.write_formula(
                    r,
                    j,
                    f"=SUM({cell(header_row + 1, j)}:{cell(last, j)})",
                    self._fmt(col.kind, "total"),
                    _cached(total),
                )
            last = r
        self._width(0, max((len(str(lbl)) for _, lbl, _ in block.rows), default=8) * BOLD + 2)
        for j, col in enumerate(block.columns, start=1):
            kind = col.kind
            values = [vs[j - 1] for _, _, vs in block.rows]
            shown = shown_width(values, kind, self.sheet.audience, self._currency) * BOLD + 2
            self._width(j, max(header_width(col.header), shown, 9.0))
        self.r.tables[block.name] = _PlacedTable(
            self.sheet.name, header_row, 0, len(block.rows), [LABELS, *(c.header for c in block.columns)]
        )
        self.row = last + 2

    def chart(self, block: Chart) -> None:
        self.charts += 1
        self.r.pending_charts.append((self.ws, self.row, block))
        self.row += CHART_ROWS

    def place(self, block: Block, first: int, previous: Block | None) -> None:
        """Record where a block went, for the print plan: a chart stays with the table it
        draws, and any block with the title above it."""
        last = max(first, self.row - 2)  # the blank row after a block is not its own
        whole = isinstance(block, Chart | Cells) or (
            isinstance(block, Table | Grid) and len(block.rows) <= WHOLE_TABLE_ROWS
        )
        joins = isinstance(previous, Title) or _draws(block, previous) or _draws(previous, block)
        self.blocks.append(pages.Block(first, last, whole, joins, self.breaks_inside, self._last_col(block)))
        self.breaks_inside = ()
        if isinstance(block, Table | Grid):
            self.flowing_header = None if whole else self.first_header_of(first, last)
            self.flows = self.flows or not whole
        elif not isinstance(block, Title):
            self.flowing_header = None

    def _last_col(self, block: Block) -> int:
        """The last column a block fills (-1: as wide as the sheet, e.g. a wrapped note)."""
        if isinstance(block, Table):
            return len(block.spec.columns) + len(self.shown_names) - 1
        if isinstance(block, Grid):
            return len(block.columns)
        if isinstance(block, Cells):
            return 2 if any(spec.help for spec, _ in block.cells) else 1
        if isinstance(block, Chart):
            return pages.columns_spanned(self._column_widths(), CHART_WIDTH_PX) - 1
        return 0

    def _column_widths(self) -> list[float]:
        """The sheet's column widths so far, from column A (default where none was set)."""
        return [self.widths.get(c, pages.DEFAULT_WIDTH) for c in range(max(self.widths, default=0) + 1)]

    def first_header_of(self, first: int, last: int) -> int | None:
        return next((r for r in range(first, last + 1) if self.heights.get(r) == 30.0), None)

    def legend(self) -> None:
        """The input style, said on each sheet that has inputs: a yellow cell is the user's."""
        self.notes.append((self.row, INPUT_LEGEND))
        self.ws.write_string(self.row, 0, INPUT_LEGEND, self._fmt("text", "note"))
        self.row += 1

    def block_title(self, text: str | None) -> None:
        """A block's subtitle; on a sheet's first block, followed in the same cell by the
        input legend (so the sheet's rows stay where they were)."""
        if text and self.legend_pending:
            self.ws.write_rich_string(
                self.row,
                0,
                self._fmt("text", "subtitle"),
                text,
                self._fmt("text", "note"),
                f"    {INPUT_LEGEND}",
            )
        elif text:
            self.ws.write_string(self.row, 0, text, self._fmt("text", "subtitle"))
        elif self.legend_pending:  # no title to stand beside: a line of its own
            self.legend_pending = False
            self.legend()
            return
        else:
            return
        self.legend_pending = False
        self.heights[self.row] = 17.0
        self.row += 1

    def _wrap_notes(self, widths: list[float]) -> None:
        """A note printed past the sheet's last column would widen every printed page (a
        spreadsheet prints the text that overflows): each note is merged across the
        sheet's columns and wrapped, its row as tall as its lines."""
        fmt = self.r.fmt.wrapped_note()
        total = sum(widths)
        for row, text in self.notes:
            if len(widths) > 1 and row in self.heights and self.heights[row] > pages.DEFAULT_ROW:
                continue  # already merged (a second pass, fewer columns: see finish)
            lines = max(1, math.ceil(len(text) * 1.05 / max(total, 1)))
            if len(widths) > 1:
                self.ws.merge_range(row, 0, row, len(widths) - 1, text, fmt)
            else:
                self.ws.write_string(row, 0, text, fmt)
            self.heights[row] = 13.0 * lines + 2
            self._set_height(row, self.heights[row])

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, width)
        ws, b = self.ws, self.r.branding
        if self.sheet.landscape:
            ws.set_landscape()
        widths = self._column_widths()
        chart_cols = pages.columns_spanned(widths, CHART_WIDTH_PX) if self.charts else 0
        widths += [pages.DEFAULT_WIDTH] * (chart_cols - len(widths))  # a chart wider than the tables
        repeated = (
            self.heights.get(self.flowing_header, pages.DEFAULT_ROW)
            if self.flowing_header is not None
            else 0.0
        )
        self._wrap_notes(widths[: pages.first_page_columns(widths, self.sheet.landscape, b.paper)])
        layout = pages.plan(widths, self.blocks, self.heights, self.sheet.landscape, b.paper, repeated)
        self.plan = layout
        # every row's height said outright: an engine sizing rows to their font breaks pages elsewhere
        ws.set_default_row(pages.DEFAULT_ROW)
        self._settle_heights(range(self.row))
        ws.set_paper(pages.PAPER_CODE[b.paper])
        ws.set_print_scale(layout.scale)
        ws.set_margins(
            left=pages.SIDE_MARGIN, right=pages.SIDE_MARGIN, top=pages.TOP_MARGIN, bottom=pages.TOP_MARGIN
        )
        if layout.breaks:
            ws.set_h_pagebreaks(list(layout.breaks))
        header = _escape_hf(self.r.book.header_text or b.firm_name)
        ws.set_header(f"&L{header}&R&A")  # the sheet's first rows carry the title: no repeat
        ws.set_footer(f"&L{_escape_hf(self.r.book.title)}&RPage &P of &N")
        if self.flowing_header is not None:  # only the table that runs over pages: its header
            ws.repeat_rows(self.flowing_header)
        if layout.pages_across > 1:
            ws.repeat_columns(0)
        first_header = self.first_table_header
        if first_header is not None and first_header <= FREEZE_WITHIN:  # a table sheet
            ws.freeze_panes(first_header + 1, 1)
        ws.set_tab_color(self.sheet.tab_color or b.primary)


def _draws(chart: Block | None, block: Block | None) -> bool:
    """Does ``chart`` draw ``block`` (the table or grid it sits beside)? Then they share a page."""
    if not isinstance(chart, Chart):
        return False
    name = block.spec.name if isinstance(block, Table) else block.name if isinstance(block, Grid) else None
    return any(s.table == name for s in chart.series)


def _shown_kind(kind: str, role: str) -> str:
    """An amount the user types is shown as typed, cents and all, even on a summary where the
    results are whole: a price per user of $112.49 read "$112" (a review)."""
    return "price" if kind == "money" and role == "input" else kind


def _has_inputs(sheet: Sheet) -> bool:
    for block in sheet.blocks:
        if isinstance(block, Cells) and any(spec.editable for spec, _ in block.cells):
            return True
        if isinstance(block, Table) and not block.spec.readonly and block.spec.input_columns:
            return True
    return False


BOLD = 1.12
"""Bold digits are wider: a bold total sized like its column shows ``###``."""


def shown_width(values: Iterable[Any], kind: str, audience: Audience, currency: str) -> float:
    """The width (in Excel's character units) the widest of ``values`` needs as shown in
    its number format: so no amount shows ``###`` and no name is cut off."""
    longest = 0
    high: Decimal | int | float = 0
    low: Decimal | int | float = 0
    for v in values:  # a table's every cell passes here: exact types first, compared as they are
        t = type(v)
        if t is UserFormula:
            v = v.value
            t = type(v)
        if t is str:
            if len(v) > longest:
                longest = len(v)
        elif t is Decimal or t is int or t is float:
            if v > high:
                high = v
            elif v < low:
                low = v
        elif v is None or isinstance(v, bool):
            continue
        elif isinstance(v, Decimal | int | float):
            high, low = max(high, v), min(low, v)
        elif isinstance(v, dt.datetime):
            longest = max(longest, 19)
        elif isinstance(v, dt.date):
            longest = max(longest, 10)
        else:
            longest = max(longest, len(str(v)))
    biggest, negative = max(float(high), -float(low)), low < 0
    if biggest or kind in ("money", "price", "number", "hours", "int", "percent", "ratio"):
        if kind in ("money", "price"):
            digits = f"{biggest:,.0f}" if audience == "summary" and kind == "money" else f"{biggest:,.2f}"
            number = len(digits) + (len(currency) if audience == "summary" else 0) + 2  # brackets' room
        elif kind == "percent":
            number = len(f"{biggest * 100:,.1f}") + 2
        elif kind == "int":
            number = len(f"{biggest:,.0f}") + 1
        else:
            number = len(f"{biggest:,.2f}") + 1
        longest = max(longest, number + (1 if negative else 0))
    return float(longest)


def header_width(header: str) -> float:
    """A header wraps on word boundaries, in at most two lines (the header row is tall):
    never so narrow that a word breaks ("Profession al")."""
    words = header.split() or [""]
    return max(max(len(w) for w in words) * BOLD + 1.5, len(header) * BOLD / 2 + 1.5)


def _escape_hf(text: str, limit: int = 70) -> str:
    """Header/footer text: ``&`` starts a control code in Excel (``&G`` a picture, ``&P`` the
    page), and XlsxWriter counts ``&G`` even in an escaped ``&&G`` ("P&G"): so an ampersand
    is shown as the full-width "＆", never as a code. Each part is cut to ``limit`` characters
    (Excel holds 255 for the whole header)."""
    text = text.replace("&", "\uff06")
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Renderer:
    worksheet_class: type[Worksheet] = CachingWorksheet

    def __init__(self, book: Book, wb: xlsxwriter.Workbook, branding: Branding):
        self.book = book
        self.book_wb = wb
        if book.currency_sign is not None:  # the data's own currency before the firm's
            branding = dataclasses.replace(branding, currency_symbol=book.currency_sign)
        self.branding = branding
        self.fmt = _Formats(wb, branding)
        self.tables: dict[str, _PlacedTable] = {}
        self.pending_charts: list[tuple[Worksheet, int, Chart]] = []
        self.meta: dict[str, str] = {}
        """Rows of the metadata sheet beyond kind and version: a user's column shown under
        another name, tables holding kept formulas, the pages a delivered sheet prints on."""
        self.series_colors: dict[str, str] = {}
        self.chart_texts: list[str] = []
        """Chart names that look like references, written as text on the metadata sheet."""
        self.list_sources: set[str] = set()
        """Defined names our dropdown lists read their choices from."""
        self.charted = {
            s.table for sheet in book.sheets for b in sheet.blocks if isinstance(b, Chart) for s in b.series
        }
        """Tables a chart draws: never spooled, since XlsxWriter caches a chart's data from the
        cells it holds when the file is closed."""
        self.callable: frozenset[str] = frozenset()
        """The workbook's LAMBDA names its formulas may call (the function pack only)."""

    def define_functions(self, functions: Sequence[NamedLambda]) -> None:
        """The Excel functions as workbook names. Our own formulas never call them (Excel
        2016 and LibreOffice have no LAMBDA); a book that says so (``calls_functions``: the
        function pack's worked examples) may."""
        taken: set[str] = set()
        if isinstance(self.book_wb, XlsxWorkbook):  # (a stand-in that records calls has none: bench/)
            taken = {str(n[0]).casefold() for n in self.book_wb.defined_names}
            taken |= {str(t["name"]).casefold() for ws in self.book_wb.worksheets() for t in ws.tables}
        for function in functions:
            if function.name.casefold() in taken:
                raise ValueError(f"the function name {function.name} is already a name of this workbook")
            self.book_wb.define_name(function.name, "=" + function.definition)
        if self.book.calls_functions:
            self.callable = frozenset(f.name for f in functions)

    def check_names(self) -> None:
        """Every cell and table formula of ours names only functions Excel 2016 and
        LibreOffice share, and tables, columns, sheets and defined names this workbook has;
        every dropdown list reads a name it has. Checked once per distinct formula, before
        the file is written: a kind's mistake (a renamed named cell, table or column) is
        refused here, not found as ``#NAME?`` in a client's file. (Chart series and
        conditional formats are built by the renderer from placed tables, not by kinds.)"""
        if not isinstance(self.book_wb, XlsxWorkbook):  # a stand-in that records calls (bench/)
            return
        sheets = self.book_wb.worksheets()
        names = {str(n[0]).casefold() for n in self.book_wb.defined_names}
        missing = sorted(n for n in self.list_sources if n.casefold() not in names)
        if missing:
            raise ValueError(f"dropdown lists read from names the workbook lacks: {', '.join(missing)}")
        tables = {
            str(t["name"]).casefold(): {str(c["name"]).casefold() for c in t["columns"]}
            for ws in sheets
            for t in ws.tables
        }
        titles = {ws.name.casefold() for ws in sheets}
        for ws in sheets:
            for formula, _ in ws.__dict__.get("_xle_prepared", {}):
                wrong = unknown_names(formula, names, tables, titles, self.callable)
                if wrong:
                    raise ValueError(
                        f"sheet {ws.name}: a formula names what the workbook lacks ({', '.join(wrong)}): "
                        f"={formula.lstrip('=')[:200]}"
                    )

    def run(self) -> None:
        for sheet in self.book.sheets:
            ws = self.book_wb.add_worksheet(sheet.name, worksheet_class=self.worksheet_class)
            if sheet.hidden:
                ws.hide()
            writer = _SheetWriter(self, sheet, ws)
            previous: Block | None = None
            legend = _has_inputs(sheet)
            for block in sheet.blocks:
                if legend and not (isinstance(block, Title) and block.style == "title"):
                    writer.legend_pending = True  # beside the first block's title, or above it
                    legend = False
                first = writer.row
                if isinstance(block, Title):
                    writer.title(block)
                elif isinstance(block, Cells):
                    writer.cells(block)
                elif isinstance(block, Table):
                    writer.table(block)
                elif isinstance(block, Grid):
                    writer.grid(block)
                elif isinstance(block, Chart):
                    writer.chart(block)
                if isinstance(block, Title) and block.style == "title" and legend:
                    writer.row -= 1  # the blank row under the title holds the legend
                    writer.legend()
                    legend = False
                writer.place(block, first, previous)
                # anything a sheet cannot hold is refused, not dropped without a word
                table_fits(f"the sheet {sheet.name}", max(writer.row - 1, 0), 1)
                previous = block
            writer.finish()
            if sheet.deliver:  # marked on the sheet itself: the mark follows a renamed sheet
                # XlsxWriter reads the scope before the last "!" as the sheet's own name, unquoted
                self.book_wb.define_name(f"{sheet.name}!{DELIVER_NAME}", f"={quote_sheet(sheet.name)}!$A$1")
            if sheet.deliver:  # the pages it prints on, as planned: tests hold the PDF to it
                self.meta[f"{PAGES_KEY}{sheet.name}"] = str(writer.plan.pages)
                if writer.flows:  # a table the engine breaks by itself: its page count is an estimate
                    self.meta[f"{FLOWS_KEY}{sheet.name}"] = "yes"
            if sheet is self._logo_sheet():
                self._logo(ws, writer)
        self._list_names(self.book.list_names)
        for ws, row, chart in self.pending_charts:
            self._chart(ws, row, chart)
        self._metadata()

    def _column_range(self, table: str, key: str, values: bool = False) -> tuple[str, int, int, int, int]:
        """A placed table's (or grid's) column by key; ``values``: a chart's values, never a
        grid's labels (a category named like :data:`LABELS` is its own column)."""
        placed = self.tables[table]
        start = 1 if values and placed.keys[:1] == [LABELS] else 0
        col = placed.first_col + placed.keys.index(key, start)
        first = placed.header_row + 1
        last = placed.header_row + max(placed.n_rows, 1)
        return placed.sheet, first, col, last, col

    def _list_names(self, names: Mapping[str, tuple[str, str]]) -> None:
        for name, (table, key) in names.items():
            sheet, r1, c1, r2, c2 = self._column_range(table, key)
            self.book_wb.define_name(name, f"={quote_sheet(sheet)}!{cell(r1, c1, True)}:{cell(r2, c2, True)}")

    def _chart(self, ws: Worksheet, row: int, block: Chart) -> None:
        options: dict[str, Any] = {"type": block.type}
        if block.stacked:
            options["subtype"] = "stacked"
        chart = self.book_wb.add_chart(options)
        used: set[str] = set()
        for s in block.series:
            color = self._series_color(s.name, used)
            chart.add_series(
                {
                    "name": self._chart_text(s.name),
                    "categories": list(self._column_range(s.table, s.categories)),
                    "values": self._values_range(s),
                    **(
                        {"line": {"color": color, "width": 2.25}, "marker": {"type": "none"}}
                        if block.type == "line"
                        else {"fill": {"color": color}, "border": {"color": color}}
                    ),
                }
            )
        chart.set_title({"name": self._chart_text(block.title)})
        if block.y_title:
            y_format = block.y_format or (
                axis_money_format(self.branding.currency_symbol) if block.money else "General"
            )
            chart.set_y_axis({"name": self._chart_text(block.y_title), "num_format": y_format})
        chart.set_legend({"position": "bottom"})
        if block.type == "line":  # a month not reached (#N/A, or blank) ends the line, never drops it to 0
            chart.show_blanks_as("gap")
            chart.show_na_as_empty_cell()
        chart.set_size({"width": CHART_WIDTH_PX, "height": CHART_HEIGHT_PX})
        # a few pixels into its first row: a chart starting a page exactly at the break drew
        # its top border at the foot of the page before, a stray line under the last table
        ws.insert_chart(row, 0, chart, {"y_offset": CHART_OFFSET_PX})

    def _values_range(self, series: Series) -> list[Any]:
        sheet, first, col, last, _ = self._column_range(series.table, series.values, values=True)
        if series.rows is not None:
            last = max(first, min(last, first + series.rows - 1))
        return [sheet, first, col, last, col]

    def _series_color(self, name: str, used: set[str]) -> str:
        """One colour per category name across every chart of the workbook (Hardware is the
        same blue on Summary and on Quarters), never two alike in one chart."""
        palette = self.branding.chart_colors or CHART_PALETTE
        color = self.series_colors.get(name)
        if color is None or color in used:
            free = [c for c in palette if c not in used and c not in self.series_colors.values()]
            free = free or [c for c in palette if c not in used] or list(palette)
            color = free[0]
            self.series_colors.setdefault(name, color)
        used.add(color)
        return color

    def _logo_sheet(self) -> Sheet | None:
        """Where the logo goes: the first sheet of the decision-maker PDF, else the first shown."""
        return next((s for s in self.book.sheets if s.deliver), None) or next(
            (s for s in self.book.sheets if not s.hidden), None
        )

    def _logo(self, ws: Worksheet, writer: _SheetWriter) -> None:
        """The firm's logo at the top right of the first delivered sheet (so on the PDF's
        first page), at most 64 pixels high, over the columns right of the title."""
        logo = self.branding.logo
        if logo is None:
            return
        try:
            data = logo.read_bytes()
            width, height = image_size(data) or (0, 0)
            if not width:
                raise ValueError("not a PNG or JPEG image")
            scale = min(64 / height, 220 / width, 1.0)
            cols = max(writer.widths, default=6)
            ws.insert_image(
                0,
                max(cols - 1, 3),
                str(logo),
                {
                    "image_data": io.BytesIO(data),
                    "x_scale": scale,
                    "y_scale": scale,
                    "object_position": 3,
                    "description": "Logo",
                },
            )
        except Exception as exc:  # a file that changed since it was checked, XlsxWriter's own probe
            raise InputError([Issue("branding.toml", f"logo {logo} cannot be used: {exc}")]) from None

    def _chart_text(self, text: str) -> str | list[Any]:
        """A chart's series name or title as literal text. XlsxWriter takes any name shaped
        like a cell reference (``+cmd|' /C notepad'!A0``, ``Sheet!A1``) for a formula, so such
        a name (it may come from a category or client name) is written as text in a hidden cell
        and the chart refers to that cell: the chart shows the text, and no input text ever
        becomes a reference."""
        if not _LOOKS_LIKE_A_REFERENCE.match(text):
            return text
        self.chart_texts.append(text)
        return [METADATA_SHEET, len(self.chart_texts) - 1, CHART_TEXT_COLUMN]

    def _metadata(self) -> None:
        ws = self.book_wb.add_worksheet(METADATA_SHEET)
        rows = [
            ("kind", self.book.kind),
            ("schema_version", self.book.schema_version),
            ("generator", "xl_engage"),
            ("generator_version", __version__),
            *sorted(self.meta.items()),
            *((f"{DELIVER_KEY}{i}", s.name) for i, s in enumerate(self.book.sheets, 1) if s.deliver),
        ]
        for i, (key, value) in enumerate(rows):
            ws.write_string(i, 0, key)
            write_value(ws, i, 1, value, "text", None)
        for i, text in enumerate(self.chart_texts):
            ws.write_string(i, CHART_TEXT_COLUMN, text)
        ws.hide()


def render(
    book: Book, path: Path | str, branding: Branding | None = None, templates: Path | str | None = None
) -> Path:
    """Write ``book`` to ``path`` atomically and return the path. Every workbook carries the
    Excel functions as named LAMBDAs (``lambdas.py``, defaults from ``templates``), for the
    user's own cells in Excel 365."""
    target = Path(path)
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
                # a part over 4 GiB unpacked (a million transactions' sheet) needs ZIP64; a
                # smaller file is written byte for byte as without it
                "use_zip64": True,
            },
        )
        wb.set_properties(
            {
                "title": book.title,
                "subject": book.kind,
                "comments": f"Generated by xl_engage {__version__}",
            }
        )
        try:
            with gc_paused():  # millions of cell tuples, none of them garbage: collection only costs time
                renderer = _Renderer(book, wb, branding or Branding())
                renderer.run()
                renderer.define_functions(named_lambdas(templates))
                renderer.check_names()  # before a byte is written
                wb.close()
        finally:  # a spooled sheet's rows are in a temporary file: gone with the run, failed or not
            for ws in wb.worksheets() if isinstance(wb, XlsxWorkbook) else ():  # (bench/: a recorder)
                spool = ws.__dict__.get("_xle_spool")
                if spool is not None:
                    spool.close()
    return target
