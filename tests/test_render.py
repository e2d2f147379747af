"""The renderer's speed-up must not change a byte of what XlsxWriter writes."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from xlsxwriter.worksheet import Worksheet

from tests.helpers import build
from xl_engage import render
from xl_engage.inputs.budget import load_budget
from xl_engage.models.pricing import PricingBook


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:  # core.xml holds the creation time
        return {n: zf.read(n) for n in zf.namelist() if n != "docProps/core.xml"}


@pytest.mark.parametrize("kind", ["pricing", "budget"])
def test_caching_worksheet_writes_what_stock_xlsxwriter_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pricing_book: PricingBook, kind: str
) -> None:
    if kind == "budget":
        model, _ = load_budget(Path(__file__).parent / "data" / "budget" / "acme" / "client.toml")
    else:
        model = pricing_book
    fast = build(tmp_path, kind, model, "fast.xlsx")
    monkeypatch.setattr(render._Renderer, "worksheet_class", Worksheet)
    stock = build(tmp_path, kind, model, "stock.xlsx")
    assert _parts(fast) == _parts(stock)
    assert len(_parts(fast)) > 10


def test_a_formula_excel_would_refuse_is_refused_at_write_time(tmp_path: Path) -> None:
    from xl_engage.layout import Book, Grid, GridColumn, Sheet
    from xl_engage.render import MAX_FORMULA, render

    too_long = "+".join(["1"] * (MAX_FORMULA // 2 + 1))
    grid = Grid("G", "x", (GridColumn("c", too_long, "int"),), [(1, "a", [0])])
    book = Book("roi", 1, "t", (Sheet("S", (grid,)),))
    target = tmp_path / "t.xlsx"
    with pytest.raises(ValueError, match="exceeds Excel's 8,192"):
        render(book, target)
    assert not target.exists()  # nothing half-written
