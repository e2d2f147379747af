"""Report-shaped exports: find the table inside a report, and say what was left out.

Accounting packages and RMM tools export *reports*, not tables: the company's name, the
report's name and its date range above the header; account sections with a heading line,
their rows, a "Total for …" line; opening and closing balances; a "Report generated …"
footer; page headers repeated. This module finds the header row (the first row that names
the most of the columns a table wants) and sorts every other line into data and the
reasons it is not data, so the table reader sees only data rows and the user hears exactly
what was skipped. Nothing here knows a vendor: the rules are the shapes all of them share.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from xl_engage.coerce import is_blank, to_date, to_text
from xl_engage.layout import Column, TableSpec, header_key
from xl_engage.tabular import HeaderNames, ImportSettings

HEADER_SEARCH_ROWS = 40
"""The header must be within this many lines of the top."""

_TOTAL = re.compile(
    r"^\s*(grand\s+|sub-?\s*)?totals?\b|^\s*net\s+(movement|change)\b|^\s*(current\s+)?period\s+change\b",
    re.IGNORECASE,
)
_BALANCE = re.compile(
    r"\b(opening|beginning|closing|ending|starting)\s+balance\b|^\s*balance\s+(forward|b/?f|c/?f)\b"
    r"|\b(brought|carried)\s+forward\b|^\s*(kontostand|saldo|solde)\b",
    re.IGNORECASE,
)
_BALANCE_LINE = re.compile(
    r"^\s*((opening|beginning|closing|ending|starting)\s+balance|balance\s+(forward|b/?f|c/?f)"
    r"|(brought|carried)\s+forward|(letzter\s+)?kontostand|saldo|solde)\b[^a-z]*$",
    re.IGNORECASE,
)
"""A cell that says only that the line is a balance ("Beginning Balance", "Kontostand")."""
_FOOTER = re.compile(
    r"^\s*(report\s+)?(generated|printed|run|created|exported)\b|^\s*(accrual|cash)\s+basis\b"
    r"|^\s*page\s+\d+|^\s*\*+\s*end\s+of\s+report|^\s*end\s+of\s+report",
    re.IGNORECASE,
)

_SUSPECT_WORDS = ("total", "balance", "forward", "change", "kontostand", "saldo", "solde")
"""A line holding none of these is data without further thought (the common case)."""

REASONS = ("title", "blank", "repeated header", "section", "subtotal", "balance", "footer")
"""Why a line is not data, in the order a summary names them."""


def header_score(row: Sequence[Any], names: HeaderNames) -> tuple[int, int]:
    """How much a row looks like the header: (required columns named, columns named)."""
    found: set[str] = set()
    required: set[str] = set()
    for cell in row:
        if type(cell) is not str or not cell.strip():
            continue
        hit = names.get(cell)
        if hit is not None and hit[0] is not None and hit[0].is_input:
            found.add(hit[0].key)
            if hit[0].required:
                required.add(hit[0].key)
    return len(required), len(found)


def find_header(
    grid: Sequence[Sequence[Any]], spec: TableSpec, settings: ImportSettings | None = None
) -> int | None:
    """The first row, near the top, that names the most of the spec's columns (at least
    two, or the one column a one-column table has); None when no row does."""
    names = HeaderNames(spec, settings)
    need = min(2, len(spec.input_columns))
    best, best_score = None, (0, 0)
    for r, row in enumerate(grid[:HEADER_SEARCH_ROWS]):
        score = header_score(row, names)
        if score[1] >= need and score > best_score:
            best, best_score = r, score
    return best


@dataclass
class Shape:
    """Where the table is inside a report-shaped file."""

    header_row: int
    rows: list[int] = field(default_factory=list)
    """Grid rows that are data, in order."""
    skipped: dict[str, list[int]] = field(default_factory=dict)
    """Grid rows left out, by reason."""
    sections: dict[int, str] = field(default_factory=dict)
    """For a data row under a section heading: the heading's text."""

    def skip(self, reason: str, row: int) -> None:
        self.skipped.setdefault(reason, []).append(row)

    def summary(self) -> str:
        """``skipped 4 title lines, 12 subtotal lines, 1 footer line`` (empty when nothing was)."""
        counts = Counter({k: len(v) for k, v in self.skipped.items() if k != "blank"})
        parts = [f"{counts[r]:,} {r} line{'s' if counts[r] != 1 else ''}" for r in REASONS if counts.get(r)]
        return "skipped " + ", ".join(parts) if parts else ""


def _first_text(row: Sequence[Any]) -> tuple[int, str]:
    for j, cell in enumerate(row):
        if not is_blank(cell):
            return j, to_text(cell)
    return -1, ""


def shape(grid: Sequence[Sequence[Any]], spec: TableSpec, known: dict[int, Column], header_row: int) -> Shape:
    """Sort the lines of ``grid`` into data and skipped lines (title lines above the
    header; below it blank lines, repeated headers, section headings, totals, balances,
    footers). ``known`` maps the header's positions to the spec's columns.

    A line is data unless it says otherwise: a line with a single text cell that its column
    cannot hold (a heading in the date column, or in a column of no field) is a section
    heading; a line whose first text is "Total…" or names a balance is skipped — unless it
    holds a value in every required column (a payee called "Total Network Care" is data).
    Lines of one cell after the last data line are the footer.
    """
    out = Shape(header_row)
    for r in range(header_row):
        out.skip("blank" if all(is_blank(c) for c in grid[r]) else "title", r)
    header = [header_key(to_text(c)) for c in grid[header_row]]
    raw_header = list(grid[header_row])
    anchors = [j for j, c in known.items() if c.required and c.is_input]
    # a required column that others stand in for (a missing asset tag: the serial, the name)
    by_key = {c.key: j for j, c in known.items()}
    groups = [
        [by_key[k] for k in (c.key, *c.fallbacks) if k in by_key]
        for c in spec.input_columns
        if c.required and (c.key in by_key or any(f in by_key for f in c.fallbacks))
    ]
    probe = min(anchors) if anchors else None  # a repeated header repeats this cell
    inputs = {j for j, c in known.items() if c.is_input}
    at = next((j for j, c in known.items() if c.key == spec.section_field), None)
    sections = _Sections()
    pending: list[tuple[int, str]] = []  # heading lines: sections if data follows, else footer
    for r in range(header_row + 1, len(grid)):
        row = grid[r]
        filled = [
            j for j, c in enumerate(row) if not (c is None or c == "" or (type(c) is str and c.isspace()))
        ]
        if not filled:
            out.skip("blank", r)
            continue
        complete = all(any(j < len(row) and not is_blank(row[j]) for j in g) for g in groups)
        repeated = probe is not None and probe < len(row) and row[probe] == raw_header[probe]
        if complete and len(filled) >= 2 and not repeated:
            words = "\x1f".join(c for c in row if type(c) is str).lower()
            if not any(w in words for w in _SUSPECT_WORDS):
                out.rows.append(r)  # the common case, decided without a regular expression
                if sections.open:
                    out.sections[r] = sections.open[-1]
                continue
        j, lead = _first_text(row)
        # a heading may carry figures in columns of no field (QuickBooks: the balance)
        meaningful = [k for k in filled if k in inputs or k == j]
        if [header_key(to_text(c)) for c in row[: len(header)]] == header[: len(row)]:
            out.skip("repeated header", r)
        elif any(_BALANCE_LINE.match(to_text(row[k])) for k in filled) or (
            any(_BALANCE.search(to_text(row[k])) for k in filled)
            and not (complete and _holds_values(row, known, groups))
        ):
            out.skip("balance", r)
            name = to_text(row[at]) if at is not None and at < len(row) else ""
            if name and not _BALANCE.search(name):
                sections.rename(name)  # Sage: the account is named on its balance line
        elif _TOTAL.search(lead) and not (complete and _holds_values(row, known, groups)):
            out.skip("subtotal", r)
            sections.close(lead)
        elif _FOOTER.search(lead) and (not complete or len(meaningful) <= 1):
            out.skip("footer", r)
        elif len(meaningful) == 1 and type(row[j]) is str and _heading_fits(j, row[j], known, spec):
            pending.append((r, lead))
            sections.open.append(lead)
        else:
            out.rows.append(r)
            if sections.open:
                out.sections[r] = sections.open[-1]
    for p, _ in pending:  # a heading with no data below it was the footer
        out.skip("section" if out.rows and out.rows[-1] > p else "footer", p)
    for reason in out.skipped:
        out.skipped[reason].sort()
    return out


_TOTAL_WORDS = re.compile(r"^\s*(grand\s+|sub-?\s*)?totals?\s*(for\b|of\b)?\s*:?\s*", re.IGNORECASE)


@dataclass
class _Sections:
    """The account sections a line is inside, outermost first. Accounting reports nest them:
    QuickBooks lists a sub-account's section, its "Total for" line, then the parent's own
    entries, then the parent's "Total for" line; an entry after a sub-account's total still
    belongs to the parent (it was a transfer with no account, and its spend was lost)."""

    open: list[str] = field(default_factory=list)

    def close(self, total_line: str) -> None:
        """A total line closes the section it names and every one inside it; one naming a
        section it is not inside ("Total Computer equipment" under "6100 Computer equipment")
        closes the innermost; a bare "TOTAL", the report's own, closes them all."""
        named = header_key(_TOTAL_WORDS.sub("", total_line, count=1))
        for depth in range(len(self.open) - 1, -1, -1):
            if named and header_key(self.open[depth]) == named:
                del self.open[depth:]
                return
        if named:
            del self.open[-1:]
        else:
            self.open.clear()  # a bare TOTAL: the report's own

    def rename(self, name: str) -> None:
        if self.open:
            self.open[-1] = name
        else:
            self.open.append(name)


def _holds_values(row: Sequence[Any], known: dict[int, Column], groups: list[list[int]]) -> bool:
    """A "Total…" line that is really data: every required column holds a value, the date
    columns hold something other than text (a total line leaves the date blank), and more
    than one column is filled ("Total Machines: 32" alone is a footer)."""
    if sum(1 for j in known if known[j].is_input and j < len(row) and not is_blank(row[j])) < 2:
        return False
    for group in groups:
        cells = [row[j] for j in group if j < len(row) and not is_blank(row[j])]
        if not cells:
            return False
        j, cell = group[0], cells[0]
        if known[j].kind in ("date", "month") and type(cell) is str:
            try:  # a total line leaves its date blank or writes a word there
                to_date(cell)
            except ValueError:
                return False
    return True


def _heading_fits(j: int, text: str, known: dict[int, Column], spec: TableSpec) -> bool:
    """Can a lone text in column ``j`` be a section heading? Yes in a column of no field, in
    the section's own column (an account heading in the Account column), or in a date or
    number column (which cannot hold it); no in another text column, where it is a row with
    values missing (and reported as such)."""
    col = known.get(j)
    if col is None or not col.is_input or col.key == spec.section_field:
        return True
    if col.kind in ("date", "month"):
        try:
            to_date(text)
        except ValueError:
            return True
        return False
    return col.kind in ("int", "number", "hours", "money", "percent", "ratio") and not any(
        ch.isdigit() for ch in text
    )
