"""vCIO playbook objectives: the reference cadences and a portfolio checked by hand."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from xl_engage.calc import playbook as calc
from xl_engage.inputs.playbook import load_portfolio, load_rules
from xl_engage.issues import InputError
from xl_engage.models.playbook import PortfolioClient
from xl_engage.templates import SAMPLE_MSP


@pytest.fixture(scope="module")
def rules():  # type: ignore[no-untyped-def]
    return load_rules()


@pytest.mark.parametrize(
    ("mrr", "complexity", "meetings", "touches"),
    [
        (D(3000), 5, 4, 1),  # Company A: 1/quarter, 1/month
        (D(6500), 3, 4, 1),  # Company B: twice the MRR, low complexity: still 1/quarter, 1/month
        (D(1500), 8, 6, 2),  # Company C: half the MRR, high complexity: every other month, 2/month
    ],
)
def test_reference_companies(rules, mrr: D, complexity: int, meetings: int, touches: int) -> None:  # type: ignore[no-untyped-def]
    c = calc.cadence(mrr, complexity, rules.cadence)
    assert (c.meetings_per_year, c.touches_per_month) == (meetings, touches)


def test_forty_clients_at_3000_and_complexity_5(rules) -> None:  # type: ignore[no-untyped-def]
    clients = [PortfolioClient(name=f"C{i}", mrr=D(3000), complexity=5, vcio="Dana") for i in range(40)]
    dana, total = calc.objectives(clients, rules.cadence, rules.yearly, rules.settings)
    # touches 40 × 12 × 1 = 480; escalations 40 × 2 = 80; meetings 40 × 4 = 160;
    # tech summaries 40 × 4 = 160; budgets 40 × 1 = 40; proposals 40 × 4 = 160
    assert dana.objectives == {
        "touches": 480,
        "escalations": 80,
        "meetings": 160,
        "tech_summaries": 160,
        "budgets": 40,
        "proposals": 160,
    }
    assert dana.weekly["touches"] == 10  # 480 / 48 working weeks
    assert (dana.clients, dana.mrr, dana.capacity) == (40, D(120000), calc.OK)
    assert (dana.nrr_min_month, dana.nrr_target_month) == (D(30000), D(36000))  # 25 % / 30 % of MRR
    assert total.vcio == "All vCIOs" and total.objectives == dana.objectives


def test_capacity_flags() -> None:
    settings = load_rules().settings
    assert calc.capacity(45, D(120000), settings) == calc.OVER  # 45 > 40 × 1.1
    assert calc.capacity(40, D(140000), settings) == calc.OVER  # MRR 140k > 132k
    assert calc.capacity(30, D(90000), settings) == calc.UNDER  # both below 90 %
    assert calc.capacity(30, D(120000), settings) == calc.OK  # MRR still at capacity


def test_weekly_rate_still_needed() -> None:
    assert calc.weekly_rate(520, 100, 42) == D(10)  # (520 − 100) / 42
    assert calc.weekly_rate(10, 12, 5) == 0  # ahead of plan: nothing more needed
    with pytest.raises(ValueError):
        calc.weekly_rate(10, 0, 0)


def test_sample_portfolio_has_two_vcios(rules) -> None:  # type: ignore[no-untyped-def]
    clients = load_portfolio(SAMPLE_MSP / "portfolio.csv")
    result = calc.objectives(clients, rules.cadence, rules.yearly, rules.settings)
    assert [r.vcio for r in result] == ["Dana Whitfield", "Marcus Lee", "All vCIOs"]
    # Dana: Contoso (complex: 6 meetings, 2 touches/month) + 3 standard clients (4, 1)
    assert result[0].objectives["meetings"] == 6 + 3 * 4
    assert result[0].objectives["touches"] == 24 + 3 * 12


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Client,MRR,Complexity,vCIO\nA,3000,0,Dana\n",
            "p.csv:2 (Complexity): Complexity must be ≥ 1, got 0",
        ),
        (
            "Client,MRR,Complexity,vCIO\nA,3000,11,Dana\n",
            "p.csv:2 (Complexity): Complexity must be ≤ 10, got 11",
        ),
        (
            "Client,MRR,Complexity,vCIO\nA,3000,5,Dana\na,2000,5,Dana\n",
            "p.csv:3 (Client): client 'a' appears more than once",
        ),
        ("Client,MRR,Complexity\nA,3000,5\n", "p.csv:1 (Client): table 'Portfolio' has no column 'vCIO'"),
    ],
)
def test_bad_portfolios(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "p.csv"
    path.write_text(body)
    with pytest.raises(InputError) as err:
        load_portfolio(path)
    assert expected in [str(i) for i in err.value.issues]
