"""`xl-engage diff`: what changed between two versions of one workbook (issue 14, part 3).

Edits are made as users make them: openpyxl, then a LibreOffice open-and-save (so the
package is one a spreadsheet program wrote). Reordering rows reports nothing; each planted
change is reported once, at its cell in the new workbook, with its old and new values.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import table_header
from xl_engage.recalc import recalculate
from xl_engage.templates import SAMPLE_MSP

CLI = str(Path(sys.executable).parent / "xl-engage")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=300)


def _edited(tmp_path: Path, source: Path, edit: Callable[[openpyxl.Workbook], None], name: str) -> Path:
    wb = openpyxl.load_workbook(source)
    edit(wb)
    raw = tmp_path / f"{name}-openpyxl.xlsx"
    wb.save(raw)
    saved = recalculate([raw], tmp_path / name)[0]  # saved by a spreadsheet program
    return saved


@pytest.fixture(scope="module")
def budget(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("diff") / "b.xlsx"
    client = SAMPLE_MSP / "budgets" / "contoso-dental" / "client.toml"
    assert run("budget", "--client", str(client), "--out", str(out)).returncode == 0
    return out


def _reverse_rows(ws: openpyxl.worksheet.worksheet.Worksheet, top: int, n: int, width: int) -> None:
    rows = [[ws.cell(top + 1 + i, c).value for c in range(1, width + 1)] for i in range(n)]
    for i, values in enumerate(reversed(rows)):
        for c, v in enumerate(values, start=1):
            ws.cell(top + 1 + i, c).value = v


def test_sorting_rows_is_no_change(tmp_path: Path, budget: Path) -> None:
    def sort(wb: openpyxl.Workbook) -> None:
        ws = wb["Initiatives"] if "Initiatives" in wb.sheetnames else wb["Roadmap"]
        top, cols = table_header(ws, "Initiative")
        n = sum(1 for r in range(top + 1, ws.max_row + 1) if ws.cell(r, 1).value)
        _reverse_rows(ws, top, n, max(c for h, c in cols.items() if h != "Budget"))

    sorted_copy = _edited(tmp_path, budget, sort, "sorted")
    done = run("diff", str(budget), str(sorted_copy))
    assert done.returncode == 0 and done.stdout.strip().endswith("no change"), done.stdout + done.stderr


def test_each_planted_change_is_said_once_at_its_cell_with_the_headline(tmp_path: Path, budget: Path) -> None:
    planted: dict[str, str] = {}

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Lines"]
        top, cols = table_header(ws, "Description")
        ws.cell(top + 2, cols["Quantity"]).value = 7
        planted["quantity"] = f"Lines!{openpyxl.utils.get_column_letter(cols['Quantity'])}{top + 2}"
        planted["line"] = str(ws.cell(top + 2, cols["Description"]).value)
        roadmap = wb["Roadmap"]
        rtop, rcols = table_header(roadmap, "Initiative")
        planted["initiative"] = str(roadmap.cell(rtop + 1, 1).value)
        roadmap.cell(rtop + 1, rcols["Priority"]).value = "Low"
        summary = wb["Summary"]
        row = next(r for r in range(1, 20) if summary.cell(r, 1).value == "Status as of")
        summary.cell(row, 2).value = summary.cell(row, 2).value.replace(day=1)  # a date typed anew
        planted["as_of"] = f"Summary!B{row}"

    changed = _edited(tmp_path, budget, edit, "changed")
    done = run("diff", str(budget), str(changed))
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 1, done.stdout + done.stderr
    quantity = [x for x in lines if x.startswith(planted["quantity"] + ":")]
    assert len(quantity) == 1 and planted["line"] in quantity[0] and "Quantity 1 → 7" in quantity[0]
    assert sum("Priority" in x and planted["initiative"] in x and "→ Low" in x for x in lines) == 1
    assert sum(x.startswith(planted["as_of"] + ": Status as of") for x in lines) == 1
    assert any(x.startswith("headline: Planned budget") for x in lines)  # seven of a line: a new total
    payload = json.loads(run("diff", str(budget), str(changed), "--json").stdout)
    assert payload["kind"] == "budget" and {c["what"] for c in payload["changes"]} >= {
        "changed",
        "input",
        "headline",
    }
    quantity_change = next(c for c in payload["changes"] if c.get("field") == "Quantity")
    assert (
        quantity_change["table"] == "Lines"
        and quantity_change["old"] == "1"
        and quantity_change["new"] == "7"
    )


def test_rows_added_and_removed_are_said(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    assert run("pricing", "--out", str(out)).returncode == 0

    def edit(wb: openpyxl.Workbook) -> None:  # a project renamed: one removed, one added
        ws = wb["Projects"]
        top, _ = table_header(ws, "Project")
        edit.gone = str(ws.cell(top + 1, 1).value)  # type: ignore[attr-defined]
        ws.cell(top + 1, 1).value = "Brand New Project"

    changed = _edited(tmp_path, out, edit, "projects")
    done = run("diff", str(out), str(changed))
    text = done.stdout
    assert done.returncode == 1 and "row Brand New Project added" in text, done.stdout + done.stderr
    assert f"row {edit.gone} removed" in text  # type: ignore[attr-defined]


def test_workbooks_that_cannot_be_compared_are_refused(tmp_path: Path, budget: Path) -> None:
    roi = tmp_path / "r.xlsx"
    assert run("roi", "--out", str(roi)).returncode == 0
    done = run("diff", str(budget), str(roi))
    assert done.returncode == 2 and "not comparable" in done.stderr
    other = tmp_path / "other.xlsx"
    client = SAMPLE_MSP / "budgets" / "harbor-logistics" / "client.toml"
    assert run("budget", "--client", str(client), "--out", str(other)).returncode == 0
    done = run("diff", str(budget), str(other))
    assert done.returncode == 2 and "not comparable" in done.stderr and "Harbor" in done.stderr


def test_model_level_matching_of_duplicates_values_and_order(tmp_path: Path) -> None:
    """Two lines of one key sorted the other way are no change; 1 and "1.00" are one value;
    a mapping rule moved to the top is a change (the first match wins); a transaction whose
    category the clerk assigned is changed field by field, not removed and added."""
    import datetime as dt

    import xl_engage as xle
    from xl_engage.diff import diff, same
    from xl_engage.kinds import get_kind

    budget, _ = xle.start_budget(
        "Contoso", SAMPLE_MSP / "budgets" / "contoso-dental" / "assets.csv", dt.date(2026, 11, 1)
    )
    first = budget.lines[0]
    twin = first.model_copy(update={"quantity": first.quantity + 4})
    before = budget.model_copy(update={"lines": (first, twin, *budget.lines[1:])})
    after = budget.model_copy(update={"lines": (twin, first, *budget.lines[1:])})
    assert diff(get_kind("budget"), before, after, {}, {}) == []  # type: ignore[arg-type]
    assert same(1, "1.00") and same("x", "x ") and not same("x", "y")

    assert run("demo", "--out", str(tmp_path)).returncode == 0
    recon = xle.read(tmp_path / "reconcile-harbor-logistics.xlsx", xle.ReconBook).model
    assert recon is not None
    rules = list(recon.rules)
    moved = recon.model_copy(update={"rules": (rules[-1], *rules[:-1])})
    said = diff(get_kind("reconcile"), recon, moved, {}, {})  # type: ignore[arg-type]
    assert [c.what for c in said if c.what != "headline"] == ["moved"], said
    tx = list(recon.transactions)
    assigned = recon.model_copy(
        update={"transactions": (tx[0].model_copy(update={"assigned_category": "Security"}), *tx[1:])}
    )
    said = diff(get_kind("reconcile"), recon, assigned, {}, {})  # type: ignore[arg-type]
    assert [c.what for c in said if c.what != "headline"] == ["changed"] and "Security" in said[0].text


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert run("demo", "--out", str(out)).returncode == 0
    return out


def _first_data_cell(
    ws: openpyxl.worksheet.worksheet.Worksheet, first: str, header: str, nth: int = 1
) -> str:
    top, cols = table_header(ws, first)
    return f"{openpyxl.utils.get_column_letter(cols[header])}{top + nth}"


@pytest.mark.parametrize(
    ("book", "sheet", "first", "header", "nth", "value", "said"),
    [
        ("vcio-pricing.xlsx", "Clients", "Client", "Users", 1, 999, "Users"),
        ("am-roi.xlsx", "Segments", "Segment", "Clients", 1, 77, "Clients"),
        ("raci-contoso-dental.xlsx", "Matrix", "Category", "Criticality", 1, "low", "Criticality"),
        ("raci-contoso-dental.xlsx", "Matrix", "Category", "Service Desk", 1, "C", "Service Desk"),
        ("vcio-playbook.xlsx", None, "Month", "Escalated Issues", 8, 5, "Escalated Issues"),
        (
            "reconcile-harbor-logistics.xlsx",
            "Transactions",
            "Date",
            "Assigned category",
            1,
            "Security",
            "Assigned",
        ),
    ],
    ids=["pricing", "roi", "raci", "raci-party-code", "playbook", "reconcile"],
)
def test_every_kind_says_a_planted_change_at_its_cell(
    tmp_path: Path,
    demo_dir: Path,
    book: str,
    sheet: str | None,
    first: str,
    header: str,
    nth: int,
    value: object,
    said: str,
) -> None:
    source = demo_dir / book
    where: dict[str, str] = {}

    def edit(wb: openpyxl.Workbook) -> None:
        name = sheet or next(s for s in wb.sheetnames if s not in ("Summary",) and _has(wb[s], first))
        ws = wb[name]
        cell = _first_data_cell(ws, first, header, nth)
        ws[cell] = value
        where["cell"] = f"{name}!{cell}"  # as every located message says it

    changed = _edited(tmp_path, source, edit, "planted")
    done = run("diff", str(source), str(changed))
    lines = [x for x in done.stdout.splitlines() if not x.startswith("headline") and "change(s)" not in x]
    assert done.returncode == 1 and len(lines) == 1, done.stdout + done.stderr
    assert lines[0].startswith(where["cell"] + ":") and said in lines[0] and str(value) in lines[0], lines


def _has(ws: openpyxl.worksheet.worksheet.Worksheet, first: str) -> bool:
    return any(ws.cell(r, 1).value == first for r in range(1, 30))
