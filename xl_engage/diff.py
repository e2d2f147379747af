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

from xl_engage.gcpause import gc_paused
from xl_engage.kinds import Kind
from xl_engage.models.base import field_at


@dataclass(frozen=True)
class Change:
    where: str
    """The cell (or row) in the new workbook, or the old one's for a removed row."""
    what: str
    """"added", "removed", "changed", "moved", "input" or "headline"."""
    text: str
    table: str = ""
    key: str = ""
    """The row's key, as shown ("CD-1003")."""
    field: str = ""
    old: str = ""
    new: str = ""

    def __str__(self) -> str:
        return f"{self.where}: {self.text}"

    def as_dict(self) -> dict[str, str]:
        """For tools: the cell, and the table, row key, field and values apart from the text."""
        out = {"where": self.where, "what": self.what, "text": self.text}
        for name in ("table", "key", "field", "old", "new"):
            if value := getattr(self, name):
                out[name] = value
        return out


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


def same(a: Any, b: Any) -> bool:
    """Equal as values, whatever their type or spelling: 1, 1.0 and "1.00" are one amount;
    "x" and "x " one text (Excel compares trimmed text)."""
    return _plain(a) == _plain(b)


_NUMERIC_START = frozenset("0123456789+-.,")


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):  # a kept formula: its text
        return ("formula", str(getattr(value, "formula", value)))
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value)).normalize()
    if isinstance(value, str):
        text = " ".join(value.split())
        if not text:
            return None
        if text[0] not in _NUMERIC_START:  # a description, a name: no number to parse
            return text
        try:
            return Decimal(text.replace(",", "")).normalize()
        except ArithmeticError:
            return text
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def _fields(row: BaseModel, extras_field: str) -> dict[str, Any]:
    """A row's values, its extras (a user's columns, a matrix's party codes) as fields."""
    data = dict(vars(row))  # the fields as stored: iterating a pydantic model is slower
    extras = data.pop(extras_field, None) or {}
    data.pop("extras", None)
    data.update({f"[{k}]": v for k, v in dict(extras).items()})
    return data


def _signature(row: BaseModel) -> tuple[Any, ...]:
    """A row's stored values in one tuple, compared at C speed: two rows with equal
    signatures are the same row (both files are read by one reader, so an unchanged row
    gives the same values). Rows whose signatures differ are compared field by field, as
    values (:func:`same`). A signature may hold a dict (a row's extras): see :func:`_hashable`."""
    return tuple(vars(row).values())


def _hashable(signature: tuple[Any, ...]) -> tuple[Any, ...]:
    """A signature as values compare (:func:`same`: 1.5 and "1.50" alike, text trimmed), in a
    form a dict can hold: identical rows of one key pair first however they were saved."""
    return tuple(
        tuple(sorted((k, str(_plain(v))) for k, v in part.items()))
        if isinstance(part, dict)
        else _plain(part)
        for part in signature
    )


def _key_part(value: Any) -> str:
    """A key's value as rows are matched: text without case, a number as a value (299.4 and
    299.40 are one amount, however a program saved it)."""
    if type(value) is str:
        return value.casefold()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format(Decimal(str(value)).normalize(), "f")
    return shown(value).casefold()


def _key(row: BaseModel, key: tuple[str, ...], inputs: Iterable[str]) -> tuple[str, ...]:
    names = key or tuple(inputs)
    return tuple(_key_part(getattr(row, n, None)) for n in names)


@gc_paused()  # millions of small tuples, none of them garbage: collection only costs time
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
        for index, row in enumerate(before):
            old_by[_key(row, spec.key, inputs)].append(index)
        sheet = new_places.get((spec.field,), spec.sheet)
        old_sig = [_signature(row) for row in before]
        new_sig = [_signature(row) for row in after]
        pairs = _pairs(after, old_by, old_sig, new_sig, spec, inputs)
        matched: list[tuple[int, int]] = []
        named = spec.key or tuple(inputs[:1])
        for j, row in enumerate(after):
            i = pairs.get(j)
            if i is not None:
                matched.append((i, j))
                if old_sig[i] == new_sig[j] and all(
                    getattr(before[i], k, None) == getattr(row, k, None) for k in spec.key
                ):
                    continue  # the same row (a key's spelling, compared exactly, included)
            # said only for a row that changed: naming and placing every row costs
            name = " / ".join(shown(getattr(row, n, None)) for n in named)
            at = _row_place(new_places, spec.field, j, named) or sheet
            if i is None:
                changes.append(Change(at, "added", f"{spec.sheet}: row {name} added"))
                continue
            a, b = _fields(before[i], spec.extras_field), _fields(row, spec.extras_field)
            for field in [*dict.fromkeys([*a, *b])]:
                exact = field in spec.key  # a key matched without case: its spelling may still change
                if (
                    (shown(a.get(field)) == shown(b.get(field)))
                    if exact
                    else same(a.get(field), b.get(field))
                ):
                    continue
                label = labels.get(field, field.strip("[]"))
                cell = new_places.get((spec.field, j, field)) or new_places.get(
                    (spec.field, j, spec.extras_field, field.strip("[]"))
                )
                was, now = shown(a.get(field)), shown(b.get(field))
                changes.append(
                    Change(
                        cell or at,
                        "changed",
                        f"{name}: {label} {was} → {now}",
                        spec.name,
                        name,
                        label,
                        was,
                        now,
                    )
                )
        if spec.ordered:  # the first match wins: a row moved among the others is a change
            stayed = _longest_rising([i for i, _ in matched])
            for i, j in matched:
                if i not in stayed:
                    at = _row_place(new_places, spec.field, j, spec.key or tuple(inputs[:1])) or sheet
                    changes.append(
                        Change(
                            at,
                            "moved",
                            f"{spec.sheet}: row #{i + 1} is now #{j + 1} (order matters here)",
                        )
                    )
        taken = set(pairs.values())
        for left in old_by.values():
            for gone in (g for g in left if g not in taken):
                row = before[gone]
                name = " / ".join(shown(getattr(row, n, None)) for n in (spec.key or inputs[:1]))
                at = _row_place(old_places, spec.field, gone, spec.key or tuple(inputs[:1])) or sheet
                changes.append(Change(f"{at} (old)", "removed", f"{spec.sheet}: row {name} removed"))
    for input_cell in kind.schema.input_cells:
        was_value, now_value = field_at(old, input_cell.key), field_at(new, input_cell.key)
        if not same(was_value, now_value):
            loc = tuple(input_cell.key.split("."))
            text = f"{input_cell.label} {shown(was_value)} → {shown(now_value)}"
            where = new_places.get(loc, input_cell.name)
            changes.append(
                Change(
                    where, "input", text, field=input_cell.label, old=shown(was_value), new=shown(now_value)
                )
            )
    if changes and kind.headline is not None:
        before_figures, after_figures = kind.headline(old), kind.headline(new)
        for label in dict.fromkeys([*before_figures, *after_figures]):
            first, then = before_figures.get(label), after_figures.get(label)
            if shown(first) != shown(then):
                change = ""
                if isinstance(first, Decimal) and isinstance(then, Decimal):
                    delta = then - first
                    change = f" ({'+' if delta >= 0 else '−'}{shown(abs(delta))})"
                changes.append(
                    Change("headline", "headline", f"{label} {shown(first)} → {shown(then)}{change}")
                )
    return changes


def _pairs(
    after: list[BaseModel],
    old_by: Mapping[tuple[str, ...], list[int]],
    old_sig: list[tuple[Any, ...]],
    new_sig: list[tuple[Any, ...]],
    spec: Any,
    inputs: list[str],
) -> dict[int, int]:
    """New row -> old row. Among rows of one key, identical rows pair first (two lines of
    one description sorted the other way are no change), then the rest in order."""
    out: dict[int, int] = {}
    new_by: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, row in enumerate(after):
        new_by[_key(row, spec.key, inputs)].append(j)
    for k, js in new_by.items():
        olds = list(old_by.get(k, []))
        if len(js) == 1 and len(olds) == 1:  # the usual case: one row of this key each side
            out[js[0]] = olds[0]
            continue
        by_sig: dict[tuple[Any, ...], list[int]] = defaultdict(list)
        for i in olds:
            by_sig[_hashable(old_sig[i])].append(i)
        rest = []
        for j in js:
            twins = by_sig.get(_hashable(new_sig[j]))
            if twins:
                twin = twins.pop(0)
                out[j] = twin
                olds.remove(twin)
            else:
                rest.append(j)
        for j in rest:
            if olds:
                out[j] = olds.pop(0)
    return out


def _longest_rising(values: list[int]) -> set[int]:
    """The values of a longest increasing run (not necessarily adjacent): the rows that kept
    their order; the others are the ones that moved."""
    import bisect

    tails: list[int] = []
    tail_at: list[int] = []
    parent = [-1] * len(values)
    for n, v in enumerate(values):
        k = bisect.bisect_left(tails, v)
        if k == len(tails):
            tails.append(v)
            tail_at.append(n)
        else:
            tails[k], tail_at[k] = v, n
        parent[n] = tail_at[k - 1] if k else -1
    out, n = set(), tail_at[-1] if tail_at else -1
    while n >= 0:
        out.add(values[n])
        n = parent[n]
    return out


def _row_place(
    places: Mapping[tuple[Any, ...], str], field: str, index: int, key: Iterable[str]
) -> str | None:
    for name in key:
        if (place := places.get((field, index, name))) is not None:
            return place
    return None
