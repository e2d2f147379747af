"""How a sheet prints: the scale, and where pages break, decided as a person would lay it out.

Fitting every sheet to one page wide printed a 29-column table at 3 pt and cut charts in
two. Here a sheet prints at the largest scale that fits its width, never below
``MIN_SCALE`` (10-point text printed at 8 points); wider sheets go across pages with
their key column repeated. Pages break between blocks, never through a chart, and a chart
stays on the page of the table it draws when both fit on one. The geometry is Excel's own
(a column of width w is ``trunc(7w + 5)`` pixels in the default font, a pixel ¾ of a
point), so the page count a PDF shows can be predicted and tested.

Pure arithmetic: no spreadsheet library.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

PAPER_INCHES = {"letter": (11.0, 8.5), "a4": (11.69, 8.27)}
PAPER_CODE = {"letter": 1, "a4": 9}
"""Excel's paper numbers."""
SIDE_MARGIN, TOP_MARGIN = 0.5, 0.75
MIN_SCALE = 80
"""A sheet too wide to fit prints at 80 % (10-point text at 8 points), across pages."""
MIN_FIT = 65
"""A sheet that fits its page's width at 65 % or more prints on one page across (10-point
text at 6.5 points at the least): a budget's twelve quarter columns at 67 % read better than
the same table with its Total column alone on a page of its own, which is what printing
across pages at ``MIN_SCALE`` gave (a decision maker's review of the PDFs)."""
DEFAULT_ROW = 15.75
"""Every row not given a height: 21 pixels, set outright (Excel's default of 15 points is not
written, and LibreOffice then sizes rows to their font: pages would break elsewhere)."""
WIDTH_SAFETY = 0.98
SAFETY = 0.93
"""Pages are filled to 93 %: an engine's row heights differ by a point here and there, and
a block that would just fit is better moved whole than cut by the engine."""


DEFAULT_WIDTH = 8.43
"""A column given no width (Excel's default, in characters)."""


def columns_spanned(widths: Sequence[float], px: float) -> int:
    """How many columns (these, then default ones) a drawing ``px`` pixels wide spans, by
    Excel's geometry (``trunc(7w + 5)`` pixels a column)."""
    used, n = 0.0, 0
    while used < px:
        used += math.trunc((widths[n] if n < len(widths) else DEFAULT_WIDTH) * 7 + 5)
        n += 1
    return n


def column_points(width: float) -> float:
    """A column's printed width at 100 %, from the width in characters a writer is given
    (Excel: ``trunc(7w + 5)`` pixels; LibreOffice with Carlito, measured on its PDFs: about
    7.5 pixels a character), a pixel ¾ of a point. The wider of the two is used, so a sheet
    planned to fit fits in both."""
    return (width * 7.5 + 5) * 0.75 if width > 0 else 0.0


@dataclass(frozen=True)
class Block:
    """Rows ``first``..``last`` (inclusive) written as one piece of a sheet. ``whole``: never
    cut by a page break when it fits on a page (a chart, a short table); ``flows``: a long
    table that may run over pages (its header then repeats)."""

    first: int
    last: int
    whole: bool = False
    joins_previous: bool = False
    """Kept on the page of the block before it (a chart with the table it draws)."""
    breaks_inside: tuple[int, ...] = ()
    """Rows inside the block that start a new page (each party of a view by party)."""
    last_col: int = -1
    """The block's last column (-1: the sheet's): a page down whose blocks end before the
    columns printed on a page across prints no such page (no program prints a blank page)."""


@dataclass(frozen=True)
class PrintPlan:
    scale: int
    breaks: tuple[int, ...]
    pages_across: int
    pages: int
    """Pages printed: each page down, across as many pages as its blocks are wide."""


def _scale(widths: Sequence[float], landscape: bool, paper: str) -> tuple[int, float, float]:
    """(scale, points of columns a page holds at it, printable height at 100 %): the largest
    scale that fits the width, down to ``MIN_FIT``; a wider sheet prints at ``MIN_SCALE``
    across pages."""
    long_side, short_side = PAPER_INCHES[paper]
    page_w, page_h = (long_side, short_side) if landscape else (short_side, long_side)
    printable_w = (page_w - 2 * SIDE_MARGIN) * 72 * WIDTH_SAFETY
    content_w = sum(column_points(w) for w in widths) or 1.0
    fit = math.floor(100 * printable_w / content_w)
    scale = min(100, fit) if fit >= MIN_FIT else MIN_SCALE
    return scale, printable_w * 100 / scale, (page_h - 2 * TOP_MARGIN) * 72


def first_page_columns(widths: Sequence[float], landscape: bool = True, paper: str = "letter") -> int:
    """How many of the columns fit on a sheet's first page across."""
    _, room_w, _ = _scale(widths, landscape, paper)
    used = 0.0
    for n, w in enumerate(widths):
        used += column_points(w)
        if used > room_w:
            return max(n, 1)
    return len(widths)


def plan(
    widths: Sequence[float],
    blocks: Sequence[Block],
    heights: Mapping[int, float],
    landscape: bool = True,
    paper: str = "letter",
    repeated: float = 0.0,
) -> PrintPlan:
    """The print scale and page breaks of a sheet with these column ``widths`` (characters),
    ``blocks`` in row order and row ``heights`` (points; others ``DEFAULT_ROW``);
    ``repeated``: the height of the header rows printed again at the top of each page."""
    scale, room_w, printable_h = _scale(widths, landscape, paper)
    key_w = min(column_points(widths[0]), room_w / 2) if widths else 0.0  # repeated: never most of a page

    def across_for(last_col: int) -> int:
        """Pages across for columns 0..last_col (later pages repeat the key column)."""
        used_w = sum(column_points(w) for w in (widths if last_col < 0 else widths[: last_col + 1]))
        return 1 + math.ceil(max(used_w - room_w, 0) / max(room_w - key_w, 1.0))

    across = across_for(-1)
    wide: dict[int, int] = {}  # page down -> the pages across it prints on
    full_h = printable_h * 100 / scale
    room_h = full_h * SAFETY  # what a planned page is filled to

    def height(first: int, last: int) -> float:
        return sum(heights.get(r, DEFAULT_ROW) for r in range(first, last + 1))

    breaks: list[int] = []
    used, page = 0.0, 0
    units: list[list[Block]] = []
    for unit in _units(blocks):  # a chart and its table too tall for one page: each alone
        joined = height(unit[0].first, unit[-1].last) > room_h and len(unit) > 1
        units.extend([[b] for b in unit] if joined else [unit])
    cursor = -1  # the last row counted: blank rows between blocks take room too
    for unit in units:
        first, last = unit[0].first, unit[-1].last
        need = height(first, last)
        keep = any(b.whole for b in unit) and need <= room_h
        head = height(first, min(last, first + 3))  # a table's title, header and first rows
        gap = height(cursor + 1, first - 1)
        if used and ((keep and used + gap + need > room_h) or (not keep and used + gap + head > room_h)):
            breaks.append(first)
            used, page = 0.0, page + 1
        elif used:
            used += gap
        inside = _inside(unit)
        spans = [(b.first, b.last, across_for(b.last_col)) for b in unit]
        for row in range(first, last + 1):
            if row in inside and row != first and used:
                breaks.append(row)
                used, page = 0.0, page + 1
            h = heights.get(row, DEFAULT_ROW)
            if used and used + h > full_h:  # the engine breaks a long table here, its header repeated
                used, page = repeated, page + 1
            used += h
            span = next((n for lo, hi, n in spans if lo <= row <= hi), 1)
            if span > wide.get(page, 1):
                wide[page] = span
            else:
                wide.setdefault(page, 1)
        cursor = last
    return PrintPlan(scale, tuple(breaks), across, sum(wide.values()) or 1)


def _inside(unit: Sequence[Block]) -> set[int]:
    return {r for b in unit for r in b.breaks_inside}


def _units(blocks: Sequence[Block]) -> list[list[Block]]:
    """Blocks grouped so each chart stays with the block before it."""
    out: list[list[Block]] = []
    for b in blocks:
        if b.joins_previous and out:
            out[-1].append(b)
        else:
            out.append([b])
    return out
