"""No placeholders in formulas (issue 16, part 1): a grid formula that depends on its cell
is a function of a :class:`GridCell`, and a table row's extra columns and own formulas are
fields of the :class:`Table`, not magic keys in the row. Nothing is written into a formula
to be substituted later, so model text that looks like a placeholder stays text."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xl_engage.kinds import all_kinds
from xl_engage.layout import (
    Book,
    Column,
    Grid,
    GridCell,
    GridColumn,
    Sheet,
    Table,
    TableSpec,
    constant,
)
from xl_engage.render import render


def _formulas(path: Path, sheet: str) -> dict[str, str]:
    ws = load_workbook(path)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}


def test_a_grid_formula_is_a_function_of_its_cell(tmp_path: Path) -> None:
    grid = Grid(
        "G",
        "Label",
        (
            GridColumn("A", lambda g: f"{g.key}&{g.label}&{g.header}", "text"),
            GridColumn("B", lambda g: f"{g.row('first')}+{g.col('A')}", "int"),
            GridColumn("C", "1+1", "int"),
        ),
        [("first", "One", ["x", 1, 2]), ("second", "Two", ["y", 2, 2])],
    )
    path = tmp_path / "g.xlsx"
    render(Book("roi", 1, "t", (Sheet("S", (grid,)),)), path)
    got = _formulas(path, "S")
    # header on row 1: A1 Label, B1 "A", C1 "B"; rows 2 and 3
    assert got["B2"] == '="first"&$A2&B$1'
    assert got["B3"] == '="second"&$A3&B$1'
    assert got["C2"] == "=C2+B2"  # this column's cell in row "first", this row's cell in column A
    assert got["C3"] == "=C2+B3"
    assert got["D3"] == "=1+1"


@pytest.mark.parametrize("text", ["R&D {key}", "{row:first}", "{col:A} {label} {header}", 'a "quoted" {x}'])
def test_model_text_that_looks_like_a_placeholder_stays_text(tmp_path: Path, text: str) -> None:
    grid = Grid(
        "G", "Label", (GridColumn("A", lambda g: f"LEN({g.key})", "int"),), [(text, text, [len(text)])]
    )
    path = tmp_path / "g.xlsx"
    render(Book("roi", 1, "t", (Sheet("S", (grid,)),)), path)
    got = _formulas(path, "S")
    assert got["B2"] == f"=LEN({constant(text)})"
    assert got["A2"] == text
    assert "CHAR(" not in got["B2"]  # the braces are not spelled out: nothing would read them


def test_a_grid_formula_naming_a_row_or_column_the_grid_lacks_is_refused(tmp_path: Path) -> None:
    for formula, missing in (
        (lambda g: g.row("nope"), "row 'nope'"),
        (lambda g: g.col("Nope"), "column 'Nope'"),
    ):
        grid = Grid("G", "Label", (GridColumn("A", formula),), [("k", "K", [0])])
        path = tmp_path / "g.xlsx"
        with pytest.raises(ValueError, match=f"unknown {missing}"):
            render(Book("roi", 1, "t", (Sheet("S", (grid,)),)), path)
        assert not path.exists()


def test_a_grid_cell_refers_like_excel() -> None:
    g = GridCell("2026-04", 4, 2, 3, {"first": 4, "total": 9}, {"Budget": 1, "Actual": 2})
    assert (g.key, g.label, g.header) == ('"2026-04"', "$A5", "C$4")
    assert (g.row("total"), g.col("Budget")) == ("C10", "B5")


SPEC = TableSpec("T", "S", "items", (Column("Name", "name"), Column("Twice", "twice", "int", formula="0")))


def test_a_table_row_carries_its_extra_columns_and_own_formulas(tmp_path: Path) -> None:
    block = Table(
        SPEC,
        [{"name": "a", "twice": 2}, {"name": "b", "twice": 4}],
        extras=[{"Notes": "first"}, {"Notes": "{key} second"}],
        formulas=[{}, {"twice": "2*2"}],
    )
    path = tmp_path / "t.xlsx"
    render(Book("roi", 1, "t", (Sheet("S", (block,)),)), path)
    got = _formulas(path, "S")
    # row 1: the legend for input cells; row 2: the header
    assert (got["A2"], got["B2"], got["C2"]) == ("Name", "Twice", "Notes")
    assert (got["C3"], got["C4"]) == ("first", "{key} second")
    assert got["B3"] == "=0"  # the column's formula
    assert got["B4"] == "=2*2"  # the row's own


@pytest.mark.parametrize("field", ["extras", "formulas"])
def test_per_row_fields_must_match_the_rows(field: str) -> None:
    with pytest.raises(ValueError, match=f"1 {field} for 2 rows"):
        Table(SPEC, [{"name": "a"}, {"name": "b"}], **{field: [{}]})  # type: ignore[arg-type]


_PLACEHOLDER = re.compile(r"\{(key|label|header|row:[^}]*|col:[^}]*)\}")


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.name)
def test_no_kind_writes_a_placeholder_or_formats_a_formula(kind: object) -> None:
    """One mechanism, and it is Python's: no ``{key}`` text for the renderer to replace, no
    ``str.format`` over a formula, no magic row keys."""
    module = importlib.import_module(kind.build.__module__)  # type: ignore[attr-defined]
    path = Path(module.__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        f"{path.name}:{node.lineno}: {ast.unparse(node)[:80]}"
        for node in ast.walk(tree)
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and (
                _PLACEHOLDER.search(node.value) or (node.value.startswith("__") and node.value.endswith("__"))
            )
        )
        or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        )
    ]
    assert found == []


def test_with_formulas_gives_formulas_only_to_calculated_columns() -> None:
    from xl_engage.kinds.common import this, with_formulas
    from xl_engage.layout import CALCULATED

    spec = TableSpec(
        "T", "S", "items", (Column("Name", "name"), Column("Twice", "twice", "int", formula=CALCULATED))
    )
    done = with_formulas(spec, lambda t: {"twice": f"2*LEN({this(t, 'name')})"})
    assert done.column("twice").formula == "2*LEN(T[[#This Row],[Name]])"
    with pytest.raises(ValueError, match="no calculated column 'twcie'"):
        with_formulas(spec, {"twcie": "1"})  # a typo is a mistake at import, not a column left waiting
    with pytest.raises(ValueError, match="no calculated column 'name'"):
        with_formulas(spec, {"name": "1"})  # an input is not turned into a formula by a slip


def test_a_calculated_column_left_without_its_formula_is_refused(tmp_path: Path) -> None:
    from xl_engage.layout import CALCULATED

    spec = TableSpec(
        "T", "S", "items", (Column("Name", "name"), Column("Twice", "twice", "int", formula=CALCULATED))
    )
    path = tmp_path / "t.xlsx"
    with pytest.raises(ValueError, match="no formula was given to Twice"):
        render(Book("roi", 1, "t", (Sheet("S", (Table(spec, [{"name": "a"}]),)),)), path)
    assert not path.exists()


def test_a_row_formula_for_a_column_that_is_not_calculated_is_refused() -> None:
    """Review: it was dropped without a word (with_formulas refuses the same slip)."""
    with pytest.raises(ValueError, match="no calculated column 'name', 'twcie'"):
        Table(SPEC, [{"name": "a"}], formulas=[{"twcie": "2*2", "name": "1+1"}])


def test_a_category_named_like_the_labels_is_charted_as_itself(tmp_path: Path) -> None:
    """Review: a grid column headed like LABELS was charted from the label column."""
    import zipfile

    from xl_engage.layout import LABELS, Chart, Series

    grid = Grid(
        "G", "Quarter", (GridColumn("A", "1", "int"), GridColumn(LABELS, "2", "int")), [(1, "Q1", [1, 2])]
    )
    chart = Chart("c", (Series("odd", "G", LABELS, LABELS),))
    path = tmp_path / "g.xlsx"
    render(Book("roi", 1, "t", (Sheet("S", (grid, chart)),)), path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/charts/chart1.xml").decode()
    values = xml.split("<c:val>")[1].split("</c:val>")[0]
    categories = xml.split("<c:cat>")[1].split("</c:cat>")[0]
    assert "<c:f>S!$C$2</c:f>" in values  # its own column, the third
    assert "<c:f>S!$A$2</c:f>" in categories  # the labels
