"""Units of work over one engine, with database errors translated to plain-words domain errors."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from send_desk.db.engine import is_sqlite
from send_desk.db.limits import length_refusal, length_refused, varchar_refusal
from send_desk.db.models import ChangeCounter
from send_desk.domain.errors import (
    ConflictError,
    DatabaseBusyError,
    DatabaseUnavailableError,
    SendDeskError,
    ValidationError,
)

logger = logging.getLogger(__name__)

TEAM = "send_desk_team"
"""The session.info key that says the database is a team's PostgreSQL (staff and retention go through
the server's functions, identity is the login)."""
CHANGE_CHANNEL = "send_desk_changes"
"""The PostgreSQL LISTEN/NOTIFY channel every committed write notifies."""


class Database:
    """The engine plus read and write units of work; the only place sessions are made."""

    def __init__(self, engine: Engine, *, team: bool = False) -> None:
        """Wrap an engine that has already been migrated; `team` for a team's PostgreSQL (roles enforced)."""
        self.engine = engine
        self.team = team
        info = {TEAM: team}
        self._reader = sessionmaker(engine, expire_on_commit=False, info=info)
        writer_engine = engine.execution_options(sqlite_immediate=True) if is_sqlite(engine) else engine
        self._writer = sessionmaker(writer_engine, expire_on_commit=False, info=info)
        self._server = not is_sqlite(engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        """Yield a session for reading; nothing it does is committed."""
        with translate_errors(), self._reader() as session:
            try:
                yield session
            finally:
                session.rollback()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """Yield a session whose changes are committed together at the end, or not at all."""
        with translate_errors(), self._writer() as session:
            try:
                yield session
                if self._server:
                    # NOTIFY is transactional: listeners hear it only when (and if) this commits
                    session.execute(select(func.pg_notify(CHANGE_CHANNEL, "")))
                else:
                    bump_change_counter(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        if self._server:
            self._bump_after_commit()

    def _bump_after_commit(self) -> None:
        """Move the change counter in its own short transaction, for desks that cannot LISTEN.

        On a server the counter's one row would otherwise be locked from each write to its commit, a
        second queue that every desk's save waits in. Afterwards it is held for one statement. If this
        fails the change is saved all the same; desks that are listening were notified with the commit.
        """
        try:
            with self._writer() as session:
                bump_change_counter(session)
                session.commit()
        except DBAPIError:
            logger.warning("The change counter could not be moved after a commit", exc_info=True)

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def bump_change_counter(session: Session) -> None:
    """Add one to the change counter that desks without LISTEN/NOTIFY poll."""
    result = session.execute(
        update(ChangeCounter).where(ChangeCounter.id == 1).values(value=ChangeCounter.value + 1)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        session.add(ChangeCounter(id=1, value=1))


@contextmanager
def translate_errors() -> Iterator[None]:
    """Turn SQLAlchemy errors into domain errors whose message a support officer can act on."""
    try:
        yield
    except SendDeskError:
        raise
    except StaleDataError as exc:
        raise ConflictError(
            message="Someone else saved this case after you opened it. Reload it to see their change; "
            "what you typed is kept.",
            changed_by="another user",
            changed_at=datetime.now(UTC),
        ) from exc
    except OperationalError as exc:
        if is_busy(exc):
            raise DatabaseBusyError() from exc
        raise DatabaseUnavailableError(describe_operational_error(exc)) from exc
    except DataError as exc:
        # PostgreSQL enforces column lengths and ranges that SQLite lets through
        if (too_long := varchar_refusal(exc.orig)) is not None:
            raise length_refused(too_long) from exc
        raise ValidationError(
            "One of the values does not fit in the database "
            f"({first_line(exc.orig)}). Nothing was saved; shorten it and try again."
        ) from exc
    except IntegrityError as exc:
        if (too_long := length_refusal(exc.orig)) is not None:
            raise length_refused(too_long) from exc
        raise SendDeskError(
            "The database refused the change because it clashes with a record already saved "
            f"({first_line(exc.orig)}). Nothing was saved; check the details and try again."
        ) from exc
    except DBAPIError as exc:
        raise DatabaseUnavailableError(
            f"The database reported a problem: {first_line(exc.orig)}. Nothing was saved; try again, "
            "and if it keeps happening tell your IT service desk."
        ) from exc


BUSY_WORDS = ("locked", "busy", "lock timeout", "deadlock", "could not serialize")
"""Words in a driver's error that mean another transaction holds what this one needs."""


def is_busy(exc: OperationalError) -> bool:
    """Tell whether a failure means the database was busy with other work (worth trying again)."""
    text = str(exc.orig).lower()
    return any(word in text for word in BUSY_WORDS)


def describe_operational_error(exc: OperationalError) -> str:
    """Explain a low-level database failure in plain words."""
    text = str(exc.orig).lower()
    if is_busy(exc):
        return DatabaseBusyError.default_message
    if ("disk" in text and ("full" in text or "space" in text)) or "no space left" in text:
        return (
            "The disk holding the database is full, so nothing was saved. Free some space (or ask IT to), "
            "then try again; nothing saved earlier was lost."
        )
    if "disk i/o error" in text:
        return (
            "The database file could not be read or written (a disk or network fault), so nothing was "
            "saved. Try again; if it keeps happening, tell your IT service desk."
        )
    if "readonly" in text or "read-only" in text:
        return "The database file is read-only for you. Ask IT to give you write access to it."
    if "unable to open" in text or "could not connect" in text or "connection" in text:
        return (
            "The database cannot be reached. Check the network or the database location "
            "(File ▸ About shows it) and try again."
        )
    return f"The database reported a problem: {first_line(exc.orig)}. Try again; nothing was saved."


def first_line(error: object) -> str:
    """Return the first line of an error's text."""
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def is_team(session: Session) -> bool:
    """Tell whether a session works on a team's PostgreSQL database, where the server enforces roles."""
    return bool(session.info.get(TEAM))
