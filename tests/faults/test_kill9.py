"""Kill -9 during long operations, then reopen: the database is intact and the work all there or all absent.

Each operation (a 500-case import in one transaction, a migration of a 20,000-case database from
revision 0001 to head, a 3,000-case spreadsheet export, an audit-trail export, a retention run over
20,000 cases) first runs once uninterrupted to measure it; then RUNS times (two at a time) it is
started in a subprocess (tests/faults/worker.py) and killed with SIGKILL at a random moment within
that measured time.
After every kill: PRAGMA integrity_check is "ok", the full-text index agrees with its table, and the
operation's effect is exactly "before" or exactly "after"; after a killed migration the desk opens
(and finishes migrating). Set SEND_DESK_FAULT_SEED to replay a run and SEND_DESK_FAULT_RUNS to change
the number of kills.

The case export is skipped while send_desk.services.spreadsheets does not exist.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from send_desk.bootstrap import open_desk
from send_desk.db.migrate import alembic_config, head_revision
from send_desk.services.demo import DemoService
from tests.faults import worker

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only]

ROOT = Path(__file__).resolve().parents[2]
RUNS = int(os.environ.get("SEND_DESK_FAULT_RUNS", "20"))
SEED = int(os.environ.get("SEND_DESK_FAULT_SEED", str(random.SystemRandom().randrange(1_000_000))))
EXPORT_SIZE = 3000
IMPORT_SIZE = 3000  # bulk import: large enough that kills land inside it
"""Cases in the killed import (one transaction); the worker takes 2,000 when run by hand."""
DEMO_SIZE = 20_000
PARALLEL = max(1, min(2, os.cpu_count() or 1))
"""Kills run two at a time on a 2-core machine; the checks after them one at a time."""


@pytest.fixture(autouse=True)
def _posix_only() -> None:
    if sys.platform == "win32":
        pytest.skip("SIGKILL is POSIX-only")


# ----- helpers -----------------------------------------------------------------------------------
def fresh_copy(template: Path, folder: Path) -> Path:
    """Copy a closed, checkpointed database file into an empty folder."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    target = folder / "desk.sqlite3"
    shutil.copy(template, target)
    return target


def checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so the file alone is the whole database."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def start(operation: str, database: Path, *extra: str) -> tuple[subprocess.Popen[str], float]:
    """Start the worker and wait until it says START; return it and the moment it did."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.faults.worker", operation, str(database), *extra],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if line != "START":
        process.kill()
        _, err = process.communicate()
        pytest.fail(f"the {operation} worker did not start: {line!r} {err[-2000:]}")
    return process, time.perf_counter()


def measure(operation: str, database: Path, *extra: str) -> float:
    """Run the operation to the end and return the seconds from its START to its DONE."""
    process, started = start(operation, database, *extra)
    assert process.stdout is not None
    done = process.stdout.readline().strip()
    finished = time.perf_counter()
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err[-3000:]
    assert done == "DONE"
    return finished - started


def kill_after(operation: str, database: Path, delay: float, *extra: str) -> str:
    """Start the operation and SIGKILL it `delay` seconds after it said START; say whether it was killed."""
    process, started = start(operation, database, *extra)
    time.sleep(max(0.0, started + delay - time.perf_counter()))
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    if process.returncode == 0:  # it ended before the signal arrived
        return "finished first"
    assert process.returncode == -signal.SIGKILL, process.returncode
    return "killed"


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def scalar(path: Path, sql: str) -> object:
    return query(path, sql)[0][0]


def assert_intact(path: Path, *, search_index: bool = True) -> None:
    """Integrity check passes; the full-text index (if any) agrees with the cases table."""
    assert scalar(path, "PRAGMA integrity_check") == "ok"
    assert query(path, "PRAGMA foreign_key_check") == []
    if search_index and query(path, "SELECT name FROM sqlite_master WHERE name = 'case_fts'"):
        conn = sqlite3.connect(path)
        try:
            conn.execute("INSERT INTO case_fts(case_fts, rank) VALUES('integrity-check', 1)")
        finally:
            conn.close()


def assert_desk_opens(path: Path, expected_cases: int) -> None:
    """Reopen the database the way the desk does (migrating if needed) and count the cases."""
    desk = open_desk(str(path), clock=lambda: worker.NOW, login=worker.LOGIN)
    try:
        with desk.ctx.db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM case_record").scalar() == expected_cases
    finally:
        desk.close()


@dataclass
class Campaign:
    """The outcomes of RUNS kills of one operation."""

    operation: str
    duration: float
    outcomes: Counter[str]

    def line(self) -> str:
        found = ", ".join(f"{n} {what}" for what, n in sorted(self.outcomes.items()))
        runs = sum(self.outcomes.values())
        return f"{self.operation}: {runs} runs (seed {SEED}, {self.duration:.2f} s uninterrupted): {found}"


def campaign(
    operation: str,
    template: Path,
    folder: Path,
    check: Callable[[Path, str], str],
    *extra: Callable[[Path], str],
    runs: int = RUNS,
) -> Campaign:
    """Measure the operation once, then kill it `runs` times at random moments and check every result."""
    rng = random.Random(f"{SEED}-{operation}")
    references = [fresh_copy(template, folder / f"measure-{i}") for i in range(PARALLEL)]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:  # timed under the same load as the kills
        durations = list(
            pool.map(lambda ref: measure(operation, ref, *(make(ref) for make in extra)), references)
        )
    duration = statistics.mean(durations)
    for reference in references:
        assert check(reference, "finished") == "after"
    delays = [rng.uniform(0, duration) for _ in range(runs)]
    outcomes: Counter[str] = Counter()
    checking = threading.Lock()  # Alembic's op/context proxies are global: one reopen at a time

    def one(run: int) -> None:
        database = fresh_copy(template, folder / f"run-{run}")
        how = kill_after(operation, database, delays[run], *(make(database) for make in extra))
        with checking:
            try:
                outcomes[f"{check(database, how)} ({how})"] += 1
            except AssertionError as exc:
                where = f"{operation} run {run} (seed {SEED}, kill at {delays[run]:.3f} s)"
                raise AssertionError(f"{where} after being {how}: {exc}") from exc
        shutil.rmtree(database.parent)

    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        for future in [pool.submit(one, run) for run in range(runs)]:
            future.result()
    result = Campaign(operation, duration, outcomes)
    print(result.line())
    return result


# ----- templates ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Build the databases the operations start from, once."""
    folder = tmp_path_factory.mktemp("fault-templates")
    empty = folder / "empty.sqlite3"
    open_desk(str(empty), clock=lambda: worker.NOW, login=worker.LOGIN).close()

    demo = folder / "demo.sqlite3"
    desk = open_desk(str(demo), clock=lambda: worker.NOW, login=worker.LOGIN)
    for _ in DemoService(desk.ctx).generate(DEMO_SIZE, seed=7):
        pass
    desk.close()
    checkpoint(demo)

    old = folder / "at-0001.sqlite3"
    shutil.copy(demo, old)
    from alembic import command

    from send_desk.db.engine import make_engine

    engine = make_engine(f"sqlite:///{old}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0001")
    engine.dispose()
    checkpoint(old)
    checkpoint(empty)
    return {"empty": empty, "demo": demo, "old": old}


@pytest.fixture(autouse=True)
def _import_size(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEND_DESK_FAULT_IMPORT_SIZE", str(IMPORT_SIZE))


# ----- the operations ----------------------------------------------------------------------------
def test_kill_during_an_import_leaves_all_or_none_of_it(templates: dict[str, Path], tmp_path: Path) -> None:
    before = int(scalar(templates["empty"], "SELECT count(*) FROM case_record"))  # type: ignore[arg-type]

    def check(path: Path, how: str) -> str:
        assert_intact(path)
        cases = scalar(path, "SELECT count(*) FROM case_record")
        audited = scalar(path, "SELECT count(*) FROM audit_entry WHERE action = 'import'")
        people = scalar(path, "SELECT count(*) FROM person")
        assert (cases, audited) in ((before, 0), (before + IMPORT_SIZE, IMPORT_SIZE)), (cases, audited)
        assert people == 2 * (cases - before) + int(  # type: ignore[operator]
            scalar(templates["empty"], "SELECT count(*) FROM person")  # type: ignore[arg-type]
        )
        return "after" if cases == before + IMPORT_SIZE else "before"

    result = campaign("import", templates["empty"], tmp_path, check)
    assert sum(result.outcomes.values()) == RUNS


def test_kill_during_a_migration_leaves_the_old_revision_or_head(
    templates: dict[str, Path], tmp_path: Path
) -> None:
    head = head_revision()
    cases = int(scalar(templates["old"], "SELECT count(*) FROM case_record"))  # type: ignore[arg-type]
    assert cases == DEMO_SIZE

    def check(path: Path, how: str) -> str:
        assert_intact(path, search_index=False)  # see test_migrating_cases_indexes_them_for_search
        revision = scalar(path, "SELECT version_num FROM alembic_version")
        assert revision in ("0001", head)
        assert scalar(path, "SELECT count(*) FROM case_record") == cases
        has_fts = bool(query(path, "SELECT name FROM sqlite_master WHERE name = 'case_fts'"))
        assert has_fts == (revision != "0001"), "the schema does not match the recorded revision"
        for backup in (path.parent / "backups").glob("*.sqlite3"):
            # a finished backup is whole; a killed one is only ever a *.part file
            assert scalar(backup, "PRAGMA integrity_check") == "ok"
            assert scalar(backup, "SELECT count(*) FROM case_record") == cases
        assert_desk_opens(path, cases)  # migrates a database left at 0001
        assert scalar(path, "SELECT version_num FROM alembic_version") == head
        return "after" if revision == head else "before"

    campaign("migration", templates["old"], tmp_path, check)


def whole_or_absent(out: Path, sheet: str, expected_rows: list[int]) -> str:
    """Check an export target is absent, or a complete workbook with as many rows as the finished one."""
    from openpyxl import load_workbook

    if not out.exists():
        return "before"
    workbook = load_workbook(out, read_only=True)
    try:
        rows = sum(1 for _ in workbook[sheet].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not expected_rows:
        expected_rows.append(rows)
    assert rows == expected_rows[0], f"the spreadsheet has {rows} rows, not {expected_rows[0]}"
    return "after"


def test_kill_during_a_case_export_leaves_a_whole_file_or_none(
    templates: dict[str, Path], tmp_path: Path
) -> None:
    pytest.importorskip("send_desk.services.spreadsheets", reason="the case export is not written yet")
    source = tmp_path / "export-source.sqlite3"
    shutil.copy(templates["empty"], source)
    desk = open_desk(str(source), clock=lambda: worker.NOW, login=worker.LOGIN)
    for _ in DemoService(desk.ctx).generate(EXPORT_SIZE, seed=3):
        pass
    desk.close()
    checkpoint(source)
    expected_rows: list[int] = []

    def check(path: Path, how: str) -> str:
        assert_intact(path)
        return whole_or_absent(path.parent / "cases.xlsx", "Cases", expected_rows)

    campaign("export", source, tmp_path / "runs", check, lambda database: str(database.parent / "cases.xlsx"))
    assert expected_rows[0] == EXPORT_SIZE + 1  # a header row and one row per case


TEMP_RUNS = 10


def test_kill_during_an_export_leaves_no_personal_data_behind_after_the_next_start(
    templates: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TMPDIR points at a folder of the test's: after a kill and the next start it is empty, and the
    target's folder holds the database and a whole export or nothing (no .part, no openpyxl sheet file)."""
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))
    monkeypatch.setenv("SEND_DESK_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "temp-source.sqlite3"
    shutil.copy(templates["empty"], source)
    desk = open_desk(str(source), clock=lambda: worker.NOW, login=worker.LOGIN)
    for _ in DemoService(desk.ctx).generate(EXPORT_SIZE, seed=5):
        pass
    desk.close()
    checkpoint(source)
    names = [
        str(row[0])
        for row in query(source, "SELECT name FROM person WHERE role = 'contact' AND name != '' LIMIT 5")
    ]
    assert len(names) == 5
    expected_rows: list[int] = []
    scratch = tmp_path / "cache" / "scratch"

    def personal(folder: Path) -> list[str]:
        """Return the files under `folder` holding one of the names (openpyxl writes plain XML)."""
        found = []
        for path in folder.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                if any(name.encode() in data for name in names):
                    found.append(str(path))
        return found

    def check(path: Path, how: str) -> str:
        assert_intact(path)
        open_desk(str(path), clock=lambda: worker.NOW, login=worker.LOGIN).close()  # the next start
        assert sorted(p.name for p in system_temp.iterdir()) == []
        beside = sorted(p.name for p in path.parent.iterdir() if not p.name.startswith("desk.sqlite3"))
        assert beside in ([], ["cases.xlsx"], ["backups"], ["backups", "cases.xlsx"]), beside
        leftovers = [p for p in scratch.glob("p*") if p.is_dir() and not _running(int(p.name[1:]))]
        assert leftovers == [], "a killed export's private folder was not cleaned"
        assert personal(system_temp) == []
        return whole_or_absent(path.parent / "cases.xlsx", "Cases", expected_rows)

    def _running(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True

    result = campaign(
        "export",
        source,
        tmp_path / "runs",
        check,
        lambda database: str(database.parent / "cases.xlsx"),
        runs=TEMP_RUNS,
    )
    assert sum(result.outcomes.values()) == TEMP_RUNS
    assert expected_rows[0] == EXPORT_SIZE + 1


def test_kill_during_an_audit_export_leaves_a_whole_file_or_none(
    templates: dict[str, Path], tmp_path: Path
) -> None:
    source = tmp_path / "audit-source.sqlite3"
    shutil.copy(templates["empty"], source)
    desk = open_desk(str(source), clock=lambda: worker.NOW, login=worker.LOGIN)
    for _written in desk.cases.log_bulk(worker.import_inputs(IMPORT_SIZE)):
        pass
    desk.close()
    checkpoint(source)
    expected_rows: list[int] = []

    def check(path: Path, how: str) -> str:
        assert_intact(path)
        return whole_or_absent(path.parent / "audit.xlsx", "Audit trail", expected_rows)

    campaign(
        "audit-export", source, tmp_path / "runs", check, lambda database: str(database.parent / "audit.xlsx")
    )


def test_kill_during_a_retention_run_anonymises_all_or_none(
    templates: dict[str, Path], tmp_path: Path
) -> None:
    due = int(
        scalar(  # type: ignore[arg-type]
            templates["demo"],
            "SELECT count(*) FROM case_record WHERE status = 'closed' AND closed_on < "
            f"'{worker.RETENTION_CUTOFF.isoformat()}' AND NOT anonymised",
        )
    )
    assert due > 1000

    def check(path: Path, how: str) -> str:
        assert_intact(path)
        anonymised = scalar(path, "SELECT count(*) FROM case_record WHERE anonymised")
        runs = scalar(path, "SELECT count(*) FROM audit_entry WHERE action = 'retention-anonymise'")
        assert (anonymised, runs) in ((0, 0), (due, 1)), (anonymised, runs)
        leftover = scalar(
            path,
            "SELECT count(*) FROM person JOIN case_record ON case_record.id = person.case_id "
            "WHERE case_record.anonymised AND person.name != ''",
        )
        assert leftover == 0, "an anonymised case still names a person"
        named = scalar(
            path,
            "SELECT count(*) FROM person JOIN case_record ON case_record.id = person.case_id "
            "WHERE NOT case_record.anonymised AND person.name = ''",
        )
        assert named == 0, "a case not anonymised lost its names"
        return "after" if anonymised == due else "before"

    campaign("retention", templates["demo"], tmp_path, check)


def test_migrating_cases_indexes_them_for_search(templates: dict[str, Path], tmp_path: Path) -> None:
    database = fresh_copy(templates["old"], tmp_path / "migrated")
    assert_desk_opens(database, DEMO_SIZE)

    assert_intact(database)
