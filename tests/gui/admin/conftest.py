"""Fixtures for the administration dialogs: desks acting as an officer and a manager."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from send_desk.bootstrap import Desk, open_desk
from tests.conftest import FakeClock


@pytest.fixture
def officer_desk(database_url: str, clock: FakeClock, desk: Desk) -> Iterator[Desk]:
    """Return a desk acting as alex.jones, an officer."""
    opened = open_desk(database_url, clock=clock, login="alex.jones")
    yield opened
    opened.close()


@pytest.fixture
def manager_desk(database_url: str, clock: FakeClock, desk: Desk) -> Iterator[Desk]:
    """Return a desk acting as priya.shah, a manager."""
    opened = open_desk(database_url, clock=clock, login="priya.shah")
    yield opened
    opened.close()
