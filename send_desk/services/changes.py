"""Notice other desks' changes: LISTEN/NOTIFY on PostgreSQL, the change counter on SQLite.

Every committed write goes through `Database.write`, which bumps the single `change_counter` row (on
PostgreSQL just after the commit, so that saves do not queue on it) and, on PostgreSQL, sends a NOTIFY
on `CHANGE_CHANNEL` with the commit. A `ChangeWatcher` is polled (by the GUI's timer,
every couple of seconds) and says whether anything changed since the last poll. It never blocks on
PostgreSQL: it drains notifications already received on a dedicated connection. If that connection
cannot be made or breaks, it compares the counter instead and tries to listen again later.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from send_desk.db.models import ChangeCounter
from send_desk.db.session import CHANGE_CHANNEL, Database
from send_desk.domain.errors import SendDeskError

log = logging.getLogger(__name__)

RELISTEN_AFTER_SECONDS = 30.0


class ChangeWatcher:
    """Tell, each time it is polled, whether the database changed since the previous poll."""

    def __init__(
        self,
        db: Database,
        *,
        listen: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Watch a database; on PostgreSQL listen for notifications unless `listen` is False."""
        self.db = db
        self._monotonic = monotonic
        self._listen_wanted = listen and db.engine.dialect.name == "postgresql"
        self._listener: Any = None
        self._listener_lost = False
        self._next_listen_attempt = 0.0
        self.last_error: str = ""
        self._last_value = self._read_counter()
        if self._listen_wanted:
            self._start_listening()

    @property
    def listening(self) -> bool:
        """Tell whether PostgreSQL notifications are being received (rather than the counter polled)."""
        return self._listener is not None

    def poll(self, timeout: float = 0.0) -> bool:
        """Return True when something changed since the last poll, waiting up to `timeout` seconds."""
        deadline = self._monotonic() + timeout
        while True:
            changed = self._poll_once(max(0.0, deadline - self._monotonic()))
            if changed or self._monotonic() >= deadline:
                return changed
            if self._listener is None:
                time.sleep(min(0.05, max(0.0, deadline - self._monotonic())))

    def _poll_once(self, timeout: float) -> bool:
        if self._listener is not None:
            try:
                return self._drain(timeout)
            except Exception as exc:
                log.warning("change notifications stopped: %s; polling the change counter", exc)
                self.last_error = str(exc)
                self._close_listener()
                self._next_listen_attempt = self._monotonic() + RELISTEN_AFTER_SECONDS
        changed = self._counter_changed()
        if self._relisten_due() and self._start_listening():
            # anything committed before LISTEN took effect is seen by one more counter check
            changed = self._counter_changed() or changed
        return changed

    def close(self) -> None:
        """Stop listening and release the dedicated connection."""
        self._listen_wanted = False
        self._close_listener()

    # ----- the change counter ------------------------------------------------------------------
    def _read_counter(self) -> int | None:
        try:
            with self.db.read() as session:
                value = session.scalar(select(ChangeCounter.value).where(ChangeCounter.id == 1))
        except SendDeskError as exc:
            self.last_error = str(exc)
            return None
        self.last_error = ""
        return int(value) if value is not None else 0

    def _counter_changed(self) -> bool:
        value = self._read_counter()
        if value is None:
            return False
        changed = value != self._last_value
        self._last_value = value
        return changed

    # ----- PostgreSQL notifications ------------------------------------------------------------
    def _relisten_due(self) -> bool:
        return (
            self._listen_wanted and self._listener is None and self._monotonic() >= self._next_listen_attempt
        )

    def _start_listening(self) -> bool:
        try:
            import psycopg

            url = self.db.engine.url.set(drivername="postgresql")
            conninfo = url.render_as_string(hide_password=False)
            listener = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
            listener.execute(f'LISTEN "{CHANGE_CHANNEL}"')
            listener.add_notice_handler(self._on_notice)
        except Exception as exc:
            log.warning("cannot listen for changes: %s; polling the change counter", exc)
            self.last_error = str(exc)
            self._next_listen_attempt = self._monotonic() + RELISTEN_AFTER_SECONDS
            return False
        self._listener = listener
        self._listener_lost = False
        return True

    def _on_notice(self, diagnostic: Any) -> None:
        # a server shutting the connection down says so (FATAL) before the socket closes
        severity = getattr(diagnostic, "severity_nonlocalized", None) or getattr(diagnostic, "severity", "")
        if severity in ("FATAL", "PANIC"):
            self._listener_lost = True

    def _drain(self, timeout: float) -> bool:
        received = False
        for _notify in self._listener.notifies(timeout=timeout, stop_after=1 if timeout > 0 else None):
            received = True
        if self._listener_lost:
            raise ConnectionError("the server closed the connection that listens for changes")
        if received:
            # keep the counter baseline current so a later fallback does not report old news
            value = self._read_counter()
            if value is not None:
                self._last_value = value
        return received

    def _close_listener(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            try:
                listener.close()
            except Exception:  # pragma: no cover - closing a broken connection
                log.debug("closing the change listener failed", exc_info=True)
