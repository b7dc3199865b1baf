"""The composition root: no import-time work, plain words when the database cannot be opened."""

from __future__ import annotations

import subprocess
import sys

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

import send_desk.bootstrap
from send_desk.domain.errors import DatabaseUnavailableError


def test_importing_app_does_nothing() -> None:
    code = "import sys, send_desk.app; print('PySide6' in sys.modules, 'sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


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
    import send_desk.gui.crash_handler as crash_handler
    from send_desk.app import run_desk
    from send_desk.gui.main_window import MainWindow

    seen: list[str] = []

    def fake_exec(*_args: object) -> int:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen.extend(w.windowTitle() for w in windows)
        for w in windows:
            w.close()
        return 0

    monkeypatch.setattr(crash_handler, "install", lambda **_k: None)
    monkeypatch.setattr(QApplication, "exec", fake_exec)
    assert run_desk(str(database_path)) == 0
    assert seen == ["SEND Desk — SEND team"]
