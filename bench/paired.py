"""What the paired benches share: a side run in a fresh interpreter, and a ratio's summary.

Each bench runs both sides in fresh processes, alternating which goes first, and reports the
median ratio with its min–max; the child prints its measures as one JSON line, last.
"""

from __future__ import annotations

import inspect
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any


def cpu_clock() -> float:
    """The CPU this process and every child it waited for have used, in seconds.

    A side's cost includes its children: a read runs the workbook library once more in a
    bounded child (``xl_engage/probe.py``), which ``time.process_time()`` alone leaves out."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


# The same clock, as source the benches' children run before their own code.
CPU_CLOCK = inspect.getsource(cpu_clock).replace(" -> float", "") + "\n"


def in_child(code: str, *args: object, cwd: Path) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter with ``args``; its last line of output, as JSON."""
    done = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)], capture_output=True, text=True, check=True, cwd=cwd
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def summary(values: list[float]) -> dict[str, float]:
    """The median of the pairs' ratios, with their least and greatest."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def said(ratio: dict[str, float]) -> str:
    """A summary as the benches print it: ``1.16× (1.13–1.18)``."""
    return f"{ratio['median']:.2f}× ({ratio['min']:.2f}–{ratio['max']:.2f})"
