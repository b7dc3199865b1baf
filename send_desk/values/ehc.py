"""The EHC process a case is about, as the services return it: its steps (latest first) and their dates."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from send_desk.domain.ehc import DateStatus, EhcDates, EhcException, days_late


@dataclass(frozen=True)
class EhcStepView:
    """One recorded step: its statutory dates and where each stands today, with what was recorded."""

    id: int
    dates: EhcDates
    statuses: tuple[DateStatus, ...]
    current: bool
    recorded_at: datetime
    recorded_by: str
    done: dict[str, date] = field(default_factory=dict)
    exceptions: dict[str, EhcException] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    """The note recorded with each exception, by date name."""

    @property
    def days_late(self) -> int:
        """Return how many days late the step is: the most any of its dates is late (0: none missed)."""
        return days_late(self.statuses)


@dataclass(frozen=True)
class EhcRecord:
    """A case's EHC process: its steps, the latest first (the first is the current one)."""

    case_id: int
    reference: str
    version: int
    as_of: date
    history: tuple[EhcStepView, ...] = ()

    @property
    def current(self) -> EhcStepView | None:
        """Return the step the case is now about, or None when no step is recorded."""
        return self.history[0] if self.history else None

    def to_json(self) -> dict[str, object] | None:
        """Return the `"ehc"` of `case show --json`: {step, started, dates}, or None without a step."""
        current = self.current
        if current is None:
            return None
        dates = current.dates
        return {"step": dates.step.value, "started": dates.started.isoformat(), "dates": dates.iso()}
