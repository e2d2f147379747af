"""A saved mapping: how a firm's own export is read, settled once and kept in a file.

An export we do not know is mapped once, in TOML, and the next export just works::

    [import]
    date_order = "day-first"          # or "month-first"; default: decided per column
    decimal_mark = ","                # or "."; default: decided per column
    organization = "Acme Corp"        # inventories: only this client's devices of an RMM export

    [import.columns]                  # the export's heading = our column (header or alias)
    "HW Cover Ends" = "Warranty end"
    "Soll" = ""                       # "" keeps the export's column as your own

    [import.types]                    # inventories: the export's type = a policy type
    "Dell Latitude 5440" = "Laptop"

    [ledger]                          # ledgers: extends the defaults of templates/reconcile.toml
    not_spend_types = ["Umbuchung"]

The same ``[import]`` table may sit in a budget's ``client.toml``. Unknown keys are refused,
with the valid ones named, so a typo never silently does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from xl_engage.inputs.files import validate_document
from xl_engage.issues import InputError, Issue
from xl_engage.layout import TableSpec
from xl_engage.models.base import Frozen
from xl_engage.tabular import HeaderNames, ImportSettings, unknown_targets
from xl_engage.templates import load_toml


class ImportSection(Frozen):
    columns: dict[str, str] = Field(default_factory=dict)
    types: dict[str, str] = Field(default_factory=dict)
    date_order: Literal["", "day-first", "month-first"] = ""
    decimal_mark: Literal["", ".", ","] = ""
    organization: str = ""


class LedgerExtras(Frozen):
    """Patterns added to the ledger defaults (balance-sheet accounts, not-spend types)."""

    expense_words: tuple[str, ...] = ()
    expense_hints: tuple[str, ...] = ()
    income_accounts: tuple[str, ...] = ()
    payable_accounts: tuple[str, ...] = ()
    cash_accounts: tuple[str, ...] = ()
    other_balance_sheet: tuple[str, ...] = ()
    not_spend_types: tuple[str, ...] = ()
    not_spend_descriptions: tuple[str, ...] = ()


class MappingFile(Frozen):
    import_: ImportSection = Field(default_factory=ImportSection, alias="import")
    ledger: LedgerExtras = Field(default_factory=LedgerExtras)


def import_settings(section: ImportSection) -> ImportSettings:
    return ImportSettings(
        dict(section.columns), section.date_order, section.decimal_mark, section.organization
    )


def parse_mapping(doc: dict[str, Any], source: str) -> MappingFile:
    return validate_document(MappingFile, doc, source)


def load_mapping(path: Path) -> MappingFile:
    """A mapping file, every key checked (unknown keys refused where they are)."""
    return parse_mapping(load_toml(path), str(path))


def check_targets(spec: TableSpec, settings: ImportSettings, source: str) -> None:
    """Refuse a mapping whose target names none of the table's columns, naming them."""
    bad = unknown_targets(spec, settings)
    if bad:
        names = HeaderNames(spec)
        valid = ", ".join(f"'{c.header}'" for c in spec.input_columns if names.get(c.header))
        raise InputError(
            [
                Issue(f"{source} [import.columns]", f"'{t}' is not a column here; the columns are {valid}")
                for t in bad
            ]
        )
