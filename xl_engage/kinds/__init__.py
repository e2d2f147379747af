"""The registry of workbook kinds.

A kind is a model, a schema (its tables and named cells), a layout builder and a rule
check. Everything else — rendering, reading, ``check``, the LibreOffice tests — is shared.
Adding a workbook kind means adding a module here and a line to ``_MODULES``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from xl_engage.issues import Problem
from xl_engage.layout import Book, Schema


@dataclass(frozen=True)
class Kind:
    name: str
    schema_version: int
    description: str
    model: type[BaseModel]
    schema: Schema
    build: Callable[[Any], Book]
    check: Callable[[Any], list[Problem]]
    headline: Callable[[Any], dict[str, Any]] | None = None
    """The figures a reader looks at first (a budget's total per fiscal year): ``diff``
    says how a change moved them."""
    identity: str | None = None
    """The dotted field naming whose workbook this is (a budget's client): ``diff`` refuses
    two workbooks of different clients."""
    samples: Callable[[Path | None], Iterator[tuple[str, Any]]] | None = None
    """The bundled sample MSP's workbooks of this kind: (file name, model) each, made with
    the firm's templates (None: the bundled ones). ``demo`` builds them, and the
    conformance suite (tests/test_conformance.py) runs every kind's through every check."""


_MODULES = {
    "pricing": "xl_engage.kinds.pricing",
    "roi": "xl_engage.kinds.roi",
    "budget": "xl_engage.kinds.budget",
    "raci": "xl_engage.kinds.raci",
    "playbook": "xl_engage.kinds.playbook",
    "reconcile": "xl_engage.kinds.reconcile",
}


def get_kind(name: str) -> Kind | None:
    module = _MODULES.get(name)
    if module is None:
        return None
    return importlib.import_module(module).KIND


def all_kinds() -> list[Kind]:
    return [k for k in (get_kind(n) for n in _MODULES) if k is not None]
