"""The About box: version, where the data lives, licence and versions, and Copy details for IT."""

from __future__ import annotations

import platform
import tomllib
import types
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QApplication, QDialog
from sqlalchemy.engine import make_url

from send_desk import __version__
from send_desk.bootstrap import Desk
from send_desk.gui.about import COPIED, LICENCE, AboutDialog, backups_text, database_text
from send_desk.gui.main_window import MainWindow
from send_desk.services.backup import BackupService
from tests.gui.helpers import ModalDriver, check, key

ROOT = Path(__file__).resolve().parents[2]


def test_about_box_says_version_database_folders_licence_and_versions(
    qtbot,
    desk: Desk,
    backend: str,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    dialog = AboutDialog(None, desk)
    qtbot.addWidget(dialog)
    try:
        lines = dialog.text().splitlines()
        assert lines[0] == "SEND Desk"
        assert lines[1] == f"Version: {__version__}"
        assert lines[1] == "Version: 0.1.0"
        assert lines[2] == f"Database: {database_text(desk)}"
        assert "sqlite:" not in lines[2]
        assert "postgresql+" not in lines[2]
        if backend == "sqlite":
            assert lines[2] == f"Database: {tmp_path / 'desk.sqlite3'} (a file on this computer)"
            assert lines[3] == f"Backups: {tmp_path / 'backups'}"
        assert lines[4] == f"Log files: {tmp_path / 'data' / 'logs'}"
        assert lines[5] == f"Data folder: {tmp_path / 'data'}"
        assert lines[6] == "Licence: MIT"
        assert lines[7] == f"Python: {platform.python_version()}"
        assert lines[8] == f"Qt: {qVersion()} (PySide6 {pyside_version})"
        assert lines[9].startswith("System: ")
        assert len(lines) == 10
        assert dialog.values["Database"].text() == database_text(desk)
        assert dialog.values["Licence"].text() == "MIT"
    finally:
        dialog.done(QDialog.DialogCode.Rejected.value)


def test_copy_details_puts_them_on_the_clipboard_and_keeps_the_box_open(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    QApplication.clipboard().setText("something else")
    dialog = AboutDialog(None, desk)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
        assert QApplication.clipboard().text() == dialog.text()
        assert dialog.copied.text() == COPIED
        assert dialog.isVisible()
    finally:
        dialog.done(QDialog.DialogCode.Rejected.value)


def test_the_licence_is_the_one_pyproject_states() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": LICENCE}
    assert not list(ROOT.glob("LICEN[CS]E*"))  # so the box names the licence instead of pointing at a file


def test_a_server_database_is_shown_without_its_password() -> None:
    url = make_url("postgresql+psycopg://clerk:s3cret@db.council.local/senddesk")
    server = types.SimpleNamespace(url=url, backups=BackupService(url))
    assert database_text(server) == (  # type: ignore[arg-type]
        "PostgreSQL database senddesk on the server db.council.local, signed in as clerk"
    )
    odd_port = types.SimpleNamespace(url=make_url("postgresql+psycopg://db.council.local:5433/senddesk"))
    assert database_text(odd_port) == "PostgreSQL database senddesk on the server db.council.local:5433"  # type: ignore[arg-type]
    assert backups_text(server) == "On the database server, made by IT with the server's own tools (pg_dump)"  # type: ignore[arg-type]


def test_help_about_opens_the_about_box(qtbot, window: MainWindow, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []
    driver = ModalDriver(qtbot)
    driver.drive([check(lambda d: seen.append(d.windowTitle() + "|" + d.text())), key(Qt.Key.Key_Escape)])  # type: ignore[attr-defined]
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    about = next(a for a in help_menu.actions() if a.text() == "&About SEND Desk")  # type: ignore[union-attr]
    about.trigger()
    driver.raise_errors()
    assert isinstance(driver.seen[0], AboutDialog)
    assert seen == [f"About SEND Desk|{AboutDialog(None, desk).text()}"]
