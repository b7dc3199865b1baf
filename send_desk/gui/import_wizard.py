"""File ▸ Import…: pick a tracker, check how its columns map (with a preview), check every row, import.

Entry point: `ImportWizard.ask(parent, desk)` returns the `ImportResult` of a finished import, or None.
Pages: 1 file (and sheet), 2 mapping (a combo over each column of a preview of the first rows),
3 values (every word of the sheet the desk does not know, once, with its rows and a suggested desk value
to confirm or change; a saved profile that fits the headers is offered, and the choices can be saved as
one), 4 check (a dry run listing rejected rows with their sheet row numbers and reasons); Finish imports
the accepted rows in one transaction. Checking and importing run on the task runner, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError
from send_desk.domain.import_words import UNASSIGNED
from send_desk.gui.errors import show_error
from send_desk.gui.tasks import TaskRunner
from send_desk.paths import typed_path
from send_desk.reports.sheet_fields import FIELD_LABELS, FIELDS
from send_desk.reports.xlsx_import import SheetLayout
from send_desk.services.spreadsheets import ImportResult
from send_desk.values.cases import CaseFilter
from send_desk.values.progress import Progress

LEAVE_OUT = "(leave out)"
NO_PROFILE = "(none: match the words here)"
KEEP_WORD = "(leave it: reject these rows)"
NO_OFFICER = "Unassigned (no officer)"


def import_steps(
    desk: Desk,
    path: Path,
    layout: SheetLayout,
    *,
    dry_run: bool,
    values: dict[str, dict[str, str]] | None = None,
    profile: str | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Run a check or an import as GUI progress steps (called on the worker thread)."""
    columns = {header: field for field, header in layout.fields().items()}
    return (
        yield from desk.imports.steps(
            path, columns, dry_run=dry_run, layout=layout, values=values, profile=profile
        )
    )


class FilePage(QWizardPage):
    """Choose the spreadsheet (and the sheet in it)."""

    def __init__(self, wizard: ImportWizard) -> None:
        """Build the page."""
        super().__init__()
        self.owner = wizard
        self.setTitle("Choose the tracker")
        self.setSubTitle("An Excel workbook (.xlsx): your team's tracker or a SEND Desk export.")
        self.path_edit = QLineEdit()
        self.path_edit.setAccessibleName("Spreadsheet file")
        self.path_edit.textChanged.connect(self._path_changed)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.sheet_box = QComboBox()
        self.sheet_box.setAccessibleName("Sheet")
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(QLabel("Sheet"))
        layout.addWidget(self.sheet_box)
        layout.addStretch(1)

    def _browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import a tracker", "", "Excel workbook (*.xlsx)")
        if name:
            self.path_edit.setText(name)

    def _path_changed(self) -> None:
        self.sheet_box.clear()
        self.completeChanged.emit()

    def path(self) -> Path:
        """Return the chosen file."""
        return typed_path(self.path_edit.text().strip())

    def isComplete(self) -> bool:
        """Allow Next once a file is named."""
        return bool(self.path_edit.text().strip())

    def validatePage(self) -> bool:
        """Read the header row and the first rows; explain any problem with the file."""
        sheet = self.sheet_box.currentText() or None
        try:
            layout = self.owner.service.preview(self.path(), sheet=sheet)
        except SendDeskError as exc:
            show_error(self, exc)
            return False
        if self.sheet_box.count() == 0:
            self.sheet_box.addItems(list(layout.sheet_names))
            self.sheet_box.setCurrentText(layout.sheet)
        self.owner.layout_ = layout
        return True


class MappingPage(QWizardPage):
    """Show the first rows under their headers with a combo per column to say what it holds."""

    def __init__(self, wizard: ImportWizard) -> None:
        """Build the page."""
        super().__init__()
        self.owner = wizard
        self.setTitle("Check the columns")
        self.setSubTitle(
            "Each column's field was guessed from its header. Correct any that are wrong; "
            "columns left out are not imported. Every case needs a kind and a received date."
        )
        self.table = QTableWidget()
        self.table.setAccessibleName("Columns and the first rows")
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        self.combos: list[QComboBox] = []

    def initializePage(self) -> None:
        """Fill the preview for the chosen sheet."""
        layout = self.owner.layout_
        assert layout is not None
        headers = list(layout.headers)
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setRowCount(1 + len(layout.preview))
        self.table.setHorizontalHeaderLabels([h or f"(column {i + 1})" for i, h in enumerate(headers)])
        self.table.setVerticalHeaderLabels(
            ["Imports as"] + [str(layout.header_row + 1 + i) for i in range(len(layout.preview))]
        )
        self.combos = []
        for column in range(len(headers)):
            box = QComboBox()
            box.setAccessibleName(f"Field for {headers[column] or f'column {column + 1}'}")
            box.addItem(LEAVE_OUT, None)
            for field in FIELDS:
                box.addItem(FIELD_LABELS[field], field)
            chosen = layout.mapping.get(column)
            box.setCurrentIndex(0 if chosen is None else 1 + FIELDS.index(chosen))
            box.currentIndexChanged.connect(lambda _index: self.completeChanged.emit())
            self.table.setCellWidget(0, column, box)
            self.combos.append(box)
            for row, values in enumerate(layout.preview, start=1):
                self.table.setItem(
                    row, column, QTableWidgetItem(values[column] if column < len(values) else "")
                )
        self.table.resizeColumnsToContents()
        self.note.setText(f"Sheet '{layout.sheet}', headers on row {layout.header_row}.")

    def mapping(self) -> dict[int, str | None]:
        """Return column → field as chosen."""
        return {column: box.currentData() for column, box in enumerate(self.combos)}

    def validatePage(self) -> bool:
        """Refuse a field chosen twice, or no kind or received date."""
        chosen = [f for f in self.mapping().values() if f is not None]
        twice = sorted({FIELD_LABELS[f] for f in chosen if chosen.count(f) > 1})
        missing = [FIELD_LABELS[f] for f in ("kind", "received") if f not in chosen]
        if twice:
            self.note.setText(f"Choose each field for one column only: {', '.join(twice)}.")
            return False
        if missing:
            self.note.setText(
                f"Choose the column that holds the {' and the '.join(m.lower() for m in missing)}."
            )
            return False
        layout = self.owner.layout_
        assert layout is not None
        self.owner.layout_ = layout.with_mapping(self.mapping())
        return True


class ValuesPage(QWizardPage):
    """List each word of the sheet the desk does not know, once, with a desk value to confirm or change."""

    def __init__(self, wizard: ImportWizard) -> None:
        """Build the page."""
        super().__init__()
        self.owner = wizard
        self.setTitle("Match the team's words")
        self.setSubTitle(
            "These words in the mapped columns are not the desk's own. Each has a suggestion; confirm or "
            "change it. Initials matched to a member of staff are remembered for the next import. A word "
            "left as it is rejects its rows."
        )
        self.profile_box = QComboBox()
        self.profile_box.setAccessibleName("Import profile")
        self.profile_box.currentIndexChanged.connect(self._profile_changed)
        self.summary = QLabel("Reading the sheet…")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Column", "Their word", "Rows", "Desk value"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Words the desk does not know")
        self.save_edit = QLineEdit()
        self.save_edit.setAccessibleName("Save the choices as a profile named")
        self.save_edit.setPlaceholderText("a name, e.g. Team tracker (leave empty not to save)")
        top = QHBoxLayout()
        top.addWidget(QLabel("Profile"))
        top.addWidget(self.profile_box, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel("Save the choices as the profile"))
        bottom.addWidget(self.save_edit, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        self.combos: list[tuple[str, str, QComboBox]] = []
        self.scanned = False
        self._filling = False

    def initializePage(self) -> None:
        """Offer the profiles (one that fits the headers first) and scan the sheet's words."""
        layout = self.owner.layout_
        assert layout is not None
        self._filling = True
        self.profile_box.clear()
        self.profile_box.addItem(NO_PROFILE, None)
        offered = self.owner.service.profiles_for(layout)
        for name in offered + [n for n in self.owner.service.profile_names() if n not in offered]:
            self.profile_box.addItem(name, name)
        self.profile_box.setCurrentIndex(1 if offered else 0)
        self._filling = False
        self.save_edit.setText(offered[0] if offered else "")
        self._profile_changed()

    def _profile_changed(self) -> None:
        if self._filling:
            return
        name = self.profile_box.currentData()
        self.owner.values_ = self.owner.service.profile(name).values if name else {}
        if name:
            self.save_edit.setText(name)
        self.scan()

    def scan(self) -> None:
        """Check every row with the chosen words and list the words still unknown."""
        self.scanned = False
        self.completeChanged.emit()
        self.summary.setText("Reading the sheet…")
        layout = self.owner.layout_
        assert layout is not None
        values = self.owner.values_
        self.owner.task = self.owner.runner.run_steps(
            lambda: import_steps(
                self.owner.desk, self.owner.file_page.path(), layout, dry_run=True, values=values
            ),
            on_done=self.show_words,
            on_error=self._failed,
            label="Reading the sheet…",
        )

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(f"The sheet could not be read: {error}")
        show_error(self, error)

    def show_words(self, result: ImportResult) -> None:
        """Fill the table: one row per unknown word, its suggestion chosen."""
        vocabulary = self.owner.service.vocabulary()
        unknown = result.unknown_values
        self.table.setRowCount(len(unknown))
        self.combos = []
        for row, word in enumerate(unknown):
            self.table.setItem(row, 0, QTableWidgetItem(FIELD_LABELS[word.field]))
            self.table.setItem(row, 1, QTableWidgetItem(word.value))
            self.table.setItem(row, 2, QTableWidgetItem(f"{word.rows:,}"))
            box = QComboBox()
            box.setAccessibleName(f"Desk value for {word.value}")
            box.addItem(KEEP_WORD, None)
            vocab = vocabulary[word.field]
            names = vocab.names or ("",) * len(vocab.choices)
            for choice, name in zip(vocab.choices, names, strict=True):
                text = f"{name} ({choice})" if name else choice
                box.addItem(NO_OFFICER if word.field == "officer" and choice == UNASSIGNED else text, choice)
            if word.suggestion is not None:
                box.setCurrentIndex(max(0, box.findData(word.suggestion)))
            self.table.setCellWidget(row, 3, box)
            self.combos.append((word.field, word.value, box))
        self.table.resizeColumnsToContents()
        known = sum(len(words) for words in self.owner.values_.values())
        parts = [
            f"{len(unknown):,} words to match."
            if unknown
            else "Every word in the mapped columns is the desk's."
        ]
        if known:
            parts.append(f"{known:,} words are matched by the profile.")
        self.summary.setText(" ".join(parts))
        self.scanned = True
        self.completeChanged.emit()

    def values(self) -> dict[str, dict[str, str]]:
        """Return field → their word → desk word: the profile's, then the choices made here."""
        chosen = {field: dict(words) for field, words in self.owner.values_.items()}
        for field, word, box in self.combos:
            if box.currentData() is not None:
                chosen.setdefault(field, {})[word] = box.currentData()
        return chosen

    def isComplete(self) -> bool:
        """Allow Next once the sheet's words are read."""
        return self.scanned

    def validatePage(self) -> bool:
        """Keep the choices for the check and the import."""
        self.owner.values_ = self.values()
        self.owner.profile_ = self.save_edit.text().strip() or None
        return True


class CheckPage(QWizardPage):
    """Check every row without writing anything, and list the rows that would be rejected."""

    def __init__(self, wizard: ImportWizard) -> None:
        """Build the page."""
        super().__init__()
        self.owner = wizard
        self.setTitle("Check the rows")
        self.setSubTitle(
            "Nothing has been imported yet. Rows with problems are listed with their row number "
            "in the sheet; correct them in the spreadsheet and import again, or import the rest."
        )
        self.summary = QLabel("Checking…")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Row", "Why it cannot be imported"])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName("Rejected rows")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        self.checked: ImportResult | None = None

    def initializePage(self) -> None:
        """Start the dry run."""
        self.checked = None
        self.table.setRowCount(0)
        self.summary.setText("Checking every row…")
        self.completeChanged.emit()
        layout = self.owner.layout_
        assert layout is not None
        values = self.owner.values_
        self.owner.task = self.owner.runner.run_steps(
            lambda: import_steps(
                self.owner.desk, self.owner.file_page.path(), layout, dry_run=True, values=values
            ),
            on_done=self.show_result,
            on_error=self._failed,
            label="Checking the spreadsheet…",
        )

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(f"The check stopped: {error}")
        show_error(self, error)

    def show_result(self, result: ImportResult) -> None:
        """Show what the import would do."""
        self.checked = result
        parts = [f"{result.accepted:,} rows are ready to import."]
        if result.rejected:
            parts.append(f"{len(result.rejected):,} rows cannot be imported (below).")
        if result.skipped_existing:
            parts.append(
                f"{len(result.skipped_existing):,} rows are already on the desk and will be skipped."
            )
        if result.blank_rows:
            parts.append(f"{result.blank_rows:,} blank rows are ignored.")
        parts.extend(result.warnings)
        self.summary.setText(" ".join(parts))
        shown = result.rejected[:5000]
        self.table.setRowCount(len(shown))
        for index, rejected in enumerate(shown):
            where = f"{rejected.sheet}, row {rejected.row}" if rejected.sheet else str(rejected.row)
            self.table.setItem(index, 0, QTableWidgetItem(where))
            self.table.setItem(index, 1, QTableWidgetItem("; ".join(rejected.errors)))
        self.table.resizeRowsToContents()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        """Allow Import once the check found rows to import."""
        return self.checked is not None and self.checked.accepted > 0


class ImportWizard(QWizard):
    """The import, step by step; Finish imports the checked rows in one transaction."""

    def __init__(self, parent: QWidget | None, desk: Desk, *, runner: TaskRunner | None = None) -> None:
        """Build the pages over an open desk."""
        super().__init__(parent)
        self.desk = desk
        self.service = desk.imports
        self.runner = runner or getattr(parent, "runner", None) or TaskRunner(self)
        self.layout_: SheetLayout | None = None
        self.values_: dict[str, dict[str, str]] = {}
        self.profile_: str | None = None
        self.task: Any = None
        self.result_: ImportResult | None = None
        self.setWindowTitle("Import a tracker")
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.values_page = ValuesPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.mapping_page, self.values_page, self.check_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Import")
        self.resize(900, 560)

    def accept(self) -> None:
        """Import the accepted rows, then close with the result."""
        layout = self.layout_
        if layout is None or self.result_ is not None:
            super().accept()
            return
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        values, profile = self.values_, self.profile_
        self.task = self.runner.run_steps(
            lambda: import_steps(
                self.desk, self.file_page.path(), layout, dry_run=False, values=values, profile=profile
            ),
            on_done=self._imported,
            on_error=self._failed,
            label="Importing…",
        )

    def _imported(self, result: ImportResult) -> None:
        self.result_ = result
        super().accept()

    def _failed(self, error: BaseException) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        show_error(self, error)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        desk: Desk,
        case_filter: CaseFilter | None = None,
        *,
        runner: TaskRunner | None = None,
    ) -> ImportResult | None:
        """Run the wizard; return the finished import's result, or None if nothing was imported."""
        wizard = cls(parent, desk, runner=runner)
        try:
            wizard.exec()
            return wizard.result_
        finally:
            wizard.deleteLater()
