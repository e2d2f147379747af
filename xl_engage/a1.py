"""A1 notation helpers, kept in one place (as XlsxWriter does)."""

from __future__ import annotations

import functools
import re

_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


@functools.lru_cache(maxsize=4096)
def col_letters(col: int) -> str:
    """0-based column index to letters: 0 → A, 27 → AB."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@functools.lru_cache(maxsize=4096)
def col_index(letters: str) -> int:
    """Letters to a 0-based column index: A → 0, AB → 27."""
    col = 0
    for ch in letters.upper():
        col = col * 26 + (ord(ch) - 64)
    return col - 1


def cell(row: int, col: int, absolute: bool = False, *, row_abs: bool = False, col_abs: bool = False) -> str:
    """0-based (row, col) to ``B7``; ``$B$7`` when absolute, ``$B7`` / ``B$7`` for one part."""
    c = "$" if absolute or col_abs else ""
    r = "$" if absolute or row_abs else ""
    return f"{c}{col_letters(col)}{r}{row + 1}"


def parse_cell(ref: str) -> tuple[int, int]:
    """``$B$7`` or ``B7`` to 0-based (row, col)."""
    m = _CELL.match(ref.strip())
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    letters, digits = m.groups()
    return int(digits) - 1, col_index(letters)


def quote_sheet(sheet: str) -> str:
    """Sheet name as it must appear in a formula or defined name: quoted unless it is
    letters, ``_`` and ``.`` alone, so a name that reads as a cell (a vCIO's sheet "VC1",
    "R2D2") or as R1C1 ("R", "C", "RC") is never taken for one."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z_.]*", sheet) and sheet.upper() not in ("R", "C", "RC"):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def where(sheet: str, row: int, col: int) -> str:
    """How an issue names a cell to a user: ``Budget!F14``."""
    return f"{sheet}!{cell(row, col)}"
