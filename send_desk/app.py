"""Composition root of the desk window: build the application, open the database, show the window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from send_desk.gui.crash_handler import CrashHandler


def headless_application() -> QGuiApplication:
    """Return the running Qt application, or start one on the offscreen platform (for the command line).

    A widgets QApplication is started rather than a bare QGuiApplication, so that a window opened later
    in the same process (the desk, or a test) still finds the kind of application it needs.
    """
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    app = QGuiApplication.instance()
    if app is None:
        app = QApplication([sys.argv[0] if sys.argv else "send-desk", "-platform", "offscreen"])
    assert isinstance(app, QGuiApplication)
    return app


def run_desk(database: str | None = None, *, allow_network_share: bool = False) -> int:
    """Open the desk on a database and run the window until it closes; return the exit status."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication

    from send_desk.gui.crash_handler import install as install_crash_handler
    from send_desk.gui.settings import APPLICATION, ORGANISATION
    from send_desk.gui.style import STYLE_SHEET, app_icon

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    # before the database is opened, so a crash while opening it is logged and shown too
    crash = install_crash_handler()
    try:
        app.setWindowIcon(app_icon())
        app.setStyle("Fusion")
        app.setStyleSheet(STYLE_SHEET)
        return _open_and_run(app, crash, database, allow_network_share)
    except Exception as exc:
        if crash is None:
            raise
        crash.handle(type(exc), exc, exc.__traceback__)  # logged, then shown, before the hooks go back
        return 1
    finally:
        if crash is not None:
            crash.uninstall()


def _open_and_run(
    app: QApplication, crash: CrashHandler | None, database: str | None, allow_network_share: bool
) -> int:
    """Open the database, show the window (and the welcome screen on first run), run until it closes."""
    import logging

    from PySide6.QtWidgets import QMessageBox

    from send_desk.bootstrap import open_desk
    from send_desk.domain.errors import SendDeskError
    from send_desk.gui.errors import error_text

    log = logging.getLogger("send_desk.app")
    unexpected = (
        "SEND Desk could not start because of an unexpected problem. Nothing in the database was changed. "
        + (
            f"Please send IT support the log file, which has the details:\n{crash.log_file}"
            if crash is not None
            else "Please tell IT support."
        )
    )
    try:
        desk = open_desk(database, allow_network_share=allow_network_share)
    except SendDeskError as exc:
        log.warning("The database could not be opened: %s", error_text(exc))
        QMessageBox.critical(None, "SEND Desk cannot open the database", error_text(exc))
        return 1
    except Exception:
        log.exception("SEND Desk could not start: opening the database failed")
        QMessageBox.critical(None, "SEND Desk cannot start", unexpected)
        return 1

    from send_desk.gui.main_window import MainWindow

    try:
        try:
            window = MainWindow(desk)
        except SendDeskError as exc:
            log.warning("The window could not be opened: %s", error_text(exc))
            QMessageBox.critical(None, "SEND Desk cannot start", error_text(exc))
            return 1
        if crash is not None:
            crash.parent = window  # uncaught errors from now on: logged, then a dialog over the window
        window.show()
        from send_desk.document_copies import clean_private_copies

        clean_private_copies()  # documents opened last time: their private copies go now
        window.start_daily_backup()  # SQLite only; off the GUI thread
        window.welcome_if_first_run()
        status = int(app.exec())
        window.runner.cancel_all()
        window.runner.wait()  # let pool jobs finish before the database is closed under them
        return status
    finally:
        desk.close()
