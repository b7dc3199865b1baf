"""What the administration dialogs share: permission checks, a list model, and inline messages."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableView,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError, ValidationError
from send_desk.gui.accessibility import announce, describe_problem, forget_problem
from send_desk.gui.errors import error_text
from send_desk.gui.style import app_icon
from send_desk.services.permissions import Action, allows, refusal

T = TypeVar("T")
AnyIndex = QModelIndex | QPersistentModelIndex


def can(desk: Desk, action: Action) -> bool:
    """Tell whether the person using the desk may do an action (to hide or disable what they may not)."""
    try:
        me = desk.staff.me()
    except SendDeskError:
        return False
    return me.active and allows(me.role, action)


@dataclass(frozen=True)
class Column(Generic[T]):
    """A column of a RowsModel: its header and how to show a row in it."""

    header: str
    show: Callable[[T], Any]
    align_right: bool = False


class RowsModel(QAbstractTableModel, Generic[T]):
    """A read-only table over a small list of immutable rows (staff, policies, days, categories, audit)."""

    def __init__(self, columns: Sequence[Column[T]], parent: QWidget | None = None) -> None:
        """Start empty with the given columns."""
        super().__init__(parent)
        self.columns = list(columns)
        self.items: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self.items = list(rows)
        self.endResetModel()

    def append_rows(self, rows: Sequence[T]) -> None:
        """Add rows at the end (the next page of a long list)."""
        if not rows:
            return
        start = len(self.items)
        self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
        self.items.extend(rows)
        self.endInsertRows()

    def row_at(self, row: int) -> T | None:
        """Return the item shown in a row, if there is one."""
        return self.items[row] if 0 <= row < len(self.items) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Return the number of rows (none under a child index)."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Return the number of columns (none under a child index)."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Return the text of a cell, or its alignment."""
        if not index.isValid() or index.row() >= len(self.items) or index.column() >= len(self.columns):
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = column.show(self.items[index.row()])
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Return the column headers."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            return self.columns[section].header
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(self.items):
            return str(section + 1)
        return None


def make_table(model: QAbstractTableModel, name: str, parent: QWidget | None = None) -> QTableView:
    """Return a keyboard-friendly, single-selection table over a model."""
    table = QTableView(parent)
    table.setModel(model)
    table.setObjectName(name)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class MessageLine(QLabel):
    """A line under a dialog's buttons: what just happened, or what went wrong, in plain words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start empty and readable by screen readers."""
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("message")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.is_error = False
        self.field: QWidget | None = None

    def say(self, text: str) -> None:
        """Show a plain message."""
        self._forget_field()
        self.is_error = False
        self.setStyleSheet("")
        self.setText(text)

    def error(self, error: BaseException, field: QWidget | None = None) -> None:
        """Show an error in plain words and announce it; with the field at fault, put the cursor there."""
        self._forget_field()
        self.is_error = True
        self.setStyleSheet("color: #a4262c;")
        self.setText(error_text(error))
        if field is not None:
            self.field = field
            describe_problem(field, self.text())
            field.setFocus()
        announce(self)

    def _forget_field(self) -> None:
        if self.field is not None:
            forget_problem(self.field)
            self.field = None


class AdminDialog(QDialog):
    """Base of the administration dialogs: title, icon, the message line, and the permission gate."""

    action: Action = Action.MANAGE_STAFF
    title = "Administration"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Set up the window for one desk."""
        super().__init__(parent)
        self.desk = desk
        self.setWindowTitle(f"{self.title} – SEND Desk")
        self.setWindowIcon(app_icon())
        self.setModal(True)
        self.message = MessageLine(self)

    @classmethod
    def allowed(cls, desk: Desk) -> bool:
        """Tell whether the person using the desk may open this dialog."""
        return can(desk, cls.action)

    @classmethod
    def open(cls, parent: QWidget | None, desk: Desk) -> QDialog | None:  # type: ignore[override]
        """Show the dialog modally (or explain why it cannot be used); return it once closed."""
        if not cls.allowed(desk):
            QMessageBox.information(parent, cls.title, refusal(cls.action))
            return None
        dialog = cls(desk, parent)
        dialog.exec()
        return dialog

    def attempt(
        self,
        work: Callable[[], T],
        done: str | Callable[[T], str] = "",
        fields: Mapping[str, QWidget] | None = None,
    ) -> T | None:
        """Run a service call; show its outcome or its error (focused on its field in `fields`)."""
        try:
            result = work()
        except SendDeskError as exc:
            key = exc.field if isinstance(exc, ValidationError) else None
            self.message.error(exc, (fields or {}).get(key or ""))
            return None
        self.message.say(done(result) if callable(done) else done)
        return result

    def confirm(self, question: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        answer = QMessageBox.question(
            self, self.title, question, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )  # fmt: skip
        return answer == QMessageBox.StandardButton.Yes
