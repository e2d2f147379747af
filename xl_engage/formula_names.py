"""What a formula names — functions, tables and their columns, sheets, defined names — and
which of those a workbook does not have.

The renderer checks every formula of the product against the workbook it is writing before
a byte is written (issue 16): a renamed named cell, table or column is then a refusal at
build time, naming the formula, instead of a ``#NAME?`` or ``#REF!`` a client finds in the
file. Pure text work: no Excel library.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

_FUNCTIONS = """
    ABS AND AVERAGE AVERAGEIF AVERAGEIFS CEILING CHAR CHOOSE CLEAN CODE COLUMN COLUMNS CONCATENATE
    COUNT COUNTA COUNTBLANK COUNTIF COUNTIFS DATE DATEDIF DATEVALUE DAY DAYS EDATE EOMONTH EXACT
    FIND FLOOR HLOOKUP IF IFERROR IFNA INDEX INT ISBLANK ISERROR ISLOGICAL ISNA ISNUMBER ISTEXT LARGE LEFT
    LEN LOWER MATCH MAX MEDIAN MID MIN MOD MONTH N NA NETWORKDAYS NOT NOW OR PMT PROPER RANK
    REPLACE REPT RIGHT ROUND ROUNDDOWN ROUNDUP ROW ROWS SEARCH SIGN SMALL SUBSTITUTE SUBTOTAL SUM
    SUMIF SUMIFS SUMPRODUCT T TEXT TODAY TRIM TRUNC UPPER VALUE VLOOKUP WEEKDAY YEAR
"""
EXCEL_2016_AND_LIBREOFFICE = frozenset(_FUNCTIONS.split())
"""Functions of Excel 2016 (perpetual) that LibreOffice evaluates alike. Not here on purpose:
IFS, SWITCH, MAXIFS, MINIFS, CONCAT, TEXTJOIN (Excel 2019), XLOOKUP, LET, LAMBDA, FILTER,
SORT, UNIQUE, SEQUENCE (Microsoft 365)."""

_STRING = re.compile(r'"(?:[^"]|"")*"')
_ERROR = re.compile(r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A|GETTING_DATA|SPILL!|CALC!)")
_TABLE_START = re.compile(r"([A-Za-z_\\][\w.]*)\[")
_QUALIFIED = re.compile(
    r"('(?:[^']|'')+'|[A-Za-z_][\w.]*)!"
    r"([A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?(?![\w.])|[A-Z]{1,3}:[A-Z]{1,3}(?![\w.])|\d+:\d+|[A-Za-z_][\w.]*)"
)
_FUNCTION = re.compile(r"([A-Za-z_][\w.]*)\s*\(")
_COLUMN_RANGE = re.compile(r"\b[A-Z]{1,3}:[A-Z]{1,3}\b")
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_\\][\w.]*")
_CELL = re.compile(r"[A-Z]{1,3}\d{1,7}")
_SPECIAL = {"#this row", "#headers", "#data", "#all", "#totals"}
_BRACKETED = re.compile(r"\[((?:'.|[^\[\]'])*)\]")


def _split(text: str) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with its string literals blanked and its structured references
    (``Table[...]``) taken out, in one pass from the left: a quote or an error literal inside
    a column's name (a party called ``Bob "The" Builder``) stays part of the name."""
    out: list[str] = []
    refs: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':  # a string: to its closing quote ("" is a quote inside)
            j = i + 1
            while j < n and not (text[j] == '"' and text[j + 1 : j + 2] != '"'):
                j += 2 if text[j] == '"' else 1
            out.append('""')
            i = j + 1
            continue
        found = (
            _TABLE_START.match(text, i)
            if i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.\\")
            else None
        )
        if found:
            depth, k = 0, found.end() - 1
            while k < n:
                if text[k] == "'" and k + 1 < n:  # an escaped character of a column's name
                    k += 2
                    continue
                depth += {"[": 1, "]": -1}.get(text[k], 0)
                if depth == 0:
                    break
                k += 1
            refs.append((found.group(1), text[found.end() : k]))
            out.append("0")
            i = k + 1
            continue
        out.append(c)
        i += 1
    return "".join(out), refs


def unknown_names(
    formula: str,
    names: Collection[str],
    tables: Mapping[str, Collection[str]],
    sheets: Collection[str],
    functions: Collection[str] = (),
) -> list[str]:
    """What ``formula`` names that the workbook has not: ``names``, ``tables`` (name →
    column headers) and ``sheets`` all in lower case; ``functions`` (upper case): the
    workbook's own LAMBDA names a formula may call. Cell references are not names."""
    problems: list[str] = []
    text, refs = _split(formula.lstrip("="))
    text = _ERROR.sub("0", text).replace("$", "")
    for table, inside in refs:
        columns = tables.get(table.casefold())
        if columns is None:
            problems.append(f"table {table!r}")
            continue
        for part in _BRACKETED.findall("[" + inside + "]"):
            name = re.sub(r"'(.)", r"\1", part).strip().lstrip("@").strip()
            if name and "[" not in name and name.casefold() not in _SPECIAL | set(columns):
                problems.append(f"column {name!r} of table {table!r}")
    for sheet, target in _QUALIFIED.findall(text):
        if sheet.strip("'").replace("''", "'").casefold() not in sheets:
            problems.append(f"sheet {sheet!r}")
        elif (
            not re.fullmatch(r"[A-Z]{1,3}\d*(?::[A-Z]{1,3}\d*)?|\d+:\d+", target)
            and target.casefold() not in names
        ):
            problems.append(f"name {target!r}")
    text = _QUALIFIED.sub("0", text)
    for name in _FUNCTION.findall(text):
        if name.upper() not in EXCEL_2016_AND_LIBREOFFICE and name.upper() not in functions:
            problems.append(f"function {name.upper()} (not in Excel 2016 and LibreOffice alike)")
    text = _COLUMN_RANGE.sub("0", _FUNCTION.sub("(", text))
    for name in _IDENTIFIER.findall(text):
        if _CELL.fullmatch(name) or name.upper() in ("TRUE", "FALSE"):
            continue
        if name.casefold() not in names:
            problems.append(f"name {name!r}")
    return list(dict.fromkeys(problems))
