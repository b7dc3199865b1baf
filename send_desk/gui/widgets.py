"""Small widgets the forms share: a typed UK date field, inline field errors and pick-list combos."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from send_desk.domain.wording import uk_date
from send_desk.gui.accessibility import announce, describe_problem, forget_problem

DateValue = date
DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d %m %Y")


def parse_uk_date(text: str) -> date | None:
    """Return the date typed as dd/mm/yyyy (or ISO); None when blank; raise ValueError when not a date."""
    text = text.strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text} is not a date. Type it as day/month/year, for example 27/11/2026.")


class DateField(QLineEdit):
    """A date typed as dd/mm/yyyy: quick by keyboard, and blank when optional."""

    def __init__(
        self, value: DateValue | None = None, parent: QWidget | None = None, *, name: str = ""
    ) -> None:
        """Show `value` (or nothing) and describe the expected format."""
        super().__init__(parent)
        self.setPlaceholderText("dd/mm/yyyy")
        self.setMaxLength(10)
        if name:
            self.setAccessibleName(name)
            self.setAccessibleDescription("A date, typed as day/month/year")
        self.set_date(value)

    def set_date(self, value: DateValue | None) -> None:
        """Show a date, or nothing."""
        self.setText(uk_date(value))

    def date(self) -> DateValue | None:
        """Return the date typed; raise ValueError when it is not a date."""
        return parse_uk_date(self.text())

    def date_or_none(self) -> DateValue | None:
        """Return the date typed, or None when it is blank or not (yet) a date."""
        try:
            return self.date()
        except ValueError:
            return None


FIELD_KEY = "sendDeskFieldKey"
"""The property naming the error line a field's problems are shown on."""


def bad_date_key(form: QWidget) -> str | None:
    """Return the key of the form's first date field whose text is not a date (None if all are)."""
    for field in form.findChildren(DateField):
        try:
            field.date()
        except ValueError:
            return str(field.property(FIELD_KEY) or "") or None
    return None


class FieldError(QLabel):
    """A plain-words error shown under a field; hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start hidden."""
        super().__init__(parent)
        self.field_widget: QWidget | None = None
        self.setProperty("role", "error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str) -> None:
        """Show a message, make it the field's accessible description and announce it."""
        self.setText(message)
        self.setVisible(bool(message))
        if self.field_widget is not None:
            describe_problem(self.field_widget, message)
        if message:
            announce(self)

    def clear_message(self) -> None:
        """Hide the message (the field gets its own description back)."""
        self.clear()
        self.hide()
        if self.field_widget is not None:
            forget_problem(self.field_widget)


def combo(items: Iterable[tuple[str, Any]], *, name: str, parent: QWidget | None = None) -> QComboBox:
    """Return a combo box of (label, value) items with an accessible name."""
    box = QComboBox(parent)
    for label, value in items:
        box.addItem(label, value)
    box.setAccessibleName(name)
    return box


def select_data(box: QComboBox, value: Any) -> None:
    """Select the item whose data equals `value`, if there is one."""
    index = box.findData(value)
    if index >= 0:
        box.setCurrentIndex(index)


def add_row(form: QFormLayout, label: str, field: QWidget, error: FieldError | None = None) -> QWidget:
    """Add a labelled field (the label is the field's buddy) with an optional error line under it."""
    caption = QLabel(label)
    caption.setBuddy(field)
    if not field.accessibleName():
        field.setAccessibleName(label.replace("&", "").rstrip(":"))
    if error is None:
        form.addRow(caption, field)
        return field
    error.field_widget = field
    clear_when_edited(field, error)
    holder = QWidget()
    holder.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    box = QVBoxLayout(holder)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(2)
    box.addWidget(field)
    box.addWidget(error)
    form.addRow(caption, holder)
    return holder


def clear_when_edited(field: QWidget, error: FieldError) -> None:
    """Hide a field's error as soon as the person changes the field (each error goes as it is fixed)."""
    signal = None
    if isinstance(field, QLineEdit):
        signal = field.textEdited
    elif isinstance(field, QComboBox):
        signal = field.currentTextChanged
    elif isinstance(field, QPlainTextEdit):
        signal = field.textChanged
    elif isinstance(field, QAbstractSpinBox):
        signal = field.editingFinished
    if signal is not None:
        signal.connect(lambda *_args: error.clear_message())


def fit_to_screen(widget: QWidget, width: int, height: int, margin: int = 32) -> None:
    """Resize a window to the size asked for, but never larger than the screen it is on."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, available.width() - margin)
        height = min(height, available.height() - margin)
    widget.resize(width, height)


def shortcut(
    parent: QWidget, key: QKeySequence | QKeySequence.StandardKey | str, slot: Callable[[], object]
) -> QShortcut:
    """Add a keyboard shortcut that works anywhere in the window."""
    made = QShortcut(QKeySequence(key), parent)
    made.activated.connect(slot)
    return made


SAVE_KEYS = ("Ctrl+Return", "Ctrl+Enter")
"""The one way every dialog saves from the keyboard (Return on the main keys, Enter on the keypad)."""
SAVE_HINT = "Ctrl+Enter saves · Esc cancels"
"""The words every dialog shows beside its buttons."""


def save_keys(dialog: QWidget, button: QPushButton, slot: Callable[[], object]) -> QLabel:
    """Make Ctrl+Enter run `slot` anywhere in the dialog; return the hint that says so, to show."""
    for key in SAVE_KEYS:
        shortcut(dialog, key, slot)
    button.setToolTip(f"{button.text().replace('&', '')} (Ctrl+Enter)")
    hint = QLabel(SAVE_HINT, dialog)
    hint.setObjectName("muted")
    hint.setProperty("saveHint", True)
    return hint


def show_beside(error: FieldError | None, message: str) -> bool:
    """Show a message beside its field and put the cursor there; False if the field is not on show."""
    field = error.field_widget if error is not None else None
    if error is None or field is None or field.isHidden() or not field.isVisibleTo(field.window()):
        return False
    error.show_message(message)
    field.setFocus()
    return True


class MessageBanner(QFrame):
    """A message across the top of a form; a "Try again" button when the problem may pass by itself."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start hidden, with the button hidden too."""
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.label.setObjectName("banner")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.retry_button = QPushButton("&Try again")
        self.retry_button.setAccessibleDescription("Run the same save again with everything you typed")
        self.retry_button.clicked.connect(self._retry_clicked)
        layout.addWidget(self.retry_button, 0, Qt.AlignmentFlag.AlignTop)
        self._retry: Callable[[], None] | None = None
        self.retry_button.hide()
        self.hide()

    def text(self) -> str:
        """Return the message shown."""
        return self.label.text()

    def setText(self, text: str) -> None:
        """Show a message without a retry."""
        self.show_message(text)

    def show_message(self, text: str, retry: Callable[[], None] | None = None) -> None:
        """Show a message; with `retry`, offer a button that runs it (the form stays as typed)."""
        self.label.setText(text)
        self._retry = retry
        self.retry_button.setVisible(retry is not None)
        self.show()
        if text:
            announce(self.label)
        if retry is not None:
            self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def clear(self) -> None:
        """Hide the message and the button."""
        self._retry = None
        self.retry_button.hide()
        self.hide()

    def _retry_clicked(self) -> None:
        retry = self._retry
        if retry is not None:
            retry()
