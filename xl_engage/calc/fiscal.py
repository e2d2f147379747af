"""The client's fiscal calendar: months, fiscal quarters and years, and their labels.

A budget starts on the first month of a fiscal year. A month's *period* is its position in
the budget (1 = the first month); quarters and years of the budget are fiscal quarters and
years. A fiscal year is named by the calendar year in which it ends (April 2026 – March
2027 is FY2027), the common US convention; a January year is its own calendar year.
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """Excel's EDATE: the same day ``months`` later, clamped to the month's last day."""
    total = day.year * 12 + day.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period(month: dt.date, start: dt.date) -> int:
    """Position of ``month`` in the budget: the start month is 1."""
    return (month.year - start.year) * 12 + month.month - start.month + 1


def budget_quarter(p: int) -> int:
    return (p - 1) // 3 + 1


def budget_year(p: int) -> int:
    return (p - 1) // 12 + 1


def fiscal_year(month: dt.date, fy_start_month: int) -> int:
    return month.year + (1 if fy_start_month > 1 and month.month >= fy_start_month else 0)


def fiscal_quarter(month: dt.date, fy_start_month: int) -> int:
    return (month.month - fy_start_month) % 12 // 3 + 1


def quarter_label(month: dt.date, fy_start_month: int) -> str:
    return f"FY{fiscal_year(month, fy_start_month)} Q{fiscal_quarter(month, fy_start_month)}"


def month_label(month: dt.date) -> str:
    return month.strftime("%b %Y")
