"""The first-run welcome screen: team name, where the data lives, and the three ways to start."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

import send_desk.gui.import_wizard as import_wizard
from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.errors import DatabaseUnavailableError
from send_desk.domain.kinds import ClosureCode
from send_desk.gui.about import database_text
from send_desk.gui.main_window import MainWindow
from send_desk.gui.settings import desk_settings, team_name, welcome_seen
from send_desk.gui.welcome import (
    DEMO_BANNER,
    DEMO_FILE_NAME,
    DEMO_TITLE,
    EMPTY_MESSAGE,
    DemoApartError,
    DemoLauncher,
    DemoWindow,
    Start,
    WelcomeDialog,
    build_demo_desk,
    cases_held,
    show_welcome,
    start_choices,
    start_message,
)
from send_desk.gui.widgets import select_data
from send_desk.values.cases import CaseFilter
from tests.conftest import complaint_input
from tests.gui.helpers import ModalDriver, check, key, text


def all_ids(desk: Desk) -> list[int]:
    """Return the ids of every case in a desk's database, open or closed."""
    return desk.register.ids(CaseFilter(status="all"))


def show_everything(window: MainWindow) -> int:
    """Show open and closed cases in a window's register and return how many rows it has."""
    select_data(window.status, "all")
    window.reload()
    return window.model.rowCount()


def click(start: Start):  # type: ignore[no-untyped-def]
    return check(lambda dialog: dialog.buttons[start].click())  # type: ignore[attr-defined]


def test_first_run_asks_the_team_name_and_shows_it_in_the_title(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    assert not welcome_seen(window.settings)
    driver = ModalDriver(qtbot)
    driver.drive([text("North Yorkshire SEND"), key(Qt.Key.Key_Return)])
    assert window.welcome_if_first_run() is True
    driver.raise_errors()
    assert isinstance(driver.seen[0], WelcomeDialog)
    assert window.windowTitle() == "SEND Desk — North Yorkshire SEND"
    assert window.statusBar().currentMessage() == EMPTY_MESSAGE
    assert team_name(desk_settings()) == "North Yorkshire SEND"
    assert welcome_seen(desk_settings())
    assert window.welcome_if_first_run() is False  # only the first time


def test_closing_the_welcome_screen_keeps_the_title_and_does_not_ask_again(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
) -> None:
    driver = ModalDriver(qtbot)
    driver.drive([text("Somewhere else"), key(Qt.Key.Key_Escape)])
    assert window.welcome_if_first_run() is True
    driver.raise_errors()
    assert window.windowTitle() == "SEND Desk — SEND team"
    assert team_name(window.settings) == "SEND team"
    assert welcome_seen(window.settings)


def test_welcome_screen_is_reachable_from_the_help_menu_with_the_team_filled_in(
    qtbot,
    window: MainWindow,  # type: ignore[no-untyped-def]
) -> None:
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in help_menu.actions() if not a.isSeparator()]  # type: ignore[union-attr]
    assert texts == ["&Welcome screen…", "&About SEND Desk"]
    welcome = next(a for a in help_menu.actions() if a.text() == "&Welcome screen…")  # type: ignore[union-attr]
    driver = ModalDriver(qtbot)
    driver.drive([text("Leeds SEND"), key(Qt.Key.Key_Return)])
    welcome.trigger()
    driver.raise_errors()
    assert window.windowTitle() == "SEND Desk — Leeds SEND"
    seen_team: list[str] = []
    driver.drive([check(lambda d: seen_team.append(d.team_field.text())), key(Qt.Key.Key_Escape)])  # type: ignore[attr-defined]
    welcome.trigger()
    driver.raise_errors()
    assert seen_team == ["Leeds SEND"]
    assert window.windowTitle() == "SEND Desk — Leeds SEND"


def test_welcome_screen_says_where_the_data_lives(qtbot, desk: Desk, backend: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = WelcomeDialog(None, desk)
    qtbot.addWidget(dialog)
    try:
        places = {label: field.text() for label, field in dialog.places.items()}
        assert list(places) == ["Database", "Backups", "Log files"]
        assert places["Database"] == database_text(desk)
        if backend == "sqlite":
            assert places["Database"] == f"{tmp_path / 'desk.sqlite3'} (a file on this computer)"
            assert places["Backups"] == str(tmp_path / "backups")
        else:
            assert places["Backups"] == (
                "On the database server, made by IT with the server's own tools (pg_dump)"
            )
        assert places["Log files"] == str(tmp_path / "data" / "logs")
        assert dialog.team_field.text() == ""  # the default team name is not typed in for them
        assert dialog.team_field.placeholderText() == "for example, North Yorkshire SEND"
        assert [b.text() for b in dialog.buttons.values()] == [
            "&Start with an empty register",
            "&Import an existing tracker…",
            "Open the &demo data to look around",
        ]
        assert dialog.buttons[Start.EMPTY].isDefault()
    finally:
        dialog.done(QDialog.DialogCode.Rejected.value)


def test_demo_choice_opens_demo_data_apart_from_the_real_register(
    qtbot,
    window: MainWindow,
    desk: Desk,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    driver = ModalDriver(qtbot)
    driver.drive([text("North Yorkshire SEND"), click(Start.DEMO)])
    choice = show_welcome(window)
    driver.raise_errors()
    assert choice is not None
    assert choice.start is Start.DEMO
    demo = DemoLauncher.for_window(window).demo
    assert isinstance(demo, DemoWindow)
    try:
        assert demo.windowTitle() == DEMO_TITLE
        assert "DEMO DATA" in demo.windowTitle()
        assert demo.banner.text() == DEMO_BANNER
        assert demo.isVisible()
        assert not window.isVisible()  # one register on screen at a time: no mixing them up
        assert Path(str(demo.desk.url.database)) == tmp_path / "data" / "demo" / DEMO_FILE_NAME
        assert len(all_ids(demo.desk)) == 300
        assert show_everything(demo) == 300
        assert all_ids(desk) == []  # the real database got no demo cases
        assert window.windowTitle() == "SEND Desk — North Yorkshire SEND"
        file_menu = next(a.menu() for a in demo.menuBar().actions() if a.text() == "&File")
        assert file_menu.actions()[0].text() == "&Back to my real data"  # type: ignore[union-attr]
        file_menu.actions()[0].trigger()  # type: ignore[union-attr]
        assert not demo.isVisible()
        assert window.isVisible()
        assert DemoLauncher.for_window(window).demo is None
        assert show_everything(window) == 0
        assert team_name(desk_settings()) == "North Yorkshire SEND"  # the demo window has its own settings
    finally:
        demo.close()


def test_demo_data_is_made_afresh_each_time(qtbot, window: MainWindow, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    launcher = DemoLauncher.for_window(window)
    launcher.launch(cases=40)
    first = launcher.demo
    assert first is not None
    launcher.launch(cases=40)  # while it is open: brought forward, not made again
    assert launcher.demo is first
    first.back_to_real_data()
    launcher.launch(cases=25)
    second = launcher.demo
    assert second is not None
    try:
        assert second is not first
        assert len(all_ids(second.desk)) == 25
        assert all_ids(desk) == []
    finally:
        second.close()


def test_demo_data_is_made_off_the_gui_thread(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    win = MainWindow(desk, settings=desk_settings(), poll=False)
    qtbot.addWidget(win)
    win.show()
    launcher = DemoLauncher.for_window(win)
    with qtbot.waitSignal(launcher.opened, timeout=60_000) as opened:
        launcher.launch(cases=60)
        assert launcher.building  # the window keeps working while the cases are made
        assert launcher.demo is None
    demo = opened.args[0]
    try:
        assert isinstance(demo, DemoWindow)
        assert not demo.runner.inline
        assert len(all_ids(demo.desk)) == 60
        assert all_ids(desk) == []
        qtbot.waitUntil(lambda: not demo.runner.busy and not win.runner.busy, timeout=10_000)
    finally:
        demo.close()
        win.runner.wait()
        win.close()


def test_welcome_from_the_demo_window_goes_back_to_the_real_data_first(
    qtbot,
    window: MainWindow,
    desk: Desk,  # type: ignore[no-untyped-def]
) -> None:
    DemoLauncher.for_window(window).launch(cases=10)
    demo = DemoLauncher.for_window(window).demo
    assert demo is not None
    try:
        driver = ModalDriver(qtbot)
        driver.drive([text("Kent SEND"), key(Qt.Key.Key_Return)])
        demo.show_welcome()
        driver.raise_errors()
        assert driver.seen[0].parent() is window
        assert not demo.isVisible()
        assert window.windowTitle() == "SEND Desk — Kent SEND"
        assert demo.windowTitle() == DEMO_TITLE
    finally:
        demo.close()


def test_import_choice_opens_the_import_wizard(
    qtbot,
    window: MainWindow,
    desk: Desk,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    opened: list[Desk] = []

    def fake_ask(cls, parent, desk, case_filter=None, **_kwargs):  # type: ignore[no-untyped-def]
        opened.append(desk)

    monkeypatch.setattr(import_wizard.ImportWizard, "ask", classmethod(fake_ask))
    driver = ModalDriver(qtbot)
    driver.drive([click(Start.IMPORT)])
    choice = show_welcome(window)
    driver.raise_errors()
    assert choice is not None
    assert choice.start is Start.IMPORT
    assert opened == [desk]
    assert window.windowTitle() == "SEND Desk — SEND team"


def test_the_demo_is_never_made_where_the_real_database_is(tmp_path: Path, clock) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data" / "demo"
    folder.mkdir(parents=True)
    real = open_desk(str(folder / "mine.sqlite3"), clock=clock, login="sam.patel")
    try:
        steps = build_demo_desk(folder, real, cases=5)
        with pytest.raises(DemoApartError, match="Your own database is inside the demo folder"):
            next(steps)
        assert (folder / "mine.sqlite3").exists()
    finally:
        real.close()


def test_people_who_used_the_desk_before_are_not_welcomed_again(isolated_settings: Path) -> None:
    old = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "SEND Desk", "SEND Desk")
    old.setValue("settings/version", 1)
    old.sync()
    assert welcome_seen(desk_settings())


def test_a_new_person_is_welcomed(isolated_settings: Path) -> None:
    assert not welcome_seen(desk_settings())


def first_choice(qtbot, desk: Desk) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Return the welcome screen's first way to start: its button's caption and the words beside it."""
    dialog = WelcomeDialog(None, desk)
    qtbot.addWidget(dialog)
    try:
        assert dialog.buttons[Start.EMPTY].isDefault()
        return dialog.buttons[Start.EMPTY].text(), dialog.about[Start.EMPTY].text()
    finally:
        dialog.done(QDialog.DialogCode.Rejected.value)


def test_an_empty_database_is_offered_as_an_empty_register(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    assert first_choice(qtbot, desk) == (
        "&Start with an empty register",
        "Log your first case straight away with File ▸ New case (Ctrl+N).",
    )


@pytest.mark.parametrize(("logged", "held"), [(3, "3 cases"), (1, "1 case")])
def test_a_database_that_holds_cases_is_offered_as_it_is_with_how_many(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, desk: Desk, logged: int, held: str
) -> None:
    for number in range(logged):
        desk.cases.log_case(complaint_input(summary=f"Case {number + 1}"))
    assert first_choice(qtbot, desk) == (
        "&Go to the register",
        f"It already holds {held}. Log a new case with File ▸ New case (Ctrl+N).",
    )
    driver = ModalDriver(qtbot)
    driver.drive([click(Start.EMPTY)])
    choice = show_welcome(window)
    driver.raise_errors()
    assert choice is not None
    assert (choice.start, choice.cases) == (Start.EMPTY, logged)
    assert window.statusBar().currentMessage() == (
        f"Your register holds {held}. Log a new case with File ▸ New case (Ctrl+N)."
    )


def test_closed_cases_count_too_and_big_numbers_have_commas(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    desk.cases.close(case.id, on=case.received_on, code=ClosureCode.WITHDRAWN, expected_version=case.version)
    assert first_choice(qtbot, desk)[1].startswith("It already holds 1 case. ")
    assert cases_held(1234) == "1,234 cases"
    assert cases_held(0) == "0 cases"


def test_a_register_that_cannot_be_counted_is_not_called_empty(qtbot, desk: Desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def unavailable(_case_filter: CaseFilter) -> int:
        raise DatabaseUnavailableError()

    monkeypatch.setattr(desk.register, "count", unavailable)
    assert first_choice(qtbot, desk) == (
        "&Go to the register",
        "Log a new case with File ▸ New case (Ctrl+N).",
    )
    assert start_choices(None)[0][1] == "&Go to the register"
    assert start_message(None) == "Log a new case with File ▸ New case (Ctrl+N)."
    assert start_message(0) == EMPTY_MESSAGE
