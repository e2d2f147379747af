"""The client portfolio (CSV/XLSX export) and the playbook's cadence rules."""

from __future__ import annotations

from pathlib import Path

from xl_engage.inputs.files import exact_numbers, read_csv_table, validate_document, validate_rows
from xl_engage.issues import InputError, Issue
from xl_engage.layout import Column, TableSpec
from xl_engage.models.base import Frozen, duplicates
from xl_engage.models.playbook import CadenceRule, PlaybookSettings, PortfolioClient, Yearly
from xl_engage.templates import load_toml, templates_dir

PORTFOLIO = TableSpec(
    "Portfolio",
    "Portfolio",
    "clients",
    (
        Column("Client", "name", aliases=("Company", "Client name")),
        Column("MRR", "mrr", "money", aliases=("Monthly recurring revenue",)),
        Column("AISP", "aisp", "money", required=False, aliases=("All-in seat price", "Price per user")),
        Column("Users", "users", "int", required=False, aliases=("User count", "Seats")),
        Column("Complexity", "complexity", "int", aliases=("Complexity (1-10)",)),
        Column("vCIO", "vcio", aliases=("Assigned vCIO", "vCIO name")),
        Column(
            "Fiscal year start",
            "fiscal_year_start_month",
            "int",
            required=False,
            aliases=("FY start", "Fiscal year start month"),
        ),
    ),
    title="Client portfolio",
)


class Rules(Frozen):
    settings: PlaybookSettings = PlaybookSettings()
    cadence: tuple[CadenceRule, ...]
    yearly: Yearly = Yearly()


def load_rules(templates: Path | str | None = None) -> Rules:
    path = templates_dir(templates) / "playbook.toml"
    return validate_document(Rules, exact_numbers(load_toml(path)), str(path))


def load_portfolio(path: Path) -> tuple[PortfolioClient, ...]:
    """Clients from a CSV export; every problem named by line and column."""
    got = read_csv_table(path, PORTFOLIO)
    clients, problems = validate_rows(got, "clients", PortfolioClient, path.name)
    if not problems:
        names = [c.name for c in clients]
        problems = [
            Issue(got.where[("clients", i, "name")], f"client {names[i]!r} appears more than once")
            for idxs in duplicates(names).values()
            for i in idxs[1:]
        ]
    if problems:
        raise InputError(problems)
    return clients
