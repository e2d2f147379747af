"""Importers now against importers then: the same 100k-row exports, each side in a fresh process.

    .venv/bin/python bench/bench_import.py [--baseline REV] [--pairs 5] [--rows 100000] [--no-workbook]

The baseline is an earlier revision of this repository (default: 5fb3026, main before the
importers learned real exports), checked out once into a git worktree beside the results and
imported from there; "ours" is the working tree. Both sides do the same work on the same
files: read, type every value, validate every row and locate every problem.

- ``ledger``: a 100,000-row CSV ledger through ``load_ledger``;
- ``inventory``: a 100,000-device CSV inventory through ``load_assets``;
- ``workbook``: a generated 100,000-asset budget read back through ``read_workbook``.

Each pair runs both sides in fresh interpreters, in alternating order (ours first in odd
pairs, the baseline first in even ones). Each child times only the import (CPU with
its own and its children's, ``paired.cpu_clock``; wall with ``perf_counter``). The report
is the median ratio ours/baseline with its min–max over the pairs, for CPU and for wall.
Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from paired import CPU_CLOCK, said, summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
DEFAULT_BASELINE = "5fb3026"
TYPES = ("Workstation", "Laptop", "Server", "Switch", "Firewall", "Wireless AP", "Printer")
PAYEES = ("CDW", "Dell Technologies", "Microsoft", "Lumen", "Amazon Marketplace", "Northwind IT Partners")
ACCOUNTS = ("6100 Computer equipment", "6110 Network equipment", "6200 Software subscriptions")

CHILD = (
    CPU_CLOCK
    + r"""
import datetime as dt, gc, json, sys, time
from pathlib import Path
task, path = sys.argv[1], Path(sys.argv[2])
start_cpu, start_wall = cpu_clock(), time.perf_counter()
if task == "ledger":
    from xl_engage.inputs.reconcile import load_ledger
    n = load_ledger(path, today=dt.date(2030, 1, 1)).count
elif task == "inventory":
    from xl_engage.inputs.budget import load_assets
    n = len(load_assets(path)[0])
else:
    try:  # the module was read.py before it was reader.py
        from xl_engage.reader import read_workbook
    except ImportError:
        from xl_engage.read import read_workbook
    n = len(read_workbook(path).model.assets)
print(json.dumps({"n": n, "cpu": cpu_clock() - start_cpu, "wall": time.perf_counter() - start_wall}))
"""
)


def make_ledger(path: Path, n: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Date,Payee,Description,Amount,GL account,Ref\r\n")
        for i in range(n):
            day = dt.date(2026, 4, 1) + dt.timedelta(days=rng.randrange(1095))
            cents = rng.randrange(100, 500_000) * (-1 if rng.random() < 0.02 else 1)
            f.write(f'{day:%m/%d/%Y},{rng.choice(PAYEES)},"Item {i}, qty 1",{cents / 100:.2f},')
            f.write(f"{rng.choice(ACCOUNTS)},INV-{i}\r\n")


def make_inventory(path: Path, n: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("Asset ID,Hostname,Device Type,Site,Purchase Date,Warranty End,Replacement Cost\r\n")
        for i in range(n):
            bought = dt.date(2017, 1, 1) + dt.timedelta(days=rng.randrange(3500))
            cost = "" if rng.random() < 0.15 else f"{rng.randrange(500, 9000)}.00"
            f.write(f"A{i:06d},HOST-{i:06d},{rng.choice(TYPES)},Site {i % 7},{bought.isoformat()},")
            f.write(f"{bought.replace(year=bought.year + 4, day=min(bought.day, 28)).isoformat()},{cost}\r\n")


def make_workbook(inventory: Path, path: Path, tree: Path) -> None:
    """A budget built by the baseline (its workbook reads in both versions)."""
    code = (
        "import datetime as dt, sys\n"
        "from pathlib import Path\n"
        "from xl_engage.build import write_workbook\n"
        "from xl_engage.inputs.budget import load_assets, load_policy, plan\n"
        "from xl_engage.models.budget import Profile\n"
        "assets, _ = load_assets(Path(sys.argv[1]))\n"
        "profile = Profile(client='Bench', start=dt.date(2026, 7, 1), fiscal_year_start_month=7,"
        " as_of=dt.date(2026, 11, 22))\n"
        "book = plan(profile, load_policy(), assets, [], [], 0, 'bench')\n"
        "write_workbook('budget', book, Path(sys.argv[2]))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(inventory), str(path)], check=True, env=_env(tree))


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}


def baseline_tree(rev: str) -> Path:
    """The baseline's checkout, outside the repository (so no linter or test run sees it)."""
    tree = Path(tempfile.gettempdir()) / f"xl-engage-baseline-{rev}"
    if not (tree / "xl_engage").exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev], check=True)
    return tree


def run(tree: Path, task: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, task, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=_env(tree),
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", default=DEFAULT_BASELINE)
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--no-workbook", action="store_true", help="skip the budget workbook read-back")
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    data = RESULTS / "import-data"
    data.mkdir(exist_ok=True)
    files = {"ledger": data / f"ledger-{args.rows}.csv", "inventory": data / f"inventory-{args.rows}.csv"}
    if not files["ledger"].exists():
        make_ledger(files["ledger"], args.rows)
    if not files["inventory"].exists():
        make_inventory(files["inventory"], args.rows)
    base = baseline_tree(args.baseline)
    if not args.no_workbook:
        files["workbook"] = data / f"budget-{args.rows}.xlsx"
        if not files["workbook"].exists():
            make_workbook(files["inventory"], files["workbook"], base)
    report: dict[str, dict[str, object]] = {}
    for task, path in files.items():
        ratios: dict[str, list[float]] = {"cpu": [], "wall": []}
        for pair in range(args.pairs):
            order = (("ours", ROOT), ("base", base)) if pair % 2 == 0 else (("base", base), ("ours", ROOT))
            got = {side: run(tree, task, path) for side, tree in order}
            assert got["ours"]["n"] == got["base"]["n"], (task, got)
            for k in ratios:
                ratios[k].append(got["ours"][k] / got["base"][k])
            print(
                f"{task} pair {pair + 1}: ours {got['ours']['cpu']:.2f}s CPU, "
                f"baseline {got['base']['cpu']:.2f}s CPU",
                file=sys.stderr,
            )
        report[task] = {k: summary(v) for k, v in ratios.items()}
        cpu, wall = report[task]["cpu"], report[task]["wall"]
        print(f"{task:9s} ours/baseline  CPU {said(cpu)}  wall {said(wall)}  over {args.pairs} pairs")
    (RESULTS / "import.json").write_text(
        json.dumps({"baseline": args.baseline, "rows": args.rows, **report}, indent=2)
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
