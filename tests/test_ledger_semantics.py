"""Which side of an entry is spend, and which lines of a report are data: the cases a
fresh-eyes review found read wrong with exit 0 (each a regression test with the reviewer's
own input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from xl_engage.calc import budget as budget_calc
from xl_engage.inputs.budget import load_located_assets, load_policy, read_inventory_table
from xl_engage.inputs.reconcile import Ledger, load_ledger
from xl_engage.issues import InputError

TODAY = dt.date(2030, 1, 1)


def _ledger(tmp_path: Path, text: str, **options: object) -> Ledger:
    path = tmp_path / "l.csv"
    path.write_text(text, encoding="utf-8")
    return load_ledger(path, today=TODAY, **options)  # type: ignore[arg-type]


def test_expense_accounts_that_name_a_bank_or_card_are_spend(tmp_path: Path) -> None:
    ledger = _ledger(
        tmp_path,
        "Date,Vendor,Description,Amount,Account\n"
        '2026-04-01,Coalition,Cyber insurance,"4,200.00",6850 Cyber Liability Insurance\n'
        "2026-04-02,Stripe,Card processing,120.00,6120 Credit Card Processing Fees\n"
        "2026-04-03,Chase,Monthly fee,25.00,6100 Bank Service Charges\n"
        "2026-04-04,PayPal,Fees,12.00,6110 PayPal Fees\n"
        '2026-04-05,Dell,Laptop,"1,200.00",6010 Computer Hardware\n',
    )
    assert ledger.total == D("5557.00") and not ledger.not_spend


def test_a_vendor_paid_by_wire_transfer_is_spend(tmp_path: Path) -> None:
    ledger = _ledger(
        tmp_path,
        "Details,Posting Date,Description,Amount,Type,Balance,Check or Slip #\n"
        'DEBIT,04/02/2026,"WIRE TRANSFER TO CDW DIRECT LLC INV 8841",-12480.00,WIRE_OUTGOING,50000.00,,\n'
        'DEBIT,04/03/2026,"ONLINE TRANSFER TO NORTHWIND IT PARTNERS",-3625.00,ACH_DEBIT,46375.00,,\n'
        'DEBIT,04/04/2026,"MICROSOFT*365 BUSINESS",-264.00,DEBIT_CARD,46111.00,,\n',
        spend_negative=True,
    )
    assert ledger.total == D("16369.00") and not ledger.not_spend


def test_income_is_never_spend_in_a_list_or_in_sections(tmp_path: Path) -> None:
    listing = _ledger(
        tmp_path,
        ",Date,Transaction Type,Num,Name,Memo/Description,Account,Split,Amount\n"
        ',04/01/2026,Bill,NW-1,Northwind IT,Managed,2000 Accounts Payable (A/P),6400 IT managed services,"3,625.00"\n'
        ',04/02/2026,Invoice,1001,Patient,Dental,1200 Accounts Receivable (A/R),4000 Services Income,"10,000.00"\n'
        ",04/03/2026,Sales Receipt,1002,Walk-in,Whitening,1050 Undeposited Funds,4000 Services Income,250.00\n"
        ",04/05/2026,Deposit,,,Interest,1010 Operating Checking,4900 Interest Income,12.00\n",
    )
    assert listing.total == D("3625.00") and len(listing.not_spend) == 3
    assert all("income, not spend" in n.message for n in listing.not_spend)
    sections = _ledger(
        tmp_path,
        ",Distribution account,Transaction date,Transaction type,Num,Name,Memo/Description,Split account,Amount\n"
        "4000 Services Income,,,,,,,,\n"
        ',4000 Services Income,04/02/2026,Invoice,1001,Patient,Dental,1200 Accounts Receivable (A/R),"10,000.00"\n'
        'Total for 4000 Services Income,,,,,,,,"$10,000.00"\n'
        "6400 IT managed services,,,,,,,,\n"
        ',6400 IT managed services,04/01/2026,Bill,NW-1,Northwind IT,Managed,2000 Accounts Payable (A/P),"3,625.00"\n',
    )
    assert sections.total == D("3625.00")


def test_a_bank_section_that_mirrors_the_expenses_is_refused_with_the_fix(tmp_path: Path) -> None:
    text = (
        "General Ledger Detail,,,,,,,\nKestrel Freight Pty Ltd,,,,,,,\n,,,,,,,\n"
        "Date,Source,Contact,Description,Reference,Debit,Credit,Running Balance\n"
        "463 - IT Software & Subscriptions,,,,,,,\n"
        '3/04/2026,Spend Money,Microsoft,M365,,594.00,,\n20/04/2026,Spend Money,Atlassian,Jira,,"2,400.00",,\n'
        "090 - Westpac Business One,,,,,,,\n"
        '3/04/2026,Spend Money,Microsoft,M365,,,594.00,\n20/04/2026,Spend Money,Atlassian,Jira,,,"2,400.00",\n'
    )
    with pytest.raises(InputError) as err:
        _ledger(tmp_path, text)
    assert "'090 - Westpac Business One' mirror" in str(err.value)
    assert 'cash_accounts = ["090 - Westpac Business One"]' in str(err.value)


def test_bills_and_credits_in_debit_credit_columns_keep_their_sign(tmp_path: Path) -> None:
    ledger = _ledger(
        tmp_path,
        "Type,Date,Num,Name,Memo,Account,Split,Debit,Credit\n"
        'Check,04/01/2026,3101,Summit IT,Managed IT,1000 Checking,6040 IT Support,,"2,850.00"\n'
        'Bill,04/06/2026,55120,Greenline,Laptops,2000 Accounts Payable,6010 Computer Hardware,,"3,318.40"\n'
        "Vendor Credit,04/07/2026,55121,Greenline,Return,2000 Accounts Payable,6010 Computer Hardware,100.00,\n",
    )
    assert [t.amount for t in ledger.transactions] == [D("2850.00"), D("3318.40"), D("-100.00")]


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        (
            "Date;Description;Debit;Credit\n02.04.2026;A;1.234,56;\n03.04.2026;R;;1.500\n",
            ["1234.56", "-1500"],
        ),
        ("Date;Description;Amount\n02.04.2026;A;1.500\n03.04.2026;B;2.250\n", ["1500", "2250"]),
        ("Date;Description;Amount\n2026-01-02;a;0,125\n2026-01-03;b;0,250\n", ["0.125", "0.250"]),
    ],
)
def test_one_decimal_mark_per_file(tmp_path: Path, text: str, amounts: list[str]) -> None:
    assert [t.amount for t in _ledger(tmp_path, text).transactions] == [D(a) for a in amounts]


def test_dates_one_order_per_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:  # no order reads them all: refused, not read both ways
        _ledger(tmp_path, "Date,Description,Amount\n03/04/2026,a,10\n15/03/2026,b,20\n04/20/2026,c,30\n")
    assert len(err.value.issues) == 1 and "date_order" in str(err.value)
    ambiguous = _ledger(tmp_path, "Date,Description,Amount\n01/04/2026,a,10\n12/04/2026,c,30\n")
    assert any("reads both ways" in str(n) for n in ambiguous.notes)  # said, never silent


def test_a_purchase_and_a_warranty_in_one_row_are_read_in_one_order(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(
        "Asset ID,Type,Purchase Date,Warranty End\nA1,Laptop,05/06/2023,05/06/2026\nA2,Laptop,01/02/2024,25/03/2027\n"
    )
    assets, _, _ = load_located_assets(path, budget_calc.type_names(load_policy()))
    assert assets[0].purchase_date == dt.date(2023, 6, 5) and assets[0].warranty_end == dt.date(2026, 6, 5)


@pytest.mark.parametrize(
    "row",
    [
        "2026-01-02,Acme,Credit brought forward from March,-50",
        "2026-01-02,Acme,Closing balance of old contract paid,200",
        "2026-01-02,Saldo Networks GmbH,Switches,500",
        '"Apr 3, 2026",Total Network Care,Managed IT,500',
    ],
)
def test_dated_rows_that_mention_a_balance_or_a_total_are_data(tmp_path: Path, row: str) -> None:
    ledger = _ledger(tmp_path, f"Date,Vendor,Description,Amount\n{row}\n2026-01-03,Beta,Laptops,1000\n")
    assert ledger.count == 2


def test_a_repeated_header_is_skipped(tmp_path: Path) -> None:
    text = "Date,Vendor,Description,Amount\n2026-04-02,A,Laptops,100\nDate,Vendor,Description,Amount\n2026-04-03,B,S,200\n"
    ledger = _ledger(tmp_path, text)
    assert ledger.total == D("300") and "1 repeated header line" in str(ledger.notes[0])


def test_an_account_named_on_its_balance_line_is_not_the_balance_label(tmp_path: Path) -> None:
    ledger = _ledger(
        tmp_path,
        ",Distribution account,Transaction date,Transaction type,Num,Name,Memo/Description,Split account,Amount\n"
        "6100 Computer equipment,,,,,,,,\n,Beginning Balance,,,,,,,\n"
        ',,04/03/2026,Bill,CDW-1,CDW,Laptops,2000 Accounts Payable (A/P),"2,716.58"\n',
    )
    assert [t.account for t in ledger.transactions] == ["6100 Computer equipment"]


def test_devices_without_a_tag_are_rows_whatever_their_name(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(
        "Asset Tag,Device Name,Serial Number,Type,Purchase Date\nA1,PC1,S1,Laptop,2023-03-04\n"
        ",TOTAL-WS01,S3,Desktop,2023-03-04\n,Page 2 Kiosk,S4,Desktop,2023-03-04\n,Saldo-PC,S5,Desktop,2023-03-04\n"
    )
    assert [r["asset_id"] for r in read_inventory_table(path).rows] == ["A1", "S3", "S4", "S5"]


def test_placeholder_serials_and_distinct_tags_are_never_merged(tmp_path: Path) -> None:
    path = tmp_path / "inv.csv"
    path.write_text(
        "Asset Tag,Device Name,Serial Number,Type,Purchase Date\n"
        "T-100,FD-1,To be filled by O.E.M.,Desktop,2021-03-04\nT-101,FD-2,To be filled by O.E.M.,Desktop,2021-03-04\n"
        "T-102,EX-1,N/A,Desktop,2020-01-04\nT-103,EX-2,N/A,Desktop,2022-01-04\n"
        "T-104,EX-3,SN777,Desktop,2022-01-04\n,EX-3,SN777,Desktop,2021-01-04\n"  # the same device, its tag lost
    )
    assets, _, _ = load_located_assets(path, budget_calc.type_names(load_policy()))
    assert [a.asset_id for a in assets] == ["T-100", "T-101", "T-102", "T-103", "T-104"]
    assert assets[-1].purchase_date == dt.date(2021, 1, 4)


def test_a_field_longer_than_the_csv_limit_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "l.csv"
    path.write_text('Date,Description,Amount\n2026-04-01,"never closed,10\n' + "x" * 1_100_000 + "\n")
    with pytest.raises(InputError) as err:
        load_ledger(path, today=TODAY)
    assert len(err.value.issues) == 1 and "quote left open" in str(err.value)


def test_a_card_exports_category_is_the_account_not_its_account_name(tmp_path: Path) -> None:
    ledger = _ledger(
        tmp_path,
        "Date,Description,Original Description,Amount,Transaction Type,Category,Account Name\n"
        "2026-04-02,Dell,DELL,1249.00,debit,Computer Hardware,Chase Business Checking\n"
        "2026-04-03,Microsoft,MSFT,264.00,debit,Software,Chase Business Checking\n",
    )
    assert [t.account for t in ledger.transactions] == ["Computer Hardware", "Software"]


def test_a_psa_clients_several_agreements_add_up_to_a_monthly_mrr(tmp_path: Path) -> None:
    from xl_engage.inputs.pricing import load_templates, read_clients

    companies = tmp_path / "companies.csv"
    companies.write_text("Company Name,Number of Employees\nAdatum Marine,32\nGranite CPA,36\n")
    agreements = tmp_path / "agreements.csv"
    agreements.write_text(
        'Agreement Name,Company Name,Amount,Billing Cycle\nIT,Adatum Marine,"$4,000.00",Monthly\n'
        'Backup,Adatum Marine,"$1,500.00",Monthly\nIT,Granite CPA,"$54,000.00",Annual\n'
    )
    clients, _ = read_clients([companies, agreements], load_templates())
    assert [(c.name, c.msp_mrr) for c in clients] == [
        ("Adatum Marine", D("5500.00")),
        ("Granite CPA", D("4500.00")),
    ]
