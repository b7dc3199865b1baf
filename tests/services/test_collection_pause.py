"""The import pauses Python's cyclic garbage collector while it runs, and always lets it run again."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError
from send_desk.services.collection_pause import cyclic_collection_paused
from tests.services.test_spreadsheet_import import counts, tracker


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_nested_pauses_resume_collection_only_when_the_last_one_ends() -> None:
    with cyclic_collection_paused():
        assert not gc.isenabled()
        with cyclic_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer job is still running
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with cyclic_collection_paused():
        pass
    assert not gc.isenabled()


def test_the_import_pauses_collection_while_it_runs_and_resumes_it_when_done(
    desk: Desk, tmp_path: Path
) -> None:
    steps = desk.imports.steps(tracker(tmp_path / "t.xlsx", 5))
    next(steps)
    assert not gc.isenabled()
    result = None
    for _ in range(100):
        try:
            next(steps)
        except StopIteration as done:
            result = done.value
            break
    assert result is not None
    assert result.imported == 5
    assert gc.isenabled()


def test_a_cancelled_import_resumes_collection_and_saves_nothing(desk: Desk, tmp_path: Path) -> None:
    steps = desk.imports.steps(tracker(tmp_path / "t.xlsx", 5))
    next(steps)
    steps.close()  # what Cancel does between steps
    assert gc.isenabled()
    assert counts(desk) == (0, 0, 0, 0)


def test_a_refused_import_resumes_collection(desk: Desk, tmp_path: Path) -> None:
    missing = tmp_path / "gone.xlsx"
    with pytest.raises(SendDeskError, match=r"gone\.xlsx"):
        desk.imports.run(missing)
    assert gc.isenabled()
