"""The change feed: a change made on one desk is noticed by another desk's watcher."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from send_desk.bootstrap import Desk, open_desk
from send_desk.services.changes import ChangeWatcher
from send_desk.values.cases import CaseDetail
from tests.conftest import FakeClock, complaint_input


@pytest.fixture
def watcher(other_desk: Desk) -> Iterator[ChangeWatcher]:
    watching = ChangeWatcher(other_desk.ctx.db)
    yield watching
    watching.close()


def test_nothing_changed_means_no_signal(watcher: ChangeWatcher) -> None:
    assert watcher.poll() is False
    assert watcher.poll(timeout=0.3) is False


def test_another_desk_starting_up_is_not_a_change(
    database_url: str, clock: FakeClock, watcher: ChangeWatcher
) -> None:
    assert watcher.poll() is False
    opened = open_desk(database_url, clock=clock, login="priya.shah")  # reference data is there already
    opened.close()
    assert watcher.poll(timeout=0.3) is False


def test_a_change_on_one_desk_fires_the_other_desks_watcher(
    desk: Desk, other_desk: Desk, watcher: ChangeWatcher, backend: str
) -> None:
    assert desk.ctx.db.engine is not other_desk.ctx.db.engine
    assert watcher.listening is (backend == "postgres")
    assert watcher.poll() is False

    logged = desk.cases.log_case(complaint_input())
    assert watcher.poll(timeout=5) is True
    assert watcher.poll() is False  # reported once

    desk.cases.acknowledge(logged.id, on=date(2026, 11, 23), expected_version=logged.version)
    assert watcher.poll(timeout=5) is True
    assert other_desk.cases.get(logged.id).acknowledged_on == date(2026, 11, 23)
    assert watcher.poll() is False


def test_several_changes_between_polls_fire_once(
    desk: Desk, watcher: ChangeWatcher, complaint: CaseDetail
) -> None:
    watcher.poll(timeout=1)
    for number in range(3):
        desk.cases.add_note(complaint.id, text=f"Called the family ({number})")
    assert watcher.poll(timeout=5) is True
    # notifications may arrive in more than one packet; they settle without any further change
    while watcher.poll(timeout=0.3):
        pass
    assert watcher.poll() is False


def test_a_refused_change_does_not_fire(desk: Desk, watcher: ChangeWatcher, complaint: CaseDetail) -> None:
    from send_desk.domain.errors import ValidationError

    watcher.poll(timeout=1)
    with pytest.raises(ValidationError):
        desk.cases.add_note(complaint.id, text="   ")
    assert watcher.poll(timeout=0.5) is False


@pytest.mark.postgres
def test_postgres_watcher_falls_back_to_the_counter_and_listens_again(
    postgres_url: str, clock: FakeClock
) -> None:
    first = open_desk(postgres_url, clock=clock, login="sam.patel")
    second = open_desk(postgres_url, clock=clock, login="alex.jones")
    now = [0.0]
    watcher = ChangeWatcher(second.ctx.db, monotonic=lambda: now[0])
    try:
        assert watcher.listening
        first.staff.me()
        assert watcher.poll(timeout=5) is True

        # the listening connection is cut (network blip, server restart)
        listeners = (
            "FROM pg_stat_activity WHERE starts_with(query, 'LISTEN') AND datname = current_database()"
        )
        with first.ctx.db.engine.connect() as conn:
            assert conn.exec_driver_sql(f"SELECT pg_terminate_backend(pid) {listeners}").all() == [(True,)]
            # the server says goodbye on the socket before the backend goes away
            while conn.exec_driver_sql(f"SELECT count(*) {listeners}").scalar():
                conn.rollback()
        first.staff.add_staff("priya.shah", "Priya Shah")
        assert watcher.poll() is True  # the counter tells, though no notification came
        assert not watcher.listening
        assert watcher.poll() is False

        now[0] += 60  # time to try listening again
        first.staff.add_staff("lee.wong", "Lee Wong")
        assert watcher.poll() is True
        assert watcher.listening
        first.staff.add_staff("kim.ford", "Kim Ford")
        assert watcher.poll(timeout=5) is True
    finally:
        watcher.close()
        first.close()
        second.close()


@pytest.mark.postgres
def test_postgres_watcher_without_listening_polls_the_counter(postgres_url: str, clock: FakeClock) -> None:
    first = open_desk(postgres_url, clock=clock, login="sam.patel")
    second = open_desk(postgres_url, clock=clock, login="alex.jones")
    watcher = ChangeWatcher(second.ctx.db, listen=False)
    try:
        assert not watcher.listening
        assert watcher.poll() is False
        first.staff.me()
        assert watcher.poll() is True
    finally:
        watcher.close()
        first.close()
        second.close()


@pytest.mark.sqlite_only
def test_sqlite_watcher_sees_a_write_from_another_process_connection(
    database_path: object, desk: Desk, clock: FakeClock
) -> None:
    import sqlite3

    watcher = ChangeWatcher(desk.ctx.db)
    try:
        raw = sqlite3.connect(str(database_path))
        with raw:
            raw.execute("UPDATE change_counter SET value = value + 1 WHERE id = 1")
        raw.close()
        assert watcher.poll() is True
    finally:
        watcher.close()
