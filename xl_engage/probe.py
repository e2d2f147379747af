"""The workbook library's own read of a package, in a bounded child process.

The package check (``xl_engage/package_check.py``) models with patterns how the library
places cells and copies strings; patterns cannot read XML exactly as it does (it keeps the
last of two ``r`` attributes, splits attributes with no space between them, moves down a
row at every ``</row>``), and where they disagree the library aborts the whole process
when memory runs out, which no ``except`` catches. So the check starts this probe before
its scan and hears it after: the library reads every sheet in a child whose memory and
time are bounded, and what the child cannot survive is refused in one line.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from xl_engage.issues import NotAWorkbookError

PROBE_MEMORY = 960 * 1024 * 1024
PROBE_MEMORY_PER_BYTE = 48
PROBE_SECONDS = 60
PROBE_SECONDS_PER_MB = 4
"""The child may use ``PROBE_MEMORY`` of address space, below a gigabyte so that a bomb the
scan refuses while the child still reads it costs no more (or ``PROBE_MEMORY_PER_BYTE``
per byte of the file, if more: a 24 MB budget of 100,000 assets needs 350 MB), and
``PROBE_SECONDS`` (or ``PROBE_SECONDS_PER_MB``, if more). A child that runs out of either
means the file is refused; one that finds the file unreadable says why, in one line (the
library's own panic prints several)."""

_PROBE_SAID = "xl-engage-probe:"
_PROBE = r"""
import sys
try:
    import python_calamine
    book = python_calamine.CalamineWorkbook.from_path(sys.argv[1])
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    print("xl-engage-probe:read")
except MemoryError:
    print("xl-engage-probe:memory")
except BaseException as exc:  # a panic in the library is a BaseException: said in one line
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        raise
    print("xl-engage-probe:unreadable:" + " ".join(str(exc).split())[:300])
"""


def start_probe(path: Path) -> tuple[subprocess.Popen[str], float] | None:
    """The child that reads ``path`` with the library, bounded; None where it cannot be
    started as intended (Windows has no ``resource`` module; a frozen program has no
    interpreter to start): the scan alone then stands."""
    try:
        import resource
    except ImportError:
        return None
    if not sys.executable or getattr(sys, "frozen", False):
        return None
    size = path.stat().st_size
    memory = max(PROBE_MEMORY, PROBE_MEMORY_PER_BYTE * size)
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    if hard != resource.RLIM_INFINITY:
        memory = min(memory, hard)  # a lower limit set on us: the child may not raise it

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _PROBE, str(path)],
            preexec_fn=bounded,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return child, max(PROBE_SECONDS, PROBE_SECONDS_PER_MB * size / 1e6)


def finish_probe(path: Path, probe: tuple[subprocess.Popen[str], float] | None) -> None:
    if probe is None:
        return
    child, seconds = probe
    try:
        said, _ = child.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise NotAWorkbookError(
            f"{path}: refused: the workbook library took over {seconds:.0f} s to read it, "
            "far longer than a workbook of its size takes"
        ) from None
    verdict = said.strip().rpartition(_PROBE_SAID)[2] if _PROBE_SAID in said else ""
    if verdict == "read":
        return
    if verdict.startswith("unreadable:"):  # said here, in one line: the library's own panic prints more
        reason = verdict.removeprefix("unreadable:")
        raise NotAWorkbookError(f"{path}: cannot be read as a workbook ({reason})")
    # killed by a signal: the library aborts the process when memory runs out
    if verdict == "memory" or child.returncode < 0:
        raise NotAWorkbookError(
            f"{path}: refused: the workbook library could not read it within the memory allowed: a "
            "sheet reaching far beyond its data (a stray cell far below or right of the table: delete "
            "it and save again), a damaged file, or one built to fill memory"
        )
    # no verdict and no signal: not our child as intended (an interpreter that could not start)
