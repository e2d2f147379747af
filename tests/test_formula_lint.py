"""Formula lint (issue 16, part 2): every name in every formula of every generated workbook
is a defined name, a table and columns that exist, a cell of a sheet that exists, or a
function Excel 2016 and LibreOffice both evaluate. No LibreOffice needed: it runs on every
kind in seconds, and catches a renamed named cell, table or column (a ``#NAME?`` or ``#REF!``
in the file) whether or not a LibreOffice test reaches that cell.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.formula import Tokenizer

from xl_engage.kinds import all_kinds

CLI = str(Path(sys.executable).parent / "xl-engage")

_FUNCTIONS = """
    ABS AND AVERAGE AVERAGEIF AVERAGEIFS CEILING CHAR CHOOSE CLEAN CODE COLUMN COLUMNS CONCATENATE
    COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS DATE DATEDIF DATEVALUE DAY DAYS EDATE EOMONTH EXACT
    FIND FLOOR HLOOKUP IF IFERROR IFNA INDEX INT ISBLANK ISERROR ISNA ISNUMBER ISTEXT LARGE LEFT
    LEN LOWER MATCH MAX MEDIAN MID MIN MOD MONTH N NA NETWORKDAYS NOT NOW OR PMT PROPER RANK
    REPLACE REPT RIGHT ROUND ROUNDDOWN ROUNDUP ROW ROWS SEARCH SIGN SMALL SUBSTITUTE SUBTOTAL SUM
    SUMIF SUMIFS SUMPRODUCT T TEXT TODAY TRIM TRUNC UPPER VALUE VLOOKUP WEEKDAY YEAR
"""
EXCEL_2016_AND_LIBREOFFICE = frozenset(_FUNCTIONS.split())
"""Functions of Excel 2016 (perpetual) that LibreOffice evaluates alike: the test's own list,
kept apart from the renderer's (xl_engage.formula_names) on purpose, so that adding a newer
function there does not pass here unseen. Not here on purpose:
IFS, SWITCH, MAXIFS, MINIFS, CONCAT, TEXTJOIN (Excel 2019), XLOOKUP, LET, LAMBDA, FILTER,
SORT, UNIQUE, SEQUENCE (Microsoft 365)."""

_SPECIAL = {"#this row", "#headers", "#data", "#all", "#totals"}
_BRACKETED = re.compile(r"\[((?:'.|[^\[\]'])*)\]")
_CELL = r"\$?[A-Z]{1,3}\$?\d{1,7}"
_REFERENCE = re.compile(
    rf"^(?:(?P<sheet>'(?:[^']|'')+'|[A-Za-z0-9_.]+)!)?(?:{_CELL}(?::{_CELL})?|\$?[A-Z]{{1,3}}:\$?[A-Z]{{1,3}}|\$?\d+:\$?\d+)$"
)


def lint(path: Path) -> Iterator[str]:
    """Each unknown name in the workbook's formulas, as ``Sheet!A1: what``."""
    wb = openpyxl.load_workbook(path)
    sheets = {ws.title.casefold() for ws in wb.worksheets}
    names = {n.casefold() for n in wb.defined_names}
    tables: dict[str, set[str]] = {}
    for ws in wb.worksheets:
        for table in ws.tables.values():
            tables[table.name.casefold()] = {c.name.casefold() for c in table.tableColumns}
    for ws in wb.worksheets:
        local = names | {n.casefold() for n in ws.defined_names}
        for row in ws.iter_rows():
            for cell in row:
                text = cell.value
                if not (isinstance(text, str) and text.startswith("=")):
                    continue
                for problem in _formula(text, sheets, local, tables):
                    yield f"{ws.title}!{cell.coordinate}: {problem} in {text[:120]}"


def _formula(text: str, sheets: set[str], names: set[str], tables: dict[str, set[str]]) -> Iterator[str]:
    for token in Tokenizer(text).items:
        if token.type == "FUNC" and token.subtype == "OPEN":
            name = token.value[:-1].upper()
            if name and name not in EXCEL_2016_AND_LIBREOFFICE:
                yield f"function {name} (not in Excel 2016 and LibreOffice alike)"
        elif token.type == "OPERAND" and token.subtype == "RANGE":
            yield from _operand(token.value, sheets, names, tables)


def _operand(ref: str, sheets: set[str], names: set[str], tables: dict[str, set[str]]) -> Iterator[str]:
    if "[" in ref:  # a structured reference: Table[Column], Table[[#This Row],[Column]]
        table, _, rest = ref.partition("[")
        columns = tables.get(table.casefold())
        if columns is None:
            yield f"table {table!r} does not exist"
            return
        for inner in _BRACKETED.findall("[" + rest):
            name = re.sub(r"'(.)", r"\1", inner).strip()
            if (
                name
                and "[" not in name
                and name.casefold() not in _SPECIAL
                and name.casefold() not in columns
            ):
                yield f"column {name!r} is not in table {table!r}"
        return
    found = _REFERENCE.match(ref)
    if found:
        sheet = found.group("sheet")
        if sheet and sheet.strip("'").replace("''", "'").casefold() not in sheets:
            yield f"sheet {sheet!r} does not exist"
        return
    if ref.casefold() not in names:
        yield f"name {ref!r} is not defined"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lint")
    done = subprocess.run([CLI, "demo", "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return out


def test_the_demo_covers_every_kind(demo: Path) -> None:
    from xl_engage.reader import read_workbook

    kinds = {read_workbook(p).kind.name for p in demo.glob("*.xlsx")}
    assert kinds == {k.name for k in all_kinds()}


def test_every_name_in_every_formula_exists(demo: Path) -> None:
    problems = [p for path in sorted(demo.glob("*.xlsx")) for p in lint(path)]
    assert problems == [], "\n".join(problems[:30])


def test_the_lint_finds_a_renamed_cell_a_missing_column_and_a_newer_function(
    demo: Path, tmp_path: Path
) -> None:
    """The lint can fail: three mistakes planted in a copy of a budget are each found."""
    wb = openpyxl.load_workbook(demo / "budget-contoso-dental.xlsx")
    ws = wb["Summary"]
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "Lines[" in c.value)
    cell.value = "=SUM(Lines[Amout])+BudgetStrat+XLOOKUP(1,A1:A2,B1:B2)+Nowhere!A1"
    path = tmp_path / "planted.xlsx"
    wb.save(path)
    found = "\n".join(lint(path))
    assert "column 'Amout' is not in table 'Lines'" in found
    assert "name 'BudgetStrat' is not defined" in found
    assert "function XLOOKUP" in found
    assert "sheet 'Nowhere' does not exist" in found


def test_a_renamed_named_cell_is_refused_before_any_workbook_is_written(tmp_path: Path) -> None:
    """Issue 16: rename a named cell in a copy of a kind's layout; every formula that uses
    the old name is then a refusal at build time, and no file is left behind."""
    import dataclasses

    from xl_engage.kinds import get_kind
    from xl_engage.layout import Cells
    from xl_engage.render import render

    kind = get_kind("budget")
    assert kind is not None and kind.samples is not None
    _, book = next(kind.samples(None))
    layout = kind.build(book)

    def renamed(block: object) -> object:
        if not isinstance(block, Cells):
            return block
        cells = tuple(
            (dataclasses.replace(spec, name="BudgetBegin") if spec.name == "BudgetStart" else spec, value)
            for spec, value in block.cells
        )
        return dataclasses.replace(block, cells=cells)

    sheets = tuple(dataclasses.replace(s, blocks=tuple(renamed(b) for b in s.blocks)) for s in layout.sheets)
    with pytest.raises(ValueError, match=r"a formula names what the workbook lacks \(name 'BudgetStart'\)"):
        render(dataclasses.replace(layout, sheets=sheets), tmp_path / "b.xlsx")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_a_users_own_formula_is_theirs_and_never_refused(tmp_path: Path) -> None:
    """A formula kept from the user's own column may use any function (theirs to choose)."""
    from xl_engage.formula_names import unknown_names

    assert unknown_names("=XLOOKUP(1,A1:A2,B1:B2)", set(), {}, set())  # would be refused if ours
    wb_path = tmp_path / "acme.xlsx"
    done = subprocess.run(
        [
            CLI,
            "budget",
            "--client",
            str(Path(__file__).parent / "data/budget/acme/client.toml"),
            "--out",
            str(wb_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(wb_path)
    ws = wb["Lines"]
    top = next(r for r in range(1, 10) if ws.cell(r, 1).value == "Description")
    own = ws.max_column + 1
    ws.cell(top, own).value = "Mine"
    ws.cell(top + 1, own).value = f'=TEXTJOIN("-",TRUE,A{top + 1},B{top + 1})'
    wb.save(wb_path)
    rebuilt = tmp_path / "rebuilt.xlsx"
    done = subprocess.run(
        [CLI, "budget", "--from", str(wb_path), "--out", str(rebuilt)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert any(
        "TEXTJOIN" in str(c.value)
        for row in openpyxl.load_workbook(rebuilt)["Lines"].iter_rows()
        for c in row
    )


def test_party_names_with_quotes_and_error_words_build(tmp_path: Path) -> None:
    """Review: the names check cut a column name holding '"' or '#N/A' apart and refused a
    valid matrix."""
    from xl_engage.build import write_workbook
    from xl_engage.kinds import get_kind
    from xl_engage.reader import read_workbook

    kind = get_kind("raci")
    assert kind is not None and kind.samples is not None
    _, book = next(kind.samples(None))
    odd = {book.parties[0].name: 'Bob "The" Builder', book.parties[1].name: "CEO #N/A desk"}
    parties = tuple(p.model_copy(update={"name": odd.get(p.name, p.name)}) for p in book.parties)
    areas = tuple(
        a.model_copy(update={"codes": {odd.get(k, k): v for k, v in a.codes.items()}}) for a in book.areas
    )
    renamed = book.model_copy(update={"parties": parties, "areas": areas})
    path = write_workbook("raci", renamed, tmp_path / "raci.xlsx")
    assert read_workbook(path).model == renamed
