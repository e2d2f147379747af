"""Assemble a pricing book: templates + a client list + each client's customisations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xl_engage.calc.pricing import agreement_from_template, check
from xl_engage.inputs.files import exact_numbers, read_csv_table, validate_document, validate_rows
from xl_engage.issues import InputError, Issue
from xl_engage.kinds.pricing import CLIENTS
from xl_engage.models.base import key
from xl_engage.models.pricing import Client, PricingBook
from xl_engage.templates import load_toml, templates_dir
from xl_engage.validate import locate_problems


def load_templates(templates: Path | str | None = None) -> PricingBook:
    """The firm's settings, cycles, packages with their lines, and projects."""
    path = templates_dir(templates) / "pricing.toml"
    doc = load_toml(path)
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


def load_clients(path: Path) -> tuple[Client, ...]:
    """Clients from a CSV export; every bad value is named by line and column."""
    clients, issues = validate_rows(read_csv_table(path, CLIENTS), "clients", Client, path.name)
    if issues:
        raise InputError(issues)
    return clients


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


def load_pricing(
    clients_csv: Path, agreements: Path | None = None, templates: Path | str | None = None
) -> PricingBook:
    """Templates + clients (+ customisations) → a validated pricing book."""
    book = load_templates(templates)
    clients = load_clients(clients_csv)
    changes = load_toml(agreements) if agreements else {}
    book = customise(book, clients, changes, str(agreements or clients_csv))
    problems = locate_problems(check(book), {}, str(clients_csv))
    if problems:
        raise InputError(problems)
    return book
