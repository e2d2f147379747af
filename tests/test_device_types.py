"""Real exports in: vendors' device type names, unknown types, identity by serial, and a
budget started from an inventory export alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.helpers import build, invoke
from xl_engage.build import model_from_workbook
from xl_engage.calc import budget as calc
from xl_engage.inputs.budget import TYPE_AS_EXPORTED, load_assets, load_budget, load_policy, start_budget
from xl_engage.issues import InputError
from xl_engage.models.budget import Asset, BudgetBook, PolicyRow, Profile
from xl_engage.reader import read_workbook

AS_OF = dt.date(2026, 11, 22)


def _row(name: str, *aliases: str) -> PolicyRow:
    return PolicyRow(asset_type=name, life_years=4, aliases=aliases)


# --- resolution ------------------------------------------------------------------------------


def test_exact_name_beats_exact_alias_beats_pattern() -> None:
    policy = (
        _row("Workstation", "Desktop", "Print Server", "*station*"),
        _row("Server", "*server*", "Workstation"),
        _row("Laptop", "*station*"),
    )
    names = calc.type_names(policy)
    assert names.resolve("Workstation") == "Workstation"  # a name, though Server lists it as an alias
    assert names.resolve("Print Server") == "Workstation"  # an exact alias, though *server* matches
    assert names.resolve("Dell Rack Server") == "Server"  # a pattern
    assert names.resolve("Docking Station") == "Workstation"  # among patterns, the first row wins
    assert names.resolve("  desktop ") == "Workstation"
    assert names.resolve("PRINT   server") == "Workstation"  # case and runs of spaces forgiven
    assert names.resolve("iPhone") is None
    assert names.resolve("") is None


def test_a_pattern_is_literal_text_but_for_its_stars() -> None:
    names = calc.type_names((_row("Server", "Server (Dell) *", "A.B*"),))
    assert names.resolve("Server (Dell) R740") == "Server"
    assert names.resolve("a.b") == "Server"  # * may stand for nothing
    assert names.resolve("AxB") is None  # "." is a dot, not any character
    assert names.resolve("Server Dell R740") is None


def test_the_client_file_beats_the_library() -> None:
    policy = load_policy()
    client = {"Windows Desktop": "laptop", "Dell Latitude*": "Laptop"}
    names = calc.type_names(policy, client)
    assert calc.type_names(policy).resolve("Windows Desktop") == "Workstation"  # the library
    assert names.resolve("windows desktop") == "Laptop"  # the client's word, spelled as the policy
    assert names.resolve("Dell Latitude 5440") == "Laptop"
    assert names.resolve("Windows Laptop") == "Laptop"  # the library still answers the rest
    assert calc.client_type_problems(policy, {"iPhone": "Phone"})[0].message.startswith(
        "'Phone' is not an asset type of the policy; the policy has Workstation, Laptop"
    )
    with pytest.raises(ValueError, match="'Phone' is not an asset type"):
        calc.type_names(policy, {"iPhone": "Phone"})


@pytest.mark.parametrize(
    ("exported", "expected"),
    [
        ("Windows Desktop", "Workstation"),  # NinjaOne
        ("Windows Laptop", "Laptop"),
        ("Windows Server", "Server"),
        ("Linux Server", "Server"),
        ("VMware ESXi Host", "Server"),
        ("NMS Switch", "Switch"),
        ("NMS WAP", "Wireless AP"),
        ("NMS Firewall", "Firewall"),
        ("NMS Printer", "Printer"),
        ("Managed Workstation", "Workstation"),  # ConnectWise PSA, IT Glue
        ("Managed Server", "Server"),
        ("Notebook", "Laptop"),
        ("Network Switch", "Switch"),
        ("Wireless Access Point", "Wireless AP"),
        ("UPS", "UPS battery"),
        ("NAS", "Storage"),
        ("Desktop", "Workstation"),  # Datto RMM, ScalePad
        ("ESXi Host", "Server"),
        ("Network Device", "Switch"),
        ("Workstations - Windows", "Workstation"),  # N-able N-central
        ("Laptop - Windows", "Laptop"),
        ("Server - Windows", "Server"),
        ("Server - Linux", "Server"),
        ("Windows", "Workstation"),  # Lansweeper
        ("HP LaserJet Printer", "Printer"),
        ("Virtual Server", None),  # a virtual machine has no hardware to replace
        ("VMware VM Guest", None),
        ("Mobile Phone", None),
    ],
)
def test_the_library_knows_the_vendors_names(exported: str, expected: str | None) -> None:
    assert calc.type_names(load_policy()).resolve(exported) == expected


def _templates(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "lifecycle.toml").write_text(body)
    return folder


def test_an_alias_two_types_claim_is_refused(tmp_path: Path) -> None:
    folder = _templates(
        tmp_path,
        '[[policy]]\nasset_type = "Workstation"\nlife_years = 4\naliases = ["Desktop", "*top*"]\n'
        '[[policy]]\nasset_type = "Laptop"\nlife_years = 4\naliases = ["*top*", "desktop", "Workstation"]\n',
    )
    with pytest.raises(InputError) as err:
        load_policy(folder)
    assert [str(i) for i in err.value.issues] == [
        f"{folder / 'lifecycle.toml'} policy[2].aliases[2]: alias 'desktop' of 'Laptop' is already an "
        "alias of 'Workstation'",
        f"{folder / 'lifecycle.toml'} policy[2].aliases[3]: alias 'Workstation' of 'Laptop' is the name "
        "of the type 'Workstation'",
    ]  # the shared pattern is allowed: the first row wins


# --- import ----------------------------------------------------------------------------------

CLIENT = """
[profile]
client = "Brightwater Dental"
fiscal_year_start_month = 7
start = 2026-07-01
horizon_years = 3
as_of = 2026-11-22

[import.types]
"Dell Latitude 5440" = "laptop"
"""


def _client(tmp_path: Path, assets: str, extra: str = "") -> Path:
    (tmp_path / "assets.csv").write_text(assets)
    path = tmp_path / "client.toml"
    path.write_text(CLIENT + extra)
    return path


EXPORT = (
    "Asset Tag,Hostname,Device Type,Install Date,Warranty Expiration Date\n"
    "T1,BW-WS01,Windows Desktop,2019-07-02,2022-07-04\n"
    "T2,BW-LT01,Dell Latitude 5440,2024-02-01,2027-02-01\n"
    "T3,BW-LT02,laptop,2024-02-01,\n"
    "T4,BW-ESX1,Hyperconverged Node,2021-01-10,2026-01-10\n"
    "T5,BW-ESX2,hyperconverged  node,2021-01-10,2026-01-10\n"
    "T6,Dr Okafor's phone,iPhone,2025-01-01,\n"
    "T7,Mystery box,,2020-01-01,\n"
)


def test_types_resolve_and_the_exported_text_is_kept(tmp_path: Path) -> None:
    book, _ = load_budget(_client(tmp_path, EXPORT))
    got = {a.asset_id: (a.asset_type, a.extras.get(TYPE_AS_EXPORTED)) for a in book.assets}
    assert got == {
        "T1": ("Workstation", "Windows Desktop"),  # the library's alias
        "T2": ("Laptop", "Dell Latitude 5440"),  # the client's own name
        "T3": ("Laptop", None),  # the same word: nothing to keep
        "T4": ("Hyperconverged Node", None),  # unknown: kept as exported
        "T5": ("hyperconverged  node", None),
        "T6": ("iPhone", None),
        "T7": ("", None),
    }
    replaced = {line.source for line in book.lines}
    assert replaced == {"T1", "T2", "T3"}  # unknown types are listed, never planned


def test_unknown_types_are_one_warning_with_counts_and_the_line_to_add(tmp_path: Path) -> None:
    book, issues = load_budget(_client(tmp_path, EXPORT))
    unknown = [i for i in issues if "does not know" in i.message]
    assert [str(i) for i in unknown] == [
        "assets.csv:5 (Device Type): warning: 4 assets have a type the policy does not know: "
        "'Hyperconverged Node' (2), 'iPhone' (1), no type (1); to plan them, add e.g. "
        '"Hyperconverged Node" = "<a policy type>" under [import.types] in the client file, or to that '
        "type's aliases in templates/lifecycle.toml; a device with nothing to replace (a virtual "
        "machine, a phone) may stay unknown (the policy has Workstation, Laptop, Server, "
        "Storage, Switch, Firewall, Wireless AP, UPS battery, Printer)"
    ]
    results = calc.calculate(book)
    statuses = {a.asset_id: r.status for a, r in zip(book.assets, results.assets, strict=True)}
    assert [i for i, s in statuses.items() if s == calc.UNKNOWN_TYPE] == ["T4", "T5", "T6", "T7"]
    assert results.unknown_type_assets == 4


def test_the_suggested_line_guesses_the_type_from_its_words() -> None:
    policy = load_policy()
    book = BudgetBook(
        profile=Profile(client="X", start=dt.date(2026, 1, 1), as_of=AS_OF),
        policy=policy,
        assets=(
            Asset(asset_id="1", asset_type="iPhone"),
            Asset(asset_id="2", asset_type="Blade Server"),
            Asset(asset_id="3", asset_type="Blade Server"),
        ),
    )
    problem = calc.unknown_type_problem(book, policy=policy)
    assert problem is not None and problem.loc == ("assets", 1, "asset_type")
    assert problem.message == (
        "3 assets have a type the policy does not know: 'Blade Server' (2), 'iPhone' (1); to plan "
        'them, add e.g. "Blade Server" = "Server" under [import.types] in the client file, or to '
        "that type's aliases in templates/lifecycle.toml; a device with nothing to replace (a virtual "
        "machine, a phone) may stay unknown"
    )
    # started from an export alone, the fix goes in a mapping file; a management interface or
    # a virtual server is never suggested as the hardware its name contains
    assert (
        "[import.types] in a mapping file (--mapping)" in calc.unknown_type_problem(book, "mapping").message
    )
    odd = book.model_copy(
        update={"assets": (Asset(asset_id="4", asset_type="Servers - Management Interface"),)}
    )
    assert '"Servers - Management Interface" = "<a policy type>"' in calc.unknown_type_problem(odd).message
    workbook = calc.unknown_type_problem(book, "workbook")
    assert workbook is not None and workbook.message.endswith(
        "to plan them, type a policy type in their Type cell (e.g. Server for 'Blade Server'), or add "
        "a row for their type on the Policy sheet"
    )
    assert calc.unknown_type_problem(book.model_copy(update={"assets": book.assets[:0]})) is None


def test_a_client_type_the_policy_lacks_is_located(tmp_path: Path) -> None:
    client = _client(tmp_path, EXPORT, '"iPhone" = "Phone"\n')
    with pytest.raises(InputError) as err:
        load_budget(client)
    assert [str(i) for i in err.value.issues] == [
        f"{client} import.types.'iPhone': 'Phone' is not an asset type of the policy; the policy has "
        "Workstation, Laptop, Server, Storage, Switch, Firewall, Wireless AP, UPS battery, Printer"
    ]


def test_strict_makes_the_unknown_types_an_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_budget(_client(tmp_path, EXPORT), strict=True)
    (error,) = [i for i in err.value.issues if i.severity == "error"]
    assert error.where == "assets.csv:5 (Device Type)" and "4 assets have a type" in error.message


# --- identity --------------------------------------------------------------------------------


def test_no_asset_tag_identifies_by_serial_then_name(tmp_path: Path) -> None:
    path = tmp_path / "scalepad.csv"
    path.write_text(
        "Name,Serial Number,Type,Purchase Date,Warranty Expires\n"
        "BW-WS01,5CGD8PQU7P,Desktop,2019-07-02,2022-07-04\n"
        "BW-WS02,,Desktop,2020-01-01,\n"
        "BW-WS01b,5CGD8PQU7P,Desktop,2018-07-02,2023-01-01\n"  # the same device, listed again
    )
    assets, notes = load_assets(path, calc.type_names(load_policy()))
    assert [(a.asset_id, a.serial, a.name) for a in assets] == [
        ("5CGD8PQU7P", "5CGD8PQU7P", "BW-WS01"),
        ("BW-WS02", "", "BW-WS02"),
    ]
    merged = assets[0]
    assert (merged.purchase_date, merged.warranty_end) == (dt.date(2018, 7, 2), dt.date(2023, 1, 1))
    said = [str(n) for n in notes]
    assert any("asset id '5CGD8PQU7P' is listed again" in s for s in said)
    assert any(n.severity == "note" and "Serial number" in n.message for n in notes), said
    assert all(a.asset_type == "Workstation" for a in assets)


def test_a_device_with_no_tag_serial_or_name_is_located(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text("Serial Number,Hostname,Type\n,,Laptop\n")
    with pytest.raises(InputError) as err:
        load_assets(path)
    assert any(
        i.where.startswith("inv.csv:2") and "Asset ID is required" in i.message for i in err.value.issues
    ), err.value.issues


# --- the workbook ----------------------------------------------------------------------------


def _table(ws: Any, name: str) -> tuple[int, dict[str, int], int]:
    c0, r0, c1, r1 = openpyxl.utils.cell.range_boundaries(ws.tables[name].ref)  # type: ignore[attr-defined]
    return r0, {ws.cell(r0, c).value: c for c in range(c0, c1 + 1)}, r1


def test_unknown_type_in_the_workbook_and_read_back(tmp_path: Path) -> None:
    book, _ = load_budget(_client(tmp_path, EXPORT))
    path = build(tmp_path, "budget", book)
    wb = openpyxl.load_workbook(path, data_only=True)
    ws = wb["Assets"]
    header, cols, _ = _table(ws, "Assets")
    rows = {ws.cell(r, cols["Asset ID"]).value: r for r in range(header + 1, header + 1 + len(book.assets))}
    status = {k: ws.cell(r, cols["Status"]).value for k, r in rows.items()}
    assert [k for k, s in status.items() if s == calc.UNKNOWN_TYPE] == ["T4", "T5", "T6", "T7"]
    assert ws.cell(rows["T1"], cols[TYPE_AS_EXPORTED]).value == "Windows Desktop"
    summary = wb["Summary"]
    label = next(
        c for row in summary.iter_rows() for c in row if c.value == "Assets of unknown type (not planned)"
    )
    assert summary.cell(label.row, label.column + 1).value == 4
    formulas = openpyxl.load_workbook(path)["Assets"]
    assert "Policy[Asset type]" in formulas.cell(rows["T4"], cols["Status"]).value

    loaded = read_workbook(path)
    assert loaded.model == book  # the exported text and the unknown types come back as they were
    (warning,) = loaded.issues
    assert warning.severity == "warning" and warning.where == f"Assets!{_letter(cols['Type'])}{rows['T4']}"
    assert warning.message.startswith("4 assets have a type the policy does not know")
    assert "Type cell" in warning.message


def _letter(col: int) -> str:
    return openpyxl.utils.get_column_letter(col)  # type: ignore[attr-defined]


def test_typing_a_policy_type_plans_the_asset_on_replan(tmp_path: Path) -> None:
    book, _ = load_budget(_client(tmp_path, EXPORT))
    path = build(tmp_path, "budget", book)
    wb = openpyxl.load_workbook(path)
    ws = wb["Assets"]
    header, cols, _ = _table(ws, "Assets")
    row = next(r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, cols["Asset ID"]).value == "T6")
    ws.cell(row, cols["Type"]).value = "Laptop"
    wb.save(path)
    edited = model_from_workbook(path, "budget")
    assert isinstance(edited, BudgetBook)
    replanned, _ = calc.replan_assets(edited)
    assert any(line.source == "T6" for line in replanned.lines)
    assert calc.calculate(replanned).unknown_type_assets == 3


# --- the command -----------------------------------------------------------------------------


def _export(tmp_path: Path) -> Path:
    path = tmp_path / "ninja.csv"
    path.write_text(
        "Display Name,System Name,Location,Role,Serial Number,Purchase Date,Warranty End Date\n"
        "BWD-WS01 (Hygiene 2),BWD-WS01,Main Office,Windows Desktop,5CGD8PQU7P,2019-07-02,2022-07-04\n"
        "BWD-LT01,BWD-LT01,Main Office,Windows Laptop,PF3E12A5,2024-08-05,2027-08-04\n"
        "BWD-PH01,BWD-PH01,Main Office,Android,R58N123,2025-01-01,\n"
    )
    return path


def test_a_budget_from_the_export_alone_and_its_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    args = ["budget", "--assets", str(_export(tmp_path)), "--name", "Brightwater Dental"]
    result = invoke([*args, "--fiscal-year-start", "7", "--as-of", "2026-11-22", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 asset has a type the policy does not know: 'Android' (1)" in result.stderr
    book = model_from_workbook(out, "budget")
    assert isinstance(book, BudgetBook)
    assert (book.profile.client, book.profile.start, book.profile.horizon_years, book.profile.as_of) == (
        "Brightwater Dental",
        dt.date(2026, 7, 1),
        3,
        AS_OF,
    )
    assert book.initiatives == () and {line.source for line in book.lines} == {"5CGD8PQU7P", "PF3E12A5"}
    assert [a.asset_id for a in book.assets] == ["5CGD8PQU7P", "PF3E12A5", "R58N123"]  # by serial

    # the empty Roadmap is there to fill in: type an initiative, rebuild, and it is kept
    wb = openpyxl.load_workbook(out)
    ws = wb["Roadmap"]
    header, cols, last = _table(ws, "Initiatives")
    assert last == header + 1 and all(ws.cell(last, c).value is None for c in cols.values())
    ws.cell(last, cols["Initiative"]).value = "Wi-Fi upgrade"
    ws.cell(last, cols["Target quarter"]).value = "FY2027 Q3"
    wb.save(out)
    again = tmp_path / "b2.xlsx"
    result = invoke(["budget", "--from", str(out), "--out", str(again)])
    assert result.exit_code == 0, result.output
    rebuilt = model_from_workbook(again, "budget")
    assert isinstance(rebuilt, BudgetBook)
    assert [i.name for i in rebuilt.initiatives] == ["Wi-Fi upgrade"]
    assert rebuilt.model_copy(update={"initiatives": ()}) == book


def test_an_empty_roadmap_round_trips(tmp_path: Path) -> None:
    book, _ = start_budget("Brightwater Dental", _export(tmp_path), AS_OF)
    assert (book.profile.start, book.initiatives) == (dt.date(2026, 1, 1), ())
    loaded = read_workbook(build(tmp_path, "budget", book))
    assert loaded.model == book


def test_the_status_date_defaults_to_today(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    result = invoke(["budget", "--assets", str(_export(tmp_path)), "--name", "X", "--out", str(out)])
    assert result.exit_code == 0, result.output
    book = model_from_workbook(out, "budget")
    assert isinstance(book, BudgetBook)
    today = dt.date.today()
    assert (book.profile.as_of, book.profile.start) == (today, dt.date(today.year, 1, 1))


def test_strict_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    args = ["budget", "--assets", str(_export(tmp_path)), "--name", "X", "--as-of", "2026-11-22"]
    result = invoke([*args, "--strict", "--out", str(out)])
    assert result.exit_code == 1
    assert "ninja.csv:4 (Role): 1 asset has a type the policy does not know: 'Android' (1)" in result.stderr
    assert "nothing was written" in result.stderr and not out.exists()

    assert invoke([*args, "--out", str(out)]).exit_code == 0  # without --strict: built
    again = tmp_path / "b2.xlsx"
    result = invoke(["budget", "--from", str(out), "--strict", "--out", str(again)])
    assert result.exit_code == 1 and "'Android' (1)" in result.stderr and not again.exists()


def test_strict_from_a_client_file(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    result = invoke(["budget", "--client", str(_client(tmp_path, EXPORT)), "--strict", "--out", str(out)])
    assert result.exit_code == 1 and "4 assets have a type" in result.stderr and not out.exists()


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["--name", "X", "--client", "client.toml"],
            "give --name (start from an export alone) or --client (a client file), not both",
        ),
        (["--client", "client.toml", "--horizon", "5"], "--horizon go with --name"),
        (["--name", "X"], "--name starts a budget from an inventory export: give --assets EXPORT too"),
    ],
)
def test_the_command_refuses_what_it_would_ignore(tmp_path: Path, args: list[str], says: str) -> None:
    out = tmp_path / "b.xlsx"
    result = invoke(["budget", *args, "--out", str(out)])
    assert result.exit_code == 1 and says in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not out.exists()


def test_a_portfolio_says_each_clients_unknown_types_and_strict_stops_that_client(tmp_path: Path) -> None:
    """--portfolio prints each client's warnings (not only a count) and honours --strict."""
    import subprocess
    import sys

    folder = tmp_path / "clients"
    for name, kind in (("good", "Laptop"), ("odd", "Toaster")):
        (folder / name).mkdir(parents=True)
        (folder / name / "client.toml").write_text(
            f'[profile]\nclient = "{name}"\nstart = 2026-01-01\nas_of = 2026-11-22\n'
        )
        (folder / name / "assets.csv").write_text(f"Asset ID,Type,Purchase Date\nA1,{kind},2024-01-01\n")
    cli = [str(Path(sys.executable).parent / "xl-engage")]
    run = subprocess.run(
        [*cli, "budget", "--portfolio", str(folder), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "'Toaster' (1)" in run.stderr and "odd" in run.stderr
    run = subprocess.run(
        [*cli, "budget", "--portfolio", str(folder), "--strict", "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1 and "FAILED" in run.stderr and "'Toaster'" in run.stderr
    assert [p.name for p in (tmp_path / "s").glob("*.xlsx")] == ["budget-good.xlsx"]
