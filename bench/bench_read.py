"""Reading a workbook back against raw python-calamine reading the same sheets.

    .venv/bin/python bench/bench_read.py WORKBOOK.xlsx [--pairs 3]

- ``ours``: ``xl_engage.reader.read_workbook`` (package checks, calamine, tables and names,
  coercion, validation into the model, the kind's checks, every issue located);
- ``raw``: ``python_calamine.load_workbook`` and ``to_python()`` of every sheet the workbook
  holds (values only: no types checked, nothing validated).

Each pair runs both sides in fresh interpreters, alternating which goes first; each child
reports CPU (its own and its children's: ``paired.cpu_clock``), wall (``perf_counter``)
and its peak RSS (``ru_maxrss``).
Reported: the median ratio ours/raw with min–max over the pairs, for CPU, wall and peak
memory. Timings are reported, never asserted. (For a 100,000-asset budget, make one with
``bench/bench_diff.py``, which caches it in ``bench/results/diff-data``.)
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from pathlib import Path
from typing import Any

from paired import CPU_CLOCK, in_child, summary

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"

CHILD = (
    CPU_CLOCK
    + r"""
import json, resource, sys, time
from pathlib import Path
side, path = sys.argv[1], Path(sys.argv[2])
cpu0, wall0 = cpu_clock(), time.perf_counter()
if side == "ours":
    from xl_engage.reader import read_workbook
    loaded = read_workbook(path)
    assert loaded.ok, loaded.issues[:3]
    n = len(loaded.issues)
else:
    import python_calamine
    book = python_calamine.load_workbook(str(path))
    n = sum(len(book.get_sheet_by_name(s).to_python()) for s in book.sheet_names)
print(json.dumps({"n": n, "cpu": cpu_clock() - cpu0, "wall": time.perf_counter() - wall0,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""
)


def run(side: str, path: Path) -> dict[str, Any]:
    return in_child(CHILD, side, path, cwd=ROOT)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("workbook", type=Path)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    ratios: dict[str, list[float]] = {"cpu": [], "wall": [], "peak_mib": []}
    runs = []
    for pair in range(args.pairs):
        order = ("ours", "raw") if pair % 2 == 0 else ("raw", "ours")
        got = {side: run(side, args.workbook) for side in order}
        for k in ratios:
            ratios[k].append(got["ours"][k] / got["raw"][k])
        runs.append(got)
        print(
            f"pair {pair + 1}: ours {got['ours']['cpu']:.2f}s CPU {got['ours']['peak_mib']:.0f} MiB, "
            f"raw {got['raw']['cpu']:.2f}s CPU {got['raw']['peak_mib']:.0f} MiB",
            file=sys.stderr,
        )

    report = {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "workbook": str(args.workbook),
        "ours_over_raw": {k: summary(v) for k, v in ratios.items()},
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"read-{args.workbook.stem}.json").write_text(json.dumps(report, indent=2))
    r = report["ours_over_raw"]
    print(
        f"read {args.workbook.name}, ours / raw calamine, {args.pairs} pairs: "
        f"CPU {r['cpu']['median']:.2f}× ({r['cpu']['min']:.2f}–{r['cpu']['max']:.2f}), "
        f"wall {r['wall']['median']:.2f}× ({r['wall']['min']:.2f}–{r['wall']['max']:.2f}), "
        f"peak memory {r['peak_mib']['median']:.2f}× ({r['peak_mib']['min']:.2f}–{r['peak_mib']['max']:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
