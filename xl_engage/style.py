"""How a deliverable looks, decided once for every workbook kind: colours and number formats.

Kinds name a status ("bad", "good") or a value kind ("money"); this module says what that
looks like, so a client's CEO sees one visual language across every workbook, and a
status fill can never be mistaken for the yellow of a cell the user is meant to edit.
Pure data: no spreadsheet library.
"""

from __future__ import annotations

from typing import Literal

CHART_PALETTE: tuple[str, ...] = (
    "#1F4E79",  # navy
    "#ED7D31",  # orange
    "#70AD47",  # green
    "#7030A0",  # purple
    "#00A3AD",  # teal
    "#C00000",  # dark red
    "#FFC000",  # amber
    "#5B9BD5",  # sky blue
    "#843C0C",  # brown
    "#A5A5A5",  # grey
    "#FF66CC",  # pink
    "#375623",  # forest
    "#B4C7E7",  # pale blue
    "#000000",  # black
)
"""Fourteen colours that stay apart on screen and on a grey-scale printer (alternating
dark and light), assigned to categories by name across every chart of a workbook."""

STATUS_FILLS: dict[str, str] = {
    "good": "#E2EFDA",  # green: on track, fine, matched
    "warn": "#FCE4D6",  # peach: due soon, amber flag, a gap to look at
    "bad": "#F8CBAD",  # salmon: overdue, behind, red flag, unmatched
    "watch": "#DDEBF7",  # blue: due within the year, not yet urgent
    "neutral": "#EDEDED",  # grey: idle, informational
    "unknown": "#E4DFEC",  # lavender: a value xl_engage could not judge
}
"""Status fills: never the input yellow (a formula must not look editable)."""

INPUT_LEGEND = "Yellow cells are yours to edit; every other cell is calculated from them."

Audience = Literal["summary", "detail"]


def number_format(kind: str, audience: Audience, currency: str) -> str | None:
    """The number format of a value kind for its audience. A summary a decision maker
    reads shows whole amounts with the currency sign; a detail sheet shows cents. Both show
    zero as a dash and negatives in brackets; no format leaves a trailing decimal point."""
    sign = currency_literal(currency)
    if kind == "price":  # a unit price or rate: cents wherever it is shown
        money = f"{sign if audience == 'summary' else ''}#,##0.00"
        return f'{money}_);({money});"–"_)'
    if kind == "money":
        if audience == "summary":
            return f'{sign}#,##0_);({sign}#,##0);"–"_)'
        return '#,##0.00_);(#,##0.00);"–"_)'
    return _PLAIN_FORMATS.get(kind)


CURRENCY_SIGNS = {
    "USD": "$", "GBP": "£", "EUR": "€", "JPY": "¥", "CAD": "C$", "AUD": "A$", "NZD": "NZ$",
    "CHF": "CHF ", "ZAR": "R", "INR": "₹", "SEK": "kr ", "NOK": "kr ", "DKK": "kr ",
}  # fmt: skip


def currency_sign(code: str) -> str:
    """The sign shown before an amount in ``code`` (an ISO currency): "£" for GBP; an
    unknown code is shown as itself ("MXN ")."""
    code = code.strip().upper()
    return CURRENCY_SIGNS.get(code, f"{code[:4]} " if code else "")


def currency_literal(currency: str) -> str:
    """The firm's currency sign inside a number format, every character escaped (``\\€``):
    a quote, ``0``, ``#`` or ``;`` in it is shown as itself, never read as format code."""
    return "".join("\\" + ch for ch in currency)


def axis_money_format(currency: str) -> str:
    """A chart's value axis in whole amounts with the firm's currency sign."""
    return f"{currency_literal(currency)}#,##0"


_PLAIN_FORMATS: dict[str, str] = {
    # one decimal always, so a row of rates lines up (34.7 beside 10.0, not 34.67 beside 10.0)
    "number": "#,##0.0_)",
    "hours": "#,##0.0#_)",  # quarter hours keep their second decimal
    # numbers keep the bracket's width free on their right, as money does: a count never
    # runs into the text of the column after it ("12 vCIO Light")
    "int": "#,##0_)",
    "percent": "0.0%_);(0.0%)",  # negatives in brackets, as the amounts beside them
    "ratio": '0.00"×"',
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "month": "mmm yyyy",
    "bool": "@",
}
