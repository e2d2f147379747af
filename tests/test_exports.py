"""Exports from the field: every fixture under tests/data/exports/ imports as its
``expected.toml`` says (counts, dates, totals to the cent, accounts), or is refused in one
line that says what is missing. The expectations were computed by the fixtures' authors from
their fictional records, never by xl_engage (see tests/data/exports/README.md and each
folder's SOURCES.md).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from xl_engage.calc import budget as budget_calc
from xl_engage.inputs.budget import load_located_assets, load_policy
from xl_engage.inputs.mapping import import_settings, load_mapping
from xl_engage.inputs.reconcile import LEDGER, LedgerSides, load_ledger, with_extras
from xl_engage.issues import InputError
from xl_engage.tabular import ImportSettings

EXPORTS = Path(__file__).parent / "data" / "exports"
CURRENCY = {"xero": "GBP", "lloyds-business.csv": "GBP", "deutsche-bank-umsaetze.csv": "EUR"}
MAPPINGS = {
    "devices.csv@n-able-n-sight": EXPORTS / "n-able-n-sight" / "mapping.toml",
    "deutsche-bank-umsaetze.csv@bank": EXPORTS / "bank" / "deutsche-bank.mapping.toml",
}


LEFT_UNKNOWN = {"Mac"}
"""Vendor types the library leaves unknown on purpose: NinjaOne's "Mac" holds iMacs and
MacBooks alike (a workstation or a laptop), so the firm says which in [import.types]."""


def _cases(kind: str) -> list[Any]:
    out = []
    for expected in sorted(EXPORTS.glob("*/expected*.toml")):
        for case in tomllib.loads(expected.read_text())["file"]:
            if case.get("as") == kind:
                out.append(pytest.param(expected.parent, case, id=f"{expected.parent.name}/{case['name']}"))
    return out


def _mapping(folder: Path, name: str) -> tuple[ImportSettings | None, Any]:
    path = MAPPINGS.get(f"{name}@{folder.name}")
    if path is None:
        return None, None
    mapping = load_mapping(path)
    return import_settings(mapping.import_), mapping


def _currency(folder: Path, name: str) -> str:
    if name.startswith("general-ledger-detail") and folder.name == "xero":
        return "AUD"  # the AU organisation's report (SOURCES.md)
    return CURRENCY.get(name) or CURRENCY.get(folder.name) or "USD"


@pytest.mark.parametrize(("folder", "case"), _cases("inventory"))
def test_inventory_exports(folder: Path, case: dict[str, Any]) -> None:
    settings, mapping = _mapping(folder, case["name"])
    names = budget_calc.type_names(load_policy(), dict(mapping.import_.types) if mapping else None)
    path = folder / case["name"]
    if case.get("refused"):
        with pytest.raises(InputError) as err:
            load_located_assets(path, names, settings)
        assert len(err.value.issues) == 1, err.value.issues  # one line
        message = str(err.value.issues[0]).lower()
        assert all(word in message for word in case["refused_mentions"]), message
        return
    assets, _, _ = load_located_assets(path, names, settings)
    assert len(assets) == case["assets"]
    assert case["rows"] - case["assets"] >= 0  # assets in = assets listed + merged duplicates
    assert sum(a.purchase_date is not None for a in assets) == case["purchase_dates"]
    assert sum(a.warranty_end is not None for a in assets) == case["warranty_dates"]
    purchases = [a.purchase_date for a in assets if a.purchase_date]
    if case.get("earliest_purchase"):
        assert min(purchases) == dt.date.fromisoformat(case["earliest_purchase"])
    warranties = [a.warranty_end for a in assets if a.warranty_end]
    if case.get("latest_warranty"):
        assert max(warranties) == dt.date.fromisoformat(case["latest_warranty"])
    # each vendor type becomes the policy type its documentation means, or stays unknown
    policy_types = {t.asset_type for t in load_policy()}
    for vendor_type, expected in case.get("policy_types", {}).items():
        got = names.resolve(vendor_type)
        if vendor_type in LEFT_UNKNOWN or not expected:
            assert got is None, (vendor_type, got)  # no hardware to replace: never planned
        elif expected in policy_types:
            assert got == expected, (vendor_type, got)
    counts: dict[str, int] = defaultdict(int)
    for a in assets:
        counts[str(a.extras.get("Type (as exported)", a.asset_type))] += 1
    for vendor_type, n in case.get("types", {}).items():
        assert counts[vendor_type] == n, (vendor_type, dict(counts))


@pytest.mark.parametrize(("folder", "case"), _cases("ledger"))
def test_ledger_exports(folder: Path, case: dict[str, Any]) -> None:
    settings, mapping = _mapping(folder, case["name"])
    sides = with_extras(LedgerSides(), mapping.ledger) if mapping else LedgerSides()
    ledger = load_ledger(
        folder / case["name"],
        _currency(folder, case["name"]),
        case.get("spend_negative", False),
        today=dt.date(2026, 11, 22),
        sides=sides,
        settings=settings,
    )
    assert ledger.count == case["transactions"]
    assert len(ledger.not_spend) == case.get("not_spend", 0)
    assert ledger.total == Decimal(case["total"])  # to the cent
    dates = [t.date for t in ledger.transactions]
    assert min(dates) == dt.date.fromisoformat(case["first_date"])
    assert max(dates) == dt.date.fromisoformat(case["last_date"])
    by_account: dict[str, Decimal] = defaultdict(Decimal)
    for t in ledger.transactions:
        by_account[t.account] += t.amount
    for account, total in case.get("accounts", {}).items():
        # a report may name an account by its number only where the name sits elsewhere (Sage 50)
        ours = [a for a in by_account if a == account or (a and account.startswith(a + " "))]
        assert ours, (account, sorted(by_account))
        assert by_account[ours[0]] == Decimal(total), account
    # ledger lines = transactions + lines skipped (a line above the header is a title line to
    # us, whatever it says, so the reasons are compared in total)
    skipped = sum(n for reason, n in case.get("skipped", {}).items() if reason != "blank")
    summary = next((str(n) for n in ledger.notes if "skipped" in str(n)), "")
    said = sum(int(n.replace(",", "")) for n in re.findall(r"(\d[\d,]*) [a-z ]+? lines?\b", summary))
    assert said == skipped, summary


def test_every_export_folder_names_its_sources() -> None:
    folders = [p for p in EXPORTS.iterdir() if p.is_dir()]
    assert len(folders) >= 17
    for folder in folders:
        assert (folder / "SOURCES.md").exists(), folder
        assert list(folder.glob("expected*.toml")), folder


def test_a_mapping_that_names_no_column_is_refused(tmp_path: Path) -> None:
    from xl_engage.inputs.mapping import check_targets

    bad = tmp_path / "m.toml"
    bad.write_text('[import.columns]\n"HW Cover Ends" = "Warranty ends"\n')
    with pytest.raises(InputError) as err:
        check_targets(LEDGER, import_settings(load_mapping(bad).import_), str(bad))
    assert "'Warranty ends' is not a column here" in str(err.value)
    typo = tmp_path / "t.toml"
    typo.write_text('[import]\ndate_ordre = "day-first"\n')
    with pytest.raises(InputError) as err:
        load_mapping(typo)
    assert "date_ordre" in str(err.value)


def test_psa_client_lists_price_and_plan(tmp_path: Path) -> None:
    """Autotask's accounts export is a pricing client list (XLSX) and a playbook portfolio
    (CSV); ConnectWise's companies and agreements exports, joined on the company's name, are
    a pricing client list. Totals are the fixture author's hand totals (expected-clients.toml)."""
    from xl_engage.inputs.playbook import load_portfolio
    from xl_engage.inputs.pricing import load_pricing

    book = load_pricing(EXPORTS / "autotask" / "accounts.xlsx")
    assert len(book.clients) == 20
    assert sum(c.msp_mrr is not None for c in book.clients) >= 1  # Tailspin's fixed fee
    portfolio = load_portfolio(EXPORTS / "autotask" / "accounts.csv")
    assert len(portfolio) == 30
    assert sum((c.mrr for c in portfolio), Decimal(0)) == Decimal("109615.00")
    assert sum(c.users or 0 for c in portfolio) == 890
    companies, agreements = (
        EXPORTS / "connectwise-psa" / "companies.csv",
        EXPORTS / "connectwise-psa" / "agreements.csv",
    )
    with pytest.raises(InputError) as err:
        load_pricing(companies)  # the MRR lives on the agreements: one line says so
    assert len(err.value.issues) == 1 and "--clients agreements.csv" in str(err.value)
    with pytest.raises(InputError) as err:
        load_pricing([companies, agreements])
    # the two companies with no agreement are located at their own rows, nothing else fails
    assert [i.where for i in err.value.issues] == [
        "companies.csv:9 (Company Name)",
        "companies.csv:13 (Company Name)",
    ]
    # the user drops those two (a prospect and a lapsed client): the join prices the rest
    lines = companies.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    kept = tmp_path / "companies.csv"
    kept.write_text(
        "".join(line for n, line in enumerate(lines, start=1) if n not in (9, 13)), encoding="utf-8"
    )
    joined = load_pricing([kept, agreements])
    assert len(joined.clients) == 22
    assert sum((c.msp_mrr or Decimal(0) for c in joined.clients), Decimal(0)) == Decimal("69985.00")


@pytest.mark.parametrize(
    ("folder", "case"), [c for c in _cases("inventory") if not c.values[1].get("refused")]
)
def test_inventory_exports_build_a_budget_that_reads_back(
    tmp_path: Path, folder: Path, case: dict[str, Any]
) -> None:
    """assets in = assets listed + merged duplicates, in the workbook as read back."""
    from xl_engage.build import model_from_workbook, write_workbook
    from xl_engage.inputs.budget import start_budget

    _, mapping = _mapping(folder, case["name"])
    book, _ = start_budget("Client", folder / case["name"], dt.date(2026, 11, 22), 7, mapping=mapping)
    out = write_workbook("budget", book, tmp_path / "b.xlsx")
    back = model_from_workbook(out, "budget")
    assert len(back.assets) == case["assets"]
    assert back.assets == book.assets and back.lines == book.lines


@pytest.fixture(scope="module")
def acme_budget() -> Any:
    from xl_engage.inputs.budget import load_budget

    book, _ = load_budget(Path(__file__).parent / "data" / "budget" / "acme" / "client.toml")
    return book


@pytest.mark.parametrize(("folder", "case"), _cases("ledger"))
def test_ledger_exports_reconcile_into_a_workbook_that_ties_out(
    tmp_path: Path, folder: Path, case: dict[str, Any], acme_budget: Any
) -> None:
    """ledger lines = transactions + skipped lines; the workbook's transactions and control
    total are the export's, to the cent."""
    from xl_engage.build import model_from_workbook, write_workbook
    from xl_engage.calc import reconcile as recon_calc
    from xl_engage.inputs.reconcile import new_reconciliation

    settings, mapping = _mapping(folder, case["name"])
    sides = with_extras(LedgerSides(), mapping.ledger) if mapping else LedgerSides()
    currency = _currency(folder, case["name"])
    ledger = load_ledger(
        folder / case["name"],
        currency,
        case.get("spend_negative", False),
        dt.date(2026, 11, 22),
        sides,
        settings,
    )
    book, _ = new_reconciliation(acme_budget, ledger, dt.date(2026, 11, 22))
    book = book.model_copy(update={"settings": book.settings.model_copy(update={"currency": currency})})
    back = model_from_workbook(write_workbook("reconcile", book, tmp_path / "r.xlsx"), "reconcile")
    assert len(back.transactions) == case["transactions"]
    assert back.settings.control_total == Decimal(case["total"])
    tie = recon_calc.calculate(back).tie_out
    assert tie.total == Decimal(case["total"]) and tie.ties


def test_every_export_goes_through_the_cli_without_a_traceback(tmp_path: Path) -> None:
    """Each fixture through `inspect` and the command that takes it: exit 0, 1 or 2 and
    lines a user reads, never a traceback."""
    import subprocess
    import sys

    cli = str(Path(sys.executable).parent / "xl-engage")
    for expected in sorted(EXPORTS.glob("*/expected*.toml")):
        for case in tomllib.loads(expected.read_text())["file"]:
            path = expected.parent / case["name"]
            runs = [[cli, "inspect", str(path), "--as", case["as"]]]
            if case["as"] == "inventory":
                runs.append(
                    [cli, "budget", "--assets", str(path), "--name", "X", "--out", str(tmp_path / "b.xlsx")]
                )
            for args in runs:
                done = subprocess.run(args, capture_output=True, text=True, timeout=120)
                assert done.returncode in (0, 1, 2), (args, done.stderr)
                assert "Traceback" not in done.stderr + done.stdout, (args, done.stderr)
                if case.get("refused"):
                    assert done.returncode != 0


def test_the_users_own_columns_keep_their_types_through_a_workbook(tmp_path: Path, acme_budget: Any) -> None:
    """A date-time, a date and TRUE in the user's own columns come back as they went in, not
    as a serial number and "Yes" (and a column named like an alias, "ID", keeps its name)."""
    from xl_engage.build import model_from_workbook, write_workbook

    extras = {
        "Last seen": dt.datetime(2026, 11, 22, 2, 27, 13),
        "Installed": dt.date(2024, 3, 15),
        "Managed": True,
    }
    first = acme_budget.assets[0].model_copy(update={"extras": {**extras, "ID": "8807405"}})
    book = acme_budget.model_copy(update={"assets": (first, *acme_budget.assets[1:])})
    back = model_from_workbook(write_workbook("budget", book, tmp_path / "b.xlsx"), "budget")
    assert back.assets[0].extras == {**extras, "ID": "8807405"}


def test_an_export_of_several_organizations_is_said() -> None:
    """RMM exports list every client's devices unless filtered: planned in one client's
    budget without a word, another client's server cost $10,400 there (a field trial)."""
    import csv
    from collections import Counter

    from xl_engage.inputs.budget import load_assets

    path = EXPORTS / "ninjaone" / "devices.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:  # devices: rows of one serial are one
        devices = {(row["Organization"], row["Serial Number"]) for row in csv.DictReader(fh)}
    counts = Counter(org for org, _ in devices if org.strip())
    assert len(counts) == 2
    _, said = load_assets(path)
    warned = [i.message for i in said if "organizations" in i.message]
    assert len(warned) == 1 and warned[0].startswith("the export lists devices of 2 organizations")
    for name, n in counts.items():
        assert f"'{name}' ({n})" in warned[0]
    single = [
        i for i in load_assets(EXPORTS / "datto-rmm" / "devices.csv")[1] if "organizations" in i.message
    ]
    assert single == []


def test_a_yes_no_client_column_is_not_taken_for_organizations(tmp_path: Path) -> None:
    """Configuration Manager's Devices view has a "Client" column saying whether its agent is
    installed (Yes/No): not whose device it is (a review)."""
    from xl_engage.inputs.budget import load_assets

    path = tmp_path / "configmgr.csv"
    path.write_text(
        "Name,Client,Company Name,Device Type,Purchase Date\n"
        "PC1,Yes,Acme,Workstation,2022-01-05\nPC2,No,Acme,Workstation,2022-02-05\n"
    )
    assert not [i for i in load_assets(path)[1] if "organizations" in i.message]
    path.write_text(path.read_text().replace("No,Acme", "No,Bayview"))
    said = [i.message for i in load_assets(path)[1] if "organizations" in i.message]
    assert len(said) == 1 and "column 'Company Name'" in said[0]


def test_one_organization_of_an_export_of_every_clients_devices(tmp_path: Path) -> None:
    """--organization (or [import] organization) keeps one client's devices: the count is the
    export's own, another client's bad row no longer blocks, and a name the export does not
    hold is refused with the names it does."""
    import csv

    from xl_engage.inputs.budget import load_assets, start_budget
    from xl_engage.inputs.mapping import parse_mapping

    path = EXPORTS / "ninjaone" / "devices.csv"
    with path.open(encoding="utf-8-sig", newline="") as fh:
        brightwater = {
            r["Serial Number"] for r in csv.DictReader(fh) if r["Organization"].startswith("Bright")
        }
    today = dt.date(2026, 11, 22)
    book, said = start_budget("Brightwater", path, today, organization="brightwater  DENTAL group")
    assert len(book.assets) == len(brightwater) == 26
    assert not [i for i in said if "organizations in its column" in i.message]
    assert any(
        i.severity == "note" and "of organization 'Brightwater Dental Group'" in i.message for i in said
    )

    mixed = tmp_path / "two.csv"
    mixed.write_text(
        "Display Name,Organization,Role,Serial Number,Purchase Date\n"
        "A-1,Acme Corp,Windows Laptop,AS100,2022-03-15\n"
        "B-1,Bayview Dental,Windows Laptop,BS100,15/15/2022\n"  # another client's bad date
    )
    with pytest.raises(InputError):
        load_assets(mixed)
    mapping = parse_mapping({"import": {"organization": "Acme Corp"}}, "m.toml")
    book, _ = start_budget("Acme", mixed, today, mapping=mapping)
    assert [a.asset_id for a in book.assets] == ["AS100"]
    with pytest.raises(InputError) as refused:
        start_budget("Acme", mixed, today, organization="Contoso")
    assert "holds 'Acme Corp', 'Bayview Dental'" in str(refused.value)


def test_one_organization_spelled_two_ways_is_one(tmp_path: Path) -> None:
    """One client spelled "Acme" and "ACME " is one: no warning of several organizations."""
    from xl_engage.inputs.budget import load_assets

    path = tmp_path / "case.csv"
    path.write_text(
        "Name,Organization,Role,Serial Number,Purchase Date\n"
        "A,Acme,Laptop,S1,2022-01-01\nB,ACME ,Laptop,S2,2022-01-01\n"
    )
    assert not [i for i in load_assets(path)[1] if "organizations" in i.message]
