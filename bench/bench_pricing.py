"""Benchmark the pricing workbook mechanism against raw xlsxwriter / python-calamine.

Run from the project root::

    .venv/bin/python bench/bench_pricing.py [--clients 1000] [--pairs 3] [--profile]

It generates a pricing book for N clients, each with a customised agreement (one template
line removed, hours changed on another, one line added), then measures, each side in a
fresh process, in ``--pairs`` alternating pairs (``sides.py``; ratios are the median of
the pairs' with min–max, for CPU, wall and peak memory):

build
    ``xl_engage.build.write_workbook("pricing", book, path)`` (calculation + layout +
    render) against a flat xlsxwriter loop that writes exactly the same workbook: the same
    sheets, cells, formats, formula strings with the same cached values, tables
    (``add_table``), data validations, comments, defined names, chart and page setup. The
    raw side's content is captured once, untimed, by recording the calls the renderer makes
    on a stand-in workbook; the script checks that both files hold identical parts.
read
    ``xl_engage.reader.read_workbook(path)`` against ``python_calamine.load_workbook`` plus
    ``to_python()`` of every sheet of the same file.

Ratios are mechanism / raw; targets are build ≤ 1.2× and read ≤ 1.3×. The build is also
compared with the raw replay on the renderer's ``CachingWorksheet``: the mechanism's own
overhead. Timings are
reported, never asserted: the script always exits 0. Numbers go to
``bench/results/pricing.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import datetime as dt
import gc
import io
import json
import platform
import pstats
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import python_calamine
import xlsxwriter

import xl_engage.render as render_module
from xl_engage.branding import load_branding
from xl_engage.build import write_workbook
from xl_engage.calc import pricing as calc
from xl_engage.inputs.pricing import customise, load_templates
from xl_engage.kinds import get_kind
from xl_engage.models.pricing import Client, PricingBook
from xl_engage.reader import read_workbook
from xl_engage.render import render

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "pricing.json"
TARGETS = {"build": 1.2, "read": 1.3}

# --- the workload ---------------------------------------------------------------------------

_ADDED_LINES = (
    ("On-site strategy workshop", "annual", "6"),
    ("Compliance evidence review", "quarterly", "1.5"),
    ("Cloud cost review", "monthly", "0.5"),
    ("Security awareness briefing", "quarterly", "2"),
    ("Vendor contract renewal", "annual", "3"),
)


def make_book(n_clients: int) -> PricingBook:
    """Templates + N clients (packages round-robin), each agreement customised three ways."""
    templates = load_templates()
    packages = templates.packages
    lines_of = {p.name: [s.name for s in templates.service_lines if s.package == p.name] for p in packages}
    clients: list[Client] = []
    changes: list[dict[str, Any]] = []
    for i in range(n_clients):
        pkg = packages[i % len(packages)]
        employees = pkg.min_employees + i % 10
        name = f"Client {i + 1:05d}"
        if i % 2:
            client = Client(
                name=name, msp_mrr=Decimal(2000 + 37 * (i % 300)), employees=employees, package=pkg.name
            )
        else:
            client = Client(
                name=name,
                users=employees + i % 7,
                price_per_user=Decimal("125.50"),
                employees=employees,
                package=pkg.name,
            )
        clients.append(client)
        template_lines = lines_of[pkg.name]
        removed = template_lines[i % len(template_lines)]
        changed = template_lines[(i + 1) % len(template_lines)]
        added_name, added_cycle, added_hours = _ADDED_LINES[i % len(_ADDED_LINES)]
        changes.append(
            {
                "client": name,
                "remove": [removed],
                "change": [{"name": changed, "hours": 1.5 + i % 4}],
                "add": [{"name": added_name, "cycle": added_cycle, "hours": float(added_hours)}],
            }
        )
    book = customise(templates, tuple(clients), {"agreement": changes}, "bench")
    problems = calc.check(book)
    if problems:  # pragma: no cover - a broken workload is a bug in this script
        raise SystemExit(f"generated book has {len(problems)} problem(s), e.g. {problems[0]}")
    return book


# --- capturing what the renderer writes -----------------------------------------------------
#
# The renderer is run once against a stand-in for ``xlsxwriter.Workbook`` that records every
# call. The recording becomes plain data (cell tuples plus a few other calls) that the raw
# writer replays with a flat loop on a real xlsxwriter workbook.

NUMBER, STRING, FORMULA, BLANK, DATETIME, OTHER = range(6)
_CELL_OPS = {"write_number": NUMBER, "write_string": STRING, "write_blank": BLANK, "write_datetime": DATETIME}


@dataclass(frozen=True)
class _Ref:
    """A recorded format or chart, resolved to the real object when replayed."""

    kind: str
    index: int


class _Recorder:
    """Records method calls as (name, args, kwargs); every call returns None."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        if name.startswith("__"):
            raise AttributeError(name)

        def call(*args: Any, **kwargs: Any) -> None:
            self.calls.append((name, args, kwargs))

        return call


class _RecordingSheet(_Recorder):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class _RecordingChart(_Recorder):
    def __init__(self, ref: _Ref) -> None:
        super().__init__()
        self.ref = ref


class _RecordingFormat(_Recorder):
    def __init__(self, ref: _Ref) -> None:
        super().__init__()
        self.ref = ref


class _RecordingWorkbook(_Recorder):
    """Stands in for ``xlsxwriter.Workbook`` while the renderer runs once."""

    last: _RecordingWorkbook | None = None

    def __init__(self, filename: str, options: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.options = dict(options or {})
        self.sheets: list[_RecordingSheet] = []
        self.formats: list[_RecordingFormat] = []
        self.charts: list[_RecordingChart] = []
        _RecordingWorkbook.last = self

    def add_worksheet(self, name: str | None = None, worksheet_class: Any = None) -> _RecordingSheet:
        # A custom worksheet class is the mechanism's business: the raw side uses stock xlsxwriter.
        sheet = _RecordingSheet(name or f"Sheet{len(self.sheets) + 1}")
        self.sheets.append(sheet)
        self.calls.append(("add_worksheet", (sheet.name,), {}))
        return sheet

    def add_format(self, props: dict[str, Any] | None = None) -> _RecordingFormat:
        fmt = _RecordingFormat(_Ref("format", len(self.formats)))
        self.formats.append(fmt)
        self.calls.append(("add_format", (dict(props or {}),), {}))
        return fmt

    def add_chart(self, options: dict[str, Any]) -> _RecordingChart:
        chart = _RecordingChart(_Ref("chart", len(self.charts)))
        self.charts.append(chart)
        self.calls.append(("add_chart", (dict(options),), {}))
        return chart

    def close(self) -> None:
        pass


def _to_refs(value: Any) -> Any:
    """Recorded arguments with stand-in objects replaced by plain references."""
    if isinstance(value, _RecordingFormat | _RecordingChart):
        return value.ref
    if isinstance(value, list | tuple):
        return type(value)(_to_refs(v) for v in value)
    if isinstance(value, dict):
        return {k: _to_refs(v) for k, v in value.items()}
    return value


def _resolve(value: Any, formats: list[Any], charts: list[Any]) -> Any:
    if isinstance(value, _Ref):
        return formats[value.index] if value.kind == "format" else charts[value.index]
    if isinstance(value, list | tuple):
        return type(value)(_resolve(v, formats, charts) for v in value)
    if isinstance(value, dict):
        return {k: _resolve(v, formats, charts) for k, v in value.items()}
    return value


Call = tuple[str, tuple[Any, ...], dict[str, Any]]


@dataclass
class RawContent:
    """Everything the renderer wrote, as plain data for the raw writer."""

    options: dict[str, Any]
    workbook_calls: list[Call]
    format_calls: list[list[Call]]
    chart_calls: list[list[Call]]
    # per sheet: (op, row, col, value, format index or -1, cached value) ... or (OTHER, call)
    sheet_ops: list[list[tuple[Any, ...]]]
    counts: dict[str, int] = field(default_factory=dict)


def _fmt_index(fmt: Any) -> int | None:
    if fmt is None:
        return -1
    if isinstance(fmt, _RecordingFormat):
        return fmt.ref.index
    return None


def capture(layout: Any, branding: Any, scratch: Path) -> RawContent:
    """Run the renderer once on a recording workbook and flatten what it wrote."""
    _RecordingWorkbook.last = None
    # The stand-in replaces xlsxwriter.Workbook wherever the renderer's module can see it.
    targets: list[Any] = [xlsxwriter, *(m for m in (render_module,) if m.__dict__.get("Workbook"))]
    with contextlib.ExitStack() as stack:
        for target in targets:
            stack.enter_context(mock.patch.object(target, "Workbook", _RecordingWorkbook))
        render(layout, scratch / "capture.xlsx", branding)
    wb = _RecordingWorkbook.last
    if wb is None:  # pragma: no cover - the renderer always creates a workbook
        raise SystemExit("capture failed: the renderer created no workbook")
    counts = {"number": 0, "string": 0, "formula": 0, "blank": 0, "datetime": 0, "other": 0}
    names = {NUMBER: "number", STRING: "string", FORMULA: "formula", BLANK: "blank", DATETIME: "datetime"}
    sheet_ops: list[list[tuple[Any, ...]]] = []
    for sheet in wb.sheets:
        ops: list[tuple[Any, ...]] = []
        for name, args, kwargs in sheet.calls:
            op: tuple[Any, ...] | None = None
            if not kwargs and name in _CELL_OPS and len(args) in (3, 4):
                fmt = _fmt_index(args[3] if len(args) == 4 else None)
                if fmt is not None:
                    op = (_CELL_OPS[name], args[0], args[1], args[2], fmt)
            elif not kwargs and name == "write_formula" and len(args) == 5:
                fmt = _fmt_index(args[3])
                if fmt is not None:
                    op = (FORMULA, args[0], args[1], args[2], fmt, args[4])
            if op is None:
                ops.append((OTHER, (name, _to_refs(args), _to_refs(kwargs))))
                counts["other"] += 1
            else:
                ops.append(op)
                counts[names[op[0]]] += 1
        sheet_ops.append(ops)
    return RawContent(
        options=wb.options,
        workbook_calls=[(n, _to_refs(a), _to_refs(k)) for n, a, k in wb.calls],
        format_calls=[[(n, _to_refs(a), _to_refs(k)) for n, a, k in f.calls] for f in wb.formats],
        chart_calls=[[(n, _to_refs(a), _to_refs(k)) for n, a, k in c.calls] for c in wb.charts],
        sheet_ops=sheet_ops,
        counts=counts,
    )


# --- the two sides of each measurement ------------------------------------------------------


def write_raw(content: RawContent, path: Path) -> None:
    """Plain xlsxwriter: create the sheets and formats, then one flat loop over the cells."""
    wb = xlsxwriter.Workbook(str(path), content.options)
    sheets: list[Any] = []
    formats: list[Any] = []
    charts: list[Any] = []
    for name, args, kwargs in content.workbook_calls:
        if name == "add_worksheet":
            sheets.append(wb.add_worksheet(*args))
        elif name == "add_format":
            formats.append(wb.add_format(*args))
        elif name == "add_chart":
            charts.append(wb.add_chart(*args))
        else:
            getattr(wb, name)(*_resolve(args, formats, charts), **_resolve(kwargs, formats, charts))
    for fmt, calls in zip(formats, content.format_calls, strict=True):
        for name, args, kwargs in calls:
            getattr(fmt, name)(*args, **kwargs)
    for chart, calls in zip(charts, content.chart_calls, strict=True):
        for name, args, kwargs in calls:
            getattr(chart, name)(*_resolve(args, formats, charts), **_resolve(kwargs, formats, charts))
    fmts = [*formats, None]  # index -1: no format
    for ws, ops in zip(sheets, content.sheet_ops, strict=True):
        write_number, write_string, write_formula = ws.write_number, ws.write_string, ws.write_formula
        for op in ops:
            code = op[0]
            if code == NUMBER:
                write_number(op[1], op[2], op[3], fmts[op[4]])
            elif code == STRING:
                write_string(op[1], op[2], op[3], fmts[op[4]])
            elif code == FORMULA:
                write_formula(op[1], op[2], op[3], fmts[op[4]], op[5])
            elif code == BLANK:
                ws.write_blank(op[1], op[2], op[3], fmts[op[4]])
            elif code == DATETIME:
                ws.write_datetime(op[1], op[2], op[3], fmts[op[4]])
            else:
                name, args, kwargs = op[1]
                getattr(ws, name)(*_resolve(args, formats, charts), **_resolve(kwargs, formats, charts))
    wb.close()


def read_raw(path: Path) -> list[list[list[Any]]]:
    """Plain python-calamine: open the file and turn every sheet into Python lists."""
    wb = python_calamine.load_workbook(str(path))
    return [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]


def same_parts(a: Path, b: Path) -> tuple[bool, list[str]]:
    """Do two .xlsx files hold byte-identical parts (ignoring the creation timestamp)?"""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names_a, names_b = set(za.namelist()), set(zb.namelist())
        differ = sorted(names_a ^ names_b)
        for name in sorted(names_a & names_b):
            if name != "docProps/core.xml" and za.read(name) != zb.read(name):
                differ.append(name)
    return not differ, differ


# --- timing ---------------------------------------------------------------------------------


def best_of(repeat: int, funcs: dict[str, Callable[[], object]]) -> dict[str, float]:
    """Best wall time of each function; the functions take turns, so drift hits all alike."""
    best = dict.fromkeys(funcs, float("inf"))
    for _ in range(repeat):
        for name, func in funcs.items():
            gc.collect()
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def profile(label: str, func: Callable[[], object], top: int = 25) -> str:
    prof = cProfile.Profile()
    prof.enable()
    func()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return f"=== profile: {label} ===\n{out.getvalue()}"


def _comparison(label: str, timings: dict[str, float]) -> dict[str, Any]:
    """Mechanism against raw for one task, as the JSON report gives it."""
    ratio = _ratio(timings["mechanism"], timings["raw"])
    return {
        "mechanism_s": timings["mechanism"],
        "raw_s": timings["raw"],
        "overhead_s": timings["mechanism"] - timings["raw"],
        "ratio": ratio,
        "target": TARGETS[label],
        "meets_target": ratio <= TARGETS[label],
    }


def _ratio(mech: float, raw: float) -> float:
    return mech / raw if raw > 0 else float("inf")


def main(argv: list[str] | None = None) -> int:
    import sides

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--clients", type=int, default=1000, help="clients in the book (default 1000)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating runs of the sides (3)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile tables")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    book = make_book(args.clients)
    setup_s = time.perf_counter() - t0
    kind = get_kind("pricing")
    assert kind is not None
    branding = load_branding()
    print(
        f"pricing bench: {args.clients:,} clients, {len(book.agreement_lines):,} agreement lines", flush=True
    )

    with tempfile.TemporaryDirectory(prefix="xle-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        got = sides.workbook_bench("pricing", book, tmp, args.pairs, lambda m: print(m, flush=True))
        mech_path = tmp / "build-mech.xlsx"

        # Where the mechanism's build time goes: one run each, informative, not in the ratio.
        layout_holder: list[Any] = []
        phases = best_of(
            1,
            {
                "calculate": lambda: calc.calculate(book),
                "layout": lambda: layout_holder.append(kind.build(book)),
                "render": lambda: render(layout_holder[-1], tmp / "render-only.xlsx", branding),
            },
        )
        phases["layout"] = max(phases["layout"] - phases["calculate"], 0.0)  # build() calculates too
        loaded = read_workbook(mech_path)

        profiles = ""
        if args.profile:
            profiles = "\n".join(
                [
                    profile("build (write_workbook)", lambda: write_workbook("pricing", book, mech_path)),
                    profile("read (read_workbook)", lambda: read_workbook(mech_path)),
                ]
            )

    results: dict[str, Any] = {
        "bench": "pricing",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "xlsxwriter": xlsxwriter.__version__,
        "clients": args.clients,
        "agreement_lines": len(book.agreement_lines),
        "setup_s": round(setup_s, 4),
        **sides.outcome(got, TARGETS, phases, loaded, book),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("\n".join(sides.said_lines(got, TARGETS)))
    print(
        "build phases: "
        + ", ".join(f"{k} {v:.3f} s" for k, v in phases.items())
        + f" (+ branding and atomic write); setup {setup_s:.2f} s"
    )
    print(
        f"read back ok: {loaded.ok}, {len(loaded.issues)} issue(s), "
        f"round trip equal: {results['round_trip_equal']}"
    )
    print(f"results: {args.out}")
    if profiles:
        print(profiles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
