"""A new case from an email: drop an .eml or .msg on the main window, or File ▸ New case from email….

The new-case form opens filled from the email (contact name and address from From, received date from
its Date, channel Email, summary from the subject, description from the body); earlier cases for that
address are offered for linking as usual, and the email is kept against the case when it is saved.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QBoxLayout, QFileDialog, QLabel, QWidget

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError, ValidationError
from send_desk.domain.kinds import CaseKind, Channel
from send_desk.domain.wording import uk_datetime
from send_desk.gui.errors import show_error
from send_desk.gui.new_case import NewCaseDialog
from send_desk.gui.widgets import select_data
from send_desk.reports.email_files import is_email_name
from send_desk.values.cases import CaseDetail, CaseInput
from send_desk.values.documents import EmailCaseDraft

if TYPE_CHECKING:
    from send_desk.gui.main_window import MainWindow

EMAIL_FILTER = "Emails (*.eml *.msg);;All files (*)"


class NewCaseFromEmailDialog(NewCaseDialog):
    """The new-case form filled from an email; saving logs the case and keeps the email against it."""

    def __init__(self, parent: QWidget | None, desk: Desk, draft: EmailCaseDraft) -> None:
        """Build the form and fill it from the email."""
        super().__init__(parent, desk, drafts=None)
        self.draft = draft
        self.setWindowTitle(f"New case from email — {draft.file_name}")
        select_data(self.kind, draft.kind)
        select_data(self.channel, Channel.EMAIL.value)
        self.received.set_date(self.received_on())
        self.contact_name.setText(draft.contact_name)
        self.contact_email.setText(draft.contact_email)
        self.summary.setText(draft.summary)
        self.description.setPlainText(draft.description)
        message = draft.message
        self.email_note = QLabel(
            f"From the email {draft.file_name}: sent {uk_datetime(message.sent_at, 'with no date')} by "
            f"{message.sender or 'an unknown sender'}"
            + (f", with {len(message.attachments)} attachment(s)" if message.attachments else "")
            + ". The email is kept with the case when you save."
        )
        self.email_note.setObjectName("muted")
        self.email_note.setWordWrap(True)
        layout = self.layout()
        if isinstance(layout, QBoxLayout):
            layout.insertWidget(1, self.email_note)  # under the title, where it is read first
        elif layout is not None:
            layout.addWidget(self.email_note)
        self.look_up_earlier()
        self.initial_state = self.form_state()

    def received_on(self) -> date:
        """Return the UK date the email was received."""
        return self.desk.documents.case_input(self.draft).received_on

    def build_input(self) -> CaseInput:
        """Return the form's case, received at the email's time while the date is the email's own."""
        data = super().build_input()
        from_email = self.desk.documents.case_input(self.draft)
        if data.received_on == from_email.received_on:
            data = replace(data, received_at=from_email.received_at)
        return data

    def log(self, data: CaseInput) -> CaseDetail:
        """Log the case and keep the email against it."""
        case, _document = self.desk.documents.log_from_email(data, self.draft.file_name, self.draft.content)
        return case

    @classmethod
    def ask_from_email(cls, parent: QWidget | None, desk: Desk, draft: EmailCaseDraft) -> CaseDetail | None:
        """Show the filled-in form; return the saved case, or None when cancelled."""
        dialog = cls(parent, desk, draft)
        try:
            return dialog.result_case if dialog.exec() == NewCaseDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


def ask_email_file(parent: QWidget | None) -> Path | None:
    """Ask which email file to log a case from."""
    name, _filter = QFileDialog.getOpenFileName(parent, "New case from email", "", EMAIL_FILTER)
    return Path(name) if name else None


def draft_from_file(desk: Desk, path: Path) -> EmailCaseDraft:
    """Read an email file into a new case's fields (an enquiry unless changed on the form)."""
    if not is_email_name(path.name):
        raise ValidationError(
            f"{path.name} is not an email file. Save the email from Outlook as an Outlook message (.msg) "
            "or from another mail program as an .eml file, then try again."
        )
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path.name} could not be read: {exc.strerror or exc}.") from exc
    return desk.documents.draft_from_email(path.name, content, kind=CaseKind.ENQUIRY)


def new_case_from_email(window: MainWindow, path: Path | None = None) -> CaseDetail | None:
    """Open the new-case form filled from an email file (asked for when not given) and save it."""
    path = path or ask_email_file(window)
    if path is None:
        return None
    try:
        draft = draft_from_file(window.desk, path)
    except SendDeskError as exc:
        show_error(window, exc)
        return None
    detail = NewCaseFromEmailDialog.ask_from_email(window, window.desk, draft)
    if detail is not None:
        window.statusBar().showMessage(f"Logged {detail.reference} from {draft.file_name}", 8000)
        window.reload()
        if (row := window.model.row_of(detail.id)) is not None:
            window.table.selectRow(row)
    return detail
