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
    assert f"Agreements!D14: Hours per occurrence holds the error {error}: type a value, or clear it" in said


def test_an_error_in_a_named_input_cell_is_an_error_there(tmp_path: Path, pricing_book: PricingBook) -> None:
    said = _edit(tmp_path, pricing_book, {("Overview", "B5"): ("#N/A", "error")})
    assert any(s.startswith("Overview!B5: ") and "holds the error #N/A" in s for s in said), said


def test_a_formula_typed_into_an_input_cell_is_read_with_a_warning(
    tmp_path: Path, pricing_book: PricingBook
) -> None:
    path = build(tmp_path, "pricing", pricing_book)
    wb = openpyxl.load_workbook(path)
    wb["Agreements"]["D14"] = "=1+2"
    wb.save(path)
    loaded = read_workbook(path)
    assert (
        "Agreements!D14: warning: Hours per occurrence is a formula (=1+2): its value is read, and a "
        "rebuild writes that value, not the formula"
    ) in [str(i) for i in loaded.issues]


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
