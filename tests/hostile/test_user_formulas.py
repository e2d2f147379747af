"""A user's own column keeps its formulas through ``--from``, wherever the rebuild puts it.

The edit is made as a person would: openpyxl adds the column and its formulas, then
LibreOffice opens and saves the file (so every formula carries a cached value and the
package is one a spreadsheet program wrote). LibreOffice then recalculates the rebuilt
workbooks, and every kept formula must show what it showed in the user's file.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.hostile.test_cli_refusals import run, sample_budget
from xl_engage.formula_refs import portable, resolve, shift, user_column
from xl_engage.recalc import recalculate


def _header_row(ws: openpyxl.worksheet.worksheet.Worksheet) -> int:
    for row in ws.iter_rows(min_row=1, max_row=10):
        if any(c.value == "Asset ID" for c in row):
            return row[0].row
    raise AssertionError("no Assets header")


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header_row: int, name: str) -> int:
    return next(c.column for c in ws[header_row] if c.value == name)


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """Contoso's budget with two columns of the user's own, saved by LibreOffice."""
    folder = tmp_path_factory.mktemp("formulas")
    book = sample_budget(folder / "b.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Assets"]
    top = _header_row(ws)
    ident, cost, life = (
        openpyxl.utils.get_column_letter(_column(ws, top, h))
        for h in ("Asset ID", "Replacement cost", "Life years")
    )
    rows = range(top + 1, ws.max_row + 1)
    last = ws.max_column
    serial = openpyxl.utils.get_column_letter(last + 3)
    ws.cell(top, last + 1, "Tag")
    ws.cell(top, last + 2, "Summed")
    ws.cell(top, last + 3, "Serial")  # like the table's "Serial number": rebuilt as "Serial (2)"
    ws.cell(top, last + 4, "Combined")
    for r in rows:
        ws.cell(r, last + 1, f'={ident}{r}&"-"&{cost}{r}*2')  # its own row: kept
        ws.cell(r, last + 2, f"=SUM({cost}${top + 1}:{cost}{r})")  # a running sum: other rows
        ws.cell(r, last + 3, f"SN-{r}")
        ws.cell(r, last + 4, f'={serial}{r}&"/"&({life}{r}+1)')  # a user column and a calculated one
    table = ws.tables["Assets"]
    first, _, end = table.ref.partition(":")
    table.ref = (
        f"{first}:{openpyxl.utils.get_column_letter(last + 4)}{end.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
    )
    table._initialise_columns()
    for col, name in zip(table.tableColumns, [c.value for c in ws[top][: last + 4]], strict=False):
        col.name = str(name)
    wb.save(book)
    saved = recalculate([book], folder / "saved")[0]
    return saved, len(rows)


def test_a_formula_of_its_own_row_is_kept_and_one_reaching_other_rows_is_said(
    edited: tuple[Path, int], tmp_path: Path
) -> None:
    saved, count = edited
    result = run("check", str(saved))
    said = result.stdout + result.stderr
    assert "'Tag' holds formulas" not in said
    assert "your column 'Summed' holds formulas" in said and "refer to cells outside their row" in said
    again = tmp_path / "again.xlsx"
    result = run("budget", "--from", str(saved), "--out", str(again))
    assert result.returncode == 0, result.stderr
    twice = tmp_path / "twice.xlsx"
    assert run("budget", "--from", str(again), "--out", str(twice)).returncode == 0
    before = openpyxl.load_workbook(saved, data_only=True)["Assets"]
    for path in (again, twice):
        ws = openpyxl.load_workbook(path)["Assets"]
        top = _header_row(ws)
        tag = _column(ws, top, "Tag")
        formulas = [ws.cell(r, tag).value for r in range(top + 1, top + 1 + count)]
        assert all(
            isinstance(f, str) and f.startswith("=Assets[[#This Row],[Asset ID]]&") for f in formulas
        ), formulas[:3]
        assert isinstance(ws.cell(top + 1, _column(ws, top, "Summed")).value, int | float)  # a value
        combined = _column(ws, top, "Combined")
        assert ws.cell(top + 1, combined).value.startswith("=Assets[[#This Row],[Serial (2)]]&")
        recalculated = openpyxl.load_workbook(recalculate([path], tmp_path / path.stem)[0], data_only=True)
        btop = _header_row(before)
        for name in ("Tag", "Combined"):
            col = _column(ws, top, name)
            shown = [recalculated["Assets"].cell(r, col).value for r in range(top + 1, top + 1 + count)]
            was = _column(before, btop, name)
            expected = [before.cell(r, was).value for r in range(btop + 1, btop + 1 + count)]
            assert shown == expected and all(isinstance(v, str) and v for v in shown), name


def test_shared_formulas_and_references_are_moved_as_excel_moves_them() -> None:
    assert shift('B3*2+$C$1+"A1"+SUM(D3:D9)', 2, 1) == 'C5*2+$C$1+"A1"+SUM(E5:E11)'
    columns = {1: "Cost", 2: "Qty '[x']", 3: user_column("Serial")}
    kept = portable('B3*2+LOG10(C3)&"B4"&D3', 2, columns, "Assets")
    assert kept is not None
    assert resolve(kept, "Assets", {}) == (
        "Assets[[#This Row],[Cost]]*2+LOG10(Assets[[#This Row],[Qty '[x']]])&\"B4\""
        "&Assets[[#This Row],[Serial]]"
    )
    # a family's table renamed by the rebuild, a user column shown under another name
    assert resolve(kept, "Actuals_2", {"Serial": "Serial (2)"}).endswith(
        "&Actuals_2[[#This Row],[Serial (2)]]"
    )
    for other in ("B4*2", "SUM(B3:B9)", "Other!B3", "B$3", "E3", "[1]Sheet1!A1", "ROW()", "OFFSET(B3,0,1)"):
        assert portable(other, 2, columns, "Assets") is None, other
    typed = portable("Assets[[#This Row],[Cost A1]]*2", 2, columns, "Assets")  # Excel's own form
    assert typed is not None and resolve(typed, "Assets_1", {}) == "Assets_1[[#This Row],[Cost A1]]*2"


def test_a_reference_to_a_user_column_follows_the_name_it_is_shown_under() -> None:
    """Review: a formula naming the user's column "@x" by Excel's own form kept the literal
    [@x]; rebuilt, the column is shown as "＠x" (a leading @ reads as the this-row
    shorthand) and the formula said #NAME?."""
    columns = {1: "Cost", 3: user_column("@x")}
    kept = portable(
        "Assets[[#This Row],[@x]]*2+Assets[[#This Row],[Cost]]", 2, columns, "Assets", {"@x": columns[3]}
    )
    assert kept is not None
    assert (
        resolve(kept, "Assets", {"@x": "\uff20x"})
        == "Assets[[#This Row],[\uff20x]]*2+Assets[[#This Row],[Cost]]"
    )
    upper = portable(
        "Assets[[#This Row],[@X]]", 2, columns, "Assets", {"@x": columns[3]}
    )  # Excel ignores case
    assert (
        upper is not None and resolve(upper, "Assets", {"@x": "\uff20x"}) == "Assets[[#This Row],[\uff20x]]"
    )
    escaped = portable("Assets[[#This Row],[a'[1']]]", 2, columns, "Assets", {"a'[1']": user_column("a[1]")})
    assert escaped is not None and resolve(escaped, "Assets", {"a[1]": "a[1] (2)"}) == (
        "Assets[[#This Row],[a'[1'] (2)]]"
    )


def test_a_column_of_formulas_saved_without_values_is_an_error_not_a_lost_column(
    edited: tuple[Path, int],
) -> None:
    """Saved by openpyxl (no values), the running sum's values are nothing: kept as values,
    the rebuild dropped the column (a review). An error at its first cell, once for the
    column; the formulas of their own row are kept as formulas and need no value."""
    saved, _ = edited
    unsaved = saved.parent.parent / "b.xlsx"  # the same edit before LibreOffice saved it
    result = run("check", str(unsaved))
    said = [line for line in result.stdout.splitlines() if "saved without their values" in line]
    assert result.returncode == 1 and len(said) == 1, result.stdout
    assert "your column 'Summed' holds formulas (=SUM(" in said[0] and "warning" not in said[0]
    assert "'Tag'" not in result.stdout
