"""How long each free-text field may be: one table for the forms, the services, the import and the database.

The database enforces the same table (migration 0015 builds a CHECK constraint per column on PostgreSQL
and a trigger pair on SQLite from `DATABASE_COLUMNS`), so a value is never cut short anywhere: a form
says so as the person types, a service refuses it in plain words, and the export writes every character
(no limit here exceeds `SPREADSHEET_CELL`, the most an Excel cell holds).
"""

from __future__ import annotations

from dataclasses import dataclass

from send_desk.domain.errors import ValidationError

SPREADSHEET_CELL = 32_767
"""The most characters one Excel cell holds (export never has to cut a field to fit)."""


@dataclass(frozen=True)
class FieldLimit:
    """The most characters a field takes, and what it is called in a message."""

    field: str
    most: int
    called: str


LIMITS: dict[str, FieldLimit] = {
    limit.field: limit
    for limit in (
        FieldLimit("name", 200, "name"),
        FieldLimit("email", 254, "email address"),
        FieldLimit("phone", 40, "phone number"),
        FieldLimit("identifier", 60, "EHC plan / UPN reference"),
        FieldLimit("summary", SPREADSHEET_CELL, "summary"),
        FieldLimit("description", SPREADSHEET_CELL, "description"),
        FieldLimit("note", SPREADSHEET_CELL, "note"),
    )
}
"""Field → its limit: the one table of field lengths (issue 14 item 8)."""

DATABASE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("person", "name", "name"),
    ("person", "email", "email"),
    ("person", "phone", "phone"),
    ("person", "identifier", "identifier"),
    ("case_record", "summary", "summary"),
    ("case_record", "description", "description"),
    ("timeline_entry", "text", "note"),
)
"""(table, column, field of `LIMITS`) for every column the database holds to a limit."""


def most(field: str) -> int:
    """Return the most characters `field` takes."""
    return LIMITS[field].most


def too_long(field: str, value: str, what: str = "") -> str | None:
    """Return the plain-words message when `value` is longer than `field` takes, else None.

    `what` names the field in the message when its usual name is not enough ("contact's name").
    """
    limit = LIMITS[field]
    length = len(value)
    if length <= limit.most:
        return None
    over = length - limit.most
    return (
        f"The {what or limit.called} is {length:,} characters long; it can take {limit.most:,}. "
        f"Shorten it by {over:,} character{'s' if over != 1 else ''}."
    )


def check_length(field: str, value: str, *, what: str = "", key: str | None = None) -> None:
    """Refuse a value longer than its field takes, with the message `too_long` writes."""
    message = too_long(field, value, what)
    if message is not None:
        raise ValidationError(message, field=key or field)


def counter_text(field: str, value: str) -> str:
    """Return what a form shows under a field as it is typed: the count near the limit, a message over it."""
    message = too_long(field, value)
    if message is not None:
        return message
    limit = most(field)
    if len(value) >= limit * 0.9:
        left = limit - len(value)
        return f"{len(value):,} of {limit:,} characters ({left:,} left)."
    return ""
