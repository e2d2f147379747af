"""Where a firm's editable defaults live, and how they are read.

Defaults ship in the top-level ``templates/`` folder as TOML (readable, diff-able, editable
without Python). A firm points ``--templates DIR`` at its own copy; nothing is a constant
in code.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from xl_engage.issues import InputError, Issue

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TEMPLATES = PACKAGE_ROOT / "templates"
SAMPLE_MSP = PACKAGE_ROOT / "workbooks" / "sample_msp"


def templates_dir(override: Path | str | None = None) -> Path:
    """The templates folder: an explicit one, ``$XL_ENGAGE_TEMPLATES``, or the bundled one."""
    chosen = override or os.environ.get("XL_ENGAGE_TEMPLATES") or DEFAULT_TEMPLATES
    return Path(chosen)


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a missing or malformed file is a located InputError."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise InputError([Issue(str(path), "file not found")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Issue(str(path), f"not valid TOML: {exc}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Issue(str(path), f"cannot be read: {exc}")]) from None
