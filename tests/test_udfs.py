"""The xlwings adapters in udfs/: exported set, signatures, help text, and the cell contract.

On Linux the xlwings decorators are no-ops, so the adapters are plain functions here. To see
what Windows Excel would see, one test also runs the adapters through xlwings' own Windows
decorators and VBA-wrapper generator (``xlwings.udfs``, importable once pywin32 is stubbed).
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import inspect
import io
import math
import re
import sys
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xl_engage import functions as F

UDFS = Path(__file__).resolve().parent.parent / "udfs"
EXPECTED = {
    "VCIO_PRICE",
    "VCIO_PACKAGE",
    "VCIO_CYCLE_MRR",
    "VCIO_HOURS",
    "AM_ROI",
    "PRICE_FROM_MARKUP",
    "PRICE_FROM_MARGIN",
    "LIFECYCLE_REPLACE_DATE",
    "LIFECYCLE_STATUS",
    "BUDGET_RECURRING",
    "RACI_CHECK",
    "RACI_LOAD",
    "MEETING_CADENCE",
    "PLAYBOOK_WEEKLY_RATE",
    "VCIO_CAPACITY",
    "VARIANCE",
    "VARIANCE_PCT",
    "VARIANCE_FLAG",
}
CAPACITY = {"OK", "Over capacity", "Under capacity"}
CADENCE = re.compile(r"\d+ meetings? a year, \d+ touch(es)? a month \(.+\)|Complex environment|Standard")
STATUSES = {"Overdue", "Due ≤ 90 days", "Due ≤ 180 days", "Due ≤ 365 days", "OK", "Unknown date"}
RACI_STATUS = re.compile(r"OK|No accountable|No responsible|Several accountable \(([2-9]|[1-9]\d+)\)")
# VBA keywords: an argument named like one breaks the VBA wrapper "Import Functions" writes.
_VBA_KEYWORD_TEXT = (
    "and as boolean byref byte byval call case cbool cbyte ccur cdate cdbl cdec cint clng clnglng "
    "clngptr const csng cstr currency cvar cverr date decimal declare defbool defbyte defcur defdate "
    "defdbl defdec defint deflng deflnglng deflngptr defobj defsng defstr defvar dim do double each "
    "else elseif empty end endif enum eqv erase error event exit false for friend function get global "
    "gosub goto if imp implements in integer is let lib like long longlong longptr loop lset me mod "
    "new next not nothing null on option optional or paramarray preserve private public raiseevent "
    "redim rem resume return rset select set single static step stop string sub then to true type "
    "typeof until variant wend while with withevents xor"
)
VBA_KEYWORDS = frozenset(_VBA_KEYWORD_TEXT.split())


def _load(name: str) -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(name, UDFS / "xle_udfs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@pytest.fixture(scope="module")
def udfs() -> Iterator[types.ModuleType]:
    module = _load("xle_udfs")
    yield module
    sys.modules.pop("xle_udfs", None)


# --- the exported set and its help ---------------------------------------------------------------


def test_registry_exports_exactly_the_expected_functions(udfs: types.ModuleType) -> None:
    assert set(udfs.REGISTRY) == EXPECTED
    assert set(udfs.LIBRARY) == EXPECTED
    assert set(udfs.SIGNATURES) == EXPECTED
    for name, adapter in udfs.REGISTRY.items():
        # xlwings names the Excel function after the Python function
        assert adapter.__name__ == name
        assert getattr(udfs, name) is adapter
    decorated_like = {n for n, v in vars(udfs).items() if inspect.isfunction(v) and n.isupper()}
    assert decorated_like == EXPECTED


def test_adapters_take_the_library_arguments(udfs: types.ModuleType) -> None:
    for name, adapter in udfs.REGISTRY.items():
        mine = inspect.signature(adapter).parameters
        theirs = inspect.signature(udfs.LIBRARY[name]).parameters
        assert list(mine) == list(theirs), name
        for arg, p in mine.items():
            # xlwings refuses keyword-only arguments; an optional argument is passed as None
            assert p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD, (name, arg)
            has_default = theirs[arg].default is not inspect.Parameter.empty
            assert (p.default is None) if has_default else (p.default is inspect.Parameter.empty), (name, arg)


def test_every_function_and_argument_has_help_excel_can_show(udfs: types.ModuleType) -> None:
    for name, sig in udfs.SIGNATURES.items():
        assert sig.name == name
        # Excel's Insert Function dialog takes at most 255 characters per description
        assert 20 <= len(sig.description) <= 255, name
        assert "\n" not in sig.description, name
        assert sig.args == tuple(inspect.signature(udfs.REGISTRY[name]).parameters)
        assert set(sig.arg_help) == set(sig.args), name
        for arg, text in sig.arg_help.items():
            assert 10 <= len(text) <= 255, (name, arg)
            assert arg.lower() not in VBA_KEYWORDS, (name, arg)
            assert arg.isidentifier() and arg.isascii(), (name, arg)
    assert udfs.SIGNATURES["VCIO_CYCLE_MRR"].ranges == ("hours_range", "cycles_range")
    assert udfs.SIGNATURES["VCIO_PRICE"].optional == ("ratio",)
    assert udfs.SIGNATURES["AM_ROI"].optional == ("hours_per_account", "rate", "tool_cost_month")
    assert udfs.SIGNATURES["LIFECYCLE_REPLACE_DATE"].optional == ("warranty_end",)
    assert udfs.SIGNATURES["LIFECYCLE_STATUS"].optional == ("as_of",)
    assert udfs.SIGNATURES["BUDGET_RECURRING"].optional == ("increase",)
    assert udfs.SIGNATURES["RACI_CHECK"].ranges == ("row_range",)
    assert udfs.SIGNATURES["RACI_CHECK"].optional == ()
    assert udfs.SIGNATURES["RACI_LOAD"].ranges == ("matrix_range",)
    assert udfs.SIGNATURES["RACI_LOAD"].optional == ("codes",)
    assert "format the cell as a date" in udfs.SIGNATURES["LIFECYCLE_REPLACE_DATE"].description


# --- the adapters compute what the library computes ----------------------------------------------

RACI_BLOCK = [["TAM", "ISP", "Office"], ["A", "R", None], ["A/R", None, None], ["C", "R", "A"]]
"""A matrix block as Excel hands it over: party names in the header row, one area per row."""


WORKED_EXAMPLES: list[tuple[str, tuple[Any, ...], Any]] = [
    ("VCIO_PRICE", (5000.0, None), 1000.0),  # 5000 × 0.20
    ("VCIO_PACKAGE", (40.0, None, None), "vCIO Professional"),  # 40 ≥ 40, < 70
    ("VCIO_CYCLE_MRR", ([[4.0], [2.0], [2.0], [2.0]], [["quarterly"]], None), 500.0),  # 30 h × 200 / 12
    ("VCIO_HOURS", (1000.0, None), 60.0),  # 12,000 / 200
    ("AM_ROI", (10.0, 0.5, 2000.0, 100.0, 250.0, None, None, None), 31000 / 5238),
    ("PRICE_FROM_MARKUP", (3000.0, 0.3), 3900.0),  # 3000 × 1.3
    ("PRICE_FROM_MARGIN", (3000.0, 0.3), 4285.71),  # 3000 / 0.7 = 4285.714…
    (
        "PRICE_FROM_MARGIN",
        (3000.0, 1.0),
        F.ERROR_PREFIX + "margin must be below 1 (100 %): no price carries that margin, got 1",
    ),
    # Workstation, life 4: 2022-01-02 → 2026-01-02 = serial 46024 (days since 1899-12-30)
    ("LIFECYCLE_REPLACE_DATE", (dt.datetime(2022, 1, 2), "Workstation", None), 46024.0),
    # Server replaces on warranty: 2026-01-10 = 46024 + 8
    ("LIFECYCLE_REPLACE_DATE", (dt.datetime(2021, 3, 15), "Server", dt.datetime(2026, 1, 10)), 46032.0),
    # Laptop, life 4: 2024-01-31 → 2028-01-31 = 46023 (2026-01-01) + 365 + 365 + 30
    ("LIFECYCLE_REPLACE_DATE", (45322.0, "Laptop", None), 46783.0),
    (
        "LIFECYCLE_REPLACE_DATE",
        (dt.datetime(2022, 1, 2), "Toaster", None),
        F.ERROR_PREFIX + "unknown asset type 'Toaster'; the policy has Workstation, Laptop, Server, "
        "Storage, Switch, Firewall, Wireless AP, UPS battery, Printer",
    ),
    # 2026-01-02 as of 2026-11-22: 324 days past
    ("LIFECYCLE_STATUS", (46024.0, dt.datetime(2026, 11, 22)), "Overdue"),
    ("LIFECYCLE_STATUS", (None, dt.datetime(2026, 11, 22)), "Unknown date"),
    # one anniversary: 500 × 1.05 = 525; the month before: 500; before go-live: 0
    ("BUDGET_RECURRING", (500.0, dt.datetime(2026, 10, 1), dt.datetime(2027, 10, 1), 0.05), 525.0),
    ("BUDGET_RECURRING", (500.0, dt.datetime(2026, 10, 1), dt.datetime(2027, 9, 1), 0.05), 500.0),
    ("BUDGET_RECURRING", (500.0, dt.datetime(2026, 10, 1), dt.datetime(2026, 9, 1), 0.05), 0.0),
    # A and A/R in one area: 2 accountable
    ("RACI_CHECK", ([["A", "A/R", None]],), "Several accountable (2)"),
    ("RACI_CHECK", ([["a/r"], ["c"]],), "OK"),  # A/R is the one A and an R
    ("RACI_CHECK", ([["C", "I"]],), "No accountable"),
    ("RACI_CHECK", ([["A"]],), "No responsible"),  # a single cell comes as [[...]] (ndim=2)
    (
        "RACI_CHECK",
        ([["A", "X"]],),
        F.ERROR_PREFIX + "row_range has an invalid code 'X' (use R, A, C, I or A/R)",
    ),
    # TAM column A, A/R, C: A counts rows 1 and 2 (A/R once), R only row 2
    ("RACI_LOAD", (RACI_BLOCK, "TAM", None), 2),
    ("RACI_LOAD", (RACI_BLOCK, "tam", "A"), 2),
    ("RACI_LOAD", (RACI_BLOCK, "TAM", "R"), 1),
    ("RACI_LOAD", (RACI_BLOCK, "ISP", None), 2),  # R, R
    ("RACI_LOAD", (RACI_BLOCK, "Office", "A"), 1),
    (
        "RACI_LOAD",
        (RACI_BLOCK, "Vendor", None),
        F.ERROR_PREFIX + "no party 'Vendor' in the header row of matrix_range",
    ),
    # DOMAIN.md §5: A ($3,000, 24 users, complexity 5) quarterly + monthly; C every other month
    ("MEETING_CADENCE", (3000.0, 24.0, 5.0, None), "4 meetings a year, 1 touch a month (Standard)"),
    ("MEETING_CADENCE", (6500.0, 52.0, 3.0, "touches"), 1),  # B
    ("MEETING_CADENCE", (1500.0, 12.0, 8.0, "meetings"), 6),  # C
    ("MEETING_CADENCE", (1500.0, None, 8.0, "Rule"), "Complex environment"),
    (
        "MEETING_CADENCE",
        (1500.0, 12.0, 11.0, None),
        F.ERROR_PREFIX + "complexity must be from 1 to 10, got 11",
    ),
    # (520 − 100) / 42 = 10; ahead of plan: 0
    ("PLAYBOOK_WEEKLY_RATE", (520.0, 100.0, 42.0), 10.0),
    ("PLAYBOOK_WEEKLY_RATE", (10.0, 12.0, 5.0), 0.0),
    ("PLAYBOOK_WEEKLY_RATE", (10.0, None, 0.0), F.ERROR_PREFIX + "weeks_left must be > 0, got 0"),
    # 46 > 40 × 1.1 clients; 30 clients and $90,000 both below 90 %; 44 clients is within 10 %
    ("VCIO_CAPACITY", (46.0, 140000.0), "Over capacity"),
    ("VCIO_CAPACITY", (30.0, 90000.0), "Under capacity"),
    ("VCIO_CAPACITY", (44.0, 120000.0), "OK"),
    # actual − budget: 1,200 − 1,000 = 200 over; a refund can make the actual negative
    ("VARIANCE", (1200.0, 1000.0), 200.0),
    ("VARIANCE", (-50.0, 0.0), -50.0),
    ("VARIANCE_PCT", (1200.0, 1000.0), 0.2),
    ("VARIANCE_PCT", (300.0, 0.0), ""),  # no budget: no %, not #DIV/0!
    ("VARIANCE_PCT", ("$1,500.00", 1000.0), 0.5),
    # +1,600 and +16 %: beyond $500 and 10 % → Red; +900 is 9 % → Green; −2,000 (−20 %) → Amber
    ("VARIANCE_FLAG", (11600.0, 10000.0, None, None), "Red"),
    ("VARIANCE_FLAG", (10900.0, 10000.0, None, None), "Green"),
    ("VARIANCE_FLAG", (8000.0, 10000.0, None, None), "Amber"),
    ("VARIANCE_FLAG", (10900.0, 10000.0, 100.0, 0.05), "Red"),  # tighter tolerances
    ("VARIANCE", (None, 1000.0), F.ERROR_PREFIX + "actual is required"),
]
"""Each function called as Excel hands it over, and what the cell shows (shared with
tests/test_lite.py: the xlwings Lite functions must show the same)."""


@pytest.mark.parametrize(("name", "args", "expected"), WORKED_EXAMPLES)
def test_adapters_worked_examples(
    udfs: types.ModuleType, name: str, args: tuple[Any, ...], expected: Any
) -> None:
    got = udfs.REGISTRY[name](*args)
    assert type(got) is type(expected)
    assert got == (pytest.approx(expected, rel=1e-12) if name == "AM_ROI" else expected)


# --- what Windows Excel sees ----------------------------------------------------------------------


@pytest.fixture
def xlwings_windows(monkeypatch: pytest.MonkeyPatch) -> Iterator[types.ModuleType]:
    """xlwings' Windows UDF machinery, with pywin32 stubbed out (nothing reaches COM)."""
    for name in ("pythoncom", "pywintypes", "win32com", "win32com.client"):
        monkeypatch.setitem(sys.modules, name, mock.MagicMock())
    import xlwings

    had = "xlwings.udfs" in sys.modules
    udfs_module = importlib.import_module("xlwings.udfs")
    try:
        yield udfs_module
    finally:
        if not had:
            sys.modules.pop("xlwings.udfs", None)
            if hasattr(xlwings, "udfs"):
                delattr(xlwings, "udfs")


@pytest.fixture
def windows_udfs(xlwings_windows: types.ModuleType) -> Iterator[types.ModuleType]:
    """The adapter module decorated by xlwings' real Windows ``xlfunc``/``xlarg``."""
    fake = types.ModuleType("xlwings")
    fake.func = xlwings_windows.xlfunc  # type: ignore[attr-defined]
    fake.arg = xlwings_windows.xlarg  # type: ignore[attr-defined]
    fake.ret = xlwings_windows.xlret  # type: ignore[attr-defined]
    real = sys.modules["xlwings"]
    sys.modules["xlwings"] = fake
    try:
        module = _load("xle_udfs_windows")
    finally:
        sys.modules["xlwings"] = real
    yield module
    sys.modules.pop("xle_udfs_windows", None)


def test_windows_metadata_carries_names_help_and_conversions(
    windows_udfs: types.ModuleType, xlwings_windows: types.ModuleType
) -> None:
    from xlwings.conversion import accessors

    for name, adapter in windows_udfs.REGISTRY.items():
        sig = windows_udfs.SIGNATURES[name]
        meta = adapter.__xlfunc__
        assert meta["name"] == name
        assert meta["category"] == "xl_engage"
        assert meta["ret"]["doc"] == sig.description
        assert [a["name"] for a in meta["args"]] == list(sig.args)
        for arg in meta["args"]:
            assert arg["doc"] == sig.arg_help[arg["name"]], (name, arg["name"])
            options = arg["options"]
            assert options.get("err_to_str") is True, (name, arg["name"])
            assert options.get("ndim") == (2 if arg["name"] in sig.ranges else None), (name, arg["name"])
            # a type hint becomes the converter: it must be one xlwings knows how to read
            assert hasattr(accessors.get(options["convert"], options["convert"]), "reader"), (name, arg)
            assert ("optional" in arg) == (arg["name"] in sig.optional), (name, arg["name"])
        assert hasattr(accessors.get(meta["ret"]["options"]["convert"]), "writer"), name


def test_windows_vba_wrapper_declares_exactly_the_functions(
    windows_udfs: types.ModuleType, xlwings_windows: types.ModuleType
) -> None:
    out = io.StringIO()
    workbook = types.SimpleNamespace(Name="Pricing.xlsm")
    xlwings_windows.generate_vba_wrapper("xle_udfs", windows_udfs, out, workbook)
    declared = [line for line in out.getvalue().splitlines() if line.startswith("Function ")]
    assert sorted(declared) == [
        "Function AM_ROI(clients, adoption, added_project_revenue, added_mrr, added_services_mrr, "
        "Optional hours_per_account, Optional rate, Optional tool_cost_month)",
        "Function BUDGET_RECURRING(amount, start, month, Optional increase)",
        "Function LIFECYCLE_REPLACE_DATE(purchase_date, asset_type, Optional warranty_end)",
        "Function LIFECYCLE_STATUS(replace_date, Optional as_of)",
        "Function MEETING_CADENCE(mrr, users, complexity, Optional part)",
        "Function PLAYBOOK_WEEKLY_RATE(objective, done, weeks_left)",
        "Function PRICE_FROM_MARGIN(cost, margin)",
        "Function PRICE_FROM_MARKUP(cost, markup)",
        "Function RACI_CHECK(row_range)",
        "Function RACI_LOAD(matrix_range, party, Optional codes)",
        "Function VARIANCE(actual, budget)",
        "Function VARIANCE_FLAG(actual, budget, Optional abs_tol, Optional pct_tol)",
        "Function VARIANCE_PCT(actual, budget)",
        "Function VCIO_CAPACITY(clients, mrr)",
        "Function VCIO_CYCLE_MRR(hours_range, cycles_range, Optional rate)",
        "Function VCIO_HOURS(mrr, Optional rate)",
        "Function VCIO_PACKAGE(employees, Optional packages_range, Optional advisory_name)",
        "Function VCIO_PRICE(msp_mrr, Optional ratio)",
    ]
    assert 'XLPy.CallUDF("xle_udfs", "VCIO_PRICE", Array(msp_mrr, ratio)' in out.getvalue()
    assert 'XLPy.CallUDF("xle_udfs", "RACI_LOAD", Array(matrix_range, party, codes)' in out.getvalue()


# --- the add-in configuration ---------------------------------------------------------------------


def test_xlwings_conf_names_this_module() -> None:
    # the add-in reads the file with VBA "Input #": two quoted fields a line, no comments
    text = (UDFS / "xlwings.conf").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert all(len(row) == 2 for row in rows), rows
    settings_ = {k.upper(): v for k, v in rows}
    assert settings_["UDF MODULES"] == "xle_udfs"
    assert (UDFS / f"{settings_['UDF MODULES']}.py").is_file()
    assert "PYTHONPATH" not in settings_  # the module installs with the package ([udf] extra)
    assert all(line.startswith('"') for line in text.splitlines())


def test_readme_shows_every_function_in_a_cell() -> None:
    readme = (UDFS / "README.md").read_text(encoding="utf-8")
    for name in EXPECTED:
        assert f"={name}(" in readme, name
    for step in ("xlwings addin install", "UDF Modules", "Import Functions", "Windows"):
        assert step in readme


# --- the cell contract: any Excel input gives a valid Excel value ----------------------------------

EXCEL_TEXT = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "quarterly",
            "Weekly",
            "annual",
            "fortnightly",
            "20%",
            "$1,234.50",
            "(120.00)",
            "-5",
            "1e5",
            "#N/A",
            "#DIV/0!",
            "#XLE! upstream",
            "TRUE",
            "Package",
            "Workstation",
            "server",
            "A",
            "r",
            "A/R",
            "a / r",
            "C",
            "I",
            "A,R",
            "TAM",
            "2026-01-02",
            "1/31/2024",
            "9999-12-31",
        ]
    ),
    st.text(max_size=12),
)
EXCEL_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(min_value=-1e6, max_value=1e6).map(lambda x: float(round(x, 2))),
    st.integers(min_value=-(10**6), max_value=10**6).map(float),
    st.sampled_from([0.0, 1.0, 0.2, 0.3, 1.5, 3.0, 20.0, 40.0, 366.0, 367.0, -0.0, 1e300, 5e-324]),
    st.integers(min_value=-(10**30), max_value=10**30),
)
EXCEL_DATE = st.datetimes(min_value=dt.datetime(1900, 3, 1))
EXCEL_CELL = st.one_of(st.none(), EXCEL_NUMBER, EXCEL_TEXT, st.booleans(), EXCEL_DATE)
EXCEL_RANGE = st.integers(min_value=1, max_value=4).flatmap(
    lambda cols: st.lists(st.lists(EXCEL_CELL, min_size=cols, max_size=cols), min_size=1, max_size=5)
)
EXCEL_ARG = st.one_of(EXCEL_CELL, EXCEL_RANGE)


def _valid_excel_value(name: str, value: object) -> bool:
    if type(value) not in (str, float, int, bool):
        return False
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        if value.startswith(F.ERROR_PREFIX):
            return "\n" not in value and "Traceback" not in value
        if name == "LIFECYCLE_STATUS":
            return value in STATUSES
        if name == "RACI_CHECK":
            return RACI_STATUS.fullmatch(value) is not None
        if name == "VCIO_CAPACITY":
            return value in CAPACITY
        if name == "VARIANCE_FLAG":
            return value in ("Green", "Amber", "Red")
        if name == "VARIANCE_PCT":
            return value == ""  # no budget: no percentage
        if name == "MEETING_CADENCE":
            return CADENCE.fullmatch(value) is not None
        return name == "VCIO_PACKAGE" and bool(value.strip())
    return True


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_adapter_returns_a_valid_excel_value(udfs: types.ModuleType, name: str) -> None:
    adapter: Callable[..., Any] = udfs.REGISTRY[name]
    params = inspect.signature(adapter).parameters
    required = sum(p.default is inspect.Parameter.empty for p in params.values())

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        count = data.draw(st.integers(min_value=required, max_value=len(params)), label="count")
        args = [data.draw(EXCEL_ARG, label=arg) for arg in list(params)[:count]]
        got = adapter(*args)  # never raises: that is the contract
        assert _valid_excel_value(name, got), got
        assert got == udfs.LIBRARY[name](*args)  # the adapter adds nothing

    check()


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_adapter_refuses_error_cells_by_name(udfs: types.ModuleType, name: str) -> None:
    # err_to_str hands an error cell over as its text: the first argument is then refused
    adapter = udfs.REGISTRY[name]
    first = next(iter(inspect.signature(adapter).parameters))
    required = [
        p for p in inspect.signature(adapter).parameters.values() if p.default is inspect.Parameter.empty
    ]
    args = ["#N/A"] + [1.0] * (len(required) - 1)
    got = adapter(*args)
    assert isinstance(got, str)
    assert got.startswith(f"{F.ERROR_PREFIX}{first}"), got
    assert "#N/A" in got
