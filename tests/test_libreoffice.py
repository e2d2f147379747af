"""LibreOffice tier: an independent engine recalculates every workbook we generate.

Every formula cell's recalculated value must equal the value Python cached in it (money
within half a cent). Edited workbooks are recalculated too: the formulas must follow the
user's edit exactly as the Python model re-run on the edited model says.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import record_lo_cells
from tests.helpers import build
from xl_engage.build import model_from_workbook
from xl_engage.calc import budget as budget_calc
from xl_engage.calc import raci as raci_calc
from xl_engage.inputs.budget import load_budget
from xl_engage.models.budget import BudgetBook
from xl_engage.models.pricing import PricingBook
from xl_engage.models.roi import RoiBook
from xl_engage.recalc import compare, find_soffice, recalculate

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module", autouse=True)
def _soffice() -> None:
    if find_soffice() is None:
        pytest.fail(
            "LibreOffice is not installed: run ./run test, which installs "
            "libreoffice-calc-nogui. This tier never skips."
        )


def _check(original: Path, recalculated: Path, label: str) -> int:
    result = compare(original, recalculated)
    assert result.checked > 0, f"{label}: no formula cells found"
    assert result.mismatches == [], "\n".join(result.mismatches[:40])
    record_lo_cells(label, result.checked)
    return result.checked


def test_generated_workbooks_recalculate_to_python_values(
    tmp_path: Path, pricing_book: PricingBook, roi_book: RoiBook
) -> None:
    owner = roi_book.model_copy(
        update={"settings": roi_book.settings.model_copy(update={"owner_does_am": True})}
    )
    books = [
        build(tmp_path, "pricing", pricing_book, "pricing.xlsx"),
        build(tmp_path, "roi", roi_book, "roi.xlsx"),
        build(tmp_path, "roi", owner, "roi-owner.xlsx"),
    ]
    outs = recalculate(books, tmp_path / "lo")
    counts = [_check(b, o, f"generated {b.name}") for b, o in zip(books, outs, strict=True)]
    assert counts[0] > 500  # every client, agreement line, package and template line


def test_checker_catches_a_wrong_cached_value(tmp_path: Path, roi_book: RoiBook) -> None:
    """The tier can fail: a cached value that disagrees with the formula is reported."""
    from xl_engage.kinds.roi import KIND
    from xl_engage.render import render

    layout = KIND.build(roi_book)
    path = render(layout, tmp_path / "roi.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Segments"]
    ws["B3"] = "tampered"  # an input cell: the formulas downstream no longer match the cache
    ws["C3"] = 999
    wb.save(path)
    # openpyxl keeps no cached values; rebuild the expectation from the untouched original
    original = render(layout, tmp_path / "original.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    result = compare(original, out)
    assert result.mismatches, "changing clients from the cached inputs must change formulas"
    assert any("Segments!H3" in m for m in result.mismatches)


def _edit_and_compare(tmp_path: Path, kind: str, model: object, edit, label: str) -> Any:
    """Edit a generated workbook like a user, recalc in LibreOffice, compare with Python."""
    path = build(tmp_path, kind, model, f"{label}.xlsx")  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    edited = model_from_workbook(path, kind)
    rebuilt = build(tmp_path, kind, edited, f"{label}-python.xlsx")
    (out,) = recalculate([path], tmp_path / f"lo-{label}")
    _check(rebuilt, out, f"edited {label}")
    return edited


def test_edited_pricing_follows_the_python_model(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Agreements"]
        ws["D3"] = 9  # hours of Contoso's first line
        ws["F4"] = "No"  # remove its second line
        ws["E5"] = 310  # a CEO rate on its third line
        clients = wb["Clients"]
        clients["B3"] = 20  # Contoso grows to 20 users
        clients["E3"] = 45  # and 45 employees: a bigger package fits
        wb["Overview"]["B5"] = 0.25  # the owner moves to a 25 % rule

    edited = _edit_and_compare(tmp_path, "pricing", pricing_book, edit, "pricing")
    assert edited.settings.vcio_ratio == Decimal("0.25")
    assert edited.clients[0].users == 20 and edited.clients[0].employees == 45
    assert edited.agreement_lines[0].hours == 9 and not edited.agreement_lines[1].included
    assert edited.agreement_lines[2].rate == 310


def test_edited_roi_follows_the_python_model(tmp_path: Path, roi_book: RoiBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        seg = wb["Segments"]
        seg["C3"] = 9  # segment A: 9 clients
        seg["D6"] = 0.5  # segment D: half adopt
        wb["ROI"]["B8"] = "Yes"  # the owner does the AM work

    edited = _edit_and_compare(tmp_path, "roi", roi_book, edit, "roi")
    assert edited.settings.owner_does_am is True
    assert edited.segments[0].clients == 9 and edited.segments[3].adoption == Decimal("0.5")


@pytest.fixture(scope="module")
def acme_budget() -> BudgetBook:
    book, _ = load_budget(Path(__file__).parent / "data" / "budget" / "acme" / "client.toml")
    return book


def test_budget_workbook_recalculates_to_python_values(tmp_path: Path, acme_budget: BudgetBook) -> None:
    path = build(tmp_path, "budget", acme_budget, "budget.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    assert _check(path, out, "generated budget (acme)") > 500


def test_moving_a_budget_line_moves_every_total(tmp_path: Path, acme_budget: BudgetBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Lines"]
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "APs")
        ws.cell(row, 5, dt.datetime(2027, 8, 15))  # Oct 2026 → Aug 2027: FY2027 Q3 → FY2028 Q2
        ws.cell(row, 6, 6)  # and six access points instead of four
        wb["Policy"]["F3"] = 0.5  # workstation markup 50 % (policy edit)

    edited = _edit_and_compare(tmp_path, "budget", acme_budget, edit, "budget")
    aps = next(line for line in edited.lines if line.description == "APs")
    assert (aps.month, aps.quantity) == (dt.date(2027, 8, 1), 6)
    assert edited.policy[0].markup == D("0.5")
    r = budget_calc.calculate(edited)
    # 6 × 780 = 4,680 now in year 2 (FY2028) instead of 3,120 in year 1
    assert r.by_quarter[(6, "Network")] == D(4680)
    assert (3, "Network") not in r.by_quarter


def test_sample_msp_budgets_recalculate_to_python_values(tmp_path: Path) -> None:
    """The three sample clients, the largest with 2,236 assets over five fiscal years."""
    from xl_engage.batch import build_one, client_files
    from xl_engage.templates import SAMPLE_MSP

    files = client_files(SAMPLE_MSP / "budgets")
    assert len(files) == 3
    books = []
    for f in files:
        outcome = build_one(f, tmp_path, None)
        assert outcome.error is None and outcome.out is not None
        books.append(outcome.out)
    outs = recalculate(books, tmp_path / "lo")
    for book, out in zip(books, outs, strict=True):
        _check(book, out, f"sample {book.stem}")


def test_raci_matrices_recalculate_to_python_values(tmp_path: Path) -> None:
    """The sample clients' matrices (259 areas × 22–23 parties), checks and loads included."""
    from xl_engage.inputs.raci import load_sample
    from xl_engage.templates import SAMPLE_MSP

    books = [
        build(tmp_path, "raci", b, f"raci-{i}.xlsx")
        for i, b in enumerate(load_sample(SAMPLE_MSP / "raci.toml"))
    ]
    outs = recalculate(books, tmp_path / "lo")
    for book, out in zip(books, outs, strict=True):
        assert _check(book, out, f"sample {book.stem}") > 1000


def test_raci_edits_that_break_the_rules(tmp_path: Path) -> None:
    from xl_engage.inputs.raci import start_matrix

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Matrix"]
        header = {ws.cell(5, c).value: c for c in range(1, ws.max_column + 1)}
        ws.cell(6, header["Office Manager"], "A")  # a second accountable party
        for c in range(header["Account Manager"], ws.max_column + 1):
            if ws.cell(7, c).value in ("R", "A/R"):
                ws.cell(7, c, "C")  # nobody responsible any more
        ws.cell(8, header["CFO"], "a/r")  # lowercase, normalised

    edited = _edit_and_compare(tmp_path, "raci", start_matrix("Acme", "template", 2), edit, "raci")
    statuses = [r.status for r in raci_calc.calculate(edited).areas[:3]]
    assert statuses[0] == raci_calc.SEVERAL_A and statuses[1] in (raci_calc.NO_R, raci_calc.NO_A)


def _sample_playbook() -> Any:
    from xl_engage.inputs.playbook import new_playbook
    from xl_engage.templates import SAMPLE_MSP

    return new_playbook(
        SAMPLE_MSP / "portfolio.csv",
        2026,
        as_of=dt.date(2026, 6, 30),
        actuals=SAMPLE_MSP / "playbook_actuals.csv",
    )


def test_playbook_recalculates_to_python_values(tmp_path: Path) -> None:
    """The sample team: objectives, totals, % of objective, on-track and the roll-up."""
    book = _sample_playbook()
    empty = book.model_copy(update={"actuals": ()})
    paths = [
        build(tmp_path, "playbook", book, "playbook.xlsx"),
        build(tmp_path, "playbook", empty, "empty.xlsx"),
    ]
    outs = recalculate(paths, tmp_path / "lo")
    counts = [_check(p, o, f"playbook {p.stem}") for p, o in zip(paths, outs, strict=True)]
    assert counts[0] > 2000


def test_playbook_after_typing_actuals_and_changing_the_portfolio(tmp_path: Path) -> None:
    """A vCIO types counts, moves the as-of month, a client's complexity and a rule change:
    every live cell follows, as the Python model re-run on the edited file says."""
    from xl_engage.calc import playbook as playbook_calc

    def table(wb: openpyxl.Workbook, prefix: str) -> tuple[Any, int, dict[str, int]]:
        for ws in wb.worksheets:
            for name, ref in ws.tables.items():
                if name == prefix or name.startswith(prefix + "_"):
                    c0, r0, c1, _ = openpyxl.utils.cell.range_boundaries(ref)  # type: ignore[attr-defined]
                    return ws, r0, {ws.cell(r0, c).value: c for c in range(c0, c1 + 1)}
        raise AssertionError(prefix)

    def edit(wb: openpyxl.Workbook) -> None:
        ws, header, cols = table(wb, "Actuals_1")
        ws.cell(header + 7, cols["Unique Client Touches"], 55)  # July, typed
        ws.cell(header + 7, cols["# of Client Meetings"], 16)
        ws.cell(
            header + 2, cols["Escalated Issues"]
        ).value = None  # February cleared (cell(…, None) is a no-op)
        ((sheet, ref),) = wb.defined_names["AsOf"].destinations
        wb[sheet][ref.replace("$", "")].value = dt.datetime(2026, 7, 31)  # progress as of July
        ws, header, cols = table(wb, "Portfolio")
        ws.cell(header + 2, cols["Complexity"], 9)  # Fabrikam becomes complex
        ws.cell(header + 3, cols["vCIO"], "  dana whitfield ")  # pasted: stray spaces, lower case
        ws, header, cols = table(wb, "Cadence")
        ws.cell(header + 1, cols["Meetings / year"], 12)  # complex clients: monthly meetings

    book = _sample_playbook()
    edited = _edit_and_compare(tmp_path, "playbook", book, edit, "playbook")
    r = playbook_calc.calculate(edited)
    assert r.elapsed == 7
    assert r.clients[1].rule == "Complex environment" and r.clients[1].meetings_year == 12


def _sample_reconciliation(tmp_path: Path) -> Any:
    from xl_engage.inputs.budget import load_budget
    from xl_engage.inputs.reconcile import load_ledger, load_rules_file, new_reconciliation
    from xl_engage.templates import SAMPLE_MSP

    budget, _ = load_budget(SAMPLE_MSP / "budgets" / "harbor-logistics" / "client.toml")
    folder = SAMPLE_MSP / "reconcile"
    ledger = load_ledger(folder / "harbor-logistics-ledger.csv", today=dt.date(2026, 11, 22))
    rules = load_rules_file(folder / "harbor-logistics-rules.csv")
    book, _ = new_reconciliation(budget, ledger, dt.date(2026, 11, 22), None, None, rules)
    return book


def test_reconciliation_recalculates_to_python_values(tmp_path: Path) -> None:
    """Every variance, flag and tie-out cell of the sample reconciliation."""
    book = _sample_reconciliation(tmp_path)
    path = build(tmp_path, "reconcile", book, "reconcile.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    # 193 transactions × 5 live columns, ~330 lines × 5, the grids and the tie-out
    assert _check(path, out, "reconciliation harbor-logistics") > 2500


def test_a_reconciliation_written_in_spooled_rows_recalculates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long table's rows are written out in chunks (a million-row ledger never holds all
    its cells): LibreOffice reads the chunks as one table and recalculates every cell."""
    from xl_engage import render

    book = _sample_reconciliation(tmp_path)
    monkeypatch.setattr(render, "SPOOL_ROWS", 50)  # 193 transactions: four chunks
    path = build(tmp_path, "reconcile", book, "spooled.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    assert _check(path, out, "reconciliation written in spooled rows") > 2500


def test_reconciliation_after_the_clerk_reassigns_transactions(tmp_path: Path) -> None:
    """Assign an unmatched transaction to a category, another to a budget line, move a
    matched one to another category: every variance cell follows."""
    from xl_engage.calc import reconcile as reconcile_calc
    from xl_engage.models.reconcile import UNMATCHED

    book = _sample_reconciliation(tmp_path)
    first = reconcile_calc.calculate(book)
    unmatched = [i for i, m in enumerate(first.matches) if m.outcome == UNMATCHED]
    matched = [i for i, m in enumerate(first.matches) if m.category == "Hardware"]

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Transactions"]
        c0, r0, c1, _ = openpyxl.utils.cell.range_boundaries(ws.tables["Transactions"].ref)  # type: ignore[attr-defined]
        cols = {ws.cell(r0, c).value: c for c in range(c0, c1 + 1)}
        ws.cell(r0 + 1 + unmatched[0], cols["Assigned category"], "Peripherals")
        ws.cell(r0 + 1 + unmatched[1], cols["Assigned line"], "Peripherals reserve")
        ws.cell(r0 + 1 + matched[0], cols["Assigned category"], "Network")

    edited = _edit_and_compare(tmp_path, "reconcile", book, edit, "reconcile")
    after = reconcile_calc.calculate(edited)
    assert after.tie_out.by_outcome[UNMATCHED] < first.tie_out.by_outcome[UNMATCHED]
    assert after.matches[unmatched[1]].line == "Peripherals reserve"


def test_reconciliation_with_awkward_names_and_pasted_spaces(tmp_path: Path) -> None:
    """Categories named with braces, quotes, ß, a formula-looking text and Excel 365 function
    names (XlsxWriter rewrote SORT( to _xlfn._xlws.SORT( even inside a text); a clerk's
    assignments pasted with stray spaces and in another case: Python and the formulas agree."""
    from xl_engage.models.reconcile import BudgetRow, ReconBook, ReconSettings, Rule, Transaction

    cats = ["R&D {key}", 'Say "hi"', "Straße", "=HYPERLINK(1)", "Re-SORT(2026) FILTER(x)"]
    budget = tuple(
        BudgetRow(month=dt.date(2026, m, 1), category=c, line=f"{c} line", amount=D(100 * (i + 1)))
        for i, c in enumerate(cats)
        for m in (4, 5)
    )
    txs = tuple(
        Transaction(date=dt.date(2026, 4 + i % 2, 3), vendor=f"V{i}", amount=D(90 + i), account=f"GL {i % 4}")
        for i in range(8)
    )
    book = ReconBook(
        settings=ReconSettings(
            client="Acme",
            fiscal_year_start=dt.date(2026, 4, 1),
            as_of=dt.date(2026, 5, 31),
            control_total=sum((t.amount for t in txs), D(0)),
            control_count=len(txs),
        ),
        budget=budget,
        rules=tuple(Rule(field="GL account", pattern=f"GL {i}", category=c) for i, c in enumerate(cats[:3])),
        transactions=txs,
    )

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Transactions"]
        c0, r0, c1, _ = openpyxl.utils.cell.range_boundaries(ws.tables["Transactions"].ref)  # type: ignore[attr-defined]
        cols = {ws.cell(r0, c).value: c for c in range(c0, c1 + 1)}
        ws.cell(r0 + 4, cols["Assigned category"], "  straße  ")  # pasted, lower case, spaces
        ws.cell(r0 + 5, cols["Assigned line"], " r&d {key}   LINE ".replace("   ", " "))
        typed = ws.cell(r0 + 6, cols["Assigned category"], "=hyperlink(1)")
        typed.data_type = "s"  # typed as text (openpyxl would otherwise write a formula)

    edited = _edit_and_compare(tmp_path, "reconcile", book, edit, "reconcile-names")
    from xl_engage.calc import reconcile as reconcile_calc

    r = reconcile_calc.calculate(edited)
    assert r.matches[3].category == "straße" and r.matches[4].line.lower() == "r&d {key} line"


def test_playbook_after_clearing_a_rule_and_a_client(tmp_path: Path) -> None:
    """Clearing a row is how people delete one: a cleared cadence rule is no rule and a
    cleared client no client, in the formulas as in Python. A vCIO named with a double
    space matches in both too."""
    from xl_engage.inputs.playbook import load_rules, year_of
    from xl_engage.models.playbook import PlaybookBook, PortfolioClient, Vcio

    rules = load_rules()
    clients = tuple(
        PortfolioClient(
            name=f"C{i}", mrr=D(1500 + 500 * i), complexity=3 + i, vcio="Ana  Ruiz" if i % 2 else "Bo"
        )
        for i in range(6)
    )
    book = PlaybookBook(
        year=year_of(2026, 7, dt.date(2026, 10, 15)),
        settings=rules.settings,
        yearly=rules.yearly,
        cadence=rules.cadence,
        team=(Vcio(name="Ana  Ruiz"), Vcio(name="Bo")),
        clients=clients,
    )

    def table(wb: openpyxl.Workbook, name: str) -> tuple[Any, int, dict[str, int]]:
        for ws in wb.worksheets:
            if name in ws.tables:
                c0, r0, c1, _ = openpyxl.utils.cell.range_boundaries(ws.tables[name].ref)  # type: ignore[attr-defined]
                return ws, r0, {ws.cell(r0, c).value: c for c in range(c0, c1 + 1)}
        raise AssertionError(name)

    def edit(wb: openpyxl.Workbook) -> None:
        ws, header, cols = table(wb, "Cadence")
        for h in ("Rule", "Min complexity", "Meetings / year", "Touches / month"):
            ws.cell(header + 1, cols[h]).value = None  # the complex-environment rule, cleared
        ws, header, cols = table(wb, "Portfolio")
        for h in ("Client", "MRR", "Complexity", "vCIO", "Fiscal year start"):
            ws.cell(header + 2, cols[h]).value = None  # client C1, cleared

    path = build(tmp_path, "playbook", book, "cleared.xlsx")
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    edited = model_from_workbook(path, "playbook")
    assert len(edited.clients) == 5 and len(edited.cadence) == 1  # type: ignore[attr-defined]
    rebuilt = build(tmp_path, "playbook", edited, "rebuilt.xlsx")
    (out,) = recalculate([path], tmp_path / "lo-cleared")
    # The rebuilt Portfolio and Schedule drop the cleared row, so their cells shift: compare
    # every other sheet cell by cell, and the cleared row itself by what it must show.
    result = compare(rebuilt, out)
    shifted = ("Portfolio!", "Schedule!")
    assert result.checked > 300
    assert [m for m in result.mismatches if not m.startswith(shifted)] == []
    ws, header, cols = table(openpyxl.load_workbook(out, data_only=True), "Portfolio")
    cleared = {
        h: ws.cell(header + 2, c).value for h, c in cols.items() if h in ("Cadence rule", "Touches / year")
    }
    assert cleared in ({"Cadence rule": None, "Touches / year": 0}, {"Cadence rule": "", "Touches / year": 0})


def test_budget_with_unknown_asset_types_recalculates_to_python_values(tmp_path: Path) -> None:
    """Assets whose type the policy lacks (a vendor's name, a typo, none at all) say "Unknown
    type" in LibreOffice as in Python, and the Summary counts them; typing a policy type in
    one's Type cell makes it known in both."""
    from xl_engage.inputs.budget import start_budget

    export = tmp_path / "export.csv"
    export.write_text(
        "Serial Number,Hostname,Device Type,Purchase Date,Warranty End Date\n"
        "S1,WS1,Windows Desktop,2019-07-02,2022-07-04\n"
        "S2,ESX1,Hyperconverged Node,2021-01-10,2026-01-10\n"
        "S3,ESX2,hyperconverged  node,2021-01-10,\n"
        "S4,PH1,iPhone*,2025-01-01,\n"
        "S5,BOX,,2020-01-01,\n"
        "S6,LT1,Notebook,,\n"
    )
    book, _ = start_budget("Unknowns & Co", export, dt.date(2026, 11, 22), 7)
    statuses = [r.status for r in budget_calc.calculate(book).assets]
    assert statuses.count(budget_calc.UNKNOWN_TYPE) == 4 and budget_calc.UNKNOWN_DATE in statuses
    path = build(tmp_path, "budget", book, "unknown-types.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    assert _check(path, out, "generated budget (unknown types)") > 50

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Assets"]
        type_col = next(c for c in range(1, ws.max_column + 1) if ws.cell(2, c).value == "Type")
        row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "S4")
        ws.cell(row, type_col, "laptop ")  # now a policy type, as Excel compares text

    edited = _edit_and_compare(tmp_path, "budget", book, edit, "budget-unknown-types")
    assert budget_calc.calculate(edited).unknown_type_assets == 3


EXPORTS = Path(__file__).parent / "data" / "exports"


def test_budget_from_a_vendor_report_export_recalculates_to_python_values(tmp_path: Path) -> None:
    """A budget built from a report-shaped vendor export alone (Kaseya VSA's Machine Summary,
    exported to Excel: title lines, SMBIOS chassis types, a footer) recalculates in LibreOffice
    to Python's values, and so does one from a CSV export (NinjaOne)."""
    from xl_engage.inputs.budget import start_budget

    books = []
    for name, export in (
        ("kaseya", EXPORTS / "kaseya-vsa" / "machine-summary.xlsx"),
        ("ninjaone", EXPORTS / "ninjaone" / "devices.csv"),
    ):
        book, _ = start_budget(f"Client of {name}", export, dt.date(2026, 11, 22), 7)
        assert book.assets and any(line.source for line in book.lines)  # replacements planned
        books.append(build(tmp_path, "budget", book, f"budget-{name}.xlsx"))
    outs = recalculate(books, tmp_path / "lo")
    for path, out in zip(books, outs, strict=True):
        assert _check(path, out, f"budget from export {path.stem}") > 100


def test_reconciliation_from_a_report_shaped_ledger_recalculates_to_python_values(tmp_path: Path) -> None:
    """QuickBooks Online's "Transaction List by Date" (title lines, a footer, the expense account
    in Split, transfers and bill payments that are not spend) reconciled against a budget built
    for its fiscal year: every variance and tie-out cell agrees in LibreOffice."""
    from xl_engage.inputs.budget import start_budget
    from xl_engage.inputs.reconcile import load_ledger, new_reconciliation

    budget, _ = start_budget(
        "Bayview Dental Group", EXPORTS / "ninjaone" / "devices.csv", dt.date(2026, 6, 30), 4
    )
    ledger = load_ledger(
        EXPORTS / "quickbooks-online" / "transaction-list-by-date.csv", today=dt.date(2026, 11, 22)
    )
    assert ledger.count == 35 and len(ledger.not_spend) == 4
    book, _ = new_reconciliation(budget, ledger, dt.date(2026, 6, 30))
    path = build(tmp_path, "reconcile", book, "reconcile-qbo.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    assert _check(path, out, "reconciliation from a QuickBooks transaction list") > 200


def test_budget_after_the_client_decided_recalculates_to_python_values(
    tmp_path: Path, acme_budget: BudgetBook
) -> None:
    """Issue 14: decisions typed into the workbook (Declined and Deferred rows included);
    LibreOffice's totals, committed and planned figures equal Python's, then again after
    the rebuild moved the deferred items."""

    def edit(wb: openpyxl.Workbook) -> None:
        road = wb["Roadmap"]
        road["F3"] = " approved "  # Wi-Fi upgrade, typed carelessly: APs and Survey follow
        ws = wb["Lines"]
        head = {ws.cell(2, c).value: c for c in range(1, ws.max_column + 1)}
        rows = {ws.cell(r, 1).value: r for r in range(3, ws.max_row + 1)}
        ws.cell(rows["Survey"], head["Decision"], "declined")  # the line says otherwise
        ws.cell(rows["APs"], head["Decision"], "  ")  # cleared with the space bar: follows its initiative
        ws.cell(rows["APs"], head["Source"], "Wi-Fi   upgrade ")  # Excel's TRIM and Python agree
        ws.cell(rows["Replace Front desk (Workstation)"], head["Decision"], "Deferred")  # next year
        m365 = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "M365")
        ws.cell(m365, head["Decision"], "Deferred")
        ws.cell(m365, head["Deferred to"], "FY2028 Q2")
        ws.cell(rows["Labour: replace Front desk"], head["Decision"], "Approved")

    edited = _edit_and_compare(tmp_path, "budget", acme_budget, edit, "decided-budget")
    r = budget_calc.calculate(edited)
    assert r.by_decision["Approved"] == D(3120) + D(300)  # APs and the labour line
    assert r.by_decision["Deferred"] == D(1430) + D(500)  # the workstation at cost + 30 %, M365
    moved, _ = budget_calc.apply_deferrals(edited)
    path = build(tmp_path, "budget", moved, "decided-rebuilt.xlsx")
    (out,) = recalculate([path], tmp_path / "lo-decided-rebuilt")
    _check(path, out, "decided budget rebuilt")
    assert "Deferred" not in budget_calc.calculate(moved).by_decision


def test_a_party_named_like_a_matrix_column_is_counted_by_excel_too(tmp_path: Path) -> None:
    """Review: a party called "Status" is shown as "Status (2)" beside the matrix's own
    Status, but its counts referred to Matrix[Status]: Excel said 0 where Python said 12."""
    from xl_engage.kinds import get_kind

    kind = get_kind("raci")
    assert kind is not None and kind.samples is not None
    _, book = next(kind.samples(None))
    old = book.parties[0].name
    parties = tuple(p.model_copy(update={"name": "Status"}) if p.name == old else p for p in book.parties)
    areas = tuple(
        a.model_copy(update={"codes": {("Status" if k == old else k): v for k, v in a.codes.items()}})
        for a in book.areas
    )
    renamed = book.model_copy(update={"parties": parties, "areas": areas})
    assert any("Status" in a.codes for a in renamed.areas)
    path = build(tmp_path, "raci", renamed, "raci-status.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    _check(path, out, "raci with a party called Status")
