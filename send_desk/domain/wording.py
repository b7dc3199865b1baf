"""How dates, times and the team are written for people in the UK (27/11/2026, Friday 27 November 2026)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")
"""The time zone every timestamp is shown in (stored in UTC)."""
DEFAULT_TEAM = "SEND team"
"""The team name shown and printed until someone sets their own."""
DASH = "–"
"""What printed documents show for a date that is not there."""
WORKING_DAYS_OVERDUE = "Working days overdue"
"""The full name of a count of working days past a due date (a narrow table may head it shorter)."""


def uk_date(value: date | None, empty: str = "") -> str:
    """Format a date as the desk shows it (27/11/2026), or `empty`."""
    return value.strftime("%d/%m/%Y") if value is not None else empty


def uk_day(value: date | None, empty: str = "—") -> str:
    """Format a date with its weekday (Fri 27/11/2026), or `empty`."""
    return value.strftime("%a %d/%m/%Y") if value is not None else empty


def long_date(value: date) -> str:
    """Return a date in words, e.g. "Monday 23 November 2026"."""
    return f"{value:%A} {value.day} {value:%B %Y}"


def uk_time(value: datetime) -> datetime:
    """Return a timestamp in UK local time (a naive one is taken as already local)."""
    return value.astimezone(UK) if value.tzinfo is not None else value


def uk_datetime(value: datetime | None, empty: str = "") -> str:
    """Return a timestamp in UK local time (27/11/2026 10:00), or `empty`."""
    return uk_time(value).strftime("%d/%m/%Y %H:%M") if value is not None else empty
