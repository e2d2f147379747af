"""xl_engage: Excel workbooks and Excel functions for MSP client engagement.

The Python API (see README "From Python"): ``write(model, path)``, ``read(path, Model)``,
the input loaders and the models, all importable from here. Names load on first use, so
``import xl_engage`` (and the command line) stays quick.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_EXPORTS = {
    # writing and reading workbooks
    "write": "xl_engage.api",
    "read": "xl_engage.api",
    "Loaded": "xl_engage.api",
    # loading inputs (each returns models, and raises InputError with located issues)
    "load_budget": "xl_engage.inputs.budget",
    "start_budget": "xl_engage.inputs.budget",
    "load_assets": "xl_engage.inputs.budget",
    "load_ledger": "xl_engage.inputs.reconcile",
    "new_reconciliation": "xl_engage.inputs.reconcile",
    "load_pricing": "xl_engage.inputs.pricing",
    "load_clients": "xl_engage.inputs.pricing",
    "load_roi": "xl_engage.inputs.roi",
    "new_playbook": "xl_engage.inputs.playbook",
    "load_portfolio": "xl_engage.inputs.playbook",
    "start_matrix": "xl_engage.inputs.raci",
    "load_mapping": "xl_engage.inputs.mapping",
    # the models
    "BudgetBook": "xl_engage.models.budget",
    "PricingBook": "xl_engage.models.pricing",
    "RoiBook": "xl_engage.models.roi",
    "RaciBook": "xl_engage.models.raci",
    "PlaybookBook": "xl_engage.models.playbook",
    "ReconBook": "xl_engage.models.reconcile",
    # problems
    "Issue": "xl_engage.issues",
    "InputError": "xl_engage.issues",
    "NotAWorkbookError": "xl_engage.issues",
}
__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'xl_engage' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
