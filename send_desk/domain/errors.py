"""Typed errors whose messages are written for the person using the desk."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DISPLAY_ZONE = "Europe/London"


class SendDeskError(Exception):
    """Base of every error the desk shows to a person, with a plain-words message."""

    default_message = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class ValidationError(SendDeskError):
    """Raise when input is not acceptable; `field` names the input at fault, if one is."""

    default_message = "Some of what you entered is not valid."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class UnknownPolicyError(ValidationError):
    """Raise when there is no target policy for a kind and stage."""

    default_message = "There is no target policy for that kind of case and stage."

    def __init__(
        self, message: str | None = None, *, kind: str | None = None, stage: int | None = None
    ) -> None:
        super().__init__(message, field="stage")
        self.kind = kind
        self.stage = stage


class NotFoundError(SendDeskError):
    """Raise when a record asked for does not exist."""

    default_message = "That record could not be found. Someone may have removed it."


class ConflictError(SendDeskError):
    """Raise when a save would overwrite someone else's newer change."""

    default_message = "This case was changed by someone else after you opened it."

    def __init__(self, changed_by: str, changed_at: datetime, message: str | None = None) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(message or self._describe(changed_by, changed_at))

    @staticmethod
    def _describe(changed_by: str, changed_at: datetime) -> str:
        local = to_display_time(changed_at)
        return (
            f"This case was changed by {changed_by} at {local:%H:%M} on {local:%d/%m/%Y} after you "
            "opened it. Reload it to see their change; what you typed is kept."
        )


class PermissionDeniedError(SendDeskError):
    """Raise when the signed-in member of staff may not do what was asked."""

    default_message = "You do not have permission to do that. Ask an admin if you need it."


class DatabaseUnavailableError(SendDeskError):
    """Raise when the database cannot be reached or opened."""

    default_message = (
        "The case database cannot be reached just now. Check the network or ask your IT support; "
        "nothing you typed has been lost."
    )


class DatabaseBusyError(DatabaseUnavailableError):
    """Raise when another desk's write held the database for longer than this one would wait."""

    default_message = (
        "The database is busy with another desk's work, so this was not saved. Wait a few seconds "
        "and try again; nothing saved earlier was lost."
    )


class SearchStoppedError(SendDeskError):
    """Raise when a search was stopped part-way because a newer one replaced it (nobody needs telling)."""

    default_message = "The search was stopped: a newer search replaced it."


def to_display_time(moment: datetime) -> datetime:
    """Return `moment` in UK time; a naive datetime is taken to be UTC, as the database stores it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(ZoneInfo(DISPLAY_ZONE))
    except ZoneInfoNotFoundError:  # pragma: no cover - only without time-zone data
        return moment
