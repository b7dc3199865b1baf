"""GUI fixtures: isolated QSettings, the app style, and a main window over the test desk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from send_desk.bootstrap import Desk
from send_desk.gui.main_window import MainWindow
from send_desk.gui.settings import desk_settings
from send_desk.gui.style import STYLE_SHEET
from send_desk.gui.tasks import TaskRunner


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, qapp: QApplication) -> Iterator[Path]:
    """Keep QSettings in the test's own folder."""
    folder = tmp_path / "settings"
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    qapp.setStyleSheet(STYLE_SHEET)
    return folder


@pytest.fixture
def window(qtbot, desk: Desk) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    """Return the main window over the test desk, loading synchronously for exact assertions."""
    win = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    win.runner.setParent(win)
    qtbot.addWidget(win)
    win.show()
    yield win
    for view in list(win.case_views.values()):
        view.close()
