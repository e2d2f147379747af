"""The function library behind the Excel functions: worked numbers, Excel-style inputs, errors.

Expected values are worked out by hand in the comments (DOMAIN.md §1–3), never copied from
a run of the code.
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
from collections.abc import Callable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xl_engage import functions as F
from xl_engage.calc.raci import calculate
from xl_engage.models.raci import RaciBook

EXPECTED_FUNCTIONS = {
    "vcio_price",
    "vcio_package",
    "vcio_cycle_mrr",
    "vcio_hours",
    "am_roi",
    "price_from_markup",
    "price_from_margin",
    "lifecycle_replace_date",
    "lifecycle_status",
    "budget_recurring",
    "raci_check",
    "raci_load",
    "meeting_cadence",
    "playbook_weekly_rate",
    "vcio_capacity",
    "variance",
    "variance_pct",
    "variance_flag",
}


@pytest.fixture(autouse=True)
def _fresh_templates() -> Iterator[None]:
    """Each test reads the templates afresh, and leaves no cached copy behind."""
    F.pricing_defaults.cache_clear()
    F.lifecycle_defaults.cache_clear()
    F.playbook_defaults.cache_clear()
    F.variance_defaults.cache_clear()
    yield
    F.pricing_defaults.cache_clear()
    F.lifecycle_defaults.cache_clear()
    F.playbook_defaults.cache_clear()
    F.variance_defaults.cache_clear()


def case(fn: Callable[..., Any], *args: Any, expected: Any, id: str) -> Any:
    return pytest.param(fn, args, expected, id=id)


# --- worked examples --------------------------------------------------------------------------

QUARTERLY_4_2_2_2 = [[4.0], [2.0], [2.0], [2.0]]  # planning 4 h, project review, training, budget 2 h
RACI_MATRIX = [["TAM", "ISP", "Office"], ["A", "R", ""], ["A/R", "", None], ["C", "R", "A"]]
"""A responsibility matrix block: parties in the header row, one area per row below."""

WORKED = [
    # 20 % rule: 40 users × $125 = $5,000 MSP MRR → $1,000 vCIO MRR
    case(F.vcio_price, 5000.0, expected=1000.0, id="price-20pct-of-5000"),
    case(F.vcio_price, 5000, None, expected=1000.0, id="price-blank-ratio-is-20pct"),
    case(F.vcio_price, 5000.0, "", expected=1000.0, id="price-empty-text-ratio-is-20pct"),
    case(F.vcio_price, "$5,000", "25%", expected=1250.0, id="price-text-money-and-percent"),  # 5000 × .25
    case(F.vcio_price, [[5000.0]], 0.25, expected=1250.0, id="price-one-cell-range"),
    case(F.vcio_price, 2000.0, expected=400.0, id="price-viability-example"),  # 2000 × .2
    case(F.vcio_price, 1234.56, expected=246.91, id="price-rounds-down"),  # 246.912 → 246.91
    # 1234.575 × 0.2 = 246.915 exactly: half away from zero → 246.92 (binary floats say .91)
    case(F.vcio_price, 1234.575, expected=246.92, id="price-half-cent-up"),
    case(F.vcio_price, 0.0, expected=0.0, id="price-zero"),
    # package thresholds: Light 20, Basic 30, Professional 40, Enterprise 70; below 20 advisory
    case(F.vcio_package, 40.0, expected="vCIO Professional", id="package-40-float"),
    case(F.vcio_package, 0, expected="Client Advisory", id="package-0"),
    case(F.vcio_package, 19, expected="Client Advisory", id="package-19"),
    case(F.vcio_package, 20, expected="vCIO Light", id="package-20"),
    case(F.vcio_package, 29.0, expected="vCIO Light", id="package-29"),
    case(F.vcio_package, 30, expected="vCIO Basic", id="package-30"),
    case(F.vcio_package, "39", expected="vCIO Basic", id="package-39-text"),
    case(F.vcio_package, 69, expected="vCIO Professional", id="package-69"),
    case(F.vcio_package, 70, expected="vCIO Enterprise", id="package-70"),
    case(F.vcio_package, [[250.0]], expected="vCIO Enterprise", id="package-250-one-cell"),
    case(F.vcio_package, 5, None, "Advisory Lite", expected="Advisory Lite", id="package-own-advisory"),
    # cycle pricing: (4 + 2 + 2 + 2) h × 3 quarters = 30 h × $200 = $6,000 / 12 = $500
    case(F.vcio_cycle_mrr, QUARTERLY_4_2_2_2, [["quarterly"]] * 4, 200.0, expected=500.0, id="cycle-500"),
    case(F.vcio_cycle_mrr, QUARTERLY_4_2_2_2, "quarterly", expected=500.0, id="cycle-one-cycle-for-all"),
    case(F.vcio_cycle_mrr, QUARTERLY_4_2_2_2, [[3.0]] * 4, None, expected=500.0, id="cycle-3-per-year"),
    case(
        F.vcio_cycle_mrr,
        [[4.0, None], [2.0, None], [None, None], [2.0, 2.0]],  # blanks are skipped
        [["Quarterly ", None], ["QUARTERLY", None], [None, None], ["quarterly", "3"]],
        expected=500.0,
        id="cycle-2d-with-holes",
    ),
    # 30 h × $150 = $4,500 / 12 = $375
    case(F.vcio_cycle_mrr, [4, 2, 2, 2], "quarterly", 150, expected=375.0, id="cycle-rate-150"),
    # annual 7 h + quarterly 2 h × 3 + monthly 1.5 h × 12 = 7 + 6 + 18 = 31 h × $200 = $6,200;
    # / 12 = 516.666… → 516.67
    case(
        F.vcio_cycle_mrr,
        [[7.0], [2.0], [1.5]],
        [["annual"], ["quarterly"], ["monthly"]],
        expected=516.67,
        id="cycle-mixed-rounds",
    ),
    # weekly is 48 meeting weeks in the templates: 0.5 h × 48 = 24 h × $200 = $4,800 / 12 = $400
    case(F.vcio_cycle_mrr, [[0.5]], [["weekly"]], expected=400.0, id="cycle-weekly-48"),
    case(F.vcio_cycle_mrr, [[None], [None]], "annual", expected=0.0, id="cycle-all-blank-is-0"),
    # $1,000 MRR × 12 = $12,000 / $200 = 60 h a year
    case(F.vcio_hours, 1000.0, expected=60.0, id="hours-60"),
    case(F.vcio_hours, 1000.0, 150.0, expected=80.0, id="hours-at-150"),  # 12,000 / 150
    case(F.vcio_hours, 1234, None, expected=74.04, id="hours-not-rounded"),  # 14,808 / 200
    # AM ROI, one segment: 10 clients × 0.5 adoption = 5 adopting; labour 5 × 10 h × $45 = 2,250;
    # tool 249 × 12 = 2,988; investment 5,238; revenue 5 × 2,000 + 5 × 100 × 12 + 5 × 250 × 12
    # = 10,000 + 6,000 + 15,000 = 31,000 → ROI 31,000 / 5,238
    case(F.am_roi, 10.0, 0.5, 2000.0, 100.0, 250.0, expected=31000 / 5238, id="roi-defaults"),
    case(F.am_roi, 10, "50%", 2000, 100, 250, None, None, None, expected=31000 / 5238, id="roi-blanks"),
    # the owner at $250/h: labour 5 × 10 × 250 = 12,500; investment 15,488
    case(F.am_roi, 10, 0.5, 2000, 100, 250, 10, 250, 249, expected=31000 / 15488, id="roi-owner"),
    # nothing invested (no clients, free tool) → 0, as the workbook shows
    case(F.am_roi, 0, 0.5, 2000, 100, 250, 10, 45, 0, expected=0.0, id="roi-nothing-invested"),
    # markup on cost: $3,000 × 1.30 = $3,900
    case(F.price_from_markup, 3000.0, 0.30, expected=3900.0, id="markup-30pct"),
    case(F.price_from_markup, "3,000", "30%", expected=3900.0, id="markup-text"),
    case(F.price_from_markup, 19.99, 0.15, expected=22.99, id="markup-rounds"),  # 22.9885 → 22.99
    case(F.price_from_markup, 3000, 0, expected=3000.0, id="markup-0"),
    # margin on price: $3,000 / 0.70 = 4,285.714… → 4,285.71
    case(F.price_from_margin, 3000.0, 0.30, expected=4285.71, id="margin-30pct"),
    case(F.price_from_margin, 3000.0, 0.0, expected=3000.0, id="margin-0"),
    case(F.price_from_margin, 3000.0, 0.999, expected=3_000_000.0, id="margin-999"),  # 3000 / 0.001
    # Replacement dates come back as Excel serials: days since 1899-12-30. 2026-01-01 is serial
    # 46023: 2 days to 1900-01-01, then 1900–2025 = 126 years × 365 + 31 leap days (1904…2024;
    # 1900 is none) = 46,021. So 2026-01-02 = 46024, 2026-01-10 = 46032.
    # Workstation: life 4 years, basis Purchase → 2022-01-02 + 48 months = 2026-01-02
    case(F.lifecycle_replace_date, "2022-01-02", "Workstation", expected=46024.0, id="replace-workstation"),
    case(F.lifecycle_replace_date, dt.datetime(2022, 1, 2), "Workstation", expected=46024.0, id="replace-dt"),
    case(F.lifecycle_replace_date, dt.date(2022, 1, 2), " workstation ", expected=46024.0, id="replace-date"),
    case(F.lifecycle_replace_date, "1/2/2022", "WORKSTATION", expected=46024.0, id="replace-us-text"),
    # a vendor's name for the type, as the policy's aliases know it (NinjaOne, ConnectWise)
    case(F.lifecycle_replace_date, "2022-01-02", "Windows Desktop", expected=46024.0, id="replace-alias"),
    case(
        F.lifecycle_replace_date, "2022-01-02", "managed workstation", expected=46024.0, id="replace-alias-cw"
    ),
    # 2022-01-02 is 4 years (3 × 365 + 366 for 2024 = 1,461 days) before 2026-01-02: 46024 − 1461
    case(F.lifecycle_replace_date, 44563.0, "Workstation", expected=46024.0, id="replace-serial"),
    case(F.lifecycle_replace_date, 44563.75, "Workstation", expected=46024.0, id="replace-serial-time"),
    case(F.lifecycle_replace_date, [[44563.0]], "Workstation", expected=46024.0, id="replace-one-cell"),
    # basis Purchase: the warranty end does not matter
    case(
        F.lifecycle_replace_date, "2022-01-02", "Workstation", "2025-01-02", expected=46024.0, id="replace-w"
    ),
    # Server: basis Warranty → the warranty end, 2026-01-10 = 46024 + 8
    case(
        F.lifecycle_replace_date, "2021-03-15", "Server", "2026-01-10", expected=46032.0, id="replace-server"
    ),
    # Server without a warranty end: purchase + 5 years = 2026-03-15 = 46023 + 31 + 28 + 14
    case(F.lifecycle_replace_date, "2021-03-15", "Server", expected=46096.0, id="replace-server-no-w"),
    # no purchase date: the warranty end, whatever the basis
    case(F.lifecycle_replace_date, None, "Workstation", "2026-01-10", expected=46032.0, id="replace-no-buy"),
    # Laptop: life 4 → 2024-01-31 + 48 months = 2028-01-31 = 46023 + 365 (2026) + 365 (2027) + 30
    case(F.lifecycle_replace_date, "2024-01-31", "Laptop", expected=46783.0, id="replace-laptop"),
    # UPS battery: life 3 → EDATE(2024-02-29, 36) = 2027-02-28 (no 29th) = 46023 + 365 + 31 + 27
    case(F.lifecycle_replace_date, "2024-02-29", "UPS battery", expected=46446.0, id="replace-edate-clamps"),
    # status, measured in days from as_of to the replacement date
    # 2026-01-02 as of 2026-11-22: 324 days past → Overdue
    case(F.lifecycle_status, 46024.0, "2026-11-22", expected="Overdue", id="status-overdue"),
    case(F.lifecycle_status, "2026-01-02", "2026-01-02", expected="Overdue", id="status-on-the-day"),
    case(F.lifecycle_status, "2026-01-02", "2026-01-01", expected="Due ≤ 90 days", id="status-1-day"),
    # 2026-01-01 + 31 + 28 + 31 = 90 days → 2026-04-01
    case(F.lifecycle_status, "2026-04-01", "2026-01-01", expected="Due ≤ 90 days", id="status-90"),
    case(F.lifecycle_status, "2026-04-02", "2026-01-01", expected="Due ≤ 180 days", id="status-91"),
    # + 30 (Apr) + 31 (May) = 151 → 2026-06-01; + 29 = 180 → 2026-06-30
    case(F.lifecycle_status, "2026-06-30", "2026-01-01", expected="Due ≤ 180 days", id="status-180"),
    case(F.lifecycle_status, "2026-07-01", "2026-01-01", expected="Due ≤ 365 days", id="status-181"),
    case(F.lifecycle_status, "2027-01-01", "2026-01-01", expected="Due ≤ 365 days", id="status-365"),
    case(F.lifecycle_status, "2027-01-02", "2026-01-01", expected="OK", id="status-366"),
    case(F.lifecycle_status, None, "2026-01-01", expected="Unknown date", id="status-blank-date"),
    case(F.lifecycle_status, 46024.0, dt.datetime(2025, 1, 1, 9, 30), expected="OK", id="status-datetime"),
    # recurring: $500 live 2026-10; one anniversary by 2027-10 → 500 × 1.05 = 525
    case(F.budget_recurring, 500, "2026-10-01", "2027-10-01", 0.05, expected=525.0, id="recurring-year-2"),
    case(F.budget_recurring, 500, "2026-10-01", "2027-09-01", 0.05, expected=500.0, id="recurring-year-1"),
    case(F.budget_recurring, 500, "2026-10-01", "2026-09-01", 0.05, expected=0.0, id="recurring-before"),
    # the start month counts whatever the day: live 2026-10-15, budgeted 2026-10-01
    case(F.budget_recurring, 500, "2026-10-15", "2026-10-01", 0.05, expected=500.0, id="recurring-month"),
    # two anniversaries: 500 × 1.05² = 500 × 1.1025 = 551.25
    case(F.budget_recurring, 500.0, 46296.0, "2028-11-30", "5%", expected=551.25, id="recurring-year-3"),
    case(F.budget_recurring, 500, "2026-10-01", "2030-10-01", None, expected=500.0, id="recurring-no-rise"),
    # 333.33 × 1.05 = 349.9965 → 350.00
    case(F.budget_recurring, 333.33, "2026-01-01", "2027-01-01", 0.05, expected=350.0, id="recurring-rounds"),
    # 100 × 1.03³ = 100 × 1.092727 = 109.2727 → 109.27
    case(F.budget_recurring, "$100", "1/1/2026", "1/1/2029", 0.03, expected=109.27, id="recurring-3-rises"),
    # RACI rule for one area: exactly one A (A/R counts), at least one R (A/R counts).
    # A and A/R: 2 accountable → several, with the count in brackets
    case(F.raci_check, ["A", "A/R", ""], expected="Several accountable (2)", id="raci-several-a"),
    case(F.raci_check, [["A", "A/R", None]], expected="Several accountable (2)", id="raci-several-a-2d"),
    # A, A, A/R, R: 3 accountable
    case(F.raci_check, [["A"], ["a"], ["A/R"], ["R"]], expected="Several accountable (3)", id="raci-3-a"),
    case(F.raci_check, ["C", "I"], expected="No accountable", id="raci-no-a"),  # 0 A
    case(F.raci_check, [[None, " "]], expected="No accountable", id="raci-blank-row"),  # nothing at all
    case(F.raci_check, ["A"], expected="No responsible", id="raci-no-r"),  # 1 A, 0 R
    case(F.raci_check, "A", expected="No responsible", id="raci-one-cell"),  # the same, one cell
    case(F.raci_check, ["a/r", "c"], expected="OK", id="raci-ar-is-both"),  # A/R: 1 A and 1 R
    case(F.raci_check, ["R", "A", None], expected="OK", id="raci-ok"),  # 1 A, 1 R, blank skipped
    case(F.raci_check, [["r"], [" A "], ["R"], ["i"]], expected="OK", id="raci-column-two-r"),  # 1 A, 2 R
    case(F.raci_check, ["a / r", "AR", "R/A"], expected="Several accountable (3)", id="raci-ar-spellings"),
    # Load on RACI_MATRIX, column by column:
    #   TAM    A, A/R, C   ISP    R, -, R   Office  -, -, A
    # TAM "A,R": row 1 A (yes), row 2 A/R (yes, counted once), row 3 C (no) → 2
    case(F.raci_load, RACI_MATRIX, "TAM", "A,R", expected=2, id="load-tam-a-or-r"),
    case(F.raci_load, RACI_MATRIX, "TAM", None, expected=2, id="load-default-a-r"),  # blank = "A,R"
    case(F.raci_load, RACI_MATRIX, "TAM", "A", expected=2, id="load-tam-a"),  # A, A/R
    case(F.raci_load, RACI_MATRIX, "TAM", "R", expected=1, id="load-tam-r"),  # A/R only
    case(F.raci_load, RACI_MATRIX, "TAM", "C", expected=1, id="load-tam-c"),  # row 3
    case(F.raci_load, RACI_MATRIX, "TAM", "I", expected=0, id="load-tam-i"),  # none
    case(F.raci_load, RACI_MATRIX, "TAM", "A/R", expected=1, id="load-tam-ar-only"),  # row 2 only
    case(F.raci_load, RACI_MATRIX, "TAM", " r , a ", expected=2, id="load-codes-any-case"),  # as A,R
    case(F.raci_load, RACI_MATRIX, "TAM", "A,A/R,R", expected=2, id="load-a-row-counts-once"),
    case(F.raci_load, RACI_MATRIX, "ISP", expected=2, id="load-isp-default"),  # R (row 1), R (row 3)
    case(F.raci_load, RACI_MATRIX, "ISP", "A", expected=0, id="load-isp-a"),
    case(F.raci_load, RACI_MATRIX, "Office", "A", expected=1, id="load-office-a"),  # row 3
    case(F.raci_load, RACI_MATRIX, "tam", expected=2, id="load-party-any-case"),
    case(F.raci_load, RACI_MATRIX, " OFFICE ", "a,r", expected=1, id="load-party-spaces"),
    case(F.raci_load, RACI_MATRIX[:1], "TAM", expected=0, id="load-header-only"),
    # a column added to the right with fewer cells (a ragged list from Python) reads as blank
    case(F.raci_load, [["TAM", "MSP"], ["A", "R"], ["R"]], "MSP", "R", expected=1, id="load-ragged"),
    # only the header row and the party's column are read: ISP's typo does not matter to TAM
    case(F.raci_load, [["TAM", "ISP"], ["A", "Q"]], "TAM", expected=1, id="load-own-column-only"),
    # a number as a party name is compared as its text
    case(F.raci_load, [[2024.0, "TAM"], ["A/R", "C"]], "2024", expected=1, id="load-numeric-header"),
]


@pytest.mark.parametrize(("fn", "args", "expected"), WORKED)
def test_worked_examples(fn: Callable[..., Any], args: tuple[Any, ...], expected: Any) -> None:
    got = fn(*args)
    assert type(got) is type(expected), got
    if isinstance(expected, float) and not float(expected * 100).is_integer():
        assert got == pytest.approx(expected, rel=1e-12)
    else:
        assert got == expected


def test_money_results_are_plain_floats() -> None:
    for got in (F.vcio_price(5000), F.price_from_margin(3000, 0.3), F.vcio_cycle_mrr([4], "annual")):
        assert type(got) is float


# --- the #XLE! error contract -------------------------------------------------------------------

ERRORS = [
    case(F.vcio_price, -5.0, expected="msp_mrr must be ≥ 0, got -5", id="negative-money"),
    case(F.vcio_price, "-$5", expected="msp_mrr must be ≥ 0, got '-$5'", id="negative-money-text"),
    case(F.vcio_price, None, expected="msp_mrr is required", id="required-blank"),
    case(F.vcio_price, "  ", expected="msp_mrr is required", id="required-empty-text"),
    case(F.vcio_price, True, expected="msp_mrr must be a number, got the logical value TRUE", id="bool"),
    case(F.vcio_price, math.nan, expected="msp_mrr must be a finite number, got nan", id="nan"),
    case(F.vcio_price, math.inf, expected="msp_mrr must be a finite number, got inf", id="inf"),
    case(F.vcio_price, "abc", expected="msp_mrr must be a number, got 'abc'", id="text"),
    case(F.vcio_price, "#N/A", expected="msp_mrr is an error value: #N/A", id="excel-error"),
    case(
        F.vcio_price,
        dt.datetime(2026, 3, 31),
        expected="msp_mrr must be a number, got the date 2026-03-31",
        id="date",
    ),
    case(
        F.vcio_price,
        [[1.0, 2.0]],
        expected="msp_mrr takes a single value, got a range of 2 cells",
        id="range-for-a-value",
    ),
    case(
        F.vcio_price,
        5000,
        20,
        expected="ratio must be between 0 and 1 (20 % is 0.2 or 20%), got 20",
        id="ratio-as-percent-number",
    ),
    case(F.vcio_price, 1e300, expected="the numbers are too large to compute to the cent", id="huge"),
    case(F.vcio_package, 12.5, expected="employees must be a whole number, got 12.5", id="fractional-people"),
    case(F.vcio_package, -1, expected="employees must be ≥ 0, got -1", id="negative-people"),
    case(
        F.vcio_package,
        False,
        expected="employees must be a number, got the logical value FALSE",
        id="bool-false",
    ),
    case(
        F.vcio_package,
        40,
        7.0,
        expected="packages_range must be a two-column range: package name | minimum employees",
        id="packages-not-a-range",
    ),
    case(
        F.vcio_package,
        40,
        [["A", 10.0], ["B", 10.0]],
        expected="packages_range row 2: 'B' and 'A' both start at 10 employees",
        id="packages-same-minimum",
    ),
    case(
        F.vcio_cycle_mrr,
        [[4.0]],
        [["fortnightly"]],
        expected="cycles_range cell 1: unknown cycle 'fortnightly'; use annual, quarterly, monthly, "
        "weekly or a number of occurrences per year",
        id="unknown-cycle",
    ),
    case(
        F.vcio_cycle_mrr,
        [[4.0], [2.0]],
        [["annual"], [None]],
        expected="cycles_range cell 2 is blank; give the cycle of the 2 h",
        id="hours-without-cycle",
    ),
    case(
        F.vcio_cycle_mrr,
        [[4.0], [2.0], [2.0]],
        [["annual"], ["annual"]],
        expected="hours_range has 3 cells but cycles_range has 2; "
        "give one cycle per hours cell, or a single cycle for all",
        id="ranges-differ",
    ),
    case(F.vcio_cycle_mrr, [[-4.0]], "annual", expected="hours_range cell 1 must be ≥ 0, got -4", id="neg-h"),
    case(F.vcio_cycle_mrr, None, "annual", expected="hours_range is required", id="no-hours"),
    case(
        F.vcio_cycle_mrr,
        [[1.0]],
        [[400.0]],
        expected="cycles_range cell 1 must be at most 366 occurrences per year, got 400",
        id="too-many-occurrences",
    ),
    case(F.vcio_hours, 1000, 0, expected="rate must be > 0, got 0", id="zero-rate"),
    case(F.vcio_hours, -1000, expected="mrr must be ≥ 0, got -1000", id="negative-mrr"),
    # 1e308 × 12 / 1e-300 is a fine Decimal but no float: Excel would get inf
    case(F.vcio_hours, 1e308, 1e-300, expected="the result is too large for Excel", id="inf-result"),
    case(
        F.vcio_package,
        5,
        None,
        True,
        expected="advisory_name must be text, got the logical value TRUE",
        id="advisory-bool",
    ),
    case(
        F.vcio_package,
        5,
        [["x" * 256, 1.0]],
        expected="packages_range row 1 (name) must be at most 255 characters, got 256",
        id="package-name-too-long",
    ),
    case(F.am_roi, 10.5, 0.5, 1, 1, 1, expected="clients must be a whole number, got 10.5", id="clients"),
    case(
        F.am_roi,
        10,
        1.5,
        1,
        1,
        1,
        expected="adoption must be between 0 and 1 (20 % is 0.2 or 20%), got 1.5",
        id="adoption",
    ),
    case(F.am_roi, 10, 0.5, 1, -1, 1, expected="added_mrr must be ≥ 0, got -1", id="negative-added-mrr"),
    case(F.price_from_markup, 3000, -0.1, expected="markup must be ≥ 0, got -0.1", id="negative-markup"),
    case(F.price_from_markup, -3000, 0.3, expected="cost must be ≥ 0, got -3000", id="negative-cost"),
    case(
        F.price_from_margin,
        3000,
        1.0,
        expected="margin must be below 1 (100 %): no price carries that margin, got 1",
        id="margin-100pct",
    ),
    case(
        F.price_from_margin,
        3000,
        1.5,
        expected="margin must be below 1 (100 %): no price carries that margin, got 1.5",
        id="margin-150pct",
    ),
    case(F.price_from_margin, 3000, -0.2, expected="margin must be ≥ 0, got -0.2", id="negative-margin"),
    case(
        F.lifecycle_replace_date,
        "2022-01-02",
        "Toaster",
        expected="unknown asset type 'Toaster'; the policy has Workstation, Laptop, Server, Storage, "
        "Switch, Firewall, Wireless AP, UPS battery, Printer",
        id="unknown-asset-type",
    ),
    case(
        F.lifecycle_replace_date,
        None,
        "Laptop",
        expected="purchase_date is required (or give warranty_end)",
        id="no-dates",
    ),
    case(F.lifecycle_replace_date, "2022-01-02", " ", expected="asset_type is required", id="no-type"),
    case(
        F.lifecycle_replace_date,
        "next year",
        "Laptop",
        expected="purchase_date must be a date (e.g. 2026-03-31), got 'next year'",
        id="date-text",
    ),
    case(
        F.lifecycle_replace_date,
        True,
        "Laptop",
        expected="purchase_date must be a date, got the logical value TRUE",
        id="date-bool",
    ),
    case(
        F.lifecycle_replace_date,
        "#N/A",
        "Laptop",
        expected="purchase_date is an error value: #N/A",
        id="d-na",
    ),
    case(
        F.lifecycle_replace_date,
        -5.0,
        "Laptop",
        expected="purchase_date must be a date or a date serial number from 61 (1900-03-01) to "
        "2958465 (9999-12-31), got -5",
        id="date-negative-serial",
    ),
    case(
        F.lifecycle_replace_date,
        math.nan,
        "Laptop",
        expected="purchase_date must be a date or a date serial number from 61 (1900-03-01) to "
        "2958465 (9999-12-31), got nan",
        id="date-nan",
    ),
    case(
        F.lifecycle_replace_date,
        "1900-01-15",
        "Laptop",
        expected="purchase_date must be on or after 1900-03-01 (Excel's serial 61), got 1900-01-15",
        id="date-before-excel",
    ),
    case(
        F.lifecycle_replace_date,
        "9999-01-01",
        "Laptop",
        expected="9999-01-01 + 4 years is after 9999-12-31, the last date Excel shows",
        id="date-after-excel",
    ),
    case(
        F.lifecycle_replace_date,
        "2022-01-02",
        dt.datetime(2022, 1, 2),
        expected="asset_type must be text, got the date 2022-01-02",
        id="type-is-a-date",
    ),
    case(
        F.lifecycle_replace_date,
        "2022-01-02",
        "Laptop",
        [["2026-01-01", "2027-01-01"]],
        expected="warranty_end takes a single value, got a range of 2 cells",
        id="warranty-range",
    ),
    case(F.lifecycle_status, "#DIV/0!", expected="replace_date is an error value: #DIV/0!", id="status-err"),
    case(
        F.lifecycle_status,
        "2026-01-02",
        "soon",
        expected="as_of must be a date (e.g. 2026-03-31), got 'soon'",
        id="status-bad-as-of",
    ),
    case(
        F.budget_recurring,
        -500,
        "2026-10-01",
        "2027-10-01",
        expected="amount must be ≥ 0, got -500",
        id="neg",
    ),
    case(F.budget_recurring, 500, None, "2027-10-01", expected="start is required", id="recurring-no-start"),
    case(F.budget_recurring, 500, "2026-10-01", "", expected="month is required", id="recurring-no-month"),
    case(
        F.budget_recurring,
        500,
        "2026-10-01",
        "2027-10-01",
        5,
        expected="increase must be between 0 and 1 (20 % is 0.2 or 20%), got 5",
        id="increase-as-percent-number",
    ),
    case(
        F.raci_check,
        ["A", "X"],
        expected="row_range has an invalid code 'X' (use R, A, C, I or A/R)",
        id="raci-invalid-code",
    ),
    case(
        F.raci_check,
        [[" a r x "]],
        expected="row_range has an invalid code 'a r x' (use R, A, C, I or A/R)",
        id="raci-invalid-code-spaces",
    ),
    case(
        F.raci_check,
        [["R"], [1.0]],
        expected="row_range has an invalid code 1 (use R, A, C, I or A/R)",
        id="raci-number",
    ),
    case(
        F.raci_check,
        [[True]],
        expected="row_range has an invalid code TRUE (use R, A, C, I or A/R)",
        id="raci-bool",
    ),
    case(F.raci_check, ["A", "#N/A"], expected="row_range holds an error value: #N/A", id="raci-err"),
    case(F.raci_check, None, expected="row_range is required", id="raci-blank"),
    case(
        F.raci_check,
        [["A", "R"], ["C", "I"]],
        expected="row_range must be one row or one column (one area across the parties), "
        "got 2 rows × 2 columns",
        id="raci-block",
    ),
    case(
        F.raci_load,
        RACI_MATRIX,
        "X",
        expected="no party 'X' in the header row of matrix_range",
        id="load-no-x",
    ),
    case(
        F.raci_load,
        [["TAM", " tam"], ["A", "R"]],
        "TAM",
        expected="party 'TAM' appears more than once in the header row of matrix_range",
        id="load-party-twice",
    ),
    case(
        F.raci_load,
        RACI_MATRIX,
        "TAM",
        "A;R",
        expected="codes has an invalid code 'A;R' (use R, A, C, I or A/R, separated by commas)",
        id="load-codes-semicolon",
    ),
    case(
        F.raci_load,
        RACI_MATRIX,
        "TAM",
        "A,X",
        expected="codes has an invalid code 'X' (use R, A, C, I or A/R, separated by commas)",
        id="load-codes-invalid",
    ),
    case(
        F.raci_load,
        RACI_MATRIX,
        "TAM",
        " , ",
        expected="codes names no code (use R, A, C, I or A/R, separated by commas)",
        id="load-codes-none",
    ),
    case(
        F.raci_load,
        RACI_MATRIX,
        "TAM",
        1.0,
        expected="codes has an invalid code '1' (use R, A, C, I or A/R, separated by commas)",
        id="load-codes-number",
    ),
    case(
        F.raci_load,
        [["TAM", "ISP"], ["A", "R"], ["Q", "R"]],
        "TAM",
        expected="matrix_range row 3 has an invalid code 'Q' (use R, A, C, I or A/R)",
        id="load-invalid-cell",
    ),
    case(
        F.raci_load,
        [["TAM", "#REF!"], ["A", "R"]],
        "TAM",
        expected="matrix_range row 1 holds an error value: #REF!",
        id="load-header-error",
    ),
    case(
        F.raci_load,
        [["TAM"], ["#N/A"]],
        "TAM",
        expected="matrix_range row 2 holds an error value: #N/A",
        id="load-cell-error",
    ),
    case(F.raci_load, None, "TAM", expected="matrix_range is required", id="load-no-range"),
    case(F.raci_load, RACI_MATRIX, None, expected="party is required", id="load-no-party"),
    case(
        F.raci_load,
        RACI_MATRIX,
        True,
        expected="party must be text, got the logical value TRUE",
        id="load-party-bool",
    ),
]


@pytest.mark.parametrize(("fn", "args", "expected"), ERRORS)
def test_errors_are_readable_values(fn: Callable[..., Any], args: tuple[Any, ...], expected: str) -> None:
    assert fn(*args) == F.ERROR_PREFIX + expected


def test_wrong_number_of_arguments_is_an_error_value() -> None:
    got = F.vcio_price(1, 2, 3)
    assert isinstance(got, str)
    assert got.startswith("#XLE! VCIO_PRICE: ")


def test_an_unexpected_failure_is_an_error_value(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(F, "_vcio_price", boom)
    assert F.vcio_price(5000) == "#XLE! unexpected error in VCIO_PRICE: RuntimeError: boom"


def test_an_error_from_another_function_is_refused_by_name() -> None:
    upstream = F.vcio_price(-5)
    assert F.vcio_hours(upstream) == f"#XLE! mrr is an error value: {upstream}"


def test_markup_and_margin_are_not_mixed() -> None:
    # DOMAIN §3: the same 30 % gives $3,900 as a markup on cost and $4,285.71 as a margin
    assert F.price_from_markup(3000, 0.3) == 3900.0
    assert F.price_from_margin(3000, 0.3) == 4285.71
    # a 30 % markup is a 0.3 / 1.3 = 23.08 % margin: both give $3,900
    assert F.price_from_margin(3000, "23.076923076923%") == 3900.0


def test_serial_numbers_are_days_since_excels_day_zero() -> None:
    # Excel (1900 system) counts 1900-01-01 as 1 with a phantom 1900-02-29, so from March 1900
    # on a serial is the number of days since 1899-12-30
    assert (dt.date(2026, 1, 2) - dt.date(1899, 12, 30)).days == 46024
    assert F.lifecycle_replace_date("2022-01-02", "Workstation") == 46024.0
    assert type(F.lifecycle_replace_date("2022-01-02", "Workstation")) is float
    # serial 61 is 1900-03-01, the first date both calendars agree on
    assert F.lifecycle_status(61.0, "1900-03-01") == "Overdue"


def test_a_replacement_date_feeds_the_status() -> None:
    # Workstation bought 2022-01-02 → replaced 2026-01-02; as of 2026-11-22 that is overdue
    replace = F.lifecycle_replace_date("2022-01-02", "Workstation")
    assert F.lifecycle_status(replace, "2026-11-22") == "Overdue"
    # as of 2025-11-22 it is 41 days away (8 left in Nov + 31 in Dec + 2): due within 90 days
    assert F.lifecycle_status(replace, "2025-11-22") == "Due ≤ 90 days"
    upstream = F.lifecycle_replace_date("2022-01-02", "Toaster")
    assert F.lifecycle_status(upstream) == f"#XLE! replace_date is an error value: {upstream}"


def test_blank_as_of_is_today() -> None:
    today = dt.date.today()
    assert F.lifecycle_status(today + dt.timedelta(days=30)) == "Due ≤ 90 days"
    assert F.lifecycle_status(today + dt.timedelta(days=400), None) == "OK"
    assert F.lifecycle_status(today, "") == "Overdue"


# --- help text -----------------------------------------------------------------------------------


def test_every_function_and_argument_has_help() -> None:
    assert set(F.HELP) == EXPECTED_FUNCTIONS
    for name, info in F.HELP.items():
        fn = getattr(F, name)
        params = list(inspect.signature(fn).parameters)
        assert list(info.args) == params, name
        assert info.summary and len(info.summary) <= 255, name
        for arg, text in info.args.items():
            assert len(text.strip()) >= 10, (name, arg)
            assert f"    {arg}: {text}" in (fn.__doc__ or ""), (name, arg)


def test_help_must_cover_every_parameter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(F, "HELP", {})
    with pytest.raises(TypeError, match="help given for"):

        @F.excel_function(a="The first one.")
        def two(a: F.ExcelInput, b: F.ExcelInput) -> str:
            """Two arguments, one documented."""
            return "never"


# --- the firm's templates ------------------------------------------------------------------------


def test_built_in_defaults_mirror_the_shipped_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XL_ENGAGE_TEMPLATES", raising=False)
    loaded = F.pricing_defaults()
    assert loaded is not F.BUILT_IN_DEFAULTS, "the shipped templates/pricing.toml should load"
    built_in = F.BUILT_IN_DEFAULTS
    assert [(p.name, p.min_employees) for p in loaded.packages] == [
        (p.name, p.min_employees) for p in built_in.packages
    ]
    assert loaded.cycles == built_in.cycles == {"annual": 1, "quarterly": 3, "monthly": 12, "weekly": 48}
    assert loaded.advisory_name == built_in.advisory_name == "Client Advisory"


def test_a_firms_folder_lacking_a_file_uses_the_bundled_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path))  # an empty folder of the firm's
    F.pricing_defaults.cache_clear()
    loaded = F.pricing_defaults()
    assert loaded is not F.BUILT_IN_DEFAULTS and loaded.source.endswith("pricing.toml")
    F.pricing_defaults.cache_clear()


def test_missing_templates_fall_back_to_built_in(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path / "nowhere"))
    # a firm's folder that lacks a file uses the bundled one; only without both, the built-in
    monkeypatch.setattr("xl_engage.templates.DEFAULT_TEMPLATES", tmp_path / "no-bundle")
    assert F.pricing_defaults() is F.BUILT_IN_DEFAULTS
    assert F.vcio_package(25) == "vCIO Light"
    # 10 h × 3 × $200 / 12 = $500, from the built-in cycles
    assert F.vcio_cycle_mrr([[10.0]], "quarterly") == 500.0


def test_a_firms_own_templates_are_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "pricing.toml").write_text(
        """
[settings]
advisory_name = "IT Check-up"
[[cycles]]
name = "weekly"
per_year = 52
[[cycles]]
name = "twice a year"
per_year = 2
[[packages]]
name = "Starter"
min_employees = 5
[[packages]]
name = "Scale"
min_employees = 50
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path))
    assert F.vcio_package(4) == "IT Check-up"
    assert F.vcio_package(49) == "Starter"
    assert F.vcio_package(50) == "Scale"
    # 1 h × 52 weeks × $100 = $5,200 / 12 = 433.333… → 433.33
    assert F.vcio_cycle_mrr([[1.0]], "weekly", 100) == 433.33
    # 3 h × 2 × $200 = $1,200 / 12 = $100
    assert F.vcio_cycle_mrr([[3.0]], "Twice a Year") == 100.0
    assert F.vcio_cycle_mrr([[3.0]], "quarterly").startswith("#XLE! cycles_range cell 1: unknown cycle")


def test_built_in_policy_mirrors_the_shipped_lifecycle_template(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XL_ENGAGE_TEMPLATES", raising=False)
    loaded = F.lifecycle_defaults()
    assert loaded is not F.BUILT_IN_LIFECYCLE, "the shipped templates/lifecycle.toml should load"
    assert [(r.asset_type, r.life_years, r.basis) for r in loaded.policy] == [
        (r.asset_type, r.life_years, r.basis) for r in F.BUILT_IN_LIFECYCLE.policy
    ]
    assert F.lifecycle_defaults() is loaded  # read once


def test_missing_lifecycle_policy_falls_back_to_built_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path / "nowhere"))
    # a firm's folder that lacks a file uses the bundled one; only without both, the built-in
    monkeypatch.setattr("xl_engage.templates.DEFAULT_TEMPLATES", tmp_path / "no-bundle")
    assert F.lifecycle_defaults() is F.BUILT_IN_LIFECYCLE
    # Workstation, life 4 from the built-in policy: 2022-01-02 → 2026-01-02 = 46024
    assert F.lifecycle_replace_date("2022-01-02", "Workstation") == 46024.0
    assert F.lifecycle_replace_date("2021-03-15", "Server", "2026-01-10") == 46032.0


def test_a_firms_own_lifecycle_policy_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "lifecycle.toml").write_text(
        """
[[policy]]
asset_type = "Workstation"
life_years = 5
[[policy]]
asset_type = "Server"
life_years = 6
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path))
    # Workstation, life 5: 2022-01-02 → 2027-01-02 = 46024 + 365 (2026)
    assert F.lifecycle_replace_date("2022-01-02", "Workstation") == 46389.0
    # Server on a Purchase basis here: 2021-03-15 + 6 years = 2027-03-15 = 46096 + 365
    assert F.lifecycle_replace_date("2021-03-15", "Server", "2026-01-10") == 46461.0
    assert F.lifecycle_replace_date("2022-01-02", "Laptop") == (
        "#XLE! unknown asset type 'Laptop'; the policy has Workstation, Server"
    )


def test_an_invalid_lifecycle_policy_falls_back_to_built_in(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "lifecycle.toml").write_text('[[policy]]\nasset_type = "Laptop"\nlife_years = 0\n')
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path))
    assert F.lifecycle_defaults() is F.BUILT_IN_LIFECYCLE


def test_a_package_table_may_have_a_header_and_blank_rows() -> None:
    table = [["Package", "Min people"], ["Small", 10.0], [None, None], ["Big", 50.0]]
    assert F.vcio_package(9, table) == "Client Advisory"
    assert F.vcio_package(10, table) == "Small"
    assert F.vcio_package(60, table, "Ask us") == "Big"


# --- properties against independent arithmetic ---------------------------------------------------


def _half_up(value: Fraction) -> int:
    """Round a non-negative exact fraction to a whole number, half away from zero."""
    return math.floor(value + Fraction(1, 2))


@given(cents=st.integers(min_value=0, max_value=10**11))
def test_twenty_percent_rule_matches_integer_arithmetic(cents: int) -> None:
    msp_mrr = cents / 100
    expected_cents = _half_up(Fraction(cents) * Fraction(1, 5))
    assert round(F.vcio_price(msp_mrr) * 100) == expected_cents


@settings(deadline=None)
@given(
    lines=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=400),  # quarter hours
            st.sampled_from([("annual", 1), ("quarterly", 3), ("monthly", 12), ("weekly", 48)]),
        ),
        min_size=1,
        max_size=12,
    ),
    rate=st.integers(min_value=1, max_value=400),
)
def test_cycle_mrr_matches_exact_fractions(lines: list[tuple[int, tuple[str, int]]], rate: int) -> None:
    hours = [[q / 4] for q, _ in lines]
    cycles = [[name] for _, (name, _) in lines]
    annual = sum(Fraction(q, 4) * per_year for q, (_, per_year) in lines) * rate
    expected_cents = _half_up(annual * 100 / 12)
    assert round(F.vcio_cycle_mrr(hours, cycles, rate) * 100) == expected_cents


@given(
    cost_cents=st.integers(min_value=0, max_value=10**9),
    percent=st.integers(min_value=0, max_value=300),
)
def test_markup_equals_its_equivalent_margin(cost_cents: int, percent: int) -> None:
    # markup m on cost = margin m / (1 + m) on price: the same price, to the cent
    markup = Fraction(percent, 100)
    margin = markup / (1 + markup)
    by_markup = F.price_from_markup(cost_cents / 100, percent / 100)
    by_margin = F.price_from_margin(cost_cents / 100, f"{float(margin):.17f}")
    assert by_markup == _half_up(Fraction(cost_cents) * (1 + markup)) / 100
    assert abs(by_markup - by_margin) <= 0.01 + 1e-9


def _months(day: dt.date) -> int:
    return day.year * 12 + day.month - 1


@given(
    cents=st.integers(min_value=0, max_value=10**8),  # up to $1,000,000
    percent=st.integers(min_value=0, max_value=20),
    start=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31)),
    months=st.integers(min_value=-36, max_value=12 * 15),
)
def test_recurring_matches_exact_fractions(cents: int, percent: int, start: dt.date, months: int) -> None:
    # any day of the month `months` after the go-live month
    year, month0 = divmod(_months(start) + months, 12)
    month = dt.date(year, month0 + 1, min(start.day, 28))
    # whole years since the go-live month, counted in months: one rise per anniversary
    elapsed = _months(month) - _months(start)
    if elapsed < 0:
        expected_cents = 0
    else:
        expected_cents = _half_up(Fraction(cents) * (1 + Fraction(percent, 100)) ** (elapsed // 12))
    got = F.budget_recurring(cents / 100, start, month, f"{percent}%")
    assert round(got * 100) == expected_cents


@given(
    replace=st.dates(min_value=dt.date(1903, 1, 1), max_value=dt.date(9000, 12, 31)),
    days=st.integers(min_value=-1000, max_value=1000),
)
def test_status_follows_the_days_left(replace: dt.date, days: int) -> None:
    as_of = replace - dt.timedelta(days=days)
    expected = (
        "Overdue"
        if days <= 0
        else "Due ≤ 90 days"
        if days <= 90
        else "Due ≤ 180 days"
        if days <= 180
        else "Due ≤ 365 days"
        if days <= 365
        else "OK"
    )
    serial = float((replace - dt.date(1899, 12, 30)).days)
    assert F.lifecycle_status(serial, as_of) == F.lifecycle_status(replace, as_of.isoformat()) == expected


RACI_CELL = st.sampled_from(["R", "A", "C", "I", "A/R", "r", "a", "a/r", " A / R ", "AR", None, "", " "])


def _raci_code(cell: str | None) -> str | None:
    """The code a cell holds, written out independently of the library."""
    if cell is None or not cell.strip():
        return None
    text = cell.replace(" ", "").upper()
    return "A/R" if text in ("A/R", "AR") else text


@given(row=st.lists(RACI_CELL, max_size=8))
def test_raci_check_counts_accountable_and_responsible(row: list[str | None]) -> None:
    codes = [c for c in map(_raci_code, row) if c]
    a_count = sum(c in ("A", "A/R") for c in codes)
    r_count = sum(c in ("R", "A/R") for c in codes)
    expected = (
        "No accountable"
        if a_count == 0
        else f"Several accountable ({a_count})"
        if a_count > 1
        else "No responsible"
        if r_count == 0
        else "OK"
    )
    assert F.raci_check(row) == F.raci_check([[c] for c in row]) == expected


@settings(deadline=None)
@given(
    matrix=st.integers(min_value=1, max_value=4).flatmap(
        lambda parties: st.lists(st.lists(RACI_CELL, min_size=parties, max_size=parties), max_size=8)
    )
)
def test_raci_functions_agree_with_the_matrix_calculation(matrix: list[list[str | None]]) -> None:
    parties = [f"Party {j}" for j in range(len(matrix[0]) if matrix else 1)]
    book = RaciBook(
        client="Client",
        parties=[{"name": p} for p in parties],
        areas=[
            {
                "category": "IT",
                "name": f"Area {i}",
                "codes": {p: c for p, c in zip(parties, row, strict=True) if _raci_code(c)},
            }
            for i, row in enumerate(matrix)
        ],
    )
    results = calculate(book)
    for row, area in zip(matrix, results.areas, strict=True):
        got = F.raci_check(row)
        assert got.split(" (")[0] == area.status
        assert got.endswith(f"({area.a_count})") == (area.a_count > 1)
    block = [parties, *matrix]
    for party, load in zip(parties, results.parties, strict=True):
        assert F.raci_load(block, party, "A") == load.a_count
        assert F.raci_load(block, party.upper(), "R") == load.r_count
        assert F.raci_load(block, party, "C") == load.c_count
        assert F.raci_load(block, party, "I") == load.i_count
        # A,R counts each row once: A + R − the A/R rows counted by both
        both = sum(_raci_code(row[parties.index(party)]) == "A/R" for row in matrix)
        assert F.raci_load(block, party) == load.a_count + load.r_count - both


def test_built_in_playbook_mirrors_the_shipped_template(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("XL_ENGAGE_TEMPLATES", raising=False)
    loaded = F.playbook_defaults()
    assert loaded is not F.BUILT_IN_PLAYBOOK, "the shipped templates/playbook.toml should load"
    strip = [(r.name, r.min_complexity, r.meetings_per_year, r.touches_per_month) for r in loaded.cadence]
    assert strip == [
        (r.name, r.min_complexity, r.meetings_per_year, r.touches_per_month)
        for r in F.BUILT_IN_PLAYBOOK.cadence
    ]
    assert loaded.settings == F.BUILT_IN_PLAYBOOK.settings
    F.playbook_defaults.cache_clear()
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path / "nowhere"))
    # a firm's folder that lacks a file uses the bundled one; only without both, the built-in
    monkeypatch.setattr("xl_engage.templates.DEFAULT_TEMPLATES", tmp_path / "no-bundle")
    assert F.playbook_defaults() is F.BUILT_IN_PLAYBOOK
    assert F.meeting_cadence(1500, 12, 8, "meetings") == 6


def test_a_firms_own_cadence_rules_are_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "playbook.toml").write_text(
        """
[settings]
capacity_clients = 30
[[cadence]]
name = "Large office"
min_users = 50
meetings_per_year = 12
touches_per_month = 3
[[cadence]]
name = "Everyone else"
meetings_per_year = 4
touches_per_month = 1
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path))
    assert F.meeting_cadence(6500, 52, 3) == "12 meetings a year, 3 touches a month (Large office)"
    assert F.meeting_cadence(6500, None, 3, "rule") == "Everyone else"  # unknown users count as 0
    assert F.vcio_capacity(34, 100000) == "Over capacity"  # 34 > 30 × 1.1


def test_variance_flag_takes_the_firms_tolerances(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XL_ENGAGE_TEMPLATES", raising=False)
    assert F.variance_defaults() is not F.BUILT_IN_VARIANCE, (
        "the shipped templates/reconcile.toml should load"
    )
    assert F.variance_defaults().tolerance_amount == F.BUILT_IN_VARIANCE.tolerance_amount
    F.variance_defaults.cache_clear()
    (tmp_path / "reconcile.toml").write_text("[settings]\ntolerance_amount = 50\ntolerance_pct = 0.02\n")
    monkeypatch.setenv("XL_ENGAGE_TEMPLATES", str(tmp_path))
    assert F.variance_flag(1080, 1000) == "Red"  # +80: beyond $50 and beyond 2 %
    assert F.variance_flag(1080, 1000, 100) == "Green"  # an argument beats the template
