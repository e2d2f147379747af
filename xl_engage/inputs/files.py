"""Input files: CSV and workbook tables, TOML documents; every problem located in the file."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, TypeVar

import python_calamine
from pydantic import BaseModel, ValidationError, create_model

from xl_engage.a1 import col_letters
from xl_engage.issues import InputError, Issue
from xl_engage.layout import TableSpec
from xl_engage.models.base import Frozen
from xl_engage.tabular import TableRead, read_table
from xl_engage.validate import explain, validate

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=BaseModel)
MAX_CSV_BYTES = 200 * 1024 * 1024


def read_csv_table(path: Path, spec: TableSpec) -> TableRead:
    """Read a CSV export against ``spec``; issues name the file, line and column."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    if not raw.strip():
        raise InputError([Issue(str(path), "the file is empty")])
    if len(raw) > MAX_CSV_BYTES:
        raise InputError([Issue(str(path), f"refused: {len(raw):,} bytes is too large")])
    if b"\x00" in raw[:4096] or raw[:2] == b"PK":
        raise InputError([Issue(str(path), "not a CSV text file (it looks binary)")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    grid = list(csv.reader(io.StringIO(text), dialect))
    headers = grid[0] if grid else []

    def locate(r: int, c: int) -> str:
        column = headers[c].strip() if c < len(headers) else f"column {c + 1}"
        return f"{path.name}:{r + 1} ({column})"

    return read_table(spec, grid, 0, locate)


WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


def read_table_file(path: Path, spec: TableSpec, what: str) -> TableRead:
    """A table exported as CSV, or on the first sheet of a workbook (.xlsx and friends),
    read against ``spec``; issues name the file and row (``inventory.xlsx:Sheet1!C7``)."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return read_csv_table(path, spec)
    if suffix not in WORKBOOK_SUFFIXES:
        raise InputError([Issue(str(path), f"{what} must be a .csv or .xlsx file")])
    try:
        if path.stat().st_size == 0:
            raise InputError([Issue(str(path), "the file is empty")])
        book = python_calamine.load_workbook(str(path))
        sheet = book.sheet_names[0]
        grid = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except InputError:
        raise
    except OSError as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc.strerror or exc}")]) from None
    except Exception as exc:  # calamine raises many types for a damaged or foreign file
        raise InputError([Issue(str(path), f"cannot be read as a workbook ({exc})")]) from None
    if not grid:
        raise InputError([Issue(str(path), "the first sheet is empty")])
    return read_table(spec, grid, 0, lambda r, c: f"{path.name}:{sheet}!{col_letters(c)}{r + 1}")


def located(loc: tuple[Any, ...]) -> str:
    parts = []
    for p in loc:
        parts.append(f"[{p + 1}]" if isinstance(p, int) else f".{p}")
    return "".join(parts).lstrip(".")


def validate_document(model: type[M], data: Any, source: str) -> M:
    """Validate a TOML/JSON-like document; problems are named by their path in it."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        issues = [Issue(f"{source} {located(tuple(e['loc']))}".strip(), explain(e)) for e in exc.errors()]
        raise InputError(issues) from None


def exact_numbers(value: Any) -> Any:
    """TOML floats become exact decimals (0.2 stays 0.2, not 0.2000000000000000111)."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dict):
        return {k: exact_numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [exact_numbers(v) for v in value]
    return value


def validate_rows(
    read: TableRead, field: str, record: type[R], source: str
) -> tuple[tuple[R, ...], list[Issue]]:
    """The rows of a table read from a file as validated records, and every problem, each
    located at its line/cell (a missing column is reported once, not on every row)."""
    holder = create_model(f"_{record.__name__}Rows", __base__=Frozen, **{field: (tuple[record, ...], ...)})
    model, issues = validate(
        holder,
        {field: read.rows},
        read.where,
        read.labels,
        source,
        read.issues,
        lambda loc: len(loc) >= 3 and str(loc[2]) in read.missing,
    )
    problems = read.issues + issues
    return (getattr(model, field) if model is not None else ()), problems
