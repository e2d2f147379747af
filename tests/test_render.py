"""The renderer's speed-up must not change a byte of what XlsxWriter writes."""

from __future__ import annotations

import dataclasses
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


@pytest.mark.parametrize(
    ("formula", "shielded"),
    [
        ('LEN("Re-SORT(2026)")', 'LEN("Re-SORT\x002026)")'),
        ('"a""SORT(""b"&SORT(A1)', '"a""SORT\x00""b"&SORT(A1)'),  # a doubled quote stays inside the text
        ("SUM(Matrix[UNIQUE(team)])", "SUM(Matrix[UNIQUE\x00team)])"),
        ("T[[#This Row],[a'[FILTER(b]]*2", "T[[#This Row],[a'[FILTER\x00b]]*2"),  # '[ is a literal bracket
        ("'SORT(x) ''y'''!A1+SORT(B1)", "'SORT\x00x) ''y'''!A1+SORT(B1)"),
        ("SUM(A1:A3)", "SUM(A1:A3)"),
    ],
)
def test_only_real_calls_are_seen_by_xlsxwriter(formula: str, shielded: str) -> None:
    from xl_engage.render import _shielded

    assert _shielded(formula) == shielded


def test_an_excel_365_function_name_in_a_text_stays_text(tmp_path: Path) -> None:
    """Review: XlsxWriter rewrote "Re-SORT(2026)" to "Re-_xlfn._xlws.SORT(2026)" inside its
    own quotes and made the cell an array formula: the category's sums matched nothing (the
    LibreOffice tier shows the numbers: test_reconciliation_with_awkward_names_…)."""
    from xl_engage.layout import Book, Column, Grid, GridColumn, Sheet, Table, TableSpec, constant
    from xl_engage.render import render

    spec = TableSpec(
        "T", "S", "items", (Column("UNIQUE(team)", "name"), Column("N", "n", "int", formula="0"))
    )
    spec = dataclasses.replace(
        spec,
        columns=(spec.columns[0], dataclasses.replace(spec.columns[1], formula=f"LEN({spec.ref('name')})")),
    )
    grid = Grid(
        "G", "x", (GridColumn("c", lambda g: f"LEN({g.key})", "int"),), [("Re-SORT(2026)", "a", [13])]
    )
    path = tmp_path / "t.xlsx"
    render(Book("roi", 1, "t", (Sheet("S", (Table(spec, [{"name": "FILTER(x)", "n": 9}]), grid)),)), path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
        table = z.read("xl/tables/table1.xml").decode()
    assert "_xlfn" not in xml and "_xlfn" not in table and 'cm="1"' not in xml
    assert f"<f>LEN({constant('Re-SORT(2026)')})</f>" in xml
    assert "T[[#This Row],[UNIQUE(team)]]" in table
