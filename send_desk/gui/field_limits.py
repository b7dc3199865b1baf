"""Field lengths in the forms: a count near the limit and a plain message over it, as the person types.

Nothing typed or pasted is cut: the box takes any length, the message says how much to shorten, and the
save is refused with the same words by the service (domain/limits.py holds the one table).
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLayout, QLineEdit, QPlainTextEdit, QWidget

from send_desk.domain.limits import counter_text, too_long

NO_CUT = 10_000_000
"""The length a line box is allowed, far past every limit, so Qt never cuts pasted text without a word."""


class LengthHint(QLabel):
    """The line under a limited field: empty until near the limit, then the count, then the message."""

    def __init__(self, field: str, parent: QWidget | None = None) -> None:
        """Start empty and hidden."""
        super().__init__(parent)
        self.field = field
        self.setWordWrap(True)
        self.setObjectName("muted")
        self.hide()

    def update_for(self, value: str, box: QWidget) -> None:
        """Show the count or the message for the text now in the box."""
        message = counter_text(self.field, value)
        over = too_long(self.field, value) is not None
        self.setText(message)
        self.setProperty("role", "error" if over else "")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(message))
        box.setAccessibleDescription(message if over else "")


def watch_length(box: QLineEdit | QPlainTextEdit, field: str) -> LengthHint:
    """Put a length hint under a field that already sits in a form row (see `widgets.add_row`)."""
    hint = LengthHint(field)
    holder = box.parentWidget()
    layout: QLayout | None = holder.layout() if holder is not None else None
    if layout is not None and layout.indexOf(box) >= 0:
        layout.insertWidget(layout.indexOf(box) + 1, hint)  # type: ignore[attr-defined]
    if isinstance(box, QLineEdit):
        box.setMaxLength(NO_CUT)
        box.textChanged.connect(lambda text: hint.update_for(text, box))
        hint.update_for(box.text(), box)
    else:
        box.textChanged.connect(lambda: hint.update_for(box.toPlainText(), box))
        hint.update_for(box.toPlainText(), box)
    return hint
