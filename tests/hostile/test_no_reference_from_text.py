"""Text from inputs never becomes a reference or a formula anywhere in the package: cells,
chart series names and titles, defined names, data validations, conditional formats,
headers and footers. Names shaped like references (DDE payloads) go into every text field
that reaches one of them; then every XML part of the written file is searched."""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import pytest

from xl_engage.build import model_from_workbook, write_workbook
from xl_engage.inputs.budget import load_budget

PAYLOADS = (
    "+cmd|' /C notepad'!A0",
    "=cmd|'/c calc'!A1",
    "Budget!$A$1",
    '=DDE("cmd";"/c calc";"x")',
    "@SUM(1+1)*cmd|'/C calc'!A0",
)
_FORMULA_PLACES = re.compile(
    r"<(?:c:f|f|formula|formula1|formula2|definedName)\b[^>]*>([^<]*)</", re.IGNORECASE
)


_STRING = re.compile(r'"(?:[^"]|"")*"')


def _reference_texts(path: Path) -> list[str]:
    """Every formula, reference and defined name in the package."""
    found: list[str] = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.endswith((".xml", ".rels", ".vml")):
                found += _FORMULA_PLACES.findall(zf.read(name).decode("utf-8", "replace"))
    return found


def _assert_clean(path: Path) -> None:
    """No payload in any formula, reference or name. (A table named after a vCIO keeps only
    the name's letters and digits, "Actuals_1_cmdCnotepadA": an identifier, not the payload.)"""
    for raw in _reference_texts(path):
        text = _STRING.sub('""', html.unescape(raw))  # a quoted constant is text, not code
        for marker in ("cmd|", "DDE(", "'!A0", "'!A1", "Budget!$A$1", "@SUM"):
            assert marker not in text, (marker, text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_budget_categories_and_client_names_never_become_references(tmp_path: Path, payload: str) -> None:
    book, _ = load_budget(Path(__file__).parents[1] / "data" / "budget" / "acme" / "client.toml")
    lines = tuple(
        line.model_copy(update={"category": payload if i % 2 else f"{payload} {i % 3}"})
        for i, line in enumerate(book.lines)
    )
    hostile = book.model_copy(
        update={"lines": lines, "profile": book.profile.model_copy(update={"client": payload})}
    )
    out = write_workbook("budget", hostile, tmp_path / "b.xlsx")
    _assert_clean(out)
    back = model_from_workbook(out, "budget")
    assert back.profile.client == payload and back.lines[1].category == payload  # kept as text
    with zipfile.ZipFile(out) as zf:  # the chart still shows the name: as text, from a cell
        charts = "".join(html.unescape(zf.read(n).decode()) for n in zf.namelist() if "charts/chart" in n)
    assert f"<c:v>{payload}</c:v>" in charts


@pytest.mark.parametrize("payload", PAYLOADS[:2])
def test_playbook_vcio_and_reconciliation_category_names_never_become_references(
    tmp_path: Path, payload: str
) -> None:
    import datetime as dt

    from xl_engage.inputs.playbook import new_playbook
    from xl_engage.inputs.reconcile import load_ledger, new_reconciliation
    from xl_engage.templates import SAMPLE_MSP

    portfolio = tmp_path / "p.csv"
    portfolio.write_text(f'Client,MRR,Complexity,vCIO\nA,1000,5,"{payload.replace(chr(34), chr(34) * 2)}"\n')
    playbook = new_playbook(portfolio, 2026)
    out = write_workbook("playbook", playbook, tmp_path / "pb.xlsx")
    _assert_clean(out)
    budget, _ = load_budget(SAMPLE_MSP / "budgets" / "contoso-dental" / "client.toml")
    budget = budget.model_copy(
        update={"lines": tuple(line.model_copy(update={"category": payload}) for line in budget.lines)}
    )
    ledger = load_ledger(
        SAMPLE_MSP / "reconcile" / "harbor-logistics-ledger.csv", today=dt.date(2026, 11, 22)
    )
    recon, _ = new_reconciliation(budget, ledger, dt.date(2026, 11, 22))
    out = write_workbook("reconcile", recon, tmp_path / "r.xlsx")
    _assert_clean(out)
