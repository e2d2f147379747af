"""Exact money and its one rounding rule.

Models hold money as :class:`~decimal.Decimal`. Amounts stay exact through a calculation and
are rounded only where the domain rounds (an MRR, a price), to the cent, half away from
zero: that is what Excel's ``ROUND(x, 2)`` does, so the Python result and the workbook
formula agree.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ROUNDING_RULE = "to the cent, half away from zero (Excel ROUND(x, 2))"

_MONEY_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_CURRENCY_SYMBOLS = "$€£¥"


def round_money(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero (Decimal's ROUND_HALF_UP), like Excel ROUND."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def to_decimal(value: object) -> Decimal:
    """Exact Decimal from what spreadsheets and files hand us.

    Floats go through ``repr`` (the shortest text that round-trips), so a cell holding 0.1
    becomes Decimal('0.1'), not 0.1000000000000000055…
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"expected a finite number, got {value!r}")
        return Decimal(int(value)) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, str):
        return parse_money(value)
    raise ValueError(f"expected a number, got {value!r}")


def parse_money(text: str) -> Decimal:
    """Parse money as people and accounting exports write it.

    Accepts ``1234.5``, ``$1,234.56``, ``-1,234.56``, ``(120.00)`` (brackets = negative),
    ``20%`` (a fraction: 0.20). Refuses anything ambiguous, such as two decimal points.
    """
    raw = text.strip()
    if not raw:
        raise ValueError("expected a number, got an empty text")
    s = raw
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1].strip()
    percent = s.endswith("%")
    if percent:
        s = s[:-1].strip()
    if s[:1] in "+-":
        negative ^= s[0] == "-"
        s = s[1:].strip()
    s = s.lstrip(_CURRENCY_SYMBOLS).strip()
    if s[:1] == "-" and not negative:
        negative, s = True, s[1:].strip()
    s = s.replace(",", "").replace(" ", "")
    if not _MONEY_TEXT.match(s):
        raise ValueError(f"expected a number, got {raw!r}")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
        raise ValueError(f"expected a number, got {raw!r}") from exc
    if percent:
        value = value / 100
    return -value if negative else value
