"""From a validated model to a file, and from an edited file back to a fresh one."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from xl_engage.branding import Branding, load_branding
from xl_engage.gcpause import gc_paused
from xl_engage.issues import InputError, NotAWorkbookError
from xl_engage.kinds import get_kind
from xl_engage.reader import read_workbook
from xl_engage.render import render


def write_workbook(
    kind_name: str,
    model: BaseModel,
    out: Path,
    branding: Branding | None = None,
    templates: Path | str | None = None,
) -> Path:
    """Build and render a workbook of ``kind_name``; its branding from ``templates`` (the
    firm's folder, or the bundled default), unless ``branding`` is given."""
    kind = get_kind(kind_name)
    if kind is None:  # pragma: no cover - callers pass registered names
        raise ValueError(f"unknown kind {kind_name!r}")
    with gc_paused():  # the layout's rows all live until the file is written
        layout = kind.build(model)
    return render(layout, out, branding or load_branding(templates), templates)


def model_from_workbook(path: Path, expected_kind: str) -> BaseModel:
    """Read an edited workbook of ``expected_kind``; its issues stop the rebuild."""
    loaded = read_workbook(path)
    if loaded.kind.name != expected_kind:
        raise NotAWorkbookError(
            f"{path}: this is a {loaded.kind.name} workbook, not a {expected_kind} workbook"
        )
    if loaded.model is None:
        raise InputError(loaded.issues)
    return loaded.model
