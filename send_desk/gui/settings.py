"""Per-person desk settings in QSettings: team name, window geometry, column widths and filters."""

from __future__ import annotations

from PySide6.QtCore import QSettings

ORGANISATION = "SEND Desk"
APPLICATION = "SEND Desk"
DEFAULT_TEAM = "SEND team"
SETTINGS_VERSION = 1


def desk_settings() -> QSettings:
    """Return the desk's settings store (an INI file in the user's settings folder)."""
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
    upgrade(settings)
    return settings


def upgrade(settings: QSettings) -> None:
    """Bring settings written by an older desk up to date."""
    version = int(str(settings.value("settings/version", 0) or 0))
    if version < 1:
        settings.setValue("settings/version", SETTINGS_VERSION)


def team_name(settings: QSettings) -> str:
    """Return the team name shown in the window title."""
    value = settings.value("team/name", DEFAULT_TEAM)
    return str(value).strip() or DEFAULT_TEAM
