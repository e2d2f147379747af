"""A zip package checked before any library reads it: what it would cost to read, bounded.

The workbook library (calamine) allocates a sheet's whole grid, from A1 to its farthest
cell, and holds every cell and shared string in memory; a few KB of zip can ask it for
gigabytes, or for more memory than the machine has (it then aborts the process, which no
``except`` catches). So every part is read here once, a chunk at a time, and counted
without building anything; a package that would fill memory is refused with one line.

Two speeds, one answer. Most sheets are written the way every program writes them: each
cell ``<c r="B7"`` and each row ``<row r="7"``. For a chunk written so, cells are counted
with one byte search and only the rows that could make the grid too large are parsed
(``_Extent.add``'s quick look, about 2.5 times faster on a 357 MB sheet). A chunk written
any other way (other quotes, spaces, cells or rows naming no place, tag prefixes) is
measured exactly as the library would place it (``_Extent._add_exactly``).

The shared strings are read first, so that each sheet's cells can be charged for the text
they refer to (``_SharedText``: the library copies a shared string into every cell using
it). And since no pattern reads XML exactly as the library does, the library itself reads
the package once in a bounded child process, beside the scan (``xl_engage/probe.py``).
"""

from __future__ import annotations

import functools
import lzma
import re
import zipfile
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from xl_engage.a1 import col_index, col_letters
from xl_engage.issues import NotAWorkbookError
from xl_engage.probe import finish_probe, start_probe

MAX_UNCOMPRESSED = 1 << 31  # 2 GiB: a zip bomb dressed as a workbook is refused
MAX_MEMBERS = 20_000
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
FREE_BYTES = 512 * 1024 * 1024
BYTES_PER_PACKED_BYTE = 100
"""A package may unpack to ``FREE_BYTES``, beyond it to at most ``BYTES_PER_PACKED_BYTE``
per byte it takes in the file: real sheets unpack 5-25 times
(a 100,000-asset budget 22, a million plain numbers 11), while a megabyte of repeated text
unpacks 1,000 times, and every byte of text is held in memory as it is read."""
FREE_TEXT = 256 * 1024 * 1024
TEXT_PER_PACKED_BYTE = 50
"""The shared text the cells refer to (counted once per cell: the library copies a shared
string into every cell that uses it, so one 1 MB string used by 10,000 cells in a 73 KB
file asked for 10 GB and aborted the process) may reach ``FREE_TEXT``, beyond it at most
``TEXT_PER_PACKED_BYTE`` per packed byte. A 100,000-asset budget's cells refer to 38 MB of
shared text: 1.5 per packed byte."""
SHEET_ROWS = 1_048_576
SHEET_COLS = 16_384
"""A sheet's size in Excel and LibreOffice. No program writes a cell beyond it, and the
library would allocate a grid up to it (``r="B20000000"``: 12 GB; ``r="ZZZZZZ5"``: an
abort), so a reference beyond it is refused whatever else the sheet holds."""
_CHUNK = 8 * 1024 * 1024
_MARKUP = (".xml", ".rels", ".vml")
"""Parts the libraries parse as XML, as the package names them: a DOCTYPE is refused in
these (an SVG picture may carry one; nothing parses it). Any part is measured, whatever
its name; the probe covers a sheet stored under another."""
_TAG_START = re.compile(rb"<[^\s=/>]")
_PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".emf", ".wmf", ".tif", ".tiff", ".svg", ".ico")
"""Parts named as pictures: a "<" byte in them starts no tag (the probe covers a sheet
stored under such a name)."""
_MAX_TAG = 1024 * 1024

_WHITESPACE = bytes.maketrans(b"\t\r\n", b"   ")
_PREFIX = re.compile(rb"<(/?)[^\s<>/:!?=\"']*:")
"""Any prefix, whatever its characters: the library reads ``<x:c>``, ``<\xc3\xa9:c>`` and
``<1:c>`` alike as a cell."""
_PREFIXED_TAG = re.compile(rb":(?:c|row|si)[ >/]")

# Exactly, however written. Inside a tag, a quoted value may hold ">" but never "<", so
# each pattern stops at the next "<": linear however many tags a text or comment imitates.
_ATTRS = rb"""(?:[^<>"']|"[^<"]*"|'[^<']*')*"""
_EMPTY_CELL = re.compile(rb"<c(?=[ />])" + _ATTRS + rb"/>")
_EMPTY_ROW = re.compile(rb"""<row(?=[ />])(?:[^<>"'/]|"[^<"]*"|'[^<']*')*+(?:/>|>\s*</row>)""")
"""A row holding no cell (possessive: one pass per tag however its attributes repeat)."""
_PLACED = re.compile(rb' r="\d+"')


def _without_empty_placed_rows(text: bytes) -> bytes:
    """A row naming its place and holding no cell: no place of any other row depends on it
    (unless rows naming no place follow it: then it is kept, see ``skip_empty_rows``)."""
    return _EMPTY_ROW.sub(lambda row: b"" if _PLACED.search(row.group(0)) else row.group(0), text)


# Only a cell's r names a column; a place has any number of letters and digits (the
# library reads them all, so a bound must too).
_CELL_PLACE = re.compile(rb"<c(?=[ />])" + _ATTRS[:-1] + rb"*? r *= *[\"']([A-Za-z]+)(\d+)[\"']")
_ROW_PLACE = re.compile(rb"<row(?=[ />])" + _ATTRS[:-1] + rb"*? r *= *[\"'](\d+)[\"']")

# The quick look, for chunks written as every program writes them.
_NOT_PLAINLY_PLACED = re.compile(rb'<c(?:[>/]| (?!r="))|<row(?:[>/]| (?!r="))')
"""A cell or row tag not starting ``<c r="`` / ``<row r="``: the chunk is measured exactly."""
_PLAIN_WIDE = re.compile(rb'<c r="([A-Za-z]{2,})\d')
"""Cells beyond column Z: rare, so cheap to collect (only in a cell's tag: ``r="ABCD1"``
in a formula's text or an inline string is no place)."""


def _cell_tags(text: bytes) -> int:
    return text.count(b"<c ") + text.count(b"<c>") + text.count(b"<c/>")


def _row_tags(text: bytes) -> int:
    return text.count(b"<row ") + text.count(b"<row>") + text.count(b"<row/>")


_PROLOG = re.compile(rb"(?:\s+|<\?.*?\?>|<!--.*?-->)*", re.S)
_SST_TAG = re.compile(rb"<sst[ >/]")
_STRING_TAG = re.compile(rb"<si[ >/]")
_STRING_END = re.compile(rb"</si *>|<si */>")
"""Where a shared string ends, as the library counts them: ``<si/>`` is one (empty)."""
_NOT_IN_STRINGS = re.compile(rb"""<!--|<\?|=\s*"[^"]*<|=\s*'[^']*<""")
"""A comment or instruction, or a "<" inside an attribute's value (which XML forbids and
the library reads past): each could move the strings' numbers."""
MAX_STRING_PARTS = 4
"""A workbook has one shared-strings part; a package of thousands made each cell's charge
cost thousands of look-ups."""


class _OddStrings(Exception):
    """Shared strings written as no program writes them (see ``_SharedText``)."""


_STRING_REF = re.compile(rb't="s"><v>(\d{1,10})</v>')
"""A cell of a shared string, as every program writes it."""
_TYPED_STRING = re.compile(rb""" t *= *(?:"s"|'s')""")
"""A cell typed a shared string, however spaced and quoted."""


@dataclass
class _SharedText:
    """The shared strings' lengths (bytes of their XML: at least their characters, no
    entity being declared), and what the cells referring to them will cost. A cell is
    first charged as if it held the longest string; once that bound passes three quarters
    of the allowance, each cell is charged its own string's length (one search per chunk),
    and one written otherwise the longest."""

    allowance: int = FREE_TEXT
    lengths: list[array[int]] = field(default_factory=list)
    longest: int = 0
    bounded: int = 0
    exact: int = 0
    pending: int | None = None
    """Bytes of the string the last chunk ended in; None before a part's first chunk."""
    exact_only: bool = False
    """Charge each cell its own string from the start (a second count, before refusing)."""

    def start_part(self) -> None:
        if len(self.lengths) >= MAX_STRING_PARTS:
            raise _OddStrings
        self.lengths.append(array("I"))
        self.pending = None

    def add_strings(self, text: bytes) -> None:
        """One chunk of a strings part, from its ``sst`` tag on: each ``</si>`` ends a string,
        as the library reads them (a ``<si>`` inside another is no new string: one of 100
        nested megabytes is one string of 100 MB), and so is each ``<si/>``. A comment, an
        instruction or a "<" inside an attribute there would move the strings' numbers: no
        program writes one, so it is refused."""
        if self.pending is None:  # the part's first chunk: the strings start at its sst tag
            start = _SST_TAG.search(text)
            text, self.pending = (text[start.start() :] if start else text), 0
        if _NOT_IN_STRINGS.search(text):
            raise _OddStrings
        lengths = self.lengths[-1]
        *ended, rest = _STRING_END.split(text)
        if ended:
            added = [self.pending + len(ended[0]) + 5, *(len(piece) + 5 for piece in ended[1:])]
            lengths.extend(added)
            self.longest = max(self.longest, *added)
            self.pending = len(rest)
        else:
            self.pending += len(rest)

    def charge(self, text: bytes) -> None:
        """A sheet's chunk, its tags plain. A cell typed a string is written ``t="s"``, or
        in other spacing or quotes (``t = 's'``): counting ``"s"`` and ``'s'`` bounds them
        all (with a formula's ``"s"`` too); past the bound they are counted exactly."""
        if not self.longest:
            return
        typed = text.count(b'"s"') + (text.count(b"'s'") if b"'" in text else 0)
        if not self.exact_only and self.bounded + typed * self.longest <= self.allowance * 3 // 4:
            self.bounded += typed * self.longest
            return
        refs = _STRING_REF.findall(text)
        typed = len(_TYPED_STRING.findall(text))  # exactly: not a formula's "s"
        self.exact += self._lengths_of(refs) + max(typed - len(refs), 0) * self.longest

    def _lengths_of(self, refs: list[bytes]) -> int:
        if len(self.lengths) == 1:
            lengths = self.lengths[0]
            try:
                return sum(map(lengths.__getitem__, map(int, refs)))
            except IndexError:  # a reference past the strings: the library reads nothing there
                pass
        return sum(
            max((part[i] for part in self.lengths if i < len(part)), default=0) for i in map(int, refs)
        )

    @property
    def total(self) -> int:
        return self.bounded + self.exact


@functools.cache
def _rows_from(threshold: int) -> re.Pattern[bytes]:
    """Plainly written cell and row places whose row number may be ``threshold`` or more:
    more digits, or as many with a first digit at least the threshold's. The few it finds
    are parsed; the rest are known to lie below the threshold without being read."""
    digits = str(threshold)
    at_least = rf"[{digits[0]}-9]\d{{{len(digits) - 1}}}|\d{{{len(digits) + 1},}}"
    return re.compile(rb'(?:<c r="[A-Za-z]+|<row r=")(' + at_least.encode() + rb')"')


def _plain(text: bytes) -> bytes:
    """A chunk as every spreadsheet program writes it: tabs and line ends in tags read as
    spaces, and element prefixes (``<x:c>``) dropped, since the workbook library matches
    tags by local name whatever their prefix. The prefix pass costs a regular expression,
    so it runs only on a chunk that has a prefixed cell, row or string."""
    if b"\t" in text or b"\n" in text or b"\r" in text:  # one memchr each: cheaper than translating
        text = text.translate(_WHITESPACE)
    if b":" in text and _PREFIXED_TAG.search(text):
        text = _PREFIX.sub(rb"<\1", text)
    return text


@dataclass
class _Extent:
    """What a sheet part holds, counted without building anything, placed the way the
    workbook library places cells: a row or cell naming its place (``r``) is there, one
    that does not follows the one before. So the counts bound the grid it would allocate.

    ``cells`` may count a few tags more than there are cells (``<col``, ``<cfRule``): the
    limits hold all the same, since a file could hold as many real cells instead.
    ``rows`` is the farthest row where it could matter: a quick look reads only rows that
    could make the grid too large, and then records the columns it assumed
    (``assumed_cols``); if a later chunk reaches farther right, ``settled`` is False and
    the sheet is measured again exactly."""

    cells: int = 0
    rows: int = 0
    cols: int = 0
    unplaced_rows: int = 0
    unplaced_in_a_row: int = 0
    exactly: bool = False
    """Measure every chunk exactly (no quick look)."""
    skip_empty: bool = False
    """Leave out cells with no content (``<c r="XFD9" s="1"/>``, a formatted empty cell):
    the workbook library places no such cell. Costly, so only for a second look at a sheet
    the first scan would refuse."""
    skip_empty_rows: bool = False
    """With ``skip_empty``, leave out placed rows left with no cell too (only where no row
    naming no place could follow one)."""
    open_row: int = 0
    """Cells naming no place in the row the last chunk ended in: the next chunk goes on."""
    assumed_cols: int | None = None
    beyond: str = ""
    """The first place found beyond a sheet's size (``ZZZZ5``, ``B20000000``), if any."""
    text: _SharedText | None = None
    """Charged for the shared strings each chunk's cells refer to (on the first look only)."""
    strings: bool = False
    """A shared string (``<si>``) met in the part: in a part not read as the strings, the
    library could still take it as theirs, and the cells were charged without it."""

    def add(self, text: bytes) -> None:
        text = _plain(text)
        if self.skip_empty:
            text = _EMPTY_CELL.sub(b"", text)
            if self.skip_empty_rows:
                text = _without_empty_placed_rows(text)
        if self.exactly or _NOT_PLAINLY_PLACED.search(text):
            self._add_exactly(text)
        else:
            self._add_quickly(text)
        if self.text is not None:
            self.text.charge(text)
            self.strings = self.strings or _STRING_TAG.search(text) is not None

    def _add_quickly(self, text: bytes) -> None:
        cells = text.count(b"<c")
        self.cells += cells
        self.open_row = 0
        self._reach_cols([letters for letters in set(_PLAIN_WIDE.findall(text))], any_cell=cells > 0)
        cols = max(self.cols, 1)
        self.assumed_cols = cols if self.assumed_cols is None else min(self.assumed_cols, cols)
        allowed = max(MAX_GRID, GRID_PER_CELL * self.cells)  # cells only grow: a bound now holds at the end
        self._reach_rows(_rows_from(min(allowed // cols, SHEET_ROWS) + 1).findall(text))

    @property
    def settled(self) -> bool:
        """False when a quick look assumed fewer columns than the sheet turned out to have,
        or rows it did not read may be followed by rows naming no place."""
        if self.assumed_cols is None:
            return True
        return self.assumed_cols >= self.grid[1] and self.unplaced_rows == 0

    def _add_exactly(self, text: bytes) -> None:
        cells = _cell_tags(text)
        self.cells += cells
        places = _CELL_PLACE.findall(text)
        if len(places) < cells or self.open_row:  # cells with no place follow the one before
            # A row's cell tags are its cells; the pieces before the first row and after the
            # last may count a few more tags (<col, <cfRule): a bound is enough. A row may
            # run on from the chunk before, and on into the next.
            pieces = text.split(b"<row")
            counts = [
                piece.count(b"<c") - (len(_CELL_PLACE.findall(piece)) if places else 0) for piece in pieces
            ]
            counts[0] += self.open_row
            self.open_row = counts[-1]
            self.unplaced_in_a_row = max(self.unplaced_in_a_row, *counts)
        self._reach_cols(list({col for col, _ in places}), any_cell=False)  # exactly: A-F is 6, not 26
        row_places = _ROW_PLACE.findall(text)
        self.unplaced_rows += _row_tags(text) - len(row_places)
        self._reach_rows([row for _, row in places] + row_places)

    def _reach_cols(self, wide: list[bytes], any_cell: bool) -> None:
        if any_cell:  # a column A-Z: 26 at most (a bound is enough for the one-letter columns)
            self.cols = max(self.cols, 26)
        for letters in wide:
            col = col_index(letters.decode().upper()) + 1 if len(letters) <= 3 else SHEET_COLS + 1
            if col > SHEET_COLS:
                self.beyond = self.beyond or f"column {letters.decode()[:12]}"
            self.cols = max(self.cols, min(col, SHEET_COLS))

    def _reach_rows(self, rows: list[bytes]) -> None:
        if not rows:
            return
        distinct = {row.lstrip(b"0") or b"0" for row in set(rows)}  # few distinct: the max is cheap
        longest = max(map(len, distinct))
        farthest = int(max(r for r in distinct if len(r) == longest)) if longest <= 7 else SHEET_ROWS + 1
        if farthest > SHEET_ROWS:
            self.beyond = self.beyond or f"row {max(distinct, key=len).decode()[:12]}"
        self.rows = max(self.rows, min(farthest, SHEET_ROWS))

    @property
    def grid(self) -> tuple[int, int]:
        """(rows, columns) of the grid the library would allocate, at most."""
        return self.rows + self.unplaced_rows, max(self.cols + self.unplaced_in_a_row, 1)


def _scan(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, see: Callable[[bytes], None]) -> None:
    """Read a part a chunk at a time (a part of any size costs a few MB), giving ``see`` its
    text cut before the last ``<`` of each chunk, so no tag is cut in two (a tag, or text
    between tags, of over a megabyte is refused: no program writes one; a "<" byte of a
    picture starts no tag). Reading every
    part to its end is also what checks the sizes and CRCs the package declares: a lying
    part ends in BadZipFile before any library trusts it. Entities live in a DOCTYPE before
    the root element, so a markup part's first chunk is searched for one."""
    carry = b""
    markup = info.filename.casefold().endswith(_MARKUP)
    picture = info.filename.casefold().endswith(_PICTURES)
    with zf.open(info) as part:
        first = True
        while chunk := part.read(_CHUNK):
            if first and markup and (b"<!DOCTYPE" in chunk[:65536] or b"<!ENTITY" in chunk[:65536]):
                raise NotAWorkbookError(
                    f"{path}: refused: its part {info.filename} declares entities (a DOCTYPE), "
                    "which no spreadsheet program writes"
                )
            first = False
            text = carry + chunk
            cut = text.rfind(b"<")
            if cut < 0:
                cut = len(text)
            if len(text) - cut > _MAX_TAG and (picture or not _TAG_START.match(text, cut)):
                cut = len(text)  # a "<" that starts no tag (a byte of a picture): nothing to keep whole
            if len(text) - cut > _MAX_TAG:
                raise NotAWorkbookError(
                    f"{path}: refused: its part {info.filename} holds over a megabyte in one tag or one text"
                )
            see(text[:cut])
            carry = text[cut:]
    if carry:
        see(carry)


def _kind_of_part(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """ "strings" for a part whose first megabyte holds an ``sst`` tag (whatever its prefix,
    and whatever comes first: the library reads shared strings after junk), else "sheet".
    Every part is measured as a sheet, strings parts too, since the library finds parts
    through the package's relationships, whatever their path, name or extension; a part
    that is no sheet holds no cells to count. A DOCTYPE anywhere before the root of a part
    named as markup is refused."""
    with zf.open(info) as part:
        head = part.read(_MAX_TAG)
    prolog = _PROLOG.match(head, 3 if head.startswith(b"\xef\xbb\xbf") else 0)
    start = prolog.end() if prolog else 0  # it always matches, if only nothing
    if info.filename.casefold().endswith(_MARKUP) and head.startswith((b"<!DOCTYPE", b"<!ENTITY"), start):
        raise NotAWorkbookError(
            f"{path}: refused: its part {info.filename} declares entities (a DOCTYPE), "
            "which no spreadsheet program writes"
        )
    if head.startswith(b"<!--", start):
        raise NotAWorkbookError(
            f"{path}: refused: its part {info.filename} holds over a megabyte of comment before its content"
        )
    return "strings" if _SST_TAG.search(_plain(head)) else "sheet"


def _too_far(extent: _Extent) -> bool:
    rows, cols = extent.grid
    return rows * cols > MAX_GRID and rows * cols > GRID_PER_CELL * max(extent.cells, 1)


def _measure_sheet(
    path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, text: _SharedText | None
) -> _Extent:
    """A sheet's extent: a quick look, then an exact one if the quick look cannot settle
    it or would refuse it (a tall, narrow sheet: 400,000 rows of column A are no grid of
    26 columns), then one without formatted empty cells if only those lie far."""
    extent = _Extent(text=text)
    _scan(path, zf, info, extent.add)
    strings = extent.strings
    if not extent.settled:
        extent = _Extent(exactly=True, strings=strings)
        _scan(path, zf, info, extent.add)
    if _too_far(extent) and not extent.beyond and not extent.exactly:  # the quick look took A-Z as 26
        extent = _Extent(exactly=True, strings=strings)
        _scan(path, zf, info, extent.add)
    if _too_far(extent) and not extent.beyond:  # perhaps only formatted empty cells lie far
        extent = _Extent(
            exactly=True, skip_empty=True, skip_empty_rows=not extent.unplaced_rows, strings=strings
        )
        _scan(path, zf, info, extent.add)
    if extent.beyond:
        raise NotAWorkbookError(
            f"{path}: refused: {info.filename} places a cell at {extent.beyond}, beyond the "
            f"{SHEET_ROWS:,} rows and {SHEET_COLS:,} columns (XFD) a sheet can hold"
        )
    if _too_far(extent):
        rows, cols = extent.grid
        raise NotAWorkbookError(
            f"{path}: refused: {info.filename} holds a cell at {col_letters(cols - 1)}{rows}, far "
            f"beyond its {extent.cells:,} cells (a grid of {rows * cols:,} cells would be "
            "allocated)"
        )
    return extent


def _check_parts_content(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Every part read once, before any library reads the package: sizes and CRCs as
    declared, no entities; every sheet and the shared strings counted. A sheet holding a
    cell far from the others (``XFD1048576`` in a 36 KB file) would make the reader
    allocate the whole grid up to it (512 GB); cells or strings packed beyond any real
    workbook (a zip bomb), text unpacking beyond any real workbook's, or a long shared
    string used by thousands of cells would fill memory as they are read. All are refused.
    The shared strings are read first, so the sheets' cells can be charged for the text
    they refer to. Every other part is measured as a sheet (``_kind_of_part``). The scan
    costs about 0.6 s per 100 MB unpacked (a 100,000-asset budget, 553 MB: 3.3 s)."""
    kinds = [(info, _kind_of_part(path, zf, info)) for info in infos]
    packed = min(sum(info.compress_size for info in infos), path.stat().st_size)  # sizes said can lie
    unpacked = sum(info.file_size for info in infos)
    if unpacked > max(FREE_BYTES, BYTES_PER_PACKED_BYTE * packed):
        raise NotAWorkbookError(
            f"{path}: refused: it unpacks to {unpacked:,} bytes from {packed:,}, "
            "far more than any real workbook's (a zip bomb)"
        )
    text = _SharedText(allowance=max(FREE_TEXT, TEXT_PER_PACKED_BYTE * packed))
    held = 0
    for info, kind in sorted(kinds, key=lambda part: part[1] != "strings"):
        if kind == "strings":  # each string is held in memory like a cell
            try:
                text.start_part()
                _scan(path, zf, info, lambda chunk: text.add_strings(_plain(chunk)))
            except _OddStrings:
                raise NotAWorkbookError(
                    f"{path}: refused: its shared strings ({info.filename}) hold a comment, an instruction "
                    "or a '<' inside an attribute, or come in more parts than four, as no spreadsheet "
                    "program writes them"
                ) from None
            held += len(text.lengths[-1])
            _measure_sheet(path, zf, info, None)  # in case the library reads it as a sheet too
            continue
        extent = _measure_sheet(path, zf, info, text)
        if extent.strings:
            raise NotAWorkbookError(
                f"{path}: refused: its part {info.filename} holds shared strings (<si>) after over a "
                "megabyte, or outside the shared strings, which no spreadsheet program writes"
            )
        held += extent.cells
    if held > max(FREE_CELLS, CELLS_PER_PACKED_BYTE * packed):
        raise NotAWorkbookError(
            f"{path}: refused: its sheets hold {held:,} cells and strings packed into {packed:,} bytes, "
            "far denser than any real workbook (a zip bomb)"
        )
    if text.total > text.allowance and text.bounded:  # the bound was too rough: count each cell's own
        text.bounded, text.exact, text.exact_only = 0, 0, True
        for info, kind in kinds:
            if kind != "strings":
                _scan(path, zf, info, lambda chunk: text.charge(_plain(chunk)))
    if text.total > text.allowance:
        raise NotAWorkbookError(
            f"{path}: refused: its cells refer to {text.total:,} bytes of shared text packed into "
            f"{packed:,} bytes, far more than any real workbook (a zip bomb)"
        )


def check_parts(path: Path, need_workbook: bool = False) -> None:
    """A zip package (.xlsx, .ods) checked before any library reads it: a sane number of
    parts, a bounded size unpacked, every part what it says it is, no part declaring
    entities (a DOCTYPE: billion laughs, external files), which no spreadsheet program
    writes, and no sheet that would fill memory (``_check_parts_content``)."""
    if not path.is_file():
        raise NotAWorkbookError(f"{path}: no such file")
    probe = start_probe(path) if need_workbook else None
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
        finish_probe(path, probe)
        probe = None
    except zipfile.BadZipFile as exc:
        raise NotAWorkbookError(f"{path}: damaged .xlsx package ({exc})") from None
    except (
        zlib.error,
        EOFError,
        lzma.LZMAError,
        OSError,
        ValueError,
    ) as exc:  # a stream or directory that is not one
        raise NotAWorkbookError(f"{path}: damaged .xlsx package ({exc})") from None
    except NotImplementedError as exc:  # Deflate64 and the like; caught before RuntimeError, its base
        raise NotAWorkbookError(
            f"{path}: a package no spreadsheet program writes ({exc}); save it again from Excel"
        ) from None
    except RuntimeError:  # zipfile's word for a part encrypted with a zip password
        raise NotAWorkbookError(
            f"{path}: a part of the package is encrypted, which no spreadsheet program does; "
            "save it again from Excel (a password-protected workbook: remove the password first)"
        ) from None
    finally:
        if probe is not None:  # refused before the child was heard: stop it
            probe[0].kill()
            probe[0].communicate()
