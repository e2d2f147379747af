"""The sides of a workbook bench, each run in a fresh interpreter, in alternating pairs.

A workbook bench (budget, pricing, RACI) compares the mechanism with raw libraries doing the
same work:

``build-mech``
    ``write_workbook(kind, book, path)``: calculation, layout, render, atomic write.
``build-raw``
    stock xlsxwriter replaying exactly the calls the renderer makes (recorded once, untimed,
    with ``bench_pricing.capture``), so both files hold the same parts.
``build-raw-cached``
    the same replay on the renderer's ``CachingWorksheet`` (each formula text prepared
    once): the baseline that shows the mechanism's own overhead.
``read-mech`` / ``read-raw``
    ``read_workbook(path)`` against ``python_calamine`` loading the same file and
    ``to_python()`` of every sheet.

Each side runs in its own process (so no side's garbage collector walks another's
objects), which loads its pickled input, resets the kernel's peak-RSS mark and prints its
CPU time, wall time and how far its peak rose, as one JSON line. The sides run once per
pair, each pair in the opposite order to the last; a ratio is the median of the pairs'
ratios with its min–max (``paired.summary``).
"""

from __future__ import annotations

import dataclasses
import gc
import json
import pickle
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

from paired import cpu_clock, summary  # noqa: E402

BUILD = ("build-mech", "build-raw", "build-raw-cached")
READ = ("read-mech", "read-raw")
KB = 1024


def proc_kb() -> dict[str, int]:
    """VmRSS and VmHWM (peak RSS) of this process, in KiB. Without /proc (not Linux), both
    are the peak so far from getrusage (KiB on Linux, bytes on macOS)."""
    out: dict[str, int] = {}
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0]] = int(line.split()[1])
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak //= KB if sys.platform == "darwin" else 1
        out = {"VmRSS": peak, "VmHWM": peak}
    return out


def reset_peak() -> bool:
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False where not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
            f.write("5")
        return True
    except OSError:
        return False


def with_worksheet_class(content: Any, worksheet_class: type) -> Any:
    """The recording replayed on sheets of ``worksheet_class``: the renderer's own
    ``CachingWorksheet``, which prepares each formula text once. Stock xlsxwriter prepares
    every formula cell from scratch, so this replay, not stock, shows the mechanism's own
    overhead."""
    calls = [
        (name, (*args, worksheet_class), kwargs) if name == "add_worksheet" else (name, args, kwargs)
        for name, args, kwargs in content.workbook_calls
    ]
    return dataclasses.replace(content, workbook_calls=calls)


def prepare(kind_name: str, book: Any, tmp: Path) -> Any:
    """Record the renderer's calls for ``book`` and pickle each build side's input into
    ``tmp``; the recording."""
    from bench_pricing import capture

    import xl_engage.render as render_module
    from xl_engage.branding import load_branding
    from xl_engage.kinds import get_kind

    kind = get_kind(kind_name)
    assert kind is not None
    content = capture(kind.build(book), load_branding(), tmp)
    cached = with_worksheet_class(content, render_module._Renderer.worksheet_class)
    for task, obj in (
        ("build-mech", (kind_name, book)),
        ("build-raw", content),
        ("build-raw-cached", cached),
    ):
        (tmp / f"{task}.pickle").write_bytes(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))
    return content


def _runner(task: str, data: Path, path: Path) -> Callable[[], object]:
    """What the side ``task`` does, its input loaded and its modules imported: neither is
    the work measured (the raw sides' libraries are imported before they run too)."""
    if task.endswith("-mech"):
        import python_calamine  # noqa: F401
        import xlsxwriter  # noqa: F401

        import xl_engage.reader
        import xl_engage.render  # noqa: F401
        from xl_engage.kinds import all_kinds

        all_kinds()  # every kind's module and models
    if task == "build-mech":
        from xl_engage.build import write_workbook

        kind_name, book = pickle.loads(data.read_bytes())
        return lambda: write_workbook(kind_name, book, path)
    if task in ("build-raw", "build-raw-cached", "build-raw-cm"):
        from bench_pricing import write_raw

        content = pickle.loads(data.read_bytes())
        if task == "build-raw-cm":
            from bench_budget import write_raw_constant_memory

            return lambda: write_raw_constant_memory(content, path)
        return lambda: write_raw(content, path)
    if task == "read-mech":
        from xl_engage.reader import read_workbook

        return lambda: read_workbook(path)
    if task == "read-raw":
        from bench_pricing import read_raw

        return lambda: read_raw(path)
    raise SystemExit(f"unknown side {task}")


def worker(task: str, data: Path, path: Path) -> None:
    """One side, once, in this fresh process: its measures as one JSON line."""
    before = proc_kb()
    run = _runner(task, data, path)
    gc.collect()
    loaded = proc_kb()
    reset = reset_peak()
    t0, c0 = time.perf_counter(), cpu_clock()
    run()
    seconds, cpu = time.perf_counter() - t0, cpu_clock() - c0
    after = proc_kb()
    print(
        json.dumps(
            {
                "task": task,
                "seconds": seconds,
                "cpu": cpu,
                "rss_after_imports_kb": before["VmRSS"],
                "rss_with_input_kb": loaded["VmRSS"],
                # how far the peak rose above what was resident when the side started
                "peak_extra_kb": after["VmHWM"] - (loaded["VmRSS"] if reset else 0),
            }
        )
    )


def run_side(task: str, tmp: Path, path: Path) -> dict[str, Any]:
    """The side ``task`` in a fresh interpreter, its input in ``tmp``, its file ``path``."""
    cmd = [sys.executable, str(Path(__file__).resolve()), task, str(tmp / f"{task}.pickle"), str(path)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=BENCH_DIR.parent)
    if done.returncode != 0:
        raise SystemExit(f"{task} failed in its subprocess: {done.stderr.strip()[-2000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def in_pairs(
    tasks: Sequence[str], pairs: int, run: Callable[[str], dict[str, Any]], say: Callable[[str], None] = print
) -> dict[str, list[dict[str, Any]]]:
    """Each task once per pair, each pair in the opposite order to the last."""
    runs: dict[str, list[dict[str, Any]]] = {t: [] for t in tasks}
    for pair in range(max(1, pairs)):
        for task in tasks if pair % 2 == 0 else tuple(reversed(tasks)):
            got = run(task)
            runs[task].append(got)
            say(
                f"  pair {pair + 1} {task}: {got['cpu']:.2f} s CPU, {got['seconds']:.2f} s wall, "
                f"peak +{got['peak_extra_kb'] / KB:,.0f} MiB"
            )
    return runs


def ratios(mech: list[dict[str, Any]], base: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Per pair mechanism ÷ baseline, for CPU, wall and peak memory: median (min–max)."""

    def of(measure: str) -> dict[str, float]:
        got = summary(
            [
                m[measure] / b[measure] if b[measure] > 0 else float("inf")
                for m, b in zip(mech, base, strict=True)
            ]
        )
        return {k: round(v, 2) for k, v in got.items()}

    return {"cpu": of("cpu"), "wall": of("seconds"), "memory": of("peak_extra_kb")}


def medians(runs: list[dict[str, Any]]) -> dict[str, float]:
    """A side's median CPU and wall seconds and peak (MiB)."""
    import statistics

    return {
        "cpu_s": round(statistics.median(r["cpu"] for r in runs), 3),
        "wall_s": round(statistics.median(r["seconds"] for r in runs), 3),
        "peak_extra_mib": round(statistics.median(r["peak_extra_kb"] for r in runs) / KB, 1),
    }


def same_values(a: Path, b: Path) -> bool:
    """Every sheet's values and formulas alike. Parts differ once the mechanism spools a long
    sheet (no row ``spans``, styles numbered by first use), which the recorded replay does not."""
    import openpyxl
    import python_calamine

    def values(path: Path) -> dict[str, Any]:
        book = python_calamine.load_workbook(str(path))
        return {s: book.get_sheet_by_name(s).to_python(skip_empty_area=False) for s in book.sheet_names}

    def formulas(path: Path) -> dict[str, Any]:
        book = openpyxl.load_workbook(path, read_only=True)
        return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in book}

    return values(a) == values(b) and formulas(a) == formulas(b)


def workbook_bench(
    kind_name: str,
    book: Any,
    tmp: Path,
    pairs: int,
    say: Callable[[str], None] = print,
    extra_build: Sequence[str] = (),
    extra_inputs: Callable[[Any, Path], None] | None = None,
) -> dict[str, Any]:
    """Build and read ``book`` on every side, in pairs: the paired ratios, each side's
    medians, and whether the raw replays wrote the mechanism's file (``extra_build``: more
    build sides, whose pickled inputs ``extra_inputs(recording, tmp)`` writes)."""
    from bench_pricing import same_parts

    content = prepare(kind_name, book, tmp)
    counts = dict(content.counts)
    if extra_inputs is not None:
        extra_inputs(content, tmp)
    del content
    gc.collect()
    say(f"  renderer's calls recorded: {sum(v for k, v in counts.items() if k != 'other'):,} cells")
    build = in_pairs((*BUILD, *extra_build), pairs, lambda t: run_side(t, tmp, tmp / f"{t}.xlsx"), say)
    mech_path = tmp / "build-mech.xlsx"
    read = in_pairs(READ, pairs, lambda t: run_side(t, tmp, mech_path), say)
    same, differ = same_parts(mech_path, tmp / "build-raw.xlsx")
    cached_same, cached_differ = same_parts(mech_path, tmp / "build-raw-cached.xlsx")
    cells_alike = (same and cached_same) or all(
        same_values(mech_path, tmp / f"{t}.xlsx") for t in ("build-raw", "build-raw-cached")
    )
    return {
        "pairs": max(1, pairs),
        "cells": sum(v for k, v in counts.items() if k != "other"),
        "cell_writes": counts,
        "file_bytes": mech_path.stat().st_size,
        "same_content": same and cached_same,
        "differing_parts": sorted({*differ, *cached_differ}),
        "same_cells_and_formulas": cells_alike,
        "build": {
            "vs_raw": ratios(build["build-mech"], build["build-raw"]),
            "vs_cached_replay": ratios(build["build-mech"], build["build-raw-cached"]),
        },
        "read": {"vs_raw": ratios(read["read-mech"], read["read-raw"])},
        "sides": {t: medians(r) for t, r in {**build, **read}.items()},
        "runs": {**build, **read},
    }


def said_ratios(label: str, got: dict[str, dict[str, float]], target: float | None = None) -> str:
    """``build ÷ raw: CPU 1.16× (1.13–1.18), wall …, memory …``, with the target if any."""
    from paired import said

    aim = f" (target ≤ {target}×)" if target is not None else ""
    return f"{label}: CPU {said(got['cpu'])}{aim}, wall {said(got['wall'])}, memory {said(got['memory'])}"


def outcome(
    got: dict[str, Any], targets: dict[str, float], phases: dict[str, float], loaded: Any, book: Any
) -> dict[str, Any]:
    """The JSON report's common part: ``workbook_bench``'s result (its runs last, as
    ``subprocess_reports``), the targets, the build's phases and how the file read back."""
    return {
        **{k: v for k, v in got.items() if k != "runs"},
        "targets": targets,
        "phases_s": phases,
        "read_ok": loaded.ok,
        "issues": len(loaded.issues),
        "round_trip_equal": loaded.model == book,
        "subprocess_reports": got.get("runs", {}),
    }


def said_lines(got: dict[str, Any], targets: dict[str, float]) -> list[str]:
    """What a workbook bench prints of ``workbook_bench``'s result: its size, then the build
    against both replays and the read against python-calamine."""
    return [
        f"{got['cells']:,} cells ({got['cell_writes']['formula']:,} formulas), "
        f"{got['file_bytes'] / 1e6:.1f} MB; {got['pairs']} pairs, each side in a fresh process",
        said_ratios("build ÷ raw xlsxwriter", got["build"]["vs_raw"], targets["build"]),
        said_ratios("build ÷ the cached replay", got["build"]["vs_cached_replay"]),
        said_ratios("read ÷ raw python-calamine", got["read"]["vs_raw"], targets["read"]),
        "the replays write the same parts: yes"
        if got["same_content"]
        else f"the replays' parts differ ({', '.join(got['differing_parts'])}: a spooled sheet's spans and "
        f"style order); the same cells and formulas: {'yes' if got['same_cells_and_formulas'] else 'NO'}",
    ]


if __name__ == "__main__":
    worker(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
