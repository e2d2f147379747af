"""Turn what a cell or a CSV field holds into the value a model field expects.

Readers hand over floats for every number (40.0 for 40), '' or None for blanks, datetimes
or serial numbers for dates, and whatever text the user typed. Each function returns the
clean value or raises ``ValueError`` with a message a user understands; the caller adds the
location.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from xl_engage.layout import ValueKind
from xl_engage.money import to_decimal

_TRUE = {"yes", "y", "true"}
_FALSE = {"no", "n", "false"}
# Slash dates are read month first (US exports) unless the column is day-first throughout;
# see date_order. A time part (``06/29/2022 12:00 AM``, ``2024-03-15 14:22:10.0000000``,
# ``2023-05-01T00:00:00Z``) is dropped before the date is read.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%b %d, %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%m-%Y",
    "%m/%d/%y",
    "%d/%m/%y",
    "%d.%m.%y",
    "%d-%b-%y",
    "%d %b %y",
)
_TIME = re.compile(
    r"(?:[ T]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[AaPp]\.?[Mm]\.?)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
EXCEL_EPOCH = dt.date(1899, 12, 30)
"""Day 0 of Excel's (Windows, 1900) date system: a date's serial number is its distance in
days. The one definition: the reader, the renderer and the Excel functions all count from it."""


def is_blank(value: Any) -> bool:
    if value is None or value == "":
        return True
    return isinstance(value, str) and not value.strip()


def show(value: Any) -> str:
    """A value as an issue message quotes it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def to_text(value: Any) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def to_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"must be a whole number, got {show(value)}")
    try:
        number = to_decimal(value.strip() if isinstance(value, str) else value)
    except ValueError:
        raise ValueError(f"must be a whole number, got {show(value)}") from None
    if number != number.to_integral_value():
        raise ValueError(f"must be a whole number, got {show(value)}")
    return int(number)


def to_number(value: Any) -> Decimal:
    if isinstance(value, dt.date | dt.time):
        raise ValueError(f"must be a number, got the date {to_text(value)}")
    try:
        return to_decimal(value)
    except ValueError:
        raise ValueError(f"must be a number, got {show(value)}") from None


def to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = to_text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"must be Yes or No, got {show(value)}")


_MONTH_FIRST = ("%m/%d/%Y", "%m/%d/%y")
_DAY_FIRST = ("%d/%m/%Y", "%d/%m/%y")


def date_part(text: str) -> str:
    """The date of a date-time as exports write it: the time and its zone dropped."""
    return _TIME.sub("", text, count=1) if ":" in text or text.endswith("Z") else text


def _parses(text: str, formats: tuple[str, ...]) -> bool:
    for fmt in formats:
        try:
            dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


def date_order(values: Any) -> str:
    """How a file writes slash dates: "day-first" when every one reads day first and some
    cannot read month first (``15/03/2024``); "month-first" when the reverse; "mixed" when
    some can only be day-first and others only month-first (no order reads them all);
    "either" when every one reads both ways; "" when there are no slash dates."""
    slashed = {d for v in values if isinstance(v, str) and (d := date_part(v.strip())).count("/") == 2}
    day_only = month_only = both = False
    for t in slashed:
        day, month = _parses(t, _DAY_FIRST), _parses(t, _MONTH_FIRST)
        both |= day and month
        day_only |= day and not month
        month_only |= month and not day
    if day_only and month_only:
        return "mixed"
    if day_only or month_only:
        return "day-first" if day_only else "month-first"
    return "either" if both else ""


def formats_for_order(order: str) -> tuple[str, ...]:
    """The formats that read slash dates in ``order`` and never the other way (a file is
    one or the other throughout); "" reads either, month first."""
    if order == "day-first":
        return (*_DAY_FIRST, *(f for f in DATE_FORMATS if f not in _DAY_FIRST and f not in _MONTH_FIRST))
    if order in ("month-first", "either"):
        return tuple(f for f in DATE_FORMATS if f not in _DAY_FIRST)
    return DATE_FORMATS


ZERO_DATES = frozenset({"0000-00-00", "00/00/0000", "00/00/00", "00.00.0000", "0"})
"""How databases export "no date" (MySQL's zero date): read as blank."""


def to_date(value: Any, formats: tuple[str, ...] = DATE_FORMATS) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"must be a date, got {show(value)}")
    text = date_part(to_text(value))
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"must be a date (e.g. 2026-03-31), got {show(value)}")


_DIGITS_AND_MARKS = re.compile(r"[^\d.,]")


def mark_evidence(text: str) -> str:
    """What one number's text says of its decimal mark: "." (``12.5``, ``1,234.56``), ","
    (``12,5``, ``1.234,56``), "?" (``1,250`` or ``1.250``: a thousands group or a decimal,
    the text cannot say) or "" (no mark at all)."""
    core = _DIGITS_AND_MARKS.sub("", text.replace("\u00a0", "").replace("\u202f", ""))
    dots, commas = core.count("."), core.count(",")
    if not dots and not commas:
        return ""
    if dots and commas:
        return "," if core.rindex(",") > core.rindex(".") else "."
    mark, count = (".", dots) if dots else (",", commas)
    other = "," if mark == "." else "."
    if count > 1:  # 1,234,567 or 1.234.567: the mark groups thousands (if in threes)
        groups = core.split(mark)
        return other if all(len(g) == 3 for g in groups[1:]) and 1 <= len(groups[0]) <= 3 else ""
    head, tail = core.index(mark), len(core) - core.index(mark) - 1
    if tail == 3 and core[:head].lstrip("0") == "" and head > 0:
        return mark  # 0,125 or 0.125: a leading zero groups no thousands
    return "?" if tail == 3 else mark


def decimal_mark(values: Any, hint: str = ".") -> tuple[str, Any, Any]:
    """The decimal mark of a file's numbers written as text: ``(".", None, None)`` or
    ``(",", None, None)`` when they agree, else ``("mixed", a, b)`` with an example of each.
    Numbers that never show which (``1,250`` or ``1.250`` throughout) take ``hint``: the
    point, as most exports group thousands with a comma, unless the file is one of the
    semicolon-separated exports of the countries that write decimal commas."""
    seen: dict[str, Any] = {}
    for v in values:
        if isinstance(v, str) and v.strip():
            found = mark_evidence(v)
            if found in (".", ",") and found not in seen:
                seen[found] = v
                if len(seen) == 2:
                    return "mixed", seen["."], seen[","]
    return ("," if "," in seen else "." if "." in seen else hint), None, None


def with_decimal_point(text: str) -> str:
    """Number text written with a decimal comma (``1.234,56``, ``1 234,56``) rewritten with
    a decimal point (``1234.56``); grouping must be in threes, or the text is refused."""
    s = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    s = re.sub(r"(?<=\d)[ .](?=\d{3}(?!\d))", "", s)
    if "." in s:
        raise ValueError(f"{text!r}: a point must separate thousands in a decimal-comma column (1.234,56)")
    return s.replace(",", ".")


def coerce(
    value: Any, kind: ValueKind, choices: tuple[str, ...] = (), date_formats: tuple[str, ...] = DATE_FORMATS
) -> Any:
    """Convert one non-blank raw value to ``kind``; raise ValueError with the reason."""
    if kind == "text":
        text = to_text(value)
        if choices:
            for choice in choices:
                if choice.casefold() == text.casefold():
                    return choice
            raise ValueError(f"must be one of {', '.join(choices)}; got {show(text)}")
        return text
    if kind == "int":
        return to_int(value)
    if kind in ("number", "hours", "money", "percent", "ratio"):
        return to_number(value)
    if kind == "bool":
        return to_bool(value)
    if kind in ("date", "month"):
        return to_date(value, date_formats)
    raise ValueError(f"unknown kind {kind!r}")  # pragma: no cover - kinds are a closed set
