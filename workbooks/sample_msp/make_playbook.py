"""Regenerate the sample MSP's playbook inputs: portfolio.csv and playbook_actuals.csv.

Deterministic (seeded). The first eight clients are the ones the other samples use; the
rest make a realistic book of three vCIOs: Dana Whitfield near capacity (40 clients),
Marcus Lee over it, Priya Raman newly hired and under it. Actuals cover January–June 2026:
Dana on pace, Marcus behind, Priya ahead on touches.

    .venv/bin/python workbooks/sample_msp/make_playbook.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).parent
NAMED = [
    ("Contoso Dental", 1500, 125, 12, 8, "Dana Whitfield", 1),
    ("Fabrikam Legal", 3000, 125, 24, 5, "Dana Whitfield", 1),
    ("Harbor Logistics", 5000, 125, 40, 4, "Dana Whitfield", 4),
    ("Northwind Clinic", 6500, 125, 52, 3, "Marcus Lee", 1),
    ("Tailspin Manufacturing", 11000, 130, 85, 7, "Marcus Lee", 7),
    ("Woodgrove Accounting", 3850, 110, 35, 5, "Marcus Lee", 1),
    ("Alpine Schools", 6000, 100, 60, 6, "Dana Whitfield", 7),
    ("Litware Architects", 2250, 125, 18, 4, "Marcus Lee", 1),
]
FIRST = [
    "Adatum",
    "Bellows",
    "Cedar",
    "Driftwood",
    "Elm",
    "Falcon",
    "Granite",
    "Heron",
    "Ironwood",
    "Juniper",
    "Kestrel",
    "Lakeside",
    "Maple",
    "Nimbus",
    "Oakridge",
    "Pinecrest",
    "Quarry",
    "Redwood",
    "Summit",
    "Tidewater",
    "Upland",
    "Valley",
    "Willow",
    "Yarrow",
]
TRADE = [
    "Dental",
    "Legal",
    "Logistics",
    "Clinic",
    "CPA",
    "Construction",
    "Realty",
    "Insurance",
    "Engineering",
    "Veterinary",
    "Orthodontics",
    "Credit-Union",
    "Pharmacy",
    "Marine",
    "Foods",
]
TEAM = {"Dana Whitfield": 40, "Marcus Lee": 46, "Priya Raman": 22}
HEADER = ["Client", "MRR", "AISP", "Users", "Complexity", "vCIO", "Fiscal year start"]
ACTIVITIES = [
    "Unique Client Touches",
    "Escalated Issues",
    "# of Client Meetings",
    "Tech Summaries Completed",
    "Budgets Completed",
    "Proposals Completed",
]
PACE = {"Dana Whitfield": 1.0, "Marcus Lee": 0.8, "Priya Raman": 1.15}


def portfolio(rng: random.Random) -> list[list[object]]:
    rows: list[list[object]] = [list(r) for r in NAMED]
    count = {v: sum(1 for r in NAMED if r[5] == v) for v in TEAM}
    names = {r[0] for r in NAMED}
    for vcio, want in TEAM.items():
        while count[vcio] < want:
            name = f"{rng.choice(FIRST)} {rng.choice(TRADE).replace('-', ' ')}"
            if name in names:
                continue
            names.add(name)
            users = rng.randint(10, 38)
            aisp = rng.choice((100, 110, 125, 130, 140))
            complexity = min(10, max(1, round(rng.gauss(5, 1.8))))
            fy = rng.choice((1, 1, 1, 4, 7, 10))
            rows.append([name, users * aisp, aisp, users, complexity, vcio, fy])
            count[vcio] += 1
    return rows


def actuals(rng: random.Random, rows: list[list[object]]) -> list[list[object]]:
    """January–June 2026, around each vCIO's monthly share of the objective."""
    out: list[list[object]] = []
    for vcio in TEAM:
        mine = [r for r in rows if r[5] == vcio]
        complex_ = sum(1 for r in mine if int(r[4]) >= 7)  # type: ignore[call-overload]
        monthly = [
            (len(mine) + complex_),  # touches: 1 a month, 2 for complex clients
            len(mine) * 2 / 12,  # escalations
            (len(mine) * 4 + complex_ * 2) / 12,  # meetings
            len(mine) * 4 / 12,  # tech summaries
            len(mine) / 12,  # budgets
            len(mine) * 4 / 12,  # proposals
        ]
        for month in range(1, 7):
            counts = [max(0, round(rng.gauss(m * PACE[vcio], max(m * 0.15, 0.6)))) for m in monthly]
            out.append([vcio, dt.date(2026, month, 1).isoformat(), *counts])
    return out


def main() -> None:
    rng = random.Random(2026)
    rows = portfolio(rng)
    with (HERE / "portfolio.csv").open("w", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    with (HERE / "playbook_actuals.csv").open("w", newline="") as f:
        csv.writer(f).writerows([["vCIO", "Month", *ACTIVITIES], *actuals(rng, rows)])


if __name__ == "__main__":
    main()
