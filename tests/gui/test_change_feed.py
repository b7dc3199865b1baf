"""The change feed's signal: a change made on one desk reaches another desk without a refresh."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from send_desk.bootstrap import Desk
from send_desk.gui.change_feed import ChangeFeed
from send_desk.services.changes import ChangeWatcher
from tests.conftest import complaint_input


@pytest.fixture
def feed(qtbot, other_desk: Desk) -> Iterator[ChangeFeed]:  # type: ignore[no-untyped-def]
    watching = ChangeFeed(ChangeWatcher(other_desk.ctx.db), interval_ms=100)
    watching.start()
    yield watching
    watching.stop()


def test_a_change_on_one_desk_is_signalled_on_the_other(
    qtbot,
    desk: Desk,
    other_desk: Desk,  # type: ignore[no-untyped-def]
    feed: ChangeFeed,
) -> None:
    assert feed.is_active()
    with qtbot.waitSignal(feed.changed, timeout=5000):
        logged = desk.cases.log_case(complaint_input())
    assert other_desk.cases.get(logged.id).reference == logged.reference

    with qtbot.waitSignal(feed.changed, timeout=5000):
        desk.cases.acknowledge(logged.id, on=date(2026, 11, 23), expected_version=logged.version)
    assert other_desk.cases.get(logged.id).acknowledged_on == date(2026, 11, 23)


def test_no_change_no_signal(qtbot, feed: ChangeFeed) -> None:  # type: ignore[no-untyped-def]
    with qtbot.assertNotEmitted(feed.changed, wait=500):
        pass


def test_a_failing_watcher_does_not_break_the_event_loop(
    qtbot,
    feed: ChangeFeed,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(timeout: float = 0.0) -> bool:
        raise RuntimeError("network gone")

    monkeypatch.setattr(feed.watcher, "poll", broken)
    assert feed.check_now() is False
    with qtbot.assertNotEmitted(feed.changed, wait=300):
        pass
    assert feed.is_active()
