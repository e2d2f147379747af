"""Benchmark the reconciliation against pandas (compute) and raw xlsxwriter (write).

Run from the project root::

    .venv/bin/python bench/bench_reconcile.py [--transactions 100000] [--repeat 1]

Workload: Harbor Logistics' sample budget (three fiscal years, 829 lines) and a generated
ledger of N transactions (deterministic random: dates over the three years, six GL
accounts, six payees, 2 % refunds, amounts up to $5,000), written as a CSV. Each side
runs in a fresh subprocess (best of ``--repeat``), which reports its time and how far its
peak RSS rose while it ran (``/proc/self/clear_refs`` resets the mark):

reconcile
    *Mechanism:* ``load_ledger`` (read, convert, validate every row, locate problems) +
    ``new_reconciliation`` (the budget's lines, the template rules) + ``calculate`` (match
    every transaction by the rules, aggregate by month, category, quarter and line,
    tie out). *Raw:* a typed pandas pipeline (dates parsed, exact cents, bad and unmapped
    rows found, grouped by month and category) over the same data:
    ``read_csv`` of the ledger and of the budget lines, a merge with a GL-account →
    category table, and budget and actual grouped by month and category. Target ≤ 1.5×.
write
    *Mechanism:* ``write_workbook("reconcile", book, path)`` (calculation, layout, render).
    *Raw:* stock xlsxwriter replaying exactly the calls the renderer makes (recorded once,
    untimed, with ``bench_pricing``'s stand-in workbook), so both files hold the same
    parts. Target ≤ 1.2×. Stock xlsxwriter prepares every formula cell from scratch; a
    second raw run replays on the renderer's ``CachingWorksheet`` (each formula text
    prepared once) and shows the mechanism's own overhead.

Timings are reported, never asserted; the script always exits 0. Results go to
``bench/results/reconcile.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import pickle
import platform
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench_budget import _mb, _proc_kb, _ratio, _reset_peak, with_worksheet_class
from bench_pricing import capture, same_parts, write_raw

import xl_engage.render as render_module
from xl_engage.branding import load_branding
from xl_engage.build import write_workbook
from xl_engage.calc import reconcile as calc
from xl_engage.inputs.budget import load_budget
from xl_engage.inputs.reconcile import budget_rows, load_ledger, new_reconciliation
from xl_engage.kinds import get_kind
from xl_engage.templates import SAMPLE_MSP

RESULTS = Path(__file__).parent / "results" / "reconcile.json"
AS_OF = dt.date(2026, 11, 22)
TODAY = dt.date(2030, 1, 1)  # the generated ledger runs into 2029: no "future" warnings
ACCOUNTS = {
    "6100 Computer equipment": "Hardware",
    "6110 Network equipment": "Network",
    "6200 Software subscriptions": "Software",
    "6300 Internet & telecom": "Connectivity",
    "6400 IT services": "Professional services",
    "6900 Miscellaneous": None,
}
PAYEES = ("CDW", "Dell Technologies", "Microsoft", "Lumen", "Amazon Marketplace", "Northwind IT Partners")
CLIENT = SAMPLE_MSP / "budgets" / "harbor-logistics" / "client.toml"
TASKS = ("recon-mech", "recon-raw", "write-mech", "write-raw", "write-raw-cached")


def make_ledger(path: Path, n: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    accounts = list(ACCOUNTS)
    with path.open("w", encoding="utf-8") as f:
        f.write("Date,Payee,Description,Amount,GL account,Ref\n")
        for i in range(n):
            day = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randrange(1095))
            cents = rng.randrange(100, 500_000) * (-1 if rng.random() < 0.02 else 1)
            amount = f"{cents / 100:.2f}"
            f.write(
                f"{day.isoformat()},{rng.choice(PAYEES)},Item {i},{amount},{rng.choice(accounts)},INV-{i}\n"
            )


def reconcile_mech(ledger_path: Path, budget_pickle: Path) -> object:
    with open(budget_pickle, "rb") as f:
        budget = pickle.load(f)
    ledger = load_ledger(ledger_path, today=TODAY)
    book, _ = new_reconciliation(budget, ledger, AS_OF)
    return calc.calculate(book)


def reconcile_raw(ledger_path: Path, budget_csv: Path) -> object:
    """A typed pandas pipeline doing the work the mechanism must do, not less: dates parsed
    with their format, amounts as exact integer cents, bad rows found (a date or amount that
    does not parse, an account no rule maps), then actual and budget by month and category."""
    import pandas as pd

    ledger = pd.read_csv(ledger_path, dtype={"Amount": "string", "GL account": "string"})
    dates = pd.to_datetime(ledger["Date"], format="%Y-%m-%d", errors="coerce")
    text = ledger["Amount"].str.replace(",", "", regex=False).str.strip()
    amounts = pd.to_numeric(text, errors="coerce")
    cents = (amounts * 100).round()
    bad = ledger.index[dates.isna() | cents.isna() | ((amounts * 100 - cents).abs() > 1e-6)]
    mapping = pd.Series(ACCOUNTS, name="category")
    category = ledger["GL account"].map(mapping)
    unmapped = ledger.index[category.isna()]
    good = ~ledger.index.isin(bad)
    actual = pd.DataFrame(
        {
            "month": dates[good].dt.to_period("M"),
            "category": category[good],
            "cents": cents[good].astype("int64"),
        }
    )
    budget = pd.read_csv(budget_csv)
    budget_cents = (pd.to_numeric(budget["amount"]) * 100).round().astype("int64")
    budget_month = pd.to_datetime(budget["month"], format="%Y-%m-%d").dt.to_period("M")
    by_budget = budget_cents.groupby([budget_month, budget["category"]]).sum()
    by_actual = actual.groupby(["month", "category"], dropna=False)["cents"].sum()
    return pd.concat([by_budget, by_actual], axis=1).fillna(0), list(bad), list(unmapped)


def worker(task: str, tmp: Path) -> int:
    """Run one side once in this fresh process; print its time and memory as JSON."""
    arg: Any = None
    if task == "write-mech":
        arg = pickle.loads((tmp / "book.pickle").read_bytes())
    elif task in ("write-raw", "write-raw-cached"):
        arg = pickle.loads((tmp / f"{task}.pickle").read_bytes())
    else:
        import pandas  # noqa: F401  (imports are not the work being measured)
    gc.collect()
    loaded = _proc_kb()
    reset = _reset_peak()
    run: Callable[[], object] = {
        "recon-mech": lambda: reconcile_mech(tmp / "ledger.csv", tmp / "budget.pickle"),
        "recon-raw": lambda: reconcile_raw(tmp / "ledger.csv", tmp / "budget.csv"),
        "write-mech": lambda: write_workbook("reconcile", arg, tmp / "write-mech.xlsx"),
        "write-raw": lambda: write_raw(arg, tmp / "write-raw.xlsx"),
        "write-raw-cached": lambda: write_raw(arg, tmp / "write-raw-cached.xlsx"),
    }[task]
    t0 = time.perf_counter()
    run()
    seconds = time.perf_counter() - t0
    after = _proc_kb()
    peak_extra = after["VmHWM"] - (loaded["VmRSS"] if reset else 0)
    print(json.dumps({"task": task, "seconds": seconds, "peak_extra_kb": peak_extra}))
    return 0


def in_subprocess(task: str, tmp: Path) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--tmp", str(tmp)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{task} failed in its subprocess: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--transactions", type=int, default=100_000, help="ledger rows (100000)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each side; the best is kept")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.tmp)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="xle-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        make_ledger(tmp / "ledger.csv", args.transactions)
        budget, _ = load_budget(CLIENT)
        (tmp / "budget.pickle").write_bytes(pickle.dumps(budget, protocol=pickle.HIGHEST_PROTOCOL))
        rows = budget_rows(budget)
        with (tmp / "budget.csv").open("w", encoding="utf-8") as f:
            f.write("month,category,line,amount\n")
            f.writelines(f'{r.month},{r.category},"{r.line}",{r.amount}\n' for r in rows)
        ledger = load_ledger(tmp / "ledger.csv", today=TODAY)
        book, _ = new_reconciliation(budget, ledger, AS_OF)
        (tmp / "book.pickle").write_bytes(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
        kind = get_kind("reconcile")
        assert kind is not None
        content = capture(kind.build(book), load_branding(), tmp)
        (tmp / "write-raw.pickle").write_bytes(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
        cached = with_worksheet_class(content, render_module._Renderer.worksheet_class)
        (tmp / "write-raw-cached.pickle").write_bytes(pickle.dumps(cached, protocol=pickle.HIGHEST_PROTOCOL))
        cells = dict(content.counts)
        del content, cached, ledger
        gc.collect()
        print(
            f"reconcile bench: {args.transactions:,} transactions, {len(rows):,} budget lines over 3 years; "
            f"{sum(cells.values()):,} cell writes ({cells.get('formula', 0):,} formulas)",
            flush=True,
        )
        best: dict[str, dict[str, Any]] = {}
        for _ in range(max(1, args.repeat)):
            for task in TASKS:
                got = in_subprocess(task, tmp)
                prev = best.get(task)
                if prev is None or got["seconds"] < prev["seconds"]:
                    best[task] = got
                print(f"  {task}: {got['seconds']:.2f} s, peak +{_mb(got['peak_extra_kb'])} MiB", flush=True)
        identical, differ = same_parts(tmp / "write-mech.xlsx", tmp / "write-raw.xlsx")
        cached_same, cached_differ = same_parts(tmp / "write-mech.xlsx", tmp / "write-raw-cached.xlsx")
        identical, differ = identical and cached_same, sorted({*differ, *cached_differ})
        size = (tmp / "write-mech.xlsx").stat().st_size

    def side(task: str) -> dict[str, Any]:
        return {
            "seconds": round(best[task]["seconds"], 3),
            "peak_extra_mib": _mb(best[task]["peak_extra_kb"]),
        }

    result = {
        "bench": "reconcile",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "transactions": args.transactions,
        "budget_lines": len(rows),
        "reconcile": {
            "mechanism": side("recon-mech"),
            "pandas": side("recon-raw"),
            "time_ratio": round(_ratio(best["recon-mech"]["seconds"], best["recon-raw"]["seconds"]), 2),
            "memory_ratio": round(
                _ratio(best["recon-mech"]["peak_extra_kb"], best["recon-raw"]["peak_extra_kb"]), 2
            ),
            "target": 1.5,
        },
        "write": {
            "mechanism": side("write-mech"),
            "raw": side("write-raw"),
            "raw_cached": side("write-raw-cached"),
            "time_ratio": round(_ratio(best["write-mech"]["seconds"], best["write-raw"]["seconds"]), 2),
            "time_ratio_vs_cached_replay": round(
                _ratio(best["write-mech"]["seconds"], best["write-raw-cached"]["seconds"]), 2
            ),
            "raw_writes_same_parts": identical,
            "parts_that_differ": differ,
            "file_mib": round(size / 1024 / 1024, 1),
            "target": 1.2,
        },
        "total_s": round(time.perf_counter() - started, 1),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    r, w = result["reconcile"], result["write"]
    print(
        f"reconcile: {r['time_ratio']}× pandas time, {r['memory_ratio']}× its peak memory (target ≤ 1.5×)\n"
        f"write:     {w['time_ratio']}× raw xlsxwriter (target ≤ 1.2×), {w['time_ratio_vs_cached_replay']}× "
        "raw replayed on the renderer's formula cache; raw writes the same parts: "
        f"{'yes' if identical else 'no: ' + ', '.join(differ)}\n"
        f"results in {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
