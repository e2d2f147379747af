"""Shared model building blocks: frozen records, exact money, fractions, names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from xl_engage.xmlchars import NOT_IN_XML

_SPACES = re.compile(r" {2,}")
MAX_AMOUNT = Decimal(10) ** 12
"""A trillion: beyond any budget an MSP's client has; a longer number is a typo or an attack
(and 40 digits would overflow the cent rounding)."""
Money = Annotated[Decimal, Field(ge=0, lt=MAX_AMOUNT, allow_inf_nan=False)]
Hours = Annotated[Decimal, Field(ge=0, lt=MAX_AMOUNT, allow_inf_nan=False)]
Signed = Annotated[Decimal, Field(gt=-MAX_AMOUNT, lt=MAX_AMOUNT, allow_inf_nan=False)]
MAX_TOTAL = Decimal(10) ** 18
"""A sum of amounts (a ledger's control total): a million of the largest amounts."""
Total = Annotated[Decimal, Field(gt=-MAX_TOTAL, lt=MAX_TOTAL, allow_inf_nan=False)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]
MAX_COUNT = 10**9
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
"""A head count, a quantity, a number of users: a billion at most (more is a typo)."""


def _storable(text: str) -> str:
    """A name goes into formulas and table headers, where a workbook cannot hold a control
    character (a vertical tab pasted from a PSA) as it is: said at its cell, not written."""
    found = NOT_IN_XML.search(text)
    if found is not None:
        bad = found.group()
        raise ValueError(f"holds a control character (U+{ord(bad):04X}); remove it")
    return text  # a carriage return stays: other fields name this one as typed (CHAR(13) in formulas)


Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), AfterValidator(_storable)
]
CellText = Annotated[str, StringConstraints(max_length=32_767)]
"""Free text a cell holds: Excel holds at most 32,767 characters, and cuts a longer one short."""
ExtraScalar = str | float | int | bool | dt.date | dt.datetime | Decimal | None


class UserFormula(BaseModel):
    """A formula the user wrote in a column of their own, kept on a rebuild: its text refers
    to cells of its row by column name (``Assets[[#This Row],[Cost]]``), never by position,
    so it stays right wherever the rebuild puts the column; ``value`` is what it last
    showed (the cached value a rebuilt file carries)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    formula: Annotated[str, StringConstraints(min_length=1, max_length=8_192)]
    value: ExtraScalar = None


ExtraValue = ExtraScalar | UserFormula


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


FIRST_DAY = dt.date(1900, 3, 1)
"""Excel's serial 61: Excel and LibreOffice count days alike only from here (Excel's 1900 is
a leap year), and Excel shows no date before 1900 at all."""
LAST_DAY = dt.date(2199, 12, 31)
"""Far beyond any plan, and short of Excel's last date (9999-12-31) however many life spans
are added: a later date is a typo."""


def excel_day(day: dt.date) -> dt.date:
    if isinstance(day, dt.datetime):
        day = day.date()
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()} (Excel shows no earlier "
            f"date; a later one is a typo), got {day.isoformat()}"
        )
    return day


Day = Annotated[dt.date, AfterValidator(excel_day)]
"""A date a workbook can hold and plan from."""
Month = Annotated[dt.date, AfterValidator(excel_day), AfterValidator(first_of_month)]
"""A month, held as its first day (any day of it is accepted)."""


class Record(BaseModel):
    """A frozen row of a model. ``extras`` keeps columns a user added, so nothing is lost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    extras: dict[str, ExtraValue] = Field(default_factory=dict)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def share_fields_sets(model: BaseModel) -> None:
    """Let the records of each table of ``model`` share one set of "fields given".

    Pydantic keeps, per instance, the set of fields the input named (for
    ``exclude_unset``): 728 bytes a record, more than the record's own values, so a
    million-transaction ledger carried 700 MB of identical sets. Records are frozen, and
    pydantic copies the set before changing it (``model_copy``), so one set per shape is
    safe to share. Rows of one table mostly have one shape: each is compared with the last.
    """
    for value in model.__dict__.values():
        if isinstance(value, tuple) and value and isinstance(value[0], Record):
            share_records_fields_sets(value)


def share_records_fields_sets(records: Sequence[BaseModel]) -> None:
    """One table's records share their sets of "fields given" (see ``share_fields_sets``)."""
    last: set[str] | None = None
    for record in records:
        given = record.__pydantic_fields_set__
        if given == last:
            object.__setattr__(record, "__pydantic_fields_set__", last)
        else:
            last = given


def key(name: str) -> str:
    """How names are compared: case-insensitively, as Excel's ``=`` compares text (the
    workbooks compare ``TRIM`` of typed text, so runs of spaces count as one).

    ``lower()``, not ``casefold()``: Excel does not fold "ß" into "ss", and a name that
    matched in Python but not in the workbook's formulas would give two different totals.
    """
    return trim(name).lower()


def trim(text: str) -> str:
    """Excel's TRIM: no spaces at the ends, single spaces inside. Only the space: a tab or
    a non-breaking space stays, as in Excel, so that Python matches names as the
    workbook's formulas do."""
    s = text.strip(" ")
    return _SPACES.sub(" ", s) if "  " in s else s


def duplicates(names: list[str]) -> dict[str, list[int]]:
    """Indexes of names that occur more than once (case-insensitively)."""
    seen: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        seen.setdefault(key(name), []).append(i)
    return {k: v for k, v in seen.items() if len(v) > 1}


def dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(mode="python")


def field_at(model: object, dotted: str) -> Any:
    """The value at a dotted path of a model ("settings.as_of"), None where a part is missing:
    how named cells name their model field, read the same way everywhere."""
    value: Any = model
    for part in dotted.split("."):
        value = getattr(value, part, None)
    return value
