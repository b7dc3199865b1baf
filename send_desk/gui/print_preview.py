"""Print preview (Ctrl+P) of the weekly summary, the annual complaints figures and a whole case.

The preview shows the pages exactly as printed (the same renderer as the PDF), with the dialog's own Print
button and a "Save as PDF…" button. Entry points are classmethods, so the main window and the case view
call one line and tests can monkeypatch them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QMessageBox, QToolBar, QWidget

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError
from send_desk.domain.wording import DEFAULT_TEAM
from send_desk.gui.settings import SAVE_FOLDER, desk_settings, team_name
from send_desk.printing import PrintJob, a4_layout, annual_job, case_job, paint_job, weekly_job, write_pdf


def configured_team() -> str:
    """Return the team name from the desk settings (or the default when there is none)."""
    return team_name(desk_settings()) or DEFAULT_TEAM


def save_folder() -> Path:
    """Return the folder a PDF was last saved in, or the person's documents folder the first time."""
    kept = SAVE_FOLDER.read(desk_settings())
    if kept and Path(kept).is_dir():
        return Path(kept)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents else Path.home()


def ask_pdf_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Ask where to save a PDF, starting in the last folder used (the documents folder at first)."""
    start = save_folder() / suggested
    name, _ = QFileDialog.getSaveFileName(parent, "Save as PDF", str(start), "PDF files (*.pdf)")
    if not name:
        return None
    path = Path(name)
    SAVE_FOLDER.write(desk_settings(), str(path.parent))
    return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")


class PrintPreviewDialog(QPrintPreviewDialog):
    """A print preview of one print job, A4 portrait, with Print and Save as PDF."""

    def __init__(self, job: PrintJob, parent: QWidget | None = None) -> None:
        """Prepare the preview of `job`."""
        self._printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self._printer.setPageLayout(a4_layout())
        self._printer.setDocName(job.title)
        super().__init__(self._printer, parent)
        self.job = job
        self.pages = 0
        self.setWindowTitle(f"Print preview — {job.title}")
        self.resize(900, 1000)
        self.paintRequested.connect(self._paint)
        self.save_action = QAction("Save as PDF…", self)
        self.save_action.setToolTip("Save these pages as a PDF file")
        self.save_action.triggered.connect(lambda: self.save_pdf())
        toolbar = self.findChild(QToolBar)
        if toolbar is not None:
            toolbar.addSeparator()
            toolbar.addAction(self.save_action)
        preview = self.findChild(QPrintPreviewWidget)
        if preview is not None:
            preview.fitToWidth()

    def _paint(self, printer: QPrinter) -> None:
        self.pages = paint_job(self.job, printer)

    def save_pdf(self, path: Path | None = None) -> Path | None:
        """Write the pages to a PDF (asking where when no path is given); return the path written."""
        target = path or ask_pdf_path(self, f"{self.job.title}.pdf")
        if target is None:
            return None
        try:
            write_pdf(self.job, target)
        except OSError as exc:
            QMessageBox.warning(self, "Could not save the PDF", f"{target} could not be written: {exc}")
            return None
        return target


class PrintPreview:
    """Entry points: build the figures, then open the preview."""

    @classmethod
    def weekly_dialog(
        cls, parent: QWidget | None, desk: Desk, week: str | None = None, *, team: str | None = None
    ) -> PrintPreviewDialog:
        """Return the preview of the weekly summary of `week` (default last week), not yet shown."""
        summary = desk.reporting.weekly_summary(week)
        return PrintPreviewDialog(weekly_job(summary, team=team or configured_team()), parent)

    @classmethod
    def annual_dialog(
        cls, parent: QWidget | None, desk: Desk, year: int | None = None, *, team: str | None = None
    ) -> PrintPreviewDialog:
        """Return the preview of the annual complaints figures, not yet shown."""
        figures = desk.reporting.annual_figures(year)
        return PrintPreviewDialog(annual_job(figures, team=team or configured_team()), parent)

    @classmethod
    def case_dialog(
        cls, parent: QWidget | None, desk: Desk, case_id: int, *, team: str | None = None
    ) -> PrintPreviewDialog:
        """Return the preview of a whole case, not yet shown."""
        detail = desk.cases.get(case_id)
        by = desk.reporting.generated_by()
        documents = desk.documents.list(detail.reference)
        job = case_job(
            detail,
            team=team or configured_team(),
            printed_by=by,
            printed_at=desk.now(),
            documents=documents,
            ehc=desk.ehc.get(case_id),
        )
        return PrintPreviewDialog(job, parent)

    @classmethod
    def show_weekly(cls, parent: QWidget | None, desk: Desk, week: str | None = None) -> int:
        """Show the weekly summary's print preview modally; return the dialog result."""
        return cls._run(parent, lambda: cls.weekly_dialog(parent, desk, week))

    @classmethod
    def show_annual(cls, parent: QWidget | None, desk: Desk, year: int | None = None) -> int:
        """Show the annual complaints figures' print preview modally; return the dialog result."""
        return cls._run(parent, lambda: cls.annual_dialog(parent, desk, year))

    @classmethod
    def show_case(cls, parent: QWidget | None, desk: Desk, case_id: int) -> int:
        """Show a case's print preview modally; return the dialog result."""
        return cls._run(parent, lambda: cls.case_dialog(parent, desk, case_id))

    @classmethod
    def ask(cls, parent: QWidget | None, desk: Desk, case_filter: Any = None) -> int:
        """Ask which week to print on a calendar (last week to start) and show its preview (Ctrl+P)."""
        from send_desk.gui.week_picker import WeekPicker

        week = WeekPicker.ask(parent, today=desk.today(), week=desk.reporting.default_week())
        if week is None:
            return 0
        return cls.show_weekly(parent, desk, week)

    @staticmethod
    def _run(parent: QWidget | None, make: Any) -> int:
        try:
            dialog = make()
        except SendDeskError as exc:
            QMessageBox.warning(parent, "Cannot print", " ".join(str(exc).split()))
            return 0
        try:
            return int(dialog.exec())
        finally:
            dialog.deleteLater()
