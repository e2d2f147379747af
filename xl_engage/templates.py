"""Where a firm's editable defaults live, and how they are read.

Defaults ship in the top-level ``templates/`` folder as TOML (readable, diff-able, editable
without Python). A firm points ``--templates DIR`` at its own copy; nothing is a constant
in code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xl_engage.issues import InputError, Issue

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def _bundled(installed: str, checkout: Path) -> Path:
    """A bundled folder: in a checkout, the design card's top-level folder itself; in an
    installed package, its copy inside the package (the build copies the top-level folder
    there: one source of truth). Found beside this module, as importlib.resources would
    find it for an unzipped package, without loading that machinery: ``xl-engage --help``
    reads no template (issue 15, start-up)."""
    inside = Path(__file__).resolve().parent / installed
    return inside if inside.is_dir() else checkout


DEFAULT_TEMPLATES = _bundled("bundled_templates", PACKAGE_ROOT / "templates")
SAMPLE_MSP = _bundled("sample_msp", PACKAGE_ROOT / "workbooks" / "sample_msp")


def check_keys(table: Any, keys: Iterable[str], where: str) -> None:
    """Refuse keys of a TOML table that are not ``keys``, naming the nearest valid one."""
    if not isinstance(table, dict):
        return
    valid = sorted(keys)
    issues = []
    for name in table:
        if name not in valid:
            import difflib  # only to suggest a key

            near = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
            hint = f"; did you mean '{near[0]}'?" if near else f"; the keys are {', '.join(valid)}"
            issues.append(Issue(f"{where} {name}", f"is not a known key{hint}"))
    if issues:
        raise InputError(issues)


def templates_dir(override: Path | str | None = None) -> Path:
    """The templates folder: an explicit one, ``$XL_ENGAGE_TEMPLATES``, or the bundled one."""
    chosen = override or os.environ.get("XL_ENGAGE_TEMPLATES") or DEFAULT_TEMPLATES
    return Path(chosen)


_SAID: set[Path] = set()


def template_path(name: str, override: Path | str | None = None) -> Path:
    """A template file: the firm's (``--templates DIR`` or ``$XL_ENGAGE_TEMPLATES``), or,
    where the firm's folder lacks it, the bundled default, which is said once (to stderr):
    a firm may keep only the files it changed."""
    folder = templates_dir(override)
    path = folder / name
    if path.exists() or folder == DEFAULT_TEMPLATES:
        return path
    if folder not in _SAID:
        _SAID.add(folder)
        sys.stderr.write(
            f"note: {folder} has no {name}: the bundled default is used (and for any other file it lacks)\n"
        )
    return DEFAULT_TEMPLATES / name


def load_toml(path: Path, keys: Iterable[str] | None = None) -> dict[str, Any]:
    """Read a TOML file; a missing or malformed file is a located InputError, and so is a
    top-level key not among ``keys`` (when given), with the valid key it is nearest to: a
    typo never silently does nothing."""
    import tomllib

    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
        if keys is not None:
            check_keys(doc, keys, str(path))
        return doc
    except FileNotFoundError:
        raise InputError([Issue(str(path), "file not found")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Issue(str(path), f"not valid TOML: {exc}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc}")]) from None
