"""Tell screen readers what changed: every alert the desk raises goes through `announce`."""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import QLabel, QWidget

_OWN_DESCRIPTION = "sendDeskOwnDescription"


def announce(widget: QLabel) -> None:
    """Raise an alert on a message that just appeared, so a screen reader reads it out at once.

    The Alert event is what Windows screen readers hear; on Linux Qt's AT-SPI bridge sends nothing for it,
    so the message also goes as an assertive announcement (read at once by Orca).
    """
    QAccessible.updateAccessibility(QAccessibleEvent(widget, QAccessible.Event.Alert))
    spoken = QAccessibleAnnouncementEvent(widget, widget.text())
    spoken.setPoliteness(QAccessible.AnnouncementPoliteness.Assertive)
    QAccessible.updateAccessibility(spoken)


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
