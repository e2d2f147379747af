"""Benchmark the reconciliation against typed polars and pandas pipelines (compute) and raw
xlsxwriter (write).

Run from the project root (polars and pandas: ``.venv/bin/pip install -e .[bench]``)::

    .venv/bin/python bench/bench_reconcile.py [--transactions 100000] [--pairs 3]

Workload: Harbor Logistics' sample budget (three fiscal years, 829 lines) and a generated
ledger of N transactions (deterministic random: dates over the three years, six GL
accounts, six payees, 2 % refunds, amounts up to $5,000), written as a CSV. Every side runs
in a fresh subprocess, which reports its CPU time, wall time and how far its peak RSS rose
while it ran (``/proc/self/clear_refs`` resets the mark). Sides run in pairs, each pair in
the opposite order to the last; each ratio is the median over the pairs, with min–max.

reconcile
    *Mechanism:* ``load_ledger`` (read, convert, validate every row, locate problems) +
    ``new_reconciliation`` (the budget's lines, the template rules) + ``calculate`` (match
    every transaction by the rules, aggregate by month, category, quarter and line,
    tie out). *Baselines:* a typed pipeline, in polars and in pandas, doing the work the
    mechanism must do (dates parsed, exact cents, bad and unmapped rows found, grouped by
    month and category) over the same data: the ledger and the budget lines read from CSV,
    a GL-account → category table joined, budget and actual grouped by month and category.
    Target ≤ 1.5× polars.
write
    *Mechanism:* ``write_workbook("reconcile", book, path)`` (calculation, layout, render).
    *Raw:* stock xlsxwriter replaying exactly the calls the renderer makes (recorded once,
    untimed, with ``bench_pricing``'s stand-in workbook), so both files hold the same
    parts. Target ≤ 1.2×. Stock xlsxwriter prepares every formula cell from scratch; a
    second raw run replays on the renderer's ``CachingWorksheet`` (each formula text
    prepared once) and shows the mechanism's own overhead.
whole run (``--whole``)
    ``xl-engage reconcile`` itself, in a child process: its CPU, wall and peak RSS (from
    ``wait4``), the workbook written. This is the issue's "a million transactions within
    4 GiB"; ``--whole`` runs only this and the reconcile sides.

Timings are reported, never asserted; the script always exits 0. Results go to
``bench/results/reconcile.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
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

from bench_budget import _mb
from bench_pricing import capture, same_parts, write_raw
from paired import said
from sides import medians, proc_kb, ratios, reset_peak, same_values, with_worksheet_class

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
RECONCILE_TASKS = ("recon-mech", "recon-polars", "recon-raw")
WRITE_TASKS = ("write-mech", "write-raw", "write-raw-cached")


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


def reconcile_polars(ledger_path: Path, budget_csv: Path) -> object:
    """The same typed pipeline in polars: dates parsed with their format, amounts checked to
    be plain numbers of at most two decimals and held as exact integer cents, bad rows and
    rows no rule maps found, then actual and budget by month and category."""
    import polars as pl

    ledger = pl.read_csv(ledger_path, infer_schema=False).with_row_index("row")
    text = pl.col("Amount").str.replace_all(",", "", literal=True).str.strip_chars()
    typed = ledger.with_columns(
        date=pl.col("Date").str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        plain=text.str.contains(r"^-?\d+(\.\d{1,2})?$"),
        cents=(text.cast(pl.Decimal(18, 2), strict=False) * 100).cast(pl.Int64, strict=False),
    )
    bad = typed.filter(pl.col("date").is_null() | ~pl.col("plain").fill_null(False))["row"].to_list()
    mapping = pl.DataFrame(
        {"GL account": list(ACCOUNTS), "category": list(ACCOUNTS.values())},
        schema={"GL account": pl.String, "category": pl.String},
    )
    joined = typed.join(mapping, on="GL account", how="left")
    unmapped = joined.filter(pl.col("category").is_null())["row"].to_list()
    good = joined.filter(pl.col("date").is_not_null() & pl.col("plain").fill_null(False))
    actual = good.group_by(pl.col("date").dt.truncate("1mo").alias("month"), "category").agg(
        pl.col("cents").sum().alias("actual")
    )
    budget = (
        pl.read_csv(budget_csv, infer_schema=False)
        .with_columns(
            month=pl.col("month").str.strptime(pl.Date, "%Y-%m-%d"),
            cents=(pl.col("amount").cast(pl.Decimal(18, 2)) * 100).cast(pl.Int64),
        )
        .group_by("month", "category")
        .agg(pl.col("cents").sum().alias("budget"))
    )
    table = budget.join(actual, on=["month", "category"], how="full", coalesce=True).fill_null(0)
    return table, bad, unmapped


def whole_run(tmp: Path) -> dict[str, Any]:
    """``xl-engage reconcile`` as a user runs it: CPU, wall and peak RSS of the child."""
    cli = Path(sys.executable).parent / "xl-engage"
    cmd = [str(cli), "reconcile", "--budget", str(tmp / "budget.xlsx"), "--actuals", str(tmp / "ledger.csv")]
    cmd += ["--as-of", AS_OF.isoformat(), "--out", str(tmp / "whole.xlsx")]
    t0 = time.perf_counter()
    child = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert child.stderr is not None
    said = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"xl-engage reconcile failed: {said.strip()[-2000:]}")
    return {
        "task": "whole",
        "seconds": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_kb": usage.ru_maxrss,
        "lines_said": len(said.splitlines()),
    }


def worker(task: str, tmp: Path) -> int:
    """Run one side once in this fresh process; print its time and memory as JSON."""
    arg: Any = None
    if task == "write-mech":
        arg = pickle.loads((tmp / "book.pickle").read_bytes())
    elif task in ("write-raw", "write-raw-cached"):
        arg = pickle.loads((tmp / f"{task}.pickle").read_bytes())
    elif task == "recon-polars":
        import polars  # noqa: F401  (imports are not the work being measured)
    else:
        import pandas  # noqa: F401
    gc.collect()
    loaded = proc_kb()
    reset = reset_peak()
    run: Callable[[], object] = {
        "recon-mech": lambda: reconcile_mech(tmp / "ledger.csv", tmp / "budget.pickle"),
        "recon-raw": lambda: reconcile_raw(tmp / "ledger.csv", tmp / "budget.csv"),
        "recon-polars": lambda: reconcile_polars(tmp / "ledger.csv", tmp / "budget.csv"),
        "write-mech": lambda: write_workbook("reconcile", arg, tmp / "write-mech.xlsx"),
        "write-raw": lambda: write_raw(arg, tmp / "write-raw.xlsx"),
        "write-raw-cached": lambda: write_raw(arg, tmp / "write-raw-cached.xlsx"),
    }[task]
    t0, c0 = time.perf_counter(), time.process_time()
    run()
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    after = proc_kb()
    peak_extra = after["VmHWM"] - (loaded["VmRSS"] if reset else 0)
    print(json.dumps({"task": task, "seconds": seconds, "cpu": cpu, "peak_extra_kb": peak_extra}))
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
    parser.add_argument("--pairs", type=int, default=3, help="alternating runs of the sides (3)")
    parser.add_argument("--whole", action="store_true", help="the whole CLI run and reconcile only, no write")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.tmp)
    started = time.perf_counter()
    tasks = RECONCILE_TASKS + (() if args.whole else WRITE_TASKS)
    with tempfile.TemporaryDirectory(prefix="xle-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        make_ledger(tmp / "ledger.csv", args.transactions)
        budget, _ = load_budget(CLIENT)
        (tmp / "budget.pickle").write_bytes(pickle.dumps(budget, protocol=pickle.HIGHEST_PROTOCOL))
        write_workbook("budget", budget, tmp / "budget.xlsx")
        rows = budget_rows(budget)
        with (tmp / "budget.csv").open("w", encoding="utf-8") as f:
            f.write("month,category,line,amount\n")
            f.writelines(f'{r.month},{r.category},"{r.line}",{r.amount}\n' for r in rows)
        cells: dict[str, int] = {}
        if not args.whole:
            ledger = load_ledger(tmp / "ledger.csv", today=TODAY)
            book, _ = new_reconciliation(budget, ledger, AS_OF)
            (tmp / "book.pickle").write_bytes(pickle.dumps(book, protocol=pickle.HIGHEST_PROTOCOL))
            kind = get_kind("reconcile")
            assert kind is not None
            content = capture(kind.build(book), load_branding(), tmp)
            (tmp / "write-raw.pickle").write_bytes(pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL))
            cached = with_worksheet_class(content, render_module._Renderer.worksheet_class)
            (tmp / "write-raw-cached.pickle").write_bytes(
                pickle.dumps(cached, protocol=pickle.HIGHEST_PROTOCOL)
            )
            cells = dict(content.counts)
            del content, cached, ledger, book
            gc.collect()
        print(
            f"reconcile bench: {args.transactions:,} transactions, {len(rows):,} budget lines over 3 years"
            + (
                f"; {sum(cells.values()):,} cell writes ({cells.get('formula', 0):,} formulas)"
                if cells
                else ""
            ),
            flush=True,
        )
        runs: dict[str, list[dict[str, Any]]] = {t: [] for t in tasks}
        for pair in range(max(1, args.pairs)):
            for task in tasks if pair % 2 == 0 else tuple(reversed(tasks)):
                got = in_subprocess(task, tmp)
                runs[task].append(got)
                print(
                    f"  pair {pair + 1} {task}: {got['cpu']:.2f} s CPU, {got['seconds']:.2f} s wall, "
                    f"peak +{_mb(got['peak_extra_kb'])} MiB",
                    flush=True,
                )
        whole = whole_run(tmp) if args.whole else None
        if whole:
            print(
                f"  whole run: {whole['cpu']:.1f} s CPU, {whole['seconds']:.1f} s wall, "
                f"peak {_mb(whole['peak_kb'])} MiB, {whole['lines_said']} lines said",
                flush=True,
            )
        identical, differ, size, same_cells = True, [], 0, True
        if not args.whole:
            identical, differ = same_parts(tmp / "write-mech.xlsx", tmp / "write-raw.xlsx")
            cached_same, cached_differ = same_parts(tmp / "write-mech.xlsx", tmp / "write-raw-cached.xlsx")
            identical, differ = identical and cached_same, sorted({*differ, *cached_differ})
            same_cells = all(
                same_values(tmp / "write-mech.xlsx", tmp / other)
                for other in ("write-raw.xlsx", "write-raw-cached.xlsx")
            )
            size = (tmp / "write-mech.xlsx").stat().st_size

    result: dict[str, Any] = {
        "bench": "reconcile",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.system()}",
        "transactions": args.transactions,
        "budget_lines": len(rows),
        "pairs": max(1, args.pairs),
        "sides": {t: medians(r) for t, r in runs.items()},
        "reconcile": {
            "vs_polars": ratios(runs["recon-mech"], runs["recon-polars"]),
            "vs_pandas": ratios(runs["recon-mech"], runs["recon-raw"]),
            "target": 1.5,
        },
        "total_s": round(time.perf_counter() - started, 1),
    }
    if whole:
        result["whole_run"] = {
            "cpu_s": round(whole["cpu"], 1),
            "wall_s": round(whole["seconds"], 1),
            "peak_mib": _mb(whole["peak_kb"]),
            "lines_said": whole["lines_said"],
        }
    if not args.whole:
        result["write"] = {
            "vs_raw": ratios(runs["write-mech"], runs["write-raw"]),
            "vs_cached_replay": ratios(runs["write-mech"], runs["write-raw-cached"]),
            "raw_writes_same_parts": identical,
            "parts_that_differ": differ,
            "raw_writes_same_cells_and_formulas": same_cells,
            "file_mib": round(size / 1024 / 1024, 1),
            "target": 1.2,
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    r = result["reconcile"]
    print(
        f"reconcile ÷ polars: CPU {said(r['vs_polars']['cpu'])}, wall {said(r['vs_polars']['wall'])}, "
        f"memory {said(r['vs_polars']['memory'])} (target ≤ 1.5×)\n"
        f"reconcile ÷ pandas: CPU {said(r['vs_pandas']['cpu'])}, memory {said(r['vs_pandas']['memory'])}"
    )
    if not args.whole:
        w = result["write"]
        print(
            f"write ÷ raw xlsxwriter: CPU {said(w['vs_raw']['cpu'])} (target ≤ 1.2×); ÷ the cached replay: "
            f"CPU {said(w['vs_cached_replay']['cpu'])}; raw writes the same parts: "
            f"{'yes' if identical else 'no (spooled sheets: spans and style order)'}; the same cells and "
            f"formulas: {'yes' if same_cells else 'NO'}"
        )
    print(f"results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
