"""The crash handler logs uncaught exceptions to a rotating file and shows a dialog with Copy details."""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton

from send_desk.gui import crash_handler
from send_desk.gui.crash_handler import CrashHandler


class Boom(QObject):
    fired = Signal()


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    """Record the boxes the handler shows instead of blocking on them."""
    boxes: list[QMessageBox] = []

    def fake_exec(box: QMessageBox) -> int:
        boxes.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    return boxes


@pytest.fixture
def handler(tmp_path: Path, qapp: QApplication) -> Iterator[CrashHandler]:
    installed = crash_handler.install(tmp_path / "logs")
    yield installed
    installed.uninstall()


def test_install_has_no_effect_until_called() -> None:
    assert sys.excepthook is not CrashHandler.handle
    assert crash_handler.LOG_FILE_NAME == "send-desk.log"


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_slot_is_logged_and_shown(
    qtbot, handler: CrashHandler, shown: list[QMessageBox]
) -> None:
    boom = Boom()

    def slot() -> None:
        raise RuntimeError("the printer caught fire")

    boom.fired.connect(slot)
    boom.fired.emit()

    assert len(shown) == 1
    box = shown[0]
    assert box.windowTitle() == "Something went wrong"
    assert box.text().startswith("Something went wrong, and SEND Desk could not finish")
    assert "RuntimeError: the printer caught fire" in box.detailedText()
    assert "Copy details" in [b.text().replace("&", "") for b in box.buttons()]
    log_text = (handler.log_dir / "send-desk.log").read_text(encoding="utf-8")
    assert "Uncaught exception" in log_text
    assert "Traceback (most recent call last)" in log_text
    assert "RuntimeError: the printer caught fire" in log_text
    assert "in slot" in log_text


@pytest.mark.qt_no_exception_capture
def test_copy_details_puts_the_traceback_on_the_clipboard_and_keeps_the_box_open(
    qtbot, handler: CrashHandler, qapp: QApplication
) -> None:
    box = handler.make_dialog("Traceback: details for IT")
    qtbot.addWidget(box)
    copy = next(b for b in box.buttons() if b.text().replace("&", "") == "Copy details")
    assert isinstance(copy, QPushButton)
    box.show()

    copy.click()

    assert qapp.clipboard().text() == "Traceback: details for IT"
    assert box.isVisible()
    box.close()


@pytest.mark.qt_no_exception_capture
def test_exception_in_a_worker_thread_reaches_the_gui_thread(
    qtbot, handler: CrashHandler, shown: list[QMessageBox]
) -> None:
    def work() -> None:
        raise ValueError("bad row in the import")

    worker = threading.Thread(target=work, name="import-worker")
    worker.start()
    worker.join()

    qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
    assert "ValueError: bad row in the import" in shown[0].detailedText()
    assert "Thread: import-worker" in shown[0].detailedText()
    assert "in thread import-worker" in (handler.log_dir / "send-desk.log").read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture
def test_a_burst_of_errors_shows_one_box_at_a_time(
    qtbot, handler: CrashHandler, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.detailedText())
        try:
            raise KeyError("second")
        except KeyError:
            handler.handle(*sys.exc_info())  # type: ignore[arg-type]
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    QTimer.singleShot(0, lambda: (_ for _ in ()).throw(OSError("first")))
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=2000)
    qtbot.wait(50)

    assert len(shown) == 1
    assert "KeyError: 'second'" in handler.last_details
    assert (handler.log_dir / "send-desk.log").read_text(encoding="utf-8").count("Uncaught exception") == 2


def test_uninstall_restores_the_hooks(tmp_path: Path, qapp: QApplication) -> None:
    before, before_thread = sys.excepthook, threading.excepthook
    installed = crash_handler.install(tmp_path / "logs")
    assert sys.excepthook == installed.handle
    installed.uninstall()
    assert sys.excepthook is before
    assert threading.excepthook is before_thread
    assert all(not isinstance(h, logging.handlers.RotatingFileHandler) for h in logging.getLogger().handlers)
