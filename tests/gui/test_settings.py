"""Per-person settings: each key declared once as a typed option, versioned upgrades, unreadable values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QByteArray, QSettings, Qt

from send_desk.bootstrap import Desk
from send_desk.gui import settings as options
from send_desk.gui.main_window import MainWindow
from send_desk.gui.settings import desk_settings, team_name, welcome_seen
from send_desk.gui.tasks import TaskRunner

SOURCE = Path(options.__file__).resolve().parent.parent


def _settings_file(folder: Path, text: str) -> Path:
    """Write the desk's settings file (as an older desk left it) where desk_settings() will read it."""
    path = folder / options.ORGANISATION / f"{options.APPLICATION}.ini"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


VERSION_1_FILE = """\
[settings]
version=1

[team]
name=North Yorkshire SEND

[filters]
kind=complaint
status=closed
officer=alex.jones
category=Assessment delay
mine=true
from=01/11/2026
to=27/11/2026
"""


def test_a_version_1_file_is_upgraded_and_keeps_every_value(isolated_settings: Path) -> None:
    path = _settings_file(isolated_settings, VERSION_1_FILE)
    settings = desk_settings()
    assert options.VERSION.read(settings) == 2
    assert welcome_seen(settings)  # version 1 was before the welcome screen: not welcomed again
    assert team_name(settings) == "North Yorkshire SEND"
    assert options.FILTER_KIND.read(settings) == "complaint"
    assert options.FILTER_STATUS.read(settings) == "closed"
    assert options.FILTER_OFFICER.read(settings) == "alex.jones"
    assert options.FILTER_CATEGORY.read(settings) == "Assessment delay"
    assert options.FILTER_MINE.read(settings) is True
    assert options.FILTER_FROM.read(settings) == "01/11/2026"
    assert options.FILTER_TO.read(settings) == "27/11/2026"
    settings.sync()
    written = path.read_text(encoding="utf-8")
    assert "version=2" in written
    assert "seen=true" in written


def test_a_version_2_file_is_left_as_it_was(isolated_settings: Path) -> None:
    path = _settings_file(
        isolated_settings, "[settings]\nversion=2\n\n[team]\nname=East SEND\n\n[filters]\nmine=false\n"
    )
    settings = desk_settings()
    assert options.VERSION.read(settings) == 2
    assert not welcome_seen(settings)  # a version 2 person who never finished the welcome still sees it
    assert team_name(settings) == "East SEND"
    assert options.FILTER_MINE.read(settings) is False
    assert options.FILTER_STATUS.read(settings) == "open"
    settings.sync()
    assert "seen" not in path.read_text(encoding="utf-8")


def test_a_new_person_gets_the_current_version_and_the_defaults(isolated_settings: Path) -> None:
    settings = desk_settings()
    assert options.VERSION.read(settings) == options.SETTINGS_VERSION == 2
    assert not welcome_seen(settings)
    assert team_name(settings) == "SEND team"
    assert options.FILTER_STATUS.read(settings) == "open"
    assert options.WINDOW_GEOMETRY.read(settings).isEmpty()


def test_a_file_from_a_newer_desk_is_not_touched(isolated_settings: Path) -> None:
    _settings_file(isolated_settings, "[settings]\nversion=7\n")
    settings = desk_settings()
    assert options.VERSION.read(settings) == 7
    assert not welcome_seen(settings)


def test_upgrades_run_in_order_and_only_those_a_file_has_not_had(
    isolated_settings: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[tuple[str, int]] = []

    def upgrade_to_v3(settings: QSettings) -> None:
        ran.append(("v3", options.VERSION.read(settings)))

    monkeypatch.setitem(options.UPGRADES, 2, lambda s: ran.append(("v2", options.VERSION.read(s))))
    monkeypatch.setitem(options.UPGRADES, 3, upgrade_to_v3)
    monkeypatch.setattr(options, "SETTINGS_VERSION", 3)

    v1 = QSettings(str(isolated_settings / "v1.ini"), QSettings.Format.IniFormat)
    options.VERSION.write(v1, 1)
    options.upgrade(v1)
    assert ran == [("v2", 1), ("v3", 1)]
    assert options.VERSION.read(v1) == 3

    ran.clear()
    v2 = QSettings(str(isolated_settings / "v2.ini"), QSettings.Format.IniFormat)
    options.VERSION.write(v2, 2)
    options.upgrade(v2)
    assert ran == [("v3", 2)]
    assert options.VERSION.read(v2) == 3

    ran.clear()
    options.upgrade(v2)
    assert ran == []


def test_unreadable_values_read_as_the_defaults(isolated_settings: Path) -> None:
    _settings_file(
        isolated_settings,
        "[settings]\nversion=2\n\n[team]\nname=North, East SEND\n\n[welcome]\nseen=perhaps\n\n"
        "[window]\ngeometry=junk\n\n[filters]\nmine=2\n",
    )
    settings = desk_settings()
    assert team_name(settings) == "North, East SEND"  # an unquoted comma reads back as a list in INI
    assert not welcome_seen(settings)
    assert options.WINDOW_GEOMETRY.read(settings) == QByteArray()
    assert options.FILTER_MINE.read(settings) is False


def test_a_window_opens_over_an_unreadable_settings_file(qtbot, desk: Desk, isolated_settings: Path) -> None:  # type: ignore[no-untyped-def]
    _settings_file(
        isolated_settings,
        "[settings]\nversion=2\n\n[window]\ngeometry=junk\n\n[register]\nheader3=42\n\n"
        "[filters]\nkind=nonsense\nstatus=\nmine=perhaps\n",
    )
    win = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(win)
    assert win.kind.currentData() is None
    assert win.status.currentData() == "open"
    assert not win.mine.isChecked()
    assert win.model.sort_key() == ("received_on", True)


def test_a_key_is_declared_once() -> None:
    with pytest.raises(ValueError, match=r"The setting 'team/name' is declared twice"):
        options.TextOption("team/name", "")
    assert options.OPTIONS["team/name"] is options.TEAM_NAME


def test_only_gui_settings_reads_or_writes_a_settings_key() -> None:
    raw_access = re.compile(r"""\.(value|setValue)\(\s*["'][\w ]+/""")
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "settings.py" and path.parent.name == "gui":
            continue
        text = path.read_text(encoding="utf-8")
        if raw_access.search(text) or "QSettings(" in text:
            offenders.append(str(path.relative_to(SOURCE)))
    assert offenders == []


def test_a_window_writes_only_declared_keys(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(win)
    win.table.horizontalHeader().setSortIndicator(2, Qt.SortOrder.DescendingOrder)
    win.close()
    written = set(desk_settings().allKeys())
    assert written == {
        "settings/version",
        "window/geometry",
        "register/header3",
        "filters/kind",
        "filters/status",
        "filters/officer",
        "filters/category",
        "filters/mine",
        "filters/from",
        "filters/to",
    }
    assert written <= set(options.OPTIONS)
