"""Admin ▸ Documents: the largest file the desk keeps against a case (25 MB unless changed)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.gui.admin.common import AdminDialog
from send_desk.services.permissions import Action
from send_desk.values.documents import MEGABYTE, size_words


class DocumentSettingsDialog(AdminDialog):
    """Change the size limit of one document kept against a case (audited as "setting-changed")."""

    action = Action.MANAGE_SETTINGS
    title = "Documents"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Show the limit in force and a box to change it."""
        super().__init__(desk, parent)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Files kept against a case are stored in the database, so very large ones make backups slow. "
            "A file larger than this limit is refused, with the limit in the message."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.limit = QSpinBox(self)
        self.limit.setRange(1, 1024)
        self.limit.setSuffix(" MB")
        self.limit.setAccessibleName("Largest file, in megabytes")
        self.limit.setValue(max(1, desk.documents.max_bytes() // MEGABYTE))
        form.addRow("&Largest file:", self.limit)
        layout.addLayout(form)
        self.save_button = QPushButton("&Save limit", self)
        self.save_button.clicked.connect(self.save)
        layout.addWidget(self.save_button)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> None:
        """Store the new limit."""
        limit = self.limit.value() * MEGABYTE
        self.attempt(
            lambda: self.desk.documents.set_max_bytes(limit),
            f"Files up to {size_words(limit)} are kept from now on.",
        )
