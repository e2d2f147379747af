"""Test helpers: build a workbook to a temp path, read every cell back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import python_calamine
from pydantic import BaseModel

from xl_engage.build import write_workbook


def build(tmp_path: Path, kind: str, model: BaseModel, name: str = "book.xlsx") -> Path:
    return write_workbook(kind, model, tmp_path / name)


def all_cells(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values (cached values for formulas), for content comparisons."""
    book = python_calamine.load_workbook(str(path))
    return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
