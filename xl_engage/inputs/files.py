"""Input files: CSV and workbook tables, TOML documents; every problem located in the file."""

from __future__ import annotations

import difflib
import re
import typing
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from defusedxml import ElementTree
from pydantic import BaseModel, ValidationError, create_model

from xl_engage.a1 import col_letters, parse_cell
from xl_engage.coerce import is_blank, to_text
from xl_engage.inputs.csvtext import read_csv_text
from xl_engage.inputs.report import HEADER_SEARCH_ROWS, Shape, find_header, shape
from xl_engage.issues import InputError, Issue, NotAWorkbookError
from xl_engage.layout import Column, TableSpec
from xl_engage.models.base import Frozen
from xl_engage.probe import finish_probe, start_probe
from xl_engage.tabular import ImportSettings, Places, TableRead, compact_header, match_columns, read_table
from xl_engage.validate import explain, validate
from xl_engage.xlsx import check_parts, error_values, sheet_part

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
MAX_CSV_BYTES = 200 * 1024 * 1024


@dataclass
class FileRead(TableRead):
    """A table read from an export, with how the file was read and what was skipped."""

    shape: Shape | None = None
    grid: list[list[Any]] = field(default_factory=list)
    """The file's own cells, as read (``inspect`` shows them; the rows keep only ours)."""
    encoding: str = ""
    separator: str = ""
    sheet: str = ""


def _read_bytes(path: Path) -> bytes:
    try:
        if path.is_dir():
            raise InputError([Issue(str(path), "is a folder, not a file")])
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    if not raw.strip():
        raise InputError([Issue(str(path), "the file is empty")])
    if len(raw) > MAX_CSV_BYTES:
        raise InputError([Issue(str(path), f"refused: {len(raw):,} bytes is too large")])
    return raw


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv", ".tab")
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


def _grid(path: Path, what: str) -> tuple[list[list[Any]], FileRead]:
    """The file's cells, as a workbook or as text, whatever its name says: an .xlsx saved
    as .csv is still read, and a text export named .xls (some tools do) too."""
    raw_head = b""
    try:
        with path.open("rb") as fh:
            raw_head = fh.read(8)
    except OSError as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    suffix = path.suffix.lower()
    looks_workbook = raw_head.startswith((_ZIP, _OLE))
    if suffix == ".ods":  # its repeated-row compression can ask a reader for a billion cells
        raise InputError([Issue(str(path), f"{what} as .ods is not read: save it as .xlsx or .csv")])
    if suffix and suffix not in WORKBOOK_SUFFIXES + TEXT_SUFFIXES and not looks_workbook:
        raise InputError([Issue(str(path), f"{what} must be a .csv or .xlsx file")])
    if looks_workbook:
        return _workbook_grid(path, suffix in TEXT_SUFFIXES)
    if suffix in (".xlsx", ".xlsm", ".ods") and raw_head:
        raise InputError(
            [Issue(str(path), f"cannot be read as a workbook: it is not a {suffix} file (no zip package)")]
        )
    text = read_csv_text(_read_bytes(path), str(path))
    return text.rows, FileRead(encoding=text.encoding, separator=text.separator_name)


def _workbook_grid(path: Path, named_as_text: bool = False) -> tuple[list[list[Any]], FileRead]:
    try:
        if path.stat().st_size == 0:
            raise InputError([Issue(str(path), "the file is empty")])
        try:
            if zipfile.is_zipfile(path):  # only an .xlsx package: an OpenDocument one renamed .csv is not
                check_parts(path, need_workbook=True)
            elif _starts_with(path, _OLE):  # an .xls: no package to scan, but the library's read, bounded
                finish_probe(path, start_probe(path))
        except NotAWorkbookError as exc:  # the probe's "cannot be read" said as the library's own
            said = str(exc).removeprefix(f"{path}: ")
            if said.startswith("cannot be read as a workbook"):
                raise _unreadable(path, said, named_as_text) from None
            raise InputError([Issue(str(path), said)]) from None
        import python_calamine  # compiled, for reading files only: xlwings Lite goes without

        book = python_calamine.load_workbook(str(path))
        sheet = book.sheet_names[0]
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except InputError:
        raise
    except OSError as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    except BaseException as exc:  # calamine raises many types for a damaged or foreign file
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _unreadable(path, f"cannot be read as a workbook ({exc})", named_as_text) from None
    if not grid:
        raise InputError([Issue(str(path), "the first sheet is empty")])
    rows = [list(r) for r in grid]
    part = sheet_part(path, sheet) if zipfile.is_zipfile(path) else b""
    for (r, c), error in error_values(part).items():
        if r < len(rows) and c < len(rows[r]):  # an error value is said at its cell, never blank
            rows[r][c] = error
    for (r, c), number in constant_formulas(part).items():
        if r < len(rows) and c < len(rows[r]) and rows[r][c] in ("", None):
            rows[r][c] = number
    return rows, FileRead(sheet=sheet)


def _unreadable(path: Path, said: str, named_as_text: bool) -> InputError:
    """What the library could not read, said as the user can act on it: an encrypted file
    (an OLE container, whatever its name), a binary file named as text, or the library's why."""
    if "password" in said.lower() or "encrypt" in said.lower():
        said = "is password-protected: save a copy without a password"
    elif named_as_text:
        said = "is not a CSV text file (it looks binary)"
    return InputError([Issue(str(path), said)])


def _starts_with(path: Path, signature: bytes) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(signature)) == signature


_CONSTANT = re.compile(r"^\s*=?\s*([+-]?\d+(?:\.\d+)?)\s*$")
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def constant_formulas(data: bytes) -> dict[tuple[int, int], str]:
    """Cells of a sheet part holding a formula that is only a number (``=2716.58``) and no
    cached value: QuickBooks Online writes its report amounts so, and a reader of cached values
    sees nothing. The number is the value; any other formula is left alone (never evaluated)."""
    out: dict[tuple[int, int], str] = {}
    if len(data) > 64 * 1024 * 1024 or (b"<f>" not in data and b"<f " not in data):
        return out
    try:
        cells = list(ElementTree.fromstring(data).iter(f"{_MAIN}c"))
    except ElementTree.ParseError:
        return out
    for cell in cells:
        formula, value = cell.find(f"{_MAIN}f"), cell.find(f"{_MAIN}v")
        if formula is None or (value is not None and (value.text or "").strip()):
            continue
        m = _CONSTANT.match(formula.text or "")
        if m:
            try:
                out[parse_cell(cell.get("r", ""))] = m.group(1)
            except ValueError:
                continue
    return out


def read_table_file(
    path: Path, spec: TableSpec, what: str, settings: ImportSettings | None = None
) -> FileRead:
    """A table exported as CSV (any encoding, separator, line end), or on the first sheet of a
    workbook, read against ``spec``; issues name the file and row (``inventory.xlsx:Sheet1!C7``,
    ``ledger.csv:12 (Amount)``).

    Report-shaped exports are read too: the header is the first row near the top that names
    the spec's columns; title lines, section headings, totals, balances and footers are
    skipped and counted in a note; a section heading gives its text to the rows below it that
    have none in ``spec.section_field`` (a ledger's account).
    """
    grid, info = _grid(path, what)
    info.grid = grid
    found = find_header(grid, spec, settings)
    header_row = 0 if found is None else found
    header = [to_text(c) for c in grid[header_row]] if grid else []
    if info.sheet:

        def place(r: int, c: int) -> str:
            return f"{path.name}:{info.sheet}!{col_letters(c)}{r + 1}"

    else:

        def place(r: int, c: int) -> str:
            column = header[c] if c < len(header) and header[c] else f"column {c + 1}"
            return f"{path.name}:{r + 1} ({column})"

    if found is None:
        wanted = ", ".join(f"'{c.header}'" for c in spec.input_columns if c.required)
        info.issues.append(
            Issue(
                f"{path.name}:1",
                f"no header row found in the first {HEADER_SEARCH_ROWS} lines: no line names the "
                f"columns {wanted}. Export with column headings, or map yours in a mapping file "
                '([import.columns] "Your heading" = "'
                + (spec.input_columns[0].header if spec.input_columns else "")
                + '")',
            )
        )
        info.where = Places(place)
        return info
    if settings is not None:
        absent = _mapped_but_absent(settings, header)
        if absent:
            info.issues += [Issue(place(header_row, 0), message) for message in absent]
            info.where = Places(place)
            return info
    scratch: list[Issue] = []
    known, _ = match_columns(spec, header, place, header_row, scratch, settings, inputs_only=True)
    shp = shape(grid, spec, known, header_row)
    rows = [grid[header_row]] + [grid[r] for r in shp.rows]
    origin = [header_row, *shp.rows]
    if spec.section_field and shp.sections:
        rows = _with_sections(spec, known, rows, shp, header)
    got = read_table(
        spec,
        rows,
        0,
        lambda r, c: place(origin[r] if r < len(origin) else r, c),
        settings=settings,
        decimal_hint="," if info.separator == "semicolon" else ".",
    )
    out = FileRead(**{f.name: getattr(got, f.name) for f in fields(TableRead)})
    out.shape, out.grid = shp, grid
    out.encoding, out.separator, out.sheet = info.encoding, info.separator, info.sheet
    summary = shp.summary()
    if summary:
        out.notes.insert(0, Issue(path.name, f"header row at line {header_row + 1}; {summary}", "note"))
    return out


def _mapped_but_absent(settings: ImportSettings, header: list[str]) -> list[str]:
    """A mapping that names a heading the file does not have would silently read nothing
    (a warranty column lost to a typo): each such heading is an error, with the file's own."""
    have = {compact_header(h) for h in header if h}
    shown = ", ".join(f"'{h}'" for h in header if h)
    return [
        f"the mapping names the column '{name}', which this file does not have (its columns: {shown})"
        for name in settings.columns
        if compact_header(name) not in have
    ]


def _with_sections(
    spec: TableSpec, known: dict[int, Column], rows: list[list[Any]], shp: Shape, header: list[str]
) -> list[list[Any]]:
    """Rows with their section heading in the section field where they have none (a column
    of that field is added when the file has none)."""
    assert spec.section_field is not None
    target = next((j for j, c in known.items() if c.key == spec.section_field), None)
    out = [list(rows[0])]
    if target is None:  # a column of its own, past every field the rows hold (a running balance)
        target = max(len(header), *(len(r) for r in rows))
        out[0] = [*header, *([""] * (target - len(header))), spec.column(spec.section_field).header]
    for row, r in zip(rows[1:], shp.rows, strict=True):
        row = list(row) + [""] * max(0, target + 1 - len(row))
        if is_blank(row[target]) and r in shp.sections:
            row[target] = shp.sections[r]
        out.append(row)
    return out


def located(loc: tuple[Any, ...]) -> str:
    parts = []
    for p in loc:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else f".{p}")
    return "".join(parts).lstrip(".")


def validate_document(model: type[M], data: Any, source: str) -> M:
    """Validate a TOML/JSON-like document; problems are named by their path in it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = [
            Issue(f"{source} {located(tuple(e['loc']))}".strip(), explain(e) + _nearest(model, e))
            for e in exc.errors()
        ]
        raise InputError(issues) from None


def _nearest(model: type[BaseModel], error: Any) -> str:
    """For an unknown key (a typo such as ``remvoe``), the valid key it is nearest to."""
    if error.get("type") != "extra_forbidden" or not error.get("loc"):
        return ""
    typed = str(error["loc"][-1])
    found = difflib.get_close_matches(typed, sorted(_field_names(model)), n=1, cutoff=0.6)
    return f"; did you mean '{found[0]}'?" if found else ""


def _field_names(model: type[BaseModel], seen: set[type] | None = None) -> set[str]:
    """Every field name (and alias) of a model and the models inside it."""
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names: set[str] = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        for arg in _types_in(info.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names |= _field_names(arg, seen)
    return names


def _types_in(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in typing.get_args(annotation):
        out += _types_in(arg)
    return out


def exact_numbers(value: Any) -> Any:
    """TOML floats become exact decimals (0.2 stays 0.2, not 0.2000000000000000111)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dict):
        return {k: exact_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [exact_numbers(v) for v in value]
    return value


def validate_rows(
    read: TableRead, field: str, record: type[R], source: str
) -> tuple[tuple[R, ...], list[Issue]]:
    """The rows of a table read from a file as validated records, and every problem, each
    located at its line/cell (a missing column is reported once, not on every row)."""
    rows_type: Any = tuple[record, ...]  # type: ignore[valid-type]  # a type made at run time
    holder = create_model(  # type: ignore[call-overload]  # field names known only at run time
        f"_{record.__name__}Rows", __base__=Frozen, **{field: (rows_type, ...)}
    )
    model, issues = validate(
        holder,
        {field: read.rows},
        read.where,
        read.labels,
        source,
        read.issues,
        lambda loc: len(loc) >= 3 and str(loc[2]) in read.missing,
    )
    problems = read.issues + issues
    return (getattr(model, field) if model is not None else ()), problems
