"""Backups: online copies while another connection writes, daily backups, and a checked restore."""

from __future__ import annotations

import sqlite3
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.location import sqlite_url
from send_desk.db.migrate import head_revision
from send_desk.services.backup import BackupError, BackupService
from send_desk.values.cases import CaseFilter
from tests.conftest import FakeClock, complaint_input


def service_for(desk: Desk, clock: FakeClock | None = None) -> BackupService:
    return BackupService(desk.url, clock=clock, engine=desk.ctx.db.engine, login=desk.ctx.login)


def references_in(path: Path) -> list[str]:
    conn = sqlite3.connect(str(path))
    try:
        return [row[0] for row in conn.execute("SELECT reference FROM case_record ORDER BY id")]
    finally:
        conn.close()


def all_references(desk: Desk) -> list[str]:
    return [row.reference for row in desk.register.list_cases(CaseFilter(status="all"), sort="reference")]


@pytest.mark.sqlite_only
def test_backup_while_another_connection_writes_then_restore_into_a_fresh_folder(
    desk: Desk, other_desk: Desk, tmp_path: Path, clock: FakeClock
) -> None:
    service = service_for(desk, clock)
    stop = threading.Event()
    written: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            number = 0
            while not stop.is_set() or number < 5:
                number += 1
                logged = other_desk.cases.log_case(complaint_input(summary=f"Written during backup {number}"))
                written.append(logged.reference)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    backups: list[Path] = []
    try:
        while len(written) < 3:
            thread.join(0.01)
            assert not errors
        for number in range(3):
            backups.append(service.backup(tmp_path / "out" / f"during-{number}.sqlite3"))
    finally:
        stop.set()
        thread.join(30)
    assert not errors
    assert not thread.is_alive()

    backup = backups[-1]
    in_backup = references_in(backup)
    assert in_backup, "the backup holds the cases written before it"
    # a consistent snapshot: a prefix of what the writer committed, each case whole
    assert in_backup == written[: len(in_backup)]
    conn = sqlite3.connect(str(backup))
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        logged = conn.execute("SELECT count(*) FROM audit_entry WHERE action = 'log'").fetchone()[0]
        stages = conn.execute("SELECT count(DISTINCT case_id) FROM case_stage").fetchone()[0]
    finally:
        conn.close()
    assert logged == stages == len(in_backup)
    assert not Path(str(backup) + "-wal").exists()

    fresh = tmp_path / "fresh folder" / "send-desk.sqlite3"
    result = BackupService(sqlite_url(fresh), login="sam.patel").restore(backup)
    assert result.safety_copy is None  # nothing was there to keep
    assert result.revision == head_revision()
    restored = open_desk(str(fresh), clock=clock, login="sam.patel")
    try:
        assert all_references(restored) == sorted(in_backup)
        first = restored.cases.get_by_reference(in_backup[0])
        assert first.contact is not None
        assert first.contact.name == "Jo Bloggs"
    finally:
        restored.close()


@pytest.mark.sqlite_only
def test_restore_replaces_the_database_and_keeps_a_safety_copy(
    desk: Desk, complaint: object, tmp_path: Path, clock: FakeClock
) -> None:
    service = service_for(desk, clock)
    kept = all_references(desk)
    backup = service.backup()
    assert backup.parent == desk_folder(desk) / "backups"
    later = desk.cases.log_case(complaint_input(summary="Logged after the backup"))
    clock.moment += timedelta(minutes=5)

    result = service.restore(backup)

    assert all_references(desk) == kept  # the open desk sees the restored database
    assert result.safety_copy is not None
    assert later.reference in references_in(result.safety_copy)
    assert "before-restore" in result.safety_copy.name
    # the desk keeps working on the restored database
    desk.cases.log_case(complaint_input(summary="After the restore"))
    assert len(all_references(desk)) == len(kept) + 1


@pytest.mark.sqlite_only
@pytest.mark.parametrize("damage", ["truncate", "overwrite", "text", "empty"])
def test_a_corrupted_backup_is_refused_with_a_clear_message(
    desk: Desk, complaint: object, tmp_path: Path, damage: str
) -> None:
    service = service_for(desk)
    backup = service.backup(tmp_path / "good.sqlite3")
    damaged = tmp_path / "damaged.sqlite3"
    data = backup.read_bytes()
    if damage == "truncate":
        damaged.write_bytes(data[: len(data) // 2])
    elif damage == "overwrite":
        damaged.write_bytes(data[:4096] + b"\xde\xad\xbe\xef" * 1024 + data[4096 + 4096 :])
        assert len(damaged.read_bytes()) == len(data)
    elif damage == "text":
        damaged.write_text("Reference,Kind\nSD-2026-00001,complaint\n")
    else:
        damaged.write_bytes(b"")
    before = all_references(desk)
    files_before = sorted(p.name for p in (desk_folder(desk) / "backups").glob("*"))

    with pytest.raises(BackupError) as caught:
        service.restore(damaged)

    message = str(caught.value)
    assert "damaged.sqlite3" in message
    assert "Nothing was changed" in message
    assert "\n" not in message
    assert all_references(desk) == before
    assert sorted(p.name for p in (desk_folder(desk) / "backups").glob("*")) == files_before


def desk_folder(desk: Desk) -> Path:
    assert desk.url.database is not None
    return Path(desk.url.database).parent


@pytest.mark.sqlite_only
def test_a_foreign_database_is_refused(desk: Desk, tmp_path: Path) -> None:
    foreign = tmp_path / "budget.sqlite3"
    conn = sqlite3.connect(str(foreign))
    conn.execute("CREATE TABLE budget (line TEXT, amount INTEGER)")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="not a SEND Desk backup"):
        service_for(desk).restore(foreign)


@pytest.mark.sqlite_only
def test_a_backup_from_an_unknown_schema_is_refused(desk: Desk, tmp_path: Path) -> None:
    backup = service_for(desk).backup(tmp_path / "future.sqlite3")
    conn = sqlite3.connect(str(backup))
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(BackupError, match="different version of SEND Desk"):
        service_for(desk).restore(backup)


@pytest.mark.sqlite_only
def test_a_missing_file_is_refused(desk: Desk, tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="There is no backup file"):
        service_for(desk).restore(tmp_path / "nowhere.sqlite3")


@pytest.mark.sqlite_only
def test_a_backup_cannot_overwrite_the_database(desk: Desk) -> None:
    assert desk.url.database is not None
    with pytest.raises(BackupError, match="cannot overwrite the database"):
        service_for(desk).backup(Path(desk.url.database))


@pytest.mark.sqlite_only
def test_daily_backup_once_a_day_keeping_the_last_n(desk: Desk) -> None:
    service = service_for(desk)
    start = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
    first = service.backup_if_due(start, keep=5)
    assert first is not None
    assert first.name.endswith("-daily-2026-11-01.sqlite3")
    assert service.backup_if_due(start + timedelta(hours=9), keep=5) is None  # same day
    for day in range(1, 10):
        assert service.backup_if_due(start + timedelta(days=day), keep=5) is not None
    names = [path.name for path in service.daily_backups()]
    assert len(names) == 5
    assert names[0].endswith("2026-11-06.sqlite3")
    assert names[-1].endswith("2026-11-10.sqlite3")
    # a manual backup is never pruned
    manual = service.backup()
    service.backup_if_due(start + timedelta(days=20), keep=5)
    assert manual.exists()
    assert len(service.daily_backups()) == 5


@pytest.mark.sqlite_only
def test_daily_backup_uses_the_uk_date(desk: Desk) -> None:
    service = service_for(desk)
    # 23:30 UTC on 30 June is already 1 July in London (BST)
    made = service.backup_if_due(datetime(2026, 6, 30, 23, 30, tzinfo=UTC))
    assert made is not None
    assert made.name.endswith(f"-daily-{date(2026, 7, 1):%Y-%m-%d}.sqlite3")


@pytest.mark.sqlite_only
def test_default_keep_is_fourteen(desk: Desk) -> None:
    service = service_for(desk)
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    for day in range(16):
        service.backup_if_due(start + timedelta(days=day))
    assert len(service.daily_backups()) == 14


@pytest.mark.parametrize("action", ["backup", "restore", "daily"])
def test_postgres_backup_and_restore_point_to_pg_dump(tmp_path: Path, action: str) -> None:
    service = BackupService(make_url("postgresql+psycopg://desk@db.example.org/send_desk"))
    assert not service.supported
    if action == "daily":
        assert service.backup_if_due(datetime(2026, 11, 27, tzinfo=UTC)) is None
        return
    run = service.backup if action == "backup" else lambda: service.restore(tmp_path / "x.sqlite3")
    with pytest.raises(BackupError, match="pg_dump") as caught:
        run()
    assert "pg_restore" in str(caught.value)
