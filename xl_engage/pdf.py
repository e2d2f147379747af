"""The decision-maker PDF: the sheets meant for the reader, printed by headless LibreOffice.

A generated workbook says in its metadata which sheets a client's decision maker reads
(budget: Summary, Quarters, Roadmap; not Lines or Assets). A copy of the workbook with
every other sheet hidden is converted (LibreOffice prints no hidden sheet), so the PDF
follows the print setup the renderer wrote: scale, page breaks, repeated headers, logo.
A workbook with no such list (made by an older version, or not by xl_engage) prints every
visible sheet.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

from xl_engage.atomic import atomic_path
from xl_engage.issues import NotAWorkbookError, RefusedError
from xl_engage.metadata import DELIVER_KEY, DELIVER_NAME, METADATA_SHEET
from xl_engage.recalc import RecalcError, convert
from xl_engage.xlsx import open_xlsx, sheet_states

_SHEET = re.compile(rb"<sheet\b[^>]*?/>")
_NAME = re.compile(rb'\bname="([^"]*)"')
_STATE = re.compile(rb'\s+state="[^"]*"')
_VIEW_TABS = re.compile(rb'\s(?:activeTab|firstSheet)="\d+"')


class PdfError(RefusedError):
    """No PDF could be written (no LibreOffice, or it failed): one line for the user, exit 2."""


def delivered_sheets(path: Path) -> list[str]:
    """The sheets of the decision-maker PDF: those marked on the sheet itself (a name
    ``_xleDeliver`` scoped to it, which follows a renamed sheet), else those the metadata
    lists, neither removed nor hidden by the user; for a workbook with neither (not
    xl_engage's, or an older version's), every visible sheet. A workbook that had such
    sheets and has none left to print is refused: printing its data sheets instead would
    hand a client what was never meant for them."""
    from xl_engage.reader import read_metadata

    book = open_xlsx(path)
    try:
        meta = read_metadata(book)
    except NotAWorkbookError:  # no metadata sheet: not ours, or the user deleted it
        meta = {}
    hidden, marked = sheet_states(path, DELIVER_NAME)
    visible = [s for s in book.sheet_names if s not in hidden and s != METADATA_SHEET]
    listed = [v for k, v in sorted(meta.items(), key=lambda kv: _order(kv[0])) if k.startswith(DELIVER_KEY)]
    chosen = [s for s in visible if s in marked] if marked else [s for s in listed if s in visible]
    if chosen:
        return chosen
    if marked or listed:
        raise PdfError(
            f"{path}: none of its sheets meant for the reader is left to print (hidden or deleted): "
            "show them again, or rebuild the workbook"
        )
    return visible


def _order(key: str) -> int:
    tail = key[len(DELIVER_KEY) :]
    return int(tail) if key.startswith(DELIVER_KEY) and tail.isdigit() else -1


def _only(source: Path, target: Path, keep: list[str]) -> None:
    """A copy of ``source`` in which every sheet not in ``keep`` is hidden, and the first
    kept sheet is the active one (a hidden active sheet would be printed anyway)."""
    wanted = set(keep)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                sheets = _SHEET.findall(data)
                names = [html.unescape(m.group(1).decode()) if (m := _NAME.search(s)) else "" for s in sheets]
                for tag, name in zip(sheets, names, strict=True):
                    plain = _STATE.sub(b"", tag)
                    new = plain if name in wanted else plain[:-2].rstrip() + b' state="hidden"/>'
                    data = data.replace(tag, new, 1)
                first = next((i for i, n in enumerate(names) if n in wanted), 0)
                active = f'activeTab="{first}" firstSheet="{first}"'.encode()
                data = _VIEW_TABS.sub(b"", data)
                data = data.replace(b"<workbookView", b"<workbookView " + active, 1)
            elif info.filename.startswith("xl/worksheets/sheet"):
                data = data.replace(b'tabSelected="1"', b'tabSelected="0"')
            zout.writestr(info, data)


def write_pdf(workbook: Path, out: Path) -> Path:
    """Write the decision-maker PDF of ``workbook`` to ``out`` (atomically)."""
    write_pdfs([(workbook, out)])
    return out


def write_pdfs(pairs: list[tuple[Path, Path]]) -> None:
    """Each (workbook, PDF) pair, printed by one LibreOffice run (a portfolio of budgets
    starts LibreOffice once, not once per client)."""
    with tempfile.TemporaryDirectory(prefix="xle-pdf-") as tmp:
        copies = []
        for i, (workbook, _) in enumerate(pairs):
            copy = Path(tmp) / f"deliverable-{i}.xlsx"
            _only(workbook, copy, delivered_sheets(workbook))
            copies.append(copy)
        try:
            printed = convert(copies, Path(tmp) / "out", "pdf", timeout=120 + 60 * len(copies))
        except RecalcError as exc:
            raise PdfError(str(exc)) from None
        except (OSError, subprocess.SubprocessError) as exc:  # cannot start, or timed out
            raise PdfError(f"LibreOffice could not write the PDF: {exc}") from None
        for (_, out), pdf in zip(pairs, printed, strict=True):
            with atomic_path(out) as target:
                shutil.copyfile(pdf, target)
