"""Model → workbook → model is the identity; build → import → build is stable."""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import all_cells, build
from xl_engage.calc.budget import check as budget_check
from xl_engage.calc.fiscal import add_months
from xl_engage.calc.pricing import check as pricing_check
from xl_engage.models.budget import Asset, BudgetBook, Initiative, Line, PolicyRow, Profile
from xl_engage.models.pricing import (
    AgreementLine,
    Client,
    Cycle,
    Package,
    PricingBook,
    PricingSettings,
    Project,
    ServiceLine,
)
from xl_engage.models.roi import RoiBook, RoiSettings, Segment
from xl_engage.reader import read_workbook

# Names users type: letters, digits, punctuation, symbols, spaces inside; formula look-alikes.
_chars = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\x00")
names = st.one_of(
    st.text(_chars, min_size=1, max_size=30).map(str.strip).filter(bool),
    st.sampled_from(
        [
            '=HYPERLINK("http://x","y")',
            "+1+1",
            "-2",
            "@SUM(A1)",
            "Smith & Co*",
            "100",
            "TRUE",
            "2026-01-01",
            "'quoted",
        ]
    ),
)
money = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
hours = st.decimals(min_value=0, max_value=500, places=2, allow_nan=False)
fraction = st.decimals(min_value=0, max_value=1, places=3, allow_nan=False)


def unique_names(min_size: int, max_size: int) -> st.SearchStrategy[list[str]]:
    return st.lists(names, min_size=min_size, max_size=max_size, unique_by=lambda s: s.strip().casefold())


@st.composite
def pricing_books(draw: st.DrawFn) -> PricingBook:
    cycles = (
        Cycle(name="annual", per_year=1),
        Cycle(name="quarterly", per_year=3),
        Cycle(name="monthly", per_year=12),
    )
    pkg_names = draw(unique_names(1, 3))
    mins = draw(st.lists(st.integers(0, 200), min_size=len(pkg_names), max_size=len(pkg_names), unique=True))
    packages = tuple(Package(name=n, min_employees=m) for n, m in zip(pkg_names, mins, strict=True))
    lines = []
    for p in pkg_names:
        for n in draw(unique_names(1, 3)):
            lines.append(
                ServiceLine(
                    package=p,
                    name=n,
                    cycle=draw(st.sampled_from(["annual", "quarterly", "monthly"])),
                    hours=draw(hours),
                    rate=draw(money),
                )
            )
    clients, agreement = [], []
    for c in draw(unique_names(0, 3)):
        pkg = draw(st.sampled_from(pkg_names))
        given_mrr = draw(st.booleans())
        clients.append(
            Client(
                name=c,
                users=None if given_mrr else draw(st.integers(0, 500)),
                price_per_user=None if given_mrr else draw(money),
                msp_mrr=draw(money) if given_mrr else None,
                employees=draw(st.integers(0, 300)),
                package=pkg,
            )
        )
        for n in draw(unique_names(0, 3)):
            agreement.append(
                AgreementLine(
                    client=c,
                    name=n,
                    cycle="quarterly",
                    hours=draw(hours),
                    rate=draw(money),
                    included=draw(st.booleans()),
                    extras=draw(st.sampled_from([{}, {"Notes": "call CFO first"}])),
                )
            )
    projects = tuple(
        Project(name=n, price_from=Decimal(500), price_to=Decimal(1500)) for n in draw(unique_names(0, 2))
    )
    return PricingBook(
        settings=PricingSettings(vcio_ratio=draw(fraction)),
        cycles=cycles,
        packages=packages,
        service_lines=tuple(lines),
        projects=projects,
        clients=tuple(clients),
        agreement_lines=tuple(agreement),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pricing_books())
def test_pricing_model_survives_the_workbook(book: PricingBook) -> None:
    assert pricing_check(book) == []
    with tempfile.TemporaryDirectory() as tmp:
        path = build(Path(tmp), "pricing", book)
        loaded = read_workbook(path)
        assert loaded.issues == []
        assert loaded.model == book


@st.composite
def roi_books(draw: st.DrawFn) -> RoiBook:
    segs = tuple(
        Segment(
            name=n,
            clients=draw(st.integers(0, 100)),
            adoption=draw(fraction),
            added_project_revenue=draw(money),
            added_mrr=draw(money),
            added_services_mrr=draw(money),
            description=draw(st.sampled_from(["", "60+ employees"])),
        )
        for n in draw(unique_names(1, 5))
    )
    return RoiBook(
        settings=RoiSettings(am_rate=draw(money), owner_does_am=draw(st.booleans()), current_arr=draw(money)),
        segments=segs,
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(roi_books())
def test_roi_model_survives_the_workbook(book: RoiBook) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        loaded = read_workbook(build(Path(tmp), "roi", book))
        assert loaded.issues == [] and loaded.model == book


def test_build_import_build_gives_equal_content(tmp_path: Path, pricing_book: PricingBook) -> None:
    first = build(tmp_path, "pricing", pricing_book, "first.xlsx")
    loaded = read_workbook(first)
    assert loaded.ok and loaded.model is not None
    second = build(tmp_path, "pricing", loaded.model, "second.xlsx")
    assert all_cells(first) == all_cells(second)


@st.composite
def budget_books(draw: st.DrawFn) -> BudgetBook:
    fy = draw(st.integers(1, 12))
    start = dt.date(draw(st.integers(2024, 2028)), fy, 1)
    years = draw(st.integers(1, 4))
    types = draw(unique_names(1, 3))
    policy = tuple(
        PolicyRow(
            asset_type=t,
            life_years=draw(st.integers(1, 8)),
            unit_cost=draw(st.none() | money),
            pricing=draw(st.sampled_from(["Markup", "Margin"])),
            markup=draw(st.decimals(min_value=0, max_value=Decimal("0.9"), places=2)),
            category=draw(names),
        )
        for t in types
    )
    dates = st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))
    assets = tuple(
        Asset(
            asset_id=i,
            name=draw(st.sampled_from(["", "PC", "=1+1"])),
            asset_type=draw(st.sampled_from(types)),
            purchase_date=draw(dates),
            warranty_end=draw(dates),
            replacement_cost=draw(st.none() | money),
        )
        for i in draw(unique_names(0, 4))
    )
    lines = tuple(
        Line(
            description=draw(names),
            category=draw(names),
            month=add_months(start, draw(st.integers(0, 12 * years - 1))),
            quantity=draw(st.integers(0, 50)),
            unit_cost=draw(st.none() | money),
            pricing=draw(st.sampled_from(["Markup", "Margin"])),
            markup=draw(st.decimals(min_value=0, max_value=Decimal("0.9"), places=2)),
            source=draw(st.sampled_from(["", "A1", "Reserve"])),
            expense=draw(st.sampled_from(["Capex", "Opex"])),
            decision=draw(st.sampled_from([None, "Proposed", "Approved", "Declined"])),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    initiatives = tuple(
        Initiative(
            name=f"Project {n}",  # never an asset's id: its decision would reach the asset's lines
            target_quarter=f"FY{start.year + 1} Q{draw(st.integers(1, 4))}",
            decision=draw(st.sampled_from(["Proposed", "Approved", "Declined"])),
        )
        for n in draw(unique_names(0, 2))
    )
    profile = Profile(
        client=draw(names),
        fiscal_year_start_month=fy,
        start=start,
        horizon_years=years,
        as_of=draw(st.dates(dt.date(2024, 1, 1), dt.date(2030, 1, 1))),
    )
    return BudgetBook(profile=profile, policy=policy, assets=assets, lines=lines, initiatives=initiatives)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(budget_books())
def test_budget_model_survives_the_workbook(book: BudgetBook) -> None:
    warned = budget_check(book)  # an approved line of unknown cost is a warning, no more
    assert all(p.severity == "warning" for p in warned)
    with tempfile.TemporaryDirectory() as tmp:
        loaded = read_workbook(build(Path(tmp), "budget", book))
        assert loaded.model == book
        assert sorted(i.message for i in loaded.issues) == sorted(p.message for p in warned)
