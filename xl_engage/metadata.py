"""The marks a workbook carries about itself: written by the renderer, read by the reader,
``pdf`` and ``diff``. Kept apart from the renderer so that reading a workbook never loads
the writing library."""

from __future__ import annotations

METADATA_SHEET = "_xle"
"""The hidden sheet of key/value pairs: the kind, its schema version, the marks below."""
DELIVER_NAME = "_xleDeliver"
"""A sheet-scoped defined name marking a sheet of the decision-maker PDF (a spreadsheet
program keeps a sheet's own names when the sheet is renamed, and without the metadata sheet)."""
DELIVER_KEY = "deliver:"
"""Metadata key prefix (+ its place): a sheet of the decision-maker PDF, in order."""
PAGES_KEY = "pages:"
"""Metadata key prefix (+ sheet name): the pages a delivered sheet prints on, as planned."""
FLOWS_KEY = "flows:"
"""Metadata key prefix (+ sheet name): a delivered sheet holds a table running over pages,
broken by the engine itself (where its own row heights and text fitting decide)."""
USER_FORMULAS = "user-formulas:"
"""Metadata key prefix (+ table name): the table's user columns hold kept formulas."""
