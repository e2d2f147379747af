"""Regression tests for what a second fresh-eyes review of the hardening found."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.hostile.test_cli_refusals import _one_line, run, sample_budget, tampered
from xl_engage import functions as F
from xl_engage.templates import SAMPLE_MSP


def test_raci_rebuilds_in_place_and_over_an_earlier_file(tmp_path: Path) -> None:
    book = tmp_path / "r.xlsx"
    assert run("raci", "--client", "A", "--out", str(book)).returncode == 0
    assert run("raci", "--client", "A", "--out", str(book)).returncode == 0
    assert run("raci", "--from", str(book), "--out", str(book)).returncode == 0


@pytest.mark.parametrize(
    "args",
    [
        ["reconcile", "--budget", "b.xlsx", "--actuals", "l.csv", "--as-of", "1850-01-01"],
        ["playbook", "--portfolio", str(SAMPLE_MSP / "portfolio.csv"), "--as-of", "1850-06-30"],
        ["budget", "--assets", "x.csv", "--name", "X", "--as-of", "2300-01-01"],
    ],
)
def test_command_line_dates_are_bounded_like_every_date(tmp_path: Path, args: list[str]) -> None:
    result = run(*args, "--out", str(tmp_path / "o.xlsx"))
    assert result.returncode == 1 and "must be between 1900-03-01 and 2199-12-31" in _one_line(result)


def test_an_ampersand_in_a_client_name_keeps_the_page_header(tmp_path: Path) -> None:
    result = run("raci", "--client", "P&G", "--out", str(tmp_path / "pg.xlsx"))
    assert result.returncode == 0 and "Warning" not in result.stderr
    with zipfile.ZipFile(tmp_path / "pg.xlsx") as zf:
        assert "P\uff06G" in zf.read("xl/worksheets/sheet1.xml").decode()


def test_outputs_never_land_among_inputs_a_run_reads(tmp_path: Path) -> None:
    firm = tmp_path / "firm"
    assert run("init", str(firm)).returncode == 0
    result = run("roi", "--templates", str(firm), "--out", str(firm / "branding.toml"))
    assert result.returncode == 2 and "whose files are inputs" in _one_line(result)
    client = tmp_path / "c"
    client.mkdir()
    for name in ("client.toml", "assets.csv"):
        (client / name).write_bytes((SAMPLE_MSP / "budgets" / "contoso-dental" / name).read_bytes())
    before = (client / "assets.csv").read_bytes()
    result = run("budget", "--client", str(client / "client.toml"), "--out", str(client / "assets.csv"))
    assert result.returncode == 2 and (client / "assets.csv").read_bytes() == before


def test_two_clients_of_one_name_in_a_portfolio_are_refused(tmp_path: Path) -> None:
    for year, sample in (("2025", "harbor-logistics"), ("2026", "contoso-dental")):
        folder = tmp_path / year / "acme"
        folder.mkdir(parents=True)
        for name in ("client.toml", "assets.csv"):
            (folder / name).write_bytes((SAMPLE_MSP / "budgets" / sample / name).read_bytes())
    listing = tmp_path / "list.csv"
    listing.write_text("Client file\n2025/acme/client.toml\n2026/acme/client.toml\n")
    result = run("budget", "--portfolio", str(listing), "--out", str(tmp_path / "out"))
    assert result.returncode == 2 and "would both be written as" in result.stderr


@pytest.mark.parametrize(
    "cell", [b'<c s="0" r="XFD1048576">', b"<c r='XFD1048576'>", b"<c>"], ids=["order", "quote", "no-ref"]
)
def test_a_far_cell_is_found_however_it_is_written(tmp_path: Path, cell: bytes) -> None:
    cells = (b"<c><v>1</v></c>") * 40 if cell == b"<c>" else cell + b"<v>1</v></c>"  # no-ref: many
    bad = tampered(
        tmp_path,
        "far.xlsx",
        lambda d: d.replace(b"</sheetData>", b'<row r="1048576">' + cells + b"</row></sheetData>"),
    )
    result = run("check", str(bad))
    assert result.returncode == 2 and "far beyond its" in _one_line(result)


def test_an_ods_export_is_refused_with_what_to_do(tmp_path: Path) -> None:
    ods = tmp_path / "inv.ods"
    ods.write_bytes(b"PK\x03\x04 not really")
    result = run("budget", "--assets", str(ods), "--name", "X", "--out", str(tmp_path / "b.xlsx"))
    assert result.returncode == 1 and "save it as .xlsx or .csv" in result.stderr


def test_errors_and_formulas_in_the_users_own_column_are_said(tmp_path: Path) -> None:
    book = tmp_path / "b.xlsx"
    sample_budget(book)
    wb = openpyxl.load_workbook(book)
    ws = wb["Assets"]
    col = ws.max_column + 1
    ws.cell(2, col, "My note")
    ws.cell(3, col, "#N/A").data_type = "e"
    ws.cell(4, col, '=B4&"-x"')
    wb.save(book)
    result = run("check", str(book))
    said = result.stdout + result.stderr
    assert result.returncode == 1 and "My note holds the error #N/A" in said
    assert "'My note' holds formulas" not in said  # its own row: kept (test_user_formulas)


def test_an_error_value_in_an_export_is_said_at_its_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Asset ID", "Type", "Purchase Date", "Replacement Cost"])
    ws.append(["A1", "Laptop", "2024-01-01", "#N/A"])
    ws["D2"].data_type = "e"
    path = tmp_path / "inv.xlsx"
    wb.save(path)
    result = run("budget", "--assets", str(path), "--name", "X", "--out", str(tmp_path / "b.xlsx"))
    assert result.returncode == 1 and "Replacement cost must be a number, got '#N/A'" in result.stderr


def test_stale_temporary_files_only_our_own(tmp_path: Path) -> None:
    from xl_engage.atomic import clean_stale

    target = tmp_path / "r.xlsx"
    other = tmp_path / f".r.xlsx.bak.{os.getpid()}.x.tmp"  # another target's: never touched
    other.write_text("x")
    old_live = tmp_path / f".r.xlsx.{os.getpid()}.abc.tmp"  # a living number, but a day old
    old_live.write_text("x")
    past = time.time() - 2 * 24 * 3600
    os.utime(old_live, (past, past))
    clean_stale(target)
    assert other.exists() and not old_live.exists()


def test_a_vcio_named_like_the_hidden_sheet_gets_a_sheet_of_their_own(tmp_path: Path) -> None:
    portfolio = tmp_path / "p.csv"
    portfolio.write_text("Client,MRR,Complexity,vCIO\nA,1000,5,_xle\n")
    assert (
        run(
            "playbook", "--portfolio", str(portfolio), "--year", "2026", "--out", str(tmp_path / "p.xlsx")
        ).returncode
        == 0
    )


def test_functions_take_any_size_and_date_excel_holds() -> None:
    assert F.budget_recurring(500, "2250-01-01", "2251-01-01") == 500
    assert F.budget_recurring(1e12, "2026-01-01", "2026-02-01") == 1e12
    assert isinstance(F.am_roi(10, 0.5, 1e12, 100, 250), float)


@pytest.mark.parametrize(
    ("reserve", "says"), [('"abc"', "planning reserve_monthly"), ("-5", "must be ≥ 0"), ("1e13", "must be <")]
)
def test_the_monthly_reserve_is_validated(tmp_path: Path, reserve: str, says: str) -> None:
    client = tmp_path / "client.toml"
    client.write_text(
        f'[profile]\nclient = "A"\nstart = 2026-01-01\nas_of = 2026-11-22\n[planning]\nreserve_monthly = {reserve}\n'
    )
    (tmp_path / "assets.csv").write_text("Asset ID,Type,Purchase Date\nA1,Laptop,2024-01-01\n")
    result = run("budget", "--client", str(client), "--out", str(tmp_path / "b.xlsx"))
    assert result.returncode == 1 and says in result.stderr and "Traceback" not in result.stderr, (
        result.stderr
    )


def test_no_traceback_from_demo_into_a_file_or_a_deep_mapping(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = run("demo", "--out", str(afile / "sub"))
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 5000 + "]" * 5000 + "\n")
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "xl-engage"),
            "inspect",
            str(SAMPLE_MSP / "clients.csv"),
            "--as",
            "clients",
            "--mapping",
            str(deep),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.parametrize("part", ["xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml"])
def test_a_zip_that_lies_about_a_parts_size_is_refused(tmp_path: Path, part: str) -> None:
    """The sizes the package declares are checked against what its parts inflate to (CRC),
    before any library reads them, whatever the part: one line, exit 2."""
    import struct

    good = tmp_path / "p.xlsx"
    assert run("pricing", "--out", str(good)).returncode == 0
    raw = bytearray(good.read_bytes())
    name = part.encode()
    for signature, name_len_at, name_at, size_at in (
        (b"PK\x01\x02", 28, 46, 24),
        (b"PK\x03\x04", 26, 30, 22),
    ):
        i = raw.find(signature)
        while i >= 0:
            (n,) = struct.unpack("<H", raw[i + name_len_at : i + name_len_at + 2])
            if bytes(raw[i + name_at : i + name_at + n]) == name:
                struct.pack_into("<I", raw, i + size_at, 100)  # "100 bytes", it says
            i = raw.find(signature, i + 4)
    lie = tmp_path / "lie.xlsx"
    lie.write_bytes(bytes(raw))
    result = run("check", str(lie))
    assert result.returncode == 2 and "damaged .xlsx package" in _one_line(result)
