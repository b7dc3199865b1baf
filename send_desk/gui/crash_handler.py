"""Catch what nothing else caught: log it to a rotating file and show a dialog instead of vanishing.

`install(log_dir)` (called by the composition root, never at import) sets `sys.excepthook` and
`threading.excepthook`, adds a rotating log file `send-desk.log` to the root logger, and turns on
`faulthandler` into `send-desk-fatal.log` so even a hard crash leaves a trace. An uncaught exception is
logged with its traceback, then a "Something went wrong" box with a "Copy details" button is shown on
the GUI thread (exceptions from worker threads are passed to it by a queued signal). While one box is
open, further exceptions are logged but do not stack more boxes.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from PySide6.QtCore import QObject, QThread, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from send_desk import __version__

LOG_FILE_NAME = "send-desk.log"
FATAL_LOG_FILE_NAME = "send-desk-fatal.log"
MAX_LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
TITLE = "Something went wrong"
MESSAGE = (
    "Something went wrong, and SEND Desk could not finish what you were doing. Everything saved before "
    "this is safe in the database. You can carry on working; if it happens again, click Copy details "
    "and send them to IT support."
)

log = logging.getLogger("send_desk.crash")


def default_log_dir() -> Path:
    """Return the logs folder inside the per-user data folder."""
    from send_desk.paths import user_data_dir

    return user_data_dir() / "logs"


class _Relay(QObject):
    """Carries a report from any thread to the GUI thread."""

    report = Signal(str)


class CrashHandler:
    """The installed hooks; `uninstall` puts the previous ones back (for tests)."""

    def __init__(self, log_dir: Path, parent: QWidget | None = None) -> None:
        """Prepare the log file in `log_dir`; nothing is hooked until `install` is called."""
        self.log_dir = log_dir
        self.log_file = log_dir / LOG_FILE_NAME
        self.parent = parent
        self.showing = False
        self.last_details = ""
        self._file_handler: logging.Handler | None = None
        self._fatal_file: IO[str] | None = None
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        self._previous_root_level = logging.getLogger().level
        self._relay: _Relay | None = None
        self._faulthandler_was_enabled = False

    # ----- hooks -------------------------------------------------------------------------------
    def install(self) -> None:
        """Start logging to the file and take over the exception hooks."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            self.log_file, maxBytes=MAX_LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8", delay=True
        )
        handler.setLevel(logging.INFO)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s")
        )
        root = logging.getLogger()
        root.addHandler(handler)
        if root.level > logging.INFO or root.level == logging.NOTSET:
            root.setLevel(logging.INFO)
        self._file_handler = handler
        self._faulthandler_was_enabled = faulthandler.is_enabled()
        try:
            self._fatal_file = open(self.log_dir / FATAL_LOG_FILE_NAME, "a", encoding="utf-8")  # noqa: SIM115
            faulthandler.enable(self._fatal_file)
        except (OSError, RuntimeError):
            self._fatal_file = None
        if QGuiApplication.instance() is not None:
            self._relay = _Relay()
            self._relay.report.connect(self._show_on_gui_thread)
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = self.handle_thread
        log.info("SEND Desk %s started (Python %s)", __version__, sys.version.split()[0])

    def uninstall(self) -> None:
        """Put the previous hooks back and close the log files."""
        sys.excepthook = self._previous_hook
        threading.excepthook = self._previous_thread_hook
        if self._file_handler is not None:
            logging.getLogger().removeHandler(self._file_handler)
            self._file_handler.close()
            self._file_handler = None
        logging.getLogger().setLevel(self._previous_root_level)
        if self._fatal_file is not None:
            faulthandler.disable()
            self._fatal_file.close()
            self._fatal_file = None
            if self._faulthandler_was_enabled and sys.__stderr__ is not None:
                faulthandler.enable(sys.__stderr__)
        self._relay = None

    def handle(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None, thread: str = ""
    ) -> None:
        """Log an uncaught exception and show the dialog (the sys.excepthook)."""
        if issubclass(kind, KeyboardInterrupt):
            self._previous_hook(kind, error, tb)
            return
        details = self.details(kind, error, tb, thread)
        log.critical("Uncaught exception%s\n%s", f" in thread {thread}" if thread else "", details)
        if self._file_handler is not None:
            self._file_handler.flush()
        if QGuiApplication.instance() is None or self._relay is None:
            self._previous_hook(kind, error, tb)
            return
        if QThread.currentThread() is QGuiApplication.instance().thread():  # type: ignore[union-attr]
            self._show_on_gui_thread(details)
        else:
            self._relay.report.emit(details)

    def handle_thread(self, args: threading.ExceptHookArgs) -> None:
        """Log an exception that ended a Python thread and show the dialog (the threading.excepthook)."""
        if args.exc_value is None or issubclass(args.exc_type, SystemExit):
            return
        name = args.thread.name if args.thread is not None else "unknown"
        self.handle(args.exc_type, args.exc_value, args.exc_traceback, thread=name)

    def details(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None, thread: str = ""
    ) -> str:
        """Return the text IT support needs: version, platform, thread and the traceback."""
        lines = [
            f"SEND Desk {__version__} on Python {sys.version.split()[0]} ({sys.platform})",
            f"Thread: {thread or threading.current_thread().name}",
            f"Log file: {self.log_file}",
            "",
            "".join(traceback.format_exception(kind, error, tb)).rstrip(),
        ]
        return "\n".join(lines)

    # ----- the dialog --------------------------------------------------------------------------
    def _show_on_gui_thread(self, details: str) -> None:
        self.last_details = details
        if self.showing:
            return
        self.showing = True
        try:
            self.make_dialog(details).exec()
        except Exception:
            log.exception("the crash dialog itself failed")
        finally:
            self.showing = False

    def make_dialog(self, details: str) -> QMessageBox:
        """Build the "Something went wrong" box with a Copy details button that keeps it open."""
        box = QMessageBox(self.parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle(TITLE)
        box.setText(MESSAGE)
        box.setInformativeText(f"The details are also saved in {self.log_file}.")
        box.setDetailedText(details)
        copy = box.addButton("&Copy details", QMessageBox.ButtonRole.ActionRole)
        copy.clicked.disconnect()  # an action button would otherwise close the box
        copy.clicked.connect(lambda: copy_to_clipboard(details))
        close = box.addButton("Close", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(close)
        box.setEscapeButton(close)
        box.setObjectName("crashDialog")
        return box


def copy_to_clipboard(text: str) -> None:
    """Put text on the system clipboard."""
    app: Any = QApplication.instance()
    if app is not None:
        app.clipboard().setText(text)


def install(log_dir: Path | None = None, parent: QWidget | None = None) -> CrashHandler:
    """Log uncaught exceptions to `<log_dir>/send-desk.log` and show them in a dialog; return the handler."""
    handler = CrashHandler(log_dir or default_log_dir(), parent)
    handler.install()
    return handler
