"""Read one table of raw values (from a workbook table or a CSV file) against a TableSpec.

Shared by the workbook reader and the CSV loaders, so a typo in a CSV and in a workbook
get the same treatment and the same words. Columns are found by header (case, spacing and
aliases forgiven), not by position; columns the user added are kept as ``extras``; blank
rows are skipped; every bad value becomes an :class:`~xl_engage.issues.Issue` at its cell.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xl_engage.coerce import DATE_FORMATS, coerce, date_formats_for, is_blank, to_text
from xl_engage.issues import Issue
from xl_engage.layout import Column, TableSpec, header_key

Loc = tuple[str | int, ...]
Locator = Callable[[int, int], str]


def normalise_header(text: Any) -> str:
    """Headers match whatever their case, spacing, underscores or a trailing ``*``."""
    return header_key(to_text(text))


_NOWHERE = -1  # a renumbered row with no place of its own


class Places(Mapping[Loc, str]):
    """Where each value came from, as ``Sheet!A1``, formatted only when asked for.

    A large table has hundreds of thousands of cells and nearly all of them are fine, so
    the reader keeps, per table, one row number per record and one column number per
    field, and builds a cell's text only for the few that need it. Places outside tables
    (a named cell, a user's own column) are kept one by one.
    """

    def __init__(self, locate: Locator | None = None) -> None:
        self._cells: dict[Loc, tuple[int, int] | str] = {}
        self._locate = locate
        self._rows: dict[str, list[int]] = {}
        self._cols: dict[str, dict[str, int]] = {}
        self._first: dict[str, int] = {}

    def table(self, field: str, columns: Mapping[str, int], first_col: int) -> list[int]:
        """Declare a table's columns; returns the list its rows' sheet rows go into."""
        self._cols[field] = dict(columns)
        self._first[field] = first_col
        return self._rows.setdefault(field, [])

    def put(self, loc: Loc, row: int, col: int) -> None:
        self._cells[loc] = (row, col)

    def __setitem__(self, loc: Loc, text: str) -> None:
        self._cells[loc] = text

    def alias(self, loc: Loc, same_as: Loc) -> None:
        """``loc`` is where ``same_as`` is (a value read from another column)."""
        place = self._place(same_as)
        if place is not None:
            self._cells[loc] = place

    def _place(self, loc: Loc) -> tuple[int, int] | str | None:
        place = self._cells.get(loc)
        if place is not None or len(loc) not in (2, 3):
            return place
        field, index = loc[0], loc[1]
        rows = self._rows.get(field)  # type: ignore[arg-type]
        if rows is None or type(index) is not int or not 0 <= index < len(rows) or rows[index] == _NOWHERE:
            return None
        if len(loc) == 2:
            return rows[index], self._first[field]  # type: ignore[index]
        col = self._cols[field].get(loc[2])  # type: ignore[index,arg-type]
        return None if col is None else (rows[index], col)

    def __getitem__(self, loc: Loc) -> str:
        place = self._place(loc)
        if place is None:
            raise KeyError(loc)
        if isinstance(place, str):
            return place
        assert self._locate is not None
        return self._locate(*place)

    def __contains__(self, loc: object) -> bool:
        return isinstance(loc, tuple) and self._place(loc) is not None

    def __iter__(self) -> Iterator[Loc]:
        yield from self._cells
        for name, rows in self._rows.items():
            for i in range(len(rows)):
                if rows[i] == _NOWHERE:
                    continue
                if (name, i) not in self._cells:
                    yield (name, i)
                for key in self._cols[name]:
                    if (name, i, key) not in self._cells:
                        yield (name, i, key)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def renumbered(self, field: str, new_index: Mapping[int, int]) -> Places:
        """The same places with the rows of ``field`` renumbered (rows merged or dropped)."""
        out = Places(self._locate)
        out._cols, out._first = dict(self._cols), dict(self._first)
        out._rows = {f: list(r) for f, r in self._rows.items() if f != field}
        if field in self._rows:
            rows = self._rows[field]
            moved = [_NOWHERE] * (max(new_index.values(), default=-1) + 1)
            for old, new in new_index.items():
                if old < len(rows):
                    moved[new] = rows[old]
            out._rows[field] = moved
        for loc, place in self._cells.items():
            if len(loc) >= 2 and loc[0] == field and isinstance(loc[1], int):
                if loc[1] in new_index:
                    out._cells[(field, new_index[loc[1]], *loc[2:])] = place
            else:
                out._cells[loc] = place
        return out


class Labels(Mapping[Loc, str]):
    """A cell's label is its column's header: kept once per column, not once per cell."""

    def __init__(self, field: str = "", headers: Mapping[str, str] | None = None, extras: str = "") -> None:
        self._field, self._headers, self._extras = field, dict(headers or {}), extras

    def __getitem__(self, loc: Loc) -> str:
        if len(loc) == 3 and loc[0] == self._field and str(loc[2]) in self._headers:
            return self._headers[str(loc[2])]
        if len(loc) == 4 and loc[0] == self._field and loc[2] == self._extras:
            return str(loc[3])
        raise KeyError(loc)

    def __contains__(self, loc: object) -> bool:
        try:
            self[loc]  # type: ignore[index]
        except (KeyError, TypeError, IndexError):
            return False
        return True

    def __iter__(self) -> Iterator[Loc]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass
class TableRead:
    """Rows as plain dicts ready for a model, with where each value came from."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    where: Places = field(default_factory=Places)
    labels: Labels = field(default_factory=Labels)
    missing: set[str] = field(default_factory=set)
    present: set[str] = field(default_factory=set)
    """The spec's columns found in the header row (by key)."""


def match_columns(
    spec: TableSpec, headers: Sequence[Any], locate: Locator, header_row: int, issues: list[Issue]
) -> tuple[dict[int, Column], dict[int, str]]:
    """Map header positions to spec columns; the rest are the user's own columns."""
    wanted: dict[str, Column] = {}
    for names in (
        ((c.header,) for c in spec.columns),
        (c.aliases for c in spec.columns),
        ((c.key,) for c in spec.columns),
    ):
        for col, group in zip(spec.columns, names, strict=True):
            for name in group:
                wanted.setdefault(normalise_header(name), col)
    known: dict[int, Column] = {}
    extra: dict[int, str] = {}
    seen: dict[str, int] = {}
    extra_seen: dict[str, int] = {}
    for j, header in enumerate(headers):
        if is_blank(header):
            continue
        col = wanted.get(normalise_header(header))
        if col is None:
            name = normalise_header(header)
            if name in extra_seen:
                issues.append(
                    Issue(
                        locate(header_row, j),
                        f"column '{to_text(header)}' appears twice (also at "
                        f"{locate(header_row, extra_seen[name])}); keep one",
                    )
                )
                continue
            extra_seen[name] = j
            extra[j] = to_text(header)
            continue
        if col.key in seen:
            issues.append(
                Issue(
                    locate(header_row, j),
                    f"column '{col.header}' appears twice (also at "
                    f"{locate(header_row, seen[col.key])}); keep one",
                )
            )
            continue
        seen[col.key] = j
        known[j] = col
    for col in spec.input_columns:
        if col.required and col.key not in seen:
            issues.append(Issue(locate(header_row, 0), f"table '{spec.name}' has no column '{col.header}'"))
    return known, extra


def read_table(
    spec: TableSpec,
    grid: Sequence[Sequence[Any]],
    header_row: int,
    locate: Locator,
    first_col: int = 0,
    last_data_row: int | None = None,
    keep_going: bool = True,
    spreadsheet: bool = False,
) -> TableRead:
    """Read ``grid`` rows below ``header_row`` as ``spec`` rows.

    ``last_data_row`` is where the table says it ends; with ``keep_going`` the rows typed
    right below it (Excel would have grown the table) are read too, up to the first blank.
    With ``spreadsheet``, a number or date stored as text is read, and warned about: the
    reader understands it, but the workbook's formulas would not count it.
    """
    out = TableRead(where=Places(locate))
    headers = list(grid[header_row][first_col:]) if header_row < len(grid) else []
    while headers and is_blank(headers[-1]):
        headers.pop()
    known, extra = match_columns(spec, headers, lambda r, c: locate(r, c + first_col), header_row, out.issues)
    present = out.present = {c.key for c in known.values()}
    out.labels = Labels(spec.field, {c.key: c.header for c in known.values()}, spec.extras_field)
    out.missing = {c.key for c in spec.input_columns if c.required and c.key not in present}
    end = len(grid) - 1 if last_data_row is None else last_data_row
    r = header_row + 1
    width = len(headers)
    formats = {
        j: date_formats_for(row[first_col + j] for row in grid[header_row + 1 :] if first_col + j < len(row))
        for j, c in known.items()
        if c.kind in ("date", "month")
    }
    inputs = [(j, c, _coercer(c, formats.get(j, DATE_FORMATS))) for j, c in known.items() if c.is_input]
    as_text: list[tuple[int, Column]] = []
    if spreadsheet:
        inputs = [(j, c, _noting_text(c, convert, out, as_text)) for j, c, convert in inputs]
    columns = {c.key: j + first_col for j, c in known.items() if c.is_input}
    rows_at = out.where.table(spec.field, columns, first_col)
    # a row counts only by what the user types: calculated cells hold cached values
    typed = [j for j, c in known.items() if c.is_input] + list(extra)
    below: int | None = None  # the first row typed below the table's end
    while r < len(grid):
        cells = list(grid[r][first_col : first_col + width])
        cells += [None] * (width - len(cells))
        blank = all(c is None or (type(c) is str and not c.strip()) for c in map(cells.__getitem__, typed))
        if r > end and (blank or not keep_going):
            break
        if not blank:
            if spreadsheet and r > end and below is None:
                below = r
            rows_at.append(r)
            _read_row(spec, cells, r, inputs, extra, first_col, out)
        r += 1
    if below is not None:
        out.issues.append(
            Issue(
                locate(below, first_col),
                f"rows typed below the table '{spec.name}' are read; the workbook's formulas count them "
                "once the table is extended over them, or after a rebuild with --from",
                "warning",
            )
        )
    for index, c in as_text:
        what = "date" if c.kind in ("date", "month") else "number"
        out.issues.append(
            Issue(
                out.where[(spec.field, index, c.key)],
                f"{c.header} is a {what} stored as text: it is read, but the workbook's formulas may "
                f"not take it for a {what}; type it again as a {what}",
                "warning",
            )
        )
    return out


_CALCULATED_KINDS = ("int", "number", "hours", "money", "percent", "ratio", "date", "month")


def _noting_text(
    col: Column, convert: Callable[[Any], Any], out: TableRead, as_text: list[tuple[int, Column]]
) -> Callable[[Any], Any]:
    """``convert``, remembering where a number or date arrived as text."""
    if col.kind not in _CALCULATED_KINDS:
        return convert

    def noting(raw: Any) -> Any:
        value = convert(raw)
        if type(raw) is str:
            as_text.append((len(out.rows), col))
        return value

    return noting


def _coercer(col: Column, formats: tuple[str, ...]) -> Callable[[Any], Any]:
    """The column's converter, with fast paths for what readers hand over most: text in a
    text column, a float in a number column."""
    if col.kind == "text" and not col.choices:
        return lambda raw: raw.strip() if type(raw) is str else coerce(raw, "text")
    if col.kind in ("number", "hours", "money", "percent", "ratio"):

        def number(raw: Any) -> Any:
            if type(raw) is float and raw == raw and raw not in (_INF, -_INF):
                return Decimal(int(raw)) if raw.is_integer() else Decimal(repr(raw))
            return coerce(raw, col.kind)

        return number
    if col.choices:
        canonical = {c.casefold(): c for c in col.choices}

        def choice(raw: Any) -> Any:
            found = canonical.get(raw.strip().casefold()) if type(raw) is str else None
            return found if found is not None else coerce(raw, col.kind, col.choices, formats)

        return choice
    if col.kind == "int":
        return lambda raw: int(raw) if type(raw) is float and raw.is_integer() else coerce(raw, "int")
    if col.kind in ("date", "month"):
        seen: dict[Any, dt.date] = {}  # ledgers repeat dates: parse each text once

        def date(raw: Any) -> Any:
            if type(raw) is dt.datetime:
                return raw.date()
            if type(raw) is not str:
                return coerce(raw, "date", (), formats)
            found = seen.get(raw)
            if found is None:
                found = seen[raw] = coerce(raw, "date", (), formats)
            return found

        return date
    return lambda raw: coerce(raw, col.kind, col.choices, formats)


_INF = float("inf")


def _read_row(
    spec: TableSpec,
    cells: list[Any],
    r: int,
    inputs: list[tuple[int, Column, Callable[[Any], Any]]],
    extra: dict[int, str],
    first_col: int,
    out: TableRead,
) -> None:
    index = len(out.rows)
    row: dict[str, Any] = {}
    field_ = spec.field
    for j, col, convert in inputs:
        raw = cells[j]
        if raw is None or (type(raw) is str and not raw.strip()):  # is_blank, inlined: hot
            if col.required:
                out.issues.append(Issue(out.where[(field_, index, col.key)], f"{col.header} is required"))
            continue
        try:
            row[col.key] = convert(raw)
        except ValueError as exc:
            out.issues.append(Issue(out.where[(field_, index, col.key)], f"{col.header} {exc}"))
    out.rows.append(row)
    if not spec.keep_extra_columns:
        return
    extras: dict[str, Any] = {}
    typed = spec.extra_column
    canonical = {c.casefold(): c for c in typed.choices} if typed else {}
    for j, header in extra.items():
        raw = cells[j]
        if raw == "" or raw is None or is_blank(raw):
            continue
        if isinstance(raw, str) and (choice := canonical.get(raw.strip().casefold())) is not None:
            extras[header] = choice  # the common case of a typed matrix: a valid code
            continue
        loc = (spec.field, index, spec.extras_field, header)
        out.where.put(loc, r, j + first_col)
        if typed is None:
            extras[header] = raw
            continue
        try:
            extras[header] = coerce(raw, typed.kind, typed.choices)
        except ValueError as exc:
            out.issues.append(Issue(out.where[loc], f"{header} {exc}"))
    if extras or spec.extras_field != "extras":
        row[spec.extras_field] = extras
