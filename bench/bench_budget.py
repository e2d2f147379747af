"""Benchmark the life-cycle budget workbook against raw xlsxwriter / python-calamine.

Run from the project root::

    .venv/bin/python bench/bench_budget.py [--assets 100000] [--pairs 3] [--profile]

It generates in memory an inventory of N assets (deterministic random: nine asset types,
purchase dates 2017–2026, warranties of 3 or 5 years, some costs and dates unknown), a
profile (fiscal year from April, budget from 2026-04-01 for 3 years, status as of
2026-11-22), the bundled life-cycle policy, ten contracts, three initiatives and a monthly
reserve, and plans it with ``xl_engage.inputs.budget.plan`` into a ``BudgetBook`` (its
size is measured with tracemalloc while it is built). Then each side runs in a fresh
process, in ``--pairs`` alternating pairs (``sides.py``: the build against stock
xlsxwriter replaying the renderer's calls and against the same replay on the renderer's
``CachingWorksheet``, the read against python-calamine; median ratio with min–max, for
CPU, wall and peak memory). One more build side replays the recording in xlsxwriter's
``constant_memory`` mode: the same cell writes in row order, but without ``add_table``
(xlsxwriter refuses tables in that mode) and with in-line strings, so it writes a lighter,
different file: a floor, not a like-for-like comparison.

Targets: build ≤ 1.2× raw, build peak memory ≤ 1.5× (raw + model), read ≤ 1.3× raw.
Timings are reported, never asserted: the script always exits 0. Numbers go to
``bench/results/budget.json``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import gc
import json
import pickle
import platform
import random
import sys
import tempfile
import time
import tracemalloc
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
from bench_pricing import OTHER, RawContent, profile, write_raw

from xl_engage.build import write_workbook
from xl_engage.calc import budget as calc
from xl_engage.inputs.budget import load_policy, plan
from xl_engage.kinds import get_kind
from xl_engage.models.budget import Asset, BudgetBook, Contract, Initiative, Profile
from xl_engage.reader import read_workbook

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results" / "budget.json"
TARGETS = {"build": 1.2, "memory": 1.5, "read": 1.3}
KB = 1024

# --- the workload ---------------------------------------------------------------------------

# type, share of the fleet, name prefix, warranty years, typical replacement cost
_TYPES = (
    ("Workstation", 30, "WS", 3, "1150.00"),
    ("Laptop", 30, "LT", 3, "1480.00"),
    ("Printer", 5, "PRN", 3, "820.00"),
    ("Wireless AP", 8, "AP", 5, "640.00"),
    ("Switch", 6, "SW", 5, "2600.00"),
    ("Firewall", 2, "FW", 5, "3100.00"),
    ("Server", 4, "SRV", 5, "8400.00"),
    ("Storage", 3, "NAS", 5, "6200.00"),
    ("UPS battery", 12, "UPS", 3, "260.00"),
)
_SITES = ("HQ", "Warehouse North", "Warehouse South", "Branch East", "Branch West", "Data centre")

_CONTRACTS = (
    ("Microsoft", "Microsoft 365 Business Premium (2,400 seats)", "Software", "52800", "Monthly", 2025, 7),
    ("Microsoft", "Microsoft 365 F3 (6,000 seats)", "Software", "48000", "Monthly", 2026, 10),
    ("Veeam", "Veeam Data Cloud for Microsoft 365", "Cloud services", "9600", "Monthly", 2025, 7),
    ("Wasabi", "Immutable backup storage (400 TB)", "Cloud services", "2798", "Monthly", 2024, 4),
    ("SentinelOne", "Singularity Complete EDR (100k endpoints)", "Security", "770000", "Annual", 2025, 10),
    ("Fortinet", "FortiGuard UTP bundle", "Security", "69000", "Annual", 2026, 6),
    ("Lumen", "Dedicated internet 10 Gbps (HQ)", "Connectivity", "11500", "Monthly", 2023, 3),
    ("8x8", "8x8 Work X4 voice (2,250 users)", "Connectivity", "63000", "Monthly", 2024, 11),
    ("Zebra Technologies", "Zebra OneCare (printers)", "Contracts", "34000", "Annual", 2022, 5),
    ("ServiceNow", "IT service management (250 fulfillers)", "Software", "312000", "Annual", 2024, 1),
)

_INITIATIVES = (
    (
        "Wi-Fi 6E upgrade at all sites",
        "FY2027 Q4",
        "High",
        [
            {"description": "Wi-Fi 6E access points", "category": "Hardware", "quantity": 240,
             "unit_cost": Decimal("650.00"), "expense": "Capex", "markup": Decimal("0.30")},
            {"description": "Survey and installation", "category": "Professional services",
             "quantity": 1, "unit_cost": Decimal("48000.00"), "expense": "Opex"},
        ],
    ),
    (
        "PCI DSS scope reduction",
        "FY2028 Q1",
        "High",
        [
            {"description": "Network segmentation", "category": "Professional services",
             "quantity": 160, "unit_cost": Decimal("165.00"), "expense": "Opex"},
        ],
    ),
    (
        "Disaster recovery site",
        "FY2028 Q3",
        "Medium",
        [
            {"description": "Backup appliances (480 TB)", "category": "Hardware", "quantity": 4,
             "unit_cost": Decimal("98000.00"), "expense": "Capex", "pricing": "Margin",
             "markup": Decimal("0.25")},
            {"description": "Implementation and failover test", "category": "Professional services",
             "quantity": 400, "unit_cost": Decimal("165.00"), "expense": "Opex"},
        ],
    ),
)  # fmt: skip


def make_assets(n: int, seed: int = 2026) -> tuple[Asset, ...]:
    """N assets, the same every run: types by fleet share, purchases 2017–2026, warranty +3/+5
    years; about 15 % have no known cost and 2 % no purchase date (their warranty decides)."""
    rng = random.Random(seed)
    kinds = [t for t in _TYPES for _ in range(t[1])]
    first, span = dt.date(2017, 1, 1).toordinal(), (dt.date(2026, 10, 31) - dt.date(2017, 1, 1)).days
    assets = []
    for i in range(n):
        asset_type, _, prefix, warranty_years, cost = rng.choice(kinds)
        bought = dt.date.fromordinal(first + rng.randrange(span))
        warranty = bought.replace(year=bought.year + warranty_years, day=min(bought.day, 28))
        unknown_cost, unknown_date = rng.random() < 0.15, rng.random() < 0.02
        assets.append(
            Asset(
                asset_id=f"A{i + 1:06d}",
                name=f"{prefix}-{i + 1:06d}",
                asset_type=asset_type,
                purchase_date=None if unknown_date else bought,
                warranty_end=warranty,
                replacement_cost=None if unknown_cost else Decimal(cost) + rng.randrange(0, 200),
                location=rng.choice(_SITES),
            )
        )
    return tuple(assets)


def make_book(n_assets: int) -> BudgetBook:
    """The inventory, policy, contracts, initiatives and reserve, planned into a BudgetBook."""
    profile_ = Profile(
        client="Bench Holdings",
        fiscal_year_start_month=4,
        start=dt.date(2026, 4, 1),
        horizon_years=3,
        as_of=dt.date(2026, 11, 22),
    )
    contracts = [
        Contract(
            vendor=vendor,
            description=description,
            category=category,
            amount=Decimal(amount),
            period=period,
            start=dt.date(year, month, 1),
            annual_increase=Decimal("0.04"),
        )
        for vendor, description, category, amount, period, year, month in _CONTRACTS
    ]
    initiatives = [
        (Initiative(name=name, target_quarter=quarter, priority=priority), costs)
        for name, quarter, priority, costs in _INITIATIVES
    ]
    book = plan(profile_, load_policy(), make_assets(n_assets), contracts, initiatives, "2500", "bench")
    problems = calc.check(book)
    if problems:  # pragma: no cover - a broken workload is a bug in this script
        raise SystemExit(f"generated book has {len(problems)} problem(s), e.g. {problems[0]}")
    return book


def measure_model(n_assets: int) -> tuple[BudgetBook, int, float]:
    """The book, the bytes it holds once built (tracemalloc), and the seconds to build it."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    t0 = time.perf_counter()
    book = make_book(n_assets)
    seconds = time.perf_counter() - t0
    gc.collect()
    size = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return book, size, seconds


# --- constant_memory: the recording replayed row by row --------------------------------------


def constant_memory_content(content: RawContent) -> tuple[RawContent, int]:
    """The recording reordered for ``constant_memory`` mode, and how many tables it drops.

    In that mode xlsxwriter flushes a row as soon as a later row is written and ignores any
    write above it, so cell writes (and ``set_row`` / ``write_comment``, which check the row)
    are sorted by row; other sheet calls keep their order, ahead of the cells. ``add_table``
    is dropped: xlsxwriter returns -3 for it in this mode.
    """
    dropped = 0
    sheet_ops: list[list[tuple[Any, ...]]] = []
    for ops in content.sheet_ops:
        keyed: list[tuple[tuple[int, int, int], tuple[Any, ...]]] = []
        for op in ops:
            if op[0] != OTHER:
                keyed.append(((op[1], 1, op[2]), op))
                continue
            name, args, _ = op[1]
            if name == "add_table":
                dropped += 1
            elif name == "set_row":
                keyed.append(((args[0], 0, 0), op))
            elif name == "write_comment":
                keyed.append(((args[0], 2, args[1]), op))
            else:
                keyed.append(((-1, 0, 0), op))
        keyed.sort(key=lambda k: k[0])
        sheet_ops.append([op for _, op in keyed])
    options = {**content.options, "constant_memory": True}
    return dataclasses.replace(content, options=options, sheet_ops=sheet_ops), dropped


def write_raw_constant_memory(content: RawContent, path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nothing should warn; a stray add_table would
        write_raw(content, path)


# --- where the mechanism's memory goes (with --profile) --------------------------------------


def memory_profile(book: BudgetBook, path: Path, top: int = 15) -> str:
    """Allocation sites live at the peak of one write_workbook run (tracemalloc, 1 frame).

    tracemalloc cannot snapshot at the peak itself, so the snapshot is taken from inside
    the renderer's ``wb.close()`` (the peak: every cell is held, nothing written yet)."""
    snap: list[tracemalloc.Snapshot] = []
    original = xlsxwriter.Workbook.close

    def close(self: Any) -> None:
        if not snap:
            snap.append(tracemalloc.take_snapshot())
        original(self)

    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    xlsxwriter.Workbook.close = close  # type: ignore[method-assign]
    try:
        write_workbook("budget", book, path)
    finally:
        xlsxwriter.Workbook.close = original  # type: ignore[method-assign]
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    lines = [f"=== memory: write_workbook, traced peak {peak / KB / KB:,.0f} MiB above the book ==="]
    for stat in snap[0].statistics("lineno")[:top]:
        frame = stat.traceback[0]
        name = "/".join(Path(frame.filename).parts[-2:])
        lines.append(f"{stat.size / KB / KB:>9,.1f} MiB {stat.count:>11,} blocks  {name}:{frame.lineno}")
    return "\n".join(lines)


# --- the run ----------------------------------------------------------------------------------

BUILD_TASKS = ("build-mech", "build-raw", "build-raw-cm", "build-raw-cached")
READ_TASKS = ("read-mech", "read-raw")


def _ratio(mech: float, raw: float) -> float:
    return mech / raw if raw > 0 else float("inf")


def _mb(kb: float) -> float:
    return round(kb / KB, 1)


def main(argv: list[str] | None = None) -> int:
    import sides

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--assets", type=int, default=100_000, help="assets in the inventory (100000)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating runs of the sides (3)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile and memory tables")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args(argv)
    started = time.perf_counter()

    book, model_bytes, plan_s = measure_model(args.assets)
    kind = get_kind("budget")
    assert kind is not None
    print(
        f"budget bench: {args.assets:,} assets, {len(book.lines):,} lines; "
        f"model {model_bytes / KB / KB:,.0f} MiB (tracemalloc)",
        flush=True,
    )
    dropped: list[int] = []

    def constant_memory_input(content: RawContent, tmp: Path) -> None:
        cm_content, tables_dropped = constant_memory_content(content)
        dropped.append(tables_dropped)
        (tmp / "build-raw-cm.pickle").write_bytes(pickle.dumps(cm_content, protocol=pickle.HIGHEST_PROTOCOL))

    with tempfile.TemporaryDirectory(prefix="xle-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        got = sides.workbook_bench(
            "budget",
            book,
            tmp,
            args.pairs,
            lambda m: print(m, flush=True),
            extra_build=("build-raw-cm",),
            extra_inputs=constant_memory_input,
        )
        mech_path = tmp / "build-mech.xlsx"
        runs = got.pop("runs")
        cm = sides.ratios(runs["build-mech"], runs["build-raw-cm"])
        cm_bytes = (tmp / "build-raw-cm.xlsx").stat().st_size

        # Where the mechanism's build time goes: informative, not in the ratio. The render
        # (with branding and the atomic write) is the rest of the mechanism's time.
        t0 = time.perf_counter()
        calc.calculate(book)
        calculate_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        kind.build(book)
        layout_s = max(time.perf_counter() - t0 - calculate_s, 0.0)
        phases = {"calculate": calculate_s, "layout": layout_s}

        loaded = read_workbook(mech_path)
        read_ok, read_issues, round_trip = loaded.ok, len(loaded.issues), loaded.model == book
        del loaded

        profiles = ""
        if args.profile:
            profiles = "\n".join(
                [
                    profile("build (write_workbook)", lambda: write_workbook("budget", book, mech_path)),
                    profile("read (read_workbook)", lambda: read_workbook(mech_path)),
                    memory_profile(book, mech_path),
                ]
            )

    model_mib = model_bytes / KB / KB
    peaks = got["sides"]
    with_model = (model_mib + peaks["build-mech"]["peak_extra_mib"]) / (
        model_mib + peaks["build-raw"]["peak_extra_mib"]
    )
    results: dict[str, Any] = {
        "bench": "budget",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "xlsxwriter": xlsxwriter.__version__,
        "assets": args.assets,
        "lines": len(book.lines),
        "plan_s": round(plan_s, 3),
        "model_mib": round(model_mib, 1),
        **got,
        "vs_constant_memory": cm,
        "constant_memory_tables_dropped": dropped[0] if dropped else 0,
        "constant_memory_file_bytes": cm_bytes,
        # the memory target: (model + mechanism's peak) against (raw's peak + model)
        "build_memory_with_model": round(with_model, 2),
        "targets": TARGETS,
        "phases_s": phases,
        "read_ok": read_ok,
        "issues": read_issues,
        "round_trip_equal": round_trip,
        "subprocess_reports": runs,
        "total_s": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print("\n".join(sides.said_lines(results, TARGETS)) + f"; whole run {results['total_s']:.0f} s")
    print(sides.said_ratios("build ÷ raw constant_memory (a lighter file: a floor)", cm))
    print(
        f"build peak with the model: {with_model:.2f}× raw's (target ≤ {TARGETS['memory']}×); "
        f"model {model_mib:,.0f} MiB"
    )
    print(
        "build phases: "
        + ", ".join(f"{k} {v:.2f} s" for k, v in phases.items())
        + f" (render: the rest of build-mech's {peaks['build-mech']['wall_s']:.1f} s); plan {plan_s:.1f} s"
    )
    print(f"read back ok: {read_ok}, {read_issues} issue(s), round trip equal: {round_trip}")
    print(f"results: {args.out}")
    if profiles:
        print(profiles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
