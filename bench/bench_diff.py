"""`xl-engage diff` on a 100,000-asset budget against its edited copy, against two plain reads.

    .venv/bin/python bench/bench_diff.py [--assets 100000] [--pairs 3]

A diff must read both workbooks (typed, validated, every issue located: the same read as
``check``) and then compare them. The question this bench answers is what the comparison
adds on top of the two reads it cannot avoid:

- ``diff``: ``read_workbook`` of OLD and NEW, then ``xl_engage.diff.compare`` (rows matched by
  key, field-by-field changes located, headline figures recalculated for both models);
- ``reads``: ``read_workbook`` of OLD and NEW, nothing else (the baseline).

The edited copy (made once, untimed, from the model: the files are cached in
``bench/results/diff-data``) reverses the order of the assets and of the lines (sorting is no
change), types a decision on 1 % of the lines and on every initiative, changes the quantity of
0.5 %, deletes 100 lines and adds 100.

Each pair runs both sides in fresh interpreters, alternating which goes first. Each child
reports CPU (its own and its children's: ``paired.cpu_clock``), wall (``perf_counter``),
the comparison's own CPU, and its peak RSS. The report is the median ratio diff/reads with
min–max over the pairs, for CPU and wall, and the comparison's share of the reads. Timings
are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
from pathlib import Path
from typing import Any

from paired import CPU_CLOCK, in_child, said, summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

CHILD = (
    CPU_CLOCK
    + r"""
import json, resource, sys, time
from pathlib import Path
task, old, new = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
cpu0, wall0 = cpu_clock(), time.perf_counter()
from xl_engage.reader import read_workbook
before, after = read_workbook(old), read_workbook(new)
assert before.ok and after.ok, (before.issues[:3], after.issues[:3])
cmp_cpu, n = 0.0, None
if task == "diff":
    from xl_engage.diff import diff as compare
    c0 = cpu_clock()
    changes = compare(after.kind, before.model, after.model, after.places, before.places)
    cmp_cpu, n = cpu_clock() - c0, len(changes)
print(json.dumps({
    "cpu": cpu_clock() - cpu0, "wall": time.perf_counter() - wall0, "compare_cpu": cmp_cpu,
    "changes": n, "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""
)


def make_files(n: int, folder: Path) -> tuple[Path, Path, dict[str, int]]:
    """The budget and its edited copy (cached); what was planted, for the report."""
    sys.path.insert(0, str(HERE))
    from bench_budget import make_book

    from xl_engage.build import write_workbook

    old, new = folder / f"budget-{n}.xlsx", folder / f"budget-{n}-edited.xlsx"
    planted_file = folder / f"budget-{n}-planted.json"
    if old.exists() and new.exists() and planted_file.exists():
        return old, new, json.loads(planted_file.read_text())
    rng = random.Random(2026)
    book = make_book(n)
    lines = list(book.lines)
    decided = changed = 0
    for i in rng.sample(range(len(lines)), len(lines) // 100):
        lines[i] = lines[i].model_copy(update={"decision": rng.choice(("Approved", "Declined", "Deferred"))})
        decided += 1
    for i in rng.sample(range(len(lines)), len(lines) // 200):
        lines[i] = lines[i].model_copy(update={"quantity": lines[i].quantity + 1})
        changed += 1
    removed = set(rng.sample(range(len(lines)), 100))
    added = [
        lines[i].model_copy(update={"description": f"Added by the client {k}", "source": ""})
        for k, i in enumerate(rng.sample(range(len(lines)), 100))
    ]
    kept = [line for i, line in enumerate(lines) if i not in removed]
    initiatives = tuple(i.model_copy(update={"decision": "Approved"}) for i in book.initiatives)
    edited = book.model_copy(
        update={
            "lines": (*reversed(kept), *added),
            "assets": tuple(reversed(book.assets)),
            "initiatives": initiatives,
        }
    )
    write_workbook("budget", book, old)
    write_workbook("budget", edited, new)
    planted = {
        "lines": len(book.lines),
        "decisions": decided,
        "quantities": changed,
        "removed": 100,
        "added": 100,
        "initiatives": len(initiatives),
    }
    planted_file.write_text(json.dumps(planted))
    return old, new, planted


def run(task: str, old: Path, new: Path) -> dict[str, Any]:
    return in_child(CHILD, task, old, new, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    data = RESULTS / "diff-data"
    data.mkdir(parents=True, exist_ok=True)
    old, new, planted = make_files(args.assets, data)
    ratios: dict[str, list[float]] = {"cpu": [], "wall": []}
    shares: list[float] = []
    runs = []
    for pair in range(args.pairs):
        order = ("diff", "reads") if pair % 2 == 0 else ("reads", "diff")
        got = {task: run(task, old, new) for task in order}
        for k in ratios:
            ratios[k].append(got["diff"][k] / got["reads"][k])
        shares.append(got["diff"]["compare_cpu"] / got["reads"]["cpu"])
        runs.append(got)
        print(
            f"pair {pair + 1}: diff {got['diff']['cpu']:.2f}s CPU "
            f"({got['diff']['compare_cpu']:.2f}s comparing, {got['diff']['changes']} changes), "
            f"reads {got['reads']['cpu']:.2f}s CPU",
            file=sys.stderr,
        )

    report = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}",
        "assets": args.assets,
        "planted": planted,
        "diff_over_reads": {k: summary(v) for k, v in ratios.items()},
        "compare_share_of_reads_cpu": summary(shares),
        "runs": runs,
    }
    (RESULTS / "diff.json").write_text(json.dumps(report, indent=2))
    cpu, wall, share = (
        report["diff_over_reads"]["cpu"],
        report["diff_over_reads"]["wall"],
        summary(shares),
    )
    print(
        f"diff / two reads, {args.pairs} pairs: "
        f"CPU {said(cpu)}, wall {said(wall)}; the comparison itself is "
        f"{share['median']:.1%} ({share['min']:.1%}–{share['max']:.1%}) of the reads' CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
