"""The CLI through its real entry point, as a user runs it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl

from xl_engage.templates import SAMPLE_MSP

EXE = str(Path(sys.executable).parent / "xl-engage")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=120, check=False)


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("pricing", "roi", "budget", "raci", "playbook", "reconcile", "check", "demo"):
        assert command in result.stdout


def test_demo_builds_every_workbook_and_each_checks_valid(tmp_path: Path) -> None:
    result = run("demo", "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    built = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert built == [
        "am-roi-owner-does-am.xlsx",
        "am-roi.xlsx",
        "budget-contoso-dental.xlsx",
        "budget-harbor-logistics.xlsx",
        "budget-tailspin-manufacturing.xlsx",
        "raci-contoso-dental.xlsx",
        "raci-harbor-logistics.xlsx",
        "raci-tailspin-manufacturing.xlsx",
        "reconcile-harbor-logistics.xlsx",
        "vcio-playbook.xlsx",
        "vcio-pricing.xlsx",
    ]
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


BUDGET_DATA = Path(__file__).parent / "data" / "budget" / "acme"


def test_budget_from_client_file_and_rebuild(tmp_path: Path) -> None:
    out = tmp_path / "b.xlsx"
    result = run("budget", "--client", str(BUDGET_DATA / "client.toml"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "asset id 'A1' is listed again" in result.stderr  # the merge is reported, not silent
    wb = openpyxl.load_workbook(out)
    wb["Lines"]["F3"] = 3
    wb.save(out)
    again = tmp_path / "b2.xlsx"
    assert run("budget", "--from", str(out), "--out", str(again)).returncode == 0
    doc = json.loads(run("check", "--json", str(again)).stdout)
    assert doc["kind"] == "budget" and doc["model"]["lines"][0]["quantity"] == 3


def test_portfolio_keeps_going_past_a_bad_client(tmp_path: Path) -> None:
    folder = tmp_path / "clients"
    good = folder / "acme"
    good.mkdir(parents=True)
    for name in ("client.toml", "assets.csv"):
        (good / name).write_bytes((BUDGET_DATA / name).read_bytes())
    bad = folder / "broken"
    bad.mkdir()
    (bad / "client.toml").write_text((BUDGET_DATA / "client.toml").read_text())
    (bad / "assets.csv").write_text("Asset ID,Type,Purchase Date\nB1,Laptop,31/31/2024\n")
    out = tmp_path / "out"
    result = run("budget", "--portfolio", str(folder), "--out", str(out))
    assert result.returncode == 1
    assert "FAILED" in result.stderr and "Purchase date must be a date" in result.stderr
    assert "1 of 2 budget(s)" in result.stdout
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["budget-acme.xlsx"]


def test_portfolio_from_a_csv_list(tmp_path: Path) -> None:
    listing = tmp_path / "portfolio.csv"
    listing.write_text(f"Client file,Assets\n{BUDGET_DATA / 'client.toml'},{BUDGET_DATA / 'assets.csv'}\n")
    out = tmp_path / "out"
    result = run("budget", "--portfolio", str(listing), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.glob("*.xlsx")) == ["budget-acme.xlsx"]


def test_raci_blank_and_template(tmp_path: Path) -> None:
    blank = tmp_path / "blank.xlsx"
    assert run("raci", "--client", "Acme", "--blank", "--out", str(blank)).returncode == 0
    doc = json.loads(run("check", "--json", str(blank)).stdout)
    assert doc["model"]["areas"] and all(a["codes"] == {} for a in doc["model"]["areas"])
    full = tmp_path / "full.xlsx"
    assert run("raci", "--client", "Acme", "--maturity", "3", "--out", str(full)).returncode == 0
    result = run("check", str(full))
    assert result.returncode == 0 and "valid raci workbook" in result.stdout


def test_playbook_new_then_rebuilt_for_a_changed_portfolio(tmp_path: Path) -> None:

    first = tmp_path / "playbook.xlsx"
    portfolio = str(SAMPLE_MSP / "portfolio.csv")
    result = run(
        "playbook", "--portfolio", portfolio, "--year", "2025", "--as-of", "2025-03-31", "--out", str(first)
    )
    assert result.returncode == 0, result.stderr
    doc = json.loads(run("check", "--json", str(first)).stdout)
    assert doc["kind"] == "playbook" and doc["model"]["year"]["as_of"] == "2025-03-31"
    wb = openpyxl.load_workbook(first)
    ws = wb["Marcus Lee"]
    (ref,) = [t.ref for t in ws.tables.values()]
    header_row = int(ref.split(":")[0][1:])
    ws.cell(header_row + 2, 2, 44)  # February touches
    wb.save(first)
    changed = tmp_path / "new.csv"
    changed.write_text("Client,MRR,Complexity,vCIO\nNorthwind Clinic,6500,3,Dana Whitfield\n")
    second = tmp_path / "rebuilt.xlsx"
    result = run("playbook", "--from", str(first), "--portfolio", str(changed), "--out", str(second))
    assert result.returncode == 0, result.stderr
    assert "'Marcus Lee' has no clients" in result.stderr  # a warning; his sheet and counts stay
    doc = json.loads(run("check", "--json", str(second)).stdout)
    typed = [a for a in doc["model"]["actuals"] if a["touches"] is not None]
    assert [(a["vcio"], a["month"], a["touches"]) for a in typed] == [("Marcus Lee", "2025-02-01", 44)]
    assert [c["name"] for c in doc["model"]["clients"]] == ["Northwind Clinic"]


def test_playbook_bad_inputs_exit_1_and_write_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "p.csv"
    bad.write_text("Client,MRR,Complexity\nA,3000,5\n")
    out = tmp_path / "p.xlsx"
    result = run("playbook", "--portfolio", str(bad), "--year", "2025", "--out", str(out))
    assert result.returncode == 1
    assert "p.csv:1 (Client): table 'Portfolio' has no column 'vCIO'" in result.stderr
    assert not out.exists()
    result = run("playbook", "--out", str(out))
    assert result.returncode == 1 and "--portfolio" in result.stderr
    result = run("playbook", "--portfolio", str(SAMPLE_MSP / "portfolio.csv"), "--as-of", "31/03/2025")
    assert result.returncode == 1 and "--as-of" in result.stderr


def test_reconcile_then_carry_forward_next_month(tmp_path: Path) -> None:
    budget = tmp_path / "budget.xlsx"
    assert run("budget", "--client", str(BUDGET_DATA / "client.toml"), "--out", str(budget)).returncode == 0
    ledger = tmp_path / "ledger.csv"
    ledger.write_text(
        "Date,Name,Memo/Description,Account,Debit,Credit,Num\n"
        '5/4/2026,CDW,Laptop,6100 Computer equipment,"1,885.00",,INV-1\n'
        "5/9/2026,Amazon,Docks,6900 Miscellaneous,412.37,,AMZ-1\n"
        "6/1/2026,CDW,RMA credit,6100 Computer equipment,,100.00,CM-1\n"
    )
    first = tmp_path / "reconciled.xlsx"
    result = run(
        "reconcile",
        "--budget",
        str(budget),
        "--actuals",
        str(ledger),
        "--as-of",
        "2026-06-30",
        "--out",
        str(first),
    )
    assert result.returncode == 0, result.stderr
    assert "ledger.csv: 3 transaction(s), total 2,197.37" in result.stdout
    doc = json.loads(run("check", "--json", str(first)).stdout)
    assert doc["kind"] == "reconcile" and doc["model"]["settings"]["control_total"] == "2197.37"
    nxt = tmp_path / "july.csv"
    nxt.write_text(
        "Date,Name,Memo/Description,Account,Debit,Credit,Num\n"
        "7/2/2026,Lumen,Internet,6300 Internet,99.00,,L-7\n"
    )
    second = tmp_path / "july.xlsx"
    result = run(
        "reconcile",
        "--from",
        str(first),
        "--actuals",
        str(nxt),
        "--as-of",
        "2026-07-31",
        "--out",
        str(second),
    )
    assert result.returncode == 0, result.stderr
    assert "1 new transaction(s) added (99.00)" in result.stderr
    doc = json.loads(run("check", "--json", str(second)).stdout)
    assert len(doc["model"]["transactions"]) == 4 and doc["model"]["settings"]["control_count"] == 4


def test_reconcile_refuses_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    result = run("reconcile", "--out", str(out))
    assert result.returncode == 1 and "--budget" in result.stderr
    ledger = tmp_path / "ledger.csv"
    ledger.write_text("Date,Payee,Amount\n2026-05-01,A,1.234.56\n")
    budget = tmp_path / "budget.xlsx"
    assert run("budget", "--client", str(BUDGET_DATA / "client.toml"), "--out", str(budget)).returncode == 0
    result = run("reconcile", "--budget", str(budget), "--actuals", str(ledger), "--out", str(out))
    assert result.returncode == 1
    assert "ledger.csv:2 (Amount): Amount: '1.234.56' has two decimal separators" in result.stderr
    assert not out.exists()
    result = run("reconcile", "--budget", str(ledger), "--actuals", str(ledger), "--out", str(out))
    assert result.returncode == 2  # a CSV is not a budget workbook


def test_playbook_from_refuses_options_it_would_ignore(tmp_path: Path) -> None:
    first = tmp_path / "p.xlsx"
    portfolio = str(SAMPLE_MSP / "portfolio.csv")
    assert run("playbook", "--portfolio", portfolio, "--year", "2025", "--out", str(first)).returncode == 0
    result = run("playbook", "--from", str(first), "--year", "2026", "--out", str(tmp_path / "q.xlsx"))
    assert result.returncode == 1 and "drop --year" in result.stderr
