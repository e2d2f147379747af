"""The vCIO pricing workbook: rules of thumb, package templates, client agreements.

Sheets: Overview (settings, totals, chart), Clients (20 % rule, agreement MRR, viability,
recommended package), Agreements (each client's customised lines, diffed against its
template line by line), Packages, Service lines, Cycles, Projects (fixed fee, never MRR).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from xl_engage.calc import pricing as calc
from xl_engage.kinds import Kind
from xl_engage.kinds.common import col, is_no, lookup, table, this, with_formulas
from xl_engage.layout import (
    CALCULATED,
    Book,
    Cells,
    CellSpec,
    Chart,
    Column,
    Schema,
    Series,
    Sheet,
    TableSpec,
    Title,
)
from xl_engage.models.pricing import PricingBook

KIND_NAME = "pricing"
SCHEMA_VERSION = 1

# A service line, in a template or in a client's agreement: what the user types ...
LINE_INPUTS = (
    Column("Service line", "name", width=36, aliases=("Service", "Line", "Item")),
    Column("Cycle", "cycle", choices_name="CycleNames"),
    Column("Hours per occurrence", "hours", "hours", aliases=("Hours",)),
    Column("Rate", "rate", "money", aliases=("Hourly rate", "Internal rate")),
)
# ... and what cycle-based pricing makes of it.
LINE_RESULTS = (
    Column("Occurrences", "occurrences", "int", formula=CALCULATED),
    Column("Annual hours", "annual_hours", "hours", formula=CALCULATED),
    Column("Annual amount", "annual_amount", "money", formula=CALCULATED),
)

CYCLES = TableSpec(
    "Cycles",
    "Cycles",
    "cycles",
    (
        Column("Cycle", "name", help="A service cycle; quarterly is 3 a year (Q4 is the annual)."),
        Column("Per year", "per_year", "int", aliases=("Occurrences per year",)),
    ),
    title="Service cycles",
    key=("name",),
)

PACKAGES = TableSpec(
    "Packages",
    "Packages",
    "packages",
    (
        Column("Package", "name", width=22),
        Column(
            "Min employees",
            "min_employees",
            "int",
            help="Smallest head count this package fits; used for the recommendation.",
        ),
        Column("Description", "description", required=False, width=40),
        Column("Annual hours", "annual_hours", "hours", formula=CALCULATED),
        Column("Annual amount", "annual_amount", "money", formula=CALCULATED),
        Column("MRR", "mrr", "money", formula=CALCULATED),
        Column("Viability", "viability", formula=CALCULATED),
    ),
    title="vCIO package templates",
    key=("name",),
)

SERVICE_LINES = TableSpec(
    "ServiceLines",
    "Service lines",
    "service_lines",
    (
        Column("Package", "package", choices_name="PackageNames", width=18),
        *LINE_INPUTS,
        *LINE_RESULTS,
    ),
    title="Package template lines (cycle-based pricing)",
    key=("package", "name"),
)

CLIENTS = TableSpec(
    "Clients",
    "Clients",
    "clients",
    (
        Column(
            "Client",
            "name",
            width=28,
            aliases=("Client name", "Company Name", "Company", "Account Name", "Account", "Customer"),
        ),
        Column(
            "Users",
            "users",
            "int",
            required=False,
            aliases=("Managed Users", "User count", "Seats", "Number of users"),
        ),
        Column(
            "Price per user",
            "price_per_user",
            "money",
            required=False,
            aliases=("AISP", "Per User Price", "Price per seat", "All-in seat price"),
        ),
        Column(
            "MSP MRR given",
            "msp_mrr",
            "money",
            required=False,
            aliases=(
                "MRR",
                "Monthly recurring revenue",
                "Fixed Monthly Fee",
                "Monthly fee",
                "Monthly amount",
                "Agreement amount",
                "Amount",
            ),
            help="Leave blank to use users × price per user.",
        ),
        Column(
            "Employees",
            "employees",
            "int",
            aliases=("Head count", "Headcount", "Number of Employees", "Employee Count", "No. of employees"),
        ),
        Column(
            "Package",
            "package",
            choices_name="PackageNames",
            width=18,
            required=False,
            aliases=("vCIO Package",),
            help="Blank in an imported list: the package recommended for the head count.",
        ),
        Column("MSP MRR", "msp_mrr_effective", "money", formula=CALCULATED),
        Column("vCIO MRR (rule)", "vcio_rule_mrr", "money", formula=CALCULATED),
        Column("Hours at planning rate", "rule_hours", "hours", formula=CALCULATED),
        Column("Agreement hours", "agreement_hours", "hours", formula=CALCULATED),
        Column("Agreement MRR", "agreement_mrr", "money", formula=CALCULATED),
        Column("Template MRR", "template_mrr", "money", formula=CALCULATED),
        Column("Difference", "difference", "money", formula=CALCULATED),
        Column("Viability", "viability", formula=CALCULATED),
        Column("Recommended package", "recommended", formula=CALCULATED, width=20),
    ),
    title="Clients: the 20 % rule against each customised agreement",
    key=("name",),
)

AGREEMENTS = TableSpec(
    "Agreements",
    "Agreements",
    "agreement_lines",
    (
        Column("Client", "client", choices_name="ClientNames", width=28),
        *LINE_INPUTS,
        Column(
            "Included",
            "included",
            "bool",
            required=False,
            choices=("Yes", "No"),
            help="No = removed from this client's agreement.",
        ),
        Column("Template", "template", formula=CALCULATED, width=18),
        *LINE_RESULTS,
        Column("Template hours", "template_hours", "hours", formula=CALCULATED),
        Column("Template amount", "template_amount", "money", formula=CALCULATED),
        Column("Difference", "difference", "money", formula=CALCULATED),
        Column("Change", "change", formula=CALCULATED),
    ),
    title="Customised agreements, line by line against the template",
    key=("client", "name"),
)

PROJECTS = TableSpec(
    "Projects",
    "Projects",
    "projects",
    (
        Column("Project", "name", width=40),
        Column("Price from", "price_from", "money"),
        Column("Price to", "price_to", "money"),
    ),
    title="Productised projects: fixed fee, sold separately, never part of the MRR",
    key=("name",),
)


VCIO_RATIO = CellSpec("VcioRatio", "vCIO share of MSP MRR (20 % rule)", "settings.vcio_ratio", "percent")
PLANNING_RATE = CellSpec(
    "PlanningRate", "Internal planning rate per hour", "settings.planning_rate", "money", cents=True
)
VIABILITY_FLOOR = CellSpec(
    "ViabilityFloorHours",
    "Viability floor (vCIO hours a year)",
    "settings.viability_floor_hours",
    "hours",
    help="Below this, nothing can be achieved: offer Client Advisory instead.",
)
ADVISORY_NAME = CellSpec("AdvisoryName", "Offer below the smallest package", "settings.advisory_name")
ADVISORY_MRR = CellSpec("AdvisoryMrr", "Client Advisory fee (MRR)", "settings.advisory_mrr", "money")
"""The settings, named cells the formulas below reach through these specs."""


def _occurrences(cycle: str) -> str:
    """How often a line happens in a year: its cycle's Per year, by the cycle's name."""
    return lookup(CYCLES, "per_year", CYCLES, "name", cycle, "0")


SERVICE_LINES = with_formulas(
    SERVICE_LINES,
    lambda sl: {
        "occurrences": _occurrences(this(sl, "cycle")),
        "annual_hours": f"{this(sl, 'occurrences')}*{this(sl, 'hours')}",
        "annual_amount": f"{this(sl, 'annual_hours')}*{this(sl, 'rate')}",
    },
)

_in_pkg = f"({col(SERVICE_LINES, 'package')}={this(PACKAGES, 'name')})"
PACKAGES = with_formulas(
    PACKAGES,
    lambda p: {
        "annual_hours": f"SUMPRODUCT({_in_pkg}*{col(SERVICE_LINES, 'annual_hours')})",
        "annual_amount": f"SUMPRODUCT({_in_pkg}*{col(SERVICE_LINES, 'annual_amount')})",
        "mrr": f"ROUND({this(p, 'annual_amount')}/12,2)",
        "viability": f'IF({this(p, "annual_hours")}<{VIABILITY_FLOOR},"{calc.BELOW_FLOOR}","{calc.OK}")',
    },
)

_same_line = (
    f"({col(SERVICE_LINES, 'package')}={this(AGREEMENTS, 'template')})"
    f"*({col(SERVICE_LINES, 'name')}={this(AGREEMENTS, 'name')})"
)
_in_template = f"SUMPRODUCT({_same_line})>0"
AGREEMENTS = with_formulas(
    AGREEMENTS,
    lambda a: {
        "template": lookup(CLIENTS, "package", CLIENTS, "name", this(a, "client"), '""'),
        "occurrences": _occurrences(this(a, "cycle")),
        "annual_hours": f"IF({is_no(this(a, 'included'))},0,{this(a, 'occurrences')}*{this(a, 'hours')})",
        "annual_amount": f"{this(a, 'annual_hours')}*{this(a, 'rate')}",
        "template_hours": f"SUMPRODUCT({_same_line}*{col(SERVICE_LINES, 'annual_hours')})",
        "template_amount": f"SUMPRODUCT({_same_line}*{col(SERVICE_LINES, 'annual_amount')})",
        "difference": f"{this(a, 'annual_amount')}-{this(a, 'template_amount')}",
        "change": (
            f'IF({is_no(this(a, "included"))},IF({_in_template},"{calc.REMOVED}","{calc.EXCLUDED}"),'
            f'IF(NOT({_in_template}),"{calc.ADDED}",'
            f"IF(AND({this(a, 'annual_amount')}={this(a, 'template_amount')},"
            f"{this(a, 'annual_hours')}={this(a, 'template_hours')}),"
            f'"{calc.UNCHANGED}","{calc.CHANGED}")))'
        ),
    },
)

_mine = f"({col(AGREEMENTS, 'client')}={this(CLIENTS, 'name')})"
_mins = col(PACKAGES, "min_employees")
_fits = f'COUNTIF({_mins},"<="&{this(CLIENTS, "employees")})'
CLIENTS = with_formulas(
    CLIENTS,
    lambda c: {
        "msp_mrr_effective": (
            f'IF({this(c, "msp_mrr")}="",ROUND({this(c, "users")}*{this(c, "price_per_user")},2),'
            f"{this(c, 'msp_mrr')})"
        ),
        "vcio_rule_mrr": f"ROUND({this(c, 'msp_mrr_effective')}*{VCIO_RATIO},2)",
        "rule_hours": f"{this(c, 'vcio_rule_mrr')}*12/{PLANNING_RATE}",
        "agreement_hours": f"SUMPRODUCT({_mine}*{col(AGREEMENTS, 'annual_hours')})",
        "agreement_mrr": f"ROUND(SUMPRODUCT({_mine}*{col(AGREEMENTS, 'annual_amount')})/12,2)",
        "template_mrr": lookup(PACKAGES, "mrr", PACKAGES, "name", this(c, "package"), "0"),
        "difference": f"{this(c, 'agreement_mrr')}-{this(c, 'template_mrr')}",
        "viability": f'IF({this(c, "agreement_hours")}<{VIABILITY_FLOOR},"{calc.BELOW_FLOOR}","{calc.OK}")',
        "recommended": (
            f"IF({_fits}=0,{ADVISORY_NAME},INDEX({col(PACKAGES, 'name')},"
            f"MATCH(SMALL({_mins},{_fits}),{_mins},0)))"
        ),
    },
)

SETTINGS = (VCIO_RATIO, PLANNING_RATE, VIABILITY_FLOOR, ADVISORY_NAME, ADVISORY_MRR)
TOTALS = (
    CellSpec("ClientCount", "Clients", "client_count", "int", formula=f"COUNTA({col(CLIENTS, 'name')})"),
    CellSpec(
        "TotalMspMrr",
        "Managed-services MRR",
        "total_msp_mrr",
        "money",
        formula=f"SUM({col(CLIENTS, 'msp_mrr_effective')})",
    ),
    CellSpec(
        "TotalRuleMrr",
        "vCIO MRR by the rule",
        "total_rule_mrr",
        "money",
        formula=f"SUM({col(CLIENTS, 'vcio_rule_mrr')})",
    ),
    CellSpec(
        "TotalAgreementMrr",
        "vCIO MRR agreed",
        "total_agreement_mrr",
        "money",
        formula=f"SUM({col(CLIENTS, 'agreement_mrr')})",
    ),
)

SCHEMA = Schema(
    tables=(CYCLES, PACKAGES, SERVICE_LINES, CLIENTS, AGREEMENTS, PROJECTS), cells=SETTINGS + TOTALS
)


def build(book: PricingBook) -> Book:
    r = calc.calculate(book)
    s = book.settings
    settings_values = (
        s.vcio_ratio,
        s.planning_rate,
        s.viability_floor_hours,
        s.advisory_name,
        s.advisory_mrr,
    )
    totals = (len(book.clients), r.total_msp_mrr, r.total_rule_mrr, r.total_agreement_mrr)
    overview = Sheet(
        "Overview",
        (
            Title("vCIO pricing"),
            Title("Every figure not in yellow is a live formula: change an input and it follows.", "note"),
            Cells(tuple(zip(SETTINGS, settings_values, strict=True)), "Rules of thumb"),
            Cells(tuple(zip(TOTALS, totals, strict=True)), "Portfolio"),
            Chart(
                "vCIO MRR per client: the 20 % rule against the agreement",
                (
                    Series("By the rule", "Clients", "vcio_rule_mrr", "name"),
                    Series("Agreed", "Clients", "agreement_mrr", "name"),
                ),
                y_title="MRR",
            ),
        ),
        audience="summary",
        deliver=True,
    )
    return Book(
        kind=KIND_NAME,
        schema_version=SCHEMA_VERSION,
        title="vCIO pricing",
        sheets=(
            overview,
            Sheet("Clients", (table(CLIENTS, book.clients, r.clients),), audience="summary", deliver=True),
            Sheet("Agreements", (table(AGREEMENTS, book.agreement_lines, r.agreement_lines),)),
            Sheet("Packages", (table(PACKAGES, book.packages, r.packages),)),
            Sheet("Service lines", (table(SERVICE_LINES, book.service_lines, r.lines),)),
            Sheet("Cycles", (table(CYCLES, book.cycles),)),
            Sheet(
                "Projects",
                (
                    table(PROJECTS, book.projects),
                    Title("Projects are quoted as fixed fees and never counted in the MRR.", "note"),
                ),
            ),
        ),
        list_names={
            "PackageNames": ("Packages", "name"),
            "CycleNames": ("Cycles", "name"),
            "ClientNames": ("Clients", "name"),
        },
    )


def headline(book: PricingBook) -> dict[str, Any]:
    r = calc.calculate(book)
    return {
        "Clients": len(book.clients),
        "MSP MRR": r.total_msp_mrr,
        "vCIO MRR by the rule": r.total_rule_mrr,
        "vCIO MRR agreed": r.total_agreement_mrr,
    }


def samples(templates: Path | None = None) -> Iterator[tuple[str, PricingBook]]:
    from xl_engage.inputs.pricing import load_pricing
    from xl_engage.templates import SAMPLE_MSP

    yield (
        "vcio-pricing.xlsx",
        load_pricing(SAMPLE_MSP / "clients.csv", SAMPLE_MSP / "agreements.toml", templates),
    )


KIND = Kind(
    KIND_NAME,
    SCHEMA_VERSION,
    "vCIO package pricing: 20 % rule, packages, agreements",
    PricingBook,
    SCHEMA,
    build,
    calc.check,
    headline=headline,
    samples=samples,
)
