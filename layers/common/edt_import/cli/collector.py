"""The cyclic garbage collector paused for a command's reading and planning: process-wide, so entry points only.

Reading and planning build about a million acyclic objects that all survive; each collection would rescan them
for nothing (a third of a ``plan`` run). Reference counting still frees whatever is dropped.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the collector; on the way out freeze the survivors, so that its first pass does not walk them all."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
