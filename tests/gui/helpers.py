"""Drive modal dialogs by keyboard from inside their event loop."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

Step = tuple[Any, ...]


def tab(times: int = 1) -> Step:
    return ("tab", times)


def text(value: str, *, replace: bool = False) -> Step:
    return ("text", value, replace)


def key(k: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> Step:
    return ("key", k, modifier)


def check(fn: Callable[[QDialog], None]) -> Step:
    return ("check", fn)


class ModalDriver:
    """Queue keyboard steps for the next modal dialog; a failure closes it so the test never hangs."""

    def __init__(self, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.errors: list[BaseException] = []
        self.seen: list[QDialog] = []

    def drive(self, steps: Sequence[Step]) -> None:
        QTimer.singleShot(0, lambda: self._run(steps))

    def focus(self, dialog: QWidget) -> QWidget:
        widget = dialog.focusWidget()
        assert widget is not None, "nothing has the keyboard focus"
        return widget

    def _run(self, steps: Sequence[Step]) -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QDialog):
            self.errors.append(AssertionError(f"no modal dialog open (got {dialog!r})"))
            return
        self.seen.append(dialog)
        try:
            for step in steps:
                kind = step[0]
                if kind == "tab":
                    for _ in range(step[1]):
                        self.qtbot.keyClick(self.focus(dialog), Qt.Key.Key_Tab)
                elif kind == "text":
                    widget = self.focus(dialog)
                    if step[2]:
                        self.qtbot.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
                    self.qtbot.keyClicks(widget, step[1])
                elif kind == "key":
                    self.qtbot.keyClick(self.focus(dialog), step[1], step[2])
                elif kind == "check":
                    step[1](dialog)
        except BaseException as exc:
            self.errors.append(exc)
            dialog.done(QDialog.DialogCode.Rejected.value)  # not reject(): no "discard?" question
            return
        QTimer.singleShot(2000, lambda: self._watchdog(dialog))

    def _watchdog(self, dialog: QDialog) -> None:
        try:
            still_open = dialog.isVisible()
        except RuntimeError:  # already deleted
            return
        if still_open:
            modal = QApplication.activeModalWidget()
            banner = getattr(dialog, "banner", None)
            detail = banner.text() if banner is not None else ""
            if modal is not None and modal is not dialog:
                detail += f" / another modal is open: {modal!r} {getattr(modal, 'text', lambda: '')()}"
                modal.close()
            errors = [e.text() for e in getattr(dialog, "errors", {}).values() if e.text()]
            self.errors.append(AssertionError(f"{type(dialog).__name__} still open: {detail} {errors}"))
            dialog.done(QDialog.DialogCode.Rejected.value)  # not reject(): no "discard?" question

    def raise_errors(self) -> None:
        if self.errors:
            raise self.errors[0]
