"""When a contact happened: a date and a time, now unless it is being written up afterwards."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from send_desk.domain.errors import ValidationError
from send_desk.domain.wording import UK, uk_time
from send_desk.gui.widgets import DateField

TIME_PATTERN = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


class ContactTime(QWidget):
    """A date (dd/mm/yyyy) and a time (hh:mm, UK time) side by side; `moment` returns them as UTC."""

    def __init__(self, now: datetime, parent: QWidget | None = None) -> None:
        """Start at `now` in UK time."""
        super().__init__(parent)
        local = uk_time(now)
        self.day = DateField(local.date(), name="Date of the contact")
        self.time = QLineEdit(f"{local:%H:%M}")
        self.time.setAccessibleName("Time of the contact")
        self.time.setAccessibleDescription("A time, typed as hours:minutes, for example 14:30")
        self.time.setPlaceholderText("hh:mm")
        self.time.setMaxLength(5)
        self.time.setFixedWidth(70)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.day, 1)
        at = QLabel("at")
        layout.addWidget(at)
        layout.addWidget(self.time)
        self.setFocusProxy(self.day)
        self.setTabOrder(self.day, self.time)
        self._initial = (self.day.text(), self.time.text())

    def set_moment(self, value: datetime) -> None:
        """Show a moment in UK time."""
        local = uk_time(value)
        self.day.set_date(local.date())
        self.time.setText(f"{local:%H:%M}")

    def chosen(self) -> datetime | None:
        """Return the moment typed, or None when it was left at now (recorded as it happens)."""
        if (self.day.text(), self.time.text()) == self._initial:
            return None
        return self.moment()

    def moment(self) -> datetime:
        """Return the date and time typed, as UTC; raise ValidationError (field "at") when they are not."""
        try:
            day = self.day.date()
        except ValueError as exc:
            raise ValidationError(str(exc), field="at") from None
        if day is None:
            raise ValidationError("Enter the date of the contact.", field="at")
        match = TIME_PATTERN.match(self.time.text())
        hours, minutes = (int(match.group(1)), int(match.group(2))) if match else (99, 99)
        if hours > 23 or minutes > 59:
            raise ValidationError(
                f"{self.time.text().strip() or 'The time'} is not a time. Type it as hours:minutes, "
                "for example 14:30.",
                field="at",
            )
        return datetime.combine(day, time(hours, minutes), tzinfo=UK).astimezone(UTC)
