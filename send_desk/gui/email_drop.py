"""Files dropped on a window: on a case, they become its documents; on the main window, an email a new case.

Kept light (no forms, no services) because the main window installs it at start-up.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow, QWidget

EMAIL_SUFFIXES = (".eml", ".msg")


def dropped_files(urls: Sequence[QUrl]) -> list[Path]:
    """Return the local files among dropped URLs (folders and web links are left out)."""
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [path for path in paths if path.is_file()]


class FileDrop(QObject):
    """Take files dropped anywhere on a window (on any part that does not take drops itself)."""

    def __init__(self, target: QWidget, take: Callable[[list[Path]], object]) -> None:
        """Watch the window for dragged and dropped files."""
        super().__init__(target)
        self.take = take
        target.setAcceptDrops(True)
        target.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept dragged files; hand dropped ones over."""
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if event.mimeData().hasUrls() and dropped_files(event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            files = dropped_files(event.mimeData().urls()) if event.mimeData().hasUrls() else []
            if files:
                event.acceptProposedAction()
                self.take(files)
                return True
        return False


def take_emails(window: QMainWindow, take: Callable[[Path], object]) -> FileDrop:
    """Let the main window log a new case from an email dropped on it (the first email of a drop)."""

    def dropped(files: list[Path]) -> None:
        emails = [path for path in files if path.suffix.lower() in EMAIL_SUFFIXES]
        if emails:
            take(emails[0])
        else:
            window.statusBar().showMessage(
                "Drop an email (.eml or .msg) here to log a new case from it. Other files go on a case: "
                "open the case and drop them on its Documents tab.",
                10000,
            )

    return FileDrop(window, dropped)
