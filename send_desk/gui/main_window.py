"""The desk's main window: dashboard strip, filters, instant search and the register."""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SearchStoppedError, SendDeskError
from send_desk.domain.kinds import CaseKind
from send_desk.gui import settings as options
from send_desk.gui.change_feed import ChangeFeed
from send_desk.gui.email_drop import take_emails
from send_desk.gui.errors import show_error
from send_desk.gui.register_menus import RegisterMenus
from send_desk.gui.register_model import COLUMNS, RAG_COLUMN, Column, RegisterModel
from send_desk.gui.reminders import ReminderBanner, ReminderNotifier
from send_desk.gui.saved_views import MY_WORK
from send_desk.gui.settings import desk_settings, team_name, welcome_seen
from send_desk.gui.style import app_icon
from send_desk.gui.tasks import TaskRunner
from send_desk.gui.widgets import DateField, combo, fit_to_screen, select_data
from send_desk.values.cases import CaseDetail, CaseFilter, DashboardCounts

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
HEAD_ROWS = 60


@dataclass(frozen=True)
class Card:
    """One dashboard count: its key, words, and the RAG style that marks it."""

    key: str
    label: str
    field: str
    accent: str


CARDS: tuple[Card, ...] = (
    Card("overdue", "Overdue", "overdue", "#C62828"),
    Card("due_today", "Due today", "due_today", "#B26A00"),
    Card("due_soon", "Due in next 2 working days", "due_soon", "#8A5A00"),
    Card("awaiting", "Awaiting acknowledgement", "awaiting_acknowledgement", "#1D4E89"),
    Card("open", "Open", "open", "#3A3F45"),
)


class DashboardStrip(QWidget):
    """The counts across the top; each is a button that filters the register."""

    cardClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        """Make one checkable button per count."""
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.buttons: dict[str, QPushButton] = {}
        self.values: dict[str, int] = {}
        self.labels: dict[str, tuple[QLabel, QLabel]] = {}
        for card in CARDS:
            button = QPushButton(self)
            button.setObjectName("dashCard")
            button.setCheckable(True)
            button.setStyleSheet(f"QPushButton#dashCard {{ border-left: 6px solid {card.accent}; }}")
            inner = QVBoxLayout(button)
            inner.setContentsMargins(12, 4, 8, 4)
            inner.setSpacing(0)
            number = QLabel(button)
            number.setObjectName("dashNumber")
            caption = QLabel(button)
            caption.setObjectName("dashCaption")
            caption.setWordWrap(True)
            for label in (number, caption):
                label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
                inner.addWidget(label)
            self.labels[card.key] = (number, caption)
            button.setMinimumHeight(
                number.fontMetrics().height() * 2 + caption.fontMetrics().height() * 2 + 8
            )
            button.setMinimumWidth(60)
            button.setAccessibleName(card.label)
            button.setToolTip(f"Show only: {card.label.lower()}")
            button.clicked.connect(lambda _checked=False, key=card.key: self.cardClicked.emit(key))
            layout.addWidget(button, 1)
            self.buttons[card.key] = button
            self._paint(card, None)

    def set_counts(self, counts: DashboardCounts) -> None:
        """Show the latest counts."""
        for card in CARDS:
            self._paint(card, int(getattr(counts, card.field)))

    def set_active(self, key: str | None) -> None:
        """Mark the card whose filter is on."""
        for card_key, button in self.buttons.items():
            button.setChecked(card_key == key)

    def _paint(self, card: Card, value: int | None) -> None:
        button = self.buttons[card.key]
        shown = "–" if value is None else f"{value:,}"
        if value is not None:
            self.values[card.key] = value
        number, caption = self.labels[card.key]
        number.setText(shown)
        caption.setText(card.label)
        button.setAccessibleName(f"{card.label}: {shown}")


class MainWindow(RegisterMenus, QMainWindow):
    """The register window staff keep open all day."""

    registerLoaded = Signal()
    registerShown = Signal()

    def __init__(
        self,
        desk: Desk,
        *,
        settings: QSettings | None = None,
        runner: TaskRunner | None = None,
        poll: bool = True,
    ) -> None:
        """Build the window over an open desk; load the register."""
        super().__init__()
        self.desk = desk
        self.settings = settings or desk_settings()
        self.runner = runner or TaskRunner(self)
        self.me = desk.staff.me()
        self.quick: str | None = None
        self.counts = DashboardCounts(0, 0, 0, 0, 0)
        self._generation = 0
        self._loaded_generation = -1
        self._stop_search = threading.Event()
        self._shown_once = False
        self._head_pending = False
        self._restoring = False
        self.case_views: dict[int, QWidget] = {}
        self.setWindowIcon(app_icon())
        self.update_title()
        self.model = RegisterModel(desk.register.rows, describe_target=self._describe_target)
        self._build()
        self._build_menus()
        take_emails(self, lambda path: self.new_case_from_email(path))
        self._restore()
        self.model.sortRequested.connect(lambda *_: self.reload(counts=False))
        self._closed = False
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DEBOUNCE_MS)
        self.search_timer.timeout.connect(lambda: self.reload(counts=False, head=True))
        self.search.textChanged.connect(lambda _t: self.search_timer.start())
        self.search.returnPressed.connect(self._search_enter)
        self.search.installEventFilter(self)
        self.feed: ChangeFeed | None = None
        self.notifier = ReminderNotifier(
            self.reminder_banner,
            desk.reminders.mine,
            self.runner,
            icon=app_icon(),
            use_tray=None if poll else False,
        )
        self.notifier.showRequested.connect(self.show_my_due)
        if poll:
            self.feed = ChangeFeed(desk.change_watcher(), self)
            self.feed.changed.connect(self._external_change)
            self.feed.changed.connect(self.notifier.check)
            self.feed.start()
            self.notifier.start()
        self.reload()

    # ----- building ----------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(12, 10, 12, 6)
        outer.setSpacing(8)
        self.reminder_banner = ReminderBanner(central)
        outer.addWidget(self.reminder_banner)
        self.dashboard = DashboardStrip(central)
        self.dashboard.cardClicked.connect(self.apply_card)
        outer.addWidget(self.dashboard)

        bar = QHBoxLayout()
        bar.setSpacing(6)
        self.search = QLineEdit(central)
        self.search.setPlaceholderText("Search reference, names, email, phone, summary (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search cases")
        self.search.setMinimumWidth(200)
        search_label = QLabel("&Search:", central)
        search_label.setBuddy(self.search)
        bar.addWidget(search_label)
        bar.addWidget(self.search, 3)

        self.kind = combo(
            [("All kinds", None), *((k.label, k.value) for k in CaseKind)], name="Kind", parent=central
        )
        self.status = combo(
            [("Open", "open"), ("Closed", "closed"), ("All", "all")], name="Status", parent=central
        )
        self.officer = combo(
            [
                ("Anyone", None),
                ("Unassigned", "__unassigned__"),
                *((s.name, s.login) for s in self.desk.staff.list_staff()),
            ],
            name="Officer",
            parent=central,
        )
        self.category = combo(
            [("All categories", None), *((name, name) for name in self.desk.categories.choices())],
            name="Category",
            parent=central,
        )
        self.received_from = DateField(name="Received from", parent=central)
        self.received_to = DateField(name="Received to", parent=central)
        for field in (self.received_from, self.received_to):
            field.setFixedWidth(92)
            field.setPlaceholderText("from" if field is self.received_from else "to")
        self.mine = QCheckBox("&Mine", central)
        self.mine.setToolTip(f"Only cases assigned to {self.me.name}")
        self.mine.setAccessibleName("Mine: only my cases")
        bar.addWidget(self.mine)
        self.clear_button = QPushButton("C&lear filters", central)
        self.clear_button.setToolTip("Clear the search and every filter")
        self.clear_button.clicked.connect(self.clear_filters)
        bar.addWidget(self.clear_button)
        outer.addLayout(bar)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        for caption, widget, stretch in (
            ("&Kind:", self.kind, 2),
            ("Stat&us:", self.status, 1),
            ("&Officer:", self.officer, 2),
            ("Cate&gory:", self.category, 3),
            ("&Received:", self.received_from, 0),
            ("&to", self.received_to, 0),
        ):
            label = QLabel(caption, central)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget, stretch)
            if isinstance(widget, QComboBox):
                widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                widget.setMinimumContentsLength(6)
        outer.addLayout(filters)
        for box in (self.kind, self.status, self.officer, self.category):
            box.currentIndexChanged.connect(self._filters_changed)
        self.mine.toggled.connect(self._filters_changed)
        for field in (self.received_from, self.received_to):
            field.editingFinished.connect(self._filters_changed)

        self.table = QTableView(central)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Register of cases")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._row_menu)
        # The indicator first: turning sorting on sorts by it (Qt's default is column 0, descending).
        self.table.horizontalHeader().setSortIndicator(self.model.sort_column, self.model.sort_order)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(40)
        for index, column in enumerate(COLUMNS):
            self.table.setColumnWidth(index, self._starting_width(column))
        self._set_column_modes()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        header.moveSection(RAG_COLUMN, 1)  # the state of each case right beside its reference
        self.table.activated.connect(self._activated)
        outer.addWidget(self.table, 1)
        self.setCentralWidget(central)

        self.status_counts = QLabel(self)
        self.status_user = QLabel(f"Signed in as {self.me.name}", self)
        self.statusBar().addWidget(self.status_counts, 1)
        self.statusBar().addPermanentWidget(self.status_user)
        order: list[QWidget] = [
            *self.dashboard.buttons.values(), self.search, self.mine, self.clear_button, self.kind,
            self.status, self.officer, self.category, self.received_from, self.received_to, self.table,
        ]  # fmt: skip
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = self._action(file_menu, "&New case…", QKeySequence.StandardKey.New, self.new_case)
        self.new_from_email_action = self._action(
            file_menu, "New case from e&mail…", None, lambda: self.new_case_from_email()
        )
        file_menu.addSeparator()
        self.export_action = self._action(file_menu, "&Export…", QKeySequence("Ctrl+E"), self.export)
        self.import_action = self._action(file_menu, "&Import…", None, self.import_cases)
        self.print_action = self._action(file_menu, "&Print…", QKeySequence.StandardKey.Print, self.print_)
        file_menu.addSeparator()
        quit_action = self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        if not QKeySequence.keyBindings(QKeySequence.StandardKey.Quit):  # Windows and plain X11 define none
            quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        view_menu = self.menuBar().addMenu("&View")
        self.refresh_action = self._action(
            view_menu, "&Refresh", QKeySequence.StandardKey.Refresh, self.reload
        )
        self.refresh_action.setShortcuts([QKeySequence("F5")])
        self.search_action = self._action(
            view_menu, "&Search", QKeySequence.StandardKey.Find, self.focus_search
        )
        self.search_action.setShortcuts([QKeySequence("Ctrl+F")])
        self.open_action = self._action(view_menu, "&Open selected case", None, self.open_selected)
        view_menu.addSeparator()
        self._action(view_menu, "Show &all open cases", None, lambda: self.apply_card("open"))
        self.views_menu = view_menu.addMenu("Saved vie&ws")
        self.views_menu.aboutToShow.connect(self._fill_views_menu)
        self._action(view_menu, "&My work", QKeySequence("Ctrl+M"), lambda: self.apply_view(MY_WORK))
        self._action(view_menu, "Sa&ve this view as…", None, self.save_current_view)
        cases_menu = self.menuBar().addMenu("&Cases")
        self.bulk_acknowledge_action = self._action(
            cases_menu, "&Acknowledge selected…", None, self.acknowledge_selected
        )
        self.bulk_assign_action = self._action(cases_menu, "&Reassign selected…", None, self.assign_selected)
        self.copy_action = self._action(
            cases_menu, "&Copy references", QKeySequence.StandardKey.Copy, self.copy_references
        )
        self.copy_action.setShortcutContext(
            Qt.ShortcutContext.WidgetShortcut
        )  # Ctrl+C in the search copies text
        self.table.addAction(self.copy_action)
        self.export_selected_action = self._action(
            cases_menu, "&Export selected…", None, self.export_selected
        )
        self._build_admin_menu()
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Welcome screen…", None, self.show_welcome)
        help_menu.addSeparator()
        self._action(help_menu, "&About SEND Desk", None, self._about)

    def _build_admin_menu(self) -> None:
        """Add the Admin menu, showing only the screens this person's role may use."""
        from send_desk.gui.admin import ADMIN_MENU
        from send_desk.services.permissions import allows

        role = getattr(self.me, "role", "officer")
        entries = [entry for entry in ADMIN_MENU if allows(role, entry.action)]
        if not entries:
            return
        admin_menu = self.menuBar().addMenu("&Admin")
        for entry in entries:
            action = admin_menu.addAction(entry.label)
            action.triggered.connect(lambda _checked=False, e=entry: e.dialog().open(self, self.desk))

    def _action(
        self,
        menu: Any,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | None,
        slot: Callable[[], Any],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        self.addAction(action)
        return action

    # ----- filters -----------------------------------------------------------------------
    def current_filter(self) -> CaseFilter:
        """Return the filter the controls describe."""
        officer = self.officer.currentData()
        kind = self.kind.currentData()
        quick = self.quick
        return CaseFilter(
            status="open" if quick else str(self.status.currentData()),
            kinds=(CaseKind(kind),) if kind else (),
            officer_login=self.me.login
            if self.mine.isChecked()
            else (officer if officer and officer != "__unassigned__" else None),
            unassigned=officer == "__unassigned__" and not self.mine.isChecked(),
            category=self.category.currentData(),
            received_from=self.received_from.date_or_none(),
            received_to=self.received_to.date_or_none(),
            text=self.search.text(),
            overdue=quick == "overdue",
            due_today=quick == "due_today",
            awaiting_acknowledgement=quick == "awaiting",
        )

    def apply_card(self, key: str) -> None:
        """Filter the register to a dashboard count (clicking the active one again turns it off)."""
        if key == "open" or key == self.quick:
            self.quick = None
            if key == "open":
                self._restoring = True
                select_data(self.status, "open")
                self._restoring = False
        else:
            self.quick = key
        self.dashboard.set_active(self.quick or ("open" if self.status.currentData() == "open" else None))
        self.reload()

    def show_my_due(self, overdue: bool) -> None:
        """Show my cases that are overdue (or, when none is, due today): what a reminder was about."""
        self.mine.setChecked(True)
        key = "overdue" if overdue else "due_today"
        if self.quick != key:
            self.apply_card(key)
        self.raise_()
        self.activateWindow()

    def clear_filters(self) -> None:
        """Clear the search, the dashboard filter and every filter control."""
        self._restoring = True
        self.quick = None
        self.search.clear()
        for box in (self.kind, self.officer, self.category):
            box.setCurrentIndex(0)
        select_data(self.status, "open")
        self.mine.setChecked(False)
        self.received_from.clear()
        self.received_to.clear()
        self._restoring = False
        self.search_timer.stop()
        self.dashboard.set_active("open")
        self.reload()

    def focus_search(self) -> None:
        """Put the cursor in the search box with its text selected."""
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _search_enter(self) -> None:
        """Open the case found: Enter in the search box after typing a reference or a name."""
        if self.search_timer.isActive():
            self.reload()
        if self.model.rowCount() == 0:
            return
        case_id = self.selected_case_id() or self.model.case_id(0)
        if case_id is not None:
            self.open_case(case_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Let Down in the search box move to the first row of the register."""
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.table.setFocus(Qt.FocusReason.TabFocusReason)
            if self.selected_case_id() is None:
                self.table.selectRow(0)
            return True
        return super().eventFilter(watched, event)

    def _filters_changed(self, *_args: object) -> None:
        if self._restoring:
            return
        if self.sender() is self.status:
            self.quick = None
        self.dashboard.set_active(self.quick or ("open" if self.status.currentData() == "open" else None))
        self.reload()

    # ----- loading -----------------------------------------------------------------------
    def reload(self, *, counts: bool = True, head: bool = False) -> None:
        """Fetch the ids (and, unless told not to, the dashboard counts) off the GUI thread and show them.

        With `head` (a search keystroke) a quick look for the first screenful runs beside the whole search
        and is shown if it comes back first: a word most cases share is answered without waiting for all.
        """
        self.search_timer.stop()
        if self._closed:
            return
        self._generation += 1
        generation = self._generation
        case_filter = self.current_filter()
        key, descending = self.model.sort_key()
        if self.quick == "due_soon":  # the dashboard's "due soon" count: due after today, within the window
            case_filter = replace(case_filter, due_soon=True)
        register = self.desk.register
        if not self._shown_once:
            # first screenful at once (an indexed LIMIT query), the whole id list off the GUI thread
            try:
                first = register.ids(case_filter, key, descending, limit=HEAD_ROWS)
            except SendDeskError:
                first = []
            if first:
                self._shown_once = self._head_pending = True
                self.model.set_ids(first)
                self.registerShown.emit()

        if head and self._shown_once and case_filter.text.strip():
            self.runner.run(
                lambda: register.head_ids(case_filter, key, descending, HEAD_ROWS),
                on_done=lambda first: self._head_loaded(generation, first),
                on_error=lambda _exc: None,  # the whole search reports any trouble
            )

        self._stop_search.set()  # a search still running for an older keystroke stops at its next step
        stop = self._stop_search = threading.Event()

        def work() -> tuple[list[int], DashboardCounts | None]:
            ids = register.ids(case_filter, key, descending, should_stop=stop.is_set)
            return ids, register.counts() if counts else None

        self.runner.run(
            work,
            on_done=lambda result: self._loaded(generation, result),
            on_error=self._load_failed,
            label="Loading the register…",
        )

    def _load_failed(self, error: BaseException) -> None:
        if isinstance(error, SearchStoppedError):
            return  # replaced by a newer search (a closed window's tasks are cancelled, errors dropped)
        show_error(self, error)

    def _head_loaded(self, generation: int, first: list[int] | None) -> None:
        if first is None or generation != self._generation or self._closed:
            return
        if self._loaded_generation == generation:
            return  # the whole search came back first
        self._head_pending = True
        self.model.set_ids(first)
        self.status_counts.setText(f"Showing the first {len(first):,} matches  ·  still searching…")
        self.registerShown.emit()

    def _loaded(self, generation: int, result: tuple[list[int], DashboardCounts | None]) -> None:
        if generation != self._generation or self._closed:
            return
        self._loaded_generation = generation
        ids, fresh_counts = result
        if fresh_counts is not None:
            self.counts = fresh_counts
            self.dashboard.set_counts(fresh_counts)
        counts = self.counts
        selected = self.selected_case_id()
        if self._head_pending:
            self.model.extend_ids(ids)  # the first screenful is already shown: add the rest below it
        else:
            self.model.set_ids(ids)
        self._head_pending = False
        self._shown_once = True
        if selected is not None and (row := self.model.row_of(selected)) is not None:
            self.table.selectRow(row)
        elif ids and self.table.hasFocus():
            self.table.selectRow(0)
        shown = len(ids)
        self.status_counts.setText(
            f"Showing {shown:,} case{'s' if shown != 1 else ''}  ·  {counts.open:,} open  ·  "
            f"{counts.overdue:,} overdue  ·  {counts.due_today:,} due today"
        )
        self.registerShown.emit()
        self.registerLoaded.emit()

    def _external_change(self) -> None:
        """Show another desk's change: fetch rows and counts again, and flag open cases they changed."""
        for view in list(self.case_views.values()):
            check = getattr(view, "check_stale", None)
            if check is not None and view.isVisible():
                check()
        if not self.runner.busy:
            self.model.refresh_rows()
            self.reload()

    # ----- cases -------------------------------------------------------------------------
    def selected_case_id(self) -> int | None:
        """Return the id of the selected case (the current one when several are selected)."""
        ids = self.selected_case_ids()
        if len(ids) > 1:
            current = self.model.case_id(self.table.currentIndex().row())
            if current in ids:
                return current
        return ids[0] if ids else None

    def selected_case_ids(self) -> list[int]:
        """Return the ids of every selected case, in the register's order."""
        model = self.table.selectionModel()
        rows = sorted(index.row() for index in model.selectedRows()) if model else []
        return [case_id for row in rows if (case_id := self.model.case_id(row)) is not None]

    def new_case(self) -> CaseDetail | None:
        """Ask for a new case and, once saved, show it selected in the register."""
        from send_desk.gui.new_case import NewCaseDialog

        detail = NewCaseDialog.ask(self, self.desk)
        if detail is not None:
            self.statusBar().showMessage(f"Logged {detail.reference}", 8000)
            self.reload()
            if (row := self.model.row_of(detail.id)) is not None:
                self.table.selectRow(row)
        return detail

    def new_case_from_email(self, path: Path | None = None) -> CaseDetail | None:
        """Log a new case from an email file (.eml or .msg), which is kept against it."""
        from send_desk.gui.email_intake import new_case_from_email

        return new_case_from_email(self, path)

    def open_selected(self) -> QWidget | None:
        """Open the selected case."""
        case_id = self.selected_case_id()
        return self.open_case(case_id) if case_id is not None else None

    def open_case(self, case_id: int) -> QWidget | None:
        """Open a case in its own window (or bring it forward if it is open already)."""
        from send_desk.gui.case_view import CaseView

        existing = self.case_views.get(case_id)
        if existing is not None and existing.isVisible():
            existing.raise_()
            existing.activateWindow()
            return existing
        try:
            view = CaseView(self, self.desk, case_id)
        except SendDeskError as exc:
            show_error(self, exc)
            return None
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # a closed case leaves the accessibility tree
        view.caseChanged.connect(self._case_changed)
        view.finished.connect(lambda _r, cid=case_id: self.case_views.pop(cid, None))
        view.destroyed.connect(lambda _o=None, cid=case_id, v=view: self._forget_view(cid, v))
        self.case_views[case_id] = view
        view.show()
        return view

    def _forget_view(self, case_id: int, view: QWidget) -> None:
        """Drop a deleted case window from the open ones (unless the case was opened again since)."""
        if self.case_views.get(case_id) is view:
            del self.case_views[case_id]

    def _case_changed(self, _case_id: int) -> None:
        self.model.refresh_rows()
        self.reload()

    def _activated(self, index: QModelIndex) -> None:
        case_id = self.model.case_id(index.row())
        if case_id is not None:
            self.open_case(case_id)

    # ----- export, import and print (imported when first used: openpyxl and Qt printing are slow to load)
    def export(self) -> None:
        """Open the export dialog for the cases the filters select."""
        from send_desk.gui.export_dialog import ExportDialog

        self._ask(ExportDialog.ask)

    def import_cases(self) -> None:
        """Open the spreadsheet import wizard."""
        from send_desk.gui.import_wizard import ImportWizard

        if self._ask(ImportWizard.ask):
            self.reload()

    def print_(self) -> None:
        """Open the print preview."""
        from send_desk.gui.print_preview import PrintPreview

        self._ask(PrintPreview.ask)

    def _ask(self, entry: Callable[..., Any]) -> Any:
        """Run a dialog's entry point on the desk and the cases the filters select; explain a refusal."""
        try:
            return entry(self, self.desk, case_filter=self.current_filter())
        except SendDeskError as exc:
            show_error(self, exc)
            return None

    def _about(self) -> None:
        from send_desk.gui.about import AboutDialog

        AboutDialog.ask(self, self.desk)

    # ----- first run ---------------------------------------------------------------------
    def show_welcome(self) -> None:
        """Show the welcome screen: team name, where the data lives, and how to start."""
        from send_desk.gui.welcome import show_welcome

        show_welcome(self)

    def welcome_if_first_run(self) -> bool:
        """Show the welcome screen if this person has never seen it; tell whether it was shown."""
        if welcome_seen(self.settings):
            return False
        self.show_welcome()
        return True

    def start_daily_backup(self) -> None:
        """Make today's copy of a SQLite database off the GUI thread (once a day), noted in the status bar."""
        desk = self.desk

        def work() -> Path | None:
            service = desk.backups
            return service.backup_if_due() if service.supported else None

        def done(made: Path | None) -> None:
            if made is not None:
                self.statusBar().showMessage(f"Today's backup was saved in {made.parent}", 15000)

        def failed(error: BaseException) -> None:
            log.warning("The daily backup failed: %s", error)
            self.statusBar().showMessage(
                f"Today's backup could not be made ({error}). The desk works as normal; "
                "tell IT support if this message comes back tomorrow."
            )

        self.runner.run(work, on_done=done, on_error=failed)

    def _describe_target(self, kind: CaseKind, stage: int) -> str:
        """Return a kind's current target in plain words (the register's hover help)."""
        return self.desk.deadlines.kind_rules(kind, stage).description

    # ----- settings ----------------------------------------------------------------------
    def update_title(self) -> None:
        """Show the team name in the title bar."""
        self.setWindowTitle(f"SEND Desk — {team_name(self.settings)}")

    def _starting_width(self, column: Column) -> int:
        """Return a column's starting width: its own, or wider when its long text needs more."""
        if not column.fits:
            return column.width
        margin = self.table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, self.table)
        return max(column.width, self.table.fontMetrics().horizontalAdvance(column.fits) + 2 * margin + 4)

    def _set_column_modes(self) -> None:
        """Let text columns share the spare width; a remembered layout from before keeps to the same rule."""
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            if column.stretch:  # text columns share the spare width; their text elides, whole on hover
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
            elif header.sectionResizeMode(index) != QHeaderView.ResizeMode.Interactive:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
                if not header.isSectionHidden(index):  # it shared the spare width before: start afresh
                    header.resizeSection(index, self._starting_width(column))

    def _restore(self) -> None:
        s = self.settings
        self._restoring = True
        geometry = options.WINDOW_GEOMETRY.read(s)
        if not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            fit_to_screen(self, 1240, 760, margin=0)
        header_state = options.REGISTER_HEADER.read(s)
        if not header_state.isEmpty():
            header = self.table.horizontalHeader()
            header.restoreState(header_state)
            self._set_column_modes()
            section = header.sortIndicatorSection()
            if 0 <= section < len(COLUMNS):
                self.model.sort_column = section
                self.model.sort_order = header.sortIndicatorOrder()
        select_data(self.kind, options.FILTER_KIND.read(s) or None)
        select_data(self.status, options.FILTER_STATUS.read(s))
        select_data(self.officer, options.FILTER_OFFICER.read(s) or None)
        select_data(self.category, options.FILTER_CATEGORY.read(s) or None)
        self.mine.setChecked(options.FILTER_MINE.read(s))
        self.received_from.setText(options.FILTER_FROM.read(s))
        self.received_to.setText(options.FILTER_TO.read(s))
        self.dashboard.set_active("open" if self.status.currentData() == "open" else None)
        self._restoring = False

    def save_settings(self) -> None:
        """Remember geometry, column widths, sort and filters."""
        s = self.settings
        options.WINDOW_GEOMETRY.write(s, self.saveGeometry())
        options.REGISTER_HEADER.write(s, self.table.horizontalHeader().saveState())
        options.FILTER_KIND.write(s, self.kind.currentData() or "")
        options.FILTER_STATUS.write(s, self.status.currentData())
        options.FILTER_OFFICER.write(s, self.officer.currentData() or "")
        options.FILTER_CATEGORY.write(s, self.category.currentData() or "")
        options.FILTER_MINE.write(s, self.mine.isChecked())
        options.FILTER_FROM.write(s, self.received_from.text())
        options.FILTER_TO.write(s, self.received_to.text())
        s.sync()

    def showEvent(self, event: QShowEvent) -> None:
        """Start with the cursor in the search box."""
        super().showEvent(event)
        QTimer.singleShot(0, self.search.setFocus)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save settings and close open case windows."""
        self.save_settings()
        for view in list(self.case_views.values()):
            view.close()
        if self.feed is not None:
            self.feed.stop()
        self.notifier.stop()
        super().closeEvent(event)
        if event.isAccepted():
            # a search typed just before closing must not run against a desk that is being shut
            self.search_timer.stop()
            self._stop_search.set()
            self._closed = True
            self.runner.cancel_all()  # a late result or error must not open a box over a shut desk
