"""xl_engage's Excel functions: xlwings adapters over :mod:`xl_engage.functions`.

Excel loads this module through the xlwings add-in ("UDF Modules" = ``xle_udfs``, then
"Import Functions"); see ``udfs/README.md``. Each adapter is one line calling the pure
library, which accepts what Excel passes and returns a value or an ``#XLE!`` message.

Classic xlwings UDFs run only in desktop Excel on Windows. Elsewhere ``import xlwings``
works but the decorators return the function unchanged and leave no trace, so the exported
set, the argument names and the help text are also kept here, explicitly, in
:data:`REGISTRY` and :data:`SIGNATURES`, for tests and tooling.

Notes for whoever edits this file (each comes from how xlwings 0.37 builds the functions):

- the Excel name is the Python function's name, so adapters are named in capitals;
- a type hint on an argument becomes its xlwings converter: use ``Any`` (a union such as
  ``float | None`` is not a converter and breaks the call in Excel);
- the docstring (≤ 255 characters) is the function's description in Excel's Insert
  Function dialog, and each ``doc=`` (≤ 255 characters) an argument's;
- ``err_to_str=True`` hands an error cell over as its text (``"#N/A"``), so the library
  refuses it by name instead of seeing a blank and using the default;
- ``ndim=2`` hands a range over as a 2-D list, even a single cell or a constant.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import xlwings as xw

from xl_engage import functions as F

CATEGORY = "xl_engage"


def _doc(function: Callable[..., Any], arg: str) -> str:
    """An argument's help text, as the library documents it."""
    return F.HELP[function.__name__].args[arg]


def _udf(library: Callable[..., Any], ranges: tuple[str, ...] = ()) -> Callable[[Any], Any]:
    """Declare an adapter to xlwings: every argument with the library's help text, error
    cells handed over as text, the ``ranges`` as 2-D lists; then the function itself.

    Applies the same ``xw.arg``/``xw.func`` calls a stack of decorators would, last
    argument first, so one line per adapter replaces a stack per argument.
    """

    def declare(adapter: Any) -> Any:
        for name in reversed(inspect.signature(adapter).parameters):
            extra = {"ndim": 2} if name in ranges else {}
            adapter = xw.arg(name, doc=_doc(library, name), err_to_str=True, **extra)(adapter)
        return xw.func(category=CATEGORY)(adapter)

    return declare


@_udf(F.vcio_price)
def VCIO_PRICE(msp_mrr: Any, ratio: Any = None) -> Any:
    """vCIO MRR by the 20 % rule: ratio × managed-services MRR, to the cent. =VCIO_PRICE(5000) → 1000."""
    return F.vcio_price(msp_mrr, ratio)


@_udf(F.vcio_package, ranges=("packages_range",))
def VCIO_PACKAGE(employees: Any, packages_range: Any = None, advisory_name: Any = None) -> Any:
    """Recommended vCIO package for a head count. =VCIO_PACKAGE(45) → "vCIO Professional"."""
    return F.vcio_package(employees, packages_range, advisory_name)


@_udf(
    F.vcio_cycle_mrr,
    ranges=(
        "hours_range",
        "cycles_range",
    ),
)
def VCIO_CYCLE_MRR(hours_range: Any, cycles_range: Any, rate: Any = None) -> Any:
    """Cycle-based vCIO MRR: Σ hours × occurrences a year × rate / 12, to the cent (10 h quarterly → 500)."""
    return F.vcio_cycle_mrr(hours_range, cycles_range, rate)


@_udf(F.vcio_hours)
def VCIO_HOURS(mrr: Any, rate: Any = None) -> Any:
    """Yearly vCIO hours an MRR pays for: MRR × 12 / rate. =VCIO_HOURS(1000) → 60."""
    return F.vcio_hours(mrr, rate)


@_udf(F.am_roi)
def AM_ROI(
    clients: Any,
    adoption: Any,
    added_project_revenue: Any,
    added_mrr: Any,
    added_services_mrr: Any,
    hours_per_account: Any = None,
    rate: Any = None,
    tool_cost_month: Any = None,
) -> Any:
    """ROI multiple of account management, one segment bearing the tool: added revenue / (labour + tool)."""
    return F.am_roi(
        clients,
        adoption,
        added_project_revenue,
        added_mrr,
        added_services_mrr,
        hours_per_account,
        rate,
        tool_cost_month,
    )


@_udf(F.price_from_markup)
def PRICE_FROM_MARKUP(cost: Any, markup: Any) -> Any:
    """Price with a markup on cost: cost × (1 + markup), to the cent. =PRICE_FROM_MARKUP(3000, 0.3) → 3900."""
    return F.price_from_markup(cost, markup)


@_udf(F.price_from_margin)
def PRICE_FROM_MARGIN(cost: Any, margin: Any) -> Any:
    """Price with a gross margin: cost / (1 − margin), to the cent. =PRICE_FROM_MARGIN(3000,0.3) → 4285.71."""
    return F.price_from_margin(cost, margin)


@_udf(F.lifecycle_replace_date)
def LIFECYCLE_REPLACE_DATE(purchase_date: Any, asset_type: Any, warranty_end: Any = None) -> Any:
    """Replacement date (purchase + life, or warranty end) as a serial number: format the cell as a date."""
    return F.lifecycle_replace_date(purchase_date, asset_type, warranty_end)


@_udf(F.lifecycle_status)
def LIFECYCLE_STATUS(replace_date: Any, as_of: Any = None) -> Any:
    """Replacement status as of a date (blank = today): Overdue, Due ≤ 90/180/365 days, or OK."""
    return F.lifecycle_status(replace_date, as_of)


@_udf(F.budget_recurring)
def BUDGET_RECURRING(amount: Any, start: Any, month: Any, increase: Any = None) -> Any:
    """Amount due in a month for a recurring cost raised by increase on each anniversary; 0 before start."""
    return F.budget_recurring(amount, start, month, increase)


@_udf(F.raci_check, ranges=("row_range",))
def RACI_CHECK(row_range: Any) -> Any:
    """One area's RACI rule: "OK", or "No accountable", "Several accountable (n)", "No responsible"."""
    return F.raci_check(row_range)


@_udf(F.raci_load, ranges=("matrix_range",))
def RACI_LOAD(matrix_range: Any, party: Any, codes: Any = None) -> Any:
    """Areas where a party (a header of the matrix) holds one of the codes; blank = "A,R", A/R once."""
    return F.raci_load(matrix_range, party, codes)


@_udf(F.meeting_cadence)
def MEETING_CADENCE(mrr: Any, users: Any, complexity: Any, part: Any = None) -> Any:
    """A client's meeting cadence, first matching rule. =MEETING_CADENCE(1500,12,8,"meetings") → 6."""
    return F.meeting_cadence(mrr, users, complexity, part)


@_udf(F.playbook_weekly_rate)
def PLAYBOOK_WEEKLY_RATE(objective: Any, done: Any, weeks_left: Any) -> Any:
    """Left to do per week: (objective − done) / weeks left. =PLAYBOOK_WEEKLY_RATE(520,100,42) → 10."""
    return F.playbook_weekly_rate(objective, done, weeks_left)


@_udf(F.vcio_capacity)
def VCIO_CAPACITY(clients: Any, mrr: Any) -> Any:
    """A vCIO's load against capacity (40 clients, $120,000). =VCIO_CAPACITY(46,140000) → "Over capacity"."""
    return F.vcio_capacity(clients, mrr)


@_udf(F.variance)
def VARIANCE(actual: Any, budget: Any) -> Any:
    """Actual − budget: positive is over budget. =VARIANCE(1200, 1000) → 200."""
    return F.variance(actual, budget)


@_udf(F.variance_pct)
def VARIANCE_PCT(actual: Any, budget: Any) -> Any:
    """(Actual − budget) / budget; empty when the budget is 0. =VARIANCE_PCT(1200, 1000) → 0.2."""
    return F.variance_pct(actual, budget)


@_udf(F.variance_flag)
def VARIANCE_FLAG(actual: Any, budget: Any, abs_tol: Any = None, pct_tol: Any = None) -> Any:
    """Green within a tolerance, Red over, Amber under budget. =VARIANCE_FLAG(11600, 10000) → "Red"."""
    return F.variance_flag(actual, budget, abs_tol, pct_tol)


REGISTRY: dict[str, Callable[..., Any]] = {
    "VCIO_PRICE": VCIO_PRICE,
    "VCIO_PACKAGE": VCIO_PACKAGE,
    "VCIO_CYCLE_MRR": VCIO_CYCLE_MRR,
    "VCIO_HOURS": VCIO_HOURS,
    "AM_ROI": AM_ROI,
    "PRICE_FROM_MARKUP": PRICE_FROM_MARKUP,
    "PRICE_FROM_MARGIN": PRICE_FROM_MARGIN,
    "LIFECYCLE_REPLACE_DATE": LIFECYCLE_REPLACE_DATE,
    "LIFECYCLE_STATUS": LIFECYCLE_STATUS,
    "BUDGET_RECURRING": BUDGET_RECURRING,
    "RACI_CHECK": RACI_CHECK,
    "RACI_LOAD": RACI_LOAD,
    "MEETING_CADENCE": MEETING_CADENCE,
    "PLAYBOOK_WEEKLY_RATE": PLAYBOOK_WEEKLY_RATE,
    "VCIO_CAPACITY": VCIO_CAPACITY,
    "VARIANCE": VARIANCE,
    "VARIANCE_PCT": VARIANCE_PCT,
    "VARIANCE_FLAG": VARIANCE_FLAG,
}
"""Every exported Excel function: Excel name → adapter."""

LIBRARY: dict[str, Callable[..., F.ExcelValue]] = {
    "VCIO_PRICE": F.vcio_price,
    "VCIO_PACKAGE": F.vcio_package,
    "VCIO_CYCLE_MRR": F.vcio_cycle_mrr,
    "VCIO_HOURS": F.vcio_hours,
    "AM_ROI": F.am_roi,
    "PRICE_FROM_MARKUP": F.price_from_markup,
    "PRICE_FROM_MARGIN": F.price_from_margin,
    "LIFECYCLE_REPLACE_DATE": F.lifecycle_replace_date,
    "LIFECYCLE_STATUS": F.lifecycle_status,
    "BUDGET_RECURRING": F.budget_recurring,
    "RACI_CHECK": F.raci_check,
    "RACI_LOAD": F.raci_load,
    "MEETING_CADENCE": F.meeting_cadence,
    "PLAYBOOK_WEEKLY_RATE": F.playbook_weekly_rate,
    "VCIO_CAPACITY": F.vcio_capacity,
    "VARIANCE": F.variance,
    "VARIANCE_PCT": F.variance_pct,
    "VARIANCE_FLAG": F.variance_flag,
}
"""The library function behind each Excel function."""

RANGE_ARGS: dict[str, tuple[str, ...]] = {
    "VCIO_PACKAGE": ("packages_range",),
    "VCIO_CYCLE_MRR": ("hours_range", "cycles_range"),
    "RACI_CHECK": ("row_range",),
    "RACI_LOAD": ("matrix_range",),
}
"""Arguments received as 2-D lists (``ndim=2``)."""


@dataclass(frozen=True)
class UdfSignature:
    """What Excel shows for one function: its description and its arguments' help."""

    name: str
    description: str
    args: tuple[str, ...]
    optional: tuple[str, ...]
    arg_help: dict[str, str]
    ranges: tuple[str, ...]


def _signature(name: str, adapter: Callable[..., Any]) -> UdfSignature:
    params = inspect.signature(adapter).parameters
    library = LIBRARY[name].__name__
    return UdfSignature(
        name=name,
        description=inspect.getdoc(adapter) or "",
        args=tuple(params),
        optional=tuple(a for a, p in params.items() if p.default is not inspect.Parameter.empty),
        arg_help={a: F.HELP[library].args[a] for a in params},
        ranges=RANGE_ARGS.get(name, ()),
    )


SIGNATURES: dict[str, UdfSignature] = {name: _signature(name, fn) for name, fn in REGISTRY.items()}
"""Excel name → description, argument names and per-argument help, as Excel shows them."""
