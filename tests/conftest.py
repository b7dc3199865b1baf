"""Shared fixtures: a migrated template database copied per test, an injected clock, a desk."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.kinds import CaseKind, Channel, Role
from send_desk.services.dto import CaseDetail, CaseInput, PersonInput
from send_desk.services.staff import StaffService

TODAY = date(2026, 11, 27)  # a Friday


class FakeClock:
    """A clock tests can set; it returns an aware UTC datetime."""

    def __init__(self, moment: datetime) -> None:
        self.moment = moment

    def __call__(self) -> datetime:
        return self.moment

    def set_date(self, day: date, at: time = time(10, 0)) -> None:
        """Move the clock to a day (10:00 UTC unless told otherwise)."""
        self.moment = datetime.combine(day, at, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep every test's settings, data folder and database variable to itself."""
    monkeypatch.setenv("SEND_DESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SEND_DESK_DATABASE_URL", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock standing at 10:00 UTC on Friday 27 November 2026."""
    return FakeClock(datetime.combine(TODAY, time(10, 0), tzinfo=UTC))


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a migrated, seeded SQLite database file made once per test run."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    desk = open_desk(str(path), login="template")
    desk.close()
    return path


@pytest.fixture
def database_path(tmp_path: Path, template_database: Path) -> Path:
    """Return a fresh copy of the template database for one test."""
    target = tmp_path / "desk.sqlite3"
    shutil.copy(template_database, target)
    return target


@pytest.fixture
def desk(database_path: Path, clock: FakeClock) -> Iterator[Desk]:
    """Return the services over a fresh database, acting as sam.patel (an admin) with the test clock."""
    opened = open_desk(str(database_path), clock=clock, login="sam.patel")
    staff = StaffService(opened.ctx)
    staff.me()
    staff.add_staff("alex.jones", "Alex Jones", role=Role.OFFICER, team="SEND casework")
    staff.add_staff("priya.shah", "Priya Shah", role=Role.MANAGER, team="SEND casework")
    yield opened
    opened.close()


@pytest.fixture
def other_desk(database_path: Path, clock: FakeClock, desk: Desk) -> Iterator[Desk]:
    """Return a second desk on the same database acting as alex.jones (a second PC)."""
    opened = open_desk(str(database_path), clock=clock, login="alex.jones")
    yield opened
    opened.close()


def complaint_input(received: date = date(2026, 11, 20), **overrides: object) -> CaseInput:
    """Return a typical stage 1 complaint, with any field overridden."""
    values: dict[str, object] = {
        "kind": CaseKind.COMPLAINT,
        "received_on": received,
        "channel": Channel.EMAIL,
        "contact": PersonInput(
            name="Jo Bloggs", relationship="parent", email="jo.bloggs@example.org", phone="07700 900123"
        ),
        "child": PersonInput(name="Amy Bloggs", date_of_birth=date(2015, 3, 9)),
        "category": "Assessment delay",
        "summary": "EHC needs assessment running late",
        "officer_login": "alex.jones",
    }
    values.update(overrides)
    return CaseInput(**values)  # type: ignore[arg-type]


@pytest.fixture
def complaint(desk: Desk) -> CaseDetail:
    """Return a stage 1 complaint received on Friday 20 November 2026, assigned to Alex Jones."""
    return desk.cases.log_case(complaint_input())
