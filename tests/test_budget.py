"""Life-cycle budgets: worked cases by hand, inventory import, round trip, bad inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import build
from xl_engage.calc import budget as calc
from xl_engage.calc.fiscal import add_months, quarter_label
from xl_engage.inputs.budget import load_assets, load_budget
from xl_engage.issues import InputError
from xl_engage.models.budget import Asset, BudgetBook, Contract, PolicyRow, Profile
from xl_engage.reader import read_workbook

DATA = Path(__file__).parent / "data" / "budget" / "acme"


@pytest.fixture(scope="module")
def acme() -> BudgetBook:
    book, _ = load_budget(DATA / "client.toml")
    return book


def test_fiscal_year_starting_in_april() -> None:
    # April 2026 – March 2027 is FY2027; its third quarter is October–December 2026
    assert quarter_label(dt.date(2026, 4, 1), 4) == "FY2027 Q1"
    assert quarter_label(dt.date(2026, 12, 1), 4) == "FY2027 Q3"
    assert quarter_label(dt.date(2027, 3, 1), 4) == "FY2027 Q4"
    assert quarter_label(dt.date(2027, 4, 1), 4) == "FY2028 Q1"
    assert quarter_label(dt.date(2026, 2, 1), 1) == "FY2026 Q1"
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)  # EDATE clamps


def test_markup_and_margin_are_different_things() -> None:
    assert calc.price_from_markup(D(3000), D("0.30")) == D("3900.00")
    assert calc.price_from_margin(D(3000), D("0.30")) == D("4285.71")  # 3000 / 0.7 = 4285.714…


def test_recurring_line_starting_mid_year_with_five_percent_increase() -> None:
    profile = Profile(
        client="X",
        fiscal_year_start_month=4,
        start=dt.date(2026, 4, 1),
        horizon_years=2,
        as_of=dt.date(2026, 11, 22),
    )
    contract = Contract(vendor="M365", amount=D(500), start=dt.date(2026, 10, 1), annual_increase=D("0.05"))
    lines = calc.plan_contracts(profile, [contract])
    # October 2026 to March 2028: 18 months; the 13th month (October 2027) is 5 % dearer
    assert [line.month for line in lines][:2] == [dt.date(2026, 10, 1), dt.date(2026, 11, 1)]
    assert len(lines) == 18
    assert {line.unit_cost for line in lines[:12]} == {D("500.00")}
    assert {line.unit_cost for line in lines[12:]} == {D("525.00")}


def test_overdue_asset_is_replaced_in_the_first_month() -> None:
    profile = Profile(client="X", start=dt.date(2027, 1, 1), as_of=dt.date(2026, 11, 22))
    policy = (
        PolicyRow(
            asset_type="Workstation", life_years=4, unit_cost=D(1100), labour_hours=D(2), labour_rate=D(150)
        ),
    )
    old = Asset(asset_id="W1", asset_type="Workstation", purchase_date=dt.date(2020, 5, 5))
    assert calc.status(calc.replacement_date(old, policy[0]), profile.as_of) == calc.OVERDUE
    hardware, labour = calc.plan_assets(profile, policy, [old])
    assert hardware.month == labour.month == dt.date(2027, 1, 1)
    assert (calc.unit_price(hardware.unit_cost, hardware.pricing, hardware.markup), labour.unit_cost) == (
        D("1430.00"),
        D(300),
    )  # 1,100 × 1.30; 2 h × $150


def test_a_budget_under_way_replaces_what_is_due_in_the_month_still_ahead() -> None:
    """A fiscal year that began in April, planned on 22 November: an overdue device, and one
    due in August (gone by), are replaced in November, never shown as plan in months past;
    one due in December stays in December; a budget starting after its status date is as
    before (a decision maker's review: $2.35M of catch-up shown in a quarter already over)."""
    policy = (PolicyRow(asset_type="Workstation", life_years=4, unit_cost=D(1000)),)
    profile = Profile(
        client="X", fiscal_year_start_month=4, start=dt.date(2026, 4, 1), as_of=dt.date(2026, 11, 22)
    )
    bought = {"old": dt.date(2020, 5, 5), "august": dt.date(2022, 8, 10), "december": dt.date(2022, 12, 3)}
    assets = [Asset(asset_id=k, asset_type="Workstation", purchase_date=d) for k, d in bought.items()]
    first = {line.source: line.month for line in calc.plan_assets(profile, policy, assets)}
    assert first == {
        "old": dt.date(2026, 11, 1),
        "august": dt.date(2026, 11, 1),
        "december": dt.date(2026, 12, 1),
    }
    ahead = profile.model_copy(update={"start": dt.date(2027, 4, 1)})  # not yet begun
    assert {line.month for line in calc.plan_assets(ahead, policy, assets[:1])} == {dt.date(2027, 4, 1)}
    # a status date after the budget's last month (Mar 2029): its last month, and a warning;
    # never back at its start, three years before the status date (a review)
    late = profile.model_copy(update={"as_of": dt.date(2029, 6, 1)})
    assert calc.first_month_ahead(late) == dt.date(2029, 3, 1)
    assert {line.month for line in calc.plan_assets(late, policy, assets[:1])} == {dt.date(2029, 3, 1)}
    book = BudgetBook(profile=late, policy=policy, assets=tuple(assets), lines=())
    warned = [p for p in calc.check(book) if p.loc == ("profile", "as_of")]
    assert (
        len(warned) == 1
        and warned[0].severity == "warning"
        and "after the budget's last month" in warned[0].message
    )


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (-1, calc.OVERDUE),
        (0, calc.OVERDUE),
        (1, "Due ≤ 90 days"),
        (90, "Due ≤ 90 days"),
        (91, "Due ≤ 180 days"),
        (365, "Due ≤ 365 days"),
        (366, calc.FINE),
    ],
)
def test_status_windows(days: int, expected: str) -> None:
    as_of = dt.date(2026, 11, 22)
    assert calc.status(as_of + dt.timedelta(days=days), as_of) == expected


def test_sample_client_by_hand(acme: BudgetBook) -> None:
    r = calc.calculate(acme)
    # A1 (merged duplicate: bought 2022-01-02) is overdue: 1,430 + 300 labour in April 2026.
    # A2 server (warranty basis, lapsed 2026-01-10): 8,450 × 1.3 = 10,985 + 16 h × 175 = 2,800.
    # A5 laptop: 2024-02-01 + 4 y = Feb 2028: 1,450 × 1.3 = 1,885 + 300.
    # M365: 12 × 500 + 6 × 525 = 9,150. Backup: 1,200 × 1.1 (Jun 2026) + 1,200 × 1.21 = 2,772.
    # Wi-Fi: 4 × 780 = 3,120 (survey cost unknown). Reserve: 24 × 100 = 2,400.
    assert r.total == D(35142)
    assert (r.capex, r.opex) == (D(17420), D(17722))
    assert r.unknown_lines == 1
    fy = {
        label: r.by_year_expense.get((k, "Capex"), 0) + r.by_year_expense.get((k, "Opex"), 0)
        for k, label in r.years
    }
    assert fy == {"FY2027": D(24155), "FY2028": D(10987)}
    statuses = {a.asset_id: s.status for a, s in zip(acme.assets, r.assets, strict=True)}
    assert statuses == {
        "A1": calc.OVERDUE,
        "A2": calc.OVERDUE,
        "A3": calc.FINE,
        "A4": calc.UNKNOWN_DATE,
        "A5": calc.FINE,
    }
    wifi = r.initiatives[0].budget
    assert wifi == D(3120)


def test_unknown_cost_is_shown_as_unknown(tmp_path: Path, acme: BudgetBook) -> None:
    path = build(tmp_path, "budget", acme)
    ws = openpyxl.load_workbook(path, data_only=True)["Lines"]
    survey = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == "Survey")
    assert ws.cell(survey, 7).value is None  # unit cost left blank
    assert ws.cell(survey, 12).value in (None, "")  # amount: not a zero


def test_budget_round_trip(tmp_path: Path, acme: BudgetBook) -> None:
    loaded = read_workbook(build(tmp_path, "budget", acme))
    assert loaded.issues == [] and loaded.model == acme


def test_duplicate_ids_merge_with_a_warning() -> None:
    assets, warnings = load_assets(DATA / "assets.csv")
    a1 = next(a for a in assets if a.asset_id == "A1")
    assert (a1.purchase_date, a1.warranty_end) == (dt.date(2022, 1, 2), dt.date(2026, 6, 30))
    assert [str(w) for w in warnings] == [
        "assets.csv:5 (Asset Tag): warning: asset id 'A1' is listed again; merged: earliest purchase date "
        "and latest warranty end kept"
    ]


def test_hostile_asset_name_stays_text(tmp_path: Path, acme: BudgetBook) -> None:
    ws = openpyxl.load_workbook(build(tmp_path, "budget", acme))["Assets"]
    cells = [ws.cell(r, 2) for r in range(3, ws.max_row + 1)]
    hostile = [c for c in cells if str(c.value).startswith("=HYPERLINK")]
    assert hostile and all(c.data_type == "s" for c in hostile)


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "inv.csv"
    path.write_text(text)
    return path


HEAD = "Asset ID,Type,Purchase Date,Warranty End,Cost\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Asset ID,Purchase Date\nA1,2024-01-01\n",
            "inv.csv: the inventory has no column 'Type' (nor 'Device Type', 'Asset Type'",
        ),
        (HEAD + "A1,Laptop,31/31/2024,,\n", "inv.csv:2 (Purchase Date): Purchase date must be a date"),
        (
            HEAD + "A1,Laptop,2024-01-01,,(120.00)\n",
            "inv.csv:2 (Cost): Replacement cost must be ≥ 0, got -120",
        ),
    ],
)
def test_bad_inventory_rows_are_located(tmp_path: Path, body: str, expected: str) -> None:
    with pytest.raises(InputError) as err:
        load_assets(_csv(tmp_path, body))
    assert any(str(i).startswith(expected) for i in err.value.issues), err.value.issues


def test_unknown_asset_type_is_listed_and_warned_at_its_cell(tmp_path: Path) -> None:
    client = tmp_path / "client.toml"
    client.write_text((DATA / "client.toml").read_text())
    (tmp_path / "assets.csv").write_text(HEAD + "A1,Toaster,2024-01-01,,\nA2,Laptop,2024-01-01,,\n")
    book, warnings = load_budget(client)
    assert [a.asset_id for a in book.assets] == ["A1", "A2"]  # never dropped
    assert {line.source for line in book.lines if line.source.startswith("A")} == {"A2"}  # not planned
    (warning,) = [w for w in warnings if "does not know" in w.message]
    assert (warning.where, warning.severity) == ("assets.csv:2 (Type)", "warning")
    assert warning.message.startswith("1 asset has a type the policy does not know: 'Toaster' (1); ")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("inv.csv", b"", "the file is empty"),
        ("inv.xlsx", b"", "the file is empty"),
        ("inv.pdf", b"Asset ID,Type\n", "an inventory must be a .csv or .xlsx file"),
        ("inv.xlsx", b"not a zip at all", "cannot be read as a workbook"),
        ("inv.csv", b"PK\x03\x04\x00\x00binary", "not a CSV text file"),
    ],
)
def test_broken_inventory_files(tmp_path: Path, name: str, content: bytes, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_assets(path)
    assert says in str(err.value)


def test_inventory_from_xlsx_export(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Asset Tag", "Hostname", "Device Type", "Purchased", "Warranty Expires"])
    ws.append(["X1", "srv", "Server", dt.datetime(2022, 3, 1), "2027-03-01"])
    wb.save(path)
    (asset,), warnings = load_assets(path)
    assert (asset.asset_id, asset.purchase_date, asset.warranty_end, warnings) == (
        "X1",
        dt.date(2022, 3, 1),
        dt.date(2027, 3, 1),
        [],
    )


def test_line_outside_the_horizon_is_located(tmp_path: Path, acme: BudgetBook) -> None:
    path = build(tmp_path, "budget", acme)
    wb = openpyxl.load_workbook(path)
    wb["Lines"]["E3"] = dt.datetime(2031, 1, 1)
    wb.save(path)
    assert [str(i) for i in read_workbook(path).issues] == [
        "Lines!E3: Jan 2031 is outside the budget (Apr 2026 – Mar 2028)"
    ]


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["03/15/2024", "01/02/2024"], dt.date(2024, 1, 2)),  # a US file: month first
        (["15/03/2024", "01/02/2024"], dt.date(2024, 2, 1)),  # 15/03 cannot be month first: day first
        (["2024-03-15", "01/02/2024"], dt.date(2024, 1, 2)),  # nothing says otherwise: month first
    ],
)
def test_slash_dates_follow_the_file(tmp_path: Path, dates: list[str], expected: dt.date) -> None:
    body = "Asset ID,Type,Purchase Date\n" + "".join(f"A{i},Laptop,{d}\n" for i, d in enumerate(dates))
    assets, _ = load_assets(_csv(tmp_path, body))
    assert assets[1].purchase_date == expected


def test_replan_follows_an_edited_policy(acme: BudgetBook) -> None:
    # workstations now last 6 years: A1 (bought 2022-01-02) is due Jan 2028, no longer overdue
    policy = tuple(
        p.model_copy(update={"life_years": 6}) if p.asset_type == "Workstation" else p for p in acme.policy
    )
    extra = acme.lines[-1].model_copy(update={"description": "Typed by the client", "source": ""})
    edited = acme.model_copy(update={"policy": policy, "lines": (*acme.lines, extra)})
    again, _ = calc.replan_assets(edited)
    a1 = [line for line in again.lines if line.source == "A1"]
    assert {line.month for line in a1} == {dt.date(2028, 1, 1)}
    assert extra in again.lines  # the client's own line is kept
    contracts = [line for line in acme.lines if line.source == "Microsoft"]
    assert all(line in again.lines for line in contracts)
