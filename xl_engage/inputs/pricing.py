"""Assemble a pricing book: templates + a client list + each client's customisations."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_engage.calc.pricing import agreement_from_template, check, recommend
from xl_engage.inputs.files import exact_numbers, read_table_file, validate_document, validate_rows
from xl_engage.issues import InputError, Issue, errors
from xl_engage.kinds.pricing import CLIENTS
from xl_engage.models.base import Frozen, key
from xl_engage.models.pricing import Client, PricingBook
from xl_engage.money import round_money
from xl_engage.tabular import Places, TableRead
from xl_engage.templates import load_toml, template_path
from xl_engage.validate import locate_problems


def load_templates(templates: Path | str | None = None) -> PricingBook:
    """The firm's settings, cycles, packages with their lines, and projects."""
    path = template_path("pricing.toml", templates)
    doc = load_toml(path, ("settings", "cycles", "packages", "projects"))
    lines: list[dict[str, Any]] = []
    packages = []
    for pkg in doc.get("packages", []):
        pkg = dict(pkg)
        for line in pkg.pop("lines", []):
            line = dict(line)
            line.setdefault("rate", doc.get("settings", {}).get("planning_rate", 200))
            lines.append({"package": pkg.get("name", ""), **line})
        packages.append(pkg)
    data = {
        "settings": doc.get("settings", {}),
        "cycles": doc.get("cycles", []),
        "packages": packages,
        "service_lines": lines,
        "projects": doc.get("projects", []),
    }
    return validate_document(PricingBook, exact_numbers(data), str(path))


def load_clients(
    path: Path, book: PricingBook | None = None, notes: list[Issue] | None = None
) -> tuple[Client, ...]:
    """Clients from a CSV or XLSX export (a PSA's company list); every bad value is named by
    line and column. A client with no package gets the one recommended for its head count
    (a PSA knows no vCIO packages), and a note says how many did."""
    clients, _ = read_clients([path], book, notes)
    return clients


NO_MRR = (
    "has no MRR: no 'MSP MRR given' column, and no 'Users' with 'Price per user'. A PSA keeps "
    "the MRR on its agreements: give their export too (ConnectWise: --clients companies.csv "
    "--clients agreements.csv), or add the column"
)


def read_clients(
    paths: list[Path], book: PricingBook | None = None, notes: list[Issue] | None = None
) -> tuple[tuple[Client, ...], Places]:
    """Clients from one client list, or several exports of one PSA joined on the client's
    name (companies give the head count, agreements the MRR): each later file fills what the
    earlier ones lack, and a client only a later file names is added. Every value stays
    located in the file it came from."""
    got = read_table_file(paths[0], CLIENTS, "a client list")
    present = set(got.present)
    optional = dataclasses.replace(
        CLIENTS, columns=tuple(dataclasses.replace(c, required=False) for c in CLIENTS.columns)
    )
    for other in paths[1:]:  # a later file need not repeat what the first one has
        more = read_table_file(other, optional, "a client list")
        _join(got, more, other.name)
        got.issues += more.issues
        got.notes += more.notes
        present |= more.present
    path = paths[0]
    if not errors(got.issues) and "msp_mrr" not in present and not {"users", "price_per_user"} <= present:
        raise InputError([Issue(" + ".join(p.name for p in paths), NO_MRR)])
    if book is not None:
        given = 0
        small: list[str] = []
        for row in got.rows:
            if row.get("package") in (None, "") and isinstance(row.get("employees"), int):
                found = recommend(row["employees"], book.packages, book.settings.advisory_name)
                names = {key(p.name) for p in book.packages}
                if key(found) not in names and book.packages:  # below every package: the smallest
                    found = min(book.packages, key=lambda p: p.min_employees).name
                    small.append(str(row.get("name", "")))
                row["package"] = found
                given += 1
        if given and notes is not None:
            below = (
                f"; {len(small):,} of them ({', '.join(small[:3])}{', …' if len(small) > 3 else ''}) are "
                f"below every package: they got the smallest, and the workbook recommends "
                f"{book.settings.advisory_name} for them"
                if small
                else ""
            )
            notes.append(
                Issue(
                    path.name,
                    f"{given:,} client(s) had no package: each got the one recommended for its head count"
                    + below,
                    "note",
                )
            )
    clients, issues = validate_rows(got, "clients", Client, path.name)
    if issues:
        raise InputError(issues)
    if notes is not None:
        notes[:0] = got.notes
    return clients, got.where


_PER_MONTH: dict[str, Decimal] = {
    "monthly": Decimal(1),
    "month": Decimal(1),
    "weekly": Decimal(12) / Decimal(52),
    "bi-weekly": Decimal(12) / Decimal(26),
    "biweekly": Decimal(12) / Decimal(26),
    "bi-monthly": Decimal(2),
    "bimonthly": Decimal(2),
    "quarterly": Decimal(3),
    "quarter": Decimal(3),
    "semi-annual": Decimal(6),
    "semiannual": Decimal(6),
    "semi-annually": Decimal(6),
    "half-yearly": Decimal(6),
    "annual": Decimal(12),
    "annually": Decimal(12),
    "yearly": Decimal(12),
    "year": Decimal(12),
}
"""Months one bill covers, by a PSA's billing cycle (ConnectWise's recurrences): an amount
billed weekly is 52/12 of it a month."""
_ENDED = {"cancelled", "canceled", "inactive", "expired", "closed", "terminated", "ended", "lost"}


def _join(into: TableRead, more: TableRead, source: str) -> None:
    """``more``'s rows joined into ``into`` by client name (Excel's comparison). A client's
    several rows in one later file (several agreements) add their MRR, each brought to a
    month by its billing cycle when the file says it ("Annual": a twelfth)."""
    index = {key(str(r.get("name", ""))): i for i, r in enumerate(into.rows)}
    summed: set[int] = set()
    ended = 0
    for j, row in enumerate(more.rows):
        name = key(str(row.get("name", "")))
        extras = row.get("extras", {})
        status = next((str(v) for k, v in extras.items() if key(k) in ("status", "agreement status")), "")
        if key(status) in _ENDED:
            ended += 1
            continue  # a cancelled agreement bills nothing
        cycle = next((str(v) for k, v in extras.items() if "cycle" in k.casefold()), "")
        if cycle and isinstance(row.get("msp_mrr"), Decimal):
            months = _PER_MONTH.get(key(cycle).replace(" ", "-"))
            if months is None:
                more.issues.append(
                    Issue(
                        more.where[("clients", j)],
                        f"billing cycle {cycle!r} is not one the MRR can be worked out from "
                        f"(the cycles: {', '.join(sorted(_PER_MONTH))})",
                    )
                )
                continue
            row["msp_mrr"] = round_money(row["msp_mrr"] / months)
        i = index.get(name)
        if i is None:
            i = index[name] = len(into.rows)
            into.rows.append({})
            into.where[("clients", i)] = more.where[("clients", j)]
        target = into.rows[i]
        if i in summed and isinstance(row.get("msp_mrr"), Decimal):
            target["msp_mrr"] = target["msp_mrr"] + row["msp_mrr"]  # another agreement of the client
        for field, value in row.items():
            if field == "extras":
                target.setdefault("extras", {}).update(
                    {k: v for k, v in value.items() if k not in target.get("extras", {})}
                )
            elif target.get(field) in (None, "") and value not in (None, ""):
                target[field] = value
                if field == "msp_mrr":
                    summed.add(i)
                if ("clients", j, field) in more.where:
                    into.where[("clients", i, field)] = more.where[("clients", j, field)]
    if ended:
        more.notes.append(
            Issue(source, f"{ended:,} cancelled or inactive agreement(s) left out of the MRR", "note")
        )


def customise(
    book: PricingBook, clients: tuple[Client, ...], changes: dict[str, Any], source: str
) -> PricingBook:
    """Each client's agreement = its template, then lines removed, changed and added."""
    lines: list[dict[str, Any]] = []
    issues: list[Issue] = []
    by_client = {key(str(c.get("client", ""))): c for c in changes.get("agreement", [])}
    for client in clients:
        base = agreement_from_template(client.name, client.package, book.service_lines)
        change = by_client.pop(key(client.name), {})
        remove = {key(n) for n in change.get("remove", [])}
        edits = {key(e.get("name", "")): e for e in change.get("change", [])}
        for line in base:
            row = line.model_dump()
            if key(line.name) in remove:
                row["included"] = False
            edit = edits.pop(key(line.name), None)
            if edit:
                row.update({k: v for k, v in exact_numbers(edit).items() if k != "name"})
            lines.append(row)
        for name in remove - {key(x.name) for x in base}:
            issues.append(
                Issue(
                    source,
                    f"{client.name}: cannot remove {name!r}: not in package {client.package!r}",
                )
            )
        for name in edits:
            issues.append(
                Issue(
                    source,
                    f"{client.name}: cannot change {name!r}: not in package {client.package!r}",
                )
            )
        for add in change.get("add", []):
            lines.append(
                {
                    "client": client.name,
                    "rate": str(book.settings.planning_rate),
                    **exact_numbers(add),
                }
            )
    for name in by_client:
        issues.append(Issue(source, f"customisation for unknown client {name!r}"))
    if issues:
        raise InputError(issues)
    data = book.model_dump()
    data.update(clients=[c.model_dump() for c in clients], agreement_lines=lines)
    return validate_document(PricingBook, data, source)


class LineChange(Frozen):
    """A template line changed for one client (``name`` says which)."""

    name: str
    hours: Decimal | None = None
    rate: Decimal | None = None
    cycle: str | None = None
    included: bool | None = None


class LineAdded(Frozen):
    name: str
    cycle: str
    hours: Decimal
    rate: Decimal | None = None


class ClientChanges(Frozen):
    client: str
    remove: tuple[str, ...] = ()
    change: tuple[LineChange, ...] = ()
    add: tuple[LineAdded, ...] = ()


class AgreementChanges(Frozen):
    """The shape of ``agreements.toml``: one ``[[agreement]]`` per customised client."""

    agreement: tuple[ClientChanges, ...] = ()


def load_pricing(
    clients_csv: Path | list[Path],
    agreements: Path | None = None,
    templates: Path | str | None = None,
    notes: list[Issue] | None = None,
) -> PricingBook:
    """Templates + clients (one list, or a PSA's exports joined) (+ customisations) → a
    validated pricing book."""
    paths = clients_csv if isinstance(clients_csv, list) else [clients_csv]
    book = load_templates(templates)
    clients, where = read_clients(paths, book, notes)
    changes = load_toml(agreements) if agreements else {}
    if agreements:  # every key checked: a typo (``remvoe``) never silently does nothing
        validate_document(AgreementChanges, exact_numbers(changes), str(agreements))
    book = customise(book, clients, changes, str(agreements or paths[0]))
    problems = locate_problems(check(book), where, str(paths[0]))
    if problems:
        raise InputError(problems)
    return book
