"""Generate the sample life-cycle budget inputs for three clients of Northwind IT Partners.

Writes, next to this file, one folder per client with a ``client.toml`` (budget profile,
planning settings, recurring contracts, roadmap initiatives) and an asset inventory as a
PSA/RMM export would give it:

* ``contoso-dental/``: about 40 assets in ``assets.csv`` (US dates ``03/15/2024``, plain costs);
* ``harbor-logistics/``: about 350 assets in ``assets.csv`` (ISO dates, costs like ``$8,450.00``,
  two asset ids listed twice with different dates, as two merged sources would give them);
* ``tailspin-manufacturing/``: about 2,200 assets in ``assets.xlsx`` (one sheet, header in row 1).

Each inventory spells its column headers differently (the importer matches aliases). The
output is deterministic: the same seed gives the same files byte for byte, the workbook
included. Run it with ``python workbooks/sample_msp/budgets/make_samples.py``.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

HERE = Path(__file__).resolve().parent
SEED = 20261122
AS_OF = dt.date(2026, 11, 22)
LATEST_PURCHASE = dt.date(2026, 10, 30)
YEARS = tuple(range(2017, 2027))
# How many assets a typical small/medium business bought per year, 2017..2026 (relative).
YEAR_WEIGHTS = (4, 5, 7, 9, 10, 11, 12, 13, 13, 9)
ASSET_TYPES = (
    "Workstation",
    "Laptop",
    "Server",
    "Switch",
    "Firewall",
    "Wireless AP",
    "UPS battery",
    "Printer",
    "Storage",
)
# Warranty length in years per type: (choices, weights).
WARRANTY_YEARS: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {
    "Workstation": ((3, 5), (7, 3)),
    "Laptop": ((3, 5), (8, 2)),
    "Server": ((3, 5), (2, 8)),
    "Switch": ((3, 5), (3, 7)),
    "Firewall": ((3, 5), (5, 5)),
    "Wireless AP": ((3, 5), (4, 6)),
    "UPS battery": ((3,), (1,)),
    "Printer": ((3, 5), (8, 2)),
    "Storage": ((3, 5), (3, 7)),
}
COLUMNS = ("id", "name", "type", "purchase", "warranty", "cost", "location")


@dataclass(frozen=True)
class Asset:
    """One inventory row; ``purchase`` None = blank in the export, ``cost`` None = blank."""

    asset_id: str
    name: str
    asset_type: str
    purchase: dt.date | None
    warranty: dt.date | None
    cost: Decimal | None
    location: str


# --------------------------------------------------------------------------- dates


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


class PurchaseCalendar:
    """Purchase dates that cluster the way real ones do: most assets arrive in a few
    purchase orders a year, the rest one at a time."""

    def __init__(self, rng: random.Random, orders_per_year: int) -> None:
        self.rng = rng
        self.orders: dict[int, list[dt.date]] = {}
        for year in YEARS:
            last = min(dt.date(year, 12, 31), LATEST_PURCHASE)
            days = {random_day(rng, dt.date(year, 1, 5), last) for _ in range(orders_per_year)}
            self.orders[year] = sorted(days)

    def draw(self, weights: Sequence[int] = YEAR_WEIGHTS, batch_share: float = 0.75) -> dt.date:
        year = self.rng.choices(YEARS, weights=weights)[0]
        if self.rng.random() < batch_share:
            return self.rng.choice(self.orders[year])
        return random_day(self.rng, dt.date(year, 1, 2), min(dt.date(year, 12, 30), LATEST_PURCHASE))


def warranty_for(rng: random.Random, asset_type: str, purchase: dt.date) -> dt.date:
    choices, weights = WARRANTY_YEARS[asset_type]
    return add_years(purchase, rng.choices(choices, weights=weights)[0])


def blank_some_purchases(rng: random.Random, assets: list[Asset], how_many: int) -> list[Asset]:
    """Blank the purchase date of a few assets (the warranty date stays): inherited or
    donated kit whose invoice nobody kept."""
    picked = set(rng.sample(range(len(assets)), how_many))
    return [replace(a, purchase=None) if i in picked else a for i, a in enumerate(assets)]


def money(rng: random.Random, low: int, high: int, step: int = 50) -> Decimal:
    return Decimal(rng.randrange(low // step, high // step + 1) * step).quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- inventories


def contoso_assets(rng: random.Random) -> list[Asset]:
    """A two-site dental practice: every device has a human name; tags CD-1xxx."""
    main, satellite = "Maple Street office", "Riverside satellite"
    plan: list[tuple[str, str]] = [
        ("Workstation", "Front desk PC 1"),
        ("Workstation", "Front desk PC 2"),
        ("Workstation", "Check-out PC"),
        *(("Workstation", f"Operatory {n} PC") for n in range(1, 7)),
        ("Workstation", "Pano/Ceph X-ray PC"),
        ("Workstation", "Office manager PC"),
        ("Workstation", "Billing PC"),
        ("Workstation", "Dr. Alvarez office PC"),
        ("Workstation", "Lab PC"),
        ("Workstation", "Consult room PC"),
        ("Workstation", "Riverside front desk PC"),
        ("Workstation", "Riverside operatory 1 PC"),
        ("Workstation", "Riverside operatory 2 PC"),
        ("Laptop", "Dr. Alvarez laptop"),
        ("Laptop", "Dr. Chen laptop"),
        ("Laptop", "Office manager laptop"),
        ("Laptop", "Hygienist laptop (shared)"),
        ("Laptop", "Billing laptop"),
        ("Laptop", "Loaner laptop"),
        ("Server", "CD-SRV01 (Dentrix)"),
        ("Server", "CD-IMG01 (imaging)"),
        ("Storage", "CD-NAS01 (Synology backup)"),
        ("Switch", "Main office switch"),
        ("Switch", "Riverside switch"),
        ("Firewall", "Main office firewall"),
        ("Firewall", "Riverside firewall"),
        ("Wireless AP", "Waiting room AP"),
        ("Wireless AP", "Clinical hallway AP"),
        ("Wireless AP", "Riverside AP"),
        ("UPS battery", "Server closet UPS battery"),
        ("UPS battery", "Front desk UPS battery"),
        ("UPS battery", "Riverside UPS battery"),
        ("Printer", "Front desk printer"),
        ("Printer", "Billing printer"),
        ("Printer", "Riverside printer"),
    ]
    dates = PurchaseCalendar(rng, orders_per_year=3)
    # The six operatory PCs were bought together; so were the two front desk PCs.
    operatories = dates.draw(weights=(0, 0, 1, 1, 0, 0, 0, 0, 0, 0))
    front_desk = dates.draw(weights=(0, 0, 0, 0, 0, 1, 1, 0, 0, 0))
    batch_warranty = {
        "Operatory": warranty_for(rng, "Workstation", operatories),
        "Front desk PC": warranty_for(rng, "Workstation", front_desk),
    }
    tag = 1000
    assets: list[Asset] = []
    for asset_type, name in plan:
        tag += rng.choice((1, 1, 1, 2, 3))
        batch = next((prefix for prefix in batch_warranty if name.startswith(prefix)), "")
        if batch:
            purchase = operatories if batch == "Operatory" else front_desk
            warranty = batch_warranty[batch]
        else:
            purchase = dates.draw(batch_share=0.4)
            warranty = warranty_for(rng, asset_type, purchase)
        cost = None
        if name.startswith("CD-SRV01"):
            cost = Decimal("7900.00")
        elif name.startswith("CD-NAS01"):
            cost = Decimal("2350.00")
        assets.append(
            Asset(
                asset_id=f"CD-{tag:04d}",
                name=name,
                asset_type=asset_type,
                purchase=purchase,
                warranty=warranty,
                cost=cost,
                location=satellite if name.startswith("Riverside") else main,
            )
        )
    # The satellite's switch and printer came with the practice Contoso bought in 2021.
    return [
        replace(a, purchase=None) if a.name in {"Riverside switch", "Riverside printer"} else a
        for a in assets
    ]


HARBOR_SITES = (("LB", "HQ - Long Beach"), ("CAR", "Warehouse - Carson"), ("ONT", "Warehouse - Ontario"))
HARBOR_COUNTS = {
    "Workstation": 150,
    "Laptop": 110,
    "Server": 10,
    "Switch": 18,
    "Firewall": 3,
    "Wireless AP": 34,
    "UPS battery": 12,
    "Printer": 10,
    "Storage": 3,
}


def harbor_assets(rng: random.Random) -> list[Asset]:
    """A 3-site logistics firm exported from its RMM: hostnames, ids A-1xxxx, sorted by
    hostname; two ids appear twice (the PSA and the RMM disagree on their dates)."""
    dates = PurchaseCalendar(rng, orders_per_year=8)
    site_weights = {
        "Workstation": (35, 35, 30),
        "Laptop": (60, 22, 18),
        "Server": (8, 1, 1),
        "Switch": (4, 7, 7),
        "Wireless AP": (2, 16, 16),
        "UPS battery": (6, 3, 3),
        "Printer": (4, 3, 3),
        "Storage": (3, 0, 0),
    }
    server_roles = ("DC01", "DC02", "FS01", "SQL01", "WMS01", "WMS02", "RDS01", "PRINT01", "BKP01", "HV01")
    storage_names = ("HL-NAS-LB-01", "HL-SAN-LB-01", "HL-NAS-LB-02")
    counters: dict[tuple[str, str], int] = {}
    assets: list[Asset] = []
    for asset_type, count in HARBOR_COUNTS.items():
        for n in range(count):
            if asset_type == "Firewall":
                code, location = HARBOR_SITES[n]
            else:
                code, location = rng.choices(HARBOR_SITES, weights=site_weights[asset_type])[0]
            counters[(asset_type, code)] = counters.get((asset_type, code), 0) + 1
            k = counters[(asset_type, code)]
            name = {
                "Workstation": f"HL-WS-{rng.randrange(1, 10000):04d}",
                "Laptop": f"HL-LT-{rng.randrange(1, 10000):04d}",
                "Server": f"HL-{server_roles[n]}" if n < len(server_roles) else f"HL-SRV-{n:02d}",
                "Switch": f"HL-SW-{code}-{k:02d}",
                "Firewall": f"HL-FW-{code}",
                "Wireless AP": f"HL-AP-{code}-{k:02d}",
                "UPS battery": f"HL-UPS-{code}-{k:02d}",
                "Printer": f"HL-PRN-{code}-{k:02d}",
                "Storage": storage_names[n % len(storage_names)],
            }[asset_type]
            purchase = dates.draw()
            cost = None
            if asset_type in {"Server", "Storage"} and rng.random() < 0.5:
                cost = money(rng, 6500, 14500) if asset_type == "Server" else money(rng, 8000, 22000)
            assets.append(
                Asset(
                    asset_id="",
                    name=name,
                    asset_type=asset_type,
                    purchase=purchase,
                    warranty=warranty_for(rng, asset_type, purchase),
                    cost=cost,
                    location=location,
                )
            )
    assets = unique_names(assets)
    assets = blank_some_purchases(rng, assets, 5)
    # Ids follow enrolment in the RMM (roughly purchase order); the export is sorted by hostname.
    assets.sort(key=lambda a: (a.purchase or a.warranty or AS_OF, a.name))
    ids = iter(sorted(rng.sample(range(10000, 19999), len(assets))))
    assets = [replace(a, asset_id=f"A-{next(ids)}") for a in assets]
    assets.sort(key=lambda a: a.name)
    # Exactly two ids listed twice, with other dates: the earliest purchase and the latest
    # warranty win when the importer merges them.
    for original in rng.sample([a for a in assets if a.purchase is not None], 2):
        assert original.purchase is not None and original.warranty is not None
        twin = replace(
            original,
            purchase=original.purchase + dt.timedelta(days=rng.randrange(20, 70)),
            warranty=add_years(original.warranty, 1),
        )
        assets.insert(rng.randrange(len(assets) + 1), twin)
    return assets


TAILSPIN_SITES = (
    ("HQ", "HQ - Dayton, OH"),
    ("P1", "Plant 1 - Dayton, OH"),
    ("P2", "Plant 2 - Toledo, OH"),
    ("P3", "Plant 3 - Fort Wayne, IN"),
    ("DC", "Distribution Center - Columbus, OH"),
)
TAILSPIN_COUNTS = {
    "Workstation": 880,
    "Laptop": 540,
    "Server": 64,
    "Switch": 188,
    "Firewall": 14,
    "Wireless AP": 270,
    "UPS battery": 150,
    "Printer": 108,
    "Storage": 22,
}


def tailspin_assets(rng: random.Random) -> list[Asset]:
    """A manufacturer with three plants, an HQ and a distribution centre, exported from its
    asset register: ids TS-0xxxxx in register order, hostnames as names."""
    dates = PurchaseCalendar(rng, orders_per_year=14)
    older = (7, 8, 9, 10, 10, 11, 11, 12, 12, 8)  # the plants keep kit longer
    site_weights = {
        "Workstation": (14, 26, 24, 22, 14),
        "Laptop": (45, 16, 15, 14, 10),
        "Server": (14, 3, 2, 2, 1),
        "Switch": (3, 6, 6, 5, 3),
        "Firewall": (1, 1, 1, 1, 1),
        "Wireless AP": (2, 6, 6, 6, 5),
        "UPS battery": (3, 4, 4, 4, 2),
        "Printer": (2, 4, 4, 4, 5),
        "Storage": (8, 1, 1, 1, 0),
    }
    server_roles = ("DC", "FS", "SQL", "ERP", "MES", "HIST", "ESX", "RDS", "WSUS", "BKP", "APP", "PRN")
    counters: dict[tuple[str, str], int] = {}
    assets: list[Asset] = []
    for asset_type, count in TAILSPIN_COUNTS.items():
        for n in range(count):
            if asset_type == "Firewall" and n < len(TAILSPIN_SITES):
                code, location = TAILSPIN_SITES[n]
            else:
                code, location = rng.choices(TAILSPIN_SITES, weights=site_weights[asset_type])[0]
            counters[(asset_type, code)] = counters.get((asset_type, code), 0) + 1
            k = counters[(asset_type, code)]
            if asset_type == "Workstation":
                if code.startswith("P") and rng.random() < 0.4:
                    name = f"TS-{code}-HMI-L{rng.randrange(1, 19):02d}-{rng.randrange(1, 5):02d}"
                else:
                    name = f"TS-{code}-WS-{k:04d}"
            elif asset_type == "Server":
                role = (
                    server_roles[k % len(server_roles)] if code == "HQ" else rng.choice(("HIST", "MES", "FS"))
                )
                name = f"TS-{code}-{role}{k:02d}"
            else:
                prefix = {
                    "Laptop": "LT",
                    "Switch": "SW",
                    "Firewall": "FW",
                    "Wireless AP": "AP",
                    "UPS battery": "UPS",
                    "Printer": "PRN",
                    "Storage": "SAN" if code == "HQ" else "NAS",
                }[asset_type]
                name = f"TS-{code}-{prefix}-{k:03d}"
            purchase = dates.draw(weights=older if code.startswith("P") else YEAR_WEIGHTS)
            cost = None
            if asset_type in {"Server", "Storage"} and rng.random() < 0.6:
                cost = money(rng, 6500, 24000) if asset_type == "Server" else money(rng, 12000, 60000, 100)
            assets.append(
                Asset("", name, asset_type, purchase, warranty_for(rng, asset_type, purchase), cost, location)
            )
    assets = unique_names(assets)
    assets = blank_some_purchases(rng, assets, 14)
    # Register order = order of acquisition (blank purchases were registered late).
    assets.sort(key=lambda a: (a.purchase or AS_OF, a.name))
    first = 4100
    numbered: list[Asset] = []
    for asset in assets:
        first += rng.choice((1, 1, 1, 1, 2))
        numbered.append(replace(asset, asset_id=f"TS-{first:06d}"))
    return numbered


def unique_names(assets: list[Asset]) -> list[Asset]:
    """Give a repeated name a suffix (two random hostnames can collide)."""
    seen: dict[str, int] = {}
    out: list[Asset] = []
    for asset in assets:
        seen[asset.name] = seen.get(asset.name, 0) + 1
        out.append(
            asset if seen[asset.name] == 1 else replace(asset, name=f"{asset.name}-{seen[asset.name]}")
        )
    return out


# --------------------------------------------------------------------------- writers


@dataclass(frozen=True)
class Layout:
    """How one export looks: header spelling and order, date and money formats."""

    headers: dict[str, str]  # COLUMNS key -> header text, in the export's column order
    date_format: str
    money_format: Callable[[Decimal], str]


def plain_money(value: Decimal) -> str:
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def dollar_money(value: Decimal) -> str:
    return f"${value:,.2f}"


def cells(asset: Asset) -> dict[str, object]:
    return {
        "id": asset.asset_id,
        "name": asset.name,
        "type": asset.asset_type,
        "purchase": asset.purchase,
        "warranty": asset.warranty,
        "cost": asset.cost,
        "location": asset.location,
    }


def write_csv(path: Path, assets: Iterable[Asset], layout: Layout) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(layout.headers.values())
        for asset in assets:
            values = cells(asset)
            row: list[str] = []
            for key in layout.headers:
                value = values[key]
                if isinstance(value, dt.date):
                    row.append(value.strftime(layout.date_format))
                elif isinstance(value, Decimal):
                    row.append(layout.money_format(value))
                else:
                    row.append("" if value is None else str(value))
            writer.writerow(row)
            rows += 1
    return rows


FIXED_TIME = (2026, 11, 22, 9, 0, 0)


def write_xlsx(path: Path, assets: Sequence[Asset], headers: dict[str, str]) -> int:
    """One sheet, header in row 1, real dates and numbers; then make the zip reproducible
    (openpyxl stamps the save time into the package)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Assets"
    sheet.append(list(headers.values()))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for asset in assets:
        values = cells(asset)
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in (values[k] for k in headers)])
    for column, key in enumerate(headers, start=1):
        letter = openpyxl.utils.get_column_letter(column)
        sheet.column_dimensions[letter].width = {"name": 24, "location": 34, "type": 14}.get(key, 16)
        for (cell,) in sheet.iter_rows(min_row=2, min_col=column, max_col=column):
            if key in {"purchase", "warranty"}:
                cell.number_format = "mm/dd/yyyy"
            elif key == "cost":
                cell.number_format = '"$"#,##0.00'
    sheet.freeze_panes = "A2"
    stamp = dt.datetime(*FIXED_TIME)
    book.properties.creator = "Tailspin asset register export"
    book.properties.created = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.isoformat().encode() + rb"Z\g<2>",
                    data,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, data)
    return len(assets)


# --------------------------------------------------------------------------- client.toml

TomlValue = str | int | Decimal | dt.date
Table = dict[str, TomlValue]


def toml_value(value: TomlValue) -> str:
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def toml_table(table: Table, indent: str = "") -> list[str]:
    return [f"{indent}{key} = {toml_value(value)}" for key, value in table.items()]


def D(text: str) -> Decimal:
    return Decimal(text)


def contract(
    vendor: str,
    description: str,
    category: str,
    amount: str,
    period: str,
    start: dt.date,
    increase: str = "0.00",
    end: dt.date | None = None,
    expense: str = "Opex",
) -> Table:
    table: Table = {
        "vendor": vendor,
        "description": description,
        "category": category,
        "amount": D(amount),
        "period": period,
        "start": start,
    }
    if end is not None:
        table["end"] = end
    table["annual_increase"] = D(increase)
    table["expense"] = expense
    return table


@dataclass(frozen=True)
class Initiative:
    head: Table
    costs: tuple[Table, ...]


def cost(
    description: str,
    category: str,
    quantity: int,
    unit_cost: str,
    expense: str,
    pricing: str = "",
    markup: str = "",
) -> Table:
    table: Table = {
        "description": description,
        "category": category,
        "quantity": quantity,
        "unit_cost": D(unit_cost),
        "expense": expense,
    }
    if pricing:
        table["pricing"] = pricing
        table["markup"] = D(markup)
    return table


def initiative(
    name: str, quarter: str, priority: str, compliance: str, time_frame: str, *costs: Table
) -> Initiative:
    head: Table = {
        "name": name,
        "target_quarter": quarter,
        "priority": priority,
        "compliance": compliance,
        "time_frame": time_frame,
    }
    return Initiative(head, costs)


@dataclass(frozen=True)
class Client:
    folder: str
    profile: Table
    planning: Table
    contracts: tuple[Table, ...]
    initiatives: tuple[Initiative, ...]
    blurb: str


def render_toml(client: Client) -> str:
    lines = [
        f"# {client.profile['client']}: life-cycle budget inputs (sample data, Northwind IT Partners).",
        f"# {client.blurb}",
        "# Generated by make_samples.py; edit that script, not this file.",
        "",
        "[profile]",
        *toml_table(client.profile),
        "",
        "[planning]",
        *toml_table(client.planning),
    ]
    for table in client.contracts:
        lines += ["", "[[contracts]]", *toml_table(table)]
    for item in client.initiatives:
        lines += ["", "[[initiatives]]", *toml_table(item.head)]
        for line in item.costs:
            lines += ["  [[initiatives.costs]]", *toml_table(line, indent="  ")]
    return "\n".join(lines) + "\n"


SERVICES = "Professional services"


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


CONTOSO = Client(
    folder="contoso-dental",
    blurb="Two-site dental practice, 12 users; HIPAA covered entity; budgets by month.",
    profile={
        "client": "Contoso Dental",
        "fiscal_year_start_month": 1,
        "start": day("2027-01-01"),
        "horizon_years": 2,
        "as_of": AS_OF,
        "granularity": "Month",
    },
    planning={"reserve_monthly": 75},
    contracts=(
        contract(
            "Microsoft", "Microsoft 365 Business Premium (12 seats)", "Software", "264.00", "Monthly",
            day("2024-03-01"), "0.05",
        ),
        contract(
            "Henry Schein One", "Dentrix practice management support plan (2 locations)", "Software",
            "4380.00", "Annual", day("2021-09-01"), "0.04",
        ),
        contract(
            "Axcient", "x360Recover cloud backup (2 servers + NAS)", "Cloud services", "189.00", "Monthly",
            day("2025-05-01"), "0.03",
        ),
        contract(
            "Paubox", "Paubox Email Suite Plus, HIPAA encrypted email (12 mailboxes)", "Security", "348.00",
            "Monthly", day("2023-02-01"), "0.03", end=day("2027-06-30"),
        ),
        contract(
            "Huntress", "Managed EDR and ITDR (26 endpoints)", "Security", "182.00", "Monthly",
            day("2027-04-01"),
        ),
        contract(
            "Fortinet", "FortiGuard UTP bundle (2 x FortiGate 40F)", "Security", "760.00", "Annual",
            day("2024-09-01"), "0.05",
        ),
        contract(
            "Comcast Business", "Business internet 300 Mbps + static IP (Maple Street)", "Connectivity",
            "229.00", "Monthly", day("2022-08-01"), "0.03",
        ),
        contract(
            "RingCentral", "RingEX Core phone system (9 lines)", "Connectivity", "270.00", "Monthly",
            day("2023-06-01"), "0.03",
        ),
    ),
    initiatives=(
        initiative(
            "HIPAA security risk assessment", "FY2027 Q1", "High", "HIPAA", "4 weeks",
            cost("Risk assessment and report (45 CFR 164.308)", SERVICES, 1, "3500.00", "Opex"),
            cost("Policy and procedure updates", SERVICES, 8, "165.00", "Opex"),
        ),
        initiative(
            "Move encrypted email into Microsoft Purview", "FY2027 Q2", "Medium", "HIPAA", "3 weeks",
            cost("Purview message encryption and DLP setup", SERVICES, 12, "165.00", "Opex"),
            cost("Staff training session", SERVICES, 1, "450.00", "Opex"),
        ),
        initiative(
            "Server virtualisation (Dentrix + imaging on one host)", "FY2027 Q3", "Medium", "", "6 weeks",
            cost("Host server (PowerEdge R660xs)", "Hardware", 1, "6800.00", "Capex", "Markup", "0.30"),
            cost("Windows Server 2025 Standard", "Software", 1, "1080.00", "Capex", "Markup", "0.15"),
            cost("Migration and cut-over", SERVICES, 24, "165.00", "Opex"),
        ),
        initiative(
            "Disaster recovery plan and tabletop test", "FY2028 Q2", "Medium", "HIPAA", "3 weeks",
            cost("Contingency plan (164.308(a)(7))", SERVICES, 1, "2400.00", "Opex"),
            cost("Tabletop exercise with staff", SERVICES, 1, "850.00", "Opex"),
        ),
    ),
)  # fmt: skip

HARBOR = Client(
    folder="harbor-logistics",
    blurb="3PL with an HQ and two warehouses; 40 office users plus shared warehouse stations.",
    profile={
        "client": "Harbor Logistics",
        "fiscal_year_start_month": 4,
        "start": day("2026-04-01"),
        "horizon_years": 3,
        # built before its fiscal year began (the reconciliation sample runs it to November):
        # its catch-up replacements are planned in April, the first month still ahead then
        "as_of": day("2026-03-16"),
        "granularity": "Quarter",
    },
    planning={"reserve_monthly": 150},
    contracts=(
        contract(
            "Microsoft", "Microsoft 365 Business Premium (48 seats)", "Software", "1056.00", "Monthly",
            day("2025-07-01"), "0.05",
        ),
        contract(
            "Microsoft", "Microsoft 365 F3 for warehouse staff (120 seats)", "Software", "960.00", "Monthly",
            day("2026-10-01"), "0.05",
        ),
        contract(
            "Descartes Systems", "Warehouse management system, SaaS (2 warehouses)", "Software", "4850.00",
            "Monthly", day("2024-01-01"), "0.04",
        ),
        contract(
            "Veeam", "Veeam Data Cloud for Microsoft 365 (48 users)", "Cloud services", "192.00", "Monthly",
            day("2025-07-01"), "0.03",
        ),
        contract(
            "Wasabi", "Immutable backup storage (20 TB)", "Cloud services", "139.90", "Monthly",
            day("2024-04-01"),
        ),
        contract(
            "SentinelOne", "Singularity Complete EDR (280 endpoints)", "Security", "15400.00", "Annual",
            day("2025-10-01"), "0.05",
        ),
        contract(
            "Fortinet", "FortiGuard UTP bundle (3 x FortiGate 100F)", "Security", "6900.00", "Annual",
            day("2026-06-01"), "0.05",
        ),
        contract(
            "Lumen", "Dedicated internet 500 Mbps (HQ)", "Connectivity", "1150.00", "Monthly",
            day("2023-03-01"), end=day("2028-02-29"),
        ),
        contract(
            "8x8", "8x8 Work X4 voice (45 users)", "Connectivity", "1260.00", "Monthly",
            day("2024-11-01"), "0.03",
        ),
        contract(
            "Zebra Technologies", "Zebra OneCare for label printers and handhelds", "Contracts", "3400.00",
            "Annual", day("2022-05-01"), "0.04",
        ),
    ),
    initiatives=(
        initiative(
            "Warehouse Wi-Fi 6E upgrade (Carson and Ontario)", "FY2027 Q4", "High", "", "6 weeks",
            cost("Wi-Fi 6E access points", "Hardware", 24, "650.00", "Capex", "Markup", "0.30"),
            cost("PoE+ switches for new APs", "Hardware", 2, "3200.00", "Capex", "Markup", "0.30"),
            cost("Predictive survey, installation and validation", SERVICES, 1, "4800.00", "Opex"),
        ),
        initiative(
            "PCI DSS scope reduction for driver payment kiosk", "FY2028 Q1", "High", "PCI DSS", "8 weeks",
            cost("Kiosk network segmentation (VLAN and firewall policy)", SERVICES, 16,
                 "165.00", "Opex"),
            cost("Quarterly ASV vulnerability scans (1 year)", "Security", 1, "1200.00", "Opex"),
            cost("P2PE payment terminal", "Hardware", 1, "780.00", "Capex", "Markup", "0.30"),
        ),
        initiative(
            "Disaster recovery copy at the Ontario warehouse", "FY2028 Q3", "Medium", "", "5 weeks",
            cost("Backup appliance (48 TB)", "Hardware", 1, "9800.00", "Capex", "Margin", "0.25"),
            cost("Implementation and failover test", SERVICES, 40, "165.00", "Opex"),
        ),
        initiative(
            "Conditional access for shared warehouse devices", "FY2029 Q2", "Low", "", "4 weeks",
            cost("Intune and Entra ID configuration", SERVICES, 24, "165.00", "Opex"),
        ),
    ),
)  # fmt: skip

TAILSPIN = Client(
    folder="tailspin-manufacturing",
    blurb="Precision-parts maker: HQ, three plants, a distribution centre; defence supplier (CMMC).",
    profile={
        "client": "Tailspin Manufacturing",
        "fiscal_year_start_month": 7,
        "start": day("2026-07-01"),
        "horizon_years": 5,
        "as_of": day("2026-06-15"),  # built before its fiscal year began in July
        "granularity": "Quarter",
    },
    planning={"reserve_monthly": 600},
    contracts=(
        contract(
            "Microsoft", "Microsoft 365 E3 (95 seats)", "Software", "3420.00", "Monthly",
            day("2024-07-01"), "0.05",
        ),
        contract(
            "Epicor", "Epicor ERP 10 maintenance (60 users)", "Software", "38500.00", "Annual",
            day("2019-07-01"), "0.05", end=day("2027-09-30"),
        ),
        contract(
            "Epicor", "Epicor Kinetic cloud subscription (60 users)", "Software", "10500.00", "Monthly",
            day("2027-10-01"), "0.05",
        ),
        contract(
            "Autodesk", "Product Design & Manufacturing Collection (12 seats)", "Software", "36600.00",
            "Annual", day("2025-01-01"), "0.04",
        ),
        contract(
            "CrowdStrike", "Falcon Enterprise EDR (1,500 endpoints)", "Security", "90000.00", "Annual",
            day("2025-07-01"), "0.05",
        ),
        contract(
            "Claroty", "xDome OT asset visibility (3 plants)", "Security", "48000.00", "Annual",
            day("2027-07-01"), "0.04",
        ),
        contract(
            "Fortinet", "FortiGuard Enterprise bundle (14 FortiGates)", "Security", "28800.00", "Annual",
            day("2026-01-01"), "0.05",
        ),
        contract(
            "Rubrik", "Rubrik Enterprise Edition backup (120 TB)", "Cloud services", "54000.00", "Annual",
            day("2024-10-01"), "0.03",
        ),
        contract(
            "AT&T", "Dedicated internet 1 Gbps (5 sites)", "Connectivity", "7250.00", "Monthly",
            day("2023-07-01"), "0.02",
        ),
        contract(
            "Dell Technologies", "ProSupport Plus for the server estate", "Contracts", "22000.00", "Annual",
            day("2024-07-01"), "0.04",
        ),
    ),
    initiatives=(
        initiative(
            "CMMC Level 2 readiness (NIST SP 800-171 gap assessment)", "FY2027 Q3", "High", "CMMC",
            "10 weeks",
            cost("Gap assessment and SSP/POA&M", SERVICES, 1, "18500.00", "Opex"),
            cost("GCC High migration planning", SERVICES, 40, "175.00", "Opex"),
        ),
        initiative(
            "OT network segmentation (IEC 62443 zones and conduits)", "FY2027 Q4", "High", "", "4 months",
            cost("Industrial firewalls", "Hardware", 8, "2900.00", "Capex", "Markup", "0.30"),
            cost("Managed industrial switches", "Hardware", 24, "1450.00", "Capex", "Markup", "0.30"),
            cost("Design, implementation and plant cut-overs", SERVICES, 160, "175.00", "Opex"),
        ),
        initiative(
            "ERP upgrade: Epicor 10 to Kinetic cloud", "FY2028 Q1", "High", "", "9 months",
            cost("Implementation partner (fixed fee)", SERVICES, 1, "145000.00", "Opex"),
            cost("Data migration and report rebuild", SERVICES, 80, "175.00", "Opex"),
            cost("Key-user and shop-floor training", SERVICES, 1, "12000.00", "Opex"),
        ),
        initiative(
            "Data centre consolidation on hyper-converged cluster", "FY2029 Q2", "Medium", "", "3 months",
            cost("HCI nodes", "Hardware", 4, "28500.00", "Capex", "Margin", "0.22"),
            cost("Nutanix NCI Pro licences (4 nodes, 3 years)", "Software", 4, "9800.00", "Capex", "Markup",
                 "0.15"),
            cost("Migration of 60 workloads", SERVICES, 120, "175.00", "Opex"),
        ),
        initiative(
            "Wireless coverage for the Plant 3 expansion", "FY2030 Q3", "Low", "", "8 weeks",
            cost("Industrial Wi-Fi 6E access points", "Hardware", 40, "720.00", "Capex", "Markup", "0.30"),
            cost("Structured cabling (40 drops)", SERVICES, 1, "18500.00", "Opex"),
        ),
    ),
)  # fmt: skip

CONTOSO_LAYOUT = Layout(
    headers={
        "id": "Asset Tag",
        "name": "Device Name",
        "type": "Category",
        "location": "Location",
        "purchase": "Purchased",
        "warranty": "Warranty Expires",
        "cost": "Cost",
    },
    date_format="%m/%d/%Y",
    money_format=plain_money,
)
HARBOR_LAYOUT = Layout(
    headers={
        "name": "Hostname",
        "id": "Asset ID",
        "type": "Device Type",
        "location": "Site",
        "purchase": "Purchase Date",
        "warranty": "Warranty End",
        "cost": "Replacement Cost",
    },
    date_format="%Y-%m-%d",
    money_format=dollar_money,
)
TAILSPIN_HEADERS = {
    "id": "ID",
    "name": "Name",
    "type": "Type",
    "purchase": "Install Date",
    "warranty": "Warranty Expiration",
    "cost": "Replacement Cost",
    "location": "Location",
}


def main() -> None:
    """Write every client's folder and print what was written."""
    rng = random.Random(SEED)
    jobs: list[tuple[Client, Callable[[Path], int]]] = []
    contoso = contoso_assets(rng)
    harbor = harbor_assets(rng)
    tailspin = tailspin_assets(rng)
    jobs.append((CONTOSO, lambda folder: write_csv(folder / "assets.csv", contoso, CONTOSO_LAYOUT)))
    jobs.append((HARBOR, lambda folder: write_csv(folder / "assets.csv", harbor, HARBOR_LAYOUT)))
    jobs.append((TAILSPIN, lambda folder: write_xlsx(folder / "assets.xlsx", tailspin, TAILSPIN_HEADERS)))
    for client, write_inventory in jobs:
        folder = HERE / client.folder
        folder.mkdir(exist_ok=True)
        (folder / "client.toml").write_text(render_toml(client), encoding="utf-8")
        rows = write_inventory(folder)
        print(f"{client.folder}: {rows} inventory rows, {len(client.contracts)} contracts, "
              f"{len(client.initiatives)} initiatives")  # fmt: skip


if __name__ == "__main__":
    main()
