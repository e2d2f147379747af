"""Start-up: what `xl-engage --help` and `xl-engage check SMALL.xlsx` cost above bare Python.

    .venv/bin/python bench/bench_startup.py [--runs 9]

Each run starts a fresh process; bare Python (``python -c pass``), ``--help`` and ``check``
of a small workbook (the acme budget, built once) alternate, so the machine's state is
shared alike. CPU is the child's user + system time (``wait4``), wall is ``perf_counter``.
Reported: the median CPU of each, and the median of the per-run differences to bare Python
with min–max. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
CLI = str(Path(sys.executable).parent / "xl-engage")


def cpu_of(args: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_utime + usage.ru_stime, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    RESULTS.mkdir(exist_ok=True)
    small = RESULTS / "startup-acme.xlsx"
    if not small.exists():
        subprocess.run(
            [
                CLI,
                "budget",
                "--client",
                str(ROOT / "tests/data/budget/acme/client.toml"),
                "--out",
                str(small),
            ],
            check=True,
            capture_output=True,
        )
    sides = {
        "bare": [sys.executable, "-c", "pass"],
        "help": [CLI, "--help"],
        "check": [CLI, "check", str(small)],
    }
    got: dict[str, list[float]] = {k: [] for k in sides}
    for run in range(args.runs):
        order = list(sides) if run % 2 == 0 else list(reversed(sides))
        for name in order:
            got[name].append(cpu_of(sides[name])[0])
    report: dict[str, object] = {"runs": args.runs}
    for name in ("help", "check"):
        above = [c - b for c, b in zip(got[name], got["bare"], strict=True)]
        report[name] = {
            "cpu_median": statistics.median(got[name]),
            "above_bare_median": statistics.median(above),
            "above_bare_min": min(above),
            "above_bare_max": max(above),
        }
    report["bare_cpu_median"] = statistics.median(got["bare"])
    (RESULTS / "startup.json").write_text(json.dumps(report, indent=2))
    for name in ("help", "check"):
        r = report[name]
        assert isinstance(r, dict)
        print(
            f"{name}: {r['cpu_median']:.3f}s CPU, {r['above_bare_median']:.3f}s above bare Python "
            f"({r['above_bare_min']:.3f}–{r['above_bare_max']:.3f}), {args.runs} runs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
