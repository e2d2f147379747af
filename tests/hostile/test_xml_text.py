"""Text a workbook's XML cannot hold as it is, or that Excel would read as something else
(found by an audit of every part user text reaches): control characters in names, headings,
formula constants and the branding font; a party named with @; sheet names that read as
cells; a vCIO named like an XML escape."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any
from xml.dom import minidom

import pytest

from tests.helpers import invoke
from xl_engage.a1 import quote_sheet
from xl_engage.layout import constant, writable_header


def run_cli(*args: str) -> object:
    return invoke(list(args))


def _parts_parse(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                minidom.parseString(z.read(name))  # raises on a character XML cannot hold


def test_a_control_character_in_a_formula_text_is_spelled_as_char() -> None:
    assert constant("Dana\x0bSmith") == '"Dana"&CHAR(11)&"Smith"'
    assert constant("tab\tand line\nkept") == '"tab\tand line\nkept"'  # XML holds these
    # a carriage return it holds too, but every XML reader reads it as a line feed
    assert constant("Cloud\rservices") == '"Cloud"&CHAR(13)&"services"'
    with pytest.raises(ValueError, match="U\\+0000"):
        constant("nul\x00")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("My\x0bnote", "My note"),
        ("two\nlines", "two lines"),
        ("@Service Desk", "\uff20Service Desk"),
        ("a@b", "a@b"),
    ],
)
def test_a_heading_is_shown_as_a_table_can_hold_it(name: str, shown: str) -> None:
    assert writable_header(name) == shown


@pytest.mark.parametrize(
    ("sheet", "quoted"),
    [("Settings", "Settings"), ("By_party", "By_party"), ("VC1", "'VC1'"), ("R2D2", "'R2D2'"), ("R", "'R'"),
     ("rc", "'rc'"), ("Dana's", "'Dana''s'")],
)  # fmt: skip
def test_a_sheet_name_that_reads_as_a_cell_is_quoted(sheet: str, quoted: str) -> None:
    assert quote_sheet(sheet) == quoted


def test_a_name_with_a_control_character_is_said_at_its_cell(tmp_path: Path) -> None:
    portfolio = tmp_path / "port.csv"
    portfolio.write_text("Client,MRR,Complexity,vCIO\nA,1000,5,Dana\x0bSmith\n", encoding="utf-8")
    out = tmp_path / "p.xlsx"
    done: Any = run_cli("playbook", "--portfolio", str(portfolio), "--year", "2026", "--out", str(out))
    assert done.exit_code != 0
    assert "port.csv:2 (vCIO): vCIO holds a control character (U+000B); remove it" in done.output
    assert not out.exists()


def test_a_heading_with_a_control_character_is_kept_and_the_file_is_valid(tmp_path: Path) -> None:
    from xl_engage.build import model_from_workbook

    assets = tmp_path / "inv.csv"
    assets.write_text("Asset ID,Type,Purchase Date,My\x0bnote\nA1,Laptop,2024-01-01,x\n", encoding="utf-8")
    out = tmp_path / "b.xlsx"
    done: Any = run_cli("budget", "--assets", str(assets), "--name", "X", "--out", str(out))
    assert done.exit_code == 0, done.output
    _parts_parse(out)
    book = model_from_workbook(out, "budget")
    assert book.assets[0].extras == {"My\x0bnote": "x"}  # the user's own name, given back


def test_parties_named_with_at_signs_keep_their_columns(tmp_path: Path) -> None:
    """Review: stock add_table read "support@acme.com" inside Matrix[…] as the this-row
    shorthand, and a party "@Service Desk" stopped the build."""
    from xl_engage.build import model_from_workbook, write_workbook
    from xl_engage.kinds import get_kind

    kind = get_kind("raci")
    assert kind is not None and kind.samples is not None
    _, book = next(iter(kind.samples(None)))
    first, last = book.parties[0].name, book.parties[-1].name
    renamed = {first: "support@acme.com", last: "@Service Desk"}
    parties = tuple(p.model_copy(update={"name": renamed.get(p.name, p.name)}) for p in book.parties)
    areas = tuple(
        a.model_copy(update={"codes": {renamed.get(k, k): v for k, v in a.codes.items()}}) for a in book.areas
    )
    book = book.model_copy(update={"parties": parties, "areas": areas})
    out = write_workbook("raci", book, tmp_path / "r.xlsx")
    _parts_parse(out)
    with zipfile.ZipFile(out) as z:
        tables = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/tables/"))
    assert "[#This Row],acme" not in tables and "support@acme.com" in tables
    assert "\uff20Service Desk" in tables  # shown with a full-width at sign
    again = model_from_workbook(out, "raci")
    assert {p.name for p in again.parties} == {p.name for p in parties}


def test_a_vcio_named_like_an_xml_escape_keeps_its_sheet_name(tmp_path: Path) -> None:
    from xl_engage.kinds.playbook import sheet_names

    (name,) = sheet_names(["Lee _x0041_"])
    assert not re.search(r"_x[0-9A-Fa-f]{4}_", name)


def test_a_font_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    from xl_engage.branding import load_branding
    from xl_engage.issues import InputError

    (tmp_path / "branding.toml").write_text('font = "Cal\\u000bibri"\n', encoding="utf-8")
    with pytest.raises(InputError, match="font must be a font's name"):
        load_branding(tmp_path)


def test_a_name_keeps_its_line_ends_as_typed() -> None:
    """Review: turning CR LF into LF in names alone made a rule or a code typed the same way
    match nothing; a formula spells the CR as CHAR(13) instead."""
    from xl_engage.models.playbook import Vcio

    assert Vcio(name="Dana\r\nWhitfield").name == "Dana\r\nWhitfield"
    assert constant("Dana\r\nWhitfield") == '"Dana"&CHAR(13)&"\nWhitfield"'


def test_a_heading_ending_in_a_control_character_comes_back_whole(tmp_path: Path) -> None:
    from xl_engage.build import model_from_workbook, write_workbook
    from xl_engage.kinds import get_kind

    kind = get_kind("budget")
    assert kind is not None and kind.samples is not None
    _, book = next(iter(kind.samples(None)))
    assets = (
        book.assets[0].model_copy(update={"extras": {"Note\x0b": "a", "\tLead": "b"}}),
        *book.assets[1:],
    )
    path = write_workbook("budget", book.model_copy(update={"assets": assets}), tmp_path / "b.xlsx")
    _parts_parse(path)
    assert model_from_workbook(path, "budget").assets[0].extras == {"Note\x0b": "a", "\tLead": "b"}
