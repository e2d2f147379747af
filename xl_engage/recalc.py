"""An independent spreadsheet engine checks us: recalculate in headless LibreOffice.

LibreOffice keeps the cached values of an xlsx written by XlsxWriter unless its profile
says to always recalculate on load (``OOXMLRecalcMode`` = 0), so each run uses a private
profile with that setting. The comparison reads every formula cell of the original file
(its cached value is the Python result) and of the recalculated copy, and reports each
cell where they differ.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_PROFILE_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class RecalcError(RuntimeError):
    """LibreOffice is missing or did not produce a recalculated file."""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculate(paths: list[Path], out_dir: Path, timeout: float = 600) -> list[Path]:
    """Open each workbook in LibreOffice, recalculate everything, save a copy in out_dir."""
    return convert(paths, out_dir, "xlsx", timeout)


NO_LIBREOFFICE = (
    "LibreOffice is not installed, and it writes the PDF: install it (Debian/Ubuntu: "
    "sudo apt install libreoffice-calc; macOS: brew install --cask libreoffice; Windows: "
    "libreoffice.org) and run again, or open the workbook in Excel and print to PDF"
)


def convert(paths: list[Path], out_dir: Path, to: str, timeout: float = 600) -> list[Path]:
    """Have headless LibreOffice open each file (recalculating everything) and save it as
    ``to`` ("xlsx", "pdf") in out_dir. A private profile per run: it works beside a
    LibreOffice the user has open, and never touches their settings."""
    soffice = find_soffice()
    if soffice is None:
        raise RecalcError(NO_LIBREOFFICE)
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xle-lo-profile-") as profile:
        user = Path(profile) / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_PROFILE_XCU, encoding="utf-8")
        cmd = [
            soffice,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            to,
            "--outdir",
            str(out_dir),
            *[str(p) for p in paths],
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    results = [out_dir / f"{p.stem}.{to}" for p in paths]
    missing = [str(p) for p in results if not p.exists()]
    if missing:  # soffice may exit 0 when a conversion failed: trust only the files
        raise RecalcError(
            f"LibreOffice produced no output for {missing}: {proc.stdout[-500:]} {proc.stderr[-500:]}"
        )
    return results


@dataclass
class Comparison:
    checked: int = 0
    mismatches: list[str] = field(default_factory=list)


def _same(a: Any, b: Any, tol: float) -> bool:
    if a in (None, "") and b in (None, ""):
        return True
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(float(a) - float(b)) <= tol
    return a == b


def compare(original: Path, recalculated: Path, tol: float = 0.005) -> Comparison:
    """Every formula cell: cached (Python) value == LibreOffice's value, within ``tol``."""
    import openpyxl

    formulas = openpyxl.load_workbook(original, data_only=False)
    cached = openpyxl.load_workbook(original, data_only=True)
    engine = openpyxl.load_workbook(recalculated, data_only=True)
    result = Comparison()
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type != "f":
                    continue
                result.checked += 1
                mine = cached[ws.title][c.coordinate].value
                theirs = engine[ws.title][c.coordinate].value
                if mine is None and theirs not in (None, ""):  # an empty text result caches as empty
                    result.mismatches.append(f"{ws.title}!{c.coordinate}: no cached value")
                elif not _same(mine, theirs, tol):
                    result.mismatches.append(
                        f"{ws.title}!{c.coordinate}: Python {mine!r} != LibreOffice {theirs!r}  ({c.value})"
                    )
    return result
