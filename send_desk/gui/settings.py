"""Per-person desk settings, each declared once as a typed option, with versioned upgrades.

The shape follows MusicBrainz Picard's options.py and config_upgrade.py: every key the desk keeps in
its QSettings file is declared here once, as an option with a key, a type and a default, and is read and
written only through that option (`TEAM_NAME.read(settings)`, `WINDOW_GEOMETRY.write(settings, ...)`).
A value that is missing, or that a hand edit or an older desk left in a shape the option cannot read,
reads as the default. When a release changes what the file holds, it adds an `upgrade_to_vN` function to
`UPGRADES`; `upgrade` runs the ones a file has not had yet, in order, and stamps the file's version.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from send_desk.domain.wording import DEFAULT_TEAM

ORGANISATION = "SEND Desk"
APPLICATION = "SEND Desk"
MAX_TEAM_NAME = 60

T = TypeVar("T")

OPTIONS: dict[str, Option[object]] = {}
"""Every declared option by key: a key is declared once."""


class Option(Generic[T]):
    """One per-person setting: its key in the settings file, its type and its default."""

    def __init__(self, key: str, default: T) -> None:
        if key in OPTIONS:
            raise ValueError(f"The setting {key!r} is declared twice; declare it once in gui/settings.py")
        self.key = key
        self.default = default
        OPTIONS[key] = self  # type: ignore[assignment]

    def read(self, settings: QSettings) -> T:
        """Return the stored value, or the default when there is none or it cannot be read."""
        raw = settings.value(self.key)
        if raw is None:
            return self.default
        try:
            return self.convert(raw)
        except (TypeError, ValueError):
            return self.default

    def write(self, settings: QSettings, value: T) -> None:
        """Store a value."""
        settings.setValue(self.key, value)

    def convert(self, raw: object) -> T:
        """Turn what QSettings read back into this option's type (raise ValueError when it cannot)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.key!r}, {self.default!r})"


class TextOption(Option[str]):
    """A line of text."""

    def convert(self, raw: object) -> str:
        """Read text; an unquoted comma in a hand-edited INI file reads as a list, so join it back."""
        if isinstance(raw, list):
            return ", ".join(str(part) for part in raw)
        if isinstance(raw, str | int | float):
            return str(raw)
        raise TypeError(raw)


class BoolOption(Option[bool]):
    """Yes or no (stored as true/false)."""

    def convert(self, raw: object) -> bool:
        """Read true/false, 1/0 or yes/no."""
        if isinstance(raw, bool):
            return raw
        word = str(raw).strip().lower()
        if word in ("true", "1", "yes"):
            return True
        if word in ("false", "0", "no"):
            return False
        raise ValueError(raw)

    def write(self, settings: QSettings, value: bool) -> None:
        """Store true or false."""
        settings.setValue(self.key, "true" if value else "false")


class IntOption(Option[int]):
    """A whole number."""

    def convert(self, raw: object) -> int:
        """Read a whole number."""
        return int(str(raw).strip())


class BytesOption(Option[QByteArray]):
    """Bytes Qt saved for itself (a window's geometry, a header's state); empty when there are none."""

    def __init__(self, key: str) -> None:
        super().__init__(key, QByteArray())

    def read(self, settings: QSettings) -> QByteArray:
        """Return the stored bytes (a fresh empty array when there are none)."""
        value = super().read(settings)
        return QByteArray(value)

    def convert(self, raw: object) -> QByteArray:
        """Read bytes Qt wrote; anything else (a hand-edited string) is unreadable."""
        if isinstance(raw, QByteArray):
            return raw
        raise TypeError(raw)


# ----- the options -------------------------------------------------------------------------------
VERSION = IntOption("settings/version", 0)
TEAM_NAME = TextOption("team/name", DEFAULT_TEAM)
WELCOME_SEEN = BoolOption("welcome/seen", False)
WINDOW_GEOMETRY = BytesOption("window/geometry")
REGISTER_HEADER = BytesOption("register/header3")  # the register's column widths, order, sort, hidden
SAVED_VIEWS = TextOption("register/views", "")  # JSON: the person's named views (gui/saved_views.py)
SAVE_FOLDER = TextOption("files/save_folder", "")  # the folder a PDF or spreadsheet was last saved in
FILTER_KIND = TextOption("filters/kind", "")  # "" is every kind
FILTER_STATUS = TextOption("filters/status", "open")
FILTER_OFFICER = TextOption("filters/officer", "")  # "" is anyone
FILTER_CATEGORY = TextOption("filters/category", "")  # "" is every category
FILTER_MINE = BoolOption("filters/mine", False)
FILTER_FROM = TextOption("filters/from", "")  # a date as typed, dd/mm/yyyy
FILTER_TO = TextOption("filters/to", "")


# ----- upgrades ----------------------------------------------------------------------------------
def upgrade_to_v2(settings: QSettings) -> None:
    """Version 2 added the welcome screen: someone who used the desk before has found their way round."""
    WELCOME_SEEN.write(settings, True)


UPGRADES: dict[int, Callable[[QSettings], None]] = {2: upgrade_to_v2}
"""The upgrade that brings a file to each version (a new release adds the next one here)."""

SETTINGS_VERSION = max(UPGRADES)


def upgrade(settings: QSettings) -> None:
    """Bring settings written by an older desk up to date (a new person's empty file just gets stamped)."""
    version = VERSION.read(settings)
    if version >= SETTINGS_VERSION:
        return  # up to date, or written by a newer desk: leave it as it is
    if version > 0:
        for target in sorted(UPGRADES):
            if target > version:
                UPGRADES[target](settings)
    VERSION.write(settings, SETTINGS_VERSION)


# ----- the stores --------------------------------------------------------------------------------
def desk_settings() -> QSettings:
    """Return the desk's settings store (an INI file in the user's settings folder)."""
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)
    upgrade(settings)
    return settings


def settings_file(path: Path) -> QSettings:
    """Return a settings store kept in a file of its own (the demo window's)."""
    settings = QSettings(str(path), QSettings.Format.IniFormat)
    upgrade(settings)
    return settings


# ----- the team name and the welcome screen --------------------------------------------------------
def team_name(settings: QSettings) -> str:
    """Return the team name shown in the window title."""
    return TEAM_NAME.read(settings).strip() or DEFAULT_TEAM


def set_team_name(settings: QSettings, name: str) -> str:
    """Remember the team name (blank means the default; long names are cut); return the name kept."""
    kept = " ".join(name.split())[:MAX_TEAM_NAME].strip() or DEFAULT_TEAM
    TEAM_NAME.write(settings, kept)
    return kept


def welcome_seen(settings: QSettings) -> bool:
    """Tell whether this person has already been shown the welcome screen."""
    return WELCOME_SEEN.read(settings)


def mark_welcome_seen(settings: QSettings) -> None:
    """Remember that the welcome screen was shown, so it does not open by itself again."""
    WELCOME_SEEN.write(settings, True)
