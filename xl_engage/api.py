"""The Python API: build any workbook from a model, read any workbook back, load any input.

The command line is a thin layer over these; a script or a notebook uses them directly::

    import xl_engage as xle

    book, issues = xle.load_budget("client.toml")          # a model, and every note/warning
    xle.write(book, "budget.xlsx")                            # the kind comes from the model
    loaded = xle.read("budget.xlsx", xle.BudgetBook)          # typed: loaded.model is a BudgetBook
    frames = loaded.to_frames()                               # one pandas DataFrame per table

Every loader raises :class:`~xl_engage.issues.InputError` (with ``.issues``, each located)
when an input cannot be used, and returns its notes and warnings otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from xl_engage.build import write_workbook
from xl_engage.issues import InputError, Issue, NotAWorkbookError, errors
from xl_engage.kinds import Kind, all_kinds
from xl_engage.reader import read_workbook

M = TypeVar("M", bound=BaseModel)


@dataclass
class Loaded(Generic[M]):
    """A workbook read back: its kind, its model (None when it has errors), every issue."""

    kind: Kind
    model: M | None
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return self.model is not None and not errors(self.issues)

    def to_frames(self) -> dict[str, Any]:
        """One pandas DataFrame per table of the model (``pip install "xl-engage[pandas]"``),
        money as exact Decimals, for an analyst's own sums."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError('to_frames() needs pandas: pip install "xl-engage[pandas]"') from None
        if self.model is None:
            raise InputError(self.issues)
        out = {}
        for spec in self.kind.schema.tables:
            rows = getattr(self.model, spec.field, None)
            if rows:
                out[spec.field] = pd.DataFrame([r.model_dump() for r in rows])
        return out


def kind_of(model: BaseModel) -> Kind:
    """The workbook kind whose model ``model`` is."""
    for kind in all_kinds():
        if isinstance(model, kind.model):
            return kind
    raise TypeError(f"{type(model).__name__} is no workbook kind's model")


def write(model: BaseModel, path: Path | str, templates: Path | str | None = None) -> Path:
    """Write the workbook of ``model`` (its kind from its type) atomically; the firm's
    ``templates`` folder gives the branding. Returns the path written."""
    return write_workbook(kind_of(model).name, model, Path(path), templates=templates)


def read(path: Path | str, model: type[M] | None = None) -> Loaded[M]:
    """Read a workbook made by xl_engage (and perhaps edited); with ``model``, refuse one of
    another kind. Problems are in ``.issues``, each at its cell; a file that is not such a
    workbook raises :class:`NotAWorkbookError`."""
    loaded = read_workbook(path)
    if model is not None and not issubclass(loaded.kind.model, model):
        raise NotAWorkbookError(f"{path}: this is a {loaded.kind.name} workbook, not a {model.__name__}")
    return Loaded(loaded.kind, loaded.model, loaded.issues)  # type: ignore[arg-type]
