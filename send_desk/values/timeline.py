"""The case's story as people read it: one entry per thing that happened, in plain words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from send_desk.domain.wording import uk_datetime


class StoryType(StrEnum):
    """What sort of thing happened; the timeline can be filtered by it."""

    PROGRESS = "progress"
    ASSIGNED = "assigned"
    TARGETS = "targets"
    EDITS = "edits"
    DOCUMENTS = "documents"
    NOTES = "notes"
    CONTACTS = "contacts"

    @property
    def label(self) -> str:
        """Return the name the timeline's filter shows."""
        return {
            "progress": "Logged, escalated, closed, reopened",
            "assigned": "Assigned",
            "targets": "Acknowledgement, response and clocks",
            "edits": "Changes to the details",
            "documents": "Letters and documents",
            "notes": "Notes",
            "contacts": "Contacts with the family",
        }[self.value]


@dataclass(frozen=True)
class StoryEntry:
    """One thing that happened to a case: when, what (a sentence), more lines, who.

    `at` is when it happened; `recorded_at` is set when it was written down later than that (a call
    written up afterwards), so both can be shown.
    """

    at: datetime
    type: StoryType
    headline: str
    lines: tuple[str, ...] = ()
    author: str = ""
    recorded_at: datetime | None = None

    @property
    def when(self) -> str:
        """Return when it happened (27/11/2026 09:30), and when it was recorded if that was later."""
        text = uk_datetime(self.at)
        if self.recorded_at is not None:
            text += f" (recorded {uk_datetime(self.recorded_at)})"
        return text
