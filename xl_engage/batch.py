"""Build one budget workbook per client, in parallel, without one bad client stopping the rest."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from xl_engage.issues import InputError, Issue, XleError


@dataclass(frozen=True)
class Outcome:
    client_file: Path
    out: Path | None
    error: str | None = None
    warnings: int = 0
    messages: tuple[str, ...] = ()
    """The warnings themselves (unknown device types, merged duplicates), each at its line."""


@dataclass(frozen=True)
class Job:
    """One client's budget: its client file and, if not beside it, its inventory."""

    client_file: Path
    assets: Path | None = None


def client_files(portfolio: Path) -> list[Path]:
    """Every ``client.toml`` below a portfolio folder (one folder per client), sorted."""
    return sorted(portfolio.glob("*/client.toml")) or sorted(portfolio.glob("*.toml"))


def portfolio_jobs(portfolio: Path) -> list[Job]:
    """A folder of client folders, or a CSV listing ``Client file`` and optional ``Assets``
    paths (relative to the CSV)."""
    if portfolio.is_dir():
        return [Job(f) for f in client_files(portfolio)]
    import csv

    try:
        with portfolio.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError([Issue(str(portfolio), f"cannot be read as a CSV portfolio ({exc})")]) from None
    jobs: list[Job] = []
    issues: list[Issue] = []
    for line, row in enumerate(rows, start=2):
        cells = {k.strip().casefold(): (v or "").strip() for k, v in row.items() if k}
        client = cells.get("client file") or cells.get("client")
        if not client:
            issues.append(Issue(f"{portfolio.name}:{line}", "no 'Client file' given"))
            continue
        assets = cells.get("assets") or cells.get("inventory")
        jobs.append(Job(portfolio.parent / client, portfolio.parent / assets if assets else None))
    if issues:
        raise InputError(issues)
    return jobs


def out_name(client_file: Path) -> str:
    stem = client_file.parent.name if client_file.name == "client.toml" else client_file.stem
    return f"budget-{stem}.xlsx"


def build_one(job: Job | Path, out_dir: Path, templates: str | None, strict: bool = False) -> Outcome:
    """Runs in a worker process: load, plan, render. Errors come back as one line."""
    from xl_engage.build import write_workbook
    from xl_engage.inputs.budget import load_budget

    job = job if isinstance(job, Job) else Job(job)
    client_file = job.client_file
    try:
        book, warnings = load_budget(client_file, job.assets, templates=templates, strict=strict)
        out = write_workbook("budget", book, out_dir / out_name(client_file), templates=templates)
        said = tuple(str(w) for w in warnings if w.severity == "warning")
        return Outcome(client_file, out, None, len(warnings), said)
    except InputError as exc:
        first = exc.issues[0] if exc.issues else "invalid input"
        more = f" (+{len(exc.issues) - 1} more)" if len(exc.issues) > 1 else ""
        return Outcome(client_file, None, f"{first}{more}")
    except XleError as exc:
        return Outcome(client_file, None, str(exc))
    except Exception as exc:  # one client's bug must not stop the portfolio
        return Outcome(client_file, None, f"unexpected {type(exc).__name__}: {exc}")


def build_portfolio(
    files: Sequence[Job | Path],
    out_dir: Path,
    templates: str | None = None,
    workers: int | None = None,
    progress: Callable[[Outcome], None] = lambda o: None,
    strict: bool = False,
) -> Iterator[Outcome]:
    """Build every client's workbook on all cores; yield each outcome as it finishes."""
    workers = workers or min(len(files), os.cpu_count() or 1) or 1
    if workers == 1:
        for f in files:
            outcome = build_one(f, out_dir, templates, strict)
            progress(outcome)
            yield outcome
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(build_one, f, out_dir, templates, strict) for f in files]
        for future in as_completed(futures):
            outcome = future.result()
            progress(outcome)
            yield outcome
