"""PostgreSQL-only behaviour: plain messages for values SQLite lets through, and concurrent desks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest

from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.errors import ValidationError
from tests.conftest import FakeClock, complaint_input

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_desks(postgres_url: str) -> Iterator[list[Desk]]:
    clock = FakeClock(datetime(2027, 1, 4, 10, tzinfo=UTC))  # a new year: no reference counter row yet
    first = open_desk(postgres_url, clock=clock, login="sam.patel")
    first.staff.me()
    first.staff.add_staff("alex.jones", "Alex Jones")
    desks = [first, *(open_desk(postgres_url, clock=clock, login="alex.jones") for _ in range(3))]
    yield desks
    for desk in desks:
        desk.close()


def test_a_value_too_long_is_a_plain_validation_error(pg_desks: list[Desk]) -> None:
    with pytest.raises(ValidationError) as caught:
        pg_desks[0].staff.add_staff("x" * 130, "Long Login")
    assert str(caught.value) == (  # the login column is varchar(120); the server names no column
        "One of the values is longer than the 120 characters it can take. Nothing was saved; shorten it "
        "and try again."
    )


def test_the_database_is_really_postgresql(pg_desks: list[Desk]) -> None:
    assert pg_desks[0].ctx.db.engine.dialect.name == "postgresql"
    assert pg_desks[0].ctx.db.engine.dialect.driver == "psycopg"


def test_desks_logging_at_once_get_distinct_references(pg_desks: list[Desk]) -> None:
    barrier = threading.Barrier(6)
    references: list[str] = []
    errors: list[str] = []

    def work(desk: Desk) -> None:
        barrier.wait()
        for _ in range(6):
            try:
                references.append(desk.cases.log_case(complaint_input(received=date(2027, 1, 4))).reference)
            except Exception as exc:
                errors.append(str(exc))

    threads = [threading.Thread(target=work, args=(pg_desks[n % 4],)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(references) == len(set(references)) == 36
    assert sorted(references)[-1] == "SD-2027-00036"
