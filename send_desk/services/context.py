"""What every service needs: the database, the clock and who is using the desk."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from send_desk.db.session import Database

Clock = Callable[[], datetime]
UK = ZoneInfo("Europe/London")


def system_clock() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def current_login() -> str:
    """Return the operating-system login of the person running the desk."""
    try:
        return getpass.getuser()
    except Exception:  # pragma: no cover - getuser fails only without any login variables
        return "unknown"


@dataclass(frozen=True)
class ServiceContext:
    """The database, an injected clock and the login of the person acting."""

    db: Database
    clock: Clock = system_clock
    login: str = ""

    def now(self) -> datetime:
        """Return the current time (UTC, aware)."""
        return self.clock()

    def today(self) -> date:
        """Return today's date in the UK."""
        return self.clock().astimezone(UK).date()

    def actor_login(self) -> str:
        """Return the login changes are recorded under."""
        return self.login or current_login()
