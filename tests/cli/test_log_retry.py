"""`send-desk log` run by a script keeps trying while other desks are saving, then gives up plainly."""

from __future__ import annotations

from pathlib import Path

import pytest

from send_desk.cli.main import main
from send_desk.domain.errors import DatabaseBusyError
from send_desk.services.retry import retry_while_busy
from tests.services.test_locked_and_full import BUSY, case_count, short_busy_timeout, write_lock_held

pytestmark = pytest.mark.sqlite_only

__all__ = ["short_busy_timeout"]  # the fixture, shared with the service tests

LOG = ["log", "--kind", "enquiry", "--received", "2026-11-20", "--contact-name", "Ann Lee", "--summary", "x"]


@pytest.mark.usefixtures("short_busy_timeout")
def test_log_waits_out_a_lock_held_past_the_busy_timeout(
    database_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = case_count(database_path)
    # the database gives up on the lock after 0.3 s; the other desk holds it for 1.5 s
    with write_lock_held(database_path, seconds=1.5):
        assert main(["--database", str(database_path), *LOG, "--wait", "10"]) == 0
    out = capsys.readouterr()
    assert out.out.strip().startswith("SD-")
    assert out.err == ""
    assert case_count(database_path) == before + 1


@pytest.mark.usefixtures("short_busy_timeout")
def test_log_gives_up_with_the_plain_message_when_the_wait_runs_out(
    database_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = case_count(database_path)
    with write_lock_held(database_path, seconds=3):
        assert main(["--database", str(database_path), *LOG, "--wait", "0"]) != 0
    err = capsys.readouterr().err
    assert BUSY in err
    assert "Traceback" not in err
    assert case_count(database_path) == before


class FakeTime:
    """A clock that moves only when slept on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_retry_runs_the_work_again_until_it_succeeds() -> None:
    fake = FakeTime()
    attempts: list[int] = []

    def work() -> str:
        attempts.append(1)
        if len(attempts) < 4:
            raise DatabaseBusyError()
        return "SD-2026-00001"

    assert retry_while_busy(work, budget=30, clock=fake.clock, sleep=fake.sleep) == "SD-2026-00001"
    assert len(attempts) == 4
    assert len(fake.sleeps) == 3
    assert fake.sleeps[0] < fake.sleeps[2]  # backs off


def test_retry_stops_at_the_budget_and_lets_the_busy_error_through() -> None:
    fake = FakeTime()
    attempts: list[int] = []

    def work() -> str:
        attempts.append(1)
        raise DatabaseBusyError()

    with pytest.raises(DatabaseBusyError, match="busy with another desk"):
        retry_while_busy(work, budget=5, clock=fake.clock, sleep=fake.sleep)
    assert fake.now == pytest.approx(5)
    assert sum(fake.sleeps) == pytest.approx(5)
    assert len(attempts) == len(fake.sleeps) + 1


def test_retry_does_not_repeat_other_failures() -> None:
    attempts: list[int] = []

    def work() -> str:
        attempts.append(1)
        raise ValueError("bad date")

    with pytest.raises(ValueError, match="bad date"):
        retry_while_busy(work, budget=30, clock=FakeTime().clock, sleep=FakeTime().sleep)
    assert attempts == [1]
