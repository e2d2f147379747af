"""Turn what a cell or a CSV field holds into the value a model field expects.

Readers hand over floats for every number (40.0 for 40), '' or None for blanks, datetimes
or serial numbers for dates, and whatever text the user typed. Each function returns the
clean value or raises ``ValueError`` with a message a user understands; the caller adds the
location.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xl_engage.layout import ValueKind
from xl_engage.money import to_decimal

_TRUE = {"yes", "y", "true"}
_FALSE = {"no", "n", "false"}
# Slash dates are read month first (US exports) unless the column is day-first throughout;
# see date_formats_for.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%Y/%m/%d",
    "%b %d, %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%d-%b-%Y",
    "%m/%d/%y",
    "%Y-%m-%d %H:%M:%S",
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


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


_MONTH_FIRST, _DAY_FIRST = "%m/%d/%Y", "%d/%m/%Y"


def _parses(text: str, fmt: str) -> bool:
    try:
        dt.datetime.strptime(text, fmt)
    except ValueError:
        return False
    return True


def date_formats_for(values: Any) -> tuple[str, ...]:
    """The format order for one column: a file is day-first or month-first throughout.

    If every slash date in the column reads day first and some cannot read month first
    (``15/03/2024``), the column is day-first; otherwise month first (US exports).
    """
    slashed = [t for v in values if isinstance(v, str) and (t := v.strip()).count("/") == 2]
    if (
        slashed
        and all(_parses(t, _DAY_FIRST) for t in slashed)
        and not all(_parses(t, _MONTH_FIRST) for t in slashed)
    ):
        return (_DAY_FIRST, *(f for f in DATE_FORMATS if f != _DAY_FIRST))
    return DATE_FORMATS


def to_date(value: Any, formats: tuple[str, ...] = DATE_FORMATS) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(f"must be a date, got {show(value)}")
    text = to_text(value)
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"must be a date (e.g. 2026-03-31), got {show(value)}")


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
