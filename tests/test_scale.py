"""Scale limits (issue 15, part 3): what one Excel sheet cannot hold is refused in one line,
before any work is spent on it, and never written short (XlsxWriter drops rows past the
sheet's end without a word)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from xl_engage import layout
from xl_engage.issues import RefusedError
from xl_engage.layout import EXCEL_ROWS, Book, Column, Sheet, Table, TableSpec, table_fits
from xl_engage.render import render

EXPORTS = Path(__file__).parent / "data" / "exports"


def test_a_table_that_fills_the_sheet_exactly_fits_and_one_more_row_is_refused() -> None:
    table_fits("t", EXCEL_ROWS - 1, 1)  # a header in row 0, rows 1 … 1,048,575
    with pytest.raises(RefusedError, match=r"1,048,576 rows do not fit in one Excel sheet"):
        table_fits("t", EXCEL_ROWS, 1)


class _Rows:
    """Rows a table claims to have, without a million of them in memory."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[dict[str, object]]:
        return iter(())


def test_the_renderer_refuses_a_table_longer_than_a_sheet_and_writes_nothing(tmp_path: Path) -> None:
    spec = TableSpec("Big", "Big", "big", (Column("Name", "name"),))
    book = Book("bench", 1, "Big", (Sheet("Big", (Table(spec, _Rows(EXCEL_ROWS)),)),))  # type: ignore[arg-type]
    out = tmp_path / "big.xlsx"
    with pytest.raises(RefusedError, match=r"the table Big on sheet Big: 1,048,576 rows do not fit"):
        render(book, out)
    assert list(tmp_path.iterdir()) == []  # atomic: no file, no temporary left behind


def test_a_ledger_longer_than_a_sheet_is_refused_before_its_rows_are_worked_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same check the full size would meet, on a real export, with the limit lowered
    (a 1,048,576-row ledger takes minutes to read)."""
    from xl_engage.inputs.reconcile import load_ledger

    ledger = EXPORTS / "quickbooks-online" / "transaction-list-by-date.csv"
    monkeypatch.setattr(layout, "EXCEL_ROWS", 8)
    with pytest.raises(RefusedError, match=r"transaction-list-by-date.csv: the ledger: \d+ rows do not fit"):
        load_ledger(ledger)


def test_a_block_pushed_past_the_sheet_by_a_long_table_is_refused(tmp_path: Path) -> None:
    """Review: a grid below a table that nearly fills the sheet was dropped without a word."""
    from xl_engage.layout import Grid, GridColumn

    spec = TableSpec("Big", "Big", "big", (Column("Name", "name"),))
    grid = Grid("After", "Label", (GridColumn("Total", "1"),), [(1, "one", [1])], title="After")
    book = Book(
        "bench",
        1,
        "Big",
        (Sheet("Big", (Table(spec, _Rows(EXCEL_ROWS - 5)), grid)),),  # type: ignore[arg-type]
    )
    with pytest.raises(RefusedError, match=r"the sheet Big: .* rows do not fit"):
        render(book, tmp_path / "big.xlsx")
    assert list(tmp_path.iterdir()) == []
