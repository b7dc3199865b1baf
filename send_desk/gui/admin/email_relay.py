"""Admin ▸ Email relay: the team's SMTP relay (host, port, STARTTLS, from-address, user) and a test email."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.gui.admin.common import AdminDialog
from send_desk.services import mail
from send_desk.services.permissions import Action
from send_desk.values.letters import SmtpSettingsView


class EmailRelayDialog(AdminDialog):
    """Set up the relay the desk sends email through; its password stays on each PC, never in the database."""

    action = Action.MANAGE_LETTERS
    title = "Email relay"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the form and show the settings kept in the database."""
        super().__init__(desk, parent)
        box = QGroupBox("The team's SMTP relay", self)
        form = QFormLayout(box)
        self.host = QLineEdit(box)
        self.host.setAccessibleName("Relay host")
        self.host.setPlaceholderText("e.g. smtp.council.gov.uk")
        self.port = QSpinBox(box)
        self.port.setRange(1, 65535)
        self.port.setValue(25)
        self.port.setAccessibleName("Relay port")
        self.starttls = QCheckBox("Use STARTTLS", box)
        self.from_address = QLineEdit(box)
        self.from_address.setAccessibleName("From address")
        self.user = QLineEdit(box)
        self.user.setAccessibleName("User name")
        self.user.setPlaceholderText("leave empty when the relay needs no login")
        self.save_button = QPushButton("&Save", box)
        self.save_button.clicked.connect(self.save)
        form.addRow("&Host", self.host)
        form.addRow("&Port", self.port)
        form.addRow("", self.starttls)
        form.addRow("&From address", self.from_address)
        form.addRow("&User", self.user)
        form.addRow("", self.save_button)

        secret = QGroupBox("Password (kept in this PC's credential store, never in the database)", self)
        secret_form = QFormLayout(secret)
        self.password = QLineEdit(secret)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Relay password")
        self.keep_button = QPushButton("&Keep on this PC", secret)
        self.keep_button.clicked.connect(self.keep_password)
        note = QLabel(f"Scheduled tasks can give it in {mail.PASSWORD_ENV} instead.", secret)
        note.setObjectName("muted")
        secret_form.addRow("Pass&word", self.password)
        secret_form.addRow("", self.keep_button)
        secret_form.addRow("", note)

        test_row = QHBoxLayout()
        self.test_to = QLineEdit(self)
        self.test_to.setAccessibleName("Send a test email to")
        self.test_to.setPlaceholderText("your own email address")
        self.test_button = QPushButton("Send &test email", self)
        self.test_button.clicked.connect(self.send_test)
        test_row.addWidget(self.test_to, 1)
        test_row.addWidget(self.test_button)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(secret)
        layout.addLayout(test_row)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(560, 480)
        self.load()

    def load(self) -> None:
        """Show the settings kept in the database."""
        settings = self.attempt(self.desk.letters.smtp_settings)
        if settings is None:
            return
        self.host.setText(settings.host)
        self.port.setValue(settings.port)
        self.starttls.setChecked(settings.starttls)
        self.from_address.setText(settings.from_address)
        self.user.setText(settings.username)

    def settings(self) -> SmtpSettingsView:
        """Return the settings as typed."""
        return SmtpSettingsView(
            self.host.text(),
            self.port.value(),
            self.starttls.isChecked(),
            self.from_address.text(),
            self.user.text(),
        )

    def save(self) -> None:
        """Save the relay's settings (an admin's change, audited)."""
        self.attempt(
            lambda: self.desk.letters.set_smtp(self.settings()),
            lambda s: f"Saved: the desk sends through {s.host}:{s.port} as {s.from_address}.",
        )

    def keep_password(self) -> None:
        """Keep the password in this PC's credential store."""
        typed = self.password.text()
        settings = self.settings()
        if not settings.username.strip():
            self.message.say("Give the user name first: a relay without a login needs no password.")
            return
        self.attempt(
            lambda: mail.store_password(settings, typed),
            f"The password of {settings.username} is kept in this PC's credential store.",
        )
        self.password.clear()

    def send_test(self) -> None:
        """Send a test email through the saved relay."""
        self.attempt(lambda: self.desk.letters.test_smtp(self.test_to.text()), lambda said: said)
