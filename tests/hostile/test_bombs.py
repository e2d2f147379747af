"""Workbooks built to fill memory: each is refused in one line, quickly, in bounded memory.

Issue 11's bar: ``check`` of any workbook under 10 MB stays under 1 GiB. Each case is a real
pricing workbook whose first sheet (or shared strings) is rewritten, streamed through zlib
so the test itself stays small; ``check`` runs in a child process whose peak RSS is read
from the kernel (ru_maxrss of that child alone, via ``os.wait4``).
"""

from __future__ import annotations

import os
import subprocess
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hostile.test_cli_refusals import CLI, run

GiB_KIB = 1024 * 1024


def _rewritten(tmp_path: Path, name: str, part: str, body: Callable[[bytes], Iterator[bytes]]) -> Path:
    """A pricing workbook whose ``part`` is replaced by what ``body`` yields (given the old part)."""
    return _rewritten_parts(tmp_path, name, {part: body})


def _rewritten_parts(
    tmp_path: Path, name: str, bodies: dict[str, Callable[[bytes], Iterator[bytes]]]
) -> Path:
    """A pricing workbook whose parts named in ``bodies`` are replaced by what each yields."""
    good = tmp_path / "good.xlsx"
    if not good.exists():
        assert run("pricing", "--out", str(good)).returncode == 0
    bad = tmp_path / name
    with (
        zipfile.ZipFile(good) as zin,
        zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename not in bodies:
                zout.writestr(info, data)
                continue
            with zout.open(info.filename, "w", force_zip64=True) as out:
                for piece in bodies[info.filename](data):
                    out.write(piece)
    return bad


def _check_in_child(path: Path, tmp_path: Path) -> tuple[int, str, int]:
    """``xl-engage check path``: its exit code, its stderr, and its own peak RSS in KiB."""
    err_path = tmp_path / "stderr.txt"
    with err_path.open("w") as err:
        child = subprocess.Popen([CLI, "check", str(path)], stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
    return os.waitstatus_to_exitcode(status), err_path.read_text(), usage.ru_maxrss


def _sheet_of(rows: Callable[[], Iterator[bytes]]) -> Callable[[bytes], Iterator[bytes]]:
    def body(old: bytes) -> Iterator[bytes]:
        head, _, rest = old.partition(b"<sheetData>")
        yield head + b"<sheetData>"
        yield from rows()
        yield b"</sheetData>" + rest.partition(b"</sheetData>")[2]

    return body


def _many(cell: bytes) -> Callable[[], Iterator[bytes]]:
    """Six million cells that name no place, each written as ``cell``: 16 bytes each
    unpacked, a few KB packed."""

    def rows() -> Iterator[bytes]:
        row = b"<row>" + cell * 20 + b"</row>"
        for _ in range(300):
            yield row * 1000

    return rows


_placeless_cells = _many(b"<c><v>1</v></c>")
_cells_with_line_ends = _many(b"<c\n><v>1</v></c>")


def _real_cells_then_a_far_one() -> Iterator[bytes]:
    """40 MB of ordinary cells (a sheet past any "small sheet" shortcut), then one far cell."""
    for r in range(1, 100_001):
        n = str(r).encode()
        yield (
            b'<row r="'
            + n
            + b'">'
            + b"".join(
                b'<c r="' + c + n + b'"><v>1</v></c>'
                for c in (
                    b"A",
                    b"B",
                    b"C",
                    b"D",
                    b"E",
                    b"F",
                    b"G",
                    b"H",
                    b"I",
                    b"J",
                    b"K",
                    b"L",
                    b"M",
                    b"N",
                    b"O",
                    b"P",
                    b"Q",
                    b"R",
                    b"S",
                    b"T",
                )
            )
            + b"</row>"
        )
    yield b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _strings(old: bytes) -> Iterator[bytes]:
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    for _ in range(600):
        yield b"<si><t>a</t></si>" * 10_000
    yield b"</sst>"


@pytest.mark.parametrize(
    ("part", "body", "said"),
    [
        ("xl/worksheets/sheet1.xml", _sheet_of(_placeless_cells), "far denser than any real workbook"),
        ("xl/worksheets/sheet1.xml", _sheet_of(_real_cells_then_a_far_one), "holds a cell at XFD1048576"),
        ("xl/sharedStrings.xml", _strings, "far denser than any real workbook"),
    ],
    ids=["cell-bomb", "far-cell-after-40MB", "string-bomb"],
)
def test_a_workbook_built_to_fill_memory_is_refused_in_bounded_memory(
    tmp_path: Path, part: str, body: Callable[[bytes], Iterator[bytes]], said: str
) -> None:
    bad = _rewritten(tmp_path, "bomb.xlsx", part, body)
    assert bad.stat().st_size < 10 * 1024 * 1024
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr, stderr
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"


def _rows_without_places() -> Iterator[bytes]:
    """A million rows that name no place (each follows the one before), then a wide row."""
    yield b"<row></row>" * 1_048_000
    yield b"<row>" + b"<c><v>1</v></c>" * 200 + b"</row>"


def _prefixed_far_row() -> Iterator[bytes]:
    yield b'<x:row r="1048576">' + b"<x:c><x:v>1</x:v></x:c>" * 200 + b"</x:row>"


def _split_row_tag() -> Iterator[bytes]:
    """A row tag padded past any chunk, its place at the far end."""
    yield b"<row" + b" " * (9 * 1024 * 1024) + b' r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _odd_cell_tag() -> Iterator[bytes]:
    yield b"<row r='1048576'><c\nr='XFD1048576'><v>1</v></c></row>"


def _two_columns_and_one_far() -> Iterator[bytes]:
    """Cells A and B in 300,000 rows and one at CV: a grid 50 times its cells."""
    for r in range(1, 300_001):
        n = str(r).encode()
        yield b'<row r="' + n + b'"><c r="A' + n + b'"><v>1</v></c><c r="B' + n + b'"><v>2</v></c></row>'
    yield b'<row r="300001"><c r="CV300001"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (_rows_without_places, "far beyond its"),
        (_prefixed_far_row, "far beyond its"),
        (_split_row_tag, "over a megabyte"),
        (_odd_cell_tag, "far beyond its"),
        (_cells_with_line_ends, "far denser than any real workbook"),
        (_two_columns_and_one_far, "far beyond its"),
    ],
    ids=["rows-without-r", "prefixed-tags", "split-tag", "odd-cell-tag", "cells-with-line-ends", "wide-grid"],
)
def test_a_sheet_written_unusually_is_measured_as_the_reader_would_place_it(
    tmp_path: Path, body: Callable[[], Iterator[bytes]], said: str
) -> None:
    """Written as no program writes them, but as the workbook library reads them: rows and
    cells that name no place, tag prefixes, line ends inside tags, a tag of megabytes."""
    bad = _rewritten(tmp_path, "odd.xlsx", "xl/worksheets/sheet1.xml", _sheet_of(body))
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr, stderr
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"


def test_a_sheet_stored_under_another_name_is_still_measured(tmp_path: Path) -> None:
    """The library finds sheets through the package's relationships, so a far cell in a sheet
    stored at xl/s1.xml is found all the same."""
    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    bad = tmp_path / "moved.xlsx"
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                zout.writestr("xl/s1.xml", data.replace(b"</sheetData>", far))
                continue
            if info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b'Target="worksheets/sheet1.xml"', b'Target="s1.xml"')
            zout.writestr(info, data)
    code, stderr, _ = _check_in_child(bad, tmp_path)
    assert code == 2 and "far beyond its" in stderr, stderr


def test_an_opendocument_file_named_csv_is_refused(tmp_path: Path) -> None:
    ods = tmp_path / "inventory.csv"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    result = run("inspect", str(ods), "--as", "inventory")
    assert (
        result.returncode in (1, 2) and "OpenDocument" in result.stderr and "Traceback" not in result.stderr
    )


def test_a_formatted_empty_cell_far_away_is_not_a_bomb(tmp_path: Path) -> None:
    """openpyxl (and Excel) write a cell that has only a format as ``<c r="…" s="1"/>``;
    the workbook library places no such cell, so it is no far cell either."""
    far = b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
    book = _rewritten(
        tmp_path,
        "formatted.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: iter([d.replace(b"</sheetData>", far)]),
    )
    code, stderr, peak_kib = _check_in_child(book, tmp_path)
    assert "far beyond" not in stderr and code in (0, 1), stderr
    assert peak_kib < GiB_KIB


@pytest.mark.parametrize(
    ("rows", "said"),
    [
        (b'<row r="5"><c r="B20000000"><v>1</v></c></row>', "at row 20000000, beyond the 1,048,576 rows"),
        (b'<row r="5"><c r="B9999999999"><v>1</v></c></row>', "at row 9999999999, beyond"),
        (b'<row r="5"><c r="ZZZZZZ5"><v>1</v></c></row>', "at column ZZZZZZ, beyond"),
        (b'<row r="5"><c r="XFE5"><v>1</v></c></row>', "at column XFE, beyond"),
        (b"<row r='5'><c t='n' r='B20000000'><v>1</v></c></row>", "at row 20000000, beyond"),
        (b'<x:row r="5"><x:c r="ZZZZ5"><x:v>1</x:v></x:c></x:row>', "at column ZZZZ, beyond"),
        (b'<row r="2000000"/>', "at row 2000000, beyond"),
        (
            b'<row r="2"><c r="A00000002"><v>1</v></c></row>'
            b'<row r="1000000"><c r="XFD1000000"><v>1</v></c></row>',
            "holds a cell at XFD1000000, far beyond",
        ),
    ],
    ids=[
        "row-8-digits",
        "row-10-digits",
        "column-6-letters",
        "column-XFE",
        "odd-quotes",
        "prefixed",
        "empty-row",
        "leading-zeros",
    ],
)
def test_a_place_beyond_a_sheet_is_refused_before_the_library_allocates_for_it(
    tmp_path: Path, rows: bytes, said: str
) -> None:
    """The library reads a place of any length: ``B20000000`` made it allocate 12 GB and
    ``ZZZZZZ5`` abort the process (a Rust out-of-memory backtrace, no ``except`` catches
    it). No program writes beyond XFD1048576, so such a place is refused at once."""
    bad = _rewritten(
        tmp_path,
        "beyond.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda d: iter([d.replace(b"</sheetData>", rows + b"</sheetData>")]),
    )
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"


def _many_plain_rows_then_far(far: bytes) -> Callable[[], Iterator[bytes]]:
    """200,000 rows written as every program writes them (the quick look reads none of
    their places), then ``far``."""

    def rows() -> Iterator[bytes]:
        for r in range(1, 200_001):
            n = str(r).encode()
            yield b'<row r="' + n + b'"><c r="A' + n + b'"><v>1</v></c><c r="B' + n + b'"><v>2</v></c></row>'
        yield far

    return rows


_FAR_ROW_LATE = b'<row r="1048576"><c r="Z1048576"><v>1</v></c></row>'
_WIDE_COLUMN_LATE = (
    b'<row r="3"><c r="A3"><v>1</v></c></row>' * 400_000 + b'<row r="3"><c r="ZZ3"><v>1</v></c></row>'
)
"""16 MB of low rows, then column ZZ: the grid is 200,000 rows by 702 columns, though the
chunk holding ZZ holds no far row."""


@pytest.mark.parametrize(
    ("far", "said"),
    [
        (_FAR_ROW_LATE, "holds a cell at Z1048576"),
        (_WIDE_COLUMN_LATE, "holds a cell at ZZ200000"),
    ],
    ids=["far-row-late", "wide-column-late"],
)
def test_the_quick_look_misses_no_far_cell(tmp_path: Path, far: bytes, said: str) -> None:
    """After chunks the quick look measured (rows below its threshold left unread), a far
    row or a column wider than it assumed: each still refused. (Rows naming no place after
    it: ``test_rows_naming_no_place_right_after_a_quick_look_are_measured_again``.)"""
    bad = _rewritten(
        tmp_path, "late.xlsx", "xl/worksheets/sheet1.xml", _sheet_of(_many_plain_rows_then_far(far))
    )
    code, stderr, _ = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr, stderr


def test_a_large_sheet_written_plainly_is_not_refused(tmp_path: Path) -> None:
    """200,000 plain rows of two cells (400,000 cells, a grid of 5.2 million at most): read."""
    big = _rewritten(
        tmp_path, "big.xlsx", "xl/worksheets/sheet1.xml", _sheet_of(_many_plain_rows_then_far(b""))
    )
    _, stderr, _ = _check_in_child(big, tmp_path)
    assert "refused" not in stderr, stderr


def test_rows_naming_no_place_right_after_a_quick_look_are_measured_again() -> None:
    """A chunk the quick look measured leaves its rows below the threshold unread; rows
    naming no place in the next chunk follow the last of them, so the sheet is measured
    again exactly (here the grid would reach row 990,000)."""
    from xl_engage.package_check import _Extent

    plain = b"".join(b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (r, r) for r in range(1, 290_001))
    extent = _Extent()
    extent.add(plain)
    assert extent.settled and extent.rows == 0  # no row read: all below the threshold
    extent.add(b"<row><c><v>1</v></c></row>" * 700_000)
    assert not extent.settled
    exact = _Extent(exactly=True)
    exact.add(plain)
    exact.add(b"<row><c><v>1</v></c></row>" * 700_000)
    assert exact.grid[0] == 990_000


_MEGABYTE_STRING = b"<si><t>" + b"a" * 1_000_000 + b"</t></si>"


def _one_long_string(old: bytes) -> Iterator[bytes]:
    """The workbook's own strings, then a string of a megabyte (the last, so every index
    the sheets use still means what it meant)."""
    yield old.replace(b"</sst>", _MEGABYTE_STRING + b"</sst>")


def _cells_using(index: int, cell: bytes) -> Callable[[bytes], Iterator[bytes]]:
    """10,000 cells (2,000 rows of five) that refer to string ``index``, each written as
    ``cell`` (``%(ref)s`` and ``%(index)d`` filled in)."""

    def body(old: bytes) -> Iterator[bytes]:
        rows = b"".join(
            b'<row r="%d">' % r
            + b"".join(
                cell % {b"ref": b"%s%d" % (c, r), b"index": index} for c in (b"A", b"B", b"C", b"D", b"E")
            )
            + b"</row>"
            for r in range(1000, 3000)
        )
        yield old.replace(b"</sheetData>", rows + b"</sheetData>")

    return body


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="%(ref)s" t="s"><v>%(index)d</v></c>',
        b'<c t="s" r="%(ref)s"><v>%(index)d</v></c>',
        b"<c r='%(ref)s' t = 's'><v>%(index)d</v></c>",
    ],
    ids=["plain", "type-first", "spaced-single-quotes"],
)
def test_a_long_shared_string_used_by_many_cells_is_refused(tmp_path: Path, cell: bytes) -> None:
    """The library copies a shared string into every cell that uses it: one megabyte used
    by 10,000 cells, in a 70 KB file, asked for 10 GB and aborted the process."""
    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    with zipfile.ZipFile(good) as zf:
        last = zf.read("xl/sharedStrings.xml").count(b"<si>")
    bad = _rewritten_parts(
        tmp_path,
        "amplified.xlsx",
        {"xl/sharedStrings.xml": _one_long_string, "xl/worksheets/sheet1.xml": _cells_using(last, cell)},
    )
    assert bad.stat().st_size < 200_000
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and "bytes of shared text" in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"


def test_text_that_unpacks_a_thousand_times_is_refused(tmp_path: Path) -> None:
    """1,500 strings of a megabyte, used by no cell, in a 1.5 MB file: the library holds
    every shared string as it opens the package (1.5 GB)."""

    def strings(old: bytes) -> Iterator[bytes]:
        yield old.replace(b"</sst>", b"")
        for _ in range(1500):
            yield _MEGABYTE_STRING
        yield b"</sst>"

    bad = _rewritten(tmp_path, "text.xlsx", "xl/sharedStrings.xml", strings)
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and "far more than any real workbook's" in stderr, stderr
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"
