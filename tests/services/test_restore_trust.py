"""Restore trusts nothing: admins only, signed backups, and the schema the migrations make."""

from __future__ import annotations

import json
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.domain.errors import PermissionDeniedError
from send_desk.services.backup import BackupError, BackupService
from send_desk.services.backup_key import KeyStore, signature_path
from tests.conftest import FakeClock, complaint_input

pytestmark = pytest.mark.sqlite_only  # restore is for a SQLite file; PostgreSQL uses pg_restore


def service_for(
    desk: Desk, clock: FakeClock, login: str = "sam.patel", keys: KeyStore | None = None
) -> BackupService:
    return BackupService(desk.url, clock=clock, engine=desk.ctx.db.engine, login=login, keys=keys)


def sql(path: Path, statement: str) -> None:
    """Change a file behind SEND Desk's back, as someone with the sqlite3 shell would."""
    conn = sqlite3.connect(str(path))
    try:
        conn.executescript(statement)
        conn.commit()
    finally:
        conn.close()


def audit_actions(desk: Desk) -> list[tuple[str, str, dict[str, object]]]:
    with desk.ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.login, AuditEntry.action, AuditEntry.changes).order_by(AuditEntry.id)
        )
        return [(login, action, json.loads(changes).get("details", {})) for login, action, changes in rows]


def descriptions(desk: Desk) -> list[str]:
    return [desk.cases.get_by_reference(ref).description for ref in references(desk)]


def references(desk: Desk) -> list[str]:
    from send_desk.values.cases import CaseFilter

    return [row.reference for row in desk.register.list_cases(CaseFilter(status="all"), sort="reference")]


@pytest.fixture
def signed_backup(desk: Desk, clock: FakeClock) -> Path:
    """Return a signed backup of a desk with one case whose description promises 10 hours."""
    desk.cases.log_case(complaint_input(description="Agreed 10 hours of support a week"))
    return service_for(desk, clock).backup()


def test_a_signed_backup_restores_and_the_audit_says_who(
    desk: Desk, clock: FakeClock, signed_backup: Path
) -> None:
    kept = references(desk)
    desk.cases.log_case(complaint_input(summary="After the backup"))
    service = service_for(desk, clock)
    key_id = service.keys.signing_key().key_id

    result = service.restore(signed_backup)

    assert result.signed_with == key_id
    assert references(desk) == kept
    login, action, details = audit_actions(desk)[-1]
    assert (login, action) == ("sam.patel", "backup-restore")
    assert details["signature"] == f"checked (key {key_id})"
    assert details["file"] == str(signed_backup)


def test_an_edited_row_is_refused(desk: Desk, clock: FakeClock, signed_backup: Path) -> None:
    sql(signed_backup, "UPDATE case_record SET description = replace(description, '10 hours', '40 hours')")
    before = descriptions(desk)

    with pytest.raises(BackupError) as refused:
        service_for(desk, clock).restore(signed_backup)

    assert str(refused.value) == (
        f"{signed_backup.name} has been changed since it was made: its content no longer matches its "
        "signature. Nothing was changed; do not use this file, choose another backup."
    )
    assert descriptions(desk) == before == ["Agreed 10 hours of support a week"]
    login, action, details = audit_actions(desk)[-1]
    assert (login, action) == ("sam.patel", "backup-restore-refused")
    assert details["reason"] == str(refused.value)


ADDED_TRIGGER = """
CREATE TRIGGER make_everyone_admin AFTER INSERT ON case_record BEGIN
  UPDATE staff SET role = 'admin';
  DELETE FROM audit_entry WHERE id = (SELECT max(id) FROM audit_entry);
END;
"""


@pytest.mark.parametrize(
    ("change", "found"),
    [
        (ADDED_TRIGGER, "an extra trigger make_everyone_admin"),
        ("DROP TRIGGER audit_entry_no_update;", "no trigger audit_entry_no_update"),
    ],
    ids=["added trigger", "dropped trigger"],
)
@pytest.mark.parametrize("signature", ["signed again with the key", "unsigned"])
def test_a_backup_with_a_changed_schema_is_refused(
    desk: Desk, clock: FakeClock, signed_backup: Path, change: str, found: str, signature: str
) -> None:
    """Even signed by someone holding the key (or restored with --unsigned), the structure must match."""
    service = service_for(desk, clock)
    sql(signed_backup, change)
    if signature == "unsigned":
        signature_path(signed_backup).unlink()
    else:
        service.sign(signed_backup)
    staff_before = [(m.login, m.role) for m in desk.staff.list_staff()]

    with pytest.raises(BackupError) as refused:
        service.restore(signed_backup, unsigned=signature == "unsigned")

    assert str(refused.value) == (
        f"{signed_backup.name} does not have the structure SEND Desk makes ({found}), so it may hide code "
        "that would run in the desk. Nothing was changed; choose another backup."
    )
    desk.cases.log_case(complaint_input(summary="Logged after the refused restore"))
    assert [(m.login, m.role) for m in desk.staff.list_staff()] == staff_before
    assert audit_actions(desk)[-1][1] == "log"
    assert audit_actions(desk)[-2][1] == "backup-restore-refused"


def test_the_same_trigger_via_a_tampered_signed_backup_is_refused_by_its_signature(
    desk: Desk, clock: FakeClock, signed_backup: Path
) -> None:
    sql(signed_backup, ADDED_TRIGGER)
    with pytest.raises(BackupError, match="has been changed since it was made"):
        service_for(desk, clock).restore(signed_backup)


def test_an_officer_is_refused_and_the_refusal_audited(
    desk: Desk, clock: FakeClock, signed_backup: Path
) -> None:
    desk.cases.log_case(complaint_input(summary="After the backup"))
    kept = references(desk)

    with pytest.raises(PermissionDeniedError) as refused:
        service_for(desk, clock, login="alex.jones").restore(signed_backup)

    assert (
        str(refused.value)
        == "Only an admin can restore a backup. Ask your SEND Desk admin. Nothing was changed."
    )
    assert references(desk) == kept
    login, action, details = audit_actions(desk)[-1]
    assert (login, action) == ("alex.jones", "backup-restore-refused")
    assert details == {"file": str(signed_backup), "reason": str(refused.value)}


def test_someone_the_desk_does_not_know_is_refused(desk: Desk, clock: FakeClock, signed_backup: Path) -> None:
    with pytest.raises(PermissionDeniedError, match="Only an admin can restore a backup"):
        service_for(desk, clock, login="mallory").restore(signed_backup)


def test_an_unsigned_backup_needs_unsigned_and_is_audited(
    desk: Desk, clock: FakeClock, signed_backup: Path
) -> None:
    signature_path(signed_backup).unlink()  # as a backup made before backups were signed
    service = service_for(desk, clock)
    with pytest.raises(BackupError) as refused:
        service.restore(signed_backup)
    assert str(refused.value).startswith(
        f"{signed_backup.name} is not signed (there is no {signed_backup.name}.sig beside it)"
    )
    assert "--unsigned" in str(refused.value)

    result = service.restore(signed_backup, unsigned=True)

    assert result.signed_with is None
    login, action, details = audit_actions(desk)[-1]
    assert (login, action) == ("sam.patel", "backup-restore-unsigned")
    assert details["signature"] == "none: restored with --unsigned"


def test_a_backup_from_another_pc_needs_its_key(
    desk: Desk, clock: FakeClock, signed_backup: Path, tmp_path: Path
) -> None:
    """Another PC (its own key file) refuses the backup until an admin imports the first PC's key."""
    other_pc = KeyStore(tmp_path / "other pc config", use_keyring=False)
    here = service_for(desk, clock).keys
    with pytest.raises(BackupError) as refused:
        service_for(desk, clock, keys=other_pc).restore(signed_backup)
    key_id = here.signing_key().key_id
    assert str(refused.value) == (
        f"{signed_backup.name} was signed on another PC, with a key this PC does not hold (key {key_id}). "
        "Nothing was changed. On that PC an admin can run 'send-desk backup export-key --out FILE'; import "
        "the file here with 'send-desk backup import-key FILE', then restore again."
    )

    exported = service_for(desk, clock, keys=here).export_key(tmp_path / "desk.key")
    assert stat.S_IMODE((tmp_path / "desk.key").stat().st_mode) == 0o600
    imported = service_for(desk, clock, keys=other_pc).import_key(tmp_path / "desk.key")
    assert exported.key_id == imported.key_id == key_id
    assert other_pc.signing_key().key_id != key_id  # the other PC still signs with its own key

    assert service_for(desk, clock, keys=other_pc).restore(signed_backup).signed_with == key_id
    actions = [action for _login, action, _details in audit_actions(desk)]
    assert actions[-1] == "backup-restore"
    # the export and import were audited before the restore replaced the database; the backup predates them


def test_only_an_admin_exports_or_imports_the_key(desk: Desk, clock: FakeClock, tmp_path: Path) -> None:
    keys = KeyStore(tmp_path / "config", use_keyring=False)
    with pytest.raises(
        PermissionDeniedError, match="Only an admin can export or import the backup signing key"
    ):
        service_for(desk, clock, login="alex.jones", keys=keys).export_key(tmp_path / "desk.key")
    assert not (tmp_path / "desk.key").exists()
    service_for(desk, clock, keys=keys).export_key(tmp_path / "desk.key")
    found = audit_actions(desk)[-2:]
    assert [(login, action) for login, action, _ in found] == [
        ("alex.jones", "backup-key-export-refused"),
        ("sam.patel", "backup-key-export"),
    ]


def test_the_key_file_is_private_and_not_beside_the_backups(
    desk: Desk, clock: FakeClock, signed_backup: Path, tmp_path: Path
) -> None:
    store = service_for(desk, clock).keys
    assert (
        store.where()
        == f"the file {tmp_path / 'config' / 'keys' / 'backup-signing-keys.json'}, readable only by you"
    )
    assert stat.S_IMODE(store.file.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.folder.stat().st_mode) == 0o700
    assert store.folder != signed_backup.parent
    assert not any(p.name.endswith(".json") for p in signed_backup.parent.iterdir())


def test_the_daily_backup_is_signed(desk: Desk, clock: FakeClock) -> None:
    made = service_for(desk, clock).backup_if_due()
    assert made is not None
    body = json.loads(signature_path(made).read_text())
    assert body["key_id"] == service_for(desk, clock).keys.signing_key().key_id
    assert body["algorithm"] == "HMAC-SHA256"


def test_a_restore_never_overwrites_another_programs_database(signed_backup: Path, tmp_path: Path) -> None:
    from send_desk.db.location import sqlite_url
    from send_desk.db.migrate import NotSendDeskDatabaseError

    other = tmp_path / "otherapp.sqlite3"
    sql(
        other,
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'A');",
    )
    before = other.read_bytes()
    with pytest.raises(NotSendDeskDatabaseError, match="is another program's database"):
        BackupService(sqlite_url(other), login="sam.patel").restore(signed_backup)
    assert other.read_bytes() == before
