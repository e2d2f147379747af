"""The one text reader under every CSV input: encodings, separators, quoting, line ends.

Each case is a file a user really has (Excel's "Unicode Text", an old Mac's CR line ends, a
European semicolon file) or one that fooled the reader before: a ``""`` escape first seen
after 4 KB, which ``csv.Sniffer`` took as "no doubled quotes", mis-splitting the row into a
wrong amount with exit 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from pathlib import Path

import pytest

from xl_engage.inputs.csvtext import read_csv_text, sniff_separator
from xl_engage.inputs.pricing import load_clients
from xl_engage.inputs.reconcile import load_ledger
from xl_engage.issues import InputError

TODAY = dt.date(2026, 11, 22)


def _ledger(tmp_path: Path, text: str, encoding: str = "utf-8", newline: str = "\n") -> Path:
    path = tmp_path / "ledger.csv"
    path.write_bytes(text.replace("\n", newline).encode(encoding))
    return path


def test_a_doubled_quote_after_the_first_4kb_is_read_as_excel_reads_it(tmp_path: Path) -> None:
    filler = "".join(f"2026-05-01,Vendor {i},Item {i},0.00\n" for i in range(200))  # > 4 KB, no quotes
    text = (
        "Date,Payee,Description,Amount\n"
        + filler
        + '2026-05-02,CDW,"Dell 27"" monitor, qty 2",1250.00\n'
        + "2026-05-03,Dell,Laptop,1000.00\n"
    )
    assert len(filler) > 4096
    ledger = load_ledger(_ledger(tmp_path, text), today=TODAY)
    assert ledger.total == D("2250.00")  # not 5,850.00
    monitor = next(t for t in ledger.transactions if t.vendor == "CDW")
    assert monitor.description == 'Dell 27" monitor, qty 2' and monitor.amount == D("1250.00")


@pytest.mark.parametrize(
    ("encoding", "newline", "separator"),
    [
        ("utf-16", "\r\n", "\t"),  # Excel's "Unicode Text": UTF-16 LE with a BOM, tabs, CRLF
        ("utf-16-le", "\r\n", "\t"),  # the same without a BOM
        ("utf-8-sig", "\r", ","),  # an old Mac's CR-only line ends
        ("cp1252", "\n", ";"),  # a European Windows export
    ],
)
def test_encodings_line_ends_and_separators(
    tmp_path: Path, encoding: str, newline: str, separator: str
) -> None:
    rows = ["Date,Payee,Amount", "2026-05-01,Café Müller,12.50", "2026-05-02,Dell,100.00"]
    text = "\n".join(r.replace(",", separator) for r in rows) + "\n"
    ledger = load_ledger(_ledger(tmp_path, text, encoding, newline), today=TODAY)
    assert [t.vendor for t in ledger.transactions] == ["Café Müller", "Dell"]
    assert ledger.total == D("112.50")


def test_a_nul_byte_anywhere_refuses_the_file_in_one_line(tmp_path: Path) -> None:
    text = "Date,Payee,Amount\n" + "2026-05-01,A,1.00\n" * 400 + "2026-05-02,B\x00,2.00\n"
    with pytest.raises(InputError) as err:
        load_ledger(_ledger(tmp_path, text), today=TODAY)
    assert len(err.value.issues) == 1 and "NUL byte" in str(err.value)
    assert str(err.value).startswith(f"{tmp_path / 'ledger.csv'}:402")


def test_the_separator_is_the_one_that_splits_lines_alike() -> None:
    # descriptions full of semicolons do not make a comma file a semicolon file
    text = "Date,Payee,Description,Amount\n" + "2026-05-01,A,a; b; c; d,1.00\n" * 5
    assert sniff_separator(text) == ","
    text = "Datum;Betrag\n" + "01.05.2026;1,50\n" * 5  # commas inside values, semicolons between
    assert sniff_separator(text) == ";"
    assert read_csv_text(b"Only one column\nA\nB\n", "one.csv").rows == [
        ["Only one column"],
        ["A"],
        ["B"],
    ]


def test_a_decimal_comma_in_a_client_list_is_never_a_tenfold_price(tmp_path: Path) -> None:
    path = tmp_path / "clients.csv"
    path.write_text(
        "Client;Users;Price per user;Employees;Package\nA;10;12,5;10;vCIO Light\nB;4;125;4;vCIO Light\n"
    )
    clients = load_clients(path)
    assert [c.price_per_user for c in clients] == [D("12.5"), D("125")]
    path.write_text(
        'Client,Users,Price per user,Employees,Package\nA,10,"12,5",10,vCIO Light\nB,4,1.25,4,vCIO Light\n'
    )
    with pytest.raises(InputError) as err:  # one column, two decimal marks: one located error
        load_clients(path)
    assert [str(i) for i in err.value.issues] == [
        "clients.csv:1 (Price per user): numbers are written with both decimal marks ('1.25' and '12,5'): "
        'say which the file uses in a mapping file ([import] decimal_mark = "," or ".")'
    ]
