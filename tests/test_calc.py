"""Table-driven calculation tests with the worked numbers of DOMAIN.md §1–2."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from xl_engage.calc import pricing, roi
from xl_engage.models.pricing import Cycle, Package, PricingBook, ServiceLine
from xl_engage.money import parse_money, round_money


@pytest.mark.parametrize(
    ("msp_mrr", "ratio", "expected"),
    [
        (D("5000"), D("0.20"), D("1000.00")),  # DOMAIN: 40 users × $125 = $5,000 → $1,000
        (D("2000"), D("0.20"), D("400.00")),  # the viability example: $2,000 MSP MRR → $400
        (D("1234.56"), D("0.20"), D("246.91")),  # 246.912 → 246.91
        (D("1234.5"), D("0.15"), D("185.18")),  # 185.175 → half away from zero → 185.18
    ],
)
def test_twenty_percent_rule(msp_mrr: D, ratio: D, expected: D) -> None:
    assert pricing.vcio_price(msp_mrr, ratio) == expected


def test_hours_check() -> None:
    # $1,000 MRR = $12,000 a year = 60 h at $200/h = 5 h a month
    assert pricing.vcio_hours(D("1000"), D("200")) == 60
    # at $150/h the same MRR buys 80 h
    assert pricing.vcio_hours(D("1000"), D("150")) == 80


def _book(lines: list[tuple[str, str, str, D]], rate: D = D("200")) -> PricingBook:
    return PricingBook(
        cycles=(
            Cycle(name="annual", per_year=1),
            Cycle(name="quarterly", per_year=3),
            Cycle(name="monthly", per_year=12),
        ),
        packages=(Package(name="P", min_employees=0),),
        service_lines=tuple(
            ServiceLine(package="P", name=n, cycle=c, hours=h, rate=rate) for _, n, c, h in lines
        ),
    )


def test_cycle_based_package_mrr() -> None:
    # quarterly planning session + project review + application training + budget review
    # = 10 h per quarter × 3 = 30 h/yr × $200 = $6,000/yr → $500 MRR
    book = _book(
        [
            ("P", "Planning session", "quarterly", D(4)),
            ("P", "Project review", "quarterly", D(2)),
            ("P", "Application training", "quarterly", D(2)),
            ("P", "Budget review", "quarterly", D(2)),
        ]
    )
    result = pricing.calculate(book).packages[0]
    assert (result.annual_hours, result.annual_amount, result.mrr) == (30, 6000, D("500.00"))


def test_annual_strategy_process_is_seven_hours_once() -> None:
    book = _book([("P", "Annual IT strategy planning", "annual", D(7))])
    r = pricing.calculate(book).packages[0]
    assert r.annual_hours == 7 and r.mrr == D("116.67")  # 7 × 200 / 12 = 116.666… → 116.67
    assert r.viability == pricing.BELOW_FLOOR  # 7 h < 30 h floor


@pytest.mark.parametrize(
    ("employees", "expected"),
    [
        (5, "Client Advisory"),
        (19, "Client Advisory"),
        (20, "Light"),
        (29, "Light"),
        (30, "Basic"),
        (39, "Basic"),
        (40, "Professional"),
        (69, "Professional"),
        (70, "Enterprise"),
        (500, "Enterprise"),
    ],
)
def test_recommended_package_by_head_count(employees: int, expected: str) -> None:
    packages = [
        Package(name=n, min_employees=m)
        for n, m in [("Enterprise", 70), ("Light", 20), ("Professional", 40), ("Basic", 30)]
    ]
    assert pricing.recommend(employees, packages, "Client Advisory") == expected


def test_sample_agreement_diff_line_by_line(pricing_book: PricingBook) -> None:
    r = pricing.calculate(pricing_book)
    harbor = [
        (a, x)
        for a, x in zip(pricing_book.agreement_lines, r.agreement_lines, strict=True)
        if a.client == "Harbor Logistics"
    ]
    changes = {a.name: x.change for a, x in harbor}
    assert changes["Application training"] == pricing.REMOVED
    assert changes["Quarterly planning session"] == pricing.CHANGED
    assert changes["Warehouse systems roadmap"] == pricing.ADDED
    assert changes["Project review"] == pricing.UNCHANGED
    planning = next(x for a, x in harbor if a.name == "Quarterly planning session")
    # 6 h instead of 4 h, 3 times a year at $200: +2 × 3 × 200 = +$1,200 a year
    assert planning.difference == 1200
    client = r.clients[[c.name for c in pricing_book.clients].index("Harbor Logistics")]
    # Basic = 72 h: 13,800/yr. Harbor: −6 h training (−1,200), +6 h planning (+1,200),
    # +9 h roadmap (+1,800) → 15,600/yr → $1,300 MRR; 81 h; 20 % of $5,000 = $1,000
    assert (client.agreement_mrr, client.agreement_hours, client.vcio_rule_mrr) == (1300, 81, 1000)
    assert client.difference == 150 and client.recommended == "vCIO Professional"


def test_projects_never_enter_the_mrr(pricing_book: PricingBook) -> None:
    with_projects = pricing.calculate(pricing_book).total_agreement_mrr
    without = pricing.calculate(pricing_book.model_copy(update={"projects": ()}))
    assert pricing_book.projects and with_projects == without.total_agreement_mrr


def test_sample_roi_by_hand(roi_book) -> None:  # type: ignore[no-untyped-def]
    r = roi.calculate(roi_book)
    # adopting: A 4×.75=3, B 8×.6=4.8, C 15×.4=6, D 20×.2=4 → 17.8
    assert r.adopting == D("17.8")
    # labour 17.8 × 10 h × $55 = 9,790; tool 249 × 12 = 2,988; investment 12,778
    assert (r.labour_cost, r.tool_cost, r.investment) == (9790, 2988, 12778)
    # added: A 3×(8000+300×12+500×12)=52,800; B 4.8×(4000+1800+3000)=42,240;
    #        C 6×(2000+900+1200)=24,600; D 4×(1200+360+600)=8,640 → 128,280
    assert r.added_revenue == 128280
    assert round(r.roi, 3) == D("10.039")  # 128,280 / 12,778 ≈ 10×
    assert round(r.growth, 4) == D("0.2701")  # / 475,000 current ≈ +27 %
    d = r.segments[3]
    # D: labour 4 × 550 = 2,200; tool share 2,988 × 4 / 17.8 = 671.46 → ROI ≈ 3×
    assert round(d.tool_share, 2) == D("671.46") and round(d.roi, 2) == D("3.01")


def test_owner_doing_the_am_work_collapses_roi(roi_book) -> None:  # type: ignore[no-untyped-def]
    owner = roi_book.model_copy(
        update={"settings": roi_book.settings.model_copy(update={"owner_does_am": True})}
    )
    r = roi.calculate(owner)
    # 17.8 × 10 × $250 = 44,500 + 2,988 = 47,488 → 128,280 / 47,488 ≈ 2.70
    assert r.investment == 47488 and round(r.roi, 2) == D("2.70")


def test_zero_investment_gives_zero_roi() -> None:
    assert roi.ratio(D(5), D(0)) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,234.56", D("1234.56")),
        ("(120.00)", D("-120.00")),
        ("-1,234.56", D("-1234.56")),
        ("20%", D("0.2")),
        ("$-5", D("-5")),
        (" 7 ", D("7")),
    ],
)
def test_parse_money(text: str, expected: D) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["1.234.56", "12abc", "", "$", "1,2.3.4"])
def test_parse_money_refuses_ambiguous_text(text: str) -> None:
    with pytest.raises(ValueError):
        parse_money(text)


def test_rounding_rule_is_half_away_from_zero() -> None:
    assert round_money(D("0.005")) == D("0.01") and round_money(D("-0.005")) == D("-0.01")
    assert round_money(D("2.675")) == D("2.68")  # a float would say 2.67


def test_check_names_duplicates_and_unknowns_readably() -> None:
    book = _book([("P", "Review", "quarterly", D(1)), ("P", "review", "weekly", D(1))])
    problems = [(p.loc, p.message) for p in pricing.check(book)]
    assert problems == [
        (("service_lines", 1, "name"), "service line 'review' of 'P' appears more than once"),
        (("service_lines", 1, "cycle"), "unknown cycle 'weekly'; use one of annual, quarterly, monthly"),
    ]
