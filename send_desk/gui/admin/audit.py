"""The audit viewer: filter by case, person, date and action; old → new values; export to Excel."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import ValidationError, to_display_time
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.gui.tasks import Progress, TaskRunner
from send_desk.gui.widgets import DateField
from send_desk.services.audit_view import AuditQuery, AuditView
from send_desk.services.permissions import Action

PAGE = 200


def audit_columns() -> list[Column[AuditView]]:
    """Return the columns of the audit table."""
    return [
        Column("When", lambda v: f"{to_display_time(v.at):%d/%m/%Y %H:%M}"),
        Column("Who", lambda v: f"{v.actor_name} ({v.login})" if v.actor_name else v.login),
        Column("Case", lambda v: v.case_reference),
        Column("Action", lambda v: v.action),
        Column("Changes", lambda v: v.summary()),
    ]


def describe(view: AuditView) -> str:
    """Return an entry as lines a person reads: one line per field, old → new."""
    lines = [
        f"{to_display_time(view.at):%d/%m/%Y %H:%M:%S}  {view.actor_name} ({view.login})",
        f"Action: {view.action}" + (f"   Case: {view.case_reference}" if view.case_reference else ""),
        "",
    ]
    if view.redacted:
        lines.append("The details were removed when the case was anonymised.")
    for change in view.changes:
        old = "(none)" if change.old is None else change.old
        new = "(none)" if change.new is None else change.new
        lines.append(f"{change.field}: {old} → {new}")
    for key, value in view.details.items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


class AuditDialog(AdminDialog):
    """Search the audit trail, read an entry in full, and export what the filters select."""

    action = Action.VIEW_AUDIT
    title = "Audit trail"

    def __init__(
        self,
        desk: Desk,
        parent: QWidget | None = None,
        *,
        case_reference: str = "",
        runner: TaskRunner | None = None,
    ) -> None:
        """Build the filters, the table and the detail pane, then show the newest entries."""
        super().__init__(desk, parent)
        self.service = desk.audit
        self.runner = runner or TaskRunner(self)
        self.query = AuditQuery()

        filters = QFormLayout()
        self.case_filter = QLineEdit(case_reference, self)
        self.case_filter.setAccessibleName("Case reference")
        self.case_filter.setPlaceholderText("e.g. SD-2026-00042")
        self.person_filter = QLineEdit(self)
        self.person_filter.setAccessibleName("Person")
        self.person_filter.setPlaceholderText("a login or part of a name")
        self.date_from = DateField(parent=self, name="From")
        self.date_to = DateField(parent=self, name="To")
        self.action_filter = QComboBox(self)
        self.action_filter.setAccessibleName("Action")
        self.action_filter.addItem("Any action", None)
        for name in self.service.actions():
            self.action_filter.addItem(name, name)
        dates = QHBoxLayout()
        dates.addWidget(self.date_from)
        dates.addWidget(self.date_to)
        filters.addRow("&Case", self.case_filter)
        filters.addRow("&Person", self.person_filter)
        dates_label = QLabel("&From / to", self)
        dates_label.setBuddy(self.date_from)  # a label with no buddy shows its & as a character
        filters.addRow(dates_label, dates)
        filters.addRow("&Action", self.action_filter)
        self.search_button = QPushButton("&Search", self)
        self.search_button.setDefault(True)
        self.search_button.clicked.connect(self.search)
        for field in (self.case_filter, self.person_filter, self.date_from, self.date_to):
            field.returnPressed.connect(self.search)

        self.model: RowsModel[AuditView] = RowsModel(audit_columns(), self)
        self.table = make_table(self.model, "Audit entries", self)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.detail = QPlainTextEdit(self)
        self.detail.setReadOnly(True)
        self.detail.setAccessibleName("Entry in full")
        self.more_button = QPushButton("Show &more", self)
        self.more_button.clicked.connect(self.more)
        self.export_button = QPushButton("&Export to Excel…", self)
        self.export_button.clicked.connect(self.export)

        buttons = QHBoxLayout()
        buttons.addWidget(self.search_button)
        buttons.addWidget(self.more_button)
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.detail, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(1000, 700)
        self.search()

    def read_filters(self) -> AuditQuery | None:
        """Return the filters typed, or None (with a message) when a date is not a date."""
        try:
            date_from = self.date_from.date()
            date_to = self.date_to.date()
        except ValueError as exc:
            self.message.error(ValidationError(str(exc)))
            return None
        return AuditQuery(
            case_reference=self.case_filter.text().strip() or None,
            login=self.person_filter.text().strip() or None,
            date_from=date_from,
            date_to=date_to,
            action=self.action_filter.currentData(),
        )

    def search(self) -> None:
        """Show the newest entries the filters select."""
        query = self.read_filters()
        if query is None:
            return
        self.query = query
        rows = self.attempt(lambda: self._page(0))
        if rows is None:
            return
        self.model.set_rows(rows)
        self.more_button.setEnabled(len(rows) == PAGE)
        total = self.attempt(lambda: self.service.count(query))
        if total is not None:
            self.message.say(f"{total} entr{'y' if total == 1 else 'ies'} match.")
        if rows:
            self.table.selectRow(0)
        else:
            self.detail.clear()

    def more(self) -> None:
        """Show the next page of older entries."""
        rows = self.attempt(lambda: self._page(len(self.model.items)))
        if rows is not None:
            self.model.append_rows(rows)
            self.more_button.setEnabled(len(rows) == PAGE)

    def choose_export_path(self) -> Path | None:
        """Ask where to save the export (tests replace this)."""
        name, _filter = QFileDialog.getSaveFileName(
            self, "Export the audit trail", "audit-trail.xlsx", "Excel workbook (*.xlsx)"
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")

    def export(self) -> None:
        """Export every entry the filters select, off the GUI thread with a progress dialog."""
        query = self.read_filters()
        path = self.choose_export_path() if query is not None else None
        if query is None or path is None:
            return
        service = self.service

        def steps() -> Generator[Progress, None, int]:
            written = 0
            for written in service.export_xlsx(path, query):
                yield Progress(written, 0, f"{written} entries written")
            return written

        self.export_button.setEnabled(False)
        self.runner.run_steps(
            steps,
            on_done=lambda n: self._exported(path, n),
            on_error=self._export_failed,
            on_cancel=lambda: self.export_button.setEnabled(True),
            label="Exporting the audit trail…",
        )

    def _exported(self, path: Path, count: int) -> None:
        self.export_button.setEnabled(True)
        self.message.say(f"Exported {count} entries to {path}.")

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        self.message.error(error)

    def _page(self, offset: int) -> list[AuditView]:
        q = self.query
        return self.service.search(
            q.case_reference, q.login, q.date_from, q.date_to, q.action, limit=PAGE, offset=offset
        )

    def _selected(self, *_args: object) -> None:
        rows = self.table.selectionModel().selectedRows()
        view = self.model.row_at(rows[0].row()) if rows else None
        self.detail.setPlainText(describe(view) if view is not None else "")
