"""Files dropped on a window: an email dropped on the main window becomes a new case (light to import)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QMainWindow

EMAIL_SUFFIXES = (".eml", ".msg")


def dropped_files(urls: Sequence[QUrl]) -> list[Path]:
    """Return the local files among dropped URLs (folders and web links are left out)."""
    paths = [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]
    return [path for path in paths if path.is_file()]


class EmailDrop(QObject):
    """Take an email dropped anywhere on the main window as a new case."""

    def __init__(self, window: QMainWindow, take: Callable[[Path], object]) -> None:
        """Watch the window for dropped files."""
        super().__init__(window)
        self.window = window
        self.take = take
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Accept dragged files; on a drop, log a new case from the first email among them."""
        if event.type() in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            assert isinstance(event, QDragEnterEvent | QDropEvent)
            if event.mimeData().hasUrls() and dropped_files(event.mimeData().urls()):
                event.acceptProposedAction()
                return True
        elif event.type() == QEvent.Type.Drop:
            assert isinstance(event, QDropEvent)
            files = dropped_files(event.mimeData().urls()) if event.mimeData().hasUrls() else []
            if not files:
                return False
            event.acceptProposedAction()
            emails = [path for path in files if path.suffix.lower() in EMAIL_SUFFIXES]
            if emails:
                self.take(emails[0])
            else:
                self.window.statusBar().showMessage(
                    "Drop an email (.eml or .msg) here to log a new case from it. Other files go on a "
                    "case: open the case and drop them on its Documents tab.",
                    10000,
                )
            return True
        return False
