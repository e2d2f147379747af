"""Assemble a budget: a client file (or just a name), an inventory export (CSV/XLSX) and
the policy.

Inventories come from PSA/RMM exports: headers vary (aliases), dates come in several
formats, money as ``$1,234.56`` or ``(120.00)``, blank costs mean *unknown*, and one asset
may be listed twice (the earliest purchase date and the latest warranty end win, and the
duplicate is reported as a warning). An export without asset tags identifies each device by
its serial number, then its name. Each device's type is resolved to the policy's type name
(the client's ``[import.types]``, then the policy's names, aliases and patterns); the
export's own text is kept in the user column "Type (as exported)". A type still unknown is
listed as "Unknown type", never dropped, and said once as a warning (``strict``: an error).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from xl_engage.calc import budget as calc
from xl_engage.coerce import to_text
from xl_engage.inputs.files import (
    exact_numbers,
    located,
    read_table_file,
    validate_document,
    validate_rows,
)
from xl_engage.inputs.mapping import MappingFile, check_targets, import_settings, parse_mapping
from xl_engage.issues import InputError, Issue, errors
from xl_engage.kinds.budget import ASSETS
from xl_engage.layout import header_key
from xl_engage.models.base import Frozen, Money, key
from xl_engage.models.budget import Asset, BudgetBook, Contract, Initiative, Line, PolicyRow, Profile
from xl_engage.tabular import ImportSettings, TableRead
from xl_engage.templates import check_keys, load_toml, template_path
from xl_engage.validate import explain, locate_problems

TYPE_AS_EXPORTED = "Type (as exported)"
"""The user column that keeps an export's own type text where it differs from the policy's."""


def load_policy(templates: Path | str | None = None) -> tuple[PolicyRow, ...]:
    """The firm's life-cycle policy, each type with the names exports give it (aliases);
    an alias that could never apply, or that two types claim, is an error here."""
    path = template_path("lifecycle.toml", templates)

    class _Policy(Frozen):
        policy: tuple[PolicyRow, ...]

    policy = validate_document(_Policy, exact_numbers(load_toml(path)), str(path)).policy
    problems = calc.alias_problems(policy)
    if problems:
        raise InputError([Issue(f"{path} {located(p.loc)}", p.message) for p in problems])
    return policy


def load_client_types(doc: Mapping[str, Any], policy: tuple[PolicyRow, ...], source: str) -> dict[str, str]:
    """A client file's ``[import.types]``: the export's type text (or a ``*`` pattern) ->
    a policy type name. Each target must be a policy type."""
    section = doc.get("import", {})
    raw = section.get("types", {}) if isinstance(section, Mapping) else None
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise InputError(
            [
                Issue(
                    f"{source} import.types", 'must be a table of names, e.g. "Dell Latitude 5440" = "Laptop"'
                )
            ]
        )
    return checked_types(policy, {str(k): v for k, v in raw.items()}, source)


def checked_types(policy: tuple[PolicyRow, ...], types: dict[str, str], source: str) -> dict[str, str]:
    """``[import.types]`` (of a client file or a mapping) whose targets are all policy types."""
    problems = calc.client_type_problems(policy, types)
    if problems:
        raise InputError([Issue(f"{source} import.types.{p.loc[-1]!r}", p.message) for p in problems])
    return types


def resolve_types(assets: tuple[Asset, ...], names: calc.TypeNames) -> tuple[Asset, ...]:
    """Each asset's type as the policy names it; the export's text is kept in the user
    column "Type (as exported)" where it says something else. An unknown type is left as
    it is (the asset is listed as "Unknown type")."""
    out = []
    for asset in assets:
        resolved = names.resolve(asset.asset_type)
        if resolved is None or resolved == asset.asset_type:
            out.append(asset)
            continue
        extras = dict(asset.extras)
        if key(resolved) != key(asset.asset_type):
            extras.setdefault(TYPE_AS_EXPORTED, asset.asset_type)
        out.append(asset.model_copy(update={"asset_type": resolved, "extras": extras}))
    return tuple(out)


def read_inventory_table(path: Path, settings: ImportSettings | None = None) -> TableRead:
    """The inventory's rows (first sheet of an .xlsx, or a CSV), located by file and row."""
    if settings is not None:
        check_targets(ASSETS, settings, str(path))
    return read_table_file(path, ASSETS, "an inventory", settings)


def client_import_settings(doc: Mapping[str, Any], source: str) -> ImportSettings:
    """The ``[import]`` table of a client file (columns, date order, decimal mark), checked."""
    section = doc.get("import", {})
    return import_settings(parse_mapping({"import": section}, source).import_)


NO_LIFECYCLE_DATES = (
    "has no purchase date and no warranty end column: a life-cycle budget needs one of them to "
    "know when a device is due. Device-management exports (Intune, Jamf) list devices but not "
    "their age: export the hardware from your RMM or PSA (NinjaOne, Datto RMM, ConnectWise, "
    "Autotask, N-able) or a warranty tool (ScalePad), or, if a column holds one of them under "
    'another heading, map it: [import.columns] "Your heading" = "Purchase date"'
)


PLACEHOLDER_SERIALS = frozenset(
    {
        "to be filled by o.e.m.",
        "default string",
        "system serial number",
        "n/a",
        "na",
        "none",
        "unknown",
        "not specified",
        "not applicable",
        "0",
        "00000000",
        "0123456789",
        "123456789",
        "1234567890",
        "chassis serial number",
    }
)
"""What BIOSes and agents report when a device has no serial: never an identity."""


def _no_placeholder_ids(read: TableRead) -> None:
    """A serial that stood in for a missing tag but is a placeholder ("To be filled by
    O.E.M.") identifies nothing: the device is known by its name instead, or, with none, by
    its row."""
    for i, row in enumerate(read.rows):
        serial = key(str(row.get("serial") or ""))
        if serial and serial in PLACEHOLDER_SERIALS and key(str(row.get("asset_id") or "")) == serial:
            row["asset_id"] = row.get("name") or f"device on row {read.where.get(('assets', i), str(i + 1))}"


def _own_tag(row: dict[str, Any]) -> bool:
    """The row's asset id is its own tag, not its serial or name standing in."""
    ident = key(str(row.get("asset_id") or ""))
    return bool(ident) and ident not in {key(str(row.get("serial") or "")), key(str(row.get("name") or ""))}


ORGANIZATION_HEADERS = frozenset(
    {
        "organization", "organisation", "organization name", "organisation name", "customer",
        "customer name", "client name", "company", "company name", "account name", "tenant",
    }
)  # fmt: skip
"""A column of the user's that says whose device it is: RMM and PSA exports list every
client's devices unless filtered (NinjaOne's Organization, ConnectWise's Company, Autotask's
Account Name). Not "Site": one client may have many; not "Client": Configuration Manager's
says Yes or No, whether its agent is installed."""
_YES_NO = frozenset({"yes", "no", "true", "false", "y", "n", "0", "1", "installed", "not installed"})


def _organization_columns(read: TableRead) -> list[str]:
    return [h for h in read.extra_columns.values() if header_key(h) in ORGANIZATION_HEADERS]


def _same_name(text: Any) -> str:
    return " ".join(to_text(text).casefold().split())


def keep_organization(read: TableRead, name: str, source: str) -> list[Issue]:
    """Only the devices of organization ``name`` (its case and spacing aside), with the
    problems of the other rows left out too: another client's bad date is not this budget's.
    A note says how many were kept; no such column, or no device of ``name``, is an error
    that lists what the export holds."""
    columns = _organization_columns(read)
    if not columns:
        raise InputError(
            [
                Issue(
                    source,
                    f"organization {name!r}: the export has no column saying whose device it is "
                    "(Organization, Customer, Company, Client name, Account name or Tenant)",
                )
            ]
        )
    header, want = columns[0], _same_name(name)
    keep = [i for i, row in enumerate(read.rows) if _same_name(row.get("extras", {}).get(header)) == want]
    if not keep:
        found = sorted({to_text(r.get("extras", {}).get(header)).strip() for r in read.rows} - {""})
        listed = ", ".join(repr(f) for f in found[:8]) + (
            f" and {len(found) - 8} more" if len(found) > 8 else ""
        )
        raise InputError(
            [
                Issue(
                    source,
                    f"no device of organization {name!r} in the column '{header}', which holds {listed}",
                )
            ]
        )
    kept = set(keep)
    locs: list[tuple[str | int, ...]] = []
    for i, row in enumerate(read.rows):
        if i not in kept:
            # every column's place, read or not: a value refused is not in the row, its problem is
            locs += [("assets", i), *(("assets", i, f) for f in {*row, *(c.key for c in ASSETS.columns)})]
            locs += [("assets", i, "extras", h) for h in row.get("extras", {})]
    elsewhere = {read.where.get(loc, "") for loc in locs}
    elsewhere.discard("")
    read.issues = [i for i in read.issues if i.where not in elsewhere]
    left_out = len(read.rows) - len(keep)
    read.where = read.where.renumbered("assets", {old: new for new, old in enumerate(keep)})
    read.rows = [read.rows[i] for i in keep]
    named = to_text(read.rows[0].get("extras", {}).get(header)).strip()  # as the export spells it
    return [
        Issue(
            source,
            f"kept the {len(keep)} row(s) of organization {named!r} (column '{header}'); "
            f"left out {left_out} of other organizations",
            "note",
        )
    ]


def several_organizations(read: TableRead, source: str) -> list[Issue]:
    """A warning when the export holds devices of more than one organization: they would all
    be planned in one client's budget, without a word (a field trial)."""
    out: list[Issue] = []
    for header in _organization_columns(read):
        counts: dict[str, int] = {}
        spelled: dict[str, str] = {}  # as the export first spells it: "Acme" and "ACME" are one
        for row in read.rows:
            value = row.get("extras", {}).get(header)
            same = _same_name(value)
            if same:
                counts[same] = counts.get(same, 0) + 1
                spelled.setdefault(same, to_text(value).strip())
        if len(counts) > 1 and not set(counts) <= _YES_NO:
            shown = sorted(
                ((spelled[k], n) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0].casefold())
            )
            listed = ", ".join(f"{name!r} ({n})" for name, n in shown[:5])
            more = f" and {len(shown) - 5} more" if len(shown) > 5 else ""
            out.append(
                Issue(
                    source,
                    f"the export lists devices of {len(counts)} organizations in its column '{header}' "
                    f"({listed}{more}): all are planned in this one budget; to budget one client, keep "
                    "only its rows in the export (a file per client, and --portfolio builds them all)",
                    "warning",
                )
            )
    return out


def merge_duplicates(read: TableRead, source: str) -> list[Issue]:
    """One row per device: a row with the asset id (as resolved: the tag, else the serial
    number, else the name) or the serial number of an earlier row is that device again (a
    PSA sync that lost the tag); earliest purchase date and latest warranty end win; a
    value only the later row has is kept."""
    warnings: list[Issue] = []
    first: dict[str, dict[str, Any]] = {}
    kept: list[dict[str, Any]] = []
    new_index: dict[int, int] = {}
    _no_placeholder_ids(read)
    for i, row in enumerate(read.rows):
        ident = key(str(row.get("asset_id", ""))) or f"\x00{i}"
        serial = key(str(row.get("serial") or ""))
        same = (
            ("serial", serial) if serial and serial not in PLACEHOLDER_SERIALS and len(serial) > 3 else None
        )
        target = first.get(ident)
        if target is None and same is not None:
            earlier = first.get("\x01" + same[1])
            # the same serial is the same device unless both rows carry tags of their own
            if earlier is not None and not (_own_tag(earlier) and _own_tag(row)):
                target = earlier
        if target is None:
            first[ident] = row
            if same is not None:
                first.setdefault("\x01" + same[1], row)
            new_index[i] = len(kept)
            kept.append(row)
            continue
        for field, pick in (("purchase_date", min), ("warranty_end", max)):
            dates = [d for d in (target.get(field), row.get(field)) if d is not None]
            if dates:
                target[field] = pick(dates)
        if _own_tag(row) and not _own_tag(target):  # the tagged row names the device
            for field in ("asset_id", "name"):
                if row.get(field) not in (None, ""):
                    target[field] = row[field]
        for field, value in row.items():
            if target.get(field) in (None, "") and value not in (None, ""):
                target[field] = value
        warnings.append(
            Issue(
                read.where.get(("assets", i), source),
                f"asset id {row.get('asset_id')!r} is listed again"
                + (
                    f" (as {target.get('asset_id')!r}: the same serial number)"
                    if key(str(target.get("asset_id", ""))) != ident
                    else ""
                )
                + "; merged: earliest purchase date and latest warranty end kept",
                "warning",
            )
        )
    if warnings:  # renumber only when rows were merged
        read.where = read.where.renumbered("assets", new_index)
        read.rows = kept
    return warnings


def load_assets(path: Path, names: calc.TypeNames | None = None) -> tuple[tuple[Asset, ...], list[Issue]]:
    """Validated assets (types resolved by ``names``, if given) and the notes and warnings
    (duplicates merged); errors raise InputError."""
    assets, warnings, _ = load_located_assets(path, names)
    return assets, warnings


def load_located_assets(
    path: Path, names: calc.TypeNames | None = None, settings: ImportSettings | None = None
) -> tuple[tuple[Asset, ...], list[Issue], Mapping[Any, str]]:
    """Assets (types resolved by ``names``, if given), the reader's notes and the warnings,
    and where in the file each asset's values came from."""
    read = read_inventory_table(path, settings)
    if not errors(read.issues) and read.present and not read.present & {"purchase_date", "warranty_end"}:
        raise InputError([Issue(path.name, NO_LIFECYCLE_DATES)])
    if not errors(read.issues) and read.present and "asset_type" not in read.present:
        spec = ASSETS.column("asset_type")
        also = ", ".join(f"'{a}'" for a in spec.aliases[:3])
        read.issues.append(Issue(path.name, f"the inventory has no column '{spec.header}' (nor {also}, …)"))
    chosen = (
        keep_organization(read, settings.organization, path.name)
        if settings and settings.organization
        else []
    )
    warnings = list(read.notes) + chosen + merge_duplicates(read, path.name)
    if not chosen:
        warnings += several_organizations(read, path.name)

    assets, problems = validate_rows(read, "assets", Asset, path.name)
    if problems:
        raise InputError(problems + warnings)
    if names is not None:
        assets = resolve_types(assets, names)
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


class Planning(Frozen):
    """A client file's ``[planning]``: the monthly peripherals reserve (exact money)."""

    reserve_monthly: Money = Decimal(0)


def load_budget(
    client_toml: Path,
    assets_path: Path | None = None,
    templates: Path | str | None = None,
    strict: bool = False,
    mapping: MappingFile | None = None,
    organization: str = "",
) -> tuple[BudgetBook, list[Issue]]:
    """A client file (+ its inventory, default ``assets.csv``/``.xlsx`` beside it) → budget.

    ``strict``: assets of a type the policy does not know are an error, not a warning.
    ``mapping``: a saved mapping for the export; the client file's own ``[import]`` wins
    where both say something. ``organization``: only that client's devices of the export
    (wins over an ``organization`` in either file)."""
    doc = exact_numbers(load_toml(client_toml, ("profile", "planning", "contracts", "initiatives", "import")))
    source = str(client_toml)
    check_keys(doc.get("planning", {}), ("reserve_monthly",), f"{source} planning")
    planning = validate_document(Planning, doc.get("planning", {}), f"{source} planning")
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
    policy = load_policy(templates)
    own = client_import_settings(doc, source)
    client_types = load_client_types(doc, policy, source)
    if mapping is not None:
        client_types = {**checked_types(policy, dict(mapping.import_.types), "mapping"), **client_types}
        theirs = import_settings(mapping.import_)
        own = ImportSettings(
            {**theirs.columns, **own.columns},
            own.date_order or theirs.date_order,
            own.decimal_mark or theirs.decimal_mark,
            own.organization or theirs.organization,
        )
    names = calc.type_names(policy, client_types)
    settings = dataclasses.replace(own, organization=organization) if organization else own
    if assets_path is None:
        found = [
            p
            for p in (client_toml.with_name("assets.csv"), client_toml.with_name("assets.xlsx"))
            if p.exists()
        ]
        assets_path = found[0] if found else None
    assets, warnings, where = (
        load_located_assets(assets_path, names, settings) if assets_path else ((), [], {})
    )
    book = plan(
        profile,
        policy,
        assets,
        contracts,
        initiatives,
        planning.reserve_monthly,
        source,
    )
    return _checked(book, policy, where, source, warnings, strict)


def start_budget(
    client: str,
    assets_path: Path,
    as_of: dt.date,
    fiscal_year_start_month: int = 1,
    horizon_years: int = 3,
    templates: Path | str | None = None,
    strict: bool = False,
    mapping: MappingFile | None = None,
    organization: str = "",
) -> tuple[BudgetBook, list[Issue]]:
    """A budget from an inventory export alone: the profile's defaults (it starts with the
    fiscal year that holds ``as_of``), the replacements the policy plans, no contracts, no
    initiatives and no reserve (the workbook's tables are there to fill in)."""
    source = assets_path.name
    fy = fiscal_year_start_month
    data = {
        "client": client,
        "fiscal_year_start_month": fy,
        "start": calc.fiscal_year_start(as_of, fy) if 1 <= fy <= 12 else as_of,
        "horizon_years": horizon_years,
        "as_of": as_of,
    }
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            [
                Issue(_PROFILE_LABELS.get(str(e["loc"][0]) if e["loc"] else "", "profile"), explain(e))
                for e in exc.errors()
            ]
        ) from None
    policy = load_policy(templates)
    types = checked_types(policy, dict(mapping.import_.types), "mapping") if mapping else {}
    settings = import_settings(mapping.import_) if mapping else None
    if organization:
        settings = dataclasses.replace(settings or ImportSettings(), organization=organization)
    assets, warnings, where = load_located_assets(assets_path, calc.type_names(policy, types), settings)
    book = plan(profile, policy, assets, [], [], 0, source)
    return _checked(book, policy, where, source, warnings, strict, "mapping")


_PROFILE_LABELS = {
    "client": "client name",
    "fiscal_year_start_month": "fiscal year start month",
    "horizon_years": "horizon (years)",
    "as_of": "status date",
}


def _checked(
    book: BudgetBook,
    policy: tuple[PolicyRow, ...],
    where: Mapping[Any, str],
    source: str,
    warnings: list[Issue],
    strict: bool,
    advice: calc.Advice = "import",
) -> tuple[BudgetBook, list[Issue]]:
    """The budget and every note and warning, or InputError when the rules find errors."""
    problems = locate_problems(calc.check(book, advice, policy, strict), where, source)
    if errors(problems):
        raise InputError(problems + warnings)
    return book, warnings + problems
