"""Atomic file writes: a failed run never leaves a half-written file over a good one."""

from __future__ import annotations

import contextlib
import glob
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from xl_engage.issues import RefusedError


def refuse_overwriting(
    target: Path, inputs: Iterable[Path | None], allowed: Path | None = None, option: str = "--out"
) -> None:
    """An output is never one of the run's inputs (the same file, however it is named: by
    inode, not by string), except ``allowed`` (``--from X --out X`` rebuilds X in place, and
    atomically). A folder is not an output either."""
    target = Path(target)
    if target.is_dir():
        raise RefusedError(
            f"{option} {target} is a folder: give a file name, such as {target / 'workbook.xlsx'}"
        )
    if not target.exists():
        return
    mode = target.stat().st_mode
    if not stat.S_ISREG(mode):
        raise RefusedError(f"{option} {target} is not a regular file (a device or a pipe?): write to a file")
    if not mode & 0o222:
        raise RefusedError(f"{option} {target} is read-only: it is kept; write to another file")
    for path in inputs:
        if path is None or not Path(path).exists() or (allowed is not None and _same(path, allowed)):
            continue
        if _same(path, target):
            raise RefusedError(
                f"{option} {target} is an input of this run ({Path(path).name}): an input is never "
                "overwritten; write to another file"
            )


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def clean_stale(target: Path, older_than: float = 24 * 3600) -> None:
    """Remove the temporary files that killed runs left beside ``target``, so they never
    accumulate: exactly ``.NAME.PID.RANDOM.tmp`` (another target's are not ours), whose
    process is gone, or that is a day old whatever its number says (in a container, the
    dead run's number may be alive again: PID 1)."""
    prefix = f".{target.name}."
    now = time.time()
    for tmp in target.parent.glob(f"{glob.escape(prefix)}*.tmp"):
        m = _TMP.fullmatch(tmp.name[len(prefix) :])
        if m is None:
            continue
        try:
            age = now - tmp.stat().st_mtime
        except OSError:
            continue
        if _alive(int(m.group(1))) and age < older_than:
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()


_TMP = re.compile(r"(\d+)\.[A-Za-z0-9_]+\.tmp")


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
