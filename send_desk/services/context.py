"""What every service needs: the database, the clock and who is using the desk."""

from __future__ import annotations

import os
import sys
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


def os_login() -> str:
    """Return the account this process runs as, asked of the operating system (never the environment).

    USER, LOGNAME and USERNAME are set by whoever starts the process, so anyone could claim to be anyone
    (getpass.getuser() reads them first). The OS answers for the process's own account instead.
    """
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        return _windows_login()
    import pwd

    return pwd.getpwuid(os.getuid()).pw_name


def _windows_login() -> str:  # pragma: no cover - Windows only
    """Return the Windows account name (without its domain) from GetUserNameExW, else GetUserNameW."""
    import ctypes
    from ctypes import wintypes

    name_sam_compatible = 2
    size = wintypes.DWORD(0)
    secur32 = ctypes.WinDLL("secur32")  # type: ignore[attr-defined,unused-ignore]
    secur32.GetUserNameExW(name_sam_compatible, None, ctypes.byref(size))
    if size.value:
        buffer = ctypes.create_unicode_buffer(size.value)
        if secur32.GetUserNameExW(name_sam_compatible, buffer, ctypes.byref(size)):
            return buffer.value.rsplit("\\", 1)[-1]
    size = wintypes.DWORD(257)
    buffer = ctypes.create_unicode_buffer(size.value)
    advapi32 = ctypes.WinDLL("advapi32")  # type: ignore[attr-defined,unused-ignore]
    if not advapi32.GetUserNameW(buffer, ctypes.byref(size)):
        raise OSError("Windows did not say which account is signed in (GetUserNameW failed).")
    return str(buffer.value)


def current_login() -> str:
    """Return the operating-system login of the person running the desk, as the OS reports it."""
    return os_login()


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
