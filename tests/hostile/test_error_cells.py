"""Error values and formulas typed into input cells are said at their cell, never read as
blank or as a cached value in silence (issue 11, item 3)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.helpers import build
from xl_engage.models.pricing import PricingBook
from xl_engage.reader import read_workbook

# Agreements: header row 2, first data row 3; D = Hours per occurrence. Overview!B5: the vCIO
# share (a named input cell).


def _edit(tmp_path: Path, book: PricingBook, cells: dict[tuple[str, str], tuple[str, str]]) -> list[str]:
    path = build(tmp_path, "pricing", book)
    wb = openpyxl.load_workbook(path)
    for (sheet, ref), (value, kind) in cells.items():
        wb[sheet][ref] = value
        if kind == "error":
            wb[sheet][ref].data_type = "e"
    wb.save(path)
    return [str(i) for i in read_workbook(path).issues]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#DIV/0!", "#VALUE!"])
def test_an_error_in_an_input_cell_is_an_error_there(
    tmp_path: Path, pricing_book: PricingBook, error: str
) -> None:
    said = _edit(tmp_path, pricing_book, {("Agreements", "D14"): (error, "error")})
    assert [s for s in said if s.startswith("Agreements!D14: ")] == [
        f"Agreements!D14: Hours per occurrence holds the error {error}: type a value, or clear it"
    ]  # said once: not also "is required" at the same cell


def test_an_error_in_a_named_input_cell_is_an_error_there(tmp_path: Path, pricing_book: PricingBook) -> None:
    said = _edit(tmp_path, pricing_book, {("Overview", "B5"): ("#N/A", "error")})
    assert any(s.startswith("Overview!B5: ") and "holds the error #N/A" in s for s in said), said


def test_a_formula_typed_into_an_input_cell_is_read_with_a_warning(
    tmp_path: Path, pricing_book: PricingBook
) -> None:
    """Saved by a spreadsheet program, the formula carries its value: that value is read."""
    from xl_engage.recalc import recalculate

    path = build(tmp_path, "pricing", pricing_book)
    wb = openpyxl.load_workbook(path)
    wb["Agreements"]["D14"] = "=1+2"
    wb.save(path)
    (saved,) = recalculate([path], tmp_path / "lo")  # as Excel or LibreOffice saves it
    loaded = read_workbook(saved)
    assert (
        "Agreements!D14: warning: Hours per occurrence is a formula (=1+2): its value is read, and a "
        "rebuild writes that value, not the formula"
    ) in [str(i) for i in loaded.issues]


@pytest.mark.parametrize(
    ("sheet", "ref", "label"), [("Agreements", "D14", "Hours per occurrence"), ("Overview", "B5", None)]
)
def test_a_formula_saved_without_its_value_is_an_error_not_a_blank(
    tmp_path: Path, pricing_book: PricingBook, sheet: str, ref: str, label: str | None
) -> None:
    """openpyxl (and other writers that do not calculate) save a formula with no value: read
    as blank, a unit cost dropped out of every total and the rebuilt file checked valid (a
    field trial). It is an error at its cell, saying how to give it a value."""
    said = _edit(tmp_path, pricing_book, {(sheet, ref): ("=100*2", "formula")})
    mine = [s for s in said if s.startswith(f"{sheet}!{ref}: ")]
    assert len(mine) == 1 and "warning" not in mine[0], said  # not also "is required"
    assert (
        "(=100*2) saved without its value" in mine[0] and "open the file in Excel or LibreOffice" in mine[0]
    )
    if label:
        assert mine[0].startswith(f"{sheet}!{ref}: {label} is a formula")


def test_only_a_file_saved_since_it_was_written_is_searched(
    tmp_path: Path, pricing_book: PricingBook
) -> None:
    """A workbook as xl_engage wrote it holds no typed errors or formulas, so the costly search
    is skipped; saved by any other program (openpyxl here, Excel, LibreOffice), it is made."""
    from xl_engage.xlsx import open_xlsx

    path = build(tmp_path, "pricing", pricing_book)
    assert open_xlsx(path).edited is False
    openpyxl.load_workbook(path).save(path)  # the same second, even: the program's stamp differs
    assert open_xlsx(path).edited is True
