"""Account-management ROI, pure and exact (DOMAIN.md §1).

Per segment: adopting clients = clients × adoption (an expected value, not rounded);
labour = adopting × hours per account × rate; the tool's yearly cost is shared between
segments by adopting clients; investment = labour + tool share; added revenue = adopting ×
(project revenue + MRR × 12 + services MRR × 12); ROI = added revenue / investment (0 when
nothing is invested). Overall: the same over all segments, and revenue growth = added
revenue / current revenue.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xl_engage.issues import Problem
from xl_engage.models.base import duplicates
from xl_engage.models.roi import RoiBook, RoiSettings, Segment

ZERO = Decimal(0)


@dataclass(frozen=True)
class SegmentResult:
    adopting: Decimal
    labour_cost: Decimal
    tool_share: Decimal
    investment: Decimal
    added_projects: Decimal
    added_mrr_annual: Decimal
    added_services_annual: Decimal
    added_revenue: Decimal
    roi: Decimal


@dataclass(frozen=True)
class RoiResults:
    segments: tuple[SegmentResult, ...]
    rate: Decimal
    adopting: Decimal
    labour_cost: Decimal
    tool_cost: Decimal
    investment: Decimal
    added_projects: Decimal
    added_mrr_annual: Decimal
    added_services_annual: Decimal
    added_revenue: Decimal
    roi: Decimal
    current_revenue: Decimal
    growth: Decimal


def ratio(numerator: Decimal, denominator: Decimal) -> Decimal:
    """numerator / denominator, 0 when the denominator is 0 (the workbook shows 0, too)."""
    return numerator / denominator if denominator else ZERO


def effective_rate(s: RoiSettings) -> Decimal:
    """The AM's internal rate, or the owner's hourly value when the owner does the work."""
    return s.owner_rate if s.owner_does_am else s.am_rate


def segment_roi(
    seg: Segment,
    hours: Decimal,
    rate: Decimal,
    tool_share: Decimal,
) -> SegmentResult:
    adopting = seg.clients * seg.adoption
    labour = adopting * hours * rate
    projects = adopting * seg.added_project_revenue
    mrr = adopting * seg.added_mrr * 12
    services = adopting * seg.added_services_mrr * 12
    added = projects + mrr + services
    investment = labour + tool_share
    return SegmentResult(
        adopting,
        labour,
        tool_share,
        investment,
        projects,
        mrr,
        services,
        added,
        ratio(added, investment),
    )


def calculate(book: RoiBook) -> RoiResults:
    s = book.settings
    rate = effective_rate(s)
    tool = s.tool_cost_month * 12
    adopting = sum((seg.clients * seg.adoption for seg in book.segments), ZERO)
    segs = tuple(
        segment_roi(seg, s.hours_per_account, rate, ratio(tool * seg.clients * seg.adoption, adopting))
        for seg in book.segments
    )
    labour = sum((r.labour_cost for r in segs), ZERO)
    projects = sum((r.added_projects for r in segs), ZERO)
    mrr = sum((r.added_mrr_annual for r in segs), ZERO)
    services = sum((r.added_services_annual for r in segs), ZERO)
    added = projects + mrr + services
    investment = labour + tool
    current = s.current_arr + s.current_project_revenue + s.current_services_revenue
    return RoiResults(
        segs,
        rate,
        adopting,
        labour,
        tool,
        investment,
        projects,
        mrr,
        services,
        added,
        ratio(added, investment),
        current,
        ratio(added, current),
    )


def check(book: RoiBook) -> list[Problem]:
    names = [s.name for s in book.segments]
    out = [
        Problem(("segments", i, "name"), f"segment {names[i]!r} appears more than once")
        for idxs in duplicates(names).values()
        for i in idxs[1:]
    ]
    if not book.segments:
        out.append(Problem(("segments",), "there are no client segments"))
    return out
