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
