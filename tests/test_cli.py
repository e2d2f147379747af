"""The CLI through its real entry point, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl

EXE = str(Path(sys.executable).parent / "xl-engage")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, check=False)


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("pricing", "roi", "check", "demo"):
        assert command in result.stdout


def test_demo_builds_every_workbook_and_each_checks_valid(tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert built == ["am-roi-owner-does-am.xlsx", "am-roi.xlsx", "vcio-pricing.xlsx"]
    for name in built:
        check = run("check", str(tmp_path / name))
        assert check.returncode == 0, check.stdout + check.stderr
        assert "valid" in check.stdout


def test_check_exit_codes_and_json(tmp_path: Path) -> None:
    out = tmp_path / "p.xlsx"
    assert run("pricing", "--out", str(out)).returncode == 0
    js = run("check", "--json", str(out))
    assert js.returncode == 0
    doc = json.loads(js.stdout)
    assert doc["kind"] == "pricing" and len(doc["model"]["clients"]) == 8

    wb = openpyxl.load_workbook(out)
    wb["Agreements"]["D14"] = -3
    wb.save(out)
    bad = run("check", str(out))
    assert bad.returncode == 1
    assert "Agreements!D14: Hours per occurrence must be ≥ 0, got -3" in bad.stdout

    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a workbook")
    unreadable = run("check", str(junk))
    assert unreadable.returncode == 2
    assert unreadable.stderr.strip().count("\n") == 0 and "not an .xlsx workbook" in unreadable.stderr


def test_rebuild_from_an_edited_workbook(tmp_path: Path) -> None:
    first = tmp_path / "roi.xlsx"
    assert run("roi", "--out", str(first)).returncode == 0
    wb = openpyxl.load_workbook(first)
    wb["Segments"]["C3"] = 9
    wb.save(first)
    second = tmp_path / "roi2.xlsx"
    result = run("roi", "--from", str(first), "--owner-does-am", "--out", str(second))
    assert result.returncode == 0, result.stderr
    doc = json.loads(run("check", "--json", str(second)).stdout)
    assert doc["model"]["segments"][0]["clients"] == 9
    assert doc["model"]["settings"]["owner_does_am"] is True


def test_rebuild_from_the_wrong_kind_is_refused(tmp_path: Path) -> None:
    roi = tmp_path / "roi.xlsx"
    assert run("roi", "--out", str(roi)).returncode == 0
    result = run("pricing", "--from", str(roi), "--out", str(tmp_path / "p.xlsx"))
    assert result.returncode == 2 and "not a pricing workbook" in result.stderr
    assert not (tmp_path / "p.xlsx").exists()


def test_bad_clients_csv_names_line_and_column(tmp_path: Path) -> None:
    csv = tmp_path / "clients.csv"
    csv.write_text(
        "Client,Users,Price per user,Employees,Package\n"
        "Acme,ten,125,12,vCIO Light\n"
        "Beta,12,-5,12,vCIO Light\n"
        "Gamma,12,125,12,vCIO Gold\n"
    )
    out = tmp_path / "p.xlsx"
    none = tmp_path / "none.toml"
    none.write_text("")
    result = run("pricing", "--clients", str(csv), "--agreements", str(none), "--out", str(out))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "clients.csv:2 (Users): Users must be a whole number, got 'ten'" in lines
    assert "clients.csv:3 (Price per user): Price per user must be ≥ 0, got -5" in lines
    assert not out.exists()


def test_missing_column_in_csv(tmp_path: Path) -> None:
    csv = tmp_path / "clients.csv"
    csv.write_text("Client,Users\nAcme,10\n")
    none = tmp_path / "none.toml"
    none.write_text("")
    result = run(
        "pricing", "--clients", str(csv), "--agreements", str(none), "--out", str(tmp_path / "p.xlsx")
    )
    assert result.returncode == 1
    assert "clients.csv:1 (Client): table 'Clients' has no column 'Employees'" in result.stderr
