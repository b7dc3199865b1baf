"""Tell the person at the desk when one of their targets is due today or goes overdue.

At start, every minute and whenever another desk changes something, the desk asks for the person's
reminders off the GUI thread. Reminders not told before are shown once: in the system tray's balloon
where there is a tray, otherwise in a banner across the top of the window. Either opens the list.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSystemTrayIcon, QWidget

from send_desk.gui.tasks import TaskRunner
from send_desk.reports.scheduled_emails import counts_text, line
from send_desk.values.reminders import DueItem, Reminders

CHECK_EVERY_MS = 60_000
"""How often the desk looks again (a target becomes due at midnight, or is handed to you)."""
SHOWN_LINES = 3
"""How many reminders the banner and the balloon list before "and N more"."""


def reminder_title(new: list[DueItem], reminders: Reminders) -> str:
    """Return the headline of a reminder: how many new targets are overdue and due today."""
    overdue = sum(1 for item in new if item.due < reminders.today)
    return f"You have {counts_text(overdue, len(new) - overdue)}"


def reminder_body(new: list[DueItem], reminders: Reminders) -> str:
    """Return the first few reminders in words, one a line."""
    lines = [line(item, reminders) for item in new[:SHOWN_LINES]]
    if len(new) > SHOWN_LINES:
        lines.append(f"and {len(new) - SHOWN_LINES} more")
    return "\n".join(lines)


class ReminderBanner(QFrame):
    """A banner across the top of the window: the reminder, "Show them" and "Dismiss"."""

    showRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        """Start hidden."""
        super().__init__(parent)
        self.setObjectName("reminderBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.show_button = QPushButton("Show t&hem", self)
        self.show_button.clicked.connect(self._show_clicked)
        self.dismiss_button = QPushButton("D&ismiss", self)
        self.dismiss_button.clicked.connect(self.hide)
        layout.addWidget(self.show_button)
        layout.addWidget(self.dismiss_button)
        self.hide()

    def text(self) -> str:
        """Return the words shown."""
        return self.label.text()

    def show_reminder(self, title: str, body: str) -> None:
        """Show a reminder (replacing any shown)."""
        self.label.setText(f"<b>{title}</b><br>{body.replace(chr(10), '<br>')}")
        self.label.setAccessibleName(f"{title}. {body}")
        self.show()

    def _show_clicked(self) -> None:
        self.hide()
        self.showRequested.emit()


class ReminderNotifier(QObject):
    """Ask for the person's reminders now and then, and tell each new one once."""

    showRequested = Signal(bool)
    """Emitted when the person asks to see the list; True when something is overdue."""

    def __init__(
        self,
        banner: ReminderBanner,
        fetch: Callable[[], Reminders],
        runner: TaskRunner,
        *,
        icon: QIcon | None = None,
        use_tray: bool | None = None,
    ) -> None:
        """Use `fetch` (run off the GUI thread) for the reminders; the tray when there is one."""
        super().__init__(banner)
        self.banner = banner
        self.fetch = fetch
        self.runner = runner
        self.told: set[tuple[int, str, object]] = set()
        self.last: Reminders | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)
        tray = QSystemTrayIcon.isSystemTrayAvailable() if use_tray is None else use_tray
        self.tray: QSystemTrayIcon | None = None
        if tray:
            self.tray = QSystemTrayIcon(icon or QIcon(), self)
            self.tray.setToolTip("SEND Desk")
            self.tray.messageClicked.connect(self._open)
            self.tray.activated.connect(lambda _reason: self._open())
            self.tray.show()
        banner.showRequested.connect(self._open)

    def start(self) -> None:
        """Look now and every minute from now on."""
        self.check()
        self.timer.start()

    def stop(self) -> None:
        """Stop looking (the window is closing)."""
        self.timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def check(self) -> None:
        """Ask for the reminders off the GUI thread; tell the new ones when they come back."""
        self.runner.run(self.fetch, on_done=self.tell, on_error=lambda _error: None)

    def tell(self, reminders: Reminders) -> None:
        """Show the reminders not told before (each once), in the tray or the banner."""
        self.last = reminders
        new = [item for item in reminders.items if item.key not in self.told]
        self.told.update(item.key for item in new)
        if not new:
            return
        title, body = reminder_title(new, reminders), reminder_body(new, reminders)
        if self.tray is not None:
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, 15_000)
        else:
            self.banner.show_reminder(title, body)

    def _open(self) -> None:
        self.banner.hide()
        self.showRequested.emit(bool(self.last and self.last.overdue))
