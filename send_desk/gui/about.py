"""The About box: version, where the data lives, licence and versions, with Copy details for IT support."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desk import __version__
from send_desk.bootstrap import Desk
from send_desk.gui.style import app_icon

LICENCE = "MIT"
"""The licence, as pyproject.toml's `license` field states it (there is no separate LICENCE file)."""
TAGLINE = "Enquiries and complaints for a council's SEND service."
COPIED = "Copied. Paste the details into your message to IT support."


def database_text(desk: Desk) -> str:
    """Return where the desk's database is, in words a person and IT both follow (never a password)."""
    url = desk.url
    backend = url.get_backend_name()
    if backend == "sqlite" and url.database:
        return f"{url.database} (a file on this computer)"
    if backend == "postgresql" and url.database and url.host:
        server = f"{url.host}:{url.port}" if url.port else url.host
        user = f", signed in as {url.username}" if url.username else ""
        return f"PostgreSQL database {url.database} on the server {server}{user}"
    return url.render_as_string(hide_password=True)


def backups_text(desk: Desk) -> str:
    """Return where backups of the desk's database go, in plain words."""
    folder = desk.backups.backup_dir
    if folder is None:
        return "On the database server, made by IT with the server's own tools (pg_dump)"
    return str(folder)


def data_folder() -> Path:
    """Return the per-user data folder (settings, drafts, logs and the demo data)."""
    from send_desk.paths import user_data_dir

    return user_data_dir()


def log_folder() -> Path:
    """Return the folder of the desk's log files."""
    from send_desk.gui.crash_handler import default_log_dir

    return default_log_dir()


def data_locations(desk: Desk) -> list[tuple[str, str]]:
    """Return where the data lives, as (label, place) pairs: database, backups and logs."""
    return [
        ("Database", database_text(desk)),
        ("Backups", backups_text(desk)),
        ("Log files", str(log_folder())),
    ]


def about_details(desk: Desk) -> list[tuple[str, str]]:
    """Return the About box's facts as (label, value) pairs, in the order shown."""
    return [
        ("Version", __version__),
        *data_locations(desk),
        ("Data folder", str(data_folder())),
        ("Licence", LICENCE),
        ("Python", platform.python_version()),
        ("Qt", f"{qVersion()} (PySide6 {pyside_version})"),
        ("System", f"{platform.platform()} ({sys.platform})"),
    ]


def details_text(desk: Desk) -> str:
    """Return the About details as plain text, one "Label: value" line each, for the clipboard."""
    return "\n".join(["SEND Desk", *(f"{label}: {value}" for label, value in about_details(desk))])


def facts_form(parent: QWidget, facts: list[tuple[str, str]]) -> tuple[QFormLayout, dict[str, QLabel]]:
    """Lay out (label, value) pairs as a form of selectable, wrapping text; return it and its value labels."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    values: dict[str, QLabel] = {}
    for label, value in facts:
        field = QLabel(value, parent)
        field.setWordWrap(True)
        field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        field.setAccessibleDescription(label)  # read as what it shows; the caption describes it
        form.addRow(f"{label}:", field)
        values[label] = field
    return form, values


class AboutDialog(QDialog):
    """Say what this desk is, where its data lives and which versions run it; copy that for IT."""

    def __init__(self, parent: QWidget | None, desk: Desk) -> None:
        """Build the box for an open desk."""
        super().__init__(parent)
        self.setWindowTitle("About SEND Desk")
        self.setObjectName("aboutDialog")
        self.details = details_text(desk)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(12)
        icon = QLabel(self)
        icon.setPixmap(app_icon().pixmap(48, 48))
        head.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        words = QVBoxLayout()
        title = QLabel(f"SEND Desk {__version__}", self)
        title.setObjectName("pageTitle")
        tagline = QLabel(TAGLINE, self)
        tagline.setObjectName("muted")
        words.addWidget(title)
        words.addWidget(tagline)
        head.addLayout(words, 1)
        layout.addLayout(head)
        layout.addSpacing(6)
        form, self.values = facts_form(self, about_details(desk)[1:])
        layout.addLayout(form)
        self.copied = QLabel("", self)
        self.copied.setObjectName("muted")
        layout.addWidget(self.copied)
        buttons = QDialogButtonBox(self)
        self.copy_button = QPushButton("&Copy details", self)
        self.copy_button.setToolTip("Copy all of this, to paste into a message to IT support")
        self.copy_button.setAutoDefault(False)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.setDefault(True)
        self.close_button.setFocus()  # Enter or Esc closes it; Tab reaches Copy details
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(min(640, max(480, self.fontMetrics().horizontalAdvance("M") * 48)))

    def text(self) -> str:
        """Return everything the box says, as plain text."""
        return self.details

    def copy_details(self) -> None:
        """Put the details on the clipboard and say so."""
        QGuiApplication.clipboard().setText(self.details)
        self.copied.setText(COPIED)

    @classmethod
    def ask(cls, parent: QWidget | None, desk: Desk) -> None:
        """Show the About box until it is closed."""
        dialog = cls(parent, desk)
        dialog.exec()
        dialog.deleteLater()
