"""Assemble a budget: a client file, an inventory export (CSV/XLSX) and the policy.

Inventories come from PSA/RMM exports: headers vary (aliases), dates come in several
formats, money as ``$1,234.56`` or ``(120.00)``, blank costs mean *unknown*, and one asset
may be listed twice (the earliest purchase date and the latest warranty end win, and the
duplicate is reported as a warning).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from xl_engage.calc import budget as calc
from xl_engage.inputs.files import exact_numbers, read_table_file, validate_document, validate_rows
from xl_engage.issues import InputError, Issue, errors
from xl_engage.kinds.budget import ASSETS
from xl_engage.models.base import Frozen, key
from xl_engage.models.budget import Asset, BudgetBook, Contract, Initiative, Line, PolicyRow, Profile
from xl_engage.tabular import TableRead
from xl_engage.templates import load_toml, templates_dir
from xl_engage.validate import locate_problems


def load_policy(templates: Path | str | None = None) -> tuple[PolicyRow, ...]:
    path = templates_dir(templates) / "lifecycle.toml"

    class _Policy(Frozen):
        policy: tuple[PolicyRow, ...]

    return validate_document(_Policy, exact_numbers(load_toml(path)), str(path)).policy


def read_inventory_table(path: Path) -> TableRead:
    """The inventory's rows (first sheet of an .xlsx, or a CSV), located by file and row."""
    return read_table_file(path, ASSETS, "an inventory")


def merge_duplicates(read: TableRead, source: str) -> list[Issue]:
    """One row per asset id: earliest purchase date and latest warranty end win."""
    warnings: list[Issue] = []
    first: dict[str, dict[str, Any]] = {}
    kept: list[dict[str, Any]] = []
    new_index: dict[int, int] = {}
    for i, row in enumerate(read.rows):
        ident = key(str(row.get("asset_id", ""))) or f"\x00{i}"
        target = first.get(ident)
        if target is None:
            first[ident] = row
            new_index[i] = len(kept)
            kept.append(row)
            continue
        for field, pick in (("purchase_date", min), ("warranty_end", max)):
            dates = [d for d in (target.get(field), row.get(field)) if d is not None]
            if dates:
                target[field] = pick(dates)
        warnings.append(
            Issue(
                read.where.get(("assets", i), source),
                f"asset id {row.get('asset_id')!r} is listed again; merged: earliest purchase "
                "date and latest warranty end kept",
                "warning",
            )
        )
    if warnings:  # renumber only when rows were merged
        read.where = read.where.renumbered("assets", new_index)
        read.rows = kept
    return warnings


def load_assets(path: Path) -> tuple[tuple[Asset, ...], list[Issue]]:
    """Validated assets and the warnings (duplicates merged); errors raise InputError."""
    assets, warnings, _ = load_located_assets(path)
    return assets, warnings


def load_located_assets(path: Path) -> tuple[tuple[Asset, ...], list[Issue], dict[Any, str]]:
    """Assets, warnings, and where in the file each asset's values came from."""
    read = read_inventory_table(path)
    warnings = merge_duplicates(read, path.name)

    assets, problems = validate_rows(read, "assets", Asset, path.name)
    if problems:
        raise InputError(problems + warnings)
    return assets, warnings, read.where


def plan(
    profile: Profile,
    policy: tuple[PolicyRow, ...],
    assets: tuple[Asset, ...],
    contracts: list[Contract],
    initiatives: list[tuple[Initiative, list[dict[str, Any]]]],
    reserve_monthly: Any,
    source: str,
) -> BudgetBook:
    """Every planned line: replacements with labour, contracts, initiatives, the reserve."""
    lines: list[Line] = [*calc.plan_assets(profile, policy, assets), *calc.plan_contracts(profile, contracts)]
    issues: list[Issue] = []
    for initiative, costs in initiatives:
        month = calc.quarter_start(profile, initiative.target_quarter)
        if month is None:
            issues.append(
                Issue(
                    source,
                    f"initiative {initiative.name!r}: {initiative.target_quarter} is outside the budget",
                )
            )
            continue
        for cost in costs:
            lines.append(
                validate_document(
                    Line,
                    {"month": month, "source": initiative.name, **cost},
                    f"{source} initiative {initiative.name!r}",
                )
            )
    if issues:
        raise InputError(issues)
    lines += calc.plan_reserve(profile, Decimal(str(reserve_monthly or 0)))
    return BudgetBook(
        profile=profile,
        policy=policy,
        assets=assets,
        initiatives=tuple(i for i, _ in initiatives),
        lines=tuple(lines),
    )


def load_budget(
    client_toml: Path, assets_path: Path | None = None, templates: Path | str | None = None
) -> tuple[BudgetBook, list[Issue]]:
    """A client file (+ its inventory, default ``assets.csv``/``.xlsx`` beside it) → budget."""
    doc = exact_numbers(load_toml(client_toml))
    source = str(client_toml)
    profile = validate_document(Profile, doc.get("profile", {}), f"{source} profile")
    contracts = [
        validate_document(Contract, c, f"{source} contracts[{i + 1}]")
        for i, c in enumerate(doc.get("contracts", []))
    ]
    initiatives = []
    for i, raw in enumerate(doc.get("initiatives", [])):
        raw = dict(raw)
        costs = raw.pop("costs", [])
        initiatives.append((validate_document(Initiative, raw, f"{source} initiatives[{i + 1}]"), costs))
    if assets_path is None:
        found = [
            p
            for p in (client_toml.with_name("assets.csv"), client_toml.with_name("assets.xlsx"))
            if p.exists()
        ]
        assets_path = found[0] if found else None
    assets, warnings, where = load_located_assets(assets_path) if assets_path else ((), [], {})
    policy = load_policy(templates)
    book = plan(
        profile,
        policy,
        assets,
        contracts,
        initiatives,
        doc.get("planning", {}).get("reserve_monthly", 0),
        source,
    )
    problems = locate_problems(calc.check(book), where, source)
    if errors(problems):
        raise InputError(problems + warnings)
    return book, warnings + problems
