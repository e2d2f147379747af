"""A user edits a generated workbook the way people do; each edit gives the exact located
issue, or is accepted with nothing lost."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from tests.helpers import build
from tests.helpers import edited as shared_edited
from xl_engage.models.pricing import PricingBook
from xl_engage.reader import NOT_YET_CHECKED, Loaded, read_workbook

# Agreements: header row 2, first data row 3. Columns: A Client, B Service line, C Cycle,
# D Hours per occurrence, E Rate, F Included. Service lines: A Package, B Service line, …


def edited(tmp_path: Path, book: PricingBook, edit: Callable[[openpyxl.Workbook], None]) -> Loaded:
    loaded, _ = shared_edited(tmp_path, "pricing", book, edit)
    return loaded  # type: ignore[no-any-return]


def messages(loaded: Loaded) -> list[str]:
    """The problems said (a note that the checks across rows wait is not one)."""
    return [str(i) for i in loaded.issues if i.severity != "note"]


def test_negative_hours(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Agreements"]["D14"] = -3

    loaded = edited(tmp_path, pricing_book, edit)
    assert messages(loaded) == ["Agreements!D14: Hours per occurrence must be ≥ 0, got -3"]
    assert loaded.model is None
    assert [i.message for i in loaded.issues if i.severity == "note"] == [NOT_YET_CHECKED]


def test_text_in_a_rate(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Agreements"]["E7"] = "two hundred"

    assert messages(edited(tmp_path, pricing_book, edit)) == [
        "Agreements!E7: Rate must be a number, got 'two hundred'"
    ]


def test_money_typed_as_text_is_understood(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Agreements"]["E7"] = "$1,250.50"

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model is not None
    assert loaded.model.agreement_lines[4].rate == Decimal("1250.50")


def test_unknown_cycle_and_package(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Agreements"]["C3"] = "fortnightly"
        wb["Clients"]["F4"] = "vCIO Gold"

    assert messages(edited(tmp_path, pricing_book, edit)) == [
        "Clients!F4: unknown package 'vCIO Gold'",
        "Agreements!C3: unknown cycle 'fortnightly'; use one of annual, quarterly, monthly, weekly",
    ]


def test_delete_a_template_line(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Service lines"].delete_rows(5)  # the third template line

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model is not None
    gone = pricing_book.service_lines[2]
    assert len(loaded.model.service_lines) == len(pricing_book.service_lines) - 1
    assert gone not in loaded.model.service_lines


def _last_row(ws: Worksheet) -> int:
    return max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value is not None)


def test_add_a_line_below_the_table(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Agreements"]
        r = _last_row(ws) + 1
        for col, value in enumerate(["Contoso Dental", "Security awareness", "quarterly", 1.5, 180], start=1):
            ws.cell(r, col, value)

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model is not None
    new = loaded.model.agreement_lines[-1]
    assert (new.client, new.name, new.hours, new.rate, new.included) == (
        "Contoso Dental",
        "Security awareness",
        Decimal("1.5"),
        Decimal(180),
        True,
    )
    assert len(loaded.model.agreement_lines) == len(pricing_book.agreement_lines) + 1
    # Excel grows a table over a row typed just below it; LibreOffice does not: say so
    row = _last_row(openpyxl.load_workbook(tmp_path / "book.xlsx")["Agreements"])
    assert [str(i) for i in loaded.issues] == [
        f"Agreements!A{row}: warning: rows typed below the table 'Agreements' are read; the "
        "workbook's formulas count them once the table is extended over them, or after a rebuild with --from"
    ]


def test_insert_a_blank_row_loses_nothing(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Agreements"].insert_rows(6)

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model == pricing_book


def test_extra_column_of_notes_is_kept_and_rebuilt(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Clients"]
        col = ws.max_column + 1
        ws.cell(2, col, "Notes")
        ws.cell(4, col, "Renewal in March")

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model is not None
    assert loaded.model.clients[1].extras == {"Notes": "Renewal in March"}
    # regenerate from the edited model: the note is still there, and still read back
    again = read_workbook(build(tmp_path / "again", "pricing", loaded.model))
    assert again.ok and again.model is not None
    assert again.model.clients[1].extras == {"Notes": "Renewal in March"}


def test_sorted_and_moved_columns_are_found_by_header(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Cycles"]
        # swap the two columns, headers included: the reader goes by header, not position
        for r in range(2, 7):
            a, b = ws.cell(r, 1).value, ws.cell(r, 2).value
            ws.cell(r, 1, b)
            ws.cell(r, 2, a)

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model is not None
    assert loaded.model.cycles == pricing_book.cycles


def test_missing_required_column_is_reported_once(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Projects"]["B2"] = "Something else"

    assert messages(edited(tmp_path, pricing_book, edit)) == [
        "Projects!A2: table 'Projects' has no column 'Price from'"
    ]


def test_settings_cell_errors(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Overview"]["B5"] = 1.5  # a 150 % rule
        wb["Overview"]["B6"] = None  # planning rate blanked

    assert messages(edited(tmp_path, pricing_book, edit)) == [
        "Overview!B6: Internal planning rate per hour is required",
        "Overview!B5: vCIO share of MSP MRR (20 % rule) must be ≤ 1, got 1.5",
    ]


def test_duplicate_client_and_included_typo(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        wb["Clients"]["A4"] = "contoso dental"  # same as row 3, other case
        wb["Agreements"]["F3"] = "maybe"

    # Fabrikam's agreement lines (rows 6–8) lost their client when row 4 was renamed
    assert messages(edited(tmp_path, pricing_book, edit)) == [
        "Agreements!F3: Included must be Yes or No, got 'maybe'",
        "Clients!A4: client 'contoso dental' appears more than once",
        "Agreements!A6: unknown client 'Fabrikam Legal'",
        "Agreements!A7: unknown client 'Fabrikam Legal'",
        "Agreements!A8: unknown client 'Fabrikam Legal'",
    ]


@pytest.mark.parametrize("sheet", ["Clients", "Agreements"])
def test_deleted_table_is_named(tmp_path: Path, pricing_book: PricingBook, sheet: str) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        for name in list(ws.tables):
            del ws.tables[name]

    loaded = edited(tmp_path, pricing_book, edit)
    assert not loaded.ok
    assert any(i.where == sheet and "is missing" in i.message for i in loaded.issues)


def test_a_totals_row_added_in_excel_is_not_data(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Cycles"]
        table = ws.tables["Cycles"]
        last = _last_row(ws) + 1
        ws.cell(last, 1, "Total")
        ws.cell(last, 2, "=SUBTOTAL(109,Cycles[Per year])")
        table.ref = f"A2:B{last}"
        table.totalsRowCount = 1

    loaded = edited(tmp_path, pricing_book, edit)
    assert loaded.ok and loaded.model is not None
    assert loaded.model.cycles == pricing_book.cycles
