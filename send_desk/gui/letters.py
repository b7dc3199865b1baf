"""Write letter / Write email from the case view: pick a template, preview it merged, save, draft or send."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError
from send_desk.domain.letters import Purpose, fits
from send_desk.domain.lifecycle import CaseAction
from send_desk.gui.errors import show_error
from send_desk.gui.settings import desk_settings, team_name
from send_desk.gui.style import app_icon
from send_desk.gui.widgets import fit_to_screen
from send_desk.services.letters import preferences
from send_desk.values.cases import CaseDetail
from send_desk.values.letters import LetterMade, TemplateView

FILTERS = {
    "docx": "Word documents (*.docx)",
    "pdf": "PDF files (*.pdf)",
    "draft": "Email drafts (*.eml)",
}


class CaseHost(Protocol):
    """What the dialog needs from the case view."""

    desk: Desk

    @property
    def case(self) -> CaseDetail:
        """Return the case shown."""
        ...


def choose_save_path(parent: QWidget, suggested: str, how: str) -> Path | None:
    """Ask where to save a letter (tests replace this); None when the person cancels."""
    name, _ = QFileDialog.getSaveFileName(parent, "Save the letter", suggested, FILTERS[how])
    return Path(name) if name else None


def open_file(path: Path) -> None:
    """Open a saved letter or draft with the computer's own program (Word, Outlook)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def _fitting(template: TemplateView, case: CaseDetail) -> bool:
    return fits(template.kinds, template.stages, case.kind.value, case.stage)


def paragraphs_html(paragraphs: tuple[str, ...]) -> str:
    """Return a letter's paragraphs as the preview shows them: apart, line breaks kept, in a letter's font."""
    body = "".join(
        f"<p style='margin:0 0 8px 0'>{html.escape(p).replace(chr(10), '<br>') or '&nbsp;'}</p>"
        for p in paragraphs
    )
    return f"<div style='font-family: Arial, sans-serif; font-size: 11pt'>{body}</div>"


class WriteLetterDialog(QDialog):
    """Pick a template (those fitting the case first), see it merged, then save, draft or send it."""

    email_mode = False

    def __init__(self, host: CaseHost, parent: QWidget | None = None) -> None:
        """Build the picker and preview for the host's case."""
        super().__init__(parent)
        self.host = host
        self.desk = host.desk
        self.case = host.case
        self.team = team_name(desk_settings())
        self.result_case: CaseDetail | None = None
        self.made: list[LetterMade] = []
        self.prefs = preferences(self.case)
        self.setWindowIcon(app_icon())
        self.setWindowTitle(f"{'Write email' if self.email_mode else 'Write letter'} — {self.case.reference}")
        self._build()
        self._fill_templates()
        fit_to_screen(self, 980, 640)

    @classmethod
    def ask(cls, parent: QWidget, host: CaseHost) -> CaseDetail | None:
        """Show the dialog; return the case as it is after any letter was made (None if none was)."""
        dialog = cls(host, parent)
        dialog.exec()
        return dialog.result_case

    # ----- building --------------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        heading = QLabel(f"{'Write email' if self.email_mode else 'Write letter'}: {self.case.reference}")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        notes = []
        contact = self.case.contact
        if contact and contact.preferred_contact:
            way = contact.preferred_contact.replace("-", " ")
            notes.append(f"{contact.name or 'The contact'} prefers {way}.")
        if self.prefs.large_print:
            notes.append("Large print is one of the reasonable adjustments: letters are 16 pt or larger.")
        if self.prefs.phone_only:
            notes.append("The contact asked for phone calls only: check before writing.")
        self.notes = QLabel(" ".join(notes))
        self.notes.setObjectName("muted")
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(notes))
        layout.addWidget(self.notes)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Template")
        self.templates = QListWidget()
        self.templates.setAccessibleName("Templates, those fitting this case first")
        label.setBuddy(self.templates)
        left_layout.addWidget(label)
        left_layout.addWidget(self.templates, 1)
        split.addWidget(left)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        preview_label = QLabel("Preview (the merged text)")
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Letter preview")
        right_layout.addWidget(preview_label)
        right_layout.addWidget(self.preview, 1)
        split.addWidget(right)
        self.templates.setMinimumWidth(320)
        split.setSizes([340, 640])
        layout.addWidget(split, 1)

        form = QFormLayout()
        self.large_print = QCheckBox("Large print (16 pt or larger)")
        self.large_print.setChecked(self.prefs.large_print)
        self.large_print.toggled.connect(self._show_preview)
        form.addRow("", self.large_print)
        self.to = QLineEdit(contact.email if contact else "")
        self.to.setAccessibleName("Email to")
        form.addRow("Email t&o:", self.to)  # Alt+T is the template list
        layout.addLayout(form)

        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {
            "docx": QPushButton("Save as &Word…"),
            "pdf": QPushButton("Save as &PDF…"),
            "draft": QPushButton("Email &draft…"),
            "email": QPushButton("&Send email"),
            "acknowledge": QPushButton("&Acknowledge and send"),
        }
        order = ["docx", "pdf", "draft", "email"]
        if self.email_mode or self.prefs.email_first:
            order = ["draft", "email", "docx", "pdf"]
        order.append("acknowledge")
        for key in order:
            button = self.buttons[key]
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, k=key: self.make(k))
            buttons.addWidget(button)
        self.buttons[order[0]].setDefault(True)
        buttons.addStretch(1)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._explain_buttons()
        self.templates.currentItemChanged.connect(lambda *_: self._show_preview())

    def _explain_buttons(self) -> None:
        from send_desk.services.office import find_pdf_maker

        pdf = find_pdf_maker()
        self.buttons["pdf"].setEnabled(pdf.available)
        self.buttons["pdf"].setToolTip(f"Save as PDF, made by {pdf.program}" if pdf.available else pdf.reason)
        try:
            relay = self.desk.letters.smtp_settings()
        except SendDeskError:
            relay = None
        self.buttons["email"].setEnabled(relay is not None)
        self.buttons["email"].setToolTip(
            f"Send through the team's relay {relay.host} from {relay.from_address}"
            if relay
            else "No email relay is set up: save an email draft and send it from Outlook, or ask an admin "
            "to set the relay up."
        )
        self.buttons["draft"].setToolTip("Save an .eml draft Outlook opens ready to send from your mailbox")

    def _fill_templates(self) -> None:
        try:
            templates = self.desk.letters.templates_for(self.case)
        except SendDeskError as exc:
            show_error(self, exc)
            templates = []
        for template in templates:
            fitting = _fitting(template, self.case)
            item = QListWidgetItem(template.title if fitting else f"{template.title} (other cases)")
            item.setToolTip(f"{template.title} (version {template.version})")
            item.setData(Qt.ItemDataRole.UserRole, template)
            if fitting:
                font = QFont(item.font())
                font.setBold(True)
                item.setFont(font)
            self.templates.addItem(item)
        if self.templates.count():
            self.templates.setCurrentRow(0)

    # ----- showing ---------------------------------------------------------------------------
    def template(self) -> TemplateView | None:
        """Return the template picked."""
        item = self.templates.currentItem()
        if item is None:
            return None
        template: TemplateView = item.data(Qt.ItemDataRole.UserRole)
        return template

    def select(self, name: str) -> None:
        """Pick a template by its name."""
        for row in range(self.templates.count()):
            if self.templates.item(row).data(Qt.ItemDataRole.UserRole).name == name:
                self.templates.setCurrentRow(row)
                return
        raise KeyError(name)

    def _show_preview(self) -> None:
        template = self.template()
        acknowledgement = template is not None and template.purpose == Purpose.ACKNOWLEDGEMENT
        relevant = CaseAction.ACKNOWLEDGE in self.case.relevant
        self.buttons["acknowledge"].setVisible(acknowledgement and relevant)
        self.buttons["acknowledge"].setEnabled(acknowledgement and self.case.allows(CaseAction.ACKNOWLEDGE))
        if template is None:
            self.preview.setPlainText(
                "There are no templates switched on. An admin can add them in Admin ▸ Templates."
            )
            return
        try:
            merged = self.desk.letters.merge(
                self.case.id,
                template.name,
                team=self.team,
                large_print=self.large_print.isChecked(),
                acknowledged_on=self.desk.today()
                if acknowledgement and self.case.acknowledged_on is None
                else None,
            )
        except SendDeskError as exc:
            self.preview.setHtml(
                "<p style='color:#a4262c'><b>This letter cannot be made yet.</b></p>"
                f"<p>{html.escape(str(exc))}</p>"
            )
            return
        self.preview.setHtml(paragraphs_html(merged.paragraphs))

    def preview_text(self) -> str:
        """Return the preview's text (the merged letter, or why it cannot be made)."""
        return self.preview.toPlainText()

    # ----- making ----------------------------------------------------------------------------
    def make(self, how: str) -> LetterMade | None:
        """Make the letter the way asked: save a file, save a draft, send, or acknowledge and send."""
        template = self.template()
        if template is None:
            return None
        try:
            if how == "acknowledge":
                route = "email" if self.buttons["email"].isEnabled() else "draft"
                case, made = self.desk.letters.acknowledge_and_send(
                    self.case.id,
                    template.name,
                    expected_version=self.case.version,
                    how=route,
                    team=self.team,
                    to=self.to.text() or None,
                )
            else:
                made = self.desk.letters.make(
                    self.case.id,
                    template.name,
                    how,
                    team=self.team,
                    large_print=self.large_print.isChecked(),
                    to=self.to.text() or None,
                )
                case = self.desk.cases.get(self.case.id)
        except SendDeskError as exc:
            show_error(self, exc)
            return None
        self.made.append(made)
        self.case = self.result_case = case
        self._show_preview()
        if made.how in ("docx", "pdf", "draft"):
            self._save(made)
        else:
            QMessageBox.information(
                self, "Email sent", f"Sent to {made.recipient}. It is on the case's timeline."
            )
        return made

    def _save(self, made: LetterMade) -> None:
        path = choose_save_path(self, made.filename, made.how)
        if path is None:
            return
        try:
            path.write_bytes(made.content)
        except OSError as exc:
            show_error(
                self,
                SendDeskError(
                    f"The file {path} could not be written ({exc.strerror}). The letter is kept with the "
                    "case's documents: open it from there, or save it again somewhere else."
                ),
            )
            return
        open_file(path)


class WriteEmailDialog(WriteLetterDialog):
    """The same dialog with the email routes first."""

    email_mode = True
