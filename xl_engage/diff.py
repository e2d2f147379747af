"""What changed between two versions of one workbook, in the model's terms.

Both versions are read by the one reader into validated models; rows are matched by the
key each table declares (``TableSpec.key``), never by position, so a sorted table or an
inserted row is no change. Each change is located at its cell in the NEW workbook, with
the old and new values, and the kind's headline figures (``Kind.headline``) say what the
changes moved. Pure comparison: no spreadsheet library.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from xl_engage.kinds import Kind


@dataclass(frozen=True)
class Change:
    where: str
    """The cell (or row) in the new workbook, or the old one's for a removed row."""
    what: str
    """"added", "removed", "changed", "input" or "headline"."""
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"

    def as_dict(self) -> dict[str, str]:
        return {"where": self.where, "what": self.what, "text": self.text}


def shown(value: Any) -> str:
    """A value as a person reads it in a change line."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}" if value == value.to_integral() else f"{value:,f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, BaseModel):  # a user's kept formula: its text
        return "=" + str(getattr(value, "formula", value))
    return str(value)


def _path(model: BaseModel, dotted: str) -> Any:
    value: Any = model
    for part in dotted.split("."):
        value = getattr(value, part, None)
    return value


def _fields(row: BaseModel, extras_field: str) -> dict[str, Any]:
    """A row's values, its extras (a user's columns, a matrix's party codes) as fields."""
    data = dict(row)
    extras = data.pop(extras_field, None) or {}
    data.pop("extras", None)
    data.update({f"[{k}]": v for k, v in dict(extras).items()})
    return data


def _key(row: BaseModel, key: tuple[str, ...], inputs: Iterable[str]) -> tuple[str, ...]:
    names = key or tuple(inputs)
    return tuple(shown(getattr(row, n, None)).casefold() for n in names)


def diff(
    kind: Kind,
    old: BaseModel,
    new: BaseModel,
    new_places: Mapping[tuple[Any, ...], str],
    old_places: Mapping[tuple[Any, ...], str],
) -> list[Change]:
    """Every change from ``old`` to ``new`` (two models of ``kind``), located."""
    changes: list[Change] = []
    for spec in kind.schema.tables:
        before = list(getattr(old, spec.field, []) or [])
        after = list(getattr(new, spec.field, []) or [])
        inputs = [c.key for c in spec.input_columns]
        labels = {c.key: c.header for c in spec.columns}
        old_by: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, row in enumerate(before):
            old_by[_key(row, spec.key, inputs)].append(i)
        sheet = new_places.get((spec.field,), spec.sheet)
        for j, row in enumerate(after):
            k = _key(row, spec.key, inputs)
            name = " / ".join(shown(getattr(row, n, None)) for n in (spec.key or inputs[:1]))
            at = _row_place(new_places, spec.field, j, spec.key or tuple(inputs[:1])) or sheet
            if not old_by.get(k):
                changes.append(Change(at, "added", f"{spec.title or spec.name}: row {name} added"))
                continue
            i = old_by[k].pop(0)
            a, b = _fields(before[i], spec.extras_field), _fields(row, spec.extras_field)
            for field in [*dict.fromkeys([*a, *b])]:
                if field in spec.key or shown(a.get(field)) == shown(b.get(field)):
                    continue
                label = labels.get(field, field.strip("[]"))
                cell = new_places.get((spec.field, j, field)) or new_places.get(
                    (spec.field, j, spec.extras_field, field.strip("[]"))
                )
                changes.append(
                    Change(
                        cell or at,
                        "changed",
                        f"{name}: {label} {shown(a.get(field))} → {shown(b.get(field))}",
                    )
                )
        for left in old_by.values():
            for i in left:
                row = before[i]
                name = " / ".join(shown(getattr(row, n, None)) for n in (spec.key or inputs[:1]))
                at = _row_place(old_places, spec.field, i, spec.key or tuple(inputs[:1])) or sheet
                changes.append(
                    Change(f"{at} (old)", "removed", f"{spec.title or spec.name}: row {name} removed")
                )
    for cell in kind.schema.input_cells:
        a, b = _path(old, cell.key), _path(new, cell.key)
        if shown(a) != shown(b):
            loc = tuple(cell.key.split("."))
            changes.append(
                Change(new_places.get(loc, cell.name), "input", f"{cell.label} {shown(a)} → {shown(b)}")
            )
    if changes and kind.headline is not None:
        was, now = kind.headline(old), kind.headline(new)
        for label in dict.fromkeys([*was, *now]):
            if shown(was.get(label)) != shown(now.get(label)):
                change = ""
                if isinstance(was.get(label), Decimal) and isinstance(now.get(label), Decimal):
                    delta = now[label] - was[label]
                    change = f" ({'+' if delta >= 0 else '−'}{shown(abs(delta))})"
                changes.append(
                    Change(
                        "headline",
                        "headline",
                        f"{label} {shown(was.get(label))} → {shown(now.get(label))}{change}",
                    )
                )
    return changes


def _row_place(
    places: Mapping[tuple[Any, ...], str], field: str, index: int, key: Iterable[str]
) -> str | None:
    for name in key:
        if (place := places.get((field, index, name))) is not None:
            return place
    return None
