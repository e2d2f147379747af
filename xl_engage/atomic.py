"""Atomic file writes: a failed run never leaves a half-written file over a good one."""

from __future__ import annotations

import contextlib
import glob
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from xl_engage.issues import RefusedError


def refuse_overwriting(target: Path, inputs: Iterable[Path | None], allowed: Path | None = None) -> None:
    """An output is never one of the run's inputs (the same file, however it is named: by
    inode, not by string), except ``allowed`` (``--from X --out X`` rebuilds X in place, and
    atomically). A folder is not an output either."""
    target = Path(target)
    if target.is_dir():
        raise RefusedError(
            f"--out {target} is a folder: give a file name, such as {target / 'workbook.xlsx'}"
        )
    if not target.exists():
        return
    for path in inputs:
        if path is None or not Path(path).exists() or (allowed is not None and _same(path, allowed)):
            continue
        if _same(path, target):
            raise RefusedError(
                f"--out {target} is an input of this run ({Path(path).name}): an input is never "
                "overwritten; write to another file"
            )


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def clean_stale(target: Path) -> None:
    """Remove the temporary files that killed runs left beside ``target`` (their process is
    gone), so they never accumulate."""
    for tmp in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        pid = tmp.name[len(target.name) + 2 :].split(".", 1)[0]
        if pid.isdigit() and _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; move it over ``target`` only on success.
    The temporary file's name carries this process's id, so a later run can tell a killed
    run's leftovers from a running one's."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a workbook is an ordinary file
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
