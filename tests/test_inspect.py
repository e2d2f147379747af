"""``xl-engage inspect`` through its real entry point: what the reader saw, and the exit code."""

from __future__ import annotations

import codecs
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

EXE = str(Path(sys.executable).parent / "xl-engage")
EXPORTS = Path(__file__).parent / "data" / "exports"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it; a wide console so no table cell wraps."""
    env = {**os.environ, "COLUMNS": "220"}
    return subprocess.run(
        [EXE, "inspect", *args], capture_output=True, text=True, timeout=120, check=False, env=env
    )


def rows(stdout: str) -> list[list[str]]:
    """The table rows of the output, each as its cells' text."""
    return [[c.strip() for c in line.strip("│ ").split("│")] for line in stdout.splitlines() if "│" in line]


def expected(vendor: str, name: str, listing: str = "expected.toml") -> dict:
    """A fixture's hand-computed expectations."""
    doc = tomllib.loads((EXPORTS / vendor / listing).read_text(encoding="utf-8"))
    return next(f for f in doc["file"] if f["name"] == name)


def test_report_shaped_quickbooks_ledger_shows_header_skipped_lines_and_total() -> None:
    want = expected("quickbooks-online", "transaction-detail-by-account.csv")
    result = run(str(EXPORTS / "quickbooks-online" / "transaction-detail-by-account.csv"), "--as", "ledger")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout
    assert "read as text: encoding utf-8, separator comma" in out
    assert "header row: line 5" in out
    skipped = {r[0]: int(r[1]) for r in rows(out) if r[0] in want["skipped"]}
    assert skipped == want["skipped"]
    assert ["title", "3", "1, 2, 3"] in rows(out)  # the lines, not just their count
    assert f"{want['transactions']} transaction(s), total spend {float(want['total']):,.2f}" in out
    assert ["Date → Date", want["date_order"]] in rows(out)
    assert ["9", "Balance", "kept as your column"] in rows(out)
    assert ["8", "Amount", "→ Amount"] in rows(out)
    assert "take their GL account from the section heading" in out
    assert out.rstrip().endswith(f"would import: {want['transactions']} transaction(s)")


def test_utf16_export_says_its_encoding_and_separator() -> None:
    path = EXPORTS / "quickbooks-desktop" / "custom-transaction-detail.txt"
    assert path.read_bytes().startswith(codecs.BOM_UTF16_LE)  # the fixture is what the test says
    result = run(str(path), "--as", "ledger")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "read as text: encoding utf-16-le, separator tab" in result.stdout
    want = expected("quickbooks-desktop", "custom-transaction-detail.txt")
    assert f"{want['transactions']} transaction(s)" in result.stdout
    assert f"{want['not_spend']} entries not counted as spend" in result.stdout


def test_workbook_inventory_lists_its_types_with_counts_and_policy_types() -> None:
    want = expected("kaseya-vsa", "machine-summary.xlsx")
    result = run(str(EXPORTS / "kaseya-vsa" / "machine-summary.xlsx"), "--as", "inventory")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "read as a workbook: first sheet 'Machine Summary'" in result.stdout
    assert "header row: row 7" in result.stdout
    types = {r[0]: r[1:] for r in rows(result.stdout) if r[0] in want["types"]}
    for text, count in want["types"].items():
        policy = want["policy_types"][text]
        assert types[text] == [str(count), f"known → {policy}" if policy else "unknown: listed, not planned"]


def test_inventory_types_known_and_unknown_and_the_import_warning(tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    path.write_text(
        "Asset Tag,Device Type,Purchase date\n"
        "A1,Laptop,2024-01-05\n"
        "A2,laptop,2024-02-05\n"
        "A3,Quantum Toaster,2023-05-01\n"
        "A4,Server,15/03/2022\n",
        encoding="utf-8",
    )
    result = run(str(path), "--as", "inventory")
    assert result.returncode == 0, result.stdout + result.stderr  # an unknown type is a warning
    table = rows(result.stdout)
    assert ["Laptop", "2", "known → Laptop"] in table
    assert ["Server", "1", "known → Server"] in table
    assert ["Quantum Toaster", "1", "unknown: listed, not planned"] in table
    assert ["Purchase date → Purchase date", "day-first"] in table
    assert re.search(
        r"devices\.csv:4 \(Device Type\): warning: 1 asset has a type .*'Quantum Toaster'", result.stdout
    )
    assert "would import: 4 row(s), with 1 warning(s)" in result.stdout


def test_broken_inventory_exits_1_with_each_problem_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "Asset Tag,Device Type,Purchase date,Cost\nA1,Laptop,2024-01-05,1200\nA2,Laptop,not a date,abc\n",
        encoding="utf-8",
    )
    result = run(str(path), "--as", "inventory")
    assert result.returncode == 1
    assert "broken.csv:3 (Purchase date): Purchase date must be a date" in result.stdout
    assert "broken.csv:3 (Cost): Replacement cost must be a number, got 'abc'" in result.stdout
    assert "would not import: 2 error(s)" in result.stdout


def test_broken_ledger_exits_1_and_says_what_it_read(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("Date;Payee;Amount\n03/04/2026;Dell;1.234,50\n04/04/2026;CDW;12,x\n", encoding="utf-8")
    result = run(str(path), "--as", "ledger")
    assert result.returncode == 1
    assert "separator semicolon" in result.stdout
    assert ["Amount → Amount", "decimal comma"] in rows(result.stdout)
    assert ["Date → Date", "either: every date reads both ways; read month-first"] in rows(result.stdout)
    assert "ledger.csv:3 (Amount): Amount: expected an amount" in result.stdout
    assert "transaction(s), total spend" not in result.stdout  # nothing would be imported


def test_file_with_no_header_row_exits_1_with_the_advice(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text("foo,bar\n1,2\n", encoding="utf-8")
    result = run(str(path), "--as", "ledger")
    assert result.returncode == 1
    assert "no header row found" in result.stdout
    assert "plain.csv:1: no header row found in the first 40 lines" in result.stdout


def test_unreadable_files_exit_2_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "fake.xlsx").write_bytes(b"not a zip at all")
    for name, says in (
        ("empty.csv", "the file is empty"),
        ("fake.xlsx", "cannot be read as a workbook"),
        ("missing.csv", "cannot be read"),
    ):
        result = run(str(tmp_path / name), "--as", "inventory")
        assert result.returncode == 2, name
        assert result.stdout == ""
        assert result.stderr.strip().count("\n") == 0 and says in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_second_best_column_and_stand_in_identity_are_said() -> None:
    result = run(str(EXPORTS / "bank" / "chase-checking.csv"), "--as", "ledger", "--spend-negative")
    assert result.returncode == 0, result.stdout + result.stderr
    table = rows(result.stdout)
    details = next(r for r in table if r[1] == "Details")
    assert details[2].startswith("not read: a second-best candidate for Description")
    want = expected("bank", "chase-checking.csv")
    assert f"total spend {float(want['total']):,.2f}" in result.stdout
    assert f"{want['not_spend']} entries not counted as spend" in result.stdout
    assert "chase-checking.csv:7 (Details): ACCT_XFER: a transfer or payment, not spend" in result.stdout

    without = run(str(EXPORTS / "bank" / "chase-checking.csv"), "--as", "ledger")
    assert "the total is negative" in without.stdout and "--spend-negative" in without.stdout


def test_mapping_is_applied_and_shown(tmp_path: Path) -> None:
    path = tmp_path / "hw.csv"
    path.write_text(
        "Kennung,Geraet,Kaufdatum,Notiz\nA1,Laptop,03/04/2024,x\nA2,Toaster 3000,05/06/2023,\n",
        encoding="utf-8",
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[import]\ndate_order = "day-first"\n'
        '[import.columns]\n"Kennung" = "Asset ID"\n"Geraet" = "Type"\n"Kaufdatum" = "Purchase date"\n'
        '[import.types]\n"Toaster 3000" = "Printer"\n',
        encoding="utf-8",
    )
    result = run(str(path), "--as", "inventory", "--mapping", str(mapping))
    assert result.returncode == 0, result.stdout + result.stderr
    table = rows(result.stdout)
    assert ["3", "Kaufdatum", "→ Purchase date (your mapping)"] in table
    assert ["4", "Notiz", "kept as your column"] in table
    assert ["Kaufdatum → Purchase date", "day-first (your mapping)"] in table
    assert ["Toaster 3000", "1", "known → Printer"] in table

    unmapped = run(str(path), "--as", "inventory")
    assert unmapped.returncode == 1  # no line names our columns: the header is not found
    assert "no header row found; the first lines, as split:" in unmapped.stdout
    assert "     1  Kennung | Geraet | Kaufdatum | Notiz" in unmapped.stdout


def test_refused_mapping_exits_2(tmp_path: Path) -> None:
    mapping = tmp_path / "map.toml"
    mapping.write_text('[import.columns]\n"Buchungstag" = "Datum"\n', encoding="utf-8")
    result = run(str(EXPORTS / "bank" / "chase-card.csv"), "--as", "ledger", "--mapping", str(mapping))
    assert result.returncode == 2
    assert "'Datum' is not a column here" in result.stderr


def test_user_text_is_never_read_as_markup(tmp_path: Path) -> None:
    path = tmp_path / "devices.csv"
    path.write_text("Asset Tag,Type,Purchase date,[red]Notes[/red]\nA1,[b]Laptop[/b],2024-01-05,x\n")
    result = run(str(path), "--as", "inventory")
    assert ["4", "[red]Notes[/red]", "kept as your column"] in rows(result.stdout)
    assert ["[b]Laptop[/b]", "1", "unknown: listed, not planned"] in rows(result.stdout)


def test_clients_and_portfolio_columns() -> None:
    clients = run(str(EXPORTS / "autotask" / "accounts.xlsx"), "--as", "clients")
    assert clients.returncode == 0, clients.stdout + clients.stderr
    want = expected("autotask", "accounts.xlsx", "expected-clients.toml")
    table = {r[1]: r[2] for r in rows(clients.stdout) if len(r) == 3}
    for header in want["columns"]:
        assert table[header].startswith("→ "), (header, table[header])
    assert f"would import: {want['rows']} row(s)" in clients.stdout

    portfolio = run(str(EXPORTS / "autotask" / "accounts.csv"), "--as", "portfolio")
    assert portfolio.returncode == 0, portfolio.stdout + portfolio.stderr
    assert ["Monthly Recurring Revenue → MRR", "decimal point"] in rows(portfolio.stdout)


def test_unknown_kind_is_refused() -> None:
    result = run(str(EXPORTS / "bank" / "chase-card.csv"), "--as", "budget")
    assert result.returncode == 2
    assert "--as must be one of inventory, ledger, clients, portfolio" in result.stderr
