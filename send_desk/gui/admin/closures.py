"""Office closure days and one-off national bank holidays."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import ValidationError
from send_desk.domain.wording import uk_day
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.gui.widgets import DateField
from send_desk.services.closures import ClosureView
from send_desk.services.permissions import Action


def closure_columns() -> list[Column[ClosureView]]:
    """Return the columns of the closure-day table."""
    return [
        Column("Day", lambda d: uk_day(d.day)),
        Column("What", lambda d: d.description),
        Column(
            "Counts for", lambda d: "Every kind (bank holiday)" if d.national else "Kinds that skip closures"
        ),
    ]


class ClosuresDialog(AdminDialog):
    """The list of closure days with a form to add one (or a one-off bank holiday) and a remove button."""

    action = Action.MANAGE_CLOSURES
    title = "Closure days and holidays"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the list and the form, then load the days."""
        super().__init__(desk, parent)
        self.model: RowsModel[ClosureView] = RowsModel(closure_columns(), self)
        self.table = make_table(self.model, "Closure days", self)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        box = QGroupBox("Add a day", self)
        form = QFormLayout(box)
        self.day = DateField(parent=box, name="Day")
        self.description = QLineEdit(box)
        self.description.setAccessibleName("What")
        self.description.setPlaceholderText("e.g. Christmas closure, State funeral")
        self.national = QCheckBox("A one-off national bank holiday (counts for every kind of case)", box)
        self.add_button = QPushButton("&Add day", box)
        self.add_button.clicked.connect(self.add)
        form.addRow("&Day", self.day)
        form.addRow("&What", self.description)
        form.addRow("", self.national)
        form.addRow("", self.add_button)

        self.remove_button = QPushButton("&Remove the selected day", self)
        self.remove_button.clicked.connect(self.remove)
        note = QLabel(
            "Due dates already worked out do not move when days change. Use Target policies ▸ Preview "
            "recalculation to move open cases.",
            self,
        )
        note.setWordWrap(True)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.remove_button)
        layout.addWidget(box)
        layout.addWidget(note)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(640, 560)
        self.reload()

    def reload(self) -> None:
        """Read the days again."""
        self.model.set_rows(self.desk.closures.list_days())
        self._selected()

    def selected(self) -> ClosureView | None:
        """Return the day selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def add(self) -> None:
        """Add the day typed in the form."""
        try:
            day = self.day.date()
        except ValueError as exc:
            self.message.error(ValidationError(str(exc)))
            return
        if day is None:
            self.message.error(ValidationError("Type the day to add, for example 29/12/2026."))
            return
        description = self.description.text()
        if self.national.isChecked():
            added = self.attempt(lambda: self.desk.closures.add_national_holiday(day, description))
        else:
            added = self.attempt(lambda: self.desk.closures.add([day], description=description))
        if added is None:
            return
        self.message.say(f"Added {uk_day(day)}." if added else f"{uk_day(day)} was already in the list.")
        self.day.clear()
        self.description.clear()
        self.national.setChecked(False)
        self.reload()

    def remove(self) -> None:
        """Remove the selected day after confirmation."""
        chosen = self.selected()
        if chosen is None or not self.confirm(f"Remove {uk_day(chosen.day)} ({chosen.description})?"):
            return
        if (
            self.attempt(lambda: self.desk.closures.remove([chosen.day]), f"Removed {uk_day(chosen.day)}.")
            is not None
        ):
            self.reload()

    def _selected(self, *_args: object) -> None:
        self.remove_button.setEnabled(self.selected() is not None)
