"""Backups of the SQLite database: online copies, a daily backup kept N days, and a checked restore.

A backup is taken with SQLite's online backup API, so the desk (and other connections) can keep
writing while it runs and the copy is still consistent, and is signed (HMAC-SHA256 under this PC's key,
see backup_key.py) in a `.sig` file beside it. A restore trusts nothing in the file: only an admin may
restore (refusals are audited); the file must pass SQLite's integrity check, be a SEND Desk database at
a migration this version knows, carry a signature that matches its bytes under a key this PC holds (an
unsigned, older backup only when the admin says --unsigned, which the audit records), and have exactly
the tables, indexes, triggers and views the migrations make for its revision. Then a safety copy of the
current database is kept, the backup is copied in and brought up to the newest schema.
A team database on PostgreSQL is backed up on the server with pg_dump instead.
"""

from __future__ import annotations

import hmac
import json
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from send_desk.db.engine import BUSY_TIMEOUT_MS, make_engine
from send_desk.db.location import sqlite_path, sqlite_url
from send_desk.db.migrate import (
    alembic_config,
    check_sqlite_file,
    current_revision,
    known_revisions,
    online_backup,
    upgrade,
)
from send_desk.db.session import Database
from send_desk.domain.errors import PermissionDeniedError, SendDeskError
from send_desk.paths import typed_path
from send_desk.services import audit
from send_desk.services.backup_key import (
    ALGORITHM,
    SIGNATURE_FORMAT,
    KeyStore,
    SigningKey,
    signature_path,
)
from send_desk.services.context import ServiceContext, current_login
from send_desk.services.identity import find_staff
from send_desk.services.permissions import Action, allows, refusal, require

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
    signed_with: str | None = None
    """The id of the key whose signature was checked, or None for an unsigned backup (--unsigned)."""


@dataclass(frozen=True)
class Member:
    """A member of staff as a database file records them: enough to decide who may restore."""

    login: str
    name: str
    role: str
    active: bool

    @property
    def may_restore(self) -> bool:
        """Tell whether this member of staff may restore a backup."""
        return self.active and allows(self.role, Action.RESTORE)


def member_in(database: Path, login: str) -> Member | None:
    """Return a login's staff record in a SQLite file; None if the file has no staff (a new desk, or none).

    Someone the file has never seen, in a file with staff, is an officer (as the desk would make them).
    """
    if not database.is_file() or database.stat().st_size == 0:
        return None
    try:
        conn = sqlite3.connect(
            f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            if not conn.execute("SELECT 1 FROM staff LIMIT 1").fetchone():
                return None
            row = conn.execute("SELECT name, role, active FROM staff WHERE login = ?", (login,)).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # a damaged or foreign file vouches for nobody
    if row is None:
        return Member(login, login, "officer", True)
    return Member(login, str(row[0]), str(row[1]), bool(row[2]))


SchemaRow = tuple[str, str, str, str]
"""One object of a SQLite schema: type, name, table, and its SQL with quoting and spacing evened out."""


def schema_of(database: Path) -> frozenset[SchemaRow]:
    """Return the tables, indexes, triggers and views of a SQLite file (SQLite's own objects left out)."""
    conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master "
            "WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
        ).fetchall()
    finally:
        conn.close()
    return frozenset((str(t), str(n), str(tb), _even(str(sql))) for t, n, tb, sql in rows)


def _even(sql: str) -> str:
    """Return SQL with identifier quotes dropped and spacing collapsed (SQLite versions quote differently)."""
    return re.sub(r"\s+", " ", re.sub(r"[\"`\[\]]", "", sql)).strip().lower()


@lru_cache(maxsize=4)
def migrated_schema(revision: str) -> frozenset[SchemaRow]:
    """Return the schema the migrations make for a revision, from a fresh database migrated to it."""
    from alembic import command

    with tempfile.TemporaryDirectory(prefix="send-desk-schema-") as folder:
        path = Path(folder) / "reference.sqlite3"
        engine = make_engine(sqlite_url(path))
        try:
            config = alembic_config()
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
        finally:
            engine.dispose()
        return schema_of(path)


def schema_differences(found: frozenset[SchemaRow], expected: frozenset[SchemaRow]) -> list[str]:
    """Describe, in plain words, how a schema differs from the one expected (empty if it does not)."""
    have = {(row[0], row[1]): row for row in found}
    want = {(row[0], row[1]): row for row in expected}
    words: list[str] = []
    for kind, name in sorted(have.keys() - want.keys()):
        words.append(f"an extra {kind} {name}")
    for kind, name in sorted(want.keys() - have.keys()):
        words.append(f"no {kind} {name}")
    for kind, name in sorted(have.keys() & want.keys()):
        if have[kind, name] != want[kind, name]:
            words.append(f"a changed {kind} {name}")
    return words


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


class BackupService:
    """Back up and restore the SQLite database at a URL (refusing, with advice, on PostgreSQL)."""

    def __init__(
        self,
        url: URL,
        *,
        backup_dir: Path | None = None,
        clock: Callable[[], datetime] | None = None,
        engine: Engine | None = None,
        keys: KeyStore | None = None,
        login: str | None = None,
    ) -> None:
        """Serve the database at `url`; backups go to `backup_dir` (default: backups/ beside it).

        `keys` holds the signing keys (default: this user's credential store or key file); `login` is
        who restores (default: the operating system's account).
        """
        self.url = url
        self.path = sqlite_path(url)
        self.backup_dir = backup_dir or (self.path.parent / BACKUP_FOLDER if self.path else None)
        self._clock = clock
        self._engine = engine
        self._keys = keys
        self.login = login or current_login()

    @property
    def keys(self) -> KeyStore:
        """Return the store of signing keys (made when first needed)."""
        if self._keys is None:
            self._keys = KeyStore()
        return self._keys

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
        out = typed_path(out)
        if out.is_dir():
            out = out / f"{source.stem}-{self._now():%Y%m%d-%H%M%S}.sqlite3"
        if out.resolve() == source.resolve():
            raise BackupError("A backup cannot overwrite the database itself. Choose another file name.")
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            online_backup(source, out)
        except (OSError, sqlite3.Error) as exc:
            raise BackupError(f"The backup to {out} could not be written: {exc}.") from exc
        self.sign(out)
        return out

    def sign(self, backup: Path) -> Path:
        """Write the signature of a backup file (HMAC-SHA256 under this PC's key) beside it; return it."""
        key = self.keys.signing_key()
        body = {
            "format": SIGNATURE_FORMAT,
            "algorithm": ALGORITHM,
            "key_id": key.key_id,
            "file": backup.name,
            "signature": key.sign_file(backup),
        }
        target = signature_path(backup)
        try:
            target.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        except OSError as exc:
            raise BackupError(
                f"The backup {backup} was written but its signature could not be: {exc}."
            ) from exc
        return target

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
            signature_path(old).unlink(missing_ok=True)

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
        if len(revisions) != 1 or str(revisions[0]) not in known_revisions():
            shown = ", ".join(revisions) or "none"
            raise BackupError(
                f"{name} was made by a different version of SEND Desk (schema {shown}), which this "
                "version cannot restore. Nothing was changed; update SEND Desk or choose another backup."
            )
        return str(revisions[0])

    def check_signature(self, backup: Path, name: str, signature: Path, *, unsigned: bool) -> str | None:
        """Check a backup's bytes against its signature; return the key id (None: unsigned, allowed)."""
        if not signature.is_file():
            if unsigned:
                return None
            raise BackupError(
                f"{name} is not signed (there is no {signature.name} beside it), so SEND Desk cannot tell "
                "whether it was changed after it was made. Nothing was changed. If it was copied from "
                "elsewhere, copy its .sig file too; if it is an older backup, made before backups were "
                "signed, an admin can restore it with --unsigned (the audit records that)."
            )
        try:
            body = json.loads(signature.read_text(encoding="utf-8"))
            key_id, expected = str(body["key_id"]), str(body["signature"])
            if body.get("format") != SIGNATURE_FORMAT or body.get("algorithm") != ALGORITHM:
                raise ValueError
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise BackupError(
                f"The signature file {signature.name} is damaged, so {name} cannot be checked. Nothing was "
                "changed; choose another backup."
            ) from None
        key: SigningKey | None = self.keys.key_for(key_id)
        if key is None:
            raise BackupError(
                f"{name} was signed on another PC, with a key this PC does not hold (key {key_id}). Nothing "
                "was changed. On that PC an admin can run 'send-desk backup export-key --out FILE'; "
                "import the file here with 'send-desk backup import-key FILE', then restore again."
            )
        if not hmac.compare_digest(key.sign_file(backup), expected):
            raise BackupError(
                f"{name} has been changed since it was made: its content no longer matches its signature. "
                "Nothing was changed; do not use this file, choose another backup."
            )
        return key_id

    def check_schema(self, backup: Path, name: str, revision: str) -> None:
        """Refuse a backup whose tables, indexes, triggers or views differ from what its revision makes."""
        differences = schema_differences(schema_of(backup), migrated_schema(revision))
        if differences:
            shown = "; ".join(differences[:5]) + ("; …" if len(differences) > 5 else "")
            raise BackupError(
                f"{name} does not have the structure SEND Desk makes ({shown}), so it may hide code that "
                "would run in the desk. Nothing was changed; choose another backup."
            )

    def restore(self, source: Path, *, unsigned: bool = False) -> RestoreResult:
        """Replace the database with a checked backup (admins only), keeping a safety copy of the current one.

        With `unsigned`, a backup without a signature file (made before backups were signed) may be
        restored; the audit says so. A signature that does not match is refused either way.
        """
        target = self._require_path()
        source = typed_path(source)
        if source.exists() and target.exists() and source.resolve() == target.resolve():
            raise BackupError("That file is the database itself; choose a backup file.")
        check_sqlite_file(target)  # never restore over another program's database
        current = member_in(target, self.login)
        if current is not None and not current.may_restore:
            reason = f"{refusal(Action.RESTORE)} Nothing was changed."
            self._audit_refusal(current, source, reason)
            raise PermissionDeniedError(reason)
        # check a private copy, so the file cannot change between the check and the restore
        staging_dir = self._folder()
        staging = staging_dir / f".restore-{self._now():%Y%m%d-%H%M%S%f}.sqlite3"
        try:
            if not source.is_file():
                raise BackupError(f"There is no backup file at {source}.")
            shutil.copyfile(source, staging)
            backup_revision = self.verify(staging)
            key_id = self.check_signature(staging, source.name, signature_path(source), unsigned=unsigned)
            self.check_schema(staging, source.name, backup_revision)
            if current is None:  # no desk here yet: the backup's own staff say who may restore it
                member = member_in(staging, self.login)
                if member is not None and not member.may_restore:
                    raise PermissionDeniedError(
                        f"Only an admin of the desk in {source.name} can restore it, and you "
                        f"({self.login}) are not one there. Nothing was changed."
                    )
        except (BackupError, PermissionDeniedError) as exc:
            staging.unlink(missing_ok=True)
            message = str(exc).replace(staging.name, source.name)
            if current is not None:
                self._audit_refusal(current, source, message)
            raise type(exc)(message) from exc.__cause__
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
                self.sign(safety)
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
            self._audit(
                engine,
                "backup-restore" if key_id else "backup-restore-unsigned",
                {
                    "file": str(source),
                    "signature": f"checked (key {key_id})" if key_id else "none: restored with --unsigned",
                    "backup_revision": backup_revision,
                    "safety_copy": str(safety) if safety else None,
                    "reanonymised": list(reanonymised),
                },
            )
        finally:
            engine.dispose()
        return RestoreResult(source, target, safety, backup_revision, revision, reanonymised, key_id)

    def _audit_refusal(self, who: Member, source: Path, reason: str) -> None:
        """Record in the current database that a restore was refused, and why."""
        engine = self._engine or make_engine(self.url)
        try:
            self._audit(engine, "backup-restore-refused", {"file": str(source), "reason": reason}, who)
        except SendDeskError:
            pass  # a database too damaged to write to cannot record the refusal; the refusal stands
        finally:
            if engine is not self._engine:
                engine.dispose()

    def _audit(self, engine: Engine, action: str, details: dict[str, Any], who: Member | None = None) -> None:
        """Add one audit entry, as the person restoring, to the database behind an engine."""
        ctx = ServiceContext(db=Database(engine), clock=self._now, login=self.login)
        with ctx.db.write() as session:
            if who is None:
                staff = find_staff(session, self.login)
                name = staff.name if staff is not None else self.login
            else:
                name = who.name
            audit.record(
                session, at=ctx.now(), login=self.login, actor_name=name, action=action, details=details
            )

    def _reanonymise(self, engine: Engine, references: list[str]) -> tuple[str, ...]:
        """Carry out again, in the restored database, the anonymising done since the backup was made."""
        if not references:
            return ()
        from send_desk.services.retention import RetentionService

        ctx = ServiceContext(db=Database(engine), clock=self._now, login=self.login)
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

    # ----- the signing key ------------------------------------------------------------------------
    def export_key(self, out: Path) -> KeyTransfer:
        """Write this PC's backup signing key to a file for another PC (admins only; audited)."""
        with self._context() as ctx:
            return export_signing_key(ctx, out, self.keys)

    def import_key(self, source: Path) -> KeyTransfer:
        """Trust another PC's exported signing key for checking its backups (admins only; audited)."""
        with self._context() as ctx:
            return import_signing_key(ctx, source, self.keys)

    @contextmanager
    def _context(self) -> Iterator[ServiceContext]:
        """Yield a unit-of-work context on this database, acting as `login`."""
        engine = self._engine or make_engine(self.url)
        try:
            yield ServiceContext(db=Database(engine), clock=self._now, login=self.login)
        finally:
            if engine is not self._engine:
                engine.dispose()

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


@dataclass(frozen=True)
class KeyTransfer:
    """A signing key exported to, or imported from, a file."""

    key_id: str
    file: Path
    kept_in: str
    """Where this PC keeps its keys, in plain words."""


def export_signing_key(ctx: ServiceContext, out: Path, keys: KeyStore | None = None) -> KeyTransfer:
    """Write this PC's backup signing key to a file for another PC (admins only; audited)."""
    store = keys or KeyStore()
    key = _key_action(ctx, "backup-key-export", out, lambda: store.export_key(out))
    return KeyTransfer(key.key_id, out, store.where())


def import_signing_key(ctx: ServiceContext, source: Path, keys: KeyStore | None = None) -> KeyTransfer:
    """Trust another PC's exported signing key for checking its backups (admins only; audited)."""
    store = keys or KeyStore()
    key = _key_action(ctx, "backup-key-import", source, lambda: store.import_key(source))
    return KeyTransfer(key.key_id, source, store.where())


def _key_action(ctx: ServiceContext, action: str, file: Path, act: Callable[[], SigningKey]) -> SigningKey:
    """Do something with the signing key as an admin, auditing it, or audit the refusal."""
    try:
        with ctx.db.write() as session:
            actor = require(session, ctx.actor_login(), Action.BACKUP_KEY, at=ctx.now())
            key = act()
            audit.record(
                session,
                at=ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action=action,
                details={"file": str(file), "key": key.key_id},
            )
            return key
    except PermissionDeniedError as exc:
        with ctx.db.write() as session:
            staff = find_staff(session, ctx.actor_login())
            audit.record(
                session,
                at=ctx.now(),
                login=ctx.actor_login(),
                actor_name=staff.name if staff is not None else ctx.actor_login(),
                action=f"{action}-refused",
                details={"file": str(file), "reason": str(exc)},
            )
        raise
