"""Problems as values: every problem found in an input carries where it is.

Following beancount, loaders and checks do not raise on the first bad value: they collect
:class:`Issue` values, each located (``Budget!F14`` in a workbook, ``clients.csv:7`` in a
file) and rendered in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "note"]
"""A note is not a problem: it says what the reader did (lines skipped, a column chosen)."""


@dataclass(frozen=True)
class Issue:
    """One problem, located where the user can go and fix it."""

    where: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.where}: {prefix}{self.message}"


@dataclass(frozen=True)
class Problem:
    """A rule broken by a model, located by the model path (pydantic ``loc`` style).

    Calculations and checks speak in model paths; the reader turns them into cells.
    """

    loc: tuple[str | int, ...]
    message: str
    severity: Severity = "error"


class XleError(Exception):
    """An error with a one-line, user-facing explanation."""


class NotAWorkbookError(XleError):
    """The file is not a readable xl_engage workbook (not xlsx, wrong kind, newer schema)."""


class RefusedError(XleError):
    """The run is refused before anything is read or written (an output that is an input, a
    folder given as a file): exit 2."""


class InputError(XleError):
    """An input file could not be loaded; carries every issue found."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))


def errors(issues: list[Issue]) -> list[Issue]:
    """Only the issues that make an input invalid (warnings do not)."""
    return [i for i in issues if i.severity == "error"]
