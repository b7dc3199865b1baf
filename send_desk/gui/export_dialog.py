"""File ▸ Export…: choose the file, which cases and whether to pseudonymise; export in the background.

Entry point: `ExportDialog.ask(parent, desk, case_filter=...)` shows the dialog and, when accepted, starts
the export on the window's task runner (progress after 0.5 s, Cancel removes the partial file). It returns
the `ExportRequest` that was started, or None when the person cancelled the dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.gui.errors import show_error
from send_desk.gui.settings import EXPORT_COLUMNS, desk_settings
from send_desk.gui.tasks import Task, TaskRunner
from send_desk.gui.widgets import DateField, FieldError
from send_desk.paths import typed_path
from send_desk.reports.sheet_fields import CASE_COLUMNS, DEFAULT_COLUMNS
from send_desk.services.spreadsheets import ExportOutcome
from send_desk.values.cases import CaseFilter
from send_desk.values.progress import Progress


@dataclass(frozen=True)
class ExportRequest:
    """What to export, where, and whether to pseudonymise."""

    path: Path
    case_filter: CaseFilter
    pseudonymise: bool = False
    columns: tuple[str, ...] = ()
    """The chosen columns' headers, in order (empty: the default choice)."""


class ColumnChooser(QWidget):
    """The export's columns: tick to include, order with the buttons or by dragging; every column listed."""

    def __init__(self, chosen: Sequence[str], parent: QWidget | None = None) -> None:
        """List the chosen columns first (in their order, ticked), then the rest (unticked)."""
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Columns to export")
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        known = [column.header for column in CASE_COLUMNS]
        picked = [header for header in chosen if header in known] or [c.header for c in DEFAULT_COLUMNS]
        self._fill(picked)
        buttons = QVBoxLayout()
        for text, slot in (
            ("Move &up", lambda: self.move_by(-1)),
            ("Move &down", lambda: self.move_by(1)),
            ("Usual &columns", lambda: self._fill([c.header for c in DEFAULT_COLUMNS])),
            ("&Every field", lambda: self._fill(known)),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.list, 1)
        row.addLayout(buttons)

    def _fill(self, picked: Sequence[str]) -> None:
        self.list.clear()
        rest = [c.header for c in CASE_COLUMNS if c.header not in picked]
        for header in [*picked, *rest]:
            item = QListWidgetItem(header, self.list)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if header in picked else Qt.CheckState.Unchecked)

    def move_by(self, step: int) -> None:
        """Move the selected column up (-1) or down (1)."""
        row = self.list.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def set_chosen(self, headers: Sequence[str]) -> None:
        """Tick exactly these columns, in this order (the rest follow, unticked)."""
        self._fill(list(headers))

    def chosen(self) -> tuple[str, ...]:
        """Return the ticked columns' headers in the order shown."""
        items = (self.list.item(row) for row in range(self.list.count()))
        return tuple(item.text() for item in items if item.checkState() == Qt.CheckState.Checked)


def default_path(today: date, folder: Path | None = None) -> Path:
    """Return a sensible file name in the person's Documents folder (or home)."""
    base = folder or (Path.home() / "Documents" if (Path.home() / "Documents").is_dir() else Path.home())
    return base / f"SEND cases {today:%Y-%m-%d}.xlsx"


class ExportDialog(QDialog):
    """Ask where to save the export, which cases to include and whether to pseudonymise."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        case_filter: CaseFilter | None,
        today: date,
        folder: Path | None = None,
        columns: Sequence[str] = (),
        must_pseudonymise: bool = False,
    ) -> None:
        """Build the form; the register's current filter is the default choice when there is one.

        `columns` are the headers chosen last time, in order; `must_pseudonymise` is the team's rule.
        """
        super().__init__(parent)
        self.setWindowTitle("Export to Excel or CSV")
        self.case_filter = case_filter
        self.path_edit = QLineEdit(str(default_path(today, folder)))
        self.path_edit.setAccessibleName("File to save")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)

        self.shown = QRadioButton("The cases shown in the register (its filters and search)")
        self.every = QRadioButton("Every case")
        self.range = QRadioButton("Cases received between:")
        self.scope = QButtonGroup(self)
        for button in (self.shown, self.every, self.range):
            self.scope.addButton(button)
        self.shown.setEnabled(case_filter is not None)
        (self.shown if case_filter is not None else self.every).setChecked(True)
        self.date_from = DateField(
            date(today.year, 1, 1) if today.month > 3 else date(today.year - 1, 4, 1), name="Received from"
        )
        self.date_to = DateField(today, name="Received to")
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel("and"))
        dates.addWidget(self.date_to)
        dates.addStretch(1)

        self.pseudonymise = QCheckBox(
            "Pseudonymise: replace names, emails, phones and addresses by tokens, "
            "leave out summaries and other free text (for sharing for analysis)"
        )
        if must_pseudonymise:
            self.pseudonymise.setChecked(True)
            self.pseudonymise.setEnabled(False)
            self.pseudonymise.setToolTip("Your team exports pseudonymised data only (set by a manager).")
        self.columns = ColumnChooser(columns, self)
        self.error = FieldError(self)

        form = QFormLayout()
        form.addRow("Save as", row)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Which cases"))
        for button in (self.shown, self.every, self.range):
            layout.addWidget(button)
        layout.addLayout(dates)
        layout.addWidget(self.pseudonymise)
        layout.addWidget(QLabel("Columns (tick the ones to export; drag or use the buttons to order them)"))
        layout.addWidget(self.columns)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Export",
            self.path_edit.text(),
            "Excel workbook (*.xlsx);;CSV for other systems, UTF-8 (*.csv)",
        )
        if name:
            self.path_edit.setText(name)

    def request(self) -> ExportRequest:
        """Return what the form asks for; raise ValueError with a plain reason when it is not complete."""
        text = self.path_edit.text().strip()
        if not text:
            raise ValueError("Choose where to save the export.")
        path = typed_path(text)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + ".xlsx")
        columns = self.columns.chosen()
        if not columns:
            raise ValueError("Tick at least one column to export.")
        if not path.parent.is_dir():
            raise ValueError(f"The folder {path.parent} does not exist.")
        if self.shown.isChecked() and self.case_filter is not None:
            case_filter = self.case_filter
        elif self.range.isChecked():
            start, end = self.date_from.date(), self.date_to.date()
            if start and end and start > end:
                raise ValueError("The first date is after the second.")
            case_filter = CaseFilter(status="all", received_from=start, received_to=end)
        else:
            case_filter = CaseFilter(status="all")
        return ExportRequest(path, case_filter, self.pseudonymise.isChecked(), columns)

    def accept(self) -> None:
        """Close only when the form is complete (and an existing file may be replaced)."""
        try:
            request = self.request()
        except ValueError as exc:
            self.error.show_message(str(exc))
            return
        if request.path.exists() and not self.confirm_replace(request.path):
            return
        self.path_edit.setText(str(request.path))
        super().accept()

    def confirm_replace(self, path: Path) -> bool:
        """Ask before replacing an existing file."""
        answer = QMessageBox.question(self, "Replace the file?", f"{path.name} already exists. Replace it?")
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        desk: Desk,
        case_filter: CaseFilter | None = None,
        *,
        runner: TaskRunner | None = None,
        on_done: Callable[[ExportOutcome], None] | None = None,
        settings: QSettings | None = None,
    ) -> ExportRequest | None:
        """Show the dialog, start the export in the background; return the request (None if cancelled).

        The chosen columns are remembered (per person) for next time.
        """
        settings = settings or getattr(parent, "settings", None) or desk_settings()
        dialog = cls(
            parent,
            case_filter=case_filter,
            today=desk.today(),
            columns=EXPORT_COLUMNS.read(settings),
            must_pseudonymise=desk.export_log.must_pseudonymise(),
        )
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return None
            request = dialog.request()
        finally:
            dialog.deleteLater()
        EXPORT_COLUMNS.write(settings, request.columns)
        start_export(parent, desk, request, runner=runner, on_done=on_done)
        return request


def export_steps(desk: Desk, request: ExportRequest) -> Generator[Progress, None, ExportOutcome]:
    """Run the export as steps of GUI progress (called on the worker thread)."""
    return (
        yield from desk.exports.export(
            request.path,
            request.case_filter,
            pseudonymise=request.pseudonymise,
            columns=request.columns or None,
        )
    )


def start_export(
    parent: QWidget | None,
    desk: Desk,
    request: ExportRequest,
    *,
    runner: TaskRunner | None = None,
    on_done: Callable[[ExportOutcome], None] | None = None,
) -> Task:
    """Start an export on the task runner (the window's, if it has one); report where the file went."""
    runner = runner or getattr(parent, "runner", None) or TaskRunner(parent)

    def done(outcome: ExportOutcome) -> None:
        if on_done is not None:
            on_done(outcome)
            return
        announce(parent, outcome)

    return runner.run_steps(
        lambda: export_steps(desk, replace(request)),
        on_done=done,
        on_error=lambda exc: show_error(parent, exc),
        label="Exporting…",
    )


def announce(parent: QWidget | None, outcome: ExportOutcome) -> None:
    """Tell the person the export is ready (in the status bar of a main window, else a message)."""
    words = f"Exported {outcome.cases:,} cases to {outcome.path}"
    if outcome.pseudonymised:
        words += " (pseudonymised)"
    if isinstance(parent, QMainWindow):
        parent.statusBar().showMessage(words, 15000)
    else:
        QMessageBox.information(parent, "Export finished", words)


__all__: list[Any] = ["ExportDialog", "ExportRequest", "start_export"]
