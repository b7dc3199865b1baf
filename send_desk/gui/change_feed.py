"""A timer-driven signal that fires when another desk changed the database."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from send_desk.services.changes import ChangeWatcher

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_MS = 2000


class ChangeFeed(QObject):
    """Poll a ChangeWatcher on the GUI thread every few seconds and emit `changed` when it fires."""

    changed = Signal()

    def __init__(
        self, watcher: ChangeWatcher, parent: QObject | None = None, interval_ms: int = DEFAULT_INTERVAL_MS
    ) -> None:
        """Watch with the given watcher; call start() to begin polling."""
        super().__init__(parent)
        self.watcher = watcher
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check_now)

    def start(self) -> None:
        """Start polling."""
        self._timer.start()

    def stop(self) -> None:
        """Stop polling and release the watcher's connection."""
        self._timer.stop()
        self.watcher.close()

    def is_active(self) -> bool:
        """Tell whether the feed is polling."""
        return self._timer.isActive()

    def check_now(self) -> bool:
        """Poll once (never blocking on PostgreSQL) and emit `changed` if something changed."""
        try:
            fired = self.watcher.poll()
        except Exception:  # a lost database must never break the GUI's event loop
            log.exception("checking for changes failed")
            return False
        if fired:
            self.changed.emit()
        return fired
