"""Python's cyclic garbage collector held back while a bulk job makes many long-lived objects.

An import builds a row, a case and an audit entry for every line of a sheet and keeps them to the end;
each full collection walks all of them again, about a twentieth of a 20,000-row import's time. They hold
no reference cycles (plain values, freed by reference counting as ever), so nothing waits on the
collector while it is paused; it runs again from the end of the job, however the job ends.
"""

from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
Y = TypeVar("Y")
S = TypeVar("S")
R = TypeVar("R")


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


def collection_paused_while(
    steps: Callable[P, Generator[Y, S, R]],
) -> Callable[P, Generator[Y, S, R]]:
    """Make a generator job run with cyclic garbage collection paused from its first step to its end."""

    @functools.wraps(steps)
    def paused(*args: P.args, **kwargs: P.kwargs) -> Generator[Y, S, R]:
        with cyclic_collection_paused():
            return (yield from steps(*args, **kwargs))

    return paused
