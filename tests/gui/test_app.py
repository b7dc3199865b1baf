"""The composition root: no import-time work, plain words when the database cannot be opened."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

import send_desk.bootstrap
import send_desk.gui.crash_handler as crash_handler
from send_desk.domain.errors import DatabaseUnavailableError
from send_desk.gui.welcome import Start, WelcomeChoice, WelcomeDialog


def test_importing_app_does_nothing() -> None:
    code = "import sys, send_desk.app; print('PySide6' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_the_main_window_opens_without_the_admin_screens_or_openpyxl(database_path) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from send_desk.bootstrap import open_desk\n"
        "from send_desk.gui.main_window import MainWindow\n"
        "from send_desk.gui.tasks import TaskRunner\n"
        f"desk = open_desk({str(database_path)!r}, login='sam.patel')\n"
        "window = MainWindow(desk, runner=TaskRunner(inline=True), poll=False)\n"
        "menus = [a.text() for a in window.menuBar().actions()]\n"
        "loaded = [m for m in ('openpyxl', 'send_desk.gui.admin.staff', 'send_desk.services.cases')\n"
        "          if m in sys.modules]\n"
        "print(menus, loaded)\n"
        "window.close(); desk.close()\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['&File', '&View', '&Cases', '&Admin', '&Help'] []"


def test_a_database_that_cannot_be_opened_is_explained(monkeypatch: pytest.MonkeyPatch, qapp) -> None:  # type: ignore[no-untyped-def]
    from send_desk.app import run_desk

    def refuse(*_a: object, **_k: object) -> None:
        raise DatabaseUnavailableError("The database at /nowhere could not be opened. Check the location.")

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(send_desk.bootstrap, "open_desk", refuse)
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert run_desk("/nowhere/desk.sqlite3") == 1
    assert shown == [
        (
            "SEND Desk cannot open the database",
            "The database at /nowhere could not be opened. Check the location.",
        )
    ]


def test_run_desk_shows_the_window(monkeypatch: pytest.MonkeyPatch, qapp, database_path) -> None:  # type: ignore[no-untyped-def]
    from send_desk.app import run_desk

    seen: list[str] = []
    monkeypatch.setattr(crash_handler, "install", lambda **_k: None)
    monkeypatch.setattr(QApplication, "exec", _close_windows_on_exec(seen))
    monkeypatch.setattr(WelcomeDialog, "ask", classmethod(lambda cls, parent, desk, team="": None))
    assert run_desk(str(database_path)) == 0
    assert seen == ["SEND Desk — SEND team"]


def _close_windows_on_exec(seen: list[str]):  # type: ignore[no-untyped-def]
    from send_desk.gui.main_window import MainWindow

    def fake_exec(*_args: object) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(w.windowTitle() for w in windows)
        for w in windows:
            w.close()
        return 0

    return fake_exec


def test_first_run_shows_the_welcome_screen_after_the_window_once(
    monkeypatch: pytest.MonkeyPatch,
    qapp,
    database_url: str,  # type: ignore[no-untyped-def]
) -> None:
    from send_desk.app import run_desk
    from send_desk.gui.main_window import MainWindow

    welcomed: list[tuple[bool, str]] = []

    def fake_ask(cls, parent, desk, team=""):  # type: ignore[no-untyped-def]
        welcomed.append((isinstance(parent, MainWindow) and parent.isVisible(), team))
        return WelcomeChoice("North Yorkshire SEND", Start.EMPTY)

    seen: list[str] = []
    monkeypatch.setattr(crash_handler, "install", lambda **_k: None)
    monkeypatch.setattr(QApplication, "exec", _close_windows_on_exec(seen))
    monkeypatch.setattr(WelcomeDialog, "ask", classmethod(fake_ask))
    assert run_desk(database_url) == 0
    assert welcomed == [(True, "SEND team")]
    assert seen == ["SEND Desk — North Yorkshire SEND"]
    assert run_desk(database_url) == 0  # the second start goes straight to the register
    assert welcomed == [(True, "SEND team")]
    assert seen == ["SEND Desk — North Yorkshire SEND", "SEND Desk — North Yorkshire SEND"]


def test_a_crash_while_opening_the_database_is_logged_and_shown(
    monkeypatch: pytest.MonkeyPatch,
    qapp,
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    from send_desk.app import run_desk

    hook_while_opening: list[object] = []

    def explode(*_a: object, **_k: object) -> None:
        hook_while_opening.append(getattr(sys.excepthook, "__self__", None))
        raise RuntimeError("the disk caught fire")

    shown: list[tuple[str, str]] = []
    before = sys.excepthook
    monkeypatch.setattr(send_desk.bootstrap, "open_desk", explode)
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    assert run_desk("/nowhere/desk.sqlite3") == 1
    log_file = tmp_path / "data" / "logs" / "send-desk.log"
    assert isinstance(hook_while_opening[0], crash_handler.CrashHandler)  # installed before the database
    assert shown == [
        (
            "SEND Desk cannot start",
            "SEND Desk could not start because of an unexpected problem. Nothing in the database was "
            f"changed. Please send IT support the log file, which has the details:\n{log_file}",
        )
    ]
    logged = log_file.read_text(encoding="utf-8")
    assert "SEND Desk could not start: opening the database failed" in logged
    assert "RuntimeError: the disk caught fire" in logged
    assert sys.excepthook is before  # the hooks are put back when the desk ends
