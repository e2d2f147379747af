"""Playbook inputs: the client portfolio (CSV/XLSX export), the cadence rules, carry-over.

A new playbook is the portfolio plus the rules in ``templates/playbook.toml``. A rebuilt one
(``--from last.xlsx --portfolio new.csv``) keeps everything the old workbook holds — rules,
settings, the roster and every typed count — and takes only the clients from the new file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xl_engage.inputs.files import exact_numbers, read_table_file, validate_document, validate_rows
from xl_engage.issues import InputError, Issue
from xl_engage.kinds.playbook import ACTUALS, PORTFOLIO
from xl_engage.models.base import Frozen, duplicates, key
from xl_engage.models.playbook import (
    CadenceRule,
    MonthActuals,
    PlaybookBook,
    PlaybookSettings,
    PlaybookYear,
    PortfolioClient,
    Vcio,
    Yearly,
)
from xl_engage.templates import load_toml, template_path


class Rules(Frozen):
    settings: PlaybookSettings = PlaybookSettings()
    cadence: tuple[CadenceRule, ...]
    yearly: Yearly = Yearly()


def load_rules(templates: Path | str | None = None) -> Rules:
    path = template_path("playbook.toml", templates)
    return validate_document(Rules, exact_numbers(load_toml(path)), str(path))


def load_portfolio(path: Path, notes: list[Issue] | None = None) -> tuple[PortfolioClient, ...]:
    """Clients from a CSV/XLSX export (a PSA's accounts); every problem named by line and
    column, and what the reader did (lines skipped, columns chosen) added to ``notes``."""
    got = read_table_file(path, PORTFOLIO, "a portfolio")
    if notes is not None:
        notes.extend(got.notes)
    clients, problems = validate_rows(got, "clients", PortfolioClient, path.name)
    if not problems:
        names = [c.name for c in clients]
        problems = [
            Issue(got.where[("clients", i, "name")], f"client {names[i]!r} appears more than once")
            for idxs in duplicates(names).values()
            for i in idxs[1:]
        ]
    if not problems and not clients:
        problems = [Issue(path.name, "the portfolio has no clients")]
    if problems:
        raise InputError(problems)
    return clients


def roster(clients: tuple[PortfolioClient, ...], keep: tuple[Vcio, ...] = ()) -> tuple[Vcio, ...]:
    """The vCIOs already on the roster, then each new vCIO in order of first appearance."""
    seen = {key(v.name) for v in keep}
    out = list(keep)
    for c in clients:
        if key(c.vcio) not in seen:
            seen.add(key(c.vcio))
            out.append(Vcio(name=c.vcio))
    return tuple(out)


def year_of(year: int, first_month: int = 1, as_of: dt.date | None = None) -> PlaybookYear:
    """The playbook year starting in ``first_month`` of ``year``, progress measured as of
    ``as_of`` (default today). Before the year starts nothing is due yet; after it ends
    everything is."""
    return PlaybookYear(first_month=dt.date(year, first_month, 1), as_of=as_of or dt.date.today())


def load_actuals(path: Path) -> tuple[MonthActuals, ...]:
    """Monthly counts from a CSV/XLSX (typed elsewhere, or exported from a PSA)."""
    got = read_table_file(path, ACTUALS, "an actuals file")
    rows, problems = validate_rows(got, "actuals", MonthActuals, path.name)
    if problems:
        raise InputError(problems)
    return rows


def new_playbook(
    portfolio: Path,
    year: int,
    first_month: int = 1,
    as_of: dt.date | None = None,
    templates: Path | str | None = None,
    actuals: Path | None = None,
    notes: list[Issue] | None = None,
) -> PlaybookBook:
    rules = load_rules(templates)
    clients = load_portfolio(portfolio, notes)
    return PlaybookBook(
        year=year_of(year, first_month, as_of),
        settings=rules.settings,
        yearly=rules.yearly,
        cadence=rules.cadence,
        team=roster(clients),
        clients=clients,
        actuals=load_actuals(actuals) if actuals else (),
    )


def carry_over(last: PlaybookBook, portfolio: Path, notes: list[Issue] | None = None) -> PlaybookBook:
    """The old playbook with the new portfolio's clients: the roster keeps every vCIO (one
    who lost all clients keeps their sheet and counts), new vCIOs join, actuals stay."""
    clients = load_portfolio(portfolio, notes)
    return last.model_copy(update={"clients": clients, "team": roster(clients, last.team)})
