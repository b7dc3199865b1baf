"""Show any error in plain words: SendDeskError messages as they are, anything else as a friendly apology."""

from __future__ import annotations

import logging
import sys
import traceback
from types import TracebackType

from PySide6.QtWidgets import QMessageBox, QWidget

from send_desk.domain.errors import ConflictError, SendDeskError, ValidationError

log = logging.getLogger(__name__)

UNEXPECTED = (
    "Something unexpected went wrong, and SEND Desk could not finish what you asked. Nothing you typed has "
    "been saved twice or lost from the database. Try again; if it keeps happening, tell IT support and "
    "give them the details below."
)


def error_text(error: BaseException) -> str:
    """Return the words to show a person for an error."""
    if isinstance(error, SendDeskError):
        return " ".join(str(error).split())
    return UNEXPECTED


def error_title(error: BaseException) -> str:
    """Return a short title for an error dialog."""
    if isinstance(error, ConflictError):
        return "Changed by someone else"
    if isinstance(error, ValidationError):
        return "Please check"
    if isinstance(error, SendDeskError):
        return "SEND Desk"
    return "Something went wrong"


def show_error(parent: QWidget | None, error: BaseException) -> None:
    """Show an error in a message box, in plain words; unexpected errors get a friendly apology."""
    box = QMessageBox(parent)
    box.setWindowTitle(error_title(error))
    box.setText(error_text(error))
    if isinstance(error, SendDeskError):
        box.setIcon(QMessageBox.Icon.Warning)
    else:
        log.error("unexpected error", exc_info=error)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setDetailedText("".join(traceback.format_exception(error)))
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def install_excepthook(parent: QWidget | None = None) -> None:
    """Show uncaught exceptions from Qt slots in a friendly dialog instead of dying silently."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        show_error(parent, error.with_traceback(tb))

    sys.excepthook = hook
