"""Bring a database to the newest schema at start-up, backing up a SQLite file first."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from send_desk.db.location import sqlite_path


def alembic_config() -> Config:
    """Return the Alembic configuration that points at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", "send_desk.db:migrations")
    return config


def head_revision() -> str:
    """Return the newest migration's revision id."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def needs_upgrade(engine: Engine) -> bool:
    """Tell whether the database is behind the newest schema."""
    return current_revision(engine) != head_revision()


def upgrade(
    engine: Engine, backup_dir: Path | None = None, now: Callable[[], datetime] | None = None
) -> Path | None:
    """Migrate to head; for an existing SQLite file, copy it to backup_dir first and return the copy."""
    if not needs_upgrade(engine):
        return None
    backup: Path | None = None
    path = sqlite_path(engine.url)
    if path is not None and path.exists() and current_revision(engine) is not None:
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
