"""A desk whose database is locked by another desk, or whose disk is full, gets a plain message and
loses nothing: the failed write left no trace, and the same write succeeds once the cause is gone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from send_desk.bootstrap import Desk, open_desk
from send_desk.db import engine as engine_module
from send_desk.domain.errors import DatabaseUnavailableError
from send_desk.values.cases import CaseInput
from tests.conftest import FakeClock, complaint_input

pytestmark = pytest.mark.sqlite_only

BUSY = "The database is busy with another desk's work"
FULL = "The disk holding the database is full"


def new_case(**overrides: object) -> CaseInput:
    return complaint_input(officer_login=None, **overrides)


def case_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM case_record").fetchone()[0])
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


@contextmanager
def write_lock_held(path: Path, seconds: float | None = None) -> Iterator[None]:
    """Hold another desk's write transaction (BEGIN IMMEDIATE) until the block ends or `seconds` pass."""
    started, release = threading.Event(), threading.Event()

    def hold() -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE change_counter SET value = value")
        started.set()
        release.wait(seconds)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=hold, name="other-desk")
    holder.start()
    assert started.wait(5)
    try:
        yield
    finally:
        release.set()
        holder.join()


def make_desk(path: Path, clock: FakeClock) -> Desk:
    return open_desk(str(path), clock=clock, login="sam.patel")


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Give up on a lock after 0.3 s instead of 5 s, to keep the tests quick."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)


# ----- locked ------------------------------------------------------------------------------------
@pytest.mark.usefixtures("short_busy_timeout")
def test_a_write_while_another_desk_holds_the_lock_fails_plainly_and_writes_nothing(
    database_path: Path, clock: FakeClock
) -> None:
    desk = make_desk(database_path, clock)
    before = case_count(database_path)
    try:
        with write_lock_held(database_path), pytest.raises(DatabaseUnavailableError) as caught:
            desk.cases.log_case(new_case())
        assert str(caught.value).startswith(BUSY)
        assert "try again" in str(caught.value)
        assert case_count(database_path) == before

        retried = desk.cases.log_case(new_case())  # the GUI's Retry, with the same form
        assert retried.reference
        assert case_count(database_path) == before + 1
    finally:
        desk.close()
    assert integrity(database_path) == "ok"


@pytest.mark.usefixtures("short_busy_timeout")
def test_an_import_while_locked_writes_none_of_its_cases(database_path: Path, clock: FakeClock) -> None:
    desk = make_desk(database_path, clock)
    before = case_count(database_path)
    try:
        with write_lock_held(database_path), pytest.raises(DatabaseUnavailableError, match=BUSY):
            desk.cases.log_many([new_case() for _ in range(50)])
        assert case_count(database_path) == before
    finally:
        desk.close()


def test_a_short_lock_is_waited_out(database_path: Path, clock: FakeClock) -> None:
    desk = make_desk(database_path, clock)
    before = case_count(database_path)
    try:
        with write_lock_held(database_path, seconds=0.5):
            started = time.perf_counter()
            desk.cases.log_case(new_case())
            waited = time.perf_counter() - started
        assert waited >= 0.3
        assert case_count(database_path) == before + 1
    finally:
        desk.close()


@pytest.mark.slow
def test_a_lock_held_past_the_default_busy_timeout_gives_the_plain_message(
    database_path: Path, clock: FakeClock
) -> None:
    assert engine_module.BUSY_TIMEOUT_MS == 5000
    desk = make_desk(database_path, clock)
    before = case_count(database_path)
    try:
        with write_lock_held(database_path, seconds=6):
            started = time.perf_counter()
            with pytest.raises(DatabaseUnavailableError, match=BUSY):
                desk.cases.log_case(new_case())
            assert 4.5 <= time.perf_counter() - started < 6
        assert case_count(database_path) == before
    finally:
        desk.close()


# ----- disk full ---------------------------------------------------------------------------------
def bulky_cases(count: int = 300) -> list[CaseInput]:
    return [new_case(description="x" * 4000 + str(i)) for i in range(count)]


def test_a_full_database_file_fails_plainly_and_writes_nothing(database_path: Path, clock: FakeClock) -> None:
    desk = make_desk(database_path, clock)
    engine = desk.ctx.db.engine
    before = case_count(database_path)

    def cap_size(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages + 2}")

    event.listen(engine, "connect", cap_size)
    engine.dispose()
    try:
        # 40 cases of 4 kB each: ten times what two more pages of the file can hold
        with pytest.raises(DatabaseUnavailableError) as caught:
            desk.cases.log_many(bulky_cases(40))
        assert str(caught.value).startswith(FULL)
        assert "nothing was saved" in str(caught.value).lower()
        assert case_count(database_path) == before

        event.remove(engine, "connect", cap_size)
        engine.dispose()  # space freed: the same import now goes through
        assert len(desk.cases.log_many(bulky_cases(40))) == 40
        assert case_count(database_path) == before + 40
    finally:
        desk.close()
    assert integrity(database_path) == "ok"


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """Mount a 2 MB tmpfs (Linux, root only); skip where that is not allowed."""
    mount_point = tmp_path / "tiny-disk"
    mount_point.mkdir()
    if not sys.platform.startswith("linux"):
        pytest.skip("tmpfs mounts are Linux-only")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def test_a_really_full_disk_fails_plainly_and_writes_nothing(
    tiny_disk: Path, database_path: Path, clock: FakeClock
) -> None:
    path = tiny_disk / "desk.sqlite3"
    path.write_bytes(database_path.read_bytes())
    desk = make_desk(path, clock)
    before = case_count(path)
    filler = tiny_disk / "filler.bin"
    try:
        desk.cases.log_case(new_case())  # WAL and shared memory exist before the disk fills up
        with filler.open("wb", buffering=0) as out:  # unbuffered: closing has nothing left to flush
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        with pytest.raises(DatabaseUnavailableError) as caught:
            desk.cases.log_many(bulky_cases())
        assert str(caught.value).startswith(FULL)
        assert case_count(path) == before + 1

        filler.unlink()
        assert len(desk.cases.log_many(bulky_cases(100))) == 100
        assert case_count(path) == before + 101
    finally:
        desk.close()
    assert integrity(path) == "ok"


@pytest.mark.parametrize(
    ("driver_message", "start"),
    [
        ("database is locked", BUSY),
        ("canceling statement due to lock timeout", BUSY),
        ("deadlock detected", BUSY),
        ("database or disk is full", FULL),
        ('could not extend file "base/16384/2619": No space left on device', FULL),
        ("disk I/O error", "The database file could not be read or written"),
    ],
)
def test_driver_messages_are_put_in_plain_words(driver_message: str, start: str) -> None:
    from sqlalchemy.exc import OperationalError

    from send_desk.db.session import describe_operational_error

    text = describe_operational_error(OperationalError("INSERT ...", {}, Exception(driver_message)))
    assert text.startswith(start)
    assert "nothing was saved" in text.lower() or "was not saved" in text.lower()
