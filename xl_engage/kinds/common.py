"""Helpers every kind uses to turn models and results into layout rows and formulas."""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from xl_engage.layout import Table, TableSpec


def table(
    spec: TableSpec,
    records: Sequence[BaseModel],
    results: Sequence[Any] | None = None,
    **options: Any,
) -> Table:
    """A table block of records (and their results, one per record), each row with the
    columns the spec does not name (its ``extras_field``: the user's own columns, or a
    matrix's party columns); ``options`` as :class:`Table`'s."""
    return Table(spec, rows(records, results), extras=extras(records, spec.extras_field), **options)


def extras(records: Sequence[BaseModel], field: str = "extras") -> list[dict[str, Any]]:
    """Each record's columns the spec does not name; an empty list when no record has any."""
    out = [dict(getattr(record, field, None) or {}) for record in records]
    return out if any(out) else []


def rows(records: Sequence[BaseModel], results: Sequence[Any] | None = None) -> list[dict[str, Any]]:
    """Layout rows: a record's fields and its result's fields (shallow: ``asdict()`` would
    deep-copy every Decimal). The fields are looked up once per record and result type:
    a table of a hundred thousand rows is mostly this loop."""
    out = []
    shapes: dict[tuple[type, type], tuple[_Fields, _Fields]] = {}
    for i, record in enumerate(records):
        result = results[i] if results is not None else None
        kinds = (type(record), type(result))
        shape = shapes.get(kinds)
        if shape is None:
            shape = shapes[kinds] = _shape(*kinds)
        (names, values), (computed, results_of) = shape
        row = dict(zip(names, values(record), strict=True))
        if computed:
            row.update(zip(computed, results_of(result), strict=True))
        out.append(row)
    return out


_Fields = tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]


def _fields(names: tuple[str, ...]) -> _Fields:
    """The names and a function giving their values as a tuple, whatever their number."""
    if not names:
        return names, lambda _: ()
    if len(names) == 1:
        one = operator.attrgetter(names[0])
        return names, lambda obj: (one(obj),)
    return names, operator.attrgetter(*names)


def _shape(record_type: type, result_type: type) -> tuple[_Fields, _Fields]:
    names = tuple(record_type.model_fields)  # type: ignore[attr-defined]
    computed = tuple(f.name for f in dataclasses.fields(result_type)) if result_type is not type(None) else ()
    clash = set(computed) & set(names)
    if clash:  # a result must never overwrite what the user typed
        raise ValueError(f"result fields shadow input fields: {sorted(clash)}")
    return _fields(names), _fields(computed)


def months_from(start: str, month: str) -> str:
    """Formula: whole months from ``start``'s month to ``month``'s (0 within the same month,
    whatever the days): the month arithmetic of budgets, playbooks and recurring costs."""
    return f"(YEAR({month})-YEAR({start}))*12+MONTH({month})-MONTH({start})"


def price_from_cost(cost: str, pricing: str, markup: str) -> str:
    """Formula: a unit price from its cost, to the cent, by a margin on the price when
    ``pricing`` says "Margin", else a markup on the cost (PRICE_FROM_MARGIN and
    PRICE_FROM_MARKUP); blank while the cost is, and a blank markup counts 0."""
    return (
        f'IF({cost}="","",IF({pricing}="Margin",'
        f"ROUND({cost}/(1-N({markup})),2),ROUND({cost}*(1+N({markup})),2)))"
    )


def this(spec: TableSpec, key: str) -> str:
    """This row's cell of a column."""
    return spec.ref(key, this_row=True)


def col(spec: TableSpec, key: str) -> str:
    """A whole column of a table."""
    return spec.ref(key, this_row=False)


def lookup(
    result: TableSpec,
    result_key: str,
    match: TableSpec,
    match_key: str,
    value: str,
    default: str,
    blank_is_default: bool = False,
) -> str:
    """Exact, case-insensitive, wildcard-free lookup (names may contain * or ?).

    ``MATCH(x, range, 0)`` treats ``*`` and ``?`` in ``x`` as wildcards, and LibreOffice
    fails ``INDEX(range=x, 0)`` on a one-row table; the position is therefore found with
    ``SUMPRODUCT`` (names are unique: the kinds' checks see to that). ``blank_is_default``:
    a blank result cell gives ``default`` too (as the reader gives a blank optional cell
    its model default), not the 0 that ``INDEX`` makes of a blank.
    """
    names = col(match, match_key)
    hit = f"(TRIM({names})=TRIM({value}))"  # the reader strips names: so does the formula
    position = f"SUMPRODUCT({hit}*(ROW({names})-ROW(INDEX({names},1))+1))"
    found = f'{hit}*({col(result, result_key)}<>"")' if blank_is_default else f"{hit}*1"
    return f"IF(SUMPRODUCT({found})=0,{default},INDEX({col(result, result_key)},{position}))"


def is_no(cell: str) -> str:
    """Formula: the Yes/No cell says no (in any spelling the reader accepts)."""
    return f'OR({cell}="No",{cell}="N",{cell}="False",{cell}=FALSE)'


def with_formulas(
    spec: TableSpec, formulas: Mapping[str, str] | Callable[[TableSpec], Mapping[str, str]]
) -> TableSpec:
    """The spec with calculated columns filled in (formulas may refer to other tables).
    ``formulas`` may be a function of the spec itself, ``lambda t: {"mrr": this(t, …)}``,
    so a table's own columns need no module-level alias of the spec. Only a calculated
    column (declared with a formula, or :data:`CALCULATED`) takes one: a key that names no
    column, or an input, is a mistake at import."""
    if callable(formulas):
        formulas = formulas(spec)
    calculated = {c.key for c in spec.columns if c.formula is not None}
    wrong = [k for k in formulas if k not in calculated]
    if wrong:
        raise ValueError(f"table {spec.name}: no calculated column {', '.join(map(repr, wrong))}")
    return dataclasses.replace(
        spec,
        columns=tuple(dataclasses.replace(c, formula=formulas.get(c.key, c.formula)) for c in spec.columns),
    )


def is_yes(cell: str) -> str:
    """Formula: the Yes/No cell says yes (in any spelling the reader accepts)."""
    return f'OR({cell}="Yes",{cell}="Y",{cell}="True",{cell}=TRUE)'


def first_match(rules: TableSpec, conditions: Sequence[str], result_key: str, default: str) -> str:
    """The value of ``result_key`` in the first rule whose conditions all hold.

    Without dynamic arrays, the first matching position is found as
    ``BIG − SUMPRODUCT(MAX(match × (BIG − position)))``: ``SUMPRODUCT`` evaluates its
    argument as an array in Excel and LibreOffice alike, without Ctrl+Shift+Enter.
    """
    names = col(rules, rules.columns[0].key)
    hit = "*".join(f"({c})" for c in conditions)
    position = f"(ROW({names})-ROW(INDEX({names},1))+1)"
    first = f"1000000-SUMPRODUCT(MAX({hit}*(1000000-{position})))"
    return f"IF(SUMPRODUCT({hit}*1)=0,{default},INDEX({col(rules, result_key)},{first}))"
