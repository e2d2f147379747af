"""Long tables are written out in spooled rows (issue 15, part 3): a million-row ledger never
holds all its cells in memory, and the file says exactly what an unspooled one says."""

from __future__ import annotations

import contextlib
import os
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from tests.helpers import all_cells
from xl_engage import render
from xl_engage.build import write_workbook
from xl_engage.kinds import Kind, all_kinds
from xl_engage.reader import read_workbook


def _first_samples() -> list[Any]:
    out = []
    for kind in all_kinds():
        assert kind.samples is not None
        name, model = next(iter(kind.samples(None)))
        out.append(pytest.param(kind, model, id=name.removesuffix(".xlsx")))
    return out


def _formulas(path: Path) -> dict[str, dict[str, Any]]:
    book = openpyxl.load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row} for ws in book}


def _charts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n.startswith("xl/charts/")}


def _rows(path: Path) -> dict[str, dict[int, tuple[Any, ...]]]:
    """Each sheet's row settings: height, outline level, hidden."""
    book = openpyxl.load_workbook(path)
    return {
        ws.title: {
            r: (d.height, d.outlineLevel, d.hidden)
            for r, d in ws.row_dimensions.items()
            if d.height or d.outline_level
        }
        for ws in book
    }


@pytest.mark.parametrize(("kind", "model"), _first_samples())
def test_a_spooled_workbook_says_what_an_unspooled_one_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: Kind, model: Any
) -> None:
    whole = write_workbook(kind.name, model, tmp_path / "whole.xlsx")
    monkeypatch.setattr(render, "SPOOL_ROWS", 3)  # every table of more than 3 rows is spooled
    spooled = write_workbook(kind.name, model, tmp_path / "spooled.xlsx")
    assert all_cells(spooled) == all_cells(whole)
    assert _formulas(spooled) == _formulas(whole)
    assert _rows(spooled) == _rows(whole)
    assert _charts(spooled) == _charts(whole)  # a chart's cached data comes from unspooled cells
    back, before = read_workbook(spooled), read_workbook(whole)
    assert back.model == before.model
    assert back.model is not None
    assert back.issues == before.issues


def test_rows_spooled_out_cannot_be_written_again(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S", worksheet_class=render.CachingWorksheet)
    assert isinstance(ws, render.CachingWorksheet)
    ws.write_string(0, 0, "head")
    for r in range(1, 7):
        ws.write_number(r, 0, r)
        ws.write_formula(r, 1, f"=A{r + 1}*2", None, 2 * r)
    ws.spool_rows(1, 3)
    ws.spool_rows(4, 6)
    with pytest.raises(RuntimeError, match="row 3 of sheet S was already written out"):
        ws.write_number(2, 0, 99)  # would be lost: said loudly instead
    with pytest.raises(RuntimeError, match="already written out"):
        ws.set_row(5, 30)
    with pytest.raises(ValueError, match="out of order"):
        ws.spool_rows(2, 2)
    ws.write_string(8, 0, "below")  # rows below and above the spooled ones are written as ever
    ws.write_string(0, 1, "beside the head")
    wb.close()
    rows = python_calamine.load_workbook(str(path)).get_sheet_by_name("S").to_python(skip_empty_area=False)
    assert rows[0] == ["head", "beside the head"]
    assert [r[0] for r in rows[1:7]] == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert [r[1] for r in rows[1:7]] == [2.0, 4.0, 6.0, 8.0, 10.0, 12.0]
    assert rows[8][0] == "below"


def test_tables_that_overlap_are_still_refused(tmp_path: Path) -> None:
    """The overlap check is by range, not by a dictionary entry per cell: still a refusal."""
    from xlsxwriter.exceptions import OverlappingRange

    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    ws = wb.add_worksheet("S", worksheet_class=render.CachingWorksheet)
    assert ws.add_table(0, 0, 5, 3, {"name": "First"}) == 0
    with pytest.raises(OverlappingRange, match="overlaps previous table range 'A1:D6'"):
        ws.add_table(5, 3, 8, 6, {"name": "Second"})
    with pytest.raises(OverlappingRange, match="overlaps previous table range 'A1:D6'"):
        ws.merge_range(2, 2, 3, 5, "x")
    assert ws.add_table(6, 0, 8, 3, {"name": "Third"}) == 0  # just below: fine
    assert ws.table_cells.get((7, 2)) == "A7:D9"
    assert ws.table_cells.get((9, 2)) is None
    wb.close()


def test_a_party_s_rows_fold_under_its_first_on_the_delivered_sheet(tmp_path: Path) -> None:
    """Every row of a delivered sheet is given its height outright; that used to drop the
    outline level, so By party's rows no longer folded under each party."""
    kind = next(k for k in all_kinds() if k.name == "raci")
    assert kind.samples is not None
    _, model = next(iter(kind.samples(None)))
    path = write_workbook("raci", model, tmp_path / "raci.xlsx")
    ws = openpyxl.load_workbook(path)["By party"]
    folded = [r for r, d in ws.row_dimensions.items() if d.outline_level == 1]
    parties = {ws.cell(r, 1).value for r in range(3, ws.max_row + 1)} - {None}
    rows = ws.max_row - 2  # below the title and the header
    assert len(folded) == rows - len(parties)  # all but each party's first row
    assert all(ws.row_dimensions[r].height >= 15.75 for r in folded)  # a height said outright too


def test_a_render_that_fails_after_spooling_leaves_no_temporary_file_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xl_engage.layout import Book, Cells, CellSpec, Column, Sheet, Table, TableSpec

    monkeypatch.setattr(render, "SPOOL_ROWS", 2)
    spec = TableSpec("Long", "S", "rows", (Column("Value", "value", "int"),))
    broken = CellSpec("Broken", "Broken", "broken", "int", formula="NoSuchName*2")
    book = Book(
        "test", 1, "t", (Sheet("S", (Table(spec, [{"value": n} for n in range(9)]), Cells(((broken, 0),)))),)
    )

    def spool_files() -> int:
        """Open files already deleted (a spool is a TemporaryFile); on Linux, 0 elsewhere."""
        found = 0
        for fd in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else []:
            with contextlib.suppress(OSError):  # the listing's own descriptor, gone
                found += "(deleted)" in os.readlink(f"/proc/self/fd/{fd}")
        return found

    before = spool_files()
    with pytest.raises(ValueError, match="NoSuchName"):
        render.render(book, tmp_path / "t.xlsx")
    assert spool_files() == before
    assert not (tmp_path / "t.xlsx").exists()
