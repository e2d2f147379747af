"""Read one table of raw values (from a workbook table or a CSV file) against a TableSpec.

Shared by the workbook reader and the CSV loaders, so a typo in a CSV and in a workbook
get the same treatment and the same words. Columns are found by header (case, spacing and
aliases forgiven), not by position; columns the user added are kept as ``extras``; blank
rows are skipped; every bad value becomes an :class:`~xl_engage.issues.Issue` at its cell.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xl_engage.coerce import (
    DATE_FORMATS,
    ZERO_DATES,
    coerce,
    date_order,
    date_part,
    decimal_mark,
    formats_for_order,
    is_blank,
    mark_evidence,
    to_text,
    with_decimal_point,
)
from xl_engage.issues import Issue
from xl_engage.layout import Column, TableSpec, header_key, writable_header

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
        self._extra: dict[str, tuple[str, dict[str, int]]] = {}

    def table(
        self,
        field: str,
        columns: Mapping[str, int],
        first_col: int,
        extras: tuple[str, Mapping[str, int]] | None = None,
    ) -> list[int]:
        """Declare a table's columns; returns the list its rows' sheet rows go into.
        ``extras``: the field holding the columns the spec does not name (a user's own
        columns, a matrix's parties) and their sheet columns by header, so that
        ``(field, row, extras_field, header)`` has a place too."""
        self._cols[field] = dict(columns)
        self._first[field] = first_col
        if extras is not None:
            self._extra[field] = (extras[0], dict(extras[1]))
        return self._rows.setdefault(field, [])

    def table_cells(self, field: str) -> tuple[list[int], dict[str, int]]:
        """A table's sheet row per record and sheet column per input field."""
        return list(self._rows.get(field, [])), dict(self._cols.get(field, {}))

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
        if place is not None or len(loc) not in (2, 3, 4):
            return place
        field, index = loc[0], loc[1]
        rows = self._rows.get(field)  # type: ignore[arg-type]
        if rows is None or type(index) is not int or not 0 <= index < len(rows) or rows[index] == _NOWHERE:
            return None
        if len(loc) == 2:
            return rows[index], self._first[field]  # type: ignore[index]
        if len(loc) == 4:
            extras_field, extra_cols = self._extra.get(field, ("", {}))  # type: ignore[arg-type]
            col = extra_cols.get(str(loc[3])) if loc[2] == extras_field else None
            return None if col is None else (rows[index], col)
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
        out._cols, out._first, out._extra = dict(self._cols), dict(self._first), dict(self._extra)
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
    extra_columns: dict[int, str] = field(default_factory=dict)
    """The user's own columns: sheet column -> header."""
    decisions: dict[str, str] = field(default_factory=dict)
    """What the reader decided per column (its header -> "day-first", "decimal comma")."""
    notes: list[Issue] = field(default_factory=list)
    """What the reader did that the user should hear of (a stand-in column used, lines
    skipped): never problems, never silent."""


@dataclass(frozen=True)
class ImportSettings:
    """How the user settled what a file cannot say for itself (a saved mapping)."""

    columns: Mapping[str, str] = field(default_factory=dict)
    """The file's header -> our column (its header, an alias or its key); "" keeps the
    file's column as the user's own."""
    date_order: str = ""
    """"day-first" or "month-first" for slash dates; "" decides per column."""
    decimal_mark: str = ""
    """"." or ","; "" decides per column."""
    organization: str = ""
    """Inventories: keep only the devices of this organization (an RMM export of every
    client's devices); "" keeps them all."""


class HeaderNames:
    """Every name each column of a spec is known by, with its rank (lower wins): the user's
    mapping -1, the column's header 0, its aliases in order, then its key. A header is looked
    up as written (case, spacing, underscores forgiven), then compacted to its letters and
    digits, so ``AssetID``, ``asset_id`` and ``Asset ID`` are one name."""

    def __init__(
        self, spec: TableSpec, settings: ImportSettings | None = None, inputs_only: bool = False
    ) -> None:
        names: dict[str, tuple[Column | None, int]] = {}
        for col in spec.columns:
            if inputs_only and not col.is_input:
                continue  # an export's "Status" is its own, not the workbook's calculated one
            ranked = [(col.header, 0)] + [(a, 1 + i) for i, a in enumerate(col.aliases)]
            ranked.append((col.key, 1 + len(col.aliases)))
            for name, rank in ranked:
                k = normalise_header(name)
                if k not in names or names[k][1] > rank:
                    names[k] = (col, rank)
        compact: dict[str, tuple[Column | None, int]] = {}
        for k, hit in names.items():
            c = _compact(k)
            if c not in compact or compact[c][1] > hit[1]:
                compact[c] = hit
        self.names, self.compact = names, compact
        for header, target in settings.columns.items() if settings else ():
            k = normalise_header(header)
            if not normalise_header(target):
                found: tuple[Column | None, int] | None = (None, -1)
            else:
                named = self.get(target)
                found = None if named is None or named[0] is None else (named[0], -1)
            if found is not None:  # a target naming no column: the loader said so
                self.names[k] = self.compact[_compact(k)] = found

    def get(self, header: Any) -> tuple[Column | None, int] | None:
        k = normalise_header(header)
        hit = self.names.get(k)
        return hit if hit is not None else self.compact.get(_compact(k))


_NOT_ALNUM = re.compile(r"[\W_]+")


def _compact(name: str) -> str:
    return _NOT_ALNUM.sub("", name)


def compact_header(text: Any) -> str:
    """A header as the reader last compares it: letters and digits only (``Asset ID`` =
    ``AssetID`` = ``asset_id``)."""
    return _compact(normalise_header(text))


def unique_headers(spec: TableSpec, extra: Sequence[str]) -> list[str]:
    """Headers for the user's own columns that no other column of the table has (Excel
    refuses a table with two equal headers, whatever their case, and the reader would take
    a column named like one of the table's for it): "Month" beside the table's own Month
    becomes "Month (2)". A name that is only one of a column's aliases ("ID" beside "Asset
    ID") is kept: the reader prefers the column's own header and keeps the alias as the
    user's. The renderer names the columns so, and a kind whose formulas refer to such a
    column by name (a matrix's party) asks here for the name it will have."""
    taken = {compact_header(name) for c in spec.columns for name in (c.header, c.key)}
    out = []
    for h in extra:
        shown = writable_header(h)
        header, n = shown, 2
        while compact_header(header) in taken:
            header, n = f"{shown} ({n})", n + 1
        taken.add(compact_header(header))
        out.append(header)
    return out


def unknown_targets(spec: TableSpec, settings: ImportSettings) -> list[str]:
    """Mapping targets that name no column of ``spec``."""
    names = HeaderNames(spec, inputs_only=True)  # a calculated column is never read from a file
    return [t for t in settings.columns.values() if normalise_header(t) and names.get(t) is None]


_GENERIC_WORDS = {"date", "end", "start", "the", "of", "on", "at", "by", "name", "number", "type"}


def _hint_words(col: Column) -> set[str]:
    words: set[str] = set()
    for name in (col.header, *col.aliases):
        words |= {w for w in normalise_header(name).split() if len(w) >= 5 and w not in _GENERIC_WORDS}
    return words


def match_columns(
    spec: TableSpec,
    headers: Sequence[Any],
    locate: Locator,
    header_row: int,
    issues: list[Issue],
    settings: ImportSettings | None = None,
    notes: list[Issue] | None = None,
    alternates: dict[int, list[int]] | None = None,
    inputs_only: bool = False,
) -> tuple[dict[int, Column], dict[int, str]]:
    """Map header positions to spec columns; the rest are the user's own columns.

    When several headers could fill one column, the best name wins (the user's mapping, then
    the column's own header, then its aliases in order) and the others are kept as the
    user's columns, with a note; two equally good candidates are a real ambiguity, refused
    at the second with how to settle it. A header that is not read but looks like a date
    column the table wants (``Warranty Expires On``) is a warning, never silence.
    """
    names = HeaderNames(spec, settings, inputs_only)
    candidates: dict[str, list[tuple[int, int]]] = {}
    extra: dict[int, str] = {}
    extra_seen: dict[str, int] = {}
    for j, header in enumerate(headers):
        if is_blank(header):
            continue
        name = normalise_header(header)
        col, rank = names.get(header) or (None, 0)
        if col is None:
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
        candidates.setdefault(col.key, []).append((rank, j))
    known: dict[int, Column] = {}
    for k, found in candidates.items():
        col = spec.column(k)
        found.sort()
        (rank, j), rest = found[0], found[1:]
        known[j] = col
        for other_rank, other in rest:
            if other_rank == rank and normalise_header(headers[other]) == normalise_header(headers[j]):
                issues.append(
                    Issue(
                        locate(header_row, other),
                        f"column '{to_text(headers[other])}' appears twice (also at "
                        f"{locate(header_row, j)}); keep one",
                    )
                )
                continue
            if other_rank == rank == -1:
                issues.append(
                    Issue(
                        locate(header_row, other),
                        f"the mapping file maps both '{to_text(headers[j])}' and '{to_text(headers[other])}' "
                        f"to '{col.header}': keep one of the two lines",
                    )
                )
                continue
            if other_rank == rank:
                mapping = f'[import.columns] "{to_text(headers[other])}" = "{col.header}"'
                issues.append(
                    Issue(
                        locate(header_row, other),
                        f"column '{to_text(headers[other])}' could be '{col.header}' as much as "
                        f"'{to_text(headers[j])}' at {locate(header_row, j)}: keep one, or say which "
                        f"in the mapping file ({mapping})",
                    )
                )
                continue
            extra[other] = to_text(headers[other])
            if alternates is not None:
                alternates.setdefault(j, []).append(other)
            if notes is not None:
                notes.append(
                    Issue(
                        locate(header_row, other),
                        f"'{to_text(headers[j])}' is read as {col.header}"
                        + (
                            f" (or '{to_text(headers[other])}' where it is blank)"
                            if alternates is not None
                            else ""
                        )
                        + f"; '{to_text(headers[other])}' is kept as your own column",
                        "note",
                    )
                )
    present = {c.key for c in known.values()}
    for col in spec.input_columns:
        if col.required and col.key not in present and not any(f in present for f in col.fallbacks):
            issues.append(
                Issue(
                    locate(header_row, 0),
                    f"table '{spec.name}' has no column '{col.header}'"
                    + (f" (nor {', '.join(repr(a) for a in col.aliases[:4])})" if col.aliases else ""),
                )
            )
    if notes is not None:
        for col in spec.input_columns:
            if col.key in present or col.kind not in ("date", "month"):
                continue
            words = _hint_words(col)
            for j, header in extra.items():
                if words & set(normalise_header(header).split()):
                    notes.append(
                        Issue(
                            locate(header_row, j),
                            f"column '{header}' looks like {col.header} but is not read as it; if it is, "
                            f'map it: [import.columns] "{header}" = "{col.header}"',
                            "warning",
                        )
                    )
    return dict(sorted(known.items())), extra


def read_table(
    spec: TableSpec,
    grid: Sequence[Sequence[Any]],
    header_row: int,
    locate: Locator,
    first_col: int = 0,
    last_data_row: int | None = None,
    keep_going: bool = True,
    spreadsheet: bool = False,
    settings: ImportSettings | None = None,
    decimal_hint: str = ".",
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
    alternates: dict[int, list[int]] | None = None if spreadsheet else {}
    known, extra = match_columns(
        spec,
        headers,
        lambda r, c: locate(r, c + first_col),
        header_row,
        out.issues,
        settings,
        out.notes,
        alternates,
        inputs_only=not spreadsheet,
    )
    present = out.present = {c.key for c in known.values()}
    out.extra_columns = {j + first_col: header for j, header in extra.items()}
    out.labels = Labels(spec.field, {c.key: c.header for c in known.values()}, spec.extras_field)
    out.missing = {c.key for c in spec.input_columns if c.required and c.key not in present}
    end = len(grid) - 1 if last_data_row is None else last_data_row
    r = header_row + 1
    width = len(headers)
    settings = settings or ImportSettings()
    formats: dict[int, tuple[str, ...]] = {}
    marks: dict[int, str] = {}
    mixed: set[int] = set()
    # a file writes its dates one way and its numbers one way: decided over all its columns
    dated = [j for j, c in known.items() if c.is_input and c.kind in ("date", "month")]
    counted = [j for j, c in known.items() if c.is_input and c.kind in _NUMBER_KINDS and not spreadsheet]
    if dated:
        pooled = [
            row[first_col + j] for row in grid[header_row + 1 :] for j in dated if first_col + j < len(row)
        ]
        order = settings.date_order or date_order(pooled)
        for j in dated:
            formats[j] = formats_for_order(order)
        if order == "mixed":
            out.issues.append(
                Issue(
                    locate(header_row, first_col + dated[0]),
                    "dates are written both day first (such as 15/03) and month first (such as 04/20): "
                    'say which in a mapping file ([import] date_order = "day-first" or "month-first")',
                )
            )
            mixed.update(dated)
        elif order == "either" and not spreadsheet:
            out.notes.append(
                Issue(
                    locate(header_row, first_col + dated[0]),
                    "every slash date reads both ways (such as 03/04/2026): read month first; if the file "
                    'is day-first, say so in a mapping file ([import] date_order = "day-first")',
                    "warning",
                )
            )
        if order:
            for j in dated:
                out.decisions[known[j].header] = order if order != "either" else "month-first (either way)"
    if counted:
        pooled = [
            row[first_col + j] for row in grid[header_row + 1 :] for j in counted if first_col + j < len(row)
        ]
        mark, a, b = decimal_mark(pooled, decimal_hint)
        mark = settings.decimal_mark or mark
        if mark == "mixed":  # one error for the file, none for each value of the columns concerned
            mixed.update(
                j
                for j in counted
                if any(
                    isinstance(row[first_col + j], str) and mark_evidence(row[first_col + j]) in (".", ",")
                    for row in grid[header_row + 1 :]
                    if first_col + j < len(row)
                )
            )
            out.issues.append(
                Issue(
                    locate(header_row, first_col + min(mixed or set(counted))),
                    f"numbers are written with both decimal marks ({a!r} and {b!r}): say which the file "
                    'uses in a mapping file ([import] decimal_mark = "," or ".")',
                )
            )
        elif mark == ",":
            for j in counted:
                marks[j] = mark
                out.decisions[known[j].header] = "decimal comma"
    inputs = [
        (
            j,
            c,
            _with_decimal_comma(_coercer(c, formats.get(j, DATE_FORMATS)))
            if j in marks
            else _coercer(c, formats.get(j, DATE_FORMATS)),
        )
        for j, c in known.items()
        if c.is_input and j not in mixed
    ]
    # a column that another stands in for: wholly missing, or (in an export) left blank
    fills = [
        (c, () if spreadsheet and c.key in present else tuple(f for f in c.fallbacks if f in present))
        for c in spec.input_columns
        if c.fallbacks and (c.key in present or any(f in present for f in c.fallbacks))
    ]
    stand_ins: dict[tuple[str, str], int] = {}
    as_text: list[tuple[int, Column]] = []
    if spreadsheet:
        inputs = [(j, c, _noting_text(c, convert, out, as_text)) for j, c, convert in inputs]
    columns = {c.key: j + first_col for j, c in known.items() if c.is_input}
    rows_at = out.where.table(
        spec.field,
        columns,
        first_col,
        (spec.extras_field, {header: c for c, header in out.extra_columns.items()}) if extra else None,
    )
    # a row counts only by what the user types: calculated cells hold cached values
    typed = [j for j, c in known.items() if c.is_input] + list(extra)
    below: int | None = None  # the first row typed below the table's end
    # a blank is filled from the next-best column, unless the column names its own stand-ins
    # (a device with no tag is known by its serial, not by a database's record id)
    second = [
        (j, known[j].key, others)
        for j, others in (alternates or {}).items()
        if known[j].is_input and not known[j].fallbacks
    ]
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
            moved = _coalesce(cells, second) if second else ()
            _read_row(spec, cells, r, inputs, extra, first_col, out, fills, stand_ins)
            for key, j in moved:  # the value came from a second-best column: say so at its cell
                out.where.put((spec.field, len(out.rows) - 1, key), r, j + first_col)
        r += 1
    for (target, source), count in stand_ins.items():
        col, by = spec.column(target), spec.column(source)
        whole = target not in present
        out.notes.append(
            Issue(
                locate(header_row, first_col),
                f"no '{col.header}' column: each row is identified by its '{by.header}'"
                if whole and count == len(out.rows)
                else f"{count:,} row(s) with no {col.header} are identified by their {by.header}",
                "note",
            )
        )
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
        if c.kind == "text" and not c.choices:
            message = (
                f"{c.header} begins or ends with a tab, line break or non-breaking space: it is read "
                "without it, but the workbook's formulas compare the text as typed (a name that "
                "matches nothing); type it again"
            )
        elif c.choices:
            message = (
                f"{c.header} has spaces or tabs around it: it is read as {out.rows[index][c.key]}, but the "
                "workbook's formulas compare the text as typed; pick it again from the list"
            )
        else:
            what = "date" if c.kind in ("date", "month") else "number"
            message = (
                f"{c.header} is a {what} stored as text: it is read, but the workbook's formulas may "
                f"not take it for a {what}; type it again as a {what}"
            )
        out.issues.append(Issue(out.where[(spec.field, index, c.key)], message, "warning"))
    return out


def _coalesce(cells: list[Any], second: list[tuple[int, str, list[int]]]) -> list[tuple[str, int]]:
    """Fill a blank cell from the next-best column for the same field (IT Glue's purchase
    date is ``installed_at``, or ``purchased_at`` where that is the one filled)."""
    moved = []
    for j, key, others in second:
        if is_blank(cells[j]):
            for o in others:
                if not is_blank(cells[o]):
                    cells[j] = cells[o]
                    moved.append((key, o))
                    break
    return moved


EXCEL_MAX_TEXT = 32_767
"""Characters in one cell: Excel (and XlsxWriter) would cut a longer text short, silently."""

_NUMBER_KINDS = ("number", "hours", "money", "percent", "ratio", "int")


def _with_decimal_comma(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``convert`` for a column written with decimal commas (``1.234,56``)."""

    def comma(raw: Any) -> Any:
        return convert(with_decimal_point(raw) if type(raw) is str else raw)

    return comma


_CALCULATED_KINDS = ("int", "number", "hours", "money", "percent", "ratio", "date", "month")


_ODD_SPACE = frozenset(c for c in map(chr, range(0x3001)) if c.isspace() and c != " ")
"""Whitespace Python strips and Excel's TRIM keeps."""


def _noting_text(
    col: Column, convert: Callable[[Any], Any], out: TableRead, as_text: list[tuple[int, Column]]
) -> Callable[[Any], Any]:
    """``convert``, remembering where a number or date arrived as text, or a choice with
    spaces around it (both read by Python, but not as the workbook's formulas read them)."""
    if col.kind == "text" and not col.choices:
        if not col.compared:
            return convert

        def odd_ends(raw: Any) -> Any:
            value = convert(raw)
            if type(raw) is str and raw and (raw[0] in _ODD_SPACE or raw[-1] in _ODD_SPACE):
                as_text.append((len(out.rows), col))
            return value

        return odd_ends
    if col.choices:
        if col.trimmed:
            return convert

        def padded(raw: Any) -> Any:
            value = convert(raw)
            if type(raw) is str and raw != raw.strip():
                as_text.append((len(out.rows), col))
            return value

        return padded
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
                if date_part(raw.strip()) in ZERO_DATES:  # a database's "no date"
                    return None
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
    fills: list[tuple[Column, tuple[str, ...]]] = (),  # type: ignore[assignment]
    stand_ins: dict[tuple[str, str], int] | None = None,
) -> None:
    index = len(out.rows)
    row: dict[str, Any] = {}
    field_ = spec.field
    for j, col, convert in inputs:
        raw = cells[j]
        if raw is None or (type(raw) is str and not raw.strip()):  # is_blank, inlined: hot
            if col.required and not col.fallbacks:
                out.issues.append(Issue(out.where[(field_, index, col.key)], f"{col.header} is required"))
            continue
        try:
            row[col.key] = convert(raw)
        except ValueError as exc:
            out.issues.append(Issue(out.where[(field_, index, col.key)], f"{col.header} {exc}"))
    for col, sources in fills:
        if col.key in row:
            continue
        source = next((f for f in sources if row.get(f) not in (None, "")), None)
        if source is not None:
            row[col.key] = row[source]
            out.where.alias((field_, index, col.key), (field_, index, source))
            if stand_ins is not None:
                stand_ins[(col.key, source)] = stand_ins.get((col.key, source), 0) + 1
        elif col.required and not sources:  # a workbook's own column: it must be filled
            out.issues.append(Issue(out.where[(field_, index, col.key)], f"{col.header} is required"))
        elif col.required:
            names = " or ".join(spec.column(f).header for f in col.fallbacks)
            loc = (field_, index, col.key)
            place = out.where[loc] if loc in out.where else out.where[(field_, index)]
            out.issues.append(Issue(place, f"{col.header} is required (or a {names})"))
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
        extra_loc: Loc = (spec.field, index, spec.extras_field, header)
        out.where.put(extra_loc, r, j + first_col)
        if type(raw) is str and len(raw) > EXCEL_MAX_TEXT:
            out.issues.append(
                Issue(
                    out.where[extra_loc],
                    f"{header} is {len(raw):,} characters long; Excel holds at most {EXCEL_MAX_TEXT:,}",
                )
            )
            continue
        if typed is None:
            extras[header] = raw
            continue
        try:
            extras[header] = coerce(raw, typed.kind, typed.choices)
        except ValueError as exc:
            out.issues.append(Issue(out.where[extra_loc], f"{header} {exc}"))
    if extras or spec.extras_field != "extras":
        row[spec.extras_field] = extras
