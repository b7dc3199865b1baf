"""Shared fixtures: a migrated template database copied per test, an injected clock, a desk.

The database fixtures run on SQLite unless SEND_DESK_TEST_BACKEND=postgres, when a real PostgreSQL
server (tests/postgres_server.py) is started once per run and every test gets its own database made
from a migrated, seeded template (CREATE DATABASE ... TEMPLATE). Use `database_url` (a string open_desk
and `--database` accept on both backends); `database_path` is a SQLite file and skips under PostgreSQL.
Mark tests that only make sense for a SQLite file with `@pytest.mark.sqlite_only`. Tests marked
`postgres` (or using `postgres_url`) always run against the server, on either backend.
When PostgreSQL cannot start the PostgreSQL tests are skipped, unless CI or
SEND_DESK_REQUIRE_POSTGRES=1 is set: then they fail.

Hypothesis runs the `dev` profile (few examples, for the everyday run) unless HYPOTHESIS_PROFILE=ci
(thousands, run by .ci/run). A property test leaves the number of examples to the profile; one that
builds a workbook or a database per example asks for `examples(dev=..., ci=...)` instead. Tests
marked `slow` are left out by pyproject.toml's `-m "not slow"`; `-m slow` runs only them.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import shutil
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.kinds import CaseKind, Channel, Role
from send_desk.services.staff import StaffService
from send_desk.values.cases import CaseDetail, CaseInput, PersonInput
from tests.postgres_server import PostgresServer, PostgresUnavailableError, start_server

BACKEND = os.environ.get("SEND_DESK_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"
if BACKEND not in ("sqlite", "postgres"):
    raise pytest.UsageError(f"SEND_DESK_TEST_BACKEND must be sqlite or postgres, not {BACKEND!r}")
TEMPLATE_DATABASE_NAME = "send_desk_template"

TODAY = date(2026, 11, 27)  # a Friday

# No deadline in either profile: a test's speed on a busy machine is not what it checks. The everyday
# (dev) run explores new random examples each time; the ci profile is derandomized, so CI runs exactly
# the examples `HYPOTHESIS_PROFILE=ci` runs on a developer's machine, and a red CI is reproducible.
HYPOTHESIS_PROFILES = {"dev": 25, "ci": 2000}
for _name, _examples in HYPOTHESIS_PROFILES.items():
    hypothesis_settings.register_profile(
        _name, max_examples=_examples, deadline=None, print_blob=True, derandomize=_name == "ci"
    )
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev").strip().lower() or "dev"
if HYPOTHESIS_PROFILE not in HYPOTHESIS_PROFILES:
    raise pytest.UsageError(f"HYPOTHESIS_PROFILE must be dev or ci, not {HYPOTHESIS_PROFILE!r}")
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


def examples(*, dev: int, ci: int) -> int:
    """Return how many examples a costly property test runs under this run's hypothesis profile."""
    return ci if HYPOTHESIS_PROFILE == "ci" else dev


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
    """Keep every test's settings, data and config folders, keys and database variable to itself."""
    monkeypatch.setenv("SEND_DESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SEND_DESK_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("SEND_DESK_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache"))
    # never the developer's own credential store: the backup signing key goes to the 0600 file instead
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    monkeypatch.delenv("SEND_DESK_DATABASE_URL", raising=False)


@pytest.fixture
def clock() -> FakeClock:
    """Return a clock standing at 10:00 UTC on Friday 27 November 2026."""
    return FakeClock(datetime.combine(TODAY, time(10, 0), tzinfo=UTC))


def postgres_required() -> bool:
    """Tell whether a PostgreSQL that cannot start must fail the run instead of skipping tests."""
    return bool(os.environ.get("CI")) or os.environ.get("SEND_DESK_REQUIRE_POSTGRES") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: needs a SQLite file (raw file checks); skipped under PostgreSQL"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if BACKEND != "postgres":
        return
    skip = pytest.mark.skip(reason="SQLite-only test (SEND_DESK_TEST_BACKEND=postgres)")
    for item in items:
        if item.get_closest_marker("sqlite_only") is not None:
            item.add_marker(skip)


_postgres_failure: list[str] = []


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """Start a PostgreSQL server once per run; skip without one (fail in CI)."""
    if _postgres_failure:
        _postgres_unavailable(_postgres_failure[0])
    try:
        server = start_server()
    except PostgresUnavailableError as exc:
        _postgres_failure.append(str(exc))
        _postgres_unavailable(str(exc))
    try:
        yield server
    finally:
        server.stop()


def _postgres_unavailable(reason: str) -> None:
    if postgres_required():
        pytest.fail(f"PostgreSQL is required here (CI) but could not start: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL is not available: {reason}")


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """Return the name of a migrated, seeded PostgreSQL database used as the per-test template."""
    url = postgres_server.create_database(TEMPLATE_DATABASE_NAME)
    opened = open_desk(url, login="template")
    opened.close()
    return TEMPLATE_DATABASE_NAME


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    """Return the URL of a fresh PostgreSQL database copied from the template (on either backend)."""
    name = postgres_server.unique_name()
    url = postgres_server.create_database(name, template=postgres_template)
    yield url
    postgres_server.drop_database(name)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a migrated, seeded SQLite database file made once per test run."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    desk = open_desk(str(path), login="template")
    desk.close()
    return path


@pytest.fixture
def database_path(tmp_path: Path, template_database: Path) -> Path:
    """Return a fresh copy of the template SQLite database for one test (skips under PostgreSQL)."""
    if BACKEND == "postgres":
        pytest.skip("needs a SQLite file; use the database_url fixture to run on PostgreSQL too")
    target = tmp_path / "desk.sqlite3"
    shutil.copy(template_database, target)
    return target


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    """Return a fresh database for one test: a SQLite file path, or a PostgreSQL URL under postgres."""
    if BACKEND == "postgres":
        return str(request.getfixturevalue("postgres_url"))
    return str(request.getfixturevalue("database_path"))


@pytest.fixture
def backend() -> str:
    """Return the backend this run's database fixtures use: "sqlite" or "postgres"."""
    return BACKEND


@pytest.fixture
def desk(database_url: str, clock: FakeClock) -> Iterator[Desk]:
    """Return the services over a fresh database, acting as sam.patel (an admin) with the test clock."""
    opened = open_desk(database_url, clock=clock, login="sam.patel")
    staff = StaffService(opened.ctx)
    staff.me()
    staff.add_staff("alex.jones", "Alex Jones", role=Role.OFFICER, team="SEND casework")
    staff.add_staff("priya.shah", "Priya Shah", role=Role.MANAGER, team="SEND casework")
    yield opened
    opened.close()


@pytest.fixture
def other_desk(database_url: str, clock: FakeClock, desk: Desk) -> Iterator[Desk]:
    """Return a second desk on the same database acting as alex.jones (a second PC)."""
    opened = open_desk(database_url, clock=clock, login="alex.jones")
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
