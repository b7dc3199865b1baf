"""Python's cyclic garbage collector held back while a bulk job makes many long-lived objects.

An import builds a row, a case and an audit entry for every line of a sheet and keeps them to the end;
each full collection walks all of them again, about a twentieth of a 20,000-row import's time. They hold
no reference cycles (plain values, freed by reference counting as ever), so nothing waits on the
collector while it is paused; it runs again from the end of the job, however the job ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Pause:
    """One pause shared by nested or concurrent jobs: collection resumes when the last one ends."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.holders = 0
        self.was_enabled = False

    def hold(self) -> None:
        with self.lock:
            if self.holders == 0:
                self.was_enabled = gc.isenabled()
                gc.disable()
            self.holders += 1

    def release(self) -> None:
        with self.lock:
            self.holders -= 1
            if self.holders == 0 and self.was_enabled:
                gc.enable()


_PAUSE = _Pause()


@contextmanager
def cyclic_collection_paused() -> Iterator[None]:
    """Pause cyclic garbage collection for the block; it resumes when the last such block ends."""
    _PAUSE.hold()
    try:
        yield
    finally:
        _PAUSE.release()
