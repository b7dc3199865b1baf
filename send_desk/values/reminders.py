"""What falls due for one member of staff: the reminders the desk shows and the daily digest sends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DueItem:
    """One open target of one case that is due today or overdue."""

    case_id: int
    reference: str
    summary: str
    target: str
    """What is due, in words: "Acknowledgement" or "Response"."""
    due: date
    working_days_overdue: int
    """0 when it is due today."""

    @property
    def key(self) -> tuple[int, str, date]:
        """Return what identifies this reminder, so the desk tells each one once."""
        return (self.case_id, self.target, self.due)


@dataclass(frozen=True)
class Reminders:
    """Everything overdue or due today for one member of staff's open cases."""

    login: str
    name: str
    email: str
    today: date
    overdue: tuple[DueItem, ...] = ()
    due_today: tuple[DueItem, ...] = ()

    @property
    def items(self) -> tuple[DueItem, ...]:
        """Return the overdue items (most overdue first), then today's."""
        return self.overdue + self.due_today

    def __bool__(self) -> bool:
        """Tell whether there is anything to remind of."""
        return bool(self.overdue or self.due_today)
