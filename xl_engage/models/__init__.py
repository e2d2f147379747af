"""Validated, frozen domain models. They never import an Excel library.

Every workbook kind's model, importable from this one place (and from the package root):
``from xl_engage.models import BudgetBook``. Loaded on first use, so importing one model
(or ``xl_engage.models.base``) does not import them all.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xl_engage.models.budget import BudgetBook
    from xl_engage.models.playbook import PlaybookBook
    from xl_engage.models.pricing import PricingBook
    from xl_engage.models.raci import RaciBook
    from xl_engage.models.reconcile import ReconBook
    from xl_engage.models.roi import RoiBook

_WHERE = {
    "BudgetBook": "budget",
    "PlaybookBook": "playbook",
    "PricingBook": "pricing",
    "RaciBook": "raci",
    "ReconBook": "reconcile",
    "RoiBook": "roi",
}
__all__ = ["BudgetBook", "PlaybookBook", "PricingBook", "RaciBook", "ReconBook", "RoiBook"]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"xl_engage.models.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'xl_engage.models' has no attribute {name!r}")
