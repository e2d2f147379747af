"""Test helpers: build a workbook to a temp path, read every cell back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine
from pydantic import BaseModel

from xl_engage.build import write_workbook


def build(tmp_path: Path, kind: str, model: BaseModel, name: str = "book.xlsx") -> Path:
    return write_workbook(kind, model, tmp_path / name)


def all_cells(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values (cached values for formulas), for content comparisons."""
    book = python_calamine.load_workbook(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}


# --- editing a workbook as a user does (openpyxl), one set of helpers for every test file -----


def edited(
    tmp_path: Path, kind: str, model: BaseModel, edit: Callable[[Any], Any], name: str = "book.xlsx"
) -> tuple[Any, Any]:
    """Build ``model``, let ``edit`` change the workbook (openpyxl), save, read it back:
    (what the reader made of it, what ``edit`` returned)."""
    import openpyxl

    from xl_engage.reader import read_workbook

    path = build(tmp_path, kind, model, name)
    wb = openpyxl.load_workbook(path)
    said = edit(wb)
    wb.save(path)
    return read_workbook(path), said


def table_cell(wb: Any, table: str, row: int, header: str) -> Any:
    """A cell of an Excel table by data row (0 = first, may be below the table) and header;
    ``table`` may be a family's prefix (``Actuals_2``: the second vCIO's actuals)."""
    from openpyxl.utils.cell import range_boundaries

    for ws in wb.worksheets:
        for name, ref in ws.tables.items():
            if name == table or name.startswith(table + "_"):
                min_col, header_row, max_col, _ = range_boundaries(ref)
                cols = {ws.cell(header_row, c).value: c for c in range(min_col, max_col + 1)}
                return ws.cell(header_row + 1 + row, cols[header])
    raise AssertionError(f"no table {table}")


def table_header(ws: Any, first: str) -> tuple[int, dict[str, int]]:
    """The row of a table's header whose first column reads ``first`` (in the sheet's first
    30 rows), and each header's column."""
    top = next(r for r in range(1, 30) if ws.cell(r, 1).value == first)
    return top, {ws.cell(top, c).value: c for c in range(1, ws.max_column + 1) if ws.cell(top, c).value}


@dataclass(frozen=True)
class Ran:
    """What a command run in this process said, and its exit code."""

    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def invoke(args: list[str]) -> Ran:
    """``xl-engage ARGS`` run in this process, its output captured (faster than a subprocess)."""
    import contextlib
    import io

    from xl_engage.cli import app

    out, err = io.StringIO(), io.StringIO()
    code: int = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            app(args)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return Ran(code, out.getvalue(), err.getvalue())
