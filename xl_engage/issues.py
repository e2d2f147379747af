"""Problems as values: every problem found in an input carries where it is.

Following beancount, loaders and checks do not raise on the first bad value: they collect
:class:`Issue` values, each located (``Budget!F14`` in a workbook, ``clients.csv:7`` in a
file) and rendered in one place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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


SHOWN_ALIKE = 10
"""Warnings and notes of one shape shown in full before the rest are counted."""
_VALUES = re.compile(r"'[^']*'|\"[^\"]*\"|\d[\d,.:/-]*")
_DETAILS = re.compile(r"\([^()]*\)")


def shape(issue: Issue) -> tuple[str, Severity, str]:
    """What makes two issues alike: their file or sheet, severity and message with the
    values (quoted text, numbers, dates) and the details in brackets taken out: "2028-10-22
    is in the future" and "2027-03-05 is in the future" are one shape, and so are two
    duplicated references whatever earlier transaction each names "(2026-05-01, CDW, 10.00)"."""
    source = re.split(r"[:!]", issue.where, maxsplit=1)[0]
    return source, issue.severity, _DETAILS.sub("(…)", _VALUES.sub("#", issue.message))


def capped(issues: Iterable[Issue], shown: int = SHOWN_ALIKE) -> list[Issue]:
    """The issues to print on a terminal: every error, and of each shape of warning or note
    the first ``shown``, then one line counting the rest and naming the last. A ledger
    dated a year ahead gives a million "in the future" warnings: a terminal is no place for
    them, and printing them takes minutes. (``check --json`` lists every one.)"""
    out: list[Issue] = []
    rest: dict[tuple[str, Severity, str], list[Issue]] = {}
    seen: dict[tuple[str, Severity, str], int] = {}
    for issue in issues:
        if issue.severity == "error":
            out.append(issue)
            continue
        alike = shape(issue)
        seen[alike] = seen.get(alike, 0) + 1
        if seen[alike] <= shown:
            out.append(issue)
        else:
            more = rest.setdefault(alike, [issue, issue])
            more[1] = issue
    for alike, (first, last) in rest.items():
        source, severity, _ = alike
        count = seen[alike] - shown
        out.append(
            Issue(
                source,
                f"… and {count:,} more like this ({first.where}: {first.message}), the last at {last.where}",
                severity,
            )
        )
    return out
