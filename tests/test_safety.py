"""Hostile text stays text; broken files are refused clearly; writes are atomic."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import build
from xl_engage.issues import NotAWorkbookError
from xl_engage.layout import Book, Chart, Series, Sheet
from xl_engage.models.pricing import PricingBook
from xl_engage.reader import read_workbook
from xl_engage.render import render

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-1+2", "@SUM(A1:A2)", "=1+1"]


def test_hostile_names_stay_literal_text(tmp_path: Path, pricing_book: PricingBook) -> None:
    lines = list(pricing_book.agreement_lines)
    for i, name in enumerate(HOSTILE):
        lines[i] = lines[i].model_copy(update={"name": name})
    book = pricing_book.model_copy(update={"agreement_lines": tuple(lines)})
    path = build(tmp_path, "pricing", book)
    ws = openpyxl.load_workbook(path)["Agreements"]
    for i, name in enumerate(HOSTILE):
        cell = ws.cell(3 + i, 2)
        assert (cell.value, cell.data_type) == (name, "s")
    loaded = read_workbook(path)
    assert loaded.ok and loaded.model is not None
    assert [a.name for a in loaded.model.agreement_lines[: len(HOSTILE)]] == HOSTILE


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: _write(p, b""), "empty (0 bytes)"),
        (lambda p: _write(p, b"Client,Users\nA,1\n"), "not a zip package"),
        (lambda p: _write(p, b"PK\x03\x04garbage"), "not a zip package"),
    ],
)
def test_broken_files_are_refused_in_one_line(tmp_path: Path, make, says: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "bad.xlsx")
    with pytest.raises(NotAWorkbookError, match=re.escape(says)):
        read_workbook(path)


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "hello")
    with pytest.raises(NotAWorkbookError, match=re.escape("no xl/workbook.xml")):
        read_workbook(path)


def test_foreign_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreign.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(path)
    with pytest.raises(NotAWorkbookError, match="not an xl_engage workbook"):
        read_workbook(path)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("kind", "spaceship", "unknown xl_engage workbook kind 'spaceship'"),
        ("schema_version", 99, "made by a newer xl_engage"),
    ],
)
def test_metadata_is_checked(
    tmp_path: Path, pricing_book: PricingBook, field: str, value: object, says: str
) -> None:
    path = build(tmp_path, "pricing", pricing_book)
    wb = openpyxl.load_workbook(path)
    ws = wb["_xle"]
    row = next(r for r in range(1, 10) if ws.cell(r, 1).value == field)
    ws.cell(row, 2, value)
    wb.save(path)
    with pytest.raises(NotAWorkbookError, match=says):
        read_workbook(path)


def test_failed_render_leaves_the_good_file_alone(tmp_path: Path, pricing_book: PricingBook) -> None:
    good = build(tmp_path, "pricing", pricing_book)
    before = good.read_bytes()
    broken = Book(
        kind="pricing",
        schema_version=1,
        title="broken",
        sheets=(Sheet("S", (Chart("no such table", (Series("x", "Nope", "a", "b"),)),)),),
    )
    with pytest.raises(KeyError):
        render(broken, good)
    assert good.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [good.name]  # no temp file left behind
