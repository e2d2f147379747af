"""The Excel functions as named LAMBDAs (issue 17): each body is proven equal to its Python
twin by a real engine, and each definition is a well-formed LAMBDA in the stored form.

LibreOffice has no LAMBDA (nor ISOMITTED), so each body is evaluated as a plain formula with
its arguments put in (``NamedLambda.put_in``: a parameter becomes the cell holding the
argument; ISOMITTED becomes TRUE() or FALSE()). The arguments are a hypothesis-generated
table plus hand-picked edges (half cents, a zero budget, blank and omitted arguments, out
of range values); the value LibreOffice computes must be the twin's, an error where the
twin refuses.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.formula.tokenizer import Token, Tokenizer

from tests.conftest import record_lo_cells
from xl_engage import functions as F
from xl_engage.formula_names import EXCEL_2016_AND_LIBREOFFICE
from xl_engage.lambdas import NamedLambda, named_lambdas
from xl_engage.recalc import recalculate

LAMBDAS = {f.name: f for f in named_lambdas()}
OMIT = object()
"""An argument left out of the call (``=VCIO_PRICE(5000)``), as opposed to a blank cell."""
REQUIRED_NAMES = {
    "VCIO_PRICE",
    "VCIO_HOURS",
    "PRICE_FROM_MARKUP",
    "PRICE_FROM_MARGIN",
    "VARIANCE",
    "VARIANCE_PCT",
    "VARIANCE_FLAG",
    "PLAYBOOK_WEEKLY_RATE",
    "VCIO_CAPACITY",
    "BUDGET_RECURRING",
}


def _money(low: str = "-50", high: str = "1000000") -> st.SearchStrategy[float]:
    return st.decimals(Decimal(low), Decimal(high), places=2).map(float)


def _share(low: str = "-0.1", high: str = "1.1") -> st.SearchStrategy[float]:
    return st.decimals(Decimal(low), Decimal(high), places=4).map(float)


def _optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.just(OMIT), st.none(), values, values)


ARGUMENTS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "VCIO_PRICE": {"msp_mrr": _money(), "ratio": _optional(_share())},
    "VCIO_HOURS": {"mrr": _money(), "rate": _optional(_money("-5", "500"))},
    "PRICE_FROM_MARKUP": {"cost": _money(), "markup": _share("-0.1", "3")},
    "PRICE_FROM_MARGIN": {"cost": _money(), "margin": _share("-0.1", "1.05")},
    "VARIANCE": {"actual": _money("-5000"), "budget": _money("-5000")},
    "VARIANCE_PCT": {"actual": _money("-5000"), "budget": st.one_of(st.just(0.0), _money("-5000"))},
    "VARIANCE_FLAG": {
        "actual": _money("0", "20000"),
        "budget": st.one_of(st.just(0.0), _money("0", "20000")),
        "abs_tol": _optional(_money("-10", "2000")),
        "pct_tol": _optional(_share("-0.05", "0.5")),
    },
    "PLAYBOOK_WEEKLY_RATE": {
        "objective": st.integers(-5, 2000).map(float),
        "done": st.one_of(st.none(), st.integers(-5, 2000).map(float)),
        "weeks_left": st.decimals(Decimal("-1"), Decimal("52"), places=1).map(float),
    },
    "VCIO_CAPACITY": {
        "clients": st.one_of(st.integers(-2, 90).map(float), st.just(40.5)),
        "mrr": _money("-100", "250000"),
    },
    "BUDGET_RECURRING": {
        "amount": _money("-10", "50000"),
        "start": st.integers(44000, 50000).map(float),  # serial numbers: 2020 to 2036
        "month": st.integers(44000, 52000).map(float),
        "increase": _optional(_share("-0.05", "1.05")),
    },
}

EDGES: dict[str, list[dict[str, Any]]] = {
    "VCIO_PRICE": [
        {"msp_mrr": 5000.0, "ratio": OMIT},  # the README's example: 1000
        {"msp_mrr": 5000.0, "ratio": None},  # a blank ratio cell: the default too
        {"msp_mrr": 10.25, "ratio": 0.2},  # 2.05, which binary arithmetic makes 2.0500000000000003
        {"msp_mrr": 0.05, "ratio": 0.5},  # 0.025: half a cent, away from zero
        {"msp_mrr": -1.0, "ratio": OMIT},
        {"msp_mrr": None, "ratio": 0.2},
        {"msp_mrr": 100.0, "ratio": 1.5},
        {"msp_mrr": True, "ratio": OMIT},  # a logical value: refused, not taken as 1
        {"msp_mrr": "5000", "ratio": OMIT},  # a number typed as text
        {"msp_mrr": "abc", "ratio": OMIT},
        {"msp_mrr": 5000.0, "ratio": "   "},  # spaces alone: blank, the default
        {"msp_mrr": "-5", "ratio": OMIT},  # negative as text: still below 0
        {"msp_mrr": 5000.0, "ratio": "\t"},  # a tab, a line end, a no-break space alone: blank
        {"msp_mrr": 5000.0, "ratio": "\n "},
        {"msp_mrr": 5000.0, "ratio": "\u00a0"},
    ],
    "PRICE_FROM_MARGIN": [
        {"cost": 3000.0, "margin": 0.3},  # 4285.71
        {"cost": 3000.0, "margin": 1.0},
        {"cost": 0.0, "margin": 0.0},
    ],
    "PRICE_FROM_MARKUP": [{"cost": 1.15, "markup": 0.3}, {"cost": 3000.0, "markup": 0.3}],
    "VARIANCE_PCT": [
        {"actual": 1200.0, "budget": 0.0},
        {"actual": 0.0, "budget": 0.0},
        {"actual": "abc", "budget": 0.0},  # refused even where the budget alone decides the result
        {"actual": True, "budget": 0.0},
    ],
    "VARIANCE": [{"actual": True, "budget": 0.0}, {"actual": "1200", "budget": 1000.0}],
    "VARIANCE_FLAG": [
        {"actual": 10500.1, "budget": 10000.1, "abs_tol": OMIT, "pct_tol": OMIT},  # exactly 500: Green
        {"actual": 10500.11, "budget": 10000.1, "abs_tol": OMIT, "pct_tol": 0.0},  # 500.01: Red
        {"actual": 1100.01, "budget": 1000.01, "abs_tol": 0.0, "pct_tol": 0.1},  # 100.00 ≤ 100.001
        {"actual": 11600.0, "budget": 10000.0, "abs_tol": None, "pct_tol": None},  # Red
        {"actual": 0.0, "budget": 0.0, "abs_tol": 0.0, "pct_tol": 0.0},  # Green
        {"actual": 0.0, "budget": 9000.0, "abs_tol": OMIT, "pct_tol": OMIT},  # Amber
        {"actual": 11600.0, "budget": 10000.0, "abs_tol": "100", "pct_tol": OMIT},  # text tolerance: Red
        {"actual": 100.0, "budget": 10000.0, "abs_tol": "100", "pct_tol": 0.0},  # Amber
        {"actual": 100.0, "budget": 100.0, "abs_tol": True, "pct_tol": OMIT},
    ],
    "PLAYBOOK_WEEKLY_RATE": [
        {"objective": 520.0, "done": 100.0, "weeks_left": 42.0},
        {"objective": 520.0, "done": None, "weeks_left": 42.0},
        {"objective": 100.0, "done": 520.0, "weeks_left": 42.0},
        {"objective": 520.0, "done": 1.0, "weeks_left": 0.0},
        {"objective": 520.0, "done": "  ", "weeks_left": 42.0},  # spaces alone: none done
    ],
    "VCIO_CAPACITY": [
        {"clients": 46.0, "mrr": 140000.0},
        {"clients": 44.0, "mrr": 132000.0},  # exactly at the tolerance: OK
        {"clients": 35.0, "mrr": 100000.0},
        {"clients": 36.0, "mrr": 1.0},
        {"clients": True, "mrr": 0.0},
        {"clients": 40.5, "mrr": 1.0},  # not a whole number
    ],
    "BUDGET_RECURRING": [
        {
            "amount": 500.0,
            "start": 46296.0,
            "month": 46661.0,
            "increase": 0.05,
        },  # 2026-10-01, 2027-10-01: 525
        {"amount": 500.0, "start": 46296.0, "month": 46660.0, "increase": 0.05},  # 2027-09-30: 500
        {"amount": 500.0, "start": 46296.0, "month": 46295.0, "increase": 0.05},  # 2026-09-30: 0
        {"amount": 500.0, "start": 46310.0, "month": 46296.0, "increase": OMIT},  # same month, earlier day
        {"amount": 100.1, "start": 46296.0, "month": 47392.0, "increase": 0.05},  # three anniversaries
        {"amount": 500.0, "start": True, "month": 400.0, "increase": 0.05},
        {"amount": 500.0, "start": 10.0, "month": 46661.0, "increase": 0.05},  # before 1900-03-01
        {"amount": 500.0, "start": 46296.0, "month": 46661.0, "increase": " "},
    ],
}


def _twin(function: NamedLambda) -> Callable[..., Any]:
    return getattr(F, function.twin)  # type: ignore[no-any-return]


def _python(function: NamedLambda, row: dict[str, Any]) -> Any:
    given = {name: value for name, value in row.items() if value is not OMIT}
    return _twin(function)(**given)


def _agrees(python: Any, engine: Any) -> bool:
    if isinstance(python, str) and python.startswith(F.ERROR_PREFIX):
        return isinstance(engine, str) and engine.startswith("#")  # an error where the twin refuses
    if python == "":
        return engine in ("", None)
    if isinstance(python, str):
        return engine == python
    return isinstance(engine, int | float) and math.isclose(engine, python, rel_tol=1e-12, abs_tol=1e-9)


# --- the LAMBDA wrapper, checked by a formula parser (no engine needed) ------------------------


@pytest.mark.parametrize("function", LAMBDAS.values(), ids=list(LAMBDAS))
def test_each_definition_is_a_well_formed_lambda_of_its_twin_s_parameters(function: NamedLambda) -> None:
    tokens = Tokenizer("=" + function.definition).items  # raises on unbalanced parentheses or strings
    assert (
        tokens[0].type == Token.FUNC
        and tokens[0].subtype == Token.OPEN
        and tokens[0].value == "_xlfn.LAMBDA("
    )
    assert tokens[-1].type == Token.FUNC and tokens[-1].subtype == Token.CLOSE
    depth = 0
    for token in tokens:  # the LAMBDA closes with the last token, not before
        if token.type in (Token.FUNC, Token.PAREN):
            depth += 1 if token.subtype == Token.OPEN else -1
        assert depth > 0 or token is tokens[-1]
    twin = F.HELP[function.twin]
    params = list(twin.args)
    declared = [t.value for t in tokens[1 : 2 * len(params)] if t.type == Token.OPERAND]
    assert declared == [("_xlop." if p in twin.defaults else "_xlpm.") + p for p in params]
    body = tokens[2 * len(params) :]  # after the declarations (each an operand and a separator)
    used = {t.value for t in body if t.type == Token.OPERAND and t.value.startswith("_xl")}
    assert used <= {f"_xlpm.{p}" for p in params} | {f"_xlop.{p}" for p in params}, "an undeclared parameter"
    assert used == {f"_xlpm.{p}" for p in params}, "a parameter never used, or used by its declared form"
    called = {t.value.rstrip("(") for t in tokens if t.type == Token.FUNC and t.subtype == Token.OPEN}
    # besides the common functions: LAMBDA and ISOMITTED (365), UNICHAR (2013), stored prefixed
    assert called - {"_xlfn.LAMBDA", "_xlfn.ISOMITTED", "_xlfn.UNICHAR", ""} <= EXCEL_2016_AND_LIBREOFFICE
    assert "_xl" not in function.typed
    declared_typed = ",".join(f"[{p}]" if p in twin.defaults else p for p in params)
    assert function.typed.startswith(f"=LAMBDA({declared_typed},")


def test_the_functions_of_the_issue_are_all_there_with_their_optional_arguments() -> None:
    assert set(LAMBDAS) >= REQUIRED_NAMES
    assert LAMBDAS["VCIO_PRICE"].signature == "VCIO_PRICE(msp_mrr, [ratio])"
    assert LAMBDAS["VARIANCE_FLAG"].signature == "VARIANCE_FLAG(actual, budget, [abs_tol], [pct_tol])"
    assert LAMBDAS["BUDGET_RECURRING"].definition.startswith(
        "_xlfn.LAMBDA(_xlpm.amount,_xlpm.start,_xlpm.month,_xlop.increase,"
    )


def test_defaults_come_from_the_firm_s_templates(tmp_path: Path) -> None:
    from xl_engage.templates import DEFAULT_TEMPLATES

    for file in DEFAULT_TEMPLATES.glob("*.toml"):
        (tmp_path / file.name).write_bytes(file.read_bytes())
    reconcile = tmp_path / "reconcile.toml"
    reconcile.write_text(reconcile.read_text().replace("tolerance_amount = 500", "tolerance_amount = 750"))
    assert "750" in reconcile.read_text()
    firm = {f.name: f for f in named_lambdas(tmp_path)}
    assert "_xlfn.ISOMITTED(_xlpm.abs_tol),750," in firm["VARIANCE_FLAG"].definition
    assert "_xlfn.ISOMITTED(_xlpm.abs_tol),500," in LAMBDAS["VARIANCE_FLAG"].definition


# --- the bodies, proven by LibreOffice against the Python twins ------------------------------


EXAMPLES = 200
"""Hypothesis examples drawn: one row of arguments per function each."""


def _drawn() -> dict[str, list[dict[str, Any]]]:
    """A table of arguments per function, drawn by hypothesis over ``EXAMPLES`` examples
    (the first examples are the simplest, zeros; the later ones search the ranges and their
    boundaries), collected first so that LibreOffice runs once for all of them."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in ARGUMENTS}

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({name: st.fixed_dictionaries(args) for name, args in ARGUMENTS.items()}))
    def collect(example: dict[str, dict[str, Any]]) -> None:
        for name, row in example.items():
            rows[name].append(row)

    collect()
    return rows


@pytest.mark.libreoffice
def test_each_body_computes_what_its_python_twin_computes(tmp_path_factory: pytest.TempPathFactory) -> None:
    tables = _drawn()
    assert all(len({repr(r) for r in rows}) >= 30 for rows in tables.values())  # not all alike
    folder = tmp_path_factory.mktemp("lambdas")
    path = folder / "bodies.xlsx"
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    expected: dict[str, list[tuple[dict[str, Any], Any]]] = {}
    for name, function in LAMBDAS.items():
        ws = wb.add_worksheet(name[:31])
        rows = EDGES.get(name, []) + tables[name]
        expected[name] = []
        for r, row in enumerate(rows):
            cells: dict[str, str | None] = {}
            for c, param in enumerate(function.params):
                value = row[param]
                if value is OMIT:
                    cells[param] = None
                    continue
                if isinstance(value, bool):
                    ws.write_boolean(r, c, value)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                elif value is not None:
                    ws.write_number(r, c, value)
                cells[param] = xlsxwriter.utility.xl_rowcol_to_cell(r, c)
            result = _python(function, row)
            ws.write_formula(r, len(function.params), "=" + function.put_in(cells), None, "")
            expected[name].append((row, result))
    wb.close()
    (out,) = recalculate([path], folder / "lo")
    book = openpyxl.load_workbook(out, data_only=True)
    checked, wrong = 0, []
    for name, function in LAMBDAS.items():
        ws = book[name[:31]]
        for r, (row, result) in enumerate(expected[name]):
            engine = ws.cell(r + 1, len(function.params) + 1).value
            checked += 1
            if not _agrees(result, engine):
                shown = {k: ("omitted" if v is OMIT else v) for k, v in row.items()}
                wrong.append(f"{name}{shown}: Python {result!r}, LibreOffice {engine!r}")
    assert wrong == [], "\n".join(wrong[:30])
    assert checked >= 10 * EXAMPLES
    record_lo_cells("named LAMBDA bodies against their Python twins", checked)


# --- every workbook carries them -----------------------------------------------------------


def test_every_generated_workbook_defines_the_functions(tmp_path: Path) -> None:
    from xl_engage.build import write_workbook
    from xl_engage.kinds import all_kinds

    for kind in all_kinds():
        assert kind.samples is not None
        name, model = next(iter(kind.samples(None)))
        path = write_workbook(kind.name, model, tmp_path / name)
        names = openpyxl.load_workbook(path).defined_names
        for function in LAMBDAS.values():
            assert names[function.name].attr_text == function.definition, (kind.name, function.name)
        with zipfile.ZipFile(path) as zf:
            sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
            text = "".join(zf.read(n).decode() for n in sheets)
        assert not any(f"{f.name}(" in text for f in LAMBDAS.values()), "a product formula calls a LAMBDA"
