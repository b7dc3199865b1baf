"""Composition root of the desk window: build the application, open the database, show the window."""

from __future__ import annotations

import sys


def run_desk(database: str | None = None, *, allow_network_share: bool = False) -> int:
    """Open the desk on a database and run the window until it closes; return the exit status."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtWidgets import QApplication, QMessageBox

    from send_desk.bootstrap import open_desk
    from send_desk.domain.errors import SendDeskError
    from send_desk.gui.errors import error_text
    from send_desk.gui.settings import APPLICATION, ORGANISATION
    from send_desk.gui.style import STYLE_SHEET, app_icon

    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    try:
        desk = open_desk(database, allow_network_share=allow_network_share)
    except SendDeskError as exc:
        QMessageBox.critical(None, "SEND Desk cannot open the database", error_text(exc))
        return 1
    except Exception as exc:
        QMessageBox.critical(None, "SEND Desk cannot start", error_text(exc))
        return 1

    from send_desk.gui.main_window import MainWindow

    try:
        try:
            window = MainWindow(desk)
        except SendDeskError as exc:
            QMessageBox.critical(None, "SEND Desk cannot start", error_text(exc))
            return 1
        from send_desk.gui.crash_handler import install as install_crash_handler

        install_crash_handler(parent=window)  # uncaught errors: logged, then a friendly dialog
        window.show()
        return int(app.exec())
    finally:
        desk.close()
