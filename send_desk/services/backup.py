"""Backups of the SQLite database: online copies, a daily backup kept N days, and a checked restore.

A backup is taken with SQLite's online backup API, so the desk (and other connections) can keep
writing while it runs and the copy is still consistent. A restore checks the file first (SQLite's
integrity check, and that it is a SEND Desk database at a migration this version knows), keeps a
safety copy of the current database, then copies the backup in and brings it up to the newest schema.
A team database on PostgreSQL is backed up on the server with pg_dump instead.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.engine import URL

from send_desk.db.engine import BUSY_TIMEOUT_MS, make_engine
from send_desk.db.location import sqlite_path
from send_desk.db.migrate import alembic_config, current_revision, online_backup, upgrade
from send_desk.domain.errors import SendDeskError

DEFAULT_KEEP = 14
"""How many daily backups are kept unless a setting says otherwise."""
BACKUP_FOLDER = "backups"
REQUIRED_TABLES = frozenset({"alembic_version", "case_record", "audit_entry", "staff", "change_counter"})
POSTGRES_MESSAGE = (
    "This desk uses a PostgreSQL team database, which is backed up on the database server with "
    "pg_dump and restored with pg_restore (see 'Backups' in the README). Ask whoever runs the server."
)
UK = ZoneInfo("Europe/London")


class BackupError(SendDeskError):
    """Raise when a backup cannot be made or a file cannot be restored."""


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did: the file restored, the safety copy of the old database, the revisions."""

    restored_from: Path
    database: Path
    safety_copy: Path | None
    backup_revision: str
    revision: str
    reanonymised: tuple[str, ...] = ()
    """Cases anonymised after the backup was made, anonymised again in the restored database."""


def anonymised_references(database: Path) -> list[str]:
    """Return the references of the cases anonymised in a SQLite database file (none if it cannot be read).

    Read before a restore replaces the file, so that cases anonymised since the backup was made can be
    anonymised again: restoring a backup must not bring back personal data a retention run removed.
    """
    if not database.is_file() or database.stat().st_size == 0:
        return []
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            return [row[0] for row in conn.execute("SELECT reference FROM case_record WHERE anonymised")]
        finally:
            conn.close()
    except sqlite3.Error:
        return []  # a damaged or foreign file: nothing can be learnt from it


def known_revisions() -> set[str]:
    """Return every migration revision this version of SEND Desk knows."""
    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}


class BackupService:
    """Back up and restore the SQLite database at a URL (refusing, with advice, on PostgreSQL)."""

    def __init__(
        self,
        url: URL,
        *,
        backup_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        engine: Engine | None = None,
    ) -> None:
        """Serve the database at `url`; backups go to `backup_dir` (default: backups/ beside it)."""
        self.url = url
        self.path = sqlite_path(url)
        self.backup_dir = backup_dir or (self.path.parent / BACKUP_FOLDER if self.path else None)
        self._clock = clock
        self._engine = engine

    @property
    def supported(self) -> bool:
        """Tell whether this database is a SQLite file the desk backs up itself."""
        return self.path is not None

    # ----- backing up ---------------------------------------------------------------------------
    def backup(self, out: Path | None = None) -> Path:
        """Copy the live database to `out` (default: a time-stamped file in the backups folder)."""
        source = self._require_file()
        if out is None:
            out = self._folder() / f"{source.stem}-{self._now():%Y%m%d-%H%M%S}.sqlite3"
        out = out.expanduser()
        if out.is_dir():
            out = out / f"{source.stem}-{self._now():%Y%m%d-%H%M%S}.sqlite3"
        if out.resolve() == source.resolve():
            raise BackupError("A backup cannot overwrite the database itself. Choose another file name.")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            online_backup(source, out)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"The backup to {out} could not be written: {exc}.") from exc
        return out

    def backup_if_due(self, now: datetime | None = None, keep: int = DEFAULT_KEEP) -> Path | None:
        """Make today's daily backup unless it exists, keep the newest `keep`; return the new file."""
        if self.path is None or not self.path.exists():
            return None
        moment = now or self._now()
        day = moment.astimezone(UK).date() if moment.tzinfo else moment.date()
        folder = self._folder()
        target = folder / f"{self.path.stem}-daily-{day:%Y-%m-%d}.sqlite3"
        made: Path | None = None
        if not target.exists():
            made = self.backup(target)
        self._prune(keep)
        return made

    def daily_backups(self) -> list[Path]:
        """Return the daily backups, oldest first."""
        if self.path is None or self.backup_dir is None or not self.backup_dir.exists():
            return []
        return sorted(self.backup_dir.glob(f"{self.path.stem}-daily-????-??-??.sqlite3"))

    def _prune(self, keep: int) -> None:
        backups = self.daily_backups()
        for old in backups[: max(0, len(backups) - max(1, keep))]:
            old.unlink(missing_ok=True)

    # ----- restoring ----------------------------------------------------------------------------
    def verify(self, candidate: Path) -> str:
        """Check a file is a sound SEND Desk database this version can open; return its revision."""
        if not candidate.is_file():
            raise BackupError(f"There is no backup file at {candidate}.")
        name = candidate.name
        if candidate.stat().st_size == 0:
            raise BackupError(f"{name} is empty, so it is not a SEND Desk backup. Nothing was changed.")
        try:
            conn = sqlite3.connect(f"{candidate.resolve().as_uri()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise BackupError(f"{name} cannot be opened as a database ({exc}). Nothing was changed.") from exc
        try:
            try:
                problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
                tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            except sqlite3.Error as exc:
                raise BackupError(
                    f"{name} is damaged or is not a SEND Desk backup ({exc}). Nothing was changed; "
                    "choose another backup."
                ) from exc
            if problems != ["ok"]:
                raise BackupError(
                    f"{name} is damaged (the integrity check found: {'; '.join(problems)[:300]}). "
                    "Nothing was changed; choose another backup."
                )
            missing = REQUIRED_TABLES - tables
            if missing:
                raise BackupError(
                    f"{name} is a database but not a SEND Desk backup (it has no "
                    f"{', '.join(sorted(missing))} table). Nothing was changed."
                )
            revisions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
        finally:
            conn.close()
        if len(revisions) != 1 or revisions[0] not in known_revisions():
            shown = ", ".join(revisions) or "none"
            raise BackupError(
                f"{name} was made by a different version of SEND Desk (schema {shown}), which this "
                "version cannot restore. Nothing was changed; update SEND Desk or choose another backup."
            )
        return str(revisions[0])

    def restore(self, source: Path) -> RestoreResult:
        """Replace the database with a checked backup, keeping a safety copy of the current one."""
        target = self._require_path()
        source = source.expanduser()
        if source.exists() and target.exists() and source.resolve() == target.resolve():
            raise BackupError("That file is the database itself; choose a backup file.")
        # check a private copy, so the file cannot change between the check and the restore
        staging_dir = self._folder()
        staging = staging_dir / f".restore-{self._now():%Y%m%d-%H%M%S%f}.sqlite3"
        try:
            if not source.is_file():
                raise BackupError(f"There is no backup file at {source}.")
            shutil.copyfile(source, staging)
            backup_revision = self.verify(staging)
        except BackupError as exc:
            staging.unlink(missing_ok=True)
            raise BackupError(str(exc).replace(staging.name, source.name)) from exc.__cause__
        anonymised = anonymised_references(target)
        try:
            safety: Path | None = None
            if target.exists() and target.stat().st_size > 0:
                safety = staging_dir / f"{target.stem}-before-restore-{self._now():%Y%m%d-%H%M%S}.sqlite3"
                try:
                    online_backup(target, safety)
                except sqlite3.Error:
                    # a damaged database cannot be read page by page; keep its bytes as they are
                    shutil.copyfile(target, safety)
            if self._engine is not None:
                self._engine.dispose()
            self._copy_into(staging, target)
        finally:
            staging.unlink(missing_ok=True)
        engine = make_engine(self.url)
        try:
            upgrade(engine, backup_dir=staging_dir)
            revision = current_revision(engine) or backup_revision
            reanonymised = self._reanonymise(engine, anonymised)
        finally:
            engine.dispose()
        return RestoreResult(source, target, safety, backup_revision, revision, reanonymised)

    def _reanonymise(self, engine: Engine, references: list[str]) -> tuple[str, ...]:
        """Carry out again, in the restored database, the anonymising done since the backup was made."""
        if not references:
            return ()
        from send_desk.db.session import Database
        from send_desk.services.context import ServiceContext, current_login
        from send_desk.services.retention import RetentionService

        ctx = ServiceContext(db=Database(engine), clock=self._now, login=current_login())
        return RetentionService(ctx).reapply(references)

    def _copy_into(self, staging: Path, target: Path) -> None:
        """Copy the checked file over the live database with the backup API (safe with open readers)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        src = sqlite3.connect(str(staging))
        try:
            try:
                dst = sqlite3.connect(str(target), timeout=BUSY_TIMEOUT_MS / 1000)
            except sqlite3.Error:
                dst = None
            if dst is None:
                raise BackupError(f"The database at {target} cannot be opened to restore into.")
            try:
                try:
                    src.backup(dst)
                except sqlite3.DatabaseError:
                    # the current file is too damaged to write into page by page: replace the file
                    dst.close()
                    for suffix in ("-wal", "-shm"):
                        target.with_name(target.name + suffix).unlink(missing_ok=True)
                    shutil.copyfile(staging, target)
            finally:
                dst.close()
        except sqlite3.Error as exc:
            raise BackupError(f"The backup could not be restored: {exc}. The safety copy is kept.") from exc
        finally:
            src.close()

    # ----- helpers -------------------------------------------------------------------------------
    def _require_path(self) -> Path:
        if self.path is None:
            if self.url.get_backend_name() == "postgresql":
                raise BackupError(POSTGRES_MESSAGE)
            raise BackupError("This database is not a SQLite file, so SEND Desk cannot back it up itself.")
        return self.path

    def _require_file(self) -> Path:
        path = self._require_path()
        if not path.is_file():
            raise BackupError(f"There is no database at {path} to back up.")
        return path

    def _folder(self) -> Path:
        folder = self.backup_dir
        assert folder is not None
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _now(self) -> datetime:
        if self._clock is not None:
            return self._clock()
        from send_desk.services.context import system_clock

        return system_clock()
