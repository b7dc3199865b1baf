"""Per-person desk settings in QSettings: team name, window geometry, column widths and filters."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from send_desk.domain.wording import DEFAULT_TEAM

ORGANISATION = "SEND Desk"
APPLICATION = "SEND Desk"
MAX_TEAM_NAME = 60
SETTINGS_VERSION = 2


def desk_settings() -> QSettings:
    """Return the desk's settings store (an INI file in the user's settings folder)."""
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
    upgrade(settings)
    return settings


def upgrade(settings: QSettings) -> None:
    """Bring settings written by an older desk up to date."""
    version = int(str(settings.value("settings/version", 0) or 0))
    if version == 1:
        # someone who used the desk before the welcome screen existed has already found their way round
        mark_welcome_seen(settings)
    if version < SETTINGS_VERSION:
        settings.setValue("settings/version", SETTINGS_VERSION)


def team_name(settings: QSettings) -> str:
    """Return the team name shown in the window title."""
    value = settings.value("team/name", DEFAULT_TEAM)
    return str(value).strip() or DEFAULT_TEAM


def set_team_name(settings: QSettings, name: str) -> str:
    """Remember the team name (blank means the default; long names are cut); return the name kept."""
    kept = " ".join(name.split())[:MAX_TEAM_NAME].strip() or DEFAULT_TEAM
    settings.setValue("team/name", kept)
    return kept


def welcome_seen(settings: QSettings) -> bool:
    """Tell whether this person has already been shown the welcome screen."""
    return str(settings.value("welcome/seen", "false")).lower() == "true"


def mark_welcome_seen(settings: QSettings) -> None:
    """Remember that the welcome screen was shown, so it does not open by itself again."""
    settings.setValue("welcome/seen", "true")
