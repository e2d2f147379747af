"""Low-level access to an .xlsx file for the reader: safety checks, values, names.

Values come from python-calamine (fast, and it returns every formula cell's cached value).
Defined names are read from ``xl/workbook.xml`` with defusedxml, since calamine does not
expose them. Anything that is not a sane xlsx package is refused with one clear line.
"""

from __future__ import annotations

import functools
import html
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from xl_engage.a1 import col_index, col_letters, parse_cell
from xl_engage.formula_refs import shift
from xl_engage.issues import NotAWorkbookError
from xl_engage.package_check import check_parts

_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


@dataclass
class TableRef:
    name: str
    sheet: str
    header_row: int
    first_col: int
    last_row: int
    last_col: int
    has_totals: bool = False


@dataclass
class XlsxFile:
    """An opened workbook: sheet grids on demand, tables and defined names."""

    path: Path
    book: Any
    names: dict[str, tuple[str, int, int]]
    tables: dict[str, TableRef]
    _grids: dict[str, list[list[Any]]] = field(default_factory=dict)
    _xml: dict[str, bytes] = field(default_factory=dict)

    @property
    def sheet_names(self) -> list[str]:
        return list(self.book.sheet_names)

    def grid(self, sheet: str) -> list[list[Any]]:
        """All cells of a sheet from A1, as calamine returns them ('' for blank)."""
        if sheet not in self._grids:
            try:
                ws = self.book.get_sheet_by_name(sheet)
                self._grids[sheet] = ws.to_python(skip_empty_area=False)
            except BaseException as exc:  # calamine's errors have many types, a panic too
                if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                    raise
                raise NotAWorkbookError(f"{self.path}: its sheet '{sheet}' cannot be read ({exc})") from None
        return self._grids[sheet]

    def value(self, sheet: str, row: int, col: int) -> Any:
        grid = self.grid(sheet)
        if row < len(grid) and col < len(grid[row]):
            return grid[row][col]
        return None

    @functools.cached_property
    def edited(self) -> bool:
        """Saved since xl_engage wrote it? Every spreadsheet program rewrites the package's
        properties when it saves: its own application version (XlsxWriter's is 12.0000;
        Excel's 16.x, openpyxl's 3.1, LibreOffice's its own) and the time (``modified``,
        which xl_engage writes equal to ``created``). Only an edited file can hold an error
        or a formula the user typed into an input cell, so only then is that search (costly
        on a million-formula sheet) made."""
        try:
            with zipfile.ZipFile(self.path) as zf:
                core, app = zf.read("docProps/core.xml"), zf.read("docProps/app.xml")
        except (KeyError, OSError, zipfile.BadZipFile):
            return True
        created = re.search(rb"<dcterms:created[^>]*>([^<]*)<", core)
        modified = re.search(rb"<dcterms:modified[^>]*>([^<]*)<", core)
        same_time = bool(created and modified and created.group(1) == modified.group(1))
        return not (same_time and b"<AppVersion>12.0000</AppVersion>" in app)

    def sheet_xml(self, sheet: str) -> bytes:
        """The sheet's part, read once (for what calamine does not say: formulas, errors)."""
        if sheet not in self._xml:
            self._xml[sheet] = sheet_part(self.path, sheet)
        return self._xml[sheet]

    def special_cells(
        self, sheet: str, cols: Iterable[int], always: bool = False
    ) -> dict[tuple[int, int], tuple[str, str]]:
        """Cells of ``cols`` that hold an error value (``#N/A``) or a formula, as
        ``(row, col) -> ("error", "#N/A")`` or ``("formula", "B3*2")``. Calamine reads both as
        blank (an error) or as the cached value (a formula, perhaps circular): an input cell
        holding either must be said, not read silently. Only the columns asked for are looked
        at, so a sheet of a million formulas in other columns costs one scan of its text.
        A formula whose value is an error is ``("formula-error", text)``; one saved with no
        value at all (openpyxl and other writers that do not calculate) is
        ``("formula-uncalculated", text)``: a reader of cached values sees it blank.
        ``always``: look even in a file as xl_engage wrote it (one that carries the user's
        kept formulas)."""
        letters = sorted({col_letters(c) for c in cols})
        if not letters or not (
            always or self.edited
        ):  # as xl_engage wrote it: values, never errors or formulas
            return {}
        data = self.sheet_xml(sheet)
        if b"<f" not in data and b't="e"' not in data:
            return {}
        out: dict[tuple[int, int], tuple[str, str]] = {}
        wanted = {col_index(x) for x in letters}
        for where, error in error_values(data).items():  # errors are rare: one scan for them
            if where[1] in wanted:
                out[where] = ("error", error)
        masters = _shared_masters(data)
        for letter in letters:  # a literal prefix per column, and only formula cells match
            col = col_index(letter)
            rx = re.compile(rb'<c r="' + letter.encode() + rb'(\d+)"([^>]*)><f([^>]*?)(?:/>|>([^<]*)</f>)')
            for m in rx.finditer(data):
                where = (int(m.group(1)) - 1, col)
                if where in out and out[where][0] != "error":
                    continue
                shows_error = where in out  # a formula whose value is an error: said as its formula
                text = html.unescape((m.group(4) or b"").decode("utf-8", "replace"))
                shared = _SHARED_INDEX.search(m.group(3)) if b"shared" in m.group(3) else None
                if not text and shared and shared.group(1) in masters:  # a follower: the master, moved
                    (r0, c0), master = masters[shared.group(1)]
                    text = shift(master, where[0] - r0, col - c0)
                if shows_error:
                    out[where] = ("formula-error", text)
                elif _NO_VALUE.match(data, m.end()) and b't="str"' not in m.group(2):
                    out[where] = ("formula-uncalculated", text)
                else:
                    out[where] = ("formula", text)
        return out

    def table(self, name: str) -> TableRef | None:
        """Find a table by name (case-insensitive, as Excel treats table names)."""
        return self.tables.get(name.casefold())

    def family(self, name: str) -> list[TableRef]:
        """The tables ``name`` and ``name_<suffix>``, in sheet order (one per group)."""
        base = name.casefold()
        return [t for k, t in self.tables.items() if k == base or k.startswith(base + "_")]


def _check_package(path: Path) -> None:
    if not path.exists():
        raise NotAWorkbookError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise NotAWorkbookError(f"{path}: the file is empty (0 bytes), not an .xlsx workbook")
    if not zipfile.is_zipfile(path):
        raise NotAWorkbookError(f"{path}: not an .xlsx workbook (it is not a zip package)")
    check_parts(path, need_workbook=True)


def sheet_states(path: Path, local_name: str) -> tuple[set[str], set[str]]:
    """(the sheets hidden, the sheets carrying the sheet-scoped name ``local_name``), read
    from the package's workbook part: a sheet's own names follow it when it is renamed."""
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    names = [node.get("name", "") for node in root.iterfind(".//m:sheets/m:sheet", _NS)]
    hidden = {
        node.get("name", "")
        for node in root.iterfind(".//m:sheets/m:sheet", _NS)
        if node.get("state") in ("hidden", "veryHidden")
    }
    carrying = set()
    for node in root.iterfind(".//m:definedNames/m:definedName", _NS):
        scope = node.get("localSheetId")
        if (
            node.get("name") == local_name
            and scope is not None
            and scope.isdigit()
            and int(scope) < len(names)
        ):
            carrying.add(names[int(scope)])
    return hidden, carrying


def _defined_names(path: Path) -> dict[str, tuple[str, int, int]]:
    """Single-cell defined names: name (casefolded) → (sheet, row, col)."""
    out: dict[str, tuple[str, int, int]] = {}
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    for node in root.iterfind(".//m:definedNames/m:definedName", _NS):
        name, ref = node.get("name") or "", (node.text or "").strip()
        if node.get("localSheetId") is not None or "!" not in ref:
            continue
        sheet, _, target = ref.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        if ":" in target:
            continue
        try:
            row, col = parse_cell(target)
        except ValueError:
            continue
        out[name.casefold()] = (sheet, row, col)
    return out


def _rels(zf: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id → target part path, for the part's ``_rels`` file (if any)."""
    folder, _, name = part.rpartition("/")
    rels_path = f"{folder}/_rels/{name}.rels"
    if rels_path not in zf.namelist():
        return {}
    out = {}
    for rel in ElementTree.fromstring(zf.read(rels_path)).iter(f"{_REL_NS}Relationship"):
        target = rel.get("Target", "")
        if target.startswith("/"):
            target = target[1:]
        else:  # relative to the part's folder; resolve ../
            parts = [*folder.split("/"), *target.split("/")]
            stack: list[str] = []
            for piece in parts:
                if piece == "..":
                    if stack:
                        stack.pop()
                elif piece and piece != ".":
                    stack.append(piece)
            target = "/".join(stack)
        out[rel.get("Id", "")] = target
    return out


def _tables(path: Path) -> dict[str, TableRef]:
    """Every table's name and range, from the package (no cell data is parsed)."""
    out: dict[str, TableRef] = {}
    with zipfile.ZipFile(path) as zf:
        book_rels = _rels(zf, "xl/workbook.xml")
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        for sheet in root.iterfind(".//m:sheets/m:sheet", _NS):
            part = book_rels.get(sheet.get(_R_ID, ""), "")
            if part not in zf.namelist():
                continue
            for target in _rels(zf, part).values():
                if not target.startswith("xl/tables/") or target not in zf.namelist():
                    continue
                table = ElementTree.fromstring(zf.read(target))
                name = table.get("displayName") or table.get("name") or ""
                first, _, last = (table.get("ref") or "").partition(":")
                try:
                    (r0, c0), (r1, c1) = parse_cell(first), parse_cell(last or first)
                except ValueError:
                    continue
                totals = int(table.get("totalsRowCount") or 0)  # a totals row is not data
                out[name.casefold()] = TableRef(
                    name, sheet.get("name", ""), r0, c0, r1 - totals, c1, totals > 0
                )
    return out


_ERROR_CELL = re.compile(
    rb'<c r="([A-Z]+)(\d+)"[^>]*?t="e"[^>]*>(?:<f[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>)?'
)


_SHARED_INDEX = re.compile(rb'\bsi\s*=\s*"(\d+)"')
_NO_VALUE = re.compile(rb"\s*(?:</c>|<v\s*/>|<v>\s*</v>|<is\s*/>)")
"""What follows a formula saved without its value: the cell's end, or an empty value."""
_SHARED_MASTER = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*><f([^>]*)>([^<]+)</f>')
"""A formula cell; a master among them has ``ref`` (looked for apart: a pattern asking for
it inside the tag went quadratic on a tag of many ``ref=``)."""
_REF_ATTRIBUTE = re.compile(rb"\bref\s*=")


def _shared_masters(data: bytes) -> dict[bytes, tuple[tuple[int, int], str]]:
    """A shared formula (Excel's fill-down) is written once, in its first cell (the master,
    with ``ref``); the others say only ``si``. Master index → (its cell, its formula)."""
    if b'"shared"' not in data:
        return {}
    out = {}
    for m in _SHARED_MASTER.finditer(data):
        index = _SHARED_INDEX.search(m.group(3))
        if index and b"shared" in m.group(3) and _REF_ATTRIBUTE.search(m.group(3)):
            cell = (int(m.group(2)) - 1, col_index(m.group(1).decode()))
            out[index.group(1)] = (cell, html.unescape(m.group(4).decode("utf-8", "replace")))
    return out


def error_values(data: bytes) -> dict[tuple[int, int], str]:
    """A sheet part's cells holding an error value (``#N/A``): a reader of values sees blanks."""
    if b't="e"' not in data:
        return {}
    return {
        (int(m.group(2)) - 1, col_index(m.group(1).decode())): (m.group(3) or b"#VALUE!").decode(
            "utf-8", "replace"
        )
        for m in _ERROR_CELL.finditer(data)
    }


def sheet_part(path: Path, sheet: str) -> bytes:
    """The XML of the sheet named ``sheet`` (empty when the package has none)."""
    with zipfile.ZipFile(path) as zf:
        book_rels = _rels(zf, "xl/workbook.xml")
        root = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        for node in root.iterfind(".//m:sheets/m:sheet", _NS):
            if node.get("name") == sheet:
                part = book_rels.get(node.get(_R_ID, ""), "")
                return zf.read(part) if part in zf.namelist() else b""
    return b""


def open_xlsx(path: Path | str) -> XlsxFile:
    """Open a workbook for reading, or raise NotAWorkbookError with the reason."""
    p = Path(path)
    _check_package(p)
    try:
        import python_calamine  # compiled, for reading files only: xlwings Lite goes without

        book = python_calamine.load_workbook(str(p))
        names = _defined_names(p)
        tables = _tables(p)
    except NotAWorkbookError:
        raise
    except BaseException as exc:  # calamine's errors, a panic too, all mean "unreadable"
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise NotAWorkbookError(f"{p}: cannot be read as a workbook ({exc})") from None
    return XlsxFile(p, book, names, tables)
