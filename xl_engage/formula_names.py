"""What a formula names — functions, tables and their columns, sheets, defined names — and
which of those a workbook does not have.

The renderer checks every formula of the product against the workbook it is writing before
a byte is written (issue 16): a renamed named cell, table or column is then a refusal at
build time, naming the formula, instead of a ``#NAME?`` or ``#REF!`` a client finds in the
file. Pure text work: no Excel library.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping

_FUNCTIONS = """
    ABS AND AVERAGE AVERAGEIF AVERAGEIFS CEILING CHAR CHOOSE CLEAN CODE COLUMN COLUMNS CONCATENATE
    COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS DATE DATEDIF DATEVALUE DAY DAYS EDATE EOMONTH EXACT
    FIND FLOOR HLOOKUP IF IFERROR IFNA INDEX INT ISBLANK ISERROR ISNA ISNUMBER ISTEXT LARGE LEFT
    LEN LOWER MATCH MAX MEDIAN MID MIN MOD MONTH N NA NETWORKDAYS NOT NOW OR PMT PROPER RANK
    REPLACE REPT RIGHT ROUND ROUNDDOWN ROUNDUP ROW ROWS SEARCH SIGN SMALL SUBSTITUTE SUBTOTAL SUM
    SUMIF SUMIFS SUMPRODUCT T TEXT TODAY TRIM TRUNC UPPER VALUE VLOOKUP WEEKDAY YEAR
"""
EXCEL_2016_AND_LIBREOFFICE = frozenset(_FUNCTIONS.split())
"""Functions of Excel 2016 (perpetual) that LibreOffice evaluates alike. Not here on purpose:
IFS, SWITCH, MAXIFS, MINIFS, CONCAT, TEXTJOIN (Excel 2019), XLOOKUP, LET, LAMBDA, FILTER,
SORT, UNIQUE, SEQUENCE (Microsoft 365)."""

_STRING = re.compile(r'"(?:[^"]|"")*"')
_ERROR = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA)")
_TABLE_START = re.compile(r"([A-Za-z_\\][\w.]*)\[")
_QUALIFIED = re.compile(r"('(?:[^']|'')+'|[A-Za-z_][\w.]*)!([A-Za-z_][\w.]*)")
_FUNCTION = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_COLUMN_RANGE = re.compile(r"\b[A-Z]{1,3}:[A-Z]{1,3}\b")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_\\][\w.]*")
_CELL = re.compile(r"[A-Z]{1,3}\d{1,7}")
_SPECIAL = {"#this row", "#headers", "#data", "#all", "#totals"}
_BRACKETED = re.compile(r"\[((?:'.|[^\[\]'])*)\]")


def _structured(text: str) -> Iterator[tuple[str, str, int, int]]:
    """Each ``Table[...]`` in ``text``: (table, inside the brackets, start, end)."""
    pos = 0
    while found := _TABLE_START.search(text, pos):
        depth, i = 0, found.end() - 1
        while i < len(text):
            if text[i] == "'" and i + 1 < len(text):  # an escaped bracket in a column name
                i += 2
                continue
            depth += {"[": 1, "]": -1}.get(text[i], 0)
            if depth == 0:
                break
            i += 1
        yield found.group(1), text[found.end() : i], found.start(), i + 1
        pos = i + 1


def unknown_names(
    formula: str,
    names: Collection[str],
    tables: Mapping[str, Collection[str]],
    sheets: Collection[str],
) -> list[str]:
    """What ``formula`` names that the workbook has not: ``names``, ``tables`` (name →
    column headers) and ``sheets`` all in lower case. Cell references are not names."""
    problems: list[str] = []
    text = _ERROR.sub("0", _STRING.sub('""', formula.lstrip("="))).replace("$", "")
    kept = []
    last = 0
    for table, inside, start, end in _structured(text):
        columns = tables.get(table.casefold())
        if columns is None:
            problems.append(f"table {table!r}")
        else:
            for part in _BRACKETED.findall("[" + inside + "]"):
                name = re.sub(r"'(.)", r"\1", part).strip()
                if name and "[" not in name and name.casefold() not in _SPECIAL | set(columns):
                    problems.append(f"column {name!r} of table {table!r}")
        kept.append(text[last:start] + "0")
        last = end
    text = "".join(kept) + text[last:]
    for sheet, _ in _QUALIFIED.findall(text):
        if sheet.strip("'").replace("''", "'").casefold() not in sheets:
            problems.append(f"sheet {sheet!r}")
    text = _QUALIFIED.sub("0", text)
    for name in _FUNCTION.findall(text):
        if name.upper() not in EXCEL_2016_AND_LIBREOFFICE:
            problems.append(f"function {name.upper()} (not in Excel 2016 and LibreOffice alike)")
    text = _COLUMN_RANGE.sub("0", _FUNCTION.sub("(", text))
    for name in _IDENTIFIER.findall(text):
        if _CELL.fullmatch(name) or name.upper() in ("TRUE", "FALSE"):
            continue
        if name.casefold() not in names:
            problems.append(f"name {name!r}")
    return list(dict.fromkeys(problems))
