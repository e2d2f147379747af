"""Validate raw data into a model and locate every failure (pydantic ``loc`` → cell)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from xl_engage.issues import Issue, Problem
from xl_engage.models.base import share_fields_sets
from xl_engage.tabular import Loc

M = TypeVar("M", bound=BaseModel)


HUGE = Decimal("1e15")
"""Beyond this a number is shown as 1e+308, not as its three hundred digits."""


def _show(value: Any) -> str:
    finite = isinstance(value, (Decimal, float)) and value == value and abs(value) != float("inf")
    if finite and abs(Decimal(value)) >= HUGE:
        return format(float(value), ".6g")
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral() and value.adjusted() < 28:
            return format(value.normalize(), "f")
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        return repr(value)
    return str(value)


def _exact(value: Any) -> str:
    if isinstance(value, (Decimal, float)) and value == value and abs(value) != float("inf"):
        return format(Decimal(value).normalize(), "f")
    return str(value)


def explain(error: Mapping[str, Any]) -> str:
    """A pydantic error as a user reads it: 'must be ≥ 0, got -120'."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    got = error.get("input")
    if kind == "missing":
        return "is required"
    bounds = {
        "greater_than_equal": ("≥", "ge"),
        "less_than_equal": ("≤", "le"),
        "greater_than": (">", "gt"),
        "less_than": ("<", "lt"),
    }
    if kind in bounds:
        sign, key = bounds[kind]
        limit, shown = _show(ctx.get(key)), _show(got)
        if limit == shown:  # both shortened alike (1e+18 against 1e+18): said in full
            limit, shown = _exact(ctx.get(key)), _exact(got)
        return f"must be {sign} {limit}, got {shown}"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}, got {_show(got)}"
    if kind == "extra_forbidden":
        return "is not a known field"
    msg = str(error.get("msg", "is invalid"))
    return msg.removeprefix("Value error, ").removeprefix("Assertion failed, ")


def locate(loc: Loc, where: Mapping[Loc, str], fallback: str) -> str:
    """The cell of ``loc``, or of its nearest located parent."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in where:
            return where[loc[:n]]
    return fallback


def validate(
    model_type: type[M],
    data: Mapping[str, Any],
    where: Mapping[Loc, str],
    labels: Mapping[Loc, str],
    fallback: str,
    known: Iterable[Issue] = (),
    suppressed: Callable[[Loc], bool] = lambda loc: False,
) -> tuple[M | None, list[Issue]]:
    """Build ``model_type`` from ``data``; map each failure to its cell, once."""
    issues: list[Issue] = []
    taken = {i.where for i in known}
    try:
        model = model_type.model_validate(dict(data))
        share_fields_sets(model)
        return model, issues
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            if suppressed(loc):
                continue
            cell = locate(loc, where, fallback)
            if cell in taken and loc in where:
                continue
            label = labels.get(loc) or (str(loc[-1]).replace("_", " ").capitalize() if loc else "")
            message = f"{label} {explain(err)}".strip() if label else explain(err)
            issues.append(Issue(cell, message))
            taken.add(cell)
        return None, issues


def locate_problems(problems: Iterable[Problem], where: Mapping[Loc, str], fallback: str) -> list[Issue]:
    """Rule violations found by a kind's checks, put at their cells."""
    return [Issue(locate(p.loc, where, fallback), p.message, p.severity) for p in problems]
