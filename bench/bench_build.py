"""Building the budget workbook now against an earlier revision: same book, fresh processes.

    .venv/bin/python bench/bench_build.py [--baseline REV] [--assets 30000] [--pairs 3]

The baseline is an earlier revision of this repository checked out once into a git worktree
(``bench/results/build-baseline-REV``); "ours" is the working tree. In each child the same
N-asset budget is made by ``bench_budget.make_book`` (untimed), then
``xl_engage.build.write_workbook("budget", book, path)`` is timed: calculation, layout and
render, the atomic write included. Both sides write the same workbook; the bench checks that
their parts are identical (creation time aside) and says so.

Each pair runs both sides in fresh interpreters, alternating which goes first. The report is
the median ratio ours/baseline with its min–max, for CPU (``process_time``) and wall
(``perf_counter``). Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

from paired import in_child, said, summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

CHILD = r"""
import json, sys, time
from pathlib import Path
tree, bench, n, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
sys.path[:0] = [tree, bench]
from bench_budget import make_book
from xl_engage.build import write_workbook
book = make_book(n)
cpu0, wall0 = time.process_time(), time.perf_counter()
write_workbook("budget", book, out)
print(json.dumps({"cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0}))
"""


def baseline_tree(rev: str) -> Path:
    tree = RESULTS / f"build-baseline-{rev}"
    if not tree.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-f", str(tree), rev], check=True)
    return tree


def run(tree: Path, n: int, out: Path) -> dict[str, Any]:
    return in_child(CHILD, tree, HERE, n, out, cwd=tree)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist() if name != "docProps/core.xml"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--baseline", default="4d124dc")
    parser.add_argument("--assets", type=int, default=30_000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    base = baseline_tree(args.baseline)
    outs = {"ours": RESULTS / "build-ours.xlsx", "base": RESULTS / "build-base.xlsx"}
    ratios: dict[str, list[float]] = {"cpu": [], "wall": []}
    runs = []
    for pair in range(args.pairs):
        order = (("ours", ROOT), ("base", base)) if pair % 2 == 0 else (("base", base), ("ours", ROOT))
        got = {side: run(tree, args.assets, outs[side]) for side, tree in order}
        for k in ratios:
            ratios[k].append(got["ours"][k] / got["base"][k])
        runs.append(got)
        print(
            f"pair {pair + 1}: ours {got['ours']['cpu']:.2f}s CPU, baseline {got['base']['cpu']:.2f}s CPU",
            file=sys.stderr,
        )
    same = parts(outs["ours"]) == parts(outs["base"])

    report = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "assets": args.assets,
        "baseline": args.baseline,
        "same_parts": same,
        "ours_over_baseline": {k: summary(v) for k, v in ratios.items()},
        "runs": runs,
    }
    (RESULTS / "build.json").write_text(json.dumps(report, indent=2))
    cpu, wall = report["ours_over_baseline"]["cpu"], report["ours_over_baseline"]["wall"]
    print(
        f"build {args.assets:,} assets, ours / {args.baseline}, {args.pairs} pairs: "
        f"CPU {said(cpu)}, wall {said(wall)}; "
        f"same parts: {'yes' if same else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
