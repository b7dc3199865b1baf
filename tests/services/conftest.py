"""Fixtures for the administration tests: desks acting as other members of staff, and audit counting."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import func, select

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.models import AuditEntry
from tests.conftest import FakeClock

DeskAs = Callable[[str], Desk]


@pytest.fixture
def desk_as(database_url: str, clock: FakeClock, desk: Desk) -> Iterator[DeskAs]:
    """Return a factory that opens the test database acting as a given login."""
    opened: list[Desk] = []

    def make(login: str) -> Desk:
        other = open_desk(database_url, clock=clock, login=login)
        opened.append(other)
        return other

    yield make
    for other in opened:
        other.close()


@pytest.fixture
def officer_desk(desk_as: DeskAs) -> Desk:
    """Return a desk acting as alex.jones, an officer."""
    return desk_as("alex.jones")


@pytest.fixture
def manager_desk(desk_as: DeskAs) -> Desk:
    """Return a desk acting as priya.shah, a manager."""
    return desk_as("priya.shah")


def audit_count(desk: Desk) -> int:
    """Return how many audit entries there are."""
    with desk.ctx.db.read() as session:
        return int(session.scalar(select(func.count(AuditEntry.id))) or 0)
