"""Try a unit of work again while the database is busy with other desks' writes, within a budget."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TypeVar

from send_desk.domain.errors import DatabaseBusyError

T = TypeVar("T")

SCRIPT_WAIT_SECONDS = 30.0
"""How long a command run by a script (`send-desk log`) keeps trying while the database is busy."""


def retry_while_busy(
    work: Callable[[], T],
    *,
    budget: float = SCRIPT_WAIT_SECONDS,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `work`; while it fails because the database is busy, wait a little and run it again.

    Each attempt already waits up to the database's own busy timeout for the write lock; this adds
    whole-transaction retries (nothing of a failed attempt was committed) until `budget` seconds have
    passed, then lets the last busy error through with its plain message.
    """
    deadline = clock() + budget
    pause = 0.05
    while True:
        try:
            return work()
        except DatabaseBusyError:
            left = deadline - clock()
            if left <= 0:
                raise
            # jitter, so desks that collided once do not collide again in step
            sleep(min(left, pause * (1 + random.random())))
            pause = min(pause * 2, 1.0)
