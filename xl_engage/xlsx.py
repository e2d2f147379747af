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
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import ElementTree

from xl_engage.a1 import col_index, col_letters, parse_cell
from xl_engage.formula_refs import shift
from xl_engage.issues import NotAWorkbookError

MAX_UNCOMPRESSED = 1 << 31  # 2 GiB: a zip bomb dressed as a workbook is refused
MAX_MEMBERS = 20_000
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
            ws = self.book.get_sheet_by_name(sheet)
            self._grids[sheet] = ws.to_python(skip_empty_area=False)
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
        A formula whose value is an error is ``("formula-error", text)``.
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
            rx = re.compile(rb'<c r="' + letter.encode() + rb'(\d+)"[^>]*><f([^>]*?)(?:/>|>([^<]*)</f>)')
            for m in rx.finditer(data):
                where = (int(m.group(1)) - 1, col)
                if where in out and out[where][0] != "error":
                    continue
                shows_error = where in out  # a formula whose value is an error: said as its formula
                text = html.unescape((m.group(3) or b"").decode("utf-8", "replace"))
                shared = _SHARED_INDEX.search(m.group(2)) if b"shared" in m.group(2) else None
                if not text and shared and shared.group(1) in masters:  # a follower: the master, moved
                    (r0, c0), master = masters[shared.group(1)]
                    text = shift(master, where[0] - r0, col - c0)
                out[where] = ("formula-error" if shows_error else "formula", text)
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


MAX_GRID = 10_000_000
"""Cells a sheet's grid may span (calamine allocates every cell from A1 to the farthest,
about 60 bytes each read) when they are more than ``GRID_PER_CELL`` times its cells."""
GRID_PER_CELL = 4
FREE_CELLS = 4_000_000
"""Cells (or shared strings) any workbook may hold, however well they compress: about 300 MB
read. Beyond it, a part may hold at most ``CELLS_PER_PACKED_BYTE`` per byte it takes in the
file: xl_engage's formula-heavy sheets hold 0.15-0.21, dense numbers 0.4, while a bomb of
``<c><v>1</v></c>`` repeated holds 15 (20 million cells in a 1.3 MB file, 1.5 GB read). At
one per byte, a 10 MB file holds at most 10 million cells: about 860 MB read."""
CELLS_PER_PACKED_BYTE = 1
_CHUNK = 8 * 1024 * 1024
_MAX_TAG = 1024 * 1024
_CELL_ROW = re.compile(rb"\sr\s*=\s*[\"'][A-Za-z]{1,3}(\d{1,7})[\"']")  # only a cell's r names a column
_WIDE_COL = re.compile(rb"\sr\s*=\s*[\"']([A-Za-z]{2,3})\d")  # beyond Z: rare, so cheap to collect
_PLAIN_ROW = re.compile(rb'r="[A-Za-z]{1,3}(\d{1,7})"')  # as every program writes it: twice as fast
_PLAIN_WIDE = re.compile(rb'r="([A-Za-z]{2,3})\d')
_ROW_REF = re.compile(rb"<row\b[^>]*?\sr\s*=\s*[\"'](\d{1,7})[\"']")


_WHITESPACE = bytes.maketrans(b"\t\r\n", b"   ")
_PREFIX = re.compile(rb"<(/?)[A-Za-z_][\w.-]*:")
_EMPTY_CELL = re.compile(rb"<c\b[^>]*/>")
_EMPTY_PLACED_ROW = re.compile(rb"<row\b[^>]*\sr=\"\d+\"[^>]*(?:/>|>\s*</row>)")
"""A row naming its place and holding no cell: no place of any other row depends on it."""


def _plain(text: bytes) -> bytes:
    """A chunk as every spreadsheet program writes it: tabs and line ends in tags read as
    spaces, and element prefixes (``<x:c>``) dropped, since the workbook library matches
    tags by local name whatever their prefix. The prefix pass costs a regular expression,
    so it runs only on a chunk that has one."""
    if b"\t" in text or b"\n" in text or b"\r" in text:  # one memchr each: cheaper than translating
        text = text.translate(_WHITESPACE)
    if b":" in text and (b":c" in text or b":row" in text or b":si" in text):
        text = _PREFIX.sub(rb"<\1", text)
    return text


@dataclass
class _Extent:
    """What a sheet part holds, counted without building anything, placed the way the
    workbook library places cells: a row or cell naming its place (``r``) is there, one
    that does not follows the one before. So the counts bound the grid it would allocate."""

    cells: int = 0
    placed: int = 0
    rows: int = 0
    cols: int = 0
    unplaced_rows: int = 0
    unplaced_in_a_row: int = 0
    skip_empty: bool = False
    """Leave out cells with no content (``<c r="XFD9" s="1"/>``, a formatted empty cell):
    the workbook library places no such cell. Costly, so only for a second look at a sheet
    the first scan would refuse."""

    def add_strings(self, text: bytes) -> None:
        """For the shared strings: each is held in memory like a cell."""
        self.cells += _plain(text).count(b"<si")

    def add(self, text: bytes) -> None:
        text = _plain(text)
        if self.skip_empty:
            text = _EMPTY_PLACED_ROW.sub(b"", _EMPTY_CELL.sub(b"", text))
        cells = text.count(b"<c ") + text.count(b"<c>")
        self.cells += cells
        wide_col, rows = _PLAIN_WIDE, _PLAIN_ROW.findall(text)
        if len(rows) < cells:  # some written otherwise (another quote, spaces around "="), or placeless
            wide_col, rows = _WIDE_COL, _CELL_ROW.findall(text)
        self.placed += len(rows)
        if len(rows) < cells:  # cells with no place follow the one before, in their row
            self.unplaced_in_a_row = max(
                self.unplaced_in_a_row,
                max(
                    (piece.count(b"<c ") + piece.count(b"<c>") - len(_CELL_ROW.findall(piece)))
                    for piece in text.split(b"<row")
                ),
            )
        if rows:  # a column A-Z: 26 at most (a bound is enough for the one-letter columns)
            self.cols = max(self.cols, 26)
        wide = set(wide_col.findall(text))
        if wide:
            self.cols = max(self.cols, *(col_index(x.decode().upper()) + 1 for x in wide))
        row_refs = _ROW_REF.findall(text)
        self.unplaced_rows += text.count(b"<row>") + text.count(b"<row ") - len(row_refs)
        rows += row_refs
        if rows:  # few distinct row numbers: the max of a set is cheap
            self.rows = max(self.rows, *map(int, set(rows)))

    @property
    def grid(self) -> tuple[int, int]:
        """(rows, columns) of the grid the library would allocate, at most."""
        return self.rows + self.unplaced_rows, max(self.cols + self.unplaced_in_a_row, 1)


def _scan(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, see: Callable[[bytes], None]) -> None:
    """Read a part a chunk at a time (a part of any size costs a few MB), giving ``see`` its
    text cut before the last ``<`` of each chunk, so no tag is cut in two (a tag, or text
    between tags, of over a megabyte is refused: no program writes one). Reading every
    part to its end is also what checks the sizes and CRCs the package declares: a lying
    part ends in BadZipFile before any library trusts it. Entities live in a DOCTYPE before
    the root element, so a markup part's first chunk is searched for one."""
    carry = b""
    with zf.open(info) as part:
        first = True
        while chunk := part.read(_CHUNK):
            if first and (b"<!DOCTYPE" in chunk[:65536] or b"<!ENTITY" in chunk[:65536]):
                raise NotAWorkbookError(
                    f"{path}: refused: its part {info.filename} declares entities (a DOCTYPE), "
                    "which no spreadsheet program writes"
                )
            first = False
            text = carry + chunk
            cut = text.rfind(b"<")
            if cut < 0:
                cut = len(text)
            if len(text) - cut > _MAX_TAG:
                raise NotAWorkbookError(
                    f"{path}: refused: its part {info.filename} holds over a megabyte in one tag or one text"
                )
            see(text[:cut])
            carry = text[cut:]
    if carry:
        see(carry)


def _kind_of_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """ "sheet", "strings" or "": by what the part holds, not by its name (the workbook
    library finds sheets through the package's relationships, whatever their path or case)."""
    if not info.filename.casefold().endswith(".xml"):
        return ""
    with zf.open(info) as part:
        head = _plain(part.read(65536))
    if b"<sheetData" in head or b"<worksheet" in head:
        return "sheet"
    if b"<sst" in head:
        return "strings"
    return ""


def _too_far(extent: _Extent) -> bool:
    rows, cols = extent.grid
    return rows * cols > MAX_GRID and rows * cols > GRID_PER_CELL * max(extent.cells, 1)


def _check_parts_content(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Every part read once, before any library reads the package: sizes and CRCs as
    declared, no entities; every sheet and the shared strings counted. A sheet holding a
    cell far from the others (``XFD1048576`` in a 36 KB file) would make the reader
    allocate the whole grid up to it (512 GB); cells or strings packed beyond any real
    workbook (a zip bomb) would fill memory as they are read. Both are refused. The scan
    costs about 1 s per 100 MB unpacked (a 30,000-asset budget: 0.9 s)."""
    held, packed = 0, 0
    for info in infos:
        kind = _kind_of_part(zf, info)
        if kind == "sheet":
            extent = _Extent()
            _scan(path, zf, info, extent.add)
            rows, cols = extent.grid
            if _too_far(extent):  # perhaps only formatted empty cells lie far: look again without them
                extent = _Extent(skip_empty=True)
                _scan(path, zf, info, extent.add)
                rows, cols = extent.grid
            if _too_far(extent):
                raise NotAWorkbookError(
                    f"{path}: refused: {info.filename} holds a cell at {col_letters(cols - 1)}{rows}, far "
                    f"beyond its {extent.cells:,} cells (a grid of {rows * cols:,} cells would be "
                    "allocated)"
                )
            held, packed = held + extent.cells, packed + info.compress_size
        elif kind == "strings":
            strings = _Extent()
            _scan(path, zf, info, strings.add_strings)
            held, packed = held + strings.cells, packed + info.compress_size
        else:
            _scan(path, zf, info, lambda text: None)
    if held > max(FREE_CELLS, CELLS_PER_PACKED_BYTE * packed):
        raise NotAWorkbookError(
            f"{path}: refused: its sheets hold {held:,} cells and strings packed into {packed:,} bytes, "
            "far denser than any real workbook (a zip bomb)"
        )


def check_parts(path: Path, need_workbook: bool = False) -> None:
    """A zip package (.xlsx, .ods) checked before any library reads it: a sane number of
    parts, a bounded size unpacked, every part what it says it is, no part declaring
    entities (a DOCTYPE: billion laughs, external files), which no spreadsheet program
    writes, and no sheet that would fill memory (``_check_parts_content``)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise NotAWorkbookError(f"{path}: refused: {len(infos)} parts is not a workbook")
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise NotAWorkbookError(f"{path}: refused: it unpacks to {total:,} bytes")
            if need_workbook and "xl/workbook.xml" not in zf.namelist():
                if b"opendocument" in (zf.read("mimetype")[:200] if "mimetype" in zf.namelist() else b""):
                    raise NotAWorkbookError(
                        f"{path}: an OpenDocument spreadsheet (.ods) is not read: save it as .xlsx or .csv"
                    )
                raise NotAWorkbookError(f"{path}: not an .xlsx workbook (no xl/workbook.xml)")
            _check_parts_content(path, zf, infos)
    except zipfile.BadZipFile as exc:
        raise NotAWorkbookError(f"{path}: damaged .xlsx package ({exc})") from None
    except (zlib.error, EOFError) as exc:  # a deflate stream that is not one
        raise NotAWorkbookError(f"{path}: damaged .xlsx package ({exc})") from None


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
_SHARED_MASTER = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*><f([^>]*\bref\s*=[^>]*)>([^<]+)</f>')


def _shared_masters(data: bytes) -> dict[bytes, tuple[tuple[int, int], str]]:
    """A shared formula (Excel's fill-down) is written once, in its first cell (the master,
    with ``ref``); the others say only ``si``. Master index → (its cell, its formula)."""
    if b'"shared"' not in data:
        return {}
    out = {}
    for m in _SHARED_MASTER.finditer(data):
        index = _SHARED_INDEX.search(m.group(3))
        if index and b"shared" in m.group(3):
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
    except Exception as exc:  # calamine and XML errors have many types; all mean "unreadable"
        raise NotAWorkbookError(f"{p}: cannot be read as a workbook ({exc})") from None
    return XlsxFile(p, book, names, tables)
