"""Migrations: head matches the models, start-up migrates and backs up, the audit table is append-only."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from send_desk.bootstrap import Desk
from send_desk.db.engine import make_engine
from send_desk.db.migrate import alembic_config, current_revision, head_revision, upgrade
from send_desk.db.models import Base
from send_desk.values.cases import CaseFilter, PersonInput
from tests.conftest import complaint_input


def test_upgrade_head_matches_the_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    assert upgrade(engine) is None  # a new file needs no backup
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    fts_tables = {"case_fts", "case_fts_data", "case_fts_idx", "case_fts_docsize", "case_fts_config"}
    diff = [d for d in diff if not (d[0] == "remove_table" and d[1].name in fts_tables)]
    assert diff == []


@pytest.mark.sqlite_only
def test_sqlite_settings(desk: Desk) -> None:
    with desk.ctx.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_older_database_is_backed_up_before_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    from alembic import command

    from send_desk.db.migrate import alembic_config

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    backup = upgrade(engine, backup_dir=tmp_path / "backups")
    assert backup is not None
    assert backup.exists()
    with sqlite3.connect(backup) as copy:
        assert copy.execute("select version_num from alembic_version").fetchone() == ("0001",)
    assert current_revision(engine) == head_revision()


def test_audit_entries_cannot_be_changed_or_deleted(desk: Desk, complaint: object) -> None:
    for statement in ("UPDATE audit_entry SET login = 'someone'", "DELETE FROM audit_entry"):
        with (
            pytest.raises(DatabaseError, match="audit entries cannot be"),
            desk.ctx.db.engine.begin() as conn,
        ):
            conn.execute(text(statement))
    with desk.ctx.db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entry WHERE login = 'sam.patel'")).scalar() >= 1


def test_head_from_the_migration_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    from send_desk.db.migrate import VERSIONS, alembic_config, head_from_files

    assert head_from_files(VERSIONS) == ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_head_from_files_defers_to_alembic_on_a_branch(tmp_path: Path) -> None:
    from send_desk.db.migrate import head_from_files

    (tmp_path / "0001_a.py").write_text('revision = "0001"\ndown_revision = None\n')
    (tmp_path / "0002_b.py").write_text('revision = "0002"\ndown_revision = "0001"\n')
    assert head_from_files(tmp_path) == "0002"
    (tmp_path / "0003_c.py").write_text('revision = "0003"\ndown_revision = "0001"\n')
    assert head_from_files(tmp_path) is None  # two heads
    (tmp_path / "0003_c.py").write_text('revision = "0003"\ndown_revision = ("0001", "0002")\n')
    assert head_from_files(tmp_path) is None  # a merge: only Alembic reads that


def test_opening_a_migrated_database_does_not_import_alembic(tmp_path: Path) -> None:
    import subprocess
    import sys

    path = tmp_path / "ready.sqlite3"
    upgrade(make_engine(f"sqlite:///{path}"))
    script = (
        "import sys\n"
        "from send_desk.bootstrap import open_desk\n"
        f"open_desk({str(path)!r}, login='sam.patel').close()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'alembic'))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_an_empty_database_has_no_revision(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert current_revision(engine) is None


def test_0007_folds_the_accents_out_of_older_search_texts(desk: Desk, tmp_path: Path) -> None:
    accented = desk.cases.log_case(
        complaint_input(contact=PersonInput(name="Siân Müller"), summary="Zoë's transport")
    )
    plain = desk.cases.log_case(complaint_input(contact=PersonInput(name="Ann Lee"), summary="Transport"))
    engine = desk.ctx.db.engine
    with engine.begin() as conn:  # back to 0007 first: later migrations add columns 0008 would add again
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    with engine.begin() as conn:  # as a version before 0007 left them
        conn.execute(
            text("UPDATE case_record SET search_text = :t WHERE id = :i"),
            {"t": f"{accented.reference} Zoë's transport Siân Müller", "i": accented.id},
        )
        conn.execute(text("UPDATE alembic_version SET version_num = '0006'"))
        plain_before = conn.execute(
            text("SELECT search_text FROM case_record WHERE id = :i"), {"i": plain.id}
        ).scalar_one()
    on_sqlite = desk.url.get_backend_name() == "sqlite"
    assert desk.register.ids(CaseFilter(text="sian")) == ([accented.id] if on_sqlite else [])

    upgrade(engine, backup_dir=tmp_path / "backups")

    with engine.connect() as conn:
        texts = dict(conn.execute(text("SELECT id, search_text FROM case_record")).all())
    assert texts[accented.id] == f"{accented.reference} Zoe's transport Sian Muller"
    assert texts[plain.id] == plain_before
    assert desk.register.ids(CaseFilter(text="sian")) == [accented.id]
    assert desk.register.ids(CaseFilter(text="siân müller")) == [accented.id]
    assert current_revision(engine) == head_revision()


def test_0008_fills_the_lifecycle_columns_of_existing_rows(desk: Desk, tmp_path: Path) -> None:
    case = desk.cases.log_case(complaint_input())  # received Fri 20/11/2026, acknowledge by 27/11/2026
    engine = desk.ctx.db.engine
    with engine.begin() as conn:
        config = alembic_config()
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    upgrade(engine, backup_dir=tmp_path / "backups")
    with engine.connect() as conn:
        rules = dict(conn.execute(text("SELECT kind, clarification_rule FROM target_policy")).all())
        soon, handlers = conn.execute(
            text(
                "SELECT c.due_soon_from, s.handlers FROM case_record c JOIN case_stage s ON s.case_id = c.id "
                "WHERE c.id = :i"
            ),
            {"i": case.id},
        ).one()
    assert (rules["sar"], rules["foi"], rules["complaint"]) == ("resume", "restart", "restart")
    assert str(soon) == "2026-11-25"  # two weekdays before 27/11/2026
    assert handlers == "alex.jones"
