"""Choose the week of the weekly summary on a calendar, or with "Last week" / "This week"."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from send_desk.domain.wording import long_date
from send_desk.gui.style import app_icon


def iso_week(day: date) -> str:
    """Return the ISO week a day falls in, as the reports name it ("2026-W47")."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def week_monday(week: str) -> date | None:
    """Return the Monday of a week named like "2026-W47", or None when it is not one."""
    try:
        year, number = week.strip().upper().split("-W")
        return date.fromisocalendar(int(year), int(number), 1)
    except ValueError:
        return None


class WeekPicker(QDialog):
    """A calendar that picks a whole week (Monday to Sunday), with quick buttons for last and this week."""

    def __init__(self, parent: QWidget | None = None, *, today: date, week: str | None = None) -> None:
        """Start on `week` (last week when none is given)."""
        super().__init__(parent)
        self.today = today
        self.setWindowTitle("Weekly summary — choose the week")
        self.setWindowIcon(app_icon())
        layout = QVBoxLayout(self)
        intro = QLabel("Click any day of the week to print. Weeks run Monday to Sunday.")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.calendar = QCalendarWidget(self)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setAccessibleName("Day in the week to print")
        days = self.calendar.findChild(QTableView)
        if days is not None:  # the grid of days is what takes the focus
            days.setAccessibleName("Day in the week to print")
        self.calendar.setMaximumDate(QDate(today.year, today.month, today.day))
        self.calendar.selectionChanged.connect(self._show_week)
        layout.addWidget(self.calendar)
        quick = QHBoxLayout()
        self.last_week = QPushButton("&Last week", self)
        self.last_week.clicked.connect(lambda: self.select(self.today - timedelta(days=7)))
        self.this_week = QPushButton("T&his week (so far)", self)
        self.this_week.clicked.connect(lambda: self.select(self.today))
        quick.addWidget(self.last_week)
        quick.addWidget(self.this_week)
        quick.addStretch(1)
        layout.addLayout(quick)
        self.chosen = QLabel(self)
        self.chosen.setObjectName("muted")
        self.chosen.setAccessibleDescription("Week chosen")
        layout.addWidget(self.chosen)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Show the summary")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        start = week_monday(week) if week else None
        self.select(start or self.today - timedelta(days=7))

    def select(self, day: date) -> None:
        """Select a day (and so its week)."""
        self.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self._show_week()

    def day(self) -> date:
        """Return the day selected."""
        picked = self.calendar.selectedDate()
        return date(picked.year(), picked.month(), picked.day())

    def week(self) -> str:
        """Return the week selected, as the reports name it ("2026-W47")."""
        return iso_week(self.day())

    def _show_week(self) -> None:
        monday = self.day() - timedelta(days=self.day().weekday())
        self.chosen.setText(
            f"Week of {long_date(monday)} to {long_date(monday + timedelta(days=6))} ({self.week()})"
        )

    @classmethod
    def ask(cls, parent: QWidget | None, *, today: date, week: str | None = None) -> str | None:
        """Show the picker; return the week chosen ("2026-W47"), or None when cancelled."""
        dialog = cls(parent, today=today, week=week)
        try:
            return dialog.week() if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()
