"""The user's own formulas, made independent of where their cells sit.

A user who adds a column to a table and fills it with ``=B3*2`` expects the rebuilt
workbook to keep that formula. A rebuild may put the column elsewhere (the product's
columns first, the user's after) and rows elsewhere (a family of tables renumbered), so an
A1 reference kept as typed could silently point at another cell. A reference to a cell of
the same row of the same table is rewritten as the structured reference Excel itself uses
in tables (``Assets[[#This Row],[Cost]]``), which follows the column wherever it goes;
a formula referring to anything else by position (another row, a range, another sheet) is
not portable, and the reader keeps its value instead and says so.

Pure text work: no spreadsheet library.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from xl_engage.a1 import col_index, col_letters
from xl_engage.layout import escape_header

_LITERAL = re.compile(  # a string, or a structured reference's brackets (whose names are not cells)
    r'"(?:[^"]|"")*"'
    r"|\[(?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*\]"
)
_REF = re.compile(r"(?<![A-Za-z0-9_.\]\[!$'])(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})(?![A-Za-z0-9_(\[!])")
_SHEET_REF = re.compile(r"!|\[\d+\]")  # another sheet, or an external book
_POSITIONAL = re.compile(
    r"\b(?:ROW|ROWS|COLUMN|COLUMNS|OFFSET|INDIRECT|INDEX|ADDRESS|CELL)\s*\(", re.IGNORECASE
)
_RANGE = re.compile(r"\d\s*:\s*\$?[A-Za-z]|[A-Za-z]\s*:\s*\$?[A-Za-z]|\d\s*:\s*\$?\d")


def _outside_strings(formula: str) -> list[tuple[bool, str]]:
    """The formula cut into (is_literal, text) pieces: strings and bracketed table names are
    literal, the rest is code where cell references live."""
    out: list[tuple[bool, str]] = []
    at = 0
    for m in _LITERAL.finditer(formula):
        out.append((False, formula[at : m.start()]))
        out.append((True, m.group(0)))
        at = m.end()
    out.append((False, formula[at:]))
    return out


def shift(formula: str, rows: int, cols: int = 0) -> str:
    """``formula`` as Excel would write it ``rows`` rows and ``cols`` columns further on
    (relative references move, ``$`` ones stay): how a shared formula's followers read."""

    def moved(m: re.Match[str]) -> str:
        col_abs, letters, row_abs, digits = m.groups()
        col = col_index(letters.upper()) + (0 if col_abs else cols)
        row = int(digits) + (0 if row_abs else rows)
        if col < 0 or row < 1:
            return "#REF!"
        return f"{col_abs}{col_letters(col)}{row_abs}{row}"

    return "".join(text if literal else _REF.sub(moved, text) for literal, text in _outside_strings(formula))


THIS_TABLE = "\u27e6table\u27e7"
"""Stands for the table a kept formula sits in: a family's table may be renamed by a
rebuild (a vCIO's actuals table numbered anew), so the renderer writes the name it has then."""
_USER_COLUMN = re.compile("\u27e6column:(.*?)\u27e7")
_THIS_ROW = re.compile(re.escape(THIS_TABLE) + r"\[\[#This Row\],\[((?:'.|[^\]'])*)\]\]", re.IGNORECASE)
"""A kept formula's reference to its own row's cell of a column (the name escaped)."""


def user_column(name: str) -> str:
    """Stands for the user's column ``name``: the rebuild may show it under another name
    ("Serial (2)" beside the table's own Serial number), which the renderer writes."""
    return f"\u27e6column:{name}\u27e7"


def resolve(formula: str, table: str, shown: Mapping[str, str]) -> str:
    """A kept formula as it is written: ``THIS_TABLE`` and each user column replaced by the
    names they have in this rebuild (``shown``: the user's name -> the header shown)."""
    out = formula.replace(THIS_TABLE, table)
    return _USER_COLUMN.sub(lambda m: escape_header(shown.get(m.group(1), m.group(1))), out)


def portable(
    formula: str, row: int, columns: Mapping[int, str], table: str, shown: Mapping[str, str] | None = None
) -> str | None:
    """``formula`` (typed in 0-based ``row``) with every reference to a cell of the same row
    inside ``columns`` (0-based column -> the column's name in a structured reference:
    escaped, or a ``user_column`` placeholder) made a structured reference to
    ``THIS_TABLE``; None when it refers to anything else by position, or asks for a
    position (``ROW()``, ``OFFSET``, ``INDIRECT``: they would answer otherwise after a rebuild).
    ``shown`` maps a user column's header as a structured reference already in the formula
    names it (escaped) to its placeholder, so the reference follows the column's name too."""
    if not formula.strip():
        return None
    pieces = _outside_strings(formula)
    code = "".join(text for literal, text in pieces if not literal)
    if _SHEET_REF.search(code) or _RANGE.search(code) or _POSITIONAL.search(code):
        return None
    unportable = False

    def structured(m: re.Match[str]) -> str:
        nonlocal unportable
        _, letters, row_abs, digits = m.groups()
        col = col_index(letters.upper())
        if row_abs or int(digits) - 1 != row or col not in columns:
            unportable = True
            return m.group(0)
        return f"{THIS_TABLE}[[#This Row],[{columns[col]}]]"

    own_table = re.compile(rf"(?<![\w.]){re.escape(table)}$", re.IGNORECASE)  # before its [brackets]
    out = []
    for i, (literal, text) in enumerate(pieces):
        if not literal:
            text = _REF.sub(structured, text)
            if i + 1 < len(pieces) and pieces[i + 1][1].startswith("["):
                text = own_table.sub(THIS_TABLE, text)
        out.append(text)
    if unportable:
        return None
    kept = "".join(out)
    if shown and THIS_TABLE in kept:
        folded = {name.casefold(): placeholder for name, placeholder in shown.items()}  # as Excel matches
        kept = _THIS_ROW.sub(
            lambda m: f"{THIS_TABLE}[[#This Row],[{folded.get(m.group(1).casefold(), m.group(1))}]]", kept
        )
    return kept
