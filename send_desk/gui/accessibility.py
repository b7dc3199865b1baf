"""Tell screen readers what changed: every alert the desk raises goes through `announce`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QWidget

_OWN_DESCRIPTION = "sendDeskOwnDescription"
_held: list[list[QLabel]] = []
"""The messages held back by `held_announcements`, innermost last (the GUI thread only)."""


def announce(widget: QLabel) -> None:
    """Raise an alert on a message that just appeared, so a screen reader reads it out at once.

    The Alert event is what Windows screen readers hear; on Linux Qt's AT-SPI bridge sends nothing for it,
    so the message also goes as an assertive announcement (read at once by Orca).
    """
    if _held:
        _held[-1].append(widget)
        return
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
    spoken = QAccessibleAnnouncementEvent(widget, widget.text())
    spoken.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(spoken)


@contextmanager
def held_announcements() -> Iterator[list[QLabel]]:
    """Hold back what is announced inside; the caller gets the messages and says them once."""
    held: list[QLabel] = []
    _held.append(held)
    try:
        yield held
    finally:
        _held.pop()


def problems_summary(messages: Sequence[str]) -> str:
    """Return problems as one message ("3 problems: A. B. C."); a single problem as it is."""
    unique = list(dict.fromkeys(messages))
    return unique[0] if len(unique) == 1 else f"{len(unique)} problems: {' '.join(unique)}"


def describe_problem(field: QWidget, message: str) -> None:
    """Make an error message the field's accessible description (its own description is kept aside)."""
    if field.property(_OWN_DESCRIPTION) is None:
        field.setProperty(_OWN_DESCRIPTION, field.accessibleDescription())
    field.setAccessibleDescription(message)


def forget_problem(field: QWidget) -> None:
    """Give a field back its own accessible description once its error is cleared."""
    own = field.property(_OWN_DESCRIPTION)
    if own is not None:
        field.setAccessibleDescription(str(own))
        field.setProperty(_OWN_DESCRIPTION, None)
