"""The function library behind the Excel functions (``=VCIO_PRICE(...)`` and friends).

Plain typed Python with Excel-friendly signatures and no Excel library: the xlwings adapters
in ``udfs/xle_udfs.py`` call these in one line each, and the same functions can later be
served through xlwings Lite or mirrored as native LAMBDA names.

What Excel hands a function, and what each one accepts:

- numbers as floats (``40.0`` for 40), numeric text (``"5000"``, ``"$1,250.50"``, ``"20%"``);
- ``None`` (or empty text) for a blank argument or cell: the argument's default, or an error
  if the argument is required;
- ranges as 2-D lists (``[[4.0], [2.0], [None]]``); blank cells in a range are skipped;
- dates as ``datetime``/``date``, Excel serial numbers (``46024.0`` is 2026-01-02) or text
  (``"2026-01-02"``, US ``"1/2/2026"``); a date result goes back as a serial number, shown
  as a date once the cell is formatted as one;
- logical values (``TRUE``/``FALSE``), dates and Excel error values (``#N/A``) are refused
  where a number is expected, with a message that says so.

Every function returns only ``str``, ``float``, ``int`` or ``bool`` — money is computed
exactly with :class:`~decimal.Decimal` and converted to ``float`` at the boundary — or, on
bad input, a readable error string starting with ``#XLE!``. They never raise: one decorator,
:func:`excel_function`, is the error boundary for all of them.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import inspect
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation, Overflow
from pathlib import Path
from typing import Any, Protocol, TypeAlias, TypeVar, cast

from xl_engage.calc.budget import contract_amount, policy_index, replacement_date, type_names
from xl_engage.calc.budget import status as _status
from xl_engage.calc.playbook import cadence as _cadence
from xl_engage.calc.playbook import capacity as _capacity
from xl_engage.calc.playbook import weekly_rate as _weekly_rate
from xl_engage.calc.pricing import annual_hours, monthly, recommend
from xl_engage.calc.pricing import vcio_hours as _vcio_hours
from xl_engage.calc.pricing import vcio_price as _vcio_price
from xl_engage.calc.raci import SEVERAL_A, accountable, area_status, responsible
from xl_engage.calc.reconcile import flag as _variance_flag
from xl_engage.calc.reconcile import variance as _variance
from xl_engage.calc.reconcile import variance_pct as _variance_pct
from xl_engage.calc.roi import segment_roi
from xl_engage.coerce import EXCEL_EPOCH, is_blank, show, to_date, to_int, to_number, to_text
from xl_engage.issues import XleError
from xl_engage.models.base import key
from xl_engage.models.budget import Asset, Contract, PolicyRow, ReplaceBasis
from xl_engage.models.playbook import CadenceRule, PlaybookSettings
from xl_engage.models.pricing import Package
from xl_engage.models.raci import CODES, Area, Code, normalise_code
from xl_engage.models.roi import RoiSettings, Segment
from xl_engage.money import round_money

__all__ = [
    "ERROR_PREFIX",
    "HELP",
    "ArgumentError",
    "ExcelInput",
    "ExcelValue",
    "FunctionHelp",
    "LifecycleDefaults",
    "PlaybookDefaults",
    "PricingDefaults",
    "am_roi",
    "budget_recurring",
    "excel_function",
    "lifecycle_defaults",
    "lifecycle_replace_date",
    "lifecycle_status",
    "meeting_cadence",
    "playbook_defaults",
    "playbook_weekly_rate",
    "price_from_margin",
    "price_from_markup",
    "pricing_defaults",
    "raci_check",
    "raci_load",
    "variance",
    "variance_defaults",
    "variance_flag",
    "variance_pct",
    "vcio_capacity",
    "vcio_cycle_mrr",
    "vcio_hours",
    "vcio_package",
    "vcio_price",
]

ERROR_PREFIX = "#XLE! "

Cell: TypeAlias = str | float | int | bool | Decimal | dt.date | dt.datetime | None
"""One cell as Excel (through xlwings) or a Python caller hands it over."""
ExcelInput: TypeAlias = Cell | Sequence[Cell] | Sequence[Sequence[Cell]]
"""A single value, or a range: a 1-D or 2-D list of cells."""
ExcelValue: TypeAlias = str | float | int | bool
"""What a function may return to a cell."""

# Excel's error values, as xlwings hands them over with ``err_to_str=True``.
EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)


class ArgumentError(XleError):
    """A bad argument; the message names the argument and what was wrong with it."""


# --- the error boundary ---------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionHelp:
    """Help for one function: a one-line summary and one line per argument."""

    name: str
    summary: str
    args: dict[str, str]
    defaults: dict[str, object] = field(default_factory=dict)


HELP: dict[str, FunctionHelp] = {}
"""Help text of every library function, by Python name, in definition order."""


def excel_function(**arg_help: str) -> Callable[[Callable[..., object]], Callable[..., ExcelValue]]:
    """Make ``fn`` safe to call from a cell, and record its help text.

    The wrapped function:

    - replaces a blank argument (``None`` or empty text) by the parameter's default;
    - turns an :class:`ArgumentError` into ``"#XLE! <message>"``, and any other failure into
      an ``#XLE!`` string too, so a cell never shows a traceback;
    - converts a :class:`~decimal.Decimal` result to ``float`` and refuses non-finite
      results, so only ``str``/``float``/``int``/``bool`` reach Excel.

    ``arg_help`` gives one line of help per parameter (all of them, no others); it is
    appended to the docstring and kept in :data:`HELP`.
    """

    def wrap(fn: Callable[..., object]) -> Callable[..., ExcelValue]:
        sig = inspect.signature(fn)
        if set(arg_help) != set(sig.parameters):
            raise TypeError(
                f"{fn.__name__}: help given for {sorted(arg_help)}, parameters are {list(sig.parameters)}"
            )
        defaults = {
            name: p.default for name, p in sig.parameters.items() if p.default is not inspect.Parameter.empty
        }
        summary = (inspect.getdoc(fn) or "").strip().splitlines()[0] if fn.__doc__ else ""
        if not summary:
            raise TypeError(f"{fn.__name__}: a docstring is required")

        @functools.wraps(fn)
        def boundary(*args: object, **kwargs: object) -> ExcelValue:
            try:
                bound = sig.bind(*args, **kwargs)
            except TypeError as exc:
                return f"{ERROR_PREFIX}{fn.__name__.upper()}: {exc}"
            for name, value in bound.arguments.items():
                if defaults.get(name) is not None and is_blank(value):
                    bound.arguments[name] = defaults[name]
            try:
                return _to_excel(fn(*bound.args, **bound.kwargs))
            except ArgumentError as exc:
                return f"{ERROR_PREFIX}{exc}"
            except (InvalidOperation, Overflow):  # beyond Decimal's 28 digits or its exponents
                return f"{ERROR_PREFIX}the numbers are too large to compute to the cent"
            except Exception as exc:  # the boundary: a cell must never show a traceback
                detail = " ".join(f"{type(exc).__name__}: {exc}".split())
                return f"{ERROR_PREFIX}unexpected error in {fn.__name__.upper()}: {detail}"

        lines = [f"    {name}: {text}" for name, text in arg_help.items()]
        boundary.__doc__ = f"{inspect.getdoc(fn)}\n\nArgs:\n" + "\n".join(lines)
        boundary.__annotations__ = {**fn.__annotations__, "return": "ExcelValue"}
        boundary.__signature__ = sig.replace(return_annotation="ExcelValue")  # type: ignore[attr-defined]
        HELP[fn.__name__] = FunctionHelp(fn.__name__, summary, dict(arg_help), defaults)
        return boundary

    return wrap


def _to_excel(value: object) -> ExcelValue:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ArgumentError("the result is too large for Excel")
    if isinstance(value, str | int | float):  # bool is an int
        return value
    raise TypeError(f"cannot hand {type(value).__name__} to Excel")  # pragma: no cover - a bug


# --- reading arguments ------------------------------------------------------------------------


def _cells(value: ExcelInput) -> list[Cell]:
    """A range (2-D or 1-D list) flattened row by row; a single value as a one-cell list."""
    if isinstance(value, list | tuple):
        out: list[Cell] = []
        for item in value:
            if isinstance(item, list | tuple):
                out.extend(item)
            else:
                out.append(cast(Cell, item))
        return out
    return [cast(Cell, value)]


def _single(name: str, value: ExcelInput) -> Cell:
    """One value; a one-cell range is unwrapped."""
    if isinstance(value, list | tuple):
        cells = _cells(value)
        if len(cells) != 1:
            raise ArgumentError(f"{name} takes a single value, got a range of {len(cells)} cells")
        return cells[0]
    return cast(Cell, value)


def _is_error_value(value: Cell) -> bool:
    return isinstance(value, str) and (
        value.strip() in EXCEL_ERRORS or value.startswith(ERROR_PREFIX.strip())
    )


def _number(name: str, value: ExcelInput) -> tuple[Decimal, Cell]:
    """An exact number and the raw value it came from (for messages)."""
    raw = _single(name, value)
    if is_blank(raw):
        raise ArgumentError(f"{name} is required")
    if isinstance(raw, bool):
        raise ArgumentError(f"{name} must be a number, got the logical value {'TRUE' if raw else 'FALSE'}")
    if _is_error_value(raw):
        raise ArgumentError(f"{name} is an error value: {to_text(raw)}")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ArgumentError(f"{name} must be a finite number, got {raw}")
    try:
        return to_number(raw.strip() if isinstance(raw, str) else raw), raw
    except ValueError as exc:
        raise ArgumentError(f"{name} {exc}") from None


def _at_least_zero(name: str, value: ExcelInput) -> Decimal:
    number, raw = _number(name, value)
    if number < 0:
        raise ArgumentError(f"{name} must be ≥ 0, got {show(raw)}")
    return number


def _above_zero(name: str, value: ExcelInput) -> Decimal:
    number, raw = _number(name, value)
    if number <= 0:
        raise ArgumentError(f"{name} must be > 0, got {show(raw)}")
    return number


def _fraction(name: str, value: ExcelInput) -> Decimal:
    number, raw = _number(name, value)
    if not 0 <= number <= 1:
        raise ArgumentError(f"{name} must be between 0 and 1 (20 % is 0.2 or 20%), got {show(raw)}")
    return number


def _count(name: str, value: ExcelInput) -> int:
    number, raw = _number(name, value)
    try:
        whole = to_int(number)
    except ValueError:
        raise ArgumentError(f"{name} must be a whole number, got {show(raw)}") from None
    if whole < 0:
        raise ArgumentError(f"{name} must be ≥ 0, got {show(raw)}")
    return whole


def _text(name: str, value: ExcelInput) -> str:
    raw = _single(name, value)
    if is_blank(raw):
        raise ArgumentError(f"{name} is required")
    if isinstance(raw, bool):
        raise ArgumentError(f"{name} must be text, got the logical value {'TRUE' if raw else 'FALSE'}")
    if isinstance(raw, dt.date):
        raise ArgumentError(f"{name} must be text, got the date {to_text(raw)}")
    if _is_error_value(raw):
        raise ArgumentError(f"{name} is an error value: {to_text(raw)}")
    text = to_text(raw)
    if len(text) > 255:
        raise ArgumentError(f"{name} must be at most 255 characters, got {len(text)}")
    return text


def _required(name: str, value: ExcelInput) -> ExcelInput:
    if value is None or (isinstance(value, str) and is_blank(value)):
        raise ArgumentError(f"{name} is required")
    return value


FIRST_EXCEL_DATE = dt.date(1900, 3, 1)
"""Serial 61. Before it Excel counts a 29 February 1900 that never was, so serials disagree."""
LAST_EXCEL_DATE = dt.date(9999, 12, 31)
"""Serial 2958465, the last date Excel shows."""


def _serial(day: dt.date) -> float:
    """A date as Excel's serial number (the cell shows it as a date once formatted as one)."""
    return float((day - EXCEL_EPOCH).days)


def _date(name: str, value: ExcelInput) -> dt.date:
    """A date from a date, a serial number (the time of day is dropped) or ISO/US text."""
    raw = _single(name, value)
    if is_blank(raw):
        raise ArgumentError(f"{name} is required")
    if isinstance(raw, bool):
        raise ArgumentError(f"{name} must be a date, got the logical value {'TRUE' if raw else 'FALSE'}")
    if _is_error_value(raw):
        raise ArgumentError(f"{name} is an error value: {to_text(raw)}")
    if isinstance(raw, Decimal | int | float):
        try:
            number = float(raw)
        except OverflowError:  # an int beyond any float
            number = math.inf
        if not _serial(FIRST_EXCEL_DATE) <= number < _serial(LAST_EXCEL_DATE) + 1:
            shown = show(raw) if math.isfinite(number) and abs(number) < 1e15 else f"{number:g}"
            raise ArgumentError(
                f"{name} must be a date or a date serial number from 61 (1900-03-01) to "
                f"2958465 (9999-12-31), got {shown}"
            )
        raw = number
    try:
        day = to_date(raw)
    except ValueError as exc:
        raise ArgumentError(f"{name} {exc}") from None
    if day < FIRST_EXCEL_DATE:
        raise ArgumentError(f"{name} must be on or after 1900-03-01 (Excel's serial 61), got {day}")
    return day


def _optional_date(name: str, value: ExcelInput) -> dt.date | None:
    """A date, or None for a blank cell."""
    raw = _single(name, value)
    return None if is_blank(raw) else _date(name, raw)


# --- the firm's defaults (templates/pricing.toml) ----------------------------------------------


@dataclass(frozen=True)
class PricingDefaults:
    """What the functions take from the pricing templates when an argument is left out."""

    packages: tuple[Package, ...]
    cycles: dict[str, int]  # by key(name): occurrences per year
    advisory_name: str
    source: str


BUILT_IN_DEFAULTS = PricingDefaults(
    packages=(
        Package(name="vCIO Light", min_employees=20),
        Package(name="vCIO Basic", min_employees=30),
        Package(name="vCIO Professional", min_employees=40),
        Package(name="vCIO Enterprise", min_employees=70),
    ),
    cycles={"annual": 1, "quarterly": 3, "monthly": 12, "weekly": 48},
    advisory_name="Client Advisory",
    source="built-in (mirrors the shipped templates/pricing.toml)",
)
"""Used only when the templates cannot be read (an add-in installed without them)."""


def _from_template(
    load: Callable[[], Any],
    convert: Callable[[Any, str], Any],
    built_in: Any,
    file: str,
    folder: Path | str | None = None,
) -> Any:
    """Defaults read from a template file (``$XL_ENGAGE_TEMPLATES`` honoured), or the
    built-in copy when the file is missing or invalid: a function in a cell must still work.
    A ``folder`` given outright (``--templates``) is the user's own: its errors are said,
    not replaced by built-in defaults."""
    from xl_engage.templates import template_path

    try:
        loaded = load()
    except (XleError, OSError, ValueError):
        if folder is not None:
            raise
        return built_in
    return convert(loaded, str(template_path(file, folder)))


@functools.lru_cache(maxsize=1)
def pricing_defaults() -> PricingDefaults:
    """Packages, cycles and the advisory name from the firm's ``pricing.toml``, read once.

    Honours ``$XL_ENGAGE_TEMPLATES``; falls back to :data:`BUILT_IN_DEFAULTS` if the file is
    missing or invalid. Call ``pricing_defaults.cache_clear()`` after editing the file.
    """
    from xl_engage.inputs.pricing import load_templates

    def convert(book: Any, source: str) -> PricingDefaults:
        return PricingDefaults(
            packages=book.packages,
            cycles={key(c.name): c.per_year for c in book.cycles},
            advisory_name=book.settings.advisory_name,
            source=source,
        )

    return _from_template(load_templates, convert, BUILT_IN_DEFAULTS, "pricing.toml")


# --- the firm's life-cycle policy (templates/lifecycle.toml) -----------------------------------


@dataclass(frozen=True)
class LifecycleDefaults:
    """The life-cycle policy the functions apply: each asset type's life span and basis."""

    policy: tuple[PolicyRow, ...]
    source: str


BUILT_IN_LIFECYCLE = LifecycleDefaults(
    policy=tuple(
        PolicyRow(asset_type=asset_type, life_years=life_years, basis=cast(ReplaceBasis, basis))
        for asset_type, life_years, basis in (
            ("Workstation", 4, "Purchase"),
            ("Laptop", 4, "Purchase"),
            ("Server", 5, "Warranty"),
            ("Storage", 5, "Purchase"),
            ("Switch", 7, "Purchase"),
            ("Firewall", 5, "Purchase"),
            ("Wireless AP", 5, "Purchase"),
            ("UPS battery", 3, "Purchase"),
            ("Printer", 5, "Purchase"),
        )
    ),
    source="built-in (mirrors the asset types, life spans and bases of templates/lifecycle.toml)",
)
"""Used only when the templates cannot be read (an add-in installed without them)."""


@functools.lru_cache(maxsize=1)
def lifecycle_defaults() -> LifecycleDefaults:
    """The asset types, life spans and bases of the firm's ``lifecycle.toml``, read once.

    Honours ``$XL_ENGAGE_TEMPLATES``; falls back to :data:`BUILT_IN_LIFECYCLE` if the file is
    missing or invalid. Call ``lifecycle_defaults.cache_clear()`` after editing the file.
    """
    from xl_engage.inputs.budget import load_policy

    return _from_template(
        load_policy,
        lambda policy, source: LifecycleDefaults(policy, source),
        BUILT_IN_LIFECYCLE,
        "lifecycle.toml",
    )


def _policy_row(asset_type: str) -> PolicyRow:
    """The policy row of an asset type, named case-insensitively as Excel compares text, or
    by one of the names exports use for it (the policy's aliases: "Windows Laptop")."""
    policy = lifecycle_defaults().policy
    resolved = type_names(policy).resolve(asset_type)
    row = policy_index(policy).get(key(resolved or asset_type))
    if row is None:
        names = ", ".join(r.asset_type for r in policy) or "no asset types"
        raise ArgumentError(f"unknown asset type {asset_type!r}; the policy has {names}")
    return row


def _packages(value: ExcelInput) -> tuple[Package, ...]:
    """Packages from a two-column range: name | minimum employees (a header row is skipped)."""
    shape = "packages_range must be a two-column range: package name | minimum employees"
    if not isinstance(value, list | tuple) or not all(isinstance(row, list | tuple) for row in value):
        raise ArgumentError(shape)
    out: list[Package] = []
    seen: dict[int, str] = {}
    for i, row in enumerate(value, start=1):
        if all(is_blank(c) for c in row):
            continue
        if len(row) < 2:
            raise ArgumentError(shape)
        name_cell, min_cell = row[0], row[1]
        if i == 1 and isinstance(min_cell, str) and not _looks_numeric(min_cell):
            continue  # a header row
        where = f"packages_range row {i}"
        name = _text(f"{where} (name)", name_cell)
        minimum = _count(f"{where} (minimum employees)", min_cell)
        if minimum in seen:
            raise ArgumentError(f"{where}: {name!r} and {seen[minimum]!r} both start at {minimum} employees")
        seen[minimum] = name
        out.append(Package(name=name, min_employees=minimum))
    if not out:
        raise ArgumentError(f"{shape}; it holds no packages")
    return tuple(out)


def _looks_numeric(text: str) -> bool:
    try:
        to_number(text.strip())
    except ValueError:
        return False
    return True


def _per_year(name: str, value: Cell, cycles: dict[str, int]) -> int:
    """Occurrences per year: a cycle name from the templates, or a whole number 0–366."""
    if isinstance(value, str) and key(value) in cycles:
        return cycles[key(value)]
    if isinstance(value, str) and not _looks_numeric(value) and not _is_error_value(value):
        names = ", ".join(cycles)
        raise ArgumentError(
            f"{name}: unknown cycle {value.strip()!r}; use {names} or a number of occurrences per year"
        )
    occurrences = _count(name, value)
    if occurrences > 366:
        raise ArgumentError(f"{name} must be at most 366 occurrences per year, got {show(value)}")
    return occurrences


# --- responsibility (RACI) codes ------------------------------------------------------------------

_CODE_CHOICES = f"{', '.join(CODES[:-1])} or {CODES[-1]}"
"""The valid codes as messages list them: "R, A, C, I or A/R"."""


def _raci_code(where: str, cell: Cell) -> Code:
    """One responsibility code, case-insensitive and forgiving spaces (``a / r`` is A/R)."""
    if _is_error_value(cell):
        raise ArgumentError(f"{where} holds an error value: {to_text(cell)}")
    code = normalise_code(cell)
    if code not in CODES:
        shown = repr(cell.strip()) if isinstance(cell, str) else to_text(cell)
        raise ArgumentError(f"{where} has an invalid code {shown} (use {_CODE_CHOICES})")
    return cast(Code, code)


def _rows(name: str, value: ExcelInput) -> list[list[Cell]]:
    """A range as its rows: a 2-D list as is, a 1-D list as one row, a single value as one cell."""
    if not isinstance(value, list | tuple):
        return [[cast(Cell, value)]]
    if all(isinstance(row, list | tuple) for row in value):
        return [list(row) for row in value]
    if not any(isinstance(row, list | tuple) for row in value):
        return [list(value)]
    raise ArgumentError(f"{name} mixes rows and single cells; give a range")


def _wanted_codes(value: ExcelInput) -> frozenset[str]:
    """The codes of a comma-separated text such as "A,R"."""
    text = _text("codes", value)
    wanted: set[str] = set()
    for part in text.split(","):
        if is_blank(part):
            continue
        code = normalise_code(part)
        if code not in CODES:
            raise ArgumentError(
                f"codes has an invalid code {part.strip()!r} (use {_CODE_CHOICES}, separated by commas)"
            )
        wanted.add(str(code))
    if not wanted:
        raise ArgumentError(f"codes names no code (use {_CODE_CHOICES}, separated by commas)")
    return frozenset(wanted)


def _holds(area: Area, party: str) -> set[str]:
    """The codes a party's cell counts for: its own, plus A and R for A/R (by calc.raci's rule)."""
    held: set[str] = {area.codes[party]}
    if party in accountable(area):
        held.add("A")
    if party in responsible(area):
        held.add("R")
    return held


# --- the functions -------------------------------------------------------------------------------


@excel_function(
    msp_mrr="The client's managed-services MRR in dollars, e.g. 5000.",
    ratio="Share of the MSP MRR charged for the vCIO; blank = 0.20 (the 20 % rule).",
)
def vcio_price(msp_mrr: ExcelInput, ratio: ExcelInput = 0.20) -> Decimal:
    """Stand-alone vCIO MRR by the 20 % rule: ratio × managed-services MRR, to the cent.

    ``=VCIO_PRICE(5000)`` → 1000 (40 users × $125 = $5,000 MRR → $1,000 vCIO MRR).
    """
    return _vcio_price(_at_least_zero("msp_mrr", msp_mrr), _fraction("ratio", ratio))


@excel_function(
    employees="The client's head count (whole number), e.g. 45.",
    packages_range="Optional two-column range: package name | minimum employees; "
    "blank = the firm's packages (vCIO Light 20, Basic 30, Professional 40, Enterprise 70).",
    advisory_name='Optional name shown below the smallest package; blank = "Client Advisory".',
)
def vcio_package(
    employees: ExcelInput, packages_range: ExcelInput = None, advisory_name: ExcelInput = None
) -> str:
    """The recommended vCIO package for a head count (the largest minimum not above it).

    ``=VCIO_PACKAGE(45)`` → "vCIO Professional"; ``=VCIO_PACKAGE(12)`` → "Client Advisory".
    """
    defaults = pricing_defaults()
    count = _count("employees", employees)
    packages = defaults.packages if is_blank(packages_range) else _packages(packages_range)
    advisory = defaults.advisory_name if is_blank(advisory_name) else _text("advisory_name", advisory_name)
    return recommend(count, packages, advisory)


@excel_function(
    hours_range="Hours per occurrence of each service line (a range; blank cells are skipped).",
    cycles_range="Each line's cycle: annual, quarterly (3/yr), monthly (12/yr), weekly (48/yr) "
    "or a number of occurrences per year; one cycle applies to every line.",
    rate="Internal hourly rate in dollars; blank = 200.",
)
def vcio_cycle_mrr(hours_range: ExcelInput, cycles_range: ExcelInput, rate: ExcelInput = 200) -> Decimal:
    """Cycle-based MRR: Σ hours × occurrences per year × rate / 12, to the cent.

    ``=VCIO_CYCLE_MRR({4;2;2;2}, "quarterly")`` → 500 (10 h × 3 = 30 h × $200 = $6,000 / 12).
    """
    hours_cells = _cells(_required("hours_range", hours_range))
    cycle_cells = _cells(_required("cycles_range", cycles_range))
    if len(cycle_cells) == 1:
        cycle_cells = cycle_cells * len(hours_cells)
    elif len(cycle_cells) != len(hours_cells):
        raise ArgumentError(
            f"hours_range has {len(hours_cells)} cells but cycles_range has {len(cycle_cells)}; "
            "give one cycle per hours cell, or a single cycle for all"
        )
    hourly = _at_least_zero("rate", rate)
    cycles = pricing_defaults().cycles
    total = Decimal(0)
    for i, (hours_cell, cycle_cell) in enumerate(zip(hours_cells, cycle_cells, strict=True), start=1):
        if is_blank(hours_cell):
            continue
        hours = _at_least_zero(f"hours_range cell {i}", hours_cell)
        if is_blank(cycle_cell):
            raise ArgumentError(f"cycles_range cell {i} is blank; give the cycle of the {show(hours_cell)} h")
        total += annual_hours(hours, _per_year(f"cycles_range cell {i}", cycle_cell, cycles))
    return monthly(total * hourly)


@excel_function(
    mrr="A vCIO MRR in dollars, e.g. 1000.",
    rate="Internal planning rate in dollars per hour; blank = 200.",
)
def vcio_hours(mrr: ExcelInput, rate: ExcelInput = 200) -> Decimal:
    """Yearly vCIO hours an MRR pays for: MRR × 12 / rate (not rounded).

    ``=VCIO_HOURS(1000)`` → 60 ($1,000 × 12 = $12,000 / $200 = 60 h a year, 5 h a month).
    """
    return _vcio_hours(_at_least_zero("mrr", mrr), _above_zero("rate", rate))


_ROI_DEFAULTS = RoiSettings()


@excel_function(
    clients="Number of clients in the segment (whole number).",
    adoption="Share of those clients who take part, 0 to 1 (e.g. 0.6 or 60%).",
    added_project_revenue="Added project revenue per adopting client per year, in dollars.",
    added_mrr="Added managed-services MRR per adopting client, in dollars a month.",
    added_services_mrr="Added professional-services (vCIO) MRR per adopting client, dollars a month.",
    hours_per_account="Account-management hours per adopting client per year; blank = 10.",
    rate="The account manager's internal hourly rate in dollars; blank = 45.",
    tool_cost_month="The account-management tool's monthly cost in dollars; blank = 249.",
)
def am_roi(
    clients: ExcelInput,
    adoption: ExcelInput,
    added_project_revenue: ExcelInput,
    added_mrr: ExcelInput,
    added_services_mrr: ExcelInput,
    hours_per_account: ExcelInput = float(_ROI_DEFAULTS.hours_per_account),
    rate: ExcelInput = float(_ROI_DEFAULTS.am_rate),
    tool_cost_month: ExcelInput = float(_ROI_DEFAULTS.tool_cost_month),
) -> Decimal:
    """ROI multiple of account management for one segment bearing the whole tool cost.

    Added revenue (projects + MRR × 12 + services MRR × 12, per adopting client) divided by
    the investment (labour + tool × 12); 0 when nothing is invested.
    ``=AM_ROI(10, 0.5, 2000, 100, 250)`` → 31000 / 5238 ≈ 5.92.
    """
    segment = Segment.model_construct(  # the arguments are checked above; any size Excel holds
        name="Portfolio",
        clients=_count("clients", clients),
        adoption=_fraction("adoption", adoption),
        added_project_revenue=_at_least_zero("added_project_revenue", added_project_revenue),
        added_mrr=_at_least_zero("added_mrr", added_mrr),
        added_services_mrr=_at_least_zero("added_services_mrr", added_services_mrr),
    )
    hours = _at_least_zero("hours_per_account", hours_per_account)
    hourly = _at_least_zero("rate", rate)
    tool_year = _at_least_zero("tool_cost_month", tool_cost_month) * 12
    return segment_roi(segment, hours, hourly, tool_year).roi


@excel_function(
    cost="What the item costs the MSP, in dollars.",
    markup="Markup on cost as a fraction, e.g. 0.30 or 30% (≥ 0).",
)
def price_from_markup(cost: ExcelInput, markup: ExcelInput) -> Decimal:
    """Price with a markup on cost: cost × (1 + markup), to the cent.

    ``=PRICE_FROM_MARKUP(3000, 0.3)`` → 3900. Not a margin: see PRICE_FROM_MARGIN.
    """
    return round_money(_at_least_zero("cost", cost) * (1 + _at_least_zero("markup", markup)))


@excel_function(
    cost="What the item costs the MSP, in dollars.",
    margin="Gross margin on the price as a fraction, 0 ≤ margin < 1, e.g. 0.30 or 30%.",
)
def price_from_margin(cost: ExcelInput, margin: ExcelInput) -> Decimal:
    """Price with a gross margin on price: cost / (1 − margin), to the cent.

    ``=PRICE_FROM_MARGIN(3000, 0.3)`` → 4285.71. Not a markup: see PRICE_FROM_MARKUP.
    """
    amount = _at_least_zero("cost", cost)
    number, raw = _number("margin", margin)
    if number < 0:
        raise ArgumentError(f"margin must be ≥ 0, got {show(raw)}")
    if number >= 1:
        raise ArgumentError(f"margin must be below 1 (100 %): no price carries that margin, got {show(raw)}")
    return round_money(amount / (1 - number))


@excel_function(
    purchase_date="The purchase date: a date, a date serial number or text such as 2022-01-02 or "
    "1/2/2022; may be blank when warranty_end is given.",
    asset_type='The asset type as the life-cycle policy names it, e.g. "Workstation", "Laptop", "Server".',
    warranty_end="Optional warranty end date; the replacement date where the policy replaces on "
    "warranty (Server), or when purchase_date is blank.",
)
def lifecycle_replace_date(
    purchase_date: ExcelInput, asset_type: ExcelInput, warranty_end: ExcelInput = None
) -> float:
    """Replacement date by the life-cycle policy, as a date serial number: format the cell as a date.

    Purchase date + the asset type's life span in years (Excel's EDATE), or the warranty end
    where the policy replaces on warranty and it is given.
    ``=LIFECYCLE_REPLACE_DATE("2022-01-02", "Workstation")`` → 46024, i.e. 2026-01-02.
    """
    purchase = _optional_date("purchase_date", purchase_date)
    kind = _text("asset_type", asset_type)
    warranty = _optional_date("warranty_end", warranty_end)
    if purchase is None and warranty is None:
        raise ArgumentError("purchase_date is required (or give warranty_end)")
    row = _policy_row(kind)
    # the arguments are checked above, for any date Excel holds (to 9999-12-31); an imported
    # inventory's narrower range is not the function's
    asset = Asset.model_construct(
        asset_id="LIFECYCLE_REPLACE_DATE",
        asset_type=row.asset_type,
        purchase_date=purchase,
        warranty_end=warranty,
    )
    try:
        when = replacement_date(asset, row)
    except ValueError:  # add_months beyond year 9999
        raise ArgumentError(
            f"{purchase} + {row.life_years} years is after {LAST_EXCEL_DATE}, the last date Excel shows"
        ) from None
    if when is None:  # pragma: no cover - one of the dates is known
        raise ArgumentError("purchase_date is required (or give warranty_end)")
    return _serial(when)


@excel_function(
    replace_date="The replacement date: a date, a date serial number or text such as 2026-01-02; "
    'blank = "Unknown date".',
    as_of="Optional date the status is measured from; blank = today.",
)
def lifecycle_status(replace_date: ExcelInput, as_of: ExcelInput = None) -> str:
    """Replacement status: Overdue, Due ≤ 90 days, Due ≤ 180 days, Due ≤ 365 days or OK.

    Overdue on and after the replacement date; "Unknown date" when it is blank, as in the
    budget workbook. ``=LIFECYCLE_STATUS("2026-01-02", "2026-11-22")`` → "Overdue".
    """
    when = _optional_date("replace_date", replace_date)
    day = _optional_date("as_of", as_of) or dt.date.today()
    return _status(when, day)


@excel_function(
    amount="The recurring amount before any increase, in dollars, e.g. 500 a month.",
    start="The month the cost goes live (any day of it): a date, a date serial number or text.",
    month="The month to budget (any day of it): a date, a date serial number or text.",
    increase="Increase on each anniversary of the start month as a fraction, 0 to 1, "
    "e.g. 0.05 or 5%; blank = 0.",
)
def budget_recurring(
    amount: ExcelInput, start: ExcelInput, month: ExcelInput, increase: ExcelInput = 0
) -> Decimal:
    """Amount due in a month for a recurring cost raised on each anniversary, to the cent; 0 before it starts.

    ``=BUDGET_RECURRING(500, "2026-10-01", "2027-10-01", 0.05)`` → 525 (500 × 1.05, one
    anniversary); in 2027-09 → 500; in 2026-09 → 0.
    """
    money = _at_least_zero("amount", amount)
    first = _date("start", start)
    when = _date("month", month)
    contract = Contract.model_construct(  # the arguments are checked above; any date Excel holds
        vendor="BUDGET_RECURRING", amount=money, start=first, annual_increase=_fraction("increase", increase)
    )
    if when.replace(day=1) < contract.start.replace(day=1):
        return Decimal(0)
    return contract_amount(contract, when)


@excel_function(
    row_range="One area's codes across the parties: a one-row or one-column range of R, A, C, I "
    "or A/R (any case); blank cells are skipped.",
)
def raci_check(row_range: ExcelInput) -> str:
    """The RACI rule for one area: "OK" (one accountable, at least one responsible), or why not.

    A/R counts as both accountable and responsible. The reasons, checked in this order:
    "No accountable", "Several accountable (n)" with n the number of A and A/R codes,
    "No responsible". ``=RACI_CHECK(C5:H5)`` with A, R, C, I → "OK"; with A, A/R → "Several
    accountable (2)".
    """
    rows = _rows("row_range", _required("row_range", row_range))
    if len(rows) > 1 and max(len(row) for row in rows) > 1:
        raise ArgumentError(
            f"row_range must be one row or one column (one area across the parties), got "
            f"{len(rows)} rows × {max(len(row) for row in rows)} columns"
        )
    codes = {
        f"party {i}": _raci_code("row_range", cell)
        for i, cell in enumerate(_cells(rows), start=1)
        if not is_blank(cell)
    }
    area = Area(category="RACI_CHECK", name="RACI_CHECK", codes=codes)
    a_count = len(accountable(area))
    status = area_status(a_count, len(responsible(area)))
    return f"{status} ({a_count})" if status == SEVERAL_A else status


@excel_function(
    matrix_range="The matrix block: the first row holds the party names, each row below one area's codes "
    "(R, A, C, I or A/R; blank cells are skipped).",
    party='The party to count, as named in the header row (any case), e.g. "TAM".',
    codes='The codes to count, separated by commas: "A", "R", "C", "I" or e.g. "A,R"; A and R each '
    'include A/R, which counts once; blank = "A,R".',
)
def raci_load(matrix_range: ExcelInput, party: ExcelInput, codes: ExcelInput = "A,R") -> int:
    """How many areas (rows below the header) give a party one of the codes; A/R counts once.

    A counts A and A/R, R counts R and A/R, C, I and A/R count themselves; a row counts once
    whatever the codes. Only the header row and the party's column are read.
    ``=RACI_LOAD(C4:H30, "TAM")`` → the areas where the TAM is accountable or responsible.
    """
    rows = _rows("matrix_range", _required("matrix_range", matrix_range))
    header = rows[0] if rows else []
    for cell in header:
        if _is_error_value(cell):
            raise ArgumentError(f"matrix_range row 1 holds an error value: {to_text(cell)}")
    name = _text("party", party)
    wanted = _wanted_codes(codes)
    columns = [j for j, cell in enumerate(header) if not is_blank(cell) and key(to_text(cell)) == key(name)]
    if not columns:
        raise ArgumentError(f"no party {name!r} in the header row of matrix_range")
    if len(columns) > 1:
        raise ArgumentError(f"party {name!r} appears more than once in the header row of matrix_range")
    column = columns[0]
    count = 0
    for i, row in enumerate(rows[1:], start=2):
        cell = row[column] if column < len(row) else None
        if is_blank(cell):
            continue
        area = Area(
            category="RACI_LOAD", name=f"row {i}", codes={name: _raci_code(f"matrix_range row {i}", cell)}
        )
        if _holds(area, name) & wanted:
            count += 1
    return count


@dataclass(frozen=True)
class PlaybookDefaults:
    """The cadence rules and capacity the playbook functions apply."""

    cadence: tuple[CadenceRule, ...]
    settings: PlaybookSettings
    source: str = "built-in defaults"


BUILT_IN_PLAYBOOK = PlaybookDefaults(
    cadence=(
        CadenceRule(name="Complex environment", min_complexity=7, meetings_per_year=6, touches_per_month=2),
        CadenceRule(name="Standard", meetings_per_year=4, touches_per_month=1),
    ),
    settings=PlaybookSettings(),
)
"""DOMAIN.md §5, used when ``playbook.toml`` cannot be read."""


_FIRM_TEMPLATES: contextvars.ContextVar[Path | str | None] = contextvars.ContextVar("templates", default=None)


@contextlib.contextmanager
def firm_templates(templates: Path | str | None) -> Iterator[None]:
    """Within this block, the functions take their defaults from ``templates`` (the folder a
    command was given with ``--templates``), as the named LAMBDAs written beside them do."""
    token = _FIRM_TEMPLATES.set(templates)
    try:
        yield
    finally:
        _FIRM_TEMPLATES.reset(token)


_T_co = TypeVar("_T_co", covariant=True)


class _PerFolder(Protocol[_T_co]):
    def __call__(self, templates: Path | str | None = None) -> _T_co: ...

    def cache_clear(self) -> None: ...


def _cached_per_folder(read: Callable[[Path | str | None], _T_co]) -> _PerFolder[_T_co]:
    """``read(templates)`` once per folder; no folder means the one ``firm_templates`` set,
    else ``$XL_ENGAGE_TEMPLATES`` or the bundled one. ``.cache_clear()`` forgets them."""
    cached = functools.lru_cache(maxsize=8)(read)

    @functools.wraps(read)
    def defaults(templates: Path | str | None = None) -> _T_co:
        return cached(templates if templates is not None else _FIRM_TEMPLATES.get())

    defaults.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    return cast(_PerFolder[_T_co], defaults)


@_cached_per_folder
def playbook_defaults(templates: Path | str | None = None) -> PlaybookDefaults:
    """Cadence rules and capacity from the firm's ``playbook.toml`` (in ``templates``, else
    ``$XL_ENGAGE_TEMPLATES`` or the bundled folder), read once.

    Falls back to :data:`BUILT_IN_PLAYBOOK` if the file is missing or invalid. Call
    ``playbook_defaults.cache_clear()`` after editing the file.
    """
    from xl_engage.inputs.playbook import load_rules

    return _from_template(
        lambda: load_rules(templates),
        lambda r, source: PlaybookDefaults(r.cadence, r.settings, source),
        BUILT_IN_PLAYBOOK,
        "playbook.toml",
        templates,
    )


_CADENCE_PARTS = ("meetings", "touches", "rule")


@excel_function(
    mrr="The client's monthly recurring revenue in dollars, e.g. 3000.",
    users="The client's number of users (whole number); blank = unknown, counted as 0.",
    complexity="The client's complexity, a whole number from 1 (simple) to 10.",
    part='What to return: "meetings" (a year), "touches" (a month), "rule" (its name); '
    "blank = all three as text.",
)
def meeting_cadence(
    mrr: ExcelInput, users: ExcelInput, complexity: ExcelInput, part: ExcelInput = None
) -> str | int:
    """The meeting cadence of a client from the first cadence rule it matches (``playbook.toml``).

    ``=MEETING_CADENCE(3000, 24, 5)`` → "4 meetings a year, 1 touch a month (Standard)";
    ``=MEETING_CADENCE(1500, 12, 8, "meetings")`` → 6 (every other month).
    """
    money = _at_least_zero("mrr", mrr)
    count = None if is_blank(_single("users", users)) else _count("users", users)
    level = _count("complexity", complexity)
    if not 1 <= level <= 10:
        raise ArgumentError(f"complexity must be from 1 to 10, got {level}")
    what = None if is_blank(_single("part", part)) else key(_text("part", part))
    if what is not None and what not in _CADENCE_PARTS:
        raise ArgumentError(f"part must be one of {', '.join(_CADENCE_PARTS)} or blank, got {what!r}")
    found = _cadence(money, count, level, playbook_defaults().cadence)
    if found is None:
        raise ArgumentError("no cadence rule matches; add a rule without bounds to playbook.toml")
    if what == "meetings":
        return found.meetings_per_year
    if what == "touches":
        return found.touches_per_month
    if what == "rule":
        return found.rule
    touches = "touch" if found.touches_per_month == 1 else "touches"
    meetings = "meeting" if found.meetings_per_year == 1 else "meetings"
    per_year, per_month = found.meetings_per_year, found.touches_per_month
    return f"{per_year} {meetings} a year, {per_month} {touches} a month ({found.rule})"


@excel_function(
    objective="The annual objective of an activity (a count), e.g. 520 unique touches.",
    done="How many are done so far; blank = 0.",
    weeks_left="Working weeks left in the year, above 0.",
)
def playbook_weekly_rate(objective: ExcelInput, done: ExcelInput, weeks_left: ExcelInput) -> Decimal:
    """Still to do each remaining week: (objective − done) / weeks left, never below 0.

    ``=PLAYBOOK_WEEKLY_RATE(520, 100, 42)`` → 10; ahead of plan gives 0.
    """
    goal = _at_least_zero("objective", objective)
    so_far = Decimal(0) if is_blank(_single("done", done)) else _at_least_zero("done", done)
    return _weekly_rate(goal, so_far, _above_zero("weeks_left", weeks_left))


@excel_function(
    clients="How many clients the vCIO handles (whole number).",
    mrr="Those clients' total monthly recurring revenue in dollars.",
)
def vcio_capacity(clients: ExcelInput, mrr: ExcelInput) -> str:
    """A vCIO's load against the reference capacity (``playbook.toml``: 40 clients, $120,000 MRR, ±10 %).

    "Over capacity" when clients or MRR exceed it by more than the tolerance, "Under capacity"
    when both fall short by more than it, else "OK". ``=VCIO_CAPACITY(46, 140000)`` → "Over capacity".
    """
    return _capacity(_count("clients", clients), _at_least_zero("mrr", mrr), playbook_defaults().settings)


@dataclass(frozen=True)
class VarianceDefaults:
    """The tolerances VARIANCE_FLAG applies when they are left blank."""

    tolerance_amount: Decimal = Decimal(500)
    tolerance_pct: Decimal = Decimal("0.10")
    source: str = "built-in defaults"


BUILT_IN_VARIANCE = VarianceDefaults()


@_cached_per_folder
def variance_defaults(templates: Path | str | None = None) -> VarianceDefaults:
    """Tolerances from the firm's ``reconcile.toml`` (in ``templates``, else as
    :func:`playbook_defaults`), read once (built-in if unreadable)."""
    from xl_engage.inputs.reconcile import load_template

    def convert(t: Any, source: str) -> VarianceDefaults:
        return VarianceDefaults(t.settings.tolerance_amount, t.settings.tolerance_pct, source)

    return _from_template(
        lambda: load_template(templates), convert, BUILT_IN_VARIANCE, "reconcile.toml", templates
    )


def _signed(name: str, value: ExcelInput) -> Decimal:
    return _number(name, _required(name, value))[0]


@excel_function(
    actual="What was spent, e.g. 1200 (a refund may make it negative).",
    budget="What was budgeted, e.g. 1000.",
)
def variance(actual: ExcelInput, budget: ExcelInput) -> Decimal:
    """Actual − budget: positive is over budget (unfavourable for a cost). ``=VARIANCE(1200, 1000)`` → 200."""
    return _variance(_signed("actual", actual), _signed("budget", budget))


@excel_function(
    actual="What was spent, e.g. 1200.",
    budget="What was budgeted, e.g. 1000; 0 gives no percentage (an empty text).",
)
def variance_pct(actual: ExcelInput, budget: ExcelInput) -> Decimal | str:
    """(Actual − budget) / budget, as a fraction; empty when the budget is 0, never #DIV/0!.

    ``=VARIANCE_PCT(1200, 1000)`` → 0.2 (format the cell as a percentage: 20 %).
    """
    pct = _variance_pct(_signed("actual", actual), _signed("budget", budget))
    return "" if pct is None else pct


@excel_function(
    actual="What was spent.",
    budget="What was budgeted.",
    abs_tol="Within this many dollars either way is Green; blank = reconcile.toml's (500).",
    pct_tol="Within this share of the budget either way is Green, e.g. 0.1 or 10%; blank = 0.10.",
)
def variance_flag(
    actual: ExcelInput, budget: ExcelInput, abs_tol: ExcelInput = None, pct_tol: ExcelInput = None
) -> str:
    """Green within either tolerance, Red over budget beyond both, Amber under budget beyond both.

    ``=VARIANCE_FLAG(11600, 10000)`` → "Red" (+1,600 and +16 %); ``=VARIANCE_FLAG(10900, 10000)``
    → "Green" (9 % of budget).
    """
    d = variance_defaults()
    amount = (
        d.tolerance_amount if is_blank(_single("abs_tol", abs_tol)) else _at_least_zero("abs_tol", abs_tol)
    )
    share = d.tolerance_pct if is_blank(_single("pct_tol", pct_tol)) else _at_least_zero("pct_tol", pct_tol)
    return _variance_flag(_signed("actual", actual), _signed("budget", budget), amount, share)
