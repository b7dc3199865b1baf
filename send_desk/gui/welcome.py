"""The welcome screen shown the first time the desk opens, and the demo data it offers.

The welcome screen asks for the team name (shown in the title bar), says where the data lives, and offers
three ways to start: the register (empty, or, on a database a team already uses, holding its cases),
importing an existing tracker, or the demo data. It is shown the first time a person opens the desk, so
the database may well hold cases already; the first choice then says how many.

The demo data is kept apart from the real register: it is a separate SQLite file in the per-user data
folder (`<data folder>/demo/send-desk-demo.sqlite3`), made afresh each time it is chosen, filled off the GUI
thread by the demo service, and opened in its own window (a `DemoWindow`) with its own settings file. That
window's title and a banner across it say DEMO DATA; while it is open the real window is hidden. File ▸
"Back to my real data" (or closing the demo window) shows the real window again, and restarting the desk
always opens the real database.
"""

from __future__ import annotations

import enum
import shutil
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.errors import SendDeskError
from send_desk.domain.wording import DEFAULT_TEAM
from send_desk.gui.about import data_locations, facts_form
from send_desk.gui.errors import show_error
from send_desk.gui.main_window import MainWindow
from send_desk.gui.settings import (
    MAX_TEAM_NAME,
    mark_welcome_seen,
    set_team_name,
    settings_file,
    team_name,
)
from send_desk.gui.tasks import Progress, TaskRunner
from send_desk.services.context import Clock
from send_desk.values.cases import CaseFilter

DEMO_CASES = 300
DEMO_SEED = 1
DEMO_FOLDER = "demo"
DEMO_FILE_NAME = "send-desk-demo.sqlite3"
DEMO_SETTINGS_NAME = "demo-settings.ini"
DEMO_TITLE = "SEND Desk — DEMO DATA (made-up cases, not your real register)"
DEMO_BANNER = (
    "DEMO DATA: these are made-up sample cases in a separate practice database, so try anything. "
    "Your real register is not touched. To go back to it, choose File ▸ Back to my real data "
    "(or just restart SEND Desk)."
)
EMPTY_MESSAGE = "Your register is ready. Log the first case with File ▸ New case (Ctrl+N)."
REGISTER_CAPTION = "&Go to the register"


class Start(enum.Enum):
    """How the person chose to start."""

    EMPTY = "empty"  # the register as it is: empty, or holding a team's cases already
    IMPORT = "import"
    DEMO = "demo"


@dataclass(frozen=True)
class WelcomeChoice:
    """What the welcome screen was told: the team name and how to start."""

    team: str
    start: Start
    cases: int | None = 0
    """How many cases the register held when the screen was shown (None when they could not be counted)."""


CHOICES: tuple[tuple[Start, str, str], ...] = (
    (
        Start.EMPTY,
        "&Start with an empty register",
        "Log your first case straight away with File ▸ New case (Ctrl+N).",
    ),
    (
        Start.IMPORT,
        "&Import an existing tracker…",
        "Bring in your Excel tracker. Every row is checked, and you see what will happen, before anything "
        "is saved.",
    ),
    (
        Start.DEMO,
        "Open the &demo data to look around",
        f"{DEMO_CASES} made-up cases in a separate practice database; your own register is not touched. "
        "File ▸ Back to my real data takes you back.",
    ),
)


def cases_held(count: int) -> str:
    """Return a number of cases in words: "1 case", "1,234 cases"."""
    return f"{count:,} case{'' if count == 1 else 's'}"


def start_choices(cases: int | None) -> tuple[tuple[Start, str, str], ...]:
    """Return the ways to start, the first worded for a register holding `cases` (None: not known)."""
    if cases == 0:
        return CHOICES
    held = f"It already holds {cases_held(cases)}. " if cases is not None else ""
    register = (Start.EMPTY, REGISTER_CAPTION, f"{held}Log a new case with File ▸ New case (Ctrl+N).")
    return (register, *CHOICES[1:])


def start_message(cases: int | None) -> str:
    """Return the status-bar line after choosing to start with the register as it is."""
    if cases == 0:
        return EMPTY_MESSAGE
    held = f"Your register holds {cases_held(cases)}. " if cases is not None else ""
    return f"{held}Log a new case with File ▸ New case (Ctrl+N)."


def count_cases(desk: Desk) -> int | None:
    """Return how many cases the register holds, open or closed (None if the database cannot say now)."""
    try:
        return desk.register.count(CaseFilter(status="all"))
    except SendDeskError:
        return None


class WelcomeDialog(QDialog):
    """The first-run screen: team name, where the data lives, and how to start."""

    def __init__(self, parent: QWidget | None, desk: Desk, team: str = "") -> None:
        """Build the screen for an open desk, with the team name filled in if there is one."""
        super().__init__(parent)
        self.setWindowTitle("Welcome to SEND Desk")
        self.setObjectName("welcomeDialog")
        self.choice: WelcomeChoice | None = None
        self.cases = count_cases(desk)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.setContentsMargins(18, 14, 18, 14)
        title = QLabel("Welcome to SEND Desk", self)
        title.setObjectName("pageTitle")
        intro = QLabel(
            "SEND Desk keeps your team's register of enquiries and complaints and works out every due "
            "date for you. Three quick things before you start.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(intro)

        layout.addWidget(self._section("1. Your team"))
        team_row = QHBoxLayout()
        self.team_field = QLineEdit(team if team != DEFAULT_TEAM else "", self)
        self.team_field.setPlaceholderText("for example, North Yorkshire SEND")
        self.team_field.setMaxLength(MAX_TEAM_NAME)
        self.team_field.setAccessibleName("Team name")
        team_label = QLabel("&Team name:", self)
        team_label.setBuddy(self.team_field)
        team_row.addWidget(team_label)
        team_row.addWidget(self.team_field, 1)
        layout.addLayout(team_row)
        hint = QLabel("It is shown in the title bar: SEND Desk — your team name.", self)
        hint.setObjectName("muted")
        layout.addWidget(hint)

        layout.addWidget(self._section("2. Where your data lives"))
        places, self.places = facts_form(self, data_locations(desk))
        layout.addLayout(places)

        layout.addWidget(self._section("3. How would you like to start?"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(1, 1)
        self.buttons: dict[Start, QPushButton] = {}
        self.about: dict[Start, QLabel] = {}
        for row, (start, caption, words) in enumerate(start_choices(self.cases)):
            button = QPushButton(caption, self)
            button.setMinimumHeight(button.sizeHint().height() + 8)
            button.clicked.connect(lambda _checked=False, s=start: self.choose(s))
            about = QLabel(words, self)
            about.setWordWrap(True)
            about.setObjectName("muted")
            grid.addWidget(button, row, 0)
            grid.addWidget(about, row, 1)
            self.buttons[start] = button
            self.about[start] = about
        layout.addLayout(grid)
        self.buttons[Start.EMPTY].setDefault(True)
        later = QLabel("You can open this screen again from Help ▸ Welcome screen.", self)
        later.setObjectName("muted")
        layout.addSpacing(4)
        layout.addWidget(later)
        self.setMinimumWidth(min(720, self.fontMetrics().horizontalAdvance("M") * 60))
        self.team_field.setFocus()

    def _section(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName("sectionTitle")
        return label

    def team(self) -> str:
        """Return the team name as typed (spaces tidied), or the default when it is left blank."""
        return " ".join(self.team_field.text().split()) or DEFAULT_TEAM

    def choose(self, start: Start) -> None:
        """Close the screen with this way of starting."""
        self.choice = WelcomeChoice(self.team(), start, self.cases)
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, desk: Desk, team: str = "") -> WelcomeChoice | None:
        """Show the welcome screen; return the choice, or None when it was closed without one."""
        dialog = cls(parent, desk, team)
        try:
            dialog.exec()
            return dialog.choice
        finally:
            dialog.deleteLater()


def show_welcome(window: MainWindow) -> WelcomeChoice | None:
    """Show the welcome screen over a desk window and do what the person chose."""
    if isinstance(window, DemoWindow):  # choices are about the real register: go back to it first
        real = window.real
        window.back_to_real_data()
        return show_welcome(real)
    choice = WelcomeDialog.ask(window, window.desk, team_name(window.settings))
    mark_welcome_seen(window.settings)
    if choice is None:
        window.settings.sync()
        return None
    set_team_name(window.settings, choice.team)
    window.settings.sync()
    window.update_title()
    if choice.start is Start.EMPTY:
        window.statusBar().showMessage(start_message(choice.cases), 15000)
    elif choice.start is Start.IMPORT:
        window.import_cases()
    else:
        open_demo(window)
    return choice


# ----- the demo data ---------------------------------------------------------------------------
def demo_folder() -> Path:
    """Return the folder of the demo database (inside the per-user data folder)."""
    from send_desk.paths import user_data_dir

    return user_data_dir() / DEMO_FOLDER


class DemoApartError(SendDeskError):
    """Raise when the demo data could land in the real database."""


def build_demo_desk(
    folder: Path,
    real: Desk,
    *,
    cases: int = DEMO_CASES,
    seed: int = DEMO_SEED,
    clock: Clock | None = None,
) -> Generator[Progress, None, Desk]:
    """Make a fresh demo database in `folder`, fill it with sample cases and return a desk over it.

    Runs on a worker thread (no widgets). The folder is emptied first; the real database is never opened
    here, and a real database kept inside the demo folder is refused.
    """
    real_file = real.url.database if real.url.get_backend_name() == "sqlite" else None
    if real_file and Path(real_file).resolve().is_relative_to(folder.resolve()):
        raise DemoApartError(
            f"Your own database is inside the demo folder {folder}, so the demo data cannot be made "
            "there. Move your database elsewhere first."
        )
    yield Progress(0, cases, "Making the demo data…")
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    demo = open_desk(str(folder / DEMO_FILE_NAME), clock=clock or real.clock, login=real.login)
    try:
        for written in demo.demo.generate(cases, seed=seed):
            yield Progress(written, cases, f"Made {written:,} of {cases:,} demo cases…")
    except BaseException:
        demo.close()
        raise
    return demo


class DemoWindow(MainWindow):
    """A desk window over the demo database, marked DEMO DATA, that leads back to the real window."""

    closed = Signal()

    def __init__(
        self, desk: Desk, real: MainWindow, *, settings: QSettings, runner: TaskRunner | None = None
    ) -> None:
        """Open the demo desk in its own window; the real window is shown again when this one closes."""
        self.real = real
        super().__init__(desk, settings=settings, runner=runner, poll=False)
        self.banner = QLabel(DEMO_BANNER, self)
        self.banner.setObjectName("demoBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel#demoBanner { background: #FFF0C7; color: #5C3D00; border: 1px solid #E0B84C;"
            " border-radius: 4px; padding: 6px 8px; font-weight: 600; }"
        )
        central = self.centralWidget()
        layout = central.layout() if central is not None else None
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(0, self.banner)
        self.back_action = QAction("&Back to my real data", self)
        self.back_action.triggered.connect(lambda _checked=False: self.back_to_real_data())
        for menu in self.menuBar().findChildren(QMenu):
            if menu.title() == "&File" and menu.actions():
                first = menu.actions()[0]
                menu.insertAction(first, self.back_action)
                menu.insertSeparator(first)

    def update_title(self) -> None:
        """Say DEMO DATA in the title bar, whatever the team is called."""
        self.setWindowTitle(DEMO_TITLE)

    def back_to_real_data(self) -> None:
        """Close the demo data and show the real register again."""
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Show the real window first (so the desk keeps running), then let go of the demo database."""
        self.real.show()
        self.real.raise_()
        self.real.activateWindow()
        super().closeEvent(event)
        if event.isAccepted():
            self.runner.wait()
            self.desk.close()
            self.closed.emit()


class DemoLauncher(QObject):
    """Builds the demo data off the GUI thread for one real window and keeps at most one demo window."""

    opened = Signal(object)

    def __init__(self, window: MainWindow) -> None:
        """Serve this real window."""
        super().__init__(window)
        self.setObjectName("demoLauncher")
        self.window = window
        self.demo: DemoWindow | None = None
        self.building = False

    @classmethod
    def for_window(cls, window: MainWindow) -> DemoLauncher:
        """Return the window's launcher, making it on first use."""
        found = window.findChild(DemoLauncher, "demoLauncher")
        return found if isinstance(found, DemoLauncher) else cls(window)

    def launch(self, *, cases: int = DEMO_CASES, folder: Path | None = None) -> None:
        """Make the demo data on a worker thread and open it in its own window (or bring it forward)."""
        if self.demo is not None:
            self.demo.show()
            self.demo.raise_()
            self.demo.activateWindow()
            return
        if self.building:
            return
        self.building = True
        target = folder or demo_folder()
        real = self.window.desk

        def done(demo: Desk) -> None:
            self.building = False
            if not self.window.isVisible():  # the real window was closed while the data was being made
                demo.close()
                return
            self._show(demo, target)

        def failed(error: BaseException) -> None:
            self.building = False
            show_error(self.window, error)

        def cancelled() -> None:
            self.building = False

        self.window.runner.run_steps(
            lambda: build_demo_desk(target, real, cases=cases),
            on_done=done,
            on_error=failed,
            on_cancel=cancelled,
            label="Making the demo data…",
        )

    def _show(self, demo: Desk, folder: Path) -> None:
        settings = settings_file(folder / DEMO_SETTINGS_NAME)
        runner = TaskRunner(inline=True) if self.window.runner.inline else None  # tests load synchronously
        try:
            window = DemoWindow(demo, self.window, settings=settings, runner=runner)
        except SendDeskError as exc:
            demo.close()
            show_error(self.window, exc)
            return
        window.runner.setParent(window)
        window.closed.connect(self._forget)
        self.demo = window
        geometry = self.window.saveGeometry()
        window.restoreGeometry(geometry)
        window.show()
        self.window.hide()
        self.opened.emit(window)

    def _forget(self) -> None:
        self.demo = None


def open_demo(window: MainWindow) -> None:
    """Open the demo data beside (never inside) the window's real database."""
    DemoLauncher.for_window(window).launch()
