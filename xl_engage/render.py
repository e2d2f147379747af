"""The one renderer: any :class:`~xl_engage.layout.Book` to an .xlsx file with XlsxWriter.

Every formula is written with the value Python computed for it, so viewers that never
recalculate show the right figures. Text is always written as a string, never parsed as a
formula: a service named ``=HYPERLINK(...)`` stays text. The file appears only when
complete (see :mod:`xl_engage.atomic`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from xl_engage import __version__
from xl_engage.a1 import cell, quote_sheet
from xl_engage.atomic import atomic_path
from xl_engage.branding import Branding
from xl_engage.gcpause import gc_paused
from xl_engage.layout import (
    Book,
    Cells,
    Chart,
    Column,
    Grid,
    Sheet,
    Table,
    TableSpec,
    Title,
    ValueKind,
    constant,
)
from xl_engage.models.base import UserFormula
from xl_engage.tabular import compact_header

METADATA_SHEET = "_xle"
USER_FORMULAS = "user-formulas:"
"""Metadata key prefix (+ table name): the table's user columns hold kept formulas."""
_LOOKS_LIKE_A_REFERENCE = re.compile(r"^=?[^!]+!\$?[A-Z]+\$?\d+")
"""What XlsxWriter takes for a reference in a chart name (its own test, chart.py)."""
CHART_TEXT_COLUMN = 4
"""Where on the metadata sheet such chart names are written (the metadata uses columns A:B)."""
MAX_FORMULA = 8192
"""Excel refuses to open a workbook with a longer formula; better to fail at write time."""

NUMBER_FORMATS: dict[str, str] = {
    "money": "#,##0.00_);[Red](#,##0.00)",
    "number": "#,##0.##",
    "hours": "#,##0.0#",
    "int": "#,##0",
    "percent": "0.0%",
    "ratio": '0.00"×"',
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "month": "mmm yyyy",
    "text": "@",
    "bool": "@",
}


@dataclass
class _PlacedTable:
    sheet: str
    header_row: int
    first_col: int
    n_rows: int
    keys: list[str]


class CachingWorksheet(Worksheet):
    """XlsxWriter rewrites every formula with some thirty regular expressions, and a table's
    calculated column is prepared twice per cell (once by ``add_table``, once with its cached
    value). Table formulas repeat row after row, so the prepared text is cached by input.
    The output is byte-identical to stock XlsxWriter's (tests/test_render.py checks it)."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        cache: dict[tuple[str, bool], str] = self.__dict__.setdefault("_xle_prepared", {})
        key = (formula, expand_future_functions)
        prepared = cache.get(key)
        if prepared is None:
            if len(formula) > MAX_FORMULA:
                raise ValueError(f"a formula of {len(formula):,} characters exceeds Excel's {MAX_FORMULA:,}")
            prepared = cache[key] = super()._prepare_formula(formula, expand_future_functions)
        return prepared


class _Formats:
    """Formats are created once per (kind, role) and shared, as XlsxWriter prefers."""

    def __init__(self, wb: xlsxwriter.Workbook, branding: Branding):
        self._wb = wb
        self._b = branding
        self._cache: dict[tuple[str, str], Format] = {}

    def fill(self, color: str) -> Format:
        """A background fill for conditional formats (status colours)."""
        key = ("fill", color)
        if key not in self._cache:
            self._cache[key] = self._wb.add_format({"bg_color": color})
        return self._cache[key]

    def get(self, kind: str, role: str) -> Format:
        key = (kind, role)
        if key not in self._cache:
            props: dict[str, Any] = {"font_name": self._b.font, "font_size": 10}
            if kind in NUMBER_FORMATS and kind != "text":
                props["num_format"] = NUMBER_FORMATS[kind]
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
                    valign="top",
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


_EPOCH = dt.date(1899, 12, 30)


def _cached(value: Any) -> Any:
    """A formula's cached value as Excel stores it (dates are serial numbers)."""
    if isinstance(value, bool | str):
        return value
    if isinstance(value, Decimal | int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value - dt.datetime.combine(_EPOCH, dt.time())).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - _EPOCH).days)
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


class _SheetWriter:
    def _user_value(
        self, r: int, j: int, value: Any, col: Column, role: str, fmt: Format, table: str
    ) -> None:
        """A value of the user's own column keeps its type: a date stays a date (not its
        serial number), TRUE stays TRUE (not "Yes"), whatever the column's default kind."""
        if isinstance(value, UserFormula):  # kept from the user's workbook, by column name
            self.r.renamed[f"{USER_FORMULAS}{table}"] = "yes"
            self.ws.write_formula(r, j, "=" + value.formula, fmt, _cached(value.value))
            return
        if col.kind == "text" and isinstance(value, dt.date | bool):
            if isinstance(value, bool):
                self.ws.write_boolean(r, j, value, fmt)
                return
            timed = isinstance(value, dt.datetime) and value.time() != dt.time()
            fmt = self.r.fmt.get("datetime" if timed else "date", role)
        write_value(self.ws, r, j, value, col.kind, fmt)

    def __init__(self, renderer: _Renderer, sheet: Sheet, ws: Worksheet):
        self.r = renderer
        self.sheet = sheet
        self.ws = ws
        self.row = 0
        self.widths: dict[int, float] = {}
        self.first_table_header: int | None = None

    def _width(self, col: int, width: float) -> None:
        self.widths[col] = max(self.widths.get(col, 8.0), min(width, 60.0))

    def title(self, block: Title) -> None:
        fmt = self.r.fmt.get("text", block.style)
        self.ws.write_string(self.row, 0, block.text, fmt)
        self.row += 2 if block.style == "title" else 1

    def cells(self, block: Cells) -> None:
        if block.title:
            self.ws.write_string(self.row, 0, block.title, self.r.fmt.get("text", "subtitle"))
            self.row += 1
        for spec, value in block.cells:
            self.ws.write_string(self.row, 0, spec.label, self.r.fmt.get("text", "label"))
            self._width(0, len(spec.label) + 2)
            role = "input" if spec.is_input else "output"
            fmt = self.r.fmt.get(spec.kind, role)
            if spec.formula:
                self.ws.write_formula(self.row, 1, "=" + spec.formula, fmt, _cached(value))
            else:
                write_value(self.ws, self.row, 1, value, spec.kind, fmt)
                if spec.choices:
                    self.ws.data_validation(
                        self.row, 1, self.row, 1, {"validate": "list", "source": list(spec.choices)}
                    )
            self._width(1, 16)
            if spec.help:
                self.ws.write_string(self.row, 2, spec.help, self.r.fmt.get("text", "note"))
            self.r.book_wb.define_name(
                spec.name, f"={quote_sheet(self.sheet.name)}!{cell(self.row, 1, True)}"
            )
            self.row += 1
        self.row += 1

    def table(self, block: Table) -> None:
        spec = block.spec
        if spec.title:
            self.ws.write_string(self.row, 0, spec.title, self.r.fmt.get("text", "subtitle"))
            self.row += 1
        extra_headers: list[str] = list(block.extra_headers or [])
        for row in block.rows:
            for header in row.get("__extra__", {}):
                if header not in extra_headers:
                    extra_headers.append(header)
        template = spec.extra_column or Column(header="", key="", required=False)
        shown = _unique_headers(spec, extra_headers)
        for h, header in zip(extra_headers, shown, strict=True):
            if header != h:  # the reader gives the user's column its own name back
                self.r.renamed[f"column:{spec.name}:{header}"] = h
        columns: list[Column] = list(spec.columns) + [
            dataclasses.replace(template, header=header, key=f"__extra__:{h}")
            for h, header in zip(extra_headers, shown, strict=True)
        ]
        if block.extra_groups:
            self._group_labels(len(spec.columns), block.extra_groups)
        header_row = self.row
        self.ws.set_row(header_row, 30)
        n = max(len(block.rows), 1)
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
                        "header_format": self.r.fmt.get("text", "header"),
                    }
                    for c in columns
                ],
            },
        )
        if spec.outline_key:
            self._outline(block, header_row)
        for j, col in enumerate(columns):
            role = "input" if col.is_input and not spec.readonly else "output"
            fmt = self.r.fmt.get(col.kind, role)
            for i, row in enumerate(block.rows):
                r = header_row + 1 + i
                if col.key.startswith("__extra__:"):
                    value = row.get("__extra__", {}).get(col.key[len("__extra__:") :])
                    self._user_value(r, j, value, col, role, fmt, spec.name)
                elif col.formula:
                    formula = row.get("__formulas__", {}).get(col.key, col.formula)
                    self.ws.write_formula(r, j, "=" + formula, fmt, _cached(row.get(col.key)))
                else:
                    write_value(self.ws, r, j, row.get(col.key), col.kind, fmt)
            if not block.rows and col.is_input:
                self.ws.write_blank(header_row + 1, j, None, fmt)
            last = header_row + n
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
            self._width(j, col.width or _default_width(col))
        self.r.tables[spec.name] = _PlacedTable(
            self.sheet.name, header_row, 0, len(block.rows), [c.key for c in columns]
        )
        if self.first_table_header is None:
            self.first_table_header = header_row
        self.row = header_row + n + 2

    def _group_labels(self, first: int, groups: Sequence[str]) -> None:
        """Label each run of columns of one group in the row above the header; outline the
        columns after the first of each run, so a group folds to its first column."""
        label = self.r.fmt.get("text", "subtitle")
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
            previous = value

    def grid(self, block: Grid) -> None:
        """Label column, then formula columns. Row keys are fixed when the grid is made, so
        they go into the formulas as constants rather than into a helper column."""
        if block.title:
            self.ws.write_string(self.row, 0, block.title, self.r.fmt.get("text", "subtitle"))
            self.row += 1
        header_row = self.row
        head = self.r.fmt.get("text", "header")
        self.ws.set_row(header_row, 30)
        for j, text in enumerate([block.label_header, *(c.header for c in block.columns)]):
            self.ws.write_string(header_row, j, text, head)
        row_of = {str(key): header_row + 1 + i for i, (key, _, _) in enumerate(block.rows)}
        col_of = {c.header: j for j, c in enumerate(block.columns, start=1)}
        for i, (key, label, values) in enumerate(block.rows):
            r = header_row + 1 + i
            write_value(self.ws, r, 0, label, "text", self.r.fmt.get("text", "label"))
            own = block.row_formulas.get(key)
            for j, (col, value) in enumerate(zip(block.columns, values, strict=True), start=1):
                template = own[j - 1] if own is not None else col.formula
                formula = (
                    _grid_refs(template, r, j, row_of, col_of)
                    .replace("{key}", constant(key))
                    .replace("{label}", cell(r, 0, col_abs=True))
                    .replace("{header}", cell(header_row, j, row_abs=True))
                )
                fmt = self.r.fmt.get(block.row_kinds.get(key, col.kind), "output")
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
        if block.total_label and block.rows:
            r = last + 1
            self.ws.write_string(r, 0, block.total_label, self.r.fmt.get("text", "label"))
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
                    self.r.fmt.get(col.kind, "total"),
                    _cached(total),
                )
            last = r
        self._width(0, max((len(lbl) for _, lbl, _ in block.rows), default=8) + 2)
        for j, col in enumerate(block.columns, start=1):
            self._width(j, min(max(len(col.header) * 0.9, 11), 16))
        self.r.tables[block.name] = _PlacedTable(
            self.sheet.name, header_row, 0, len(block.rows), ["__label__", *(c.header for c in block.columns)]
        )
        self.row = last + 2

    def chart(self, block: Chart) -> None:
        self.r.pending_charts.append((self.ws, self.row, block))
        self.row += 20

    def finish(self) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, width)
        ws, b = self.ws, self.r.branding
        if self.sheet.landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
        header = _escape_hf(self.r.book.header_text or b.firm_name)
        ws.set_header(f"&L{header}&C{_escape_hf(self.r.book.title)}&R&A")
        ws.set_footer(f"&L{_escape_hf(b.firm_name)}&RPage &P of &N")
        if self.first_table_header is not None:
            ws.repeat_rows(self.first_table_header)
        ws.set_tab_color(self.sheet.tab_color or b.primary)


def _unique_headers(spec: TableSpec, extra: Sequence[str]) -> list[str]:
    """Headers for the user's own columns that no other column of the table has (Excel
    refuses a table with two equal headers, whatever their case, and the reader would take
    a column named like one of the table's for it): "Month" beside the table's own Month
    becomes "Month (2)". A name that is only one of a column's aliases ("ID" beside "Asset
    ID") is kept: the reader prefers the column's own header and keeps the alias as the
    user's."""
    taken = {compact_header(name) for c in spec.columns for name in (c.header, c.key)}
    out = []
    for h in extra:
        header, n = h, 2
        while compact_header(header) in taken:
            header, n = f"{h} ({n})", n + 1
        taken.add(compact_header(header))
        out.append(header)
    return out


def _default_width(col: Column) -> float:
    """Headers wrap (the header row is tall), so numbers need no wider a column than ~14."""
    if col.kind == "text":
        return max(len(col.header) + 2, 12)
    return min(max(len(col.header) * 0.9, 10), 14)


_GRID_REF = re.compile(r"\{(row|col):([^}]+)\}")


def _grid_refs(
    template: str, row: int, col: int, row_of: Mapping[str, int], col_of: Mapping[str, int]
) -> str:
    """Replace ``{row:KEY}`` with this column's cell in the row whose key is KEY, and
    ``{col:HEADER}`` with this row's cell in the column HEADER."""
    if "{row:" not in template and "{col:" not in template:
        return template

    def cell_of(match: re.Match[str]) -> str:
        axis, name = match.groups()
        places = row_of if axis == "row" else col_of
        if name not in places:
            raise ValueError(
                f"grid formula refers to an unknown {'row' if axis == 'row' else 'column'} {name!r}"
            )
        return cell(places[name], col) if axis == "row" else cell(row, places[name])

    return _GRID_REF.sub(cell_of, template)


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
        self.branding = branding
        self.fmt = _Formats(wb, branding)
        self.tables: dict[str, _PlacedTable] = {}
        self.pending_charts: list[tuple[Worksheet, int, Chart]] = []
        self.renamed: dict[str, str] = {}
        self.chart_texts: list[str] = []
        """Chart names that look like references, written as text on the metadata sheet."""
        """A user's column shown under another name (it clashed with the table's own) -> its name."""

    def run(self) -> None:
        for sheet in self.book.sheets:
            ws = self.book_wb.add_worksheet(sheet.name, worksheet_class=self.worksheet_class)
            if sheet.hidden:
                ws.hide()
            writer = _SheetWriter(self, sheet, ws)
            for block in sheet.blocks:
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
            writer.finish()
        self._list_names(self.book.list_names)
        for ws, row, chart in self.pending_charts:
            self._chart(ws, row, chart)
        self._metadata()

    def _column_range(self, table: str, key: str) -> tuple[str, int, int, int, int]:
        placed = self.tables[table]
        col = placed.first_col + placed.keys.index(key)
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
        colors = self.branding.chart_colors
        for i, s in enumerate(block.series):
            chart.add_series(
                {
                    "name": self._chart_text(s.name),
                    "categories": list(self._column_range(s.table, s.categories)),
                    "values": list(self._column_range(s.table, s.values)),
                    **(
                        {"line": {"color": colors[i % len(colors)], "width": 2.25}}
                        if block.type == "line"
                        else {"fill": {"color": colors[i % len(colors)]}}
                    ),
                }
            )
        chart.set_title({"name": self._chart_text(block.title)})
        if block.y_title:
            y_format = block.y_format or ("$#,##0" if block.money else "General")
            chart.set_y_axis({"name": self._chart_text(block.y_title), "num_format": y_format})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 380})
        ws.insert_chart(row, 0, chart)

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
            *sorted(self.renamed.items()),
        ]
        for i, (key, value) in enumerate(rows):
            ws.write_string(i, 0, key)
            write_value(ws, i, 1, value, "text", None)
        for i, text in enumerate(self.chart_texts):
            ws.write_string(i, CHART_TEXT_COLUMN, text)
        ws.hide()


def render(book: Book, path: Path | str, branding: Branding | None = None) -> Path:
    """Write ``book`` to ``path`` atomically and return the path."""
    target = Path(path)
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(
            str(tmp),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                "strings_to_urls": False,
            },
        )
        wb.set_properties(
            {
                "title": book.title,
                "subject": book.kind,
                "comments": f"Generated by xl_engage {__version__}",
            }
        )
        with gc_paused():  # millions of cell tuples, none of them garbage: collection only costs time
            _Renderer(book, wb, branding or Branding()).run()
            wb.close()
    return target
