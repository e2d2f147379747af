"""LibreOffice tier: an independent engine recalculates every workbook we generate.

Every formula cell's recalculated value must equal the value Python cached in it (money
within half a cent). Edited workbooks are recalculated too: the formulas must follow the
user's edit exactly as the Python model re-run on the edited model says.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.conftest import record_lo_cells
from tests.helpers import build
from xl_engage.build import model_from_workbook
from xl_engage.models.pricing import PricingBook
from xl_engage.models.roi import RoiBook
from xl_engage.recalc import compare, find_soffice, recalculate

pytestmark = pytest.mark.libreoffice


@pytest.fixture(scope="module", autouse=True)
def _soffice() -> None:
    if find_soffice() is None:
        pytest.fail(
            "LibreOffice is not installed: run ./run test, which installs "
            "libreoffice-calc-nogui. This tier never skips."
        )


def _check(original: Path, recalculated: Path, label: str) -> int:
    result = compare(original, recalculated)
    assert result.checked > 0, f"{label}: no formula cells found"
    assert result.mismatches == [], "\n".join(result.mismatches[:40])
    record_lo_cells(label, result.checked)
    return result.checked


def test_generated_workbooks_recalculate_to_python_values(
    tmp_path: Path, pricing_book: PricingBook, roi_book: RoiBook
) -> None:
    owner = roi_book.model_copy(
        update={"settings": roi_book.settings.model_copy(update={"owner_does_am": True})}
    )
    books = [
        build(tmp_path, "pricing", pricing_book, "pricing.xlsx"),
        build(tmp_path, "roi", roi_book, "roi.xlsx"),
        build(tmp_path, "roi", owner, "roi-owner.xlsx"),
    ]
    outs = recalculate(books, tmp_path / "lo")
    counts = [_check(b, o, f"generated {b.name}") for b, o in zip(books, outs, strict=True)]
    assert counts[0] > 500  # every client, agreement line, package and template line


def test_checker_catches_a_wrong_cached_value(tmp_path: Path, roi_book: RoiBook) -> None:
    """The tier can fail: a cached value that disagrees with the formula is reported."""
    from xl_engage.kinds.roi import KIND
    from xl_engage.render import render

    layout = KIND.build(roi_book)
    path = render(layout, tmp_path / "roi.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Segments"]
    ws["B3"] = "tampered"  # an input cell: the formulas downstream no longer match the cache
    ws["C3"] = 999
    wb.save(path)
    # openpyxl keeps no cached values; rebuild the expectation from the untouched original
    original = render(layout, tmp_path / "original.xlsx")
    (out,) = recalculate([path], tmp_path / "lo")
    result = compare(original, out)
    assert result.mismatches, "changing clients from the cached inputs must change formulas"
    assert any("Segments!H3" in m for m in result.mismatches)


def _edit_and_compare(tmp_path: Path, kind: str, model: object, edit, label: str) -> Any:
    """Edit a generated workbook like a user, recalc in LibreOffice, compare with Python."""
    path = build(tmp_path, kind, model, f"{label}.xlsx")  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    edit(wb)
    wb.save(path)
    edited = model_from_workbook(path, kind)
    rebuilt = build(tmp_path, kind, edited, f"{label}-python.xlsx")
    (out,) = recalculate([path], tmp_path / f"lo-{label}")
    _check(rebuilt, out, f"edited {label}")
    return edited


def test_edited_pricing_follows_the_python_model(tmp_path: Path, pricing_book: PricingBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb["Agreements"]
        ws["D3"] = 9  # hours of Contoso's first line
        ws["F4"] = "No"  # remove its second line
        ws["E5"] = 310  # a CEO rate on its third line
        clients = wb["Clients"]
        clients["B3"] = 20  # Contoso grows to 20 users
        clients["E3"] = 45  # and 45 employees: a bigger package fits
        wb["Overview"]["B5"] = 0.25  # the owner moves to a 25 % rule

    edited = _edit_and_compare(tmp_path, "pricing", pricing_book, edit, "pricing")
    assert edited.settings.vcio_ratio == Decimal("0.25")
    assert edited.clients[0].users == 20 and edited.clients[0].employees == 45
    assert edited.agreement_lines[0].hours == 9 and not edited.agreement_lines[1].included
    assert edited.agreement_lines[2].rate == 310


def test_edited_roi_follows_the_python_model(tmp_path: Path, roi_book: RoiBook) -> None:
    def edit(wb: openpyxl.Workbook) -> None:
        seg = wb["Segments"]
        seg["C3"] = 9  # segment A: 9 clients
        seg["D6"] = 0.5  # segment D: half adopt
        wb["ROI"]["B8"] = "Yes"  # the owner does the AM work

    edited = _edit_and_compare(tmp_path, "roi", roi_book, edit, "roi")
    assert edited.settings.owner_does_am is True
    assert edited.segments[0].clients == 9 and edited.segments[3].adoption == Decimal("0.5")
