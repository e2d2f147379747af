"""Formulas reach a named cell through its spec (issue 16, part 1): ``f"{PLANNING_RATE}*12"``,
never the text ``PlanningRate``. A spec renamed or removed is then a Python error where the
formula is written (at import), and the name lives in one place.

The check reads every kind module's source: no text in it names a named cell of that kind,
except the spec that defines it. (The renderer's names check still refuses, at build time,
a formula naming what the workbook lacks.)
"""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from xl_engage.kinds import all_kinds
from xl_engage.layout import CellSpec

KINDS = Path(__file__).resolve().parent.parent / "xl_engage" / "kinds"


def _named_cells(module: object) -> set[str]:
    found: set[str] = set()
    for value in vars(module).values():
        values = value if isinstance(value, tuple) else (value,)
        found |= {v.name for v in values if isinstance(v, CellSpec)}
    return found


_TEXT_ARGUMENTS = {"CellSpec": 4, "_total": 4, "Column": 3, "TableSpec": 3, "GridColumn": 1, "Title": 2}
"""Calls whose first positional arguments are names, labels, keys or headers (text, not a
formula): how many of them. ``_total``'s fifth and GridColumn's second are formulas."""
_TEXT_KEYWORDS = {"help", "title", "label", "header", "key"}


def _texts(tree: ast.AST) -> set[int]:
    ids: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):  # column keys of with_formulas(…) and of rows
            ids |= {id(k) for k in node.keys if k is not None}
        if not isinstance(node, ast.Call):
            continue
        callee = node.func.id if isinstance(node.func, ast.Name) else ""
        ids |= {id(a) for a in node.args[: _TEXT_ARGUMENTS.get(callee, 0)]}
        if callee in ("this", "col", "lookup", "first_match"):  # a table's column keys
            ids |= {id(a) for a in node.args if isinstance(a, ast.Constant) and str(a.value).islower()}
        ids |= {id(k.value) for k in node.keywords if k.arg in _TEXT_KEYWORDS}
    return ids


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.name)
def test_no_formula_names_a_named_cell_by_its_text(kind: object) -> None:
    module = importlib.import_module(kind.build.__module__)  # type: ignore[attr-defined]
    names = _named_cells(module)
    assert names, "a kind with no named cells?"
    path = Path(module.__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    texts = _texts(tree)
    alternatives = "|".join(sorted(names, key=len, reverse=True))
    # in a formula a name touches an operator or a bracket ("*PlanningRate", "(AsOf)"), or is
    # the whole string (is_yes("OwnerDoesAm")); Excel's names ignore case
    in_formula = re.compile(
        rf"(?<=[(*+\-/<>=,&^])({alternatives})(?![\w(])|(?<![\w.])({alternatives})(?=[)*+\-/<>=,&^])",
        re.IGNORECASE,
    )
    lowered = {n.casefold() for n in names}
    bare = [
        f"{path.name}:{node.lineno}: {node.value!r}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in texts
        and (in_formula.search(node.value) or node.value.strip().casefold() in lowered)
    ]
    assert bare == [], "formulas name these cells by text; use the spec:\n" + "\n".join(bare)


def test_a_spec_is_the_name_in_a_formula() -> None:
    rate = CellSpec("PlanningRate", "Planning rate", "settings.planning_rate", "money")
    assert f"{rate}*12" == "PlanningRate*12"
    assert str(rate) == "PlanningRate"
