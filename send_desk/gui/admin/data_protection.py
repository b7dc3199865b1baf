"""Data protection: retention (anonymise old closed cases) and the subject access finder."""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import ValidationError
from send_desk.domain.wording import uk_date, uk_datetime
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.gui.tasks import Progress, TaskRunner
from send_desk.gui.widgets import DateField
from send_desk.services.export_log import ExportLogEntry
from send_desk.services.permissions import Action
from send_desk.services.retention import RetentionItem, RetentionResult
from send_desk.services.subject_access import documents_folder
from send_desk.values.cases import CaseRow


def retention_columns() -> list[Column[RetentionItem]]:
    """Return the columns of the retention preview."""
    return [
        Column("Case", lambda i: i.reference),
        Column("Kind", lambda i: i.kind.label),
        Column("Closed", lambda i: uk_date(i.closed_on)),
    ]


def case_columns() -> list[Column[CaseRow]]:
    """Return the columns of the subject access results."""
    return [
        Column("Case", lambda r: r.reference),
        Column("Kind", lambda r: r.kind.label),
        Column("Received", lambda r: uk_date(r.received_on)),
        Column("Status", lambda r: r.status.value.capitalize()),
        Column("Contact", lambda r: r.contact_name),
        Column("Child", lambda r: r.child_name),
    ]


class RetentionDialog(AdminDialog):
    """Preview the cases due for anonymising, then anonymise them after confirmation."""

    action = Action.RETENTION
    title = "Retention"

    def __init__(
        self, desk: Desk, parent: QWidget | None = None, *, runner: TaskRunner | None = None
    ) -> None:
        """Build the cut-off field, the preview and the buttons."""
        super().__init__(desk, parent)
        self.service = desk.retention
        self.runner = runner or TaskRunner(self)
        explanation = QLabel(
            "Cases closed more than six years ago lose every personal detail: names, dates of birth, "
            "contact details, identifiers and free text. Kind, category, dates, outcome and remedies stay, "
            "so the reports do not change. This cannot be undone.",
            self,
        )
        explanation.setWordWrap(True)
        self.compaction = QLabel(self)
        self.compaction.setWordWrap(True)
        self.compaction.setAccessibleDescription("Compaction")  # read as what it shows
        self.show_compaction()
        self.cutoff = DateField(self.service.default_cutoff(), self, name="Closed before")
        form = QFormLayout()
        form.addRow("Cases closed &before", self.cutoff)
        self.model: RowsModel[RetentionItem] = RowsModel(retention_columns(), self)
        self.table = make_table(self.model, "Cases to anonymise", self)
        self.preview_button = QPushButton("&Preview", self)
        self.preview_button.clicked.connect(self.preview)
        self.apply_button = QPushButton("&Anonymise these cases", self)
        self.apply_button.setEnabled(False)
        self.apply_button.clicked.connect(self.apply)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.apply_button)
        buttons.addStretch()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.compaction)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(640, 560)

    def show_compaction(self) -> None:
        """Say whether compaction is owed (anonymised text may still be in the database's files)."""
        note = self.attempt(self.service.compaction_note, lambda _note: "")
        self.compaction.setText(note or "")

    def preview(self) -> None:
        """List the cases the cut-off selects."""
        try:
            cutoff = self.cutoff.date()
        except ValueError as exc:
            self.message.error(ValidationError(str(exc)))
            return
        result = self.attempt(
            lambda: self.service.preview(cutoff),
            lambda p: f"{p.count} case(s) closed before {uk_date(p.cutoff)} would be anonymised.",
        )
        if result is not None:
            self.model.set_rows(result.items)
            self.apply_button.setEnabled(result.count > 0)

    def apply(self) -> None:
        """Anonymise the previewed cases after confirmation, off the GUI thread."""
        count = len(self.model.items)
        cutoff = self.cutoff.date_or_none()
        if not count or not self.confirm(
            f"Anonymise {count} case(s)? Their personal details are removed for good; this is audited."
        ):
            return
        service = self.service
        self.apply_button.setEnabled(False)
        self.runner.run(
            lambda: service.anonymise(cutoff),
            on_done=self._done,
            on_error=self.message.error,
            label="Anonymising old cases…",
        )

    def _done(self, result: RetentionResult) -> None:
        self.model.set_rows([])
        self.show_compaction()
        removed = result.documents_removed
        self.message.say(
            f"Anonymised {result.count} case(s)."
            + (f" Removed the {removed} document(s) kept against them." if removed else "")
        )


def documents_note(pack: Path) -> str:
    """Return where a subject-access pack's documents were copied, or nothing when there were none."""
    folder = documents_folder(pack)
    return f" Their documents are in {folder}." if folder.is_dir() else ""


class SubjectAccessDialog(AdminDialog):
    """Find every case that mentions a person and export them as one pack."""

    action = Action.SUBJECT_ACCESS
    title = "Subject access finder"

    def __init__(
        self, desk: Desk, parent: QWidget | None = None, *, runner: TaskRunner | None = None
    ) -> None:
        """Build the search fields, the results and the export button."""
        super().__init__(desk, parent)
        self.service = desk.subject_access
        self.runner = runner or TaskRunner(self)
        form = QFormLayout()
        self.name = QLineEdit(self)
        self.name.setAccessibleName("Name")
        self.email = QLineEdit(self)
        self.email.setAccessibleName("Email")
        self.phone = QLineEdit(self)
        self.phone.setAccessibleName("Phone")
        self.child = QLineEdit(self)
        self.child.setAccessibleName("Child's name")
        form.addRow("&Name", self.name)
        form.addRow("&Email", self.email)
        form.addRow("&Phone", self.phone)
        form.addRow("&Child's name", self.child)
        for field in (self.name, self.email, self.phone, self.child):
            field.returnPressed.connect(self.search)
        self.find_button = QPushButton("&Find", self)
        self.find_button.setDefault(True)
        self.find_button.clicked.connect(self.search)
        self.export_button = QPushButton("E&xport the pack…", self)
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.model: RowsModel[CaseRow] = RowsModel(case_columns(), self)
        self.table = make_table(self.model, "Cases that mention the person", self)
        buttons = QHBoxLayout()
        buttons.addWidget(self.find_button)
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(800, 560)

    def search(self) -> None:
        """List every case mentioning the person typed."""
        rows = self.attempt(
            lambda: self.service.find_mentions(
                self.name.text(), self.email.text(), self.phone.text(), self.child.text()
            ),
            lambda found: f"{len(found)} case(s) mention this person.",
        )
        if rows is not None:
            self.model.set_rows(rows)
            self.export_button.setEnabled(bool(rows))

    def choose_export_path(self) -> Path | None:
        """Ask where to save the pack (tests replace this)."""
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the subject access pack", "subject-access.xlsx", "Excel workbook (*.xlsx)"
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".xlsx" else path.with_suffix(".xlsx")

    def export(self) -> None:
        """Write every case found to one workbook, off the GUI thread."""
        references = [row.reference for row in self.model.items]
        path = self.choose_export_path() if references else None
        if path is None:
            return
        service = self.service

        def steps() -> Generator[Progress, None, int]:
            done = 0
            for done in service.export_pack(references, path):
                yield Progress(done, len(references), f"{done} of {len(references)} cases")
            return done

        self.runner.run_steps(
            steps,
            on_done=lambda n: self.message.say(f"Wrote {n} case(s) to {path}." + documents_note(path)),
            on_error=self.message.error,
            label="Writing the pack…",
        )


def export_log_columns() -> list[Column[ExportLogEntry]]:
    """Return the columns of the export log."""
    return [
        Column("When", lambda e: uk_datetime(e.at)),
        Column("Who", lambda e: f"{e.actor_name} ({e.login})"),
        Column("What", lambda e: e.kind.label),
        Column("File", lambda e: e.target),
        Column("Filters", lambda e: e.filters_text()),
        Column("Rows", lambda e: f"{e.rows:,}"),
        Column("Pseudonymised", lambda e: "Yes" if e.pseudonymised else "No"),
    ]


class ExportLogDialog(AdminDialog):
    """Every export and print-out of personal data (who, when, what, filters, rows), and the team's rule."""

    action = Action.VIEW_EXPORTS
    title = "Export log"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the rule's tick box, the log and its export button."""
        super().__init__(desk, parent)
        self.service = desk.export_log
        self.rule = QCheckBox(
            "Officers may export &pseudonymised data only (names, contacts, free text out)", self
        )
        self.rule.setChecked(self.service.pseudonymised_only())
        self.rule.toggled.connect(self.set_rule)
        self.model: RowsModel[ExportLogEntry] = RowsModel(export_log_columns(), self)
        self.table = make_table(self.model, "Exports", self)
        self.export_button = QPushButton("E&xport the log…", self)
        self.export_button.clicked.connect(self.export)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule)
        layout.addWidget(self.table)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.export_button)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(960, 560)
        self.refresh()

    def refresh(self) -> None:
        """Load the log, newest first."""
        entries = self.attempt(lambda: self.service.entries(), lambda found: f"{len(found)} export(s).")
        if entries is not None:
            self.model.set_rows(entries)

    def set_rule(self, value: bool) -> None:
        """Set the team's export rule (audited)."""
        words = (
            "Officers now export pseudonymised data only." if value else "Officers may export names again."
        )
        self.attempt(lambda: self.service.set_pseudonymised_only(value), words)

    def choose_export_path(self) -> Path | None:
        """Ask where to save the log (tests replace this)."""
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the export log", "export-log.xlsx", "Excel (*.xlsx)"
        )
        return Path(name) if name else None

    def export(self) -> None:
        """Write the log to a spreadsheet."""
        path = self.choose_export_path()
        if path is not None:
            self.attempt(lambda: self.service.export_xlsx(path), lambda n: f"Wrote {n} export(s) to {path}.")
            self.refresh()
