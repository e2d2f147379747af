"""Benchmark the responsibility-matrix (RACI) workbook against raw xlsxwriter / python-calamine.

Run from the project root::

    .venv/bin/python bench/bench_raci.py [--areas 500] [--parties 40] [--pairs 3] [--profile]

It generates in memory a matrix of N areas × P parties (deterministic random: categories of
about ten areas, a criticality mix, each area one A, 1–3 R and some C and I; parties on the
MSP, Client and Vendor sides) as a ``RaciBook``, then measures, each side in a fresh
process, in ``--pairs`` alternating pairs (``sides.py``: median ratio with min–max, for CPU,
wall and peak memory):

build
    ``xl_engage.build.write_workbook("raci", book, path)`` (calculation + layout + render)
    against raw xlsxwriter replaying exactly the calls the renderer makes (recorded once,
    untimed, with the stand-in workbook of ``bench_pricing.py``), so both files hold
    identical parts. Also: the same replay with the renderer's formula cache
    (``CachingWorksheet``) in place of stock xlsxwriter's worksheet, which the mechanism has
    and the raw side has not.
read
    ``xl_engage.reader.read_workbook(path)`` against ``python_calamine.load_workbook`` plus
    ``to_python()`` of every sheet of the same file.

Ratios are mechanism / raw; targets are build ≤ 1.2× and read ≤ 1.3×. Timings are
reported, never asserted: the script always exits 0. Numbers go to
``bench/results/raci.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from unittest import mock

import xlsxwriter

from xl_engage.branding import load_branding
from xl_engage.build import write_workbook
from xl_engage.calc import raci as calc
from xl_engage.kinds import get_kind
from xl_engage.models.raci import Area, Party, RaciBook
from xl_engage.reader import read_workbook
from xl_engage.render import CachingWorksheet, render

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:  # run as a script, bench/ is already there; imported, it may not be
    sys.path.insert(0, str(BENCH_DIR))

from bench_pricing import (  # noqa: E402
    TARGETS,
    RawContent,
    best_of,
    profile,
    write_raw,
)

RESULTS = BENCH_DIR / "results" / "raci.json"  # TARGETS are the pricing bench's: build 1.2×, read 1.3×

# --- the workload ---------------------------------------------------------------------------

_SIDES = (("MSP", 0.4), ("Client", 0.35), ("Vendor", 0.25))  # share of the parties on each side
_ROLES = (
    "Service desk",
    "Network engineer",
    "Security analyst",
    "Account manager",
    "Backup operator",
    "Cloud architect",
    "IT coordinator",
    "Finance lead",
    "Compliance officer",
    "Operations manager",
)
_CATEGORY_WORDS = (
    "Backup",
    "Identity",
    "Network",
    "Endpoints",
    "Cloud",
    "Email",
    "Compliance",
    "Continuity",
    "Vendors",
    "Licensing",
    "Monitoring",
    "Training",
)
_VERBS = ("Review", "Operate", "Approve", "Test", "Document", "Patch", "Audit", "Plan", "Report on", "Renew")
_LEVELS, _WEIGHTS = ("high", "medium", "low"), (0.25, 0.5, 0.25)  # criticality mix


def make_book(n_areas: int, n_parties: int, seed: int = 20260401) -> RaciBook:
    """N areas in categories of about ten, P parties grouped by side; every area keeps the rules.

    The parties come grouped by side (MSP, Client, Vendor), the order the workbook lists
    them in, so the model read back can equal the model written.
    """
    rng = random.Random(seed)
    parties: list[Party] = []
    counts = [max(1, round(n_parties * share)) for _, share in _SIDES]
    counts[0] += n_parties - sum(counts)  # rounding goes to the MSP side
    for (side, _), count in zip(_SIDES, counts, strict=True):
        for _ in range(count):
            j = len(parties) + 1
            role = _ROLES[rng.randrange(len(_ROLES))]
            parties.append(
                Party(
                    name=f"{side} {j:02d} {role}",
                    side=side,
                    description=f"{role} on the {side} side" if j % 3 else "",
                )
            )
    names = [p.name for p in parties]
    areas: list[Area] = []
    c = 0
    while len(areas) < n_areas:
        c += 1
        category = f"{_CATEGORY_WORDS[c % len(_CATEGORY_WORDS)]} {c:03d}"
        for k in range(min(rng.randint(8, 12), n_areas - len(areas))):
            chosen = rng.sample(names, min(len(names), rng.randint(2, 9)))
            a_party, rest = chosen[0], chosen[1:]
            n_r = min(len(rest), rng.randint(1, 3))
            codes: dict[str, Any] = {}
            if n_r == 0 or rng.random() < 0.1:  # the accountable party also does the work
                codes[a_party] = "A/R"
            else:
                codes[a_party] = "A"
            for p in rest[:n_r]:
                codes[p] = "R"
            for p in rest[n_r:]:
                codes[p] = "C" if rng.random() < 0.5 else "I"
            areas.append(
                Area(
                    category=category,
                    name=f"{_VERBS[k % len(_VERBS)]} {category.lower()} item {len(areas) + 1:04d}",
                    description=f"Area {len(areas) + 1} of {category}" if rng.random() < 0.6 else "",
                    criticality=rng.choices(_LEVELS, _WEIGHTS)[0],
                    codes=codes,
                )
            )
    book = RaciBook(client="Bench Client Ltd", parties=tuple(parties), areas=tuple(areas))
    errors = [p for p in calc.check(book) if p.severity == "error"]
    if errors:  # pragma: no cover - a broken workload is a bug in this script
        raise SystemExit(f"generated book has {len(errors)} error(s), e.g. {errors[0]}")
    return book


def build_and_check(book: RaciBook, path: Path) -> None:
    """The mechanism's side of the build measurement."""
    write_workbook("raci", book, path)
    calc.check(book)


def write_raw_cached(content: RawContent, path: Path) -> None:
    """The raw replay with the renderer's formula cache (``CachingWorksheet``) in stock's place.

    Informative only: it shows how much of the build ratio is the cache rather than the
    mechanism, since the raw side proper runs stock xlsxwriter.
    """
    with mock.patch.object(xlsxwriter.Workbook, "worksheet_class", CachingWorksheet):
        write_raw(content, path)


def main(argv: list[str] | None = None) -> int:
    import sides

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--areas", type=int, default=500, help="responsibility areas (default 500)")
    parser.add_argument("--parties", type=int, default=40, help="parties, i.e. matrix columns (default 40)")
    parser.add_argument("--pairs", type=int, default=3, help="alternating runs of the sides (3)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile tables")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where the JSON goes")
    args = parser.parse_args(argv)

    t0 = time.perf_counter()
    book = make_book(args.areas, args.parties)
    setup_s = time.perf_counter() - t0
    kind = get_kind("raci")
    assert kind is not None
    branding = load_branding()
    problems = calc.check(book)
    codes = sum(len(a.codes) for a in book.areas)
    categories = len({a.category for a in book.areas})
    print(
        f"raci bench: {len(book.areas):,} areas × {len(book.parties):,} parties ({categories} categories, "
        f"{codes:,} codes, {len(problems)} findings)",
        flush=True,
    )

    with tempfile.TemporaryDirectory(prefix="xle-bench-") as tmp_dir:
        tmp = Path(tmp_dir)
        got = sides.workbook_bench("raci", book, tmp, args.pairs, lambda m: print(m, flush=True))
        mech_path = tmp / "build-mech.xlsx"

        # Where the mechanism's build time goes: one run each, informative, not in the ratio.
        layout_holder: list[Any] = []
        phases = best_of(
            1,
            {
                "calculate": lambda: calc.calculate(book),
                "layout": lambda: layout_holder.append(kind.build(book)),
                "render": lambda: render(layout_holder[-1], tmp / "render-only.xlsx", branding),
                "check": lambda: calc.check(book),
            },
        )
        phases["layout"] = max(phases["layout"] - phases["calculate"], 0.0)  # build() calculates too
        loaded = read_workbook(mech_path)

        profiles = ""
        if args.profile:
            profiles = "\n".join(
                [
                    profile("build (write_workbook + check)", lambda: build_and_check(book, mech_path)),
                    profile("read (read_workbook)", lambda: read_workbook(mech_path)),
                ]
            )

    results: dict[str, Any] = {
        "bench": "raci",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "xlsxwriter": xlsxwriter.__version__,
        "areas": len(book.areas),
        "parties": len(book.parties),
        "categories": categories,
        "codes": codes,
        "findings": len(problems),
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
