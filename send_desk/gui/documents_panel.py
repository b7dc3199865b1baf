"""The Documents tab of a case: drop files or Add file…, Open a private copy, Remove; emails read in place."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.document_copies import write_private_copy
from send_desk.domain.errors import SendDeskError
from send_desk.domain.wording import uk_datetime
from send_desk.gui.email_drop import FileDrop, dropped_files
from send_desk.gui.errors import error_text
from send_desk.gui.widgets import MessageBanner
from send_desk.reports.htmlkit import esc
from send_desk.values.documents import DocumentInfo, EmailMessage, size_words

log = logging.getLogger(__name__)
HEADERS = ("Name", "Type", "Size", "Added", "By")
TYPE_WORDS = {
    "message/rfc822": "Email",
    "application/vnd.ms-outlook": "Outlook email",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word document",
    "application/msword": "Word document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel workbook",
    "text/plain": "Text",
}


def open_with_system(path: Path) -> bool:
    """Open a file with the computer's default program for its type."""
    return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))))


class DocumentsPanel(QWidget):
    """A case's documents: list, add (drop or Add file…), open, remove; an email's sender and attachments."""

    opener: Callable[[Path], bool] = staticmethod(open_with_system)
    """How a private copy is opened (tests replace it)."""

    def __init__(self, desk: Desk, reference: str, parent: QWidget | None = None) -> None:
        """Build the list and its buttons for one case."""
        super().__init__(parent)
        self.desk = desk
        self.reference = reference
        self.documents: list[DocumentInfo] = []
        self.email: EmailMessage | None = None
        self.opened: list[Path] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 4)
        self.banner = MessageBanner(self)
        layout.addWidget(self.banner)
        self.hint = QLabel(
            "Drop files here or use Add file…; each file is kept in the database with the case."
        )
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setAccessibleName("Documents kept against this case")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.itemDoubleClicked.connect(lambda _item: self.open_selected())
        layout.addWidget(self.table, 1)
        self.email_info = QLabel()
        self.email_info.setObjectName("duePanel")
        self.email_info.setWordWrap(True)
        self.email_info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.email_info.setAccessibleName("The email's sender, date, subject and attachments")
        self.email_info.hide()
        layout.addWidget(self.email_info)
        self.attachments = QTableWidget(0, 2, self)
        self.attachments.setHorizontalHeaderLabels(["Attachment", "Size"])
        self.attachments.setAccessibleName("Files attached to the email")
        self.attachments.verticalHeader().hide()
        self.attachments.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attachments.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.attachments.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.attachments.setMaximumHeight(110)
        self.attachments.itemDoubleClicked.connect(lambda _item: self.open_attachment())
        self.attachments.hide()
        layout.addWidget(self.attachments)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("&Add file…")
        self.add_button.clicked.connect(self.add_files)
        self.open_button = QPushButton("&Open")
        self.open_button.setToolTip("Open a copy with this computer's program for the file")
        self.open_button.clicked.connect(self.open_selected)
        self.attachment_button = QPushButton("Open a&ttachment")
        self.attachment_button.clicked.connect(self.open_attachment)
        self.attachment_button.hide()
        self.keep_button = QPushButton("&Keep attachment on case")
        self.keep_button.setToolTip("Keep the email's attachment as a document of this case too")
        self.keep_button.clicked.connect(self.keep_attachment)
        self.keep_button.hide()
        self.remove_button = QPushButton("Remo&ve…")
        self.remove_button.clicked.connect(self.remove_selected)
        for button in (self.add_button, self.open_button, self.attachment_button, self.keep_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.remove_button.setAutoDefault(False)
        buttons.addWidget(self.remove_button)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)
        self.refresh()

    # ----- dialogs (tests replace these) --------------------------------------------------------
    @classmethod
    def ask_files(cls, parent: QWidget | None) -> list[Path]:
        """Ask which files to add."""
        names, _filter = QFileDialog.getOpenFileNames(parent, "Add files to the case")
        return [Path(name) for name in names]

    @classmethod
    def ask_remove_reason(cls, parent: QWidget | None, name: str) -> str | None:
        """Ask why a document is removed (None when cancelled)."""
        text, ok = QInputDialog.getText(
            parent,
            "Remove document",
            f"Remove {name} from this case? Its contents go; the record that it was here stays in the "
            "audit trail.\n\nWhy is it removed?",
            QLineEdit.EchoMode.Normal,
        )
        return text.strip() if ok else None

    # ----- drag and drop ------------------------------------------------------------------------
    def accept_drops_on(self, window: QWidget) -> None:
        """Take files dropped anywhere on a window (the case view) as documents of this case."""
        FileDrop(window, self.add_paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept files dragged from the desktop or Explorer."""
        if event.mimeData().hasUrls() and dropped_files(event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Keep the dropped files against the case."""
        files = dropped_files(event.mimeData().urls())
        if files:
            event.acceptProposedAction()
            self.add_paths(files)

    # ----- showing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Load the case's documents again and show them."""
        try:
            self.documents = self.desk.documents.list(self.reference)
        except SendDeskError as exc:
            self.banner.show_message(error_text(exc))
            return
        self.table.setRowCount(len(self.documents))
        for row, document in enumerate(self.documents):
            values = (
                document.name,
                TYPE_WORDS.get(document.media_type, document.media_type),
                document.size_text,
                uk_datetime(document.added_at),
                document.added_by,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setToolTip(f"{document.name} · SHA-256 {document.sha256}" if column == 0 else value)
                self.table.setItem(row, column, item)
        self._selection_changed()
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QTabWidget):
            widget = widget.parentWidget()
        if isinstance(widget, QTabWidget) and widget.indexOf(self) >= 0:
            widget.setTabText(widget.indexOf(self), self.title())

    def title(self) -> str:
        """Return the tab's title with the number of documents."""
        return f"Docu&ments ({len(self.documents)})" if self.documents else "Docu&ments"

    def selected(self) -> DocumentInfo | None:
        """Return the selected document, if any."""
        rows = self.table.selectionModel().selectedRows()
        return self.documents[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        """Select a document by its name."""
        for row, document in enumerate(self.documents):
            if document.name == name:
                self.table.selectRow(row)
                return

    def _selection_changed(self) -> None:
        document = self.selected()
        self.open_button.setEnabled(document is not None)
        self.remove_button.setEnabled(document is not None)
        self.email = None
        if document is not None and document.is_email:
            try:
                self.email = self.desk.documents.email(self.reference, document.id)
            except SendDeskError as exc:
                self.email_info.setText(error_text(exc))
                self.email_info.show()
        self._show_email()

    def _show_email(self) -> None:
        message = self.email
        self.attachments.setVisible(bool(message and message.attachments))
        self.attachment_button.setVisible(bool(message and message.attachments))
        self.keep_button.setVisible(bool(message and message.attachments))
        if message is None:
            if self.selected() is None or not self.selected().is_email:  # type: ignore[union-attr]
                self.email_info.hide()
            return
        sent = uk_datetime(message.sent_at, "no date") if message.sent_at else "no date"
        count = len(message.attachments)
        self.email_info.setText(
            f"<b>From:</b> {esc(message.sender or 'unknown sender')}<br/><b>Sent:</b> {esc(sent)}"
            f"<br/><b>Subject:</b> {esc(message.subject or '(no subject)')}"
            f"<br/><b>Attachments:</b> {count if count else 'none'}"
        )
        self.email_info.show()
        self.attachments.setRowCount(count)
        for row, attachment in enumerate(message.attachments):
            self.attachments.setItem(row, 0, QTableWidgetItem(attachment.name))
            size = QTableWidgetItem(size_words(attachment.size))
            size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.attachments.setItem(row, 1, size)
        if count:
            self.attachments.selectRow(0)

    # ----- actions ------------------------------------------------------------------------------
    def add_files(self) -> None:
        """Ask for files and keep them against the case."""
        paths = self.ask_files(self.window())
        if paths:
            self.add_paths(paths)

    def add_paths(self, paths: Sequence[Path]) -> list[DocumentInfo]:
        """Keep these files against the case; say which were kept and which were refused, and why."""
        self.banner.clear()
        added: list[DocumentInfo] = []
        problems: list[str] = []
        for path in paths:
            try:
                content = path.read_bytes()
                added.append(self.desk.documents.add(self.reference, path.name, content))
            except SendDeskError as exc:
                problems.append(error_text(exc))
            except OSError as exc:
                problems.append(f"{path.name} could not be read: {exc.strerror or exc}.")
        self.refresh()
        if added:
            self.select(added[-1].name)
        if problems:
            self.banner.show_message(" ".join(problems))
        return added

    def open_selected(self) -> Path | None:
        """Open a private copy of the selected document with the computer's program for it."""
        document = self.selected()
        if document is None:
            return None
        try:
            content = self.desk.documents.content(self.reference, document.id)
        except SendDeskError as exc:
            self.banner.show_message(error_text(exc))
            return None
        return self._open_copy(document.name, content)

    def open_attachment(self) -> Path | None:
        """Open a private copy of the email's selected attachment."""
        if self.email is None or not self.email.attachments:
            return None
        rows = self.attachments.selectionModel().selectedRows()
        attachment = self.email.attachments[rows[0].row() if rows else 0]
        return self._open_copy(attachment.name, attachment.content)

    def keep_attachment(self) -> DocumentInfo | None:
        """Keep the email's selected attachment as a document of the case."""
        if self.email is None or not self.email.attachments:
            return None
        rows = self.attachments.selectionModel().selectedRows()
        attachment = self.email.attachments[rows[0].row() if rows else 0]
        try:
            kept = self.desk.documents.add(self.reference, attachment.name, attachment.content)
        except SendDeskError as exc:
            self.banner.show_message(error_text(exc))
            return None
        self.refresh()
        self.select(kept.name)
        return kept

    def _open_copy(self, name: str, content: bytes) -> Path | None:
        try:
            path = write_private_copy(name, content)
        except OSError as exc:
            self.banner.show_message(f"{name} could not be copied to open it: {exc.strerror or exc}.")
            return None
        self.opened.append(path)
        if not type(self).opener(path):
            self.banner.show_message(
                f"This computer has no program set up to open {name}. A copy is at {path}; ask IT support "
                "to set one up for this kind of file."
            )
        return path

    def remove_selected(self) -> DocumentInfo | None:
        """Remove the selected document after asking why (audited)."""
        document = self.selected()
        if document is None:
            return None
        reason = self.ask_remove_reason(self.window(), document.name)
        if reason is None:
            return None
        try:
            removed = self.desk.documents.remove(self.reference, document.id, reason=reason)
        except SendDeskError as exc:
            self.banner.show_message(error_text(exc))
            return None
        self.refresh()
        return removed
