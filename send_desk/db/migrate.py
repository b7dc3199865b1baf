"""Bring a database to the newest schema at start-up, backing up a SQLite file first.

Alembic is imported only when a migration has to run: the usual start-up reads the database's revision
from `alembic_version` and the newest revision from the migration files' own headers.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from send_desk.db.location import sqlite_path
from send_desk.domain.errors import SendDeskError

if TYPE_CHECKING:
    from alembic.config import Config

VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
"""The migration scripts, shipped as plain files (build.spec copies them into the bundle)."""
VERSION_TABLE = "alembic_version"
_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]\s*$", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\s*=\s*(?:None|['\"]([^'\"]+)['\"])\s*$", re.MULTILINE)


def alembic_config() -> Config:
    """Return the Alembic configuration that points at the packaged migrations."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "send_desk.db:migrations")
    return config


def head_revision() -> str:
    """Return the newest migration's revision id."""
    return _head_revision()


@lru_cache(maxsize=1)
def _head_revision() -> str:
    head = head_from_files(VERSIONS)
    if head is not None:
        return head
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert found is not None
    return found


def head_from_files(folder: Path) -> str | None:
    """Return the one revision no migration file revises, or None when the files need Alembic to read."""
    revisions: set[str] = set()
    revised: set[str] = set()
    try:
        scripts = sorted(folder.glob("*.py"))
        for script in scripts:
            source = script.read_text(encoding="utf-8")
            revision = _REVISION.findall(source)
            down = _DOWN_REVISION.findall(source)
            if len(revision) != 1 or len(down) != 1:
                return None  # not the plain linear form this reader understands (a merge, say)
            revisions.add(revision[0])
            if down[0]:
                revised.add(down[0])
    except OSError:
        return None
    heads = revisions - revised
    return heads.pop() if len(heads) == 1 and revised <= revisions else None


def known_revisions() -> frozenset[str]:
    """Return every migration revision this version of SEND Desk knows."""
    return _known_revisions()


@lru_cache(maxsize=1)
def _known_revisions() -> frozenset[str]:
    found: set[str] = set()
    try:
        for script in VERSIONS.glob("*.py"):
            found.update(_REVISION.findall(script.read_text(encoding="utf-8")))
    except OSError:
        found = set()
    if found:
        return frozenset(found)
    from alembic.script import ScriptDirectory

    return frozenset(r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions())


class NotSendDeskDatabaseError(SendDeskError):
    """Raise when a database holds another program's tables, so SEND Desk must not open it as its own."""


def foreign_database_problem(where: str, tables: set[str], revisions: list[str]) -> str | None:
    """Return why a database with these tables and alembic revisions is not a SEND Desk one (None if it is).

    An empty database is a new SEND Desk database; one with tables must carry exactly one revision that
    SEND Desk's own migrations made.
    """
    tables = {name for name in tables if not name.startswith("sqlite_")}
    if not tables:
        return None
    if VERSION_TABLE not in tables:
        shown = ", ".join(sorted(tables)[:3]) + (", …" if len(tables) > 3 else "")
        return (
            f"{where} is another program's database (it holds tables such as {shown}), not a SEND Desk "
            "database, so SEND Desk will not open it. Nothing was changed; choose a SEND Desk database or "
            "a new file name."
        )
    if len(revisions) == 1 and revisions[0] in known_revisions():
        return None
    shown = ", ".join(revisions) or "none"
    return (
        f"{where} was not made by this version of SEND Desk (its schema version is {shown}): it is another "
        "program's database or one from a newer SEND Desk. Nothing was changed; choose a SEND Desk "
        "database, or update SEND Desk."
    )


def check_sqlite_file(path: Path) -> None:
    """Refuse a SQLite file that holds another program's tables, reading it without writing a byte."""
    if not path.is_file() or path.stat().st_size == 0:
        return
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return  # the usual open reports what is wrong with the file
    try:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revisions: list[str] = []
        if VERSION_TABLE in tables:
            revisions = [str(row[0]) for row in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}")]
    except sqlite3.Error:
        return
    finally:
        conn.close()
    if revisions == [head_revision()]:
        return
    problem = foreign_database_problem(str(path), tables, revisions)
    if problem:
        raise NotSendDeskDatabaseError(problem)


def check_server_database(engine: Engine, where: str) -> None:
    """Refuse a server database whose schema holds another program's tables."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        revisions: list[str] = []
        if VERSION_TABLE in tables:
            revisions = [
                str(row[0]) for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))
            ]
    if revisions == [head_revision()]:
        return
    problem = foreign_database_problem(where, tables, revisions)
    if problem:
        raise NotSendDeskDatabaseError(problem)


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table(VERSION_TABLE):
            return None
        rows = [row[0] for row in conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}"))]
        if len(rows) <= 1:
            return rows[0] if rows else None
        from alembic.runtime.migration import MigrationContext

        return MigrationContext.configure(conn).get_current_revision()  # raises on several heads


def needs_upgrade(engine: Engine) -> bool:
    """Tell whether the database is behind the newest schema."""
    return current_revision(engine) != head_revision()


def upgrade(
    engine: Engine, backup_dir: Path | None = None, now: Callable[[], datetime] | None = None
) -> Path | None:
    """Migrate to head; for an existing SQLite file, copy it to backup_dir first and return the copy."""
    revision = current_revision(engine)
    if revision == head_revision():
        return None
    from alembic import command

    backup: Path | None = None
    path = sqlite_path(engine.url)
    if path is not None and path.exists() and revision is not None:
        stamp = (now or (lambda: datetime.now(UTC)))().strftime("%Y%m%d-%H%M%S")
        folder = backup_dir or path.parent / "backups"
        folder.mkdir(parents=True, exist_ok=True)
        backup = folder / f"{path.stem}-before-migration-{stamp}.sqlite3"
        online_backup(path, backup)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return backup


def online_backup(source: Path, target: Path) -> None:
    """Copy a live SQLite database consistently with SQLite's online backup API."""
    tmp = target.with_suffix(target.suffix + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(str(source), timeout=30)
    try:
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            # a self-contained file: no -wal/-shm companions needed to read the copy
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    finally:
        src.close()
    shutil.move(str(tmp), str(target))
