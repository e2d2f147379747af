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
    if s and s[0] in "+-":
        negative ^= s[0] == "-"
        s = s[1:].strip()
    s = s.lstrip(_CURRENCY_SYMBOLS).strip()
    if s[:1] == "-" and not negative:
        negative, s = True, s[1:].strip()
    s = s.replace(" ", "")
    if "," in s and not _GROUPED.match(s):  # 12,5 is not 125: a decimal comma is never guessed
        raise ValueError(f"expected a number, got {raw!r} (a comma must separate thousands: 1,234.56)")
    s = s.replace(",", "")
    if not _MONEY_TEXT.match(s):
        raise ValueError(f"expected a number, got {raw!r}")
    try:
        value = Decimal(s)
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid text
        raise ValueError(f"expected a number, got {raw!r}") from exc
    if percent:
        value = value / 100
    return -value if negative else value


_CURRENCY_CODES = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
_ISO = re.compile(r"^([A-Z]{3})\s*|\s*([A-Z]{3})$")
_GROUPED = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")  # 0,125 groups no thousands
_PLAIN = re.compile(r"^\d+(\.\d+)?$")
_SIGNED_PLAIN = re.compile(r"-?\d+(\.\d+)?\Z")


_CURRENCY_NAMES = {
    "us dollar": "USD", "u.s. dollar": "USD", "united states dollar": "USD", "euro": "EUR",
    "british pound": "GBP", "pound sterling": "GBP", "british pound sterling": "GBP",
    "canadian dollar": "CAD", "australian dollar": "AUD", "new zealand dollar": "NZD",
    "japanese yen": "JPY", "swiss franc": "CHF", "south african rand": "ZAR", "indian rupee": "INR",
    "swedish krona": "SEK", "norwegian krone": "NOK", "danish krone": "DKK", "mexican peso": "MXN",
    "singapore dollar": "SGD", "hong kong dollar": "HKD",
}  # fmt: skip
"""Currencies by the names ledgers show: NetSuite's currency records carry a name ("US
Dollar") beside the ISO code, and a saved search shows the name."""


def currency_code(symbol_or_code: str) -> str:
    """``$`` → USD, ``€`` → EUR, ``US Dollar`` → USD…; a three-letter code as is (upper case)."""
    text = symbol_or_code.strip()
    named = " ".join(text.casefold().split())
    return _CURRENCY_CODES.get(text) or _CURRENCY_NAMES.get(named.removesuffix("s")) or text.upper()


def parse_amount(text: str) -> tuple[Decimal, str | None]:
    """A signed amount as ledgers and card statements export it, and its currency if written.

    Accepts ``1234.56``, ``1,234.56``, ``-1,234.56``, ``(1,234.56)`` and ``1,234.56-``
    (both negative), with a symbol (``$``, ``€``, ``£``, ``¥``) or an ISO code (``USD``)
    before or after. Refuses what could be misread: two decimal separators
    (``1.234.56``), European grouping (``1.234,56``), commas not in groups of three.
    """
    raw = text.strip()
    if _SIGNED_PLAIN.match(raw):  # the common case: 1234.56 or -1234.56
        return Decimal(raw), None
    if raw in ("-", "–", "—"):  # accounting exports write a dash for nothing
        return Decimal(0), None
    s = raw
    if not s:
        raise ValueError("expected an amount, got an empty text")
    signs = 0
    if s.startswith("(") and s.endswith(")"):
        signs, s = 1, s[1:-1].strip()
    if s.endswith("-"):
        signs, s = signs + 1, s[:-1].strip()
    if s and s[0] in "+-":
        signs += s[0] == "-"
        s = s[1:].strip()
    currency = None
    if s[:1] in _CURRENCY_CODES or s[-1:] in _CURRENCY_CODES:
        symbol = s[0] if s[:1] in _CURRENCY_CODES else s[-1]
        currency = _CURRENCY_CODES[symbol]
        s = s.strip(symbol).strip()
    elif m := _ISO.search(s):
        currency = m.group(1) or m.group(2)
        s = _ISO.sub("", s, count=1).strip()
    if s[:1] == "-":
        signs, s = signs + 1, s[1:].strip()
    if signs > 1:
        raise ValueError(f"{raw!r} is marked negative twice; write (1,234.56) or -1,234.56")
    negative = signs == 1
    if s.count(".") > 1 or ("," in s and "." in s and s.rindex(",") > s.rindex(".")):
        raise ValueError(f"{raw!r} has two decimal separators; write it as 1234.56")
    if "," in s and not _GROUPED.match(s):
        raise ValueError(f"{raw!r}: a comma must separate thousands (1,234.56); decimal commas are not read")
    s = s.replace(",", "")
    if not _PLAIN.match(s):
        raise ValueError(f"expected an amount, got {raw!r}")
    value = Decimal(s)
    return (-value if negative else value), currency
