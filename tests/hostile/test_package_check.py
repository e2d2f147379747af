"""The package check against sheets written to slip past it, and against real text that
only looks like a place. Each case was found by a review of ``xl_engage/package_check.py``
and confirmed against python-calamine (an abort, a grid of billions of cells, or a
traceback); each is now refused in one line, or read, as it should be.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.test_bombs import (
    _MEGABYTE_STRING,
    GiB_KIB,
    _cells_using,
    _check_in_child,
    _rewritten,
    _rewritten_parts,
)
from tests.hostile.test_cli_refusals import run

HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)
FAR = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def _whole_sheet(xml: bytes) -> Iterator[bytes]:
    yield xml


def _sheet(rows: bytes, before: bytes = b"") -> bytes:
    return before + HEAD + b"<sheetData>" + rows + b"</sheetData></worksheet>"


_PREFIXED = (
    b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:cols>'
    + b'<x:col min="1" max="1" width="9"/>' * 3000
    + b'</x:cols><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row>'
    b'<x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
)


@pytest.mark.parametrize(
    ("xml", "said"),
    [
        (_PREFIXED, "holds a cell at XFD1048576"),
        (_sheet(FAR, b" " * 70_000), "holds a cell at XFD1048576"),
        (_sheet(FAR, b"<!--" + b"x" * 70_000 + b"-->"), "holds a cell at XFD1048576"),
        (
            _sheet(b'<row r="1048576" y="/>"><c r="XFD1048576" x="/>"><v>1</v></c></row>'),
            "holds a cell at XFD1048576",
        ),
        (_sheet(b'<row x=">" r="1048576"><c r="XFD1048576"><v>1</v></c></row>'), "far beyond"),
        (
            _sheet(
                b'<row r="1"><c r="XFD1"><v>1</v></c></row><row r="1048000"></row><row><c><v>1</v></c></row>'
            ),
            "far beyond",
        ),
        (
            _sheet(
                b'<row r="1"><c r="A1"><v>1</v></c></row><row r="178">'
                + (b'<c x="' + b"a" * 130 + b'"><v>1</v></c>') * 1_000_000
                + b"</row>"
            ),
            "far beyond",
        ),
        (
            _sheet(
                b'<row r="1">'
                + b"<\xc3\xa9:c><v>1</v></\xc3\xa9:c>" * 16_384
                + b'</row><row r="1048576"><c><v>1</v></c></row>'
            ),
            "far beyond",
        ),
        (_sheet(b'<1:row r="1"><1:c r="A1"/><:c r="XFD1048576"><v>1</v></:c></1:row>'), "far beyond"),
        (_sheet(b'<row r="5"><!DOCTYPE x></row>', b'<!DOCTYPE x [<!ENTITY a "b">]>'), "declares entities"),
    ],
    ids=[
        "prefixed-root-after-64KB-of-cols",
        "root-after-70KB-of-spaces",
        "root-after-a-70KB-comment",
        "quoted-greater-than-in-empty-looking-tags",
        "quoted-greater-than-before-r",
        "empty-placed-row-then-placeless",
        "one-row-across-chunks",
        "non-ascii-prefix",
        "odd-prefixes",
        "doctype",
    ],
)
def test_a_far_cell_however_hidden_is_refused(tmp_path: Path, xml: bytes, said: str) -> None:
    bad = _rewritten(tmp_path, "hidden.xlsx", "xl/worksheets/sheet1.xml", lambda old: _whole_sheet(xml))
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="D5"><f>IF(PartNumber="ABCD1234","match","")</f><v></v></c>',
        b'<c r="D5" t="inlineStr"><is><t>&lt;item nr="20240117"/&gt;</t></is></c>',
        b'<c r="D5" t="inlineStr"><is><t>tag r="ABCD1"</t></is></c><c r=\'E5\'><v>1</v></c>',
    ],
    ids=["formula-text", "inline-string", "inline-string-in-an-odd-chunk"],
)
def test_text_that_looks_like_a_place_is_no_place(tmp_path: Path, cell: bytes) -> None:
    """``r="ABCD1234"`` in a formula's text or an inline string (Apache POI's streaming
    writer puts every string inline) places no cell: such a workbook is read, not refused."""
    spot = b'<c r="B5" s="5"><v>0.2</v></c>'

    def body(old: bytes) -> Iterator[bytes]:
        assert spot in old
        yield old.replace(spot, spot + cell, 1)

    book = _rewritten(tmp_path, "text.xlsx", "xl/worksheets/sheet1.xml", body)
    code, stderr, _ = _check_in_child(book, tmp_path)
    assert "refused" not in stderr and "Traceback" not in stderr and code in (0, 1), stderr


def _patched(source: Path, out: Path, name: str, method: int | None = None, flags: int = 0) -> Path:
    """``source`` with part ``name``'s zip headers saying another compression method or
    other flags (encrypted: 1) than its data has."""
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo(name)
    local = info.header_offset
    central = data.find(b"PK\x01\x02")
    while (
        data[central + 46 : central + 46 + struct.unpack("<H", data[central + 28 : central + 30])[0]]
        != name.encode()
    ):
        central = data.find(b"PK\x01\x02", central + 4)
    for offset, flag_at, method_at in ((local, 6, 8), (central, 8, 10)):
        flag = struct.unpack("<H", data[offset + flag_at : offset + flag_at + 2])[0] | flags
        data[offset + flag_at : offset + flag_at + 2] = struct.pack("<H", flag)
        if method is not None:
            data[offset + method_at : offset + method_at + 2] = struct.pack("<H", method)
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(
    ("method", "flags", "said"),
    [(None, 1, "is encrypted"), (9, 0, "no spreadsheet program writes"), (14, 0, "damaged")],
    ids=["encrypted", "deflate64", "lzma-that-is-not"],
)
def test_a_package_no_program_writes_is_one_line(
    tmp_path: Path, method: int | None, flags: int, said: str
) -> None:
    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    bad = _patched(good, tmp_path / "odd.xlsx", "xl/worksheets/sheet1.xml", method, flags)
    result = run("check", str(bad))
    assert result.returncode == 2 and said in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "place", [b'r=""', b'r="5"', b'r="XFD"'], ids=["empty", "digits-only", "letters-only"]
)
def test_a_cell_the_library_cannot_place_is_one_line(tmp_path: Path, place: bytes) -> None:
    spot = b'<c r="B5" s="5"><v>0.2</v></c>'
    book = _rewritten(
        tmp_path,
        "unplaceable.xlsx",
        "xl/worksheets/sheet1.xml",
        lambda old: iter([old.replace(spot, spot + b"<c " + place + b"><v>1</v></c>", 1)]),
    )
    result = run("check", str(book))
    assert result.returncode == 2 and "cannot be read" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_formulas_text_s_is_not_charged_as_shared_text(tmp_path: Path) -> None:
    """300,000 formulas holding the text ``"s"`` (a plural: ``B7&"s"``) and one shared
    string of a kilobyte: bounded as if each were a cell using that string (300 MB, past
    the allowance), then counted exactly, they use no shared string at all."""

    def strings(old: bytes) -> Iterator[bytes]:
        yield old.replace(b"</sst>", b"<si><t>" + b"k" * 1000 + b"</t></si></sst>")

    def sheet(old: bytes) -> Iterator[bytes]:
        rows = b"".join(
            b'<row r="%d"><c r="C%d"><f>B%d&amp;"s"</f><v>1</v></c></row>' % (r, r, r)
            for r in range(1000, 301_000)
        )
        yield old.replace(b"</sheetData>", rows + b"</sheetData>")

    book = _rewritten_parts(
        tmp_path, "plurals.xlsx", {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet}
    )
    code, stderr, _ = _check_in_child(book, tmp_path)
    assert "refused" not in stderr and "Traceback" not in stderr and code in (0, 1), stderr


@pytest.mark.parametrize(
    ("junk", "said"),
    [(b"JUNK", "bytes of shared text"), (b"x" * 1_100_000, "holds shared strings")],
    ids=["junk-before-the-strings", "a-megabyte-of-junk-before-the-strings"],
)
def test_shared_strings_after_junk_are_still_charged(tmp_path: Path, junk: bytes, said: str) -> None:
    """The library reads shared strings after text that is no XML: the long string used by
    10,000 cells is charged all the same, or, past a megabyte, the part is refused."""
    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    with zipfile.ZipFile(good) as zf:
        last = zf.read("xl/sharedStrings.xml").count(b"<si>")

    def strings(old: bytes) -> Iterator[bytes]:
        yield junk + old[old.index(b"<sst") :].replace(b"</sst>", _MEGABYTE_STRING + b"</sst>")

    cell = b'<c r="%(ref)s" t="s"><v>%(index)d</v></c>'
    bad = _rewritten_parts(
        tmp_path,
        "junk.xlsx",
        {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": _cells_using(last, cell)},
    )
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert peak_kib < GiB_KIB, f"peak {peak_kib / 1024:.0f} MiB"


# --- the second review: what the library reads otherwise than a pattern, and real files ---


@pytest.mark.parametrize(
    "rows",
    [
        b'<row r="1"><c r="B1" r="XFD1048576"><v>1</v></c></row>',
        b'<row r="1"><c s="0"r="XFD1048576"><v>1</v></c></row>',
        b'<row r="1"><c r="XFD1"><v>1</v></c></row><row r="A1048576"><c><v>2</v></c></row>',
        b'<row r="1048575"></row><c r="A1"><v>1</v></c><c><v>2</v></c>'
        + b"<c/>" * 16_383
        + b"<c><v>3</v></c>",
    ],
    ids=["duplicate-r", "no-space-before-r", "letters-in-a-row-place", "cells-outside-rows"],
)
def test_what_the_library_reads_otherwise_is_caught_by_the_library_itself(
    tmp_path: Path, rows: bytes
) -> None:
    """The scan's patterns cannot read XML exactly as the library does (it keeps the last of
    two ``r``, splits attributes without a space); a small package is also read once by the
    library in a child process with 2 GB, so what fills memory there is refused here."""
    bad = _rewritten(tmp_path, "odd.xlsx", "xl/worksheets/sheet1.xml", lambda old: _whole_sheet(_sheet(rows)))
    code, stderr, peak_kib = _check_in_child(bad, tmp_path)
    said = "refused" in stderr or "cannot be read" in stderr  # the library aborts, or panics
    assert code == 2 and said and len(stderr.strip().splitlines()) == 1, stderr
    assert "Traceback" not in stderr and peak_kib < GiB_KIB


@pytest.mark.parametrize(
    ("strings", "said"),
    [
        (b"<si>" + b"<si><t>" + b"m" * 1_000_000 + b"</t>" * 1 + b"</si>", "bytes of shared text"),
        (b"<!--<si>--><si><t>" + b"m" * 1_000_000 + b"</t></si>", "hold a comment"),
        (b"<si/><si><t>" + b"m" * 1_000_000 + b"</t></si>", "bytes of shared text"),
    ],
    ids=["nested-strings", "a-comment-shifting-the-numbers", "an-empty-string-before-it"],
)
def test_shared_strings_are_numbered_as_the_library_numbers_them(
    tmp_path: Path, strings: bytes, said: str
) -> None:
    """Cells refer to the megabyte string by the number the library gives it: an empty
    ``<si/>`` before it is a string of its own (so the cells there use the next number)."""
    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    with zipfile.ZipFile(good) as zf:
        last = zf.read("xl/sharedStrings.xml").count(b"<si>")
    cell = b'<c r="%(ref)s" t="s"><v>%(index)d</v></c>'
    bad = _rewritten_parts(
        tmp_path,
        "numbers.xlsx",
        {
            "xl/sharedStrings.xml": lambda old: iter([old.replace(b"</sst>", strings + b"</sst>")]),
            "xl/worksheets/sheet1.xml": _cells_using(last + strings.startswith(b"<si/>"), cell),
        },
    )
    code, stderr, _ = _check_in_child(bad, tmp_path)
    assert code == 2 and said in stderr and len(stderr.strip().splitlines()) == 1, stderr


def test_a_row_tag_repeating_its_place_costs_linear_time() -> None:
    from xl_engage.package_check import _Extent

    tag = b"<row" + b' r="1"' * 200_000 + b"></row>"
    extent = _Extent(exactly=True, skip_empty=True, skip_empty_rows=True)
    extent.add(b"<sheetData>" + tag * 3 + b'<row r="2"><c r="A2"><v>1</v></c></row>')
    assert extent.grid == (2, 1)  # a regular expression with two runs of attributes took minutes


def _xlsxwriter_book(path: Path, fill: Callable[[Any, Any], None]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    fill(book, book.add_worksheet("Data"))
    book.close()
    return path


def test_a_tall_narrow_sheet_is_read(tmp_path: Path) -> None:
    """400,000 numbers in column A (a grid of 400,000 by 1): the quick look bounds A-Z as 26
    columns, which would refuse it, so a sheet it would refuse is measured exactly first."""
    from xl_engage.package_check import check_parts

    def fill(_book: Any, sheet: Any) -> None:
        for i in range(400_000):
            sheet.write_number(i, 0, i)

    check_parts(_xlsxwriter_book(tmp_path / "tall.xlsx", fill), need_workbook=True)


def test_a_long_text_in_many_cells_next_to_many_labels_is_read(tmp_path: Path) -> None:
    """6,000 short labels and one text of 32,767 characters shown in 2,500 cells: about 82 MB
    of text, which the bound first counts as far more; it is counted again, cell by cell,
    before anything is refused."""
    from xl_engage.package_check import check_parts

    def fill(book: Any, sheet: Any) -> None:
        for i in range(6_000):
            sheet.write_string(i, 0, f"label {i}")
        other = book.add_worksheet("Notes")
        for i in range(2_500):
            other.write_string(i, 0, "n" * 32_767)

    check_parts(_xlsxwriter_book(tmp_path / "notes.xlsx", fill), need_workbook=True)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "xl/media/image1.svg",
            b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg><circle r="40"/></svg>',
        ),
        ("xl/media/image1.emf", b"EMF<\xff" + b"\xff" * 2_000_000),
    ],
    ids=["an-svg-with-a-doctype", "a-picture-with-a-long-run"],
)
def test_a_picture_is_no_markup_to_refuse(tmp_path: Path, name: str, data: bytes) -> None:
    from xl_engage.package_check import check_parts

    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    with zipfile.ZipFile(good, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(name, data)
    check_parts(good, need_workbook=True)


def _end_record_offset_raised(data: bytes) -> bytes:
    out = bytearray(data)
    end = out.rfind(b"PK\x05\x06")
    (offset,) = struct.unpack_from("<I", out, end + 16)
    struct.pack_into("<I", out, end + 16, offset + 100)
    return bytes(out)


def _name_flagged_utf8_that_is_not(data: bytes) -> bytes:
    out = bytearray(data)
    entry = out.find(b"PK\x01\x02")
    struct.pack_into("<H", out, entry + 8, struct.unpack_from("<H", out, entry + 8)[0] | 0x800)
    out[entry + 46] = 0xFF
    return bytes(out)


@pytest.mark.parametrize(
    "damage",
    [_end_record_offset_raised, _name_flagged_utf8_that_is_not],
    ids=["negative-seek", "bad-utf8-name"],
)
def test_a_damaged_directory_is_one_line(tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    good = tmp_path / "good.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(damage(good.read_bytes()))
    result = run("check", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


# --- the third review: the probe cannot be skipped, and says one line ---

_OUTSIDE_ROWS = _sheet(
    b'<row r="1048575"></row><c r="A1"><v>1</v></c><c><v>2</v></c>' + b"<c/>" * 16_383 + b"<c><v>3</v></c>"
)


def test_padding_the_package_does_not_skip_the_probe(tmp_path: Path) -> None:
    """A bomb beside 4.3 MB of incompressible bytes (a size threshold once skipped the
    probe for it): the library's own read in the child still refuses it."""
    import os

    bad = _rewritten(
        tmp_path, "padded.xlsx", "xl/worksheets/sheet1.xml", lambda old: _whole_sheet(_OUTSIDE_ROWS)
    )
    with zipfile.ZipFile(bad, "a", zipfile.ZIP_STORED) as zf:
        zf.writestr("xl/media/image1.png", os.urandom(4_300_000))
    code, stderr, _ = _check_in_child(bad, tmp_path)
    assert code == 2 and "could not read it within the memory allowed" in stderr, stderr
    assert len(stderr.strip().splitlines()) == 1


def test_a_lower_memory_limit_on_the_user_still_probes(tmp_path: Path) -> None:
    """Under ``ulimit -v`` below the probe's 2 GB the child may not raise its limit; it takes
    the lower one instead of being skipped (which let the library abort the command)."""
    import subprocess

    from tests.hostile.test_cli_refusals import CLI

    bad = _rewritten(
        tmp_path, "outside.xlsx", "xl/worksheets/sheet1.xml", lambda old: _whole_sheet(_OUTSIDE_ROWS)
    )
    done = subprocess.run(
        ["bash", "-c", f'ulimit -v 1900000; "{CLI}" check "{bad}"'],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2 and "could not read it within the memory allowed" in done.stderr, done.stderr


def test_a_library_panic_is_one_line(tmp_path: Path) -> None:
    """Two ``r`` on a cell made the library panic (a BaseException, with its own lines on
    stderr); the probe hears it and says it in one line."""
    rows = b'<row r="1"><c r="B1" r="XFD1048576"><v>1</v></c></row>'
    bad = _rewritten(
        tmp_path, "panic.xlsx", "xl/worksheets/sheet1.xml", lambda old: _whole_sheet(_sheet(rows))
    )
    result = run("check", str(bad))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_a_frozen_program_does_not_probe(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A frozen program's ``sys.executable`` is the program itself: starting it would run
    the command, not the probe (and refuse every file)."""
    import sys

    from xl_engage import probe

    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert probe.start_probe(tmp_path) is None


def test_a_lt_inside_an_attribute_of_the_strings_is_refused(tmp_path: Path) -> None:
    """``<t a="</si>">`` is read by the library as one tag; counted as a string's end it
    would shift every later string's number (and its charge)."""
    bad = _rewritten(
        tmp_path,
        "attr.xlsx",
        "xl/sharedStrings.xml",
        lambda old: iter([old.replace(b"</sst>", b'<si><t a="</si>">short</t></si></sst>')]),
    )
    code, stderr, _ = _check_in_child(bad, tmp_path)
    assert code == 2 and "its shared strings" in stderr, stderr
