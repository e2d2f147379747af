"""Regenerate Harbor Logistics' sample ledger and mapping rules (deterministic, seeded).

Harbor's fiscal year FY2027 runs April 2026 – March 2027; its budget is
`../budgets/harbor-logistics/`. The ledger covers the year to date, 1 April – 20 November
2026 (the samples' "today" is 2026-11-22, and a ledger has no future), exported the way
QuickBooks' "Transaction Detail by Account" report does: US dates, payee in "Name", the
text in "Memo/Description", "Debit" and "Credit" columns, thousands separators.

What is in it, so the reconciliation has something to say:
- most budgeted replacements bought in their month or the next, at 90–110 % of budget;
  some delayed (under budget), two returned for a credit (refunds);
- the MSP's project labour invoiced monthly, one invoice per month;
- every recurring contract billed monthly or on its schedule, a few with a price rise;
- unbudgeted spend: an emergency switch (matched to a category only) and office
  purchases on the "Miscellaneous" account (unmatched: a clerk must decide).

    .venv/bin/python workbooks/sample_msp/reconcile/make_ledger.py
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from xl_engage.calc.budget import calculate
from xl_engage.inputs.budget import load_budget

HERE = Path(__file__).parent
CLIENT = HERE.parent / "budgets" / "harbor-logistics" / "client.toml"
FIRST, LAST = dt.date(2026, 4, 1), dt.date(2026, 11, 20)
ACCOUNTS = {
    "Hardware": "6100 Computer equipment",
    "Network": "6110 Network equipment",
    "Infrastructure": "6120 Servers & storage",
    "Software": "6200 Software subscriptions",
    "Cloud services": "6210 Cloud hosting & backup",
    "Security": "6220 Security services",
    "Connectivity": "6300 Internet & telecom",
    "Peripherals": "6500 Peripherals & supplies",
    "Professional services": "6400 IT services",
    "Contracts": "6410 Maintenance contracts",
}
VENDORS = {
    "Hardware": "CDW",
    "Network": "CDW",
    "Infrastructure": "Dell Technologies",
    "Peripherals": "Staples",
}
CENT = Decimal("0.01")
M365 = "Microsoft 365 Business Premium (48 seats)"
F3 = "Microsoft 365 F3 for warehouse staff (120 seats)"
WMS = "Warehouse management system, SaaS (2 warehouses)"
RULES = [  # field, pattern, category, budget line, asset type, note
    ["Description", "Microsoft 365 Business Premium*", "", M365, "", "office licences"],
    ["Description", "Microsoft 365 F3*", "", F3, "", "warehouse licences"],
    ["Description", "Warehouse management system*", "", WMS, "", ""],
    ["Description", "Replace HL-BKP01 (Server)", "", "Replace HL-BKP01 (Server)", "", "backup server"],
    ["Description", "Replace HL-FW-*", "Network", "", "", "firewalls: category only"],
    ["Description", "Replace HL-LT-*", "", "", "Laptop", "laptops by type"],
    ["Description", "Replace HL-WS-*", "", "", "Workstation", ""],
    ["Vendor", "Lumen", "", "Dedicated internet 500 Mbps (HQ)", "", ""],
]


def money(x: Decimal) -> str:
    return f"{x.quantize(CENT, rounding=ROUND_HALF_UP):,.2f}"


def day_in(month: dt.date, rng: random.Random) -> dt.date:
    last = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return min(month.replace(day=rng.randint(1, last.day)), LAST)


def main() -> None:
    rng = random.Random(20261122)
    book, _ = load_budget(CLIENT)
    results = calculate(book)
    rows: list[tuple[dt.date, str, str, str, str, Decimal]] = []  # date, num, name, memo, account, spend
    labour: dict[dt.date, Decimal] = defaultdict(Decimal)
    num = 41000
    for line, r in zip(book.lines, results.lines, strict=True):
        if not FIRST <= line.month <= LAST or r.amount is None:
            continue
        amount = r.amount
        if line.category == "Professional services":
            if rng.random() < 0.85:
                labour[line.month] += amount
            continue
        if line.kind == "Recurring":
            rise = (
                Decimal("1.04")
                if line.source in ("Lumen", "8x8") and line.month >= dt.date(2026, 7, 1)
                else 1
            )
            vendor = line.source if line.source != "Reserve" else "Staples"
            memo = line.description if line.source != "Reserve" else "Toner, cables and mice"
            spend = amount * rise if line.source != "Reserve" else amount * Decimal(rng.uniform(0.4, 1.6))
            num += 1
            rows.append((day_in(line.month, rng), f"INV-{num}", vendor, memo, ACCOUNTS[line.category], spend))
            continue
        if rng.random() < 0.15:
            continue  # delayed: not bought yet
        month = (
            line.month if rng.random() < 0.7 else min(line.month.replace(day=28) + dt.timedelta(days=5), LAST)
        )
        spend = amount * Decimal(rng.uniform(0.9, 1.1))
        num += 1
        vendor = VENDORS.get(line.category, "CDW")
        rows.append(
            (
                day_in(month.replace(day=1), rng),
                f"INV-{num}",
                vendor,
                line.description,
                ACCOUNTS[line.category],
                spend,
            )
        )
    for month, amount in sorted(labour.items()):
        num += 1
        memo = f"Project labour, device replacements, {month:%B %Y}"
        rows.append(
            (
                day_in(month, rng),
                f"NWIT-{num}",
                "Northwind IT Partners",
                memo,
                ACCOUNTS["Professional services"],
                amount,
            )
        )
    laptops = [r for r in rows if "(Laptop)" in r[3]][:2]
    for date, _, vendor, memo, account, spend in laptops:  # two returned: a credit note
        num += 1
        rows.append(
            (date + dt.timedelta(days=9), f"CM-{num}", vendor, f"RMA credit: {memo}", account, -spend)
        )
    rows.append(
        (
            dt.date(2026, 8, 14),
            "INV-50311",
            "CDW",
            "Emergency replacement: core switch, Carson warehouse",
            ACCOUNTS["Network"],
            Decimal("6480.00"),
        )
    )
    for month, amount in ((6, "412.37"), (9, "1288.90"), (10, "236.15")):
        num += 1
        rows.append(
            (
                dt.date(2026, month, 12),
                f"AMZ-{num}",
                "Amazon Marketplace",
                "USB-C docks and monitor arms",
                "6900 Miscellaneous",
                Decimal(amount),
            )
        )
    rows.sort(key=lambda r: (r[0], r[1]))
    with (HERE / "harbor-logistics-ledger.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Date", "Num", "Name", "Memo/Description", "Account", "Debit", "Credit"])
        for date, ref, vendor, memo, account, spend in rows:
            debit, credit = (money(spend), "") if spend >= 0 else ("", money(-spend))
            w.writerow([f"{date.month}/{date.day}/{date.year}", ref, vendor, memo, account, debit, credit])
    with (HERE / "harbor-logistics-rules.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Field", "Pattern", "Category", "Budget line", "Asset type", "Note"])
        w.writerows(RULES)


if __name__ == "__main__":
    main()
