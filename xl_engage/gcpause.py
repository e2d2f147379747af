"""Pause the cyclic garbage collector while building many objects that are all kept.

Reading a 100,000-row ledger or rendering a million cells creates objects that live to the
end; each automatic collection walks all of them again and finds nothing. Reference
counting still frees what is dropped; the pause only skips those walks.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
