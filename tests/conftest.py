"""Shared fixtures: the sample MSP's models, built workbooks, and the LibreOffice tier.

The LibreOffice tier never skips: if soffice is missing the tests fail and say how to
install it (``./run test`` does). Each worker writes how many formula cells it verified;
the controller prints the total at the end of the run.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from xl_engage.inputs.pricing import load_pricing
from xl_engage.inputs.roi import load_roi
from xl_engage.models.pricing import PricingBook
from xl_engage.models.roi import RoiBook
from xl_engage.templates import SAMPLE_MSP

_REPORT_ENV = "XLE_LO_REPORT_DIR"


def pytest_configure(config: pytest.Config) -> None:
    if not os.environ.get(_REPORT_ENV):
        os.environ[_REPORT_ENV] = tempfile.mkdtemp(prefix="xle-lo-report-")


def record_lo_cells(label: str, count: int) -> None:
    """Called by LibreOffice tests: how many formula cells this check verified."""
    folder = Path(os.environ[_REPORT_ENV])
    (folder / f"{os.getpid()}-{label}.json").write_text(json.dumps({label: count}))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if hasattr(terminalreporter.config, "workerinput"):
        return
    folder = Path(os.environ.get(_REPORT_ENV, ""))
    if not folder.is_dir():
        return
    counts: dict[str, int] = {}
    for f in sorted(folder.glob("*.json")):
        counts.update(json.loads(f.read_text()))
    if counts:
        total = sum(counts.values())
        terminalreporter.write_sep("-", "LibreOffice recalculation tier")
        for label, n in sorted(counts.items()):
            terminalreporter.write_line(f"{label}: {n} formula cells agree with Python")
        terminalreporter.write_line(f"total: {total} formula cells verified by LibreOffice")


@pytest.fixture(scope="session")
def pricing_book() -> PricingBook:
    return load_pricing(SAMPLE_MSP / "clients.csv", SAMPLE_MSP / "agreements.toml")


@pytest.fixture(scope="session")
def roi_book() -> RoiBook:
    return load_roi(SAMPLE_MSP / "roi.toml")
