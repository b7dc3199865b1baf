"""The register window: models, search, filters, dashboard cards, settings, tasks, errors, contrast."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from send_desk.bootstrap import Desk
from send_desk.domain.errors import (
    ConflictError,
    DatabaseUnavailableError,
    SearchStoppedError,
    ValidationError,
)
from send_desk.domain.kinds import CaseKind, ClosureCode, Rag
from send_desk.gui import errors as gui_errors
from send_desk.gui.admin import ADMIN_MENU
from send_desk.gui.main_window import SEARCH_DEBOUNCE_MS, MainWindow
from send_desk.gui.register_model import COLUMNS, LONG_NAME, RAG_COLUMN, RegisterModel
from send_desk.gui.settings import desk_settings, set_team_name
from send_desk.gui.style import RAG_STYLES, contrast_ratio
from send_desk.gui.tasks import Progress, TaskRunner
from send_desk.values.cases import CaseInput, PersonInput
from tests.conftest import complaint_input


@pytest.fixture
def cases(desk):  # type: ignore[no-untyped-def]
    """Log a spread of cases: overdue, due today, due soon, on track, closed."""
    made = [
        desk.cases.log_case(complaint_input()),  # ack by 27/11: due today
        desk.cases.log_case(
            CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), summary="Transport",
                      contact=PersonInput(name="Zed O'Neill", email="zed@example.org"))
        ),  # respond by 16/11: overdue
        desk.cases.log_case(complaint_input(received=date(2026, 11, 24), officer_login="priya.shah",
                                            child=PersonInput(name="Ben Carter"))),  # ack by 01/12: due soon
        desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 11, 26), summary="Budgets")),
        desk.cases.log_case(CaseInput(kind=CaseKind.COMPLIMENT, received_on=date(2026, 11, 25),
                                      summary="Thanks to the team", contact=PersonInput(name="Ann Lee"))),
    ]  # fmt: skip
    return made


def test_register_model_passes_the_model_tester(qtmodeltester, window: MainWindow, cases) -> None:
    window.reload()
    assert window.model.rowCount() == 5
    qtmodeltester.check(window.model)
    window.model.sort(0, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(window.model)
    empty = RegisterModel(lambda ids: [])
    qtmodeltester.check(empty)


def test_register_columns_start_at_their_own_widths(window: MainWindow) -> None:
    fixed = [window.table.columnWidth(i) for i, c in enumerate(COLUMNS) if not c.stretch and not c.fits]
    assert fixed == [118, 86, 62, 112, 100, 90, 86, 74]
    assert [c.header for c in COLUMNS if c.stretch] == ["Kind", "Category", "Officer"]
    assert [c.header for c in COLUMNS if c.fits == LONG_NAME] == ["Contact", "Child"]
    assert COLUMNS[RAG_COLUMN].header == "RAG"
    assert window.model.sort_key() == ("received_on", True)


def test_case_view_targets_model_passes_the_model_tester(qtmodeltester, window: MainWindow, cases) -> None:
    view = window.open_case(cases[0].id)
    qtmodeltester.check(view.targets.model())  # type: ignore[union-attr]


def test_rows_are_fetched_lazily_in_pages(desk, cases) -> None:
    calls: list[int] = []

    def fetch(ids):  # type: ignore[no-untyped-def]
        calls.append(len(ids))
        return desk.register.rows(ids)

    model = RegisterModel(fetch, page_size=2)
    model.set_ids([c.id for c in cases])
    assert calls == []
    assert model.data(model.index(0, 0)) == cases[0].reference
    assert model.data(model.index(1, 0)) == cases[1].reference
    assert calls == [2]
    assert model.data(model.index(4, 0)) == cases[4].reference
    assert calls == [2, 1]
    model.refresh_rows()
    model.data(model.index(0, 0))
    assert calls == [2, 1, 2]


def test_rag_cell_has_words_icon_and_colour(window: MainWindow, cases) -> None:
    window.reload()
    row = window.model.row_of(cases[1].id)
    index = window.model.index(row, RAG_COLUMN)
    assert window.model.data(index) == "Overdue"
    assert not window.model.data(index, Qt.ItemDataRole.DecorationRole).isNull()
    assert (
        window.model.data(index, Qt.ItemDataRole.BackgroundRole).color().name()
        == RAG_STYLES[Rag.OVERDUE].background.lower()
    )
    assert "16/11/2026" in window.model.data(index, Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize("rag", list(Rag))
def test_rag_colours_pass_wcag_aa(rag: Rag) -> None:
    style = RAG_STYLES[rag]
    assert contrast_ratio(style.foreground, style.background) >= 4.5
    assert contrast_ratio(style.foreground, "#FFFFFF") >= 4.5


def test_contrast_ratio_matches_known_values() -> None:
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


def test_a_new_window_shows_the_newest_cases_first(window: MainWindow, cases) -> None:
    window.reload()
    header = window.table.horizontalHeader()
    assert (header.sortIndicatorSection(), header.sortIndicatorOrder()) == (2, Qt.SortOrder.DescendingOrder)
    assert window.model.sort_key() == ("received_on", True)
    received = [window.model.data(window.model.index(r, 2)) for r in range(window.model.rowCount())]
    assert received == ["26/11/2026", "25/11/2026", "24/11/2026", "20/11/2026", "02/11/2026"]


def test_header_click_sorts_in_the_database(window: MainWindow, cases) -> None:
    window.reload()
    header = window.table.horizontalHeader()
    header.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    refs = [window.model.data(window.model.index(r, 0)) for r in range(window.model.rowCount())]
    assert refs == sorted(c.reference for c in cases)
    header.setSortIndicator(3, Qt.SortOrder.AscendingOrder)  # contact; blanks last
    contacts = [window.model.data(window.model.index(r, 3)) for r in range(window.model.rowCount())]
    assert contacts[:3] == ["Ann Lee", "Jo Bloggs", "Jo Bloggs"]
    assert window.model.sort_key() == ("contact", False)


@pytest.mark.parametrize(
    "typed", ['"', "'", "*", "-", "()", 'O\'Neill "zed" -( *', "AND OR NOT", "NEAR(", "%_"]
)
def test_any_search_text_is_safe(qtbot, window: MainWindow, cases, typed: str) -> None:
    qtbot.keyClicks(window.search, typed)
    with qtbot.waitSignal(window.registerLoaded, timeout=2000):
        pass
    assert window.model.rowCount() >= 0


def test_search_is_debounced_and_finds_by_name_and_reference(qtbot, window: MainWindow, cases) -> None:
    window.reload()
    loads: list[int] = []
    window.registerLoaded.connect(lambda: loads.append(window.model.rowCount()))
    qtbot.keyClicks(window.search, "o'neill")
    assert loads == []  # nothing yet: waiting for the typing to pause
    qtbot.waitUntil(lambda: bool(loads), timeout=2000)
    assert loads == [1]
    assert window.model.case_id(0) == cases[1].id
    window.search.setText(cases[2].reference)
    qtbot.waitUntil(lambda: len(loads) == 2, timeout=2000)
    assert window.model.ids() == [cases[2].id]


def test_ctrl_f_focuses_the_search(qtbot, window: MainWindow) -> None:
    window.table.setFocus()
    window.search_action.trigger()
    assert window.focusWidget() is window.search
    assert window.search_action.shortcut().toString() == "Ctrl+F"
    assert window.new_action.shortcut().toString() == "Ctrl+N"
    assert window.export_action.shortcut().toString() == "Ctrl+E"
    assert window.print_action.shortcut().toString() == "Ctrl+P"
    assert "F5" in [s.toString() for s in window.refresh_action.shortcuts()]


def test_dashboard_cards_filter_the_register(window: MainWindow, cases) -> None:
    window.reload()
    assert window.dashboard.values == {
        "overdue": 1, "due_today": 1, "due_soon": 1, "awaiting": 2, "open": 5,
    }  # fmt: skip
    expected = {
        "overdue": [cases[1].id],
        "due_today": [cases[0].id],
        "due_soon": [cases[2].id],
        "awaiting": sorted([cases[0].id, cases[2].id]),
    }
    for key, ids in expected.items():
        window.dashboard.buttons[key].click()
        assert sorted(window.model.ids()) == ids, key
        assert window.dashboard.buttons[key].isChecked()
        assert window.model.rowCount() == window.dashboard.values[key]
    window.dashboard.buttons["awaiting"].click()  # again: off
    assert window.model.rowCount() == 5
    window.dashboard.buttons["overdue"].click()
    window.dashboard.buttons["open"].click()
    assert window.model.rowCount() == 5
    assert "Showing 5 cases" in window.status_counts.text()


def test_filters_combine(window: MainWindow, desk, cases) -> None:
    window.reload()
    window.kind.setCurrentIndex(window.kind.findData("complaint"))
    assert sorted(window.model.ids()) == sorted([cases[0].id, cases[2].id])
    window.officer.setCurrentIndex(window.officer.findData("priya.shah"))
    assert window.model.ids() == [cases[2].id]
    window.clear_filters()
    assert window.model.rowCount() == 5
    window.officer.setCurrentIndex(window.officer.findData("__unassigned__"))
    assert sorted(window.model.ids()) == sorted(c.id for c in cases[1:2] + cases[3:])
    window.clear_filters()
    window.received_from.setText("25/11/2026")
    window.received_from.editingFinished.emit()
    assert sorted(window.model.ids()) == sorted([cases[3].id, cases[4].id])
    window.clear_filters()
    window.category.setCurrentIndex(window.category.findData("Assessment delay"))
    assert sorted(window.model.ids()) == sorted([cases[0].id, cases[2].id])
    window.clear_filters()
    desk.cases.close(cases[4].id, code=ClosureCode.RESPONDED,
                     on=date(2026, 11, 27), expected_version=cases[4].version)  # fmt: skip
    window.status.setCurrentIndex(window.status.findData("closed"))
    assert window.model.ids() == [cases[4].id]
    window.status.setCurrentIndex(window.status.findData("all"))
    assert window.model.rowCount() == 5


def test_mine_shows_my_cases(window: MainWindow, desk) -> None:
    mine = desk.cases.log_case(complaint_input(officer_login="sam.patel"))
    desk.cases.log_case(complaint_input())
    window.mine.setChecked(True)
    assert window.model.ids() == [mine.id]


def test_settings_are_remembered(qtbot, desk, cases) -> None:
    settings = desk_settings()
    set_team_name(settings, "North SEND team")
    first = MainWindow(desk, settings=settings, runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(first)
    assert first.windowTitle() == "SEND Desk — North SEND team"
    first.kind.setCurrentIndex(first.kind.findData("complaint"))
    first.mine.setChecked(True)
    first.received_from.setText("01/11/2026")
    first.table.setColumnWidth(3, 222)
    first.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    first.resize(700, 520)
    first.close()

    second = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(second)
    assert second.kind.currentData() == "complaint"
    assert second.mine.isChecked()
    assert second.received_from.text() == "01/11/2026"
    assert second.table.columnWidth(3) == 222
    assert second.model.sort_key() == ("reference", False)
    assert second.size().width() == 700


def test_every_filter_a_descending_sort_and_the_column_order_survive_a_restart(qtbot, desk, cases) -> None:  # type: ignore[no-untyped-def]
    first = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(first)
    first.status.setCurrentIndex(first.status.findData("closed"))
    first.officer.setCurrentIndex(first.officer.findData("priya.shah"))
    first.category.setCurrentIndex(first.category.findData("Assessment delay"))
    first.received_to.setText("27/11/2026")
    header = first.table.horizontalHeader()
    header.moveSection(header.visualIndex(RAG_COLUMN), 5)
    header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
    order = [header.logicalIndex(visual) for visual in range(header.count())]
    sort_key = first.model.sort_key()
    first.close()

    second = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(second)
    assert second.status.currentData() == "closed"
    assert second.officer.currentData() == "priya.shah"
    assert second.category.currentData() == "Assessment delay"
    assert second.received_to.text() == "27/11/2026"
    assert second.kind.currentData() is None
    assert not second.mine.isChecked()
    restored = second.table.horizontalHeader()
    assert [restored.logicalIndex(visual) for visual in range(restored.count())] == order
    assert restored.visualIndex(RAG_COLUMN) == 5
    assert restored.sortIndicatorSection() == 1
    assert restored.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert second.model.sort_key() == sort_key == (COLUMNS[1].sort_key, True)
    assert not second.dashboard.buttons["open"].isChecked()  # the Open card is lit only for open cases


def test_default_team_name_in_title(window: MainWindow) -> None:
    assert window.windowTitle() == "SEND Desk — SEND team"


def test_export_dialog_gets_the_current_filter(window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desk.gui.export_dialog import ExportDialog

    seen = []
    monkeypatch.setattr(ExportDialog, "ask", lambda parent, desk, case_filter=None: seen.append(case_filter))
    window.search.setText("bloggs")
    window.export_action.trigger()
    assert seen
    assert seen[0].text == "bloggs"


def test_task_runner_delivers_on_the_gui_thread(qtbot) -> None:
    import threading

    runner = TaskRunner()
    results: list[tuple[object, bool]] = []
    worker_threads: list[bool] = []

    def work() -> int:
        worker_threads.append(threading.current_thread() is threading.main_thread())
        return 42

    runner.run(
        work, on_done=lambda r: results.append((r, threading.current_thread() is threading.main_thread()))
    )
    qtbot.waitUntil(lambda: bool(results), timeout=3000)
    assert results == [(42, True)]
    assert worker_threads == [False]
    assert not runner.busy


def test_task_runner_steps_report_progress_and_cancel(qtbot) -> None:
    import threading

    runner = TaskRunner(progress_delay_ms=0)
    gate = threading.Event()
    done: list[object] = []
    cancelled: list[bool] = []

    def steps():  # type: ignore[no-untyped-def]
        for i in range(1000):
            gate.wait(0.01)
            yield Progress(i, 1000, f"row {i}")
        return "finished"

    task = runner.run_steps(
        steps, on_done=done.append, on_cancel=lambda: cancelled.append(True), label="Working"
    )
    qtbot.waitUntil(lambda: task.dialog is not None, timeout=3000)
    from PySide6.QtWidgets import QPushButton

    task.dialog.findChild(QPushButton).click()  # the person presses Cancel
    runner.wait()
    qtbot.wait(50)
    assert cancelled == [True]
    assert done == []

    finished: list[object] = []
    runner.run_steps(lambda: (yield from [Progress(1, 2), Progress(2, 2)]) or "ok", on_done=finished.append)
    qtbot.waitUntil(lambda: bool(finished), timeout=3000)
    assert finished == ["ok"]


def test_task_runner_errors_go_to_on_error(qtbot) -> None:
    runner = TaskRunner()
    failures: list[BaseException] = []

    def fail() -> None:
        raise ValidationError("No good.")

    runner.run(fail, on_done=lambda r: None, on_error=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=3000)
    assert str(failures[0]) == "No good."


def test_threaded_window_loads_the_register(qtbot, desk, cases) -> None:
    win = MainWindow(desk, settings=desk_settings(), poll=False)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.registerLoaded, timeout=5000):
        pass
    assert win.model.rowCount() == 5


def test_error_presenter_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import UTC, datetime

    conflict = ConflictError("Alex Jones", datetime(2026, 11, 27, 10, 5, tzinfo=UTC))
    assert "Alex Jones" in gui_errors.error_text(conflict)
    assert gui_errors.error_title(conflict) == "Changed by someone else"
    assert gui_errors.error_text(KeyError("x")) == gui_errors.UNEXPECTED
    shown: list[tuple[str, str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda self: shown.append(
        (self.windowTitle(), self.text(), self.detailedText())) or 0)  # fmt: skip
    gui_errors.show_error(None, ValidationError("Enter the date."))
    gui_errors.show_error(None, ZeroDivisionError("boom"))
    assert shown[0] == ("Please check", "Enter the date.", "")
    assert shown[1][0] == "Something went wrong"
    assert "ZeroDivisionError" in shown[1][2]


def test_columns_have_sort_keys_the_service_knows() -> None:
    from send_desk.services.register import SORT_KEYS

    assert all(column.sort_key in SORT_KEYS for column in COLUMNS)


def test_resource_path_finds_the_icon() -> None:
    from send_desk.resources import resource_path

    assert resource_path("icons", "send-desk.svg").is_file()
    assert resource_path("icons", "send-desk.png").is_file()


def test_enter_in_search_opens_the_case_and_down_moves_to_the_register(
    qtbot, window: MainWindow, cases
) -> None:
    window.reload()
    window.search.setFocus()
    qtbot.keyClicks(window.search, cases[2].reference)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert cases[2].id in window.case_views
    window.case_views[cases[2].id].close()
    window.search.clear()
    window.reload()
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    assert window.focusWidget() is window.table
    assert window.selected_case_id() == window.model.case_id(0)


def test_first_screenful_then_the_rest_without_a_reset(desk, cases) -> None:
    model = RegisterModel(desk.register.rows)
    resets: list[bool] = []
    inserted: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    ids = [c.id for c in cases]
    model.set_ids(ids[:2])
    assert model.data(model.index(0, 0)) == cases[0].reference
    model.extend_ids(ids)
    assert resets == [True]
    assert inserted == [(2, 4)]
    assert model.data(model.index(4, 0)) == cases[4].reference
    model.extend_ids(list(reversed(ids)))  # not a continuation: reset
    assert resets == [True, True]


def test_the_register_shows_a_head_before_the_whole_list(qtbot, desk, cases, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import send_desk.gui.main_window as main_window

    monkeypatch.setattr(main_window, "HEAD_ROWS", 2)
    seen: list[int] = []

    class Recording(TaskRunner):
        def run(self, work, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(window_ref[0].model.rowCount())  # what is shown before the full fetch runs
            return super().run(work, **kwargs)

    window_ref: list[MainWindow] = []
    original_reload = MainWindow.reload

    def reload(self, **kwargs):  # type: ignore[no-untyped-def]
        if not window_ref:
            window_ref.append(self)
        return original_reload(self, **kwargs)

    monkeypatch.setattr(MainWindow, "reload", reload)
    win = MainWindow(desk, settings=desk_settings(), runner=Recording(inline=True), poll=False)
    qtbot.addWidget(win)
    assert seen[0] == 2
    assert win.model.rowCount() == 5


def test_tab_order_follows_the_screen(qtbot, window: MainWindow) -> None:
    window.search.setFocus()
    order = []
    for _ in range(10):
        order.append(window.focusWidget())
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    expected = [
        window.search, window.mine, window.clear_button, window.kind, window.status, window.officer,
        window.category, window.received_from, window.received_to, window.table,
    ]  # fmt: skip
    assert order == expected


def test_admin_menu_follows_the_role(qtbot, window: MainWindow, other_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    menus = {action.text(): action.menu() for action in window.menuBar().actions()}
    assert [a.text() for a in menus["&Admin"].actions()] == [entry.label for entry in ADMIN_MENU]
    officer_window = MainWindow(
        other_desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False
    )
    qtbot.addWidget(officer_window)
    assert "&Admin" not in [action.text() for action in officer_window.menuBar().actions()]


def test_a_search_typed_just_before_closing_never_runs(
    qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Regression: the debounced search fired after close and opened an error box over a shut desk."""
    calls: list[object] = []
    monkeypatch.setattr(window.desk.register, "ids", lambda *a, **k: calls.append(a) or [])
    window.search.setText("bloggs")
    assert window.search_timer.isActive()
    window.close()
    assert not window.search_timer.isActive()
    qtbot.wait(SEARCH_DEBOUNCE_MS + 150)
    window.reload()
    assert calls == []


def test_kind_column_hover_says_the_target_in_plain_words(window: MainWindow, desk: Desk, cases) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.register_model import KIND_COLUMN

    window.reload()
    row = next(r for r in range(window.model.rowCount()) if window.model.case_id(r) == cases[0].id)
    tip = window.model.data(window.model.index(row, KIND_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert tip == desk.deadlines.kind_rules(CaseKind.COMPLAINT, 1).description
    assert tip == (
        "Acknowledge within 5 working days; respond within 10 working days of the acknowledgement; "
        "one extension of up to 10 working days."
    )


def test_kind_column_hover_asks_once_per_kind_and_stage(desk: Desk, cases) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.register_model import KIND_COLUMN

    asked: list[tuple[CaseKind, int]] = []

    def describe(kind: CaseKind, stage: int) -> str:
        asked.append((kind, stage))
        return f"{kind.value} {stage}"

    model = RegisterModel(desk.register.rows, describe_target=describe)
    model.set_ids([c.id for c in cases] * 40)  # 200 rows, three kinds with targets and a compliment
    tips = [model.data(model.index(r, KIND_COLUMN), Qt.ItemDataRole.ToolTipRole) for r in range(200)]
    assert tips[:5] == ["complaint 1", "enquiry 1", "complaint 1", "foi 1", "compliment 1"]
    assert sorted(asked, key=lambda a: a[0].value) == [
        (CaseKind.COMPLAINT, 1), (CaseKind.COMPLIMENT, 1), (CaseKind.ENQUIRY, 1), (CaseKind.FOI, 1)
    ]  # fmt: skip
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) == "EHC needs assessment running late"


def test_the_daily_backup_is_made_once_at_start_up(window: MainWindow, backend: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    window.start_daily_backup()
    if backend == "postgres":  # a team database is backed up on its server with pg_dump
        assert window.statusBar().currentMessage() == ""
        return
    folder = tmp_path / "backups"
    signed = ["desk-daily-2026-11-27.sqlite3", "desk-daily-2026-11-27.sqlite3.sig"]  # with its signature
    assert sorted(p.name for p in folder.iterdir()) == signed
    assert window.statusBar().currentMessage() == f"Today's backup was saved in {folder}"
    window.statusBar().clearMessage()
    window.start_daily_backup()  # opened again the same day: nothing new
    assert sorted(p.name for p in folder.iterdir()) == signed
    assert window.statusBar().currentMessage() == ""


def test_a_keystroke_shows_the_first_screenful_then_the_rest(window: MainWindow, cases, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import send_desk.gui.main_window as main_window

    monkeypatch.setattr(main_window, "HEAD_ROWS", 2)
    window.reload()  # the dashboard counts of the five cases
    shown: list[list[int]] = []
    status: list[str] = []
    window.registerShown.connect(lambda: shown.append(window.model.ids()))
    window.registerShown.connect(lambda: status.append(window.status_counts.text()))
    window.search.setText("2026")  # in every reference: a word all five cases share
    window.search_timer.timeout.emit()  # the debounced keystroke
    newest_first = [cases[i].id for i in (3, 4, 2, 0, 1)]  # received 26/11, 25/11, 24/11, 20/11, 02/11
    assert shown == [newest_first[:2], newest_first]
    assert status == [
        "Showing the first 2 matches  ·  still searching…",
        "Showing 5 cases  ·  5 open  ·  1 overdue  ·  1 due today",
    ]
    assert window.model.ids() == newest_first


def test_a_newer_search_stops_the_one_still_running(window: MainWindow) -> None:
    running = window._stop_search
    window.search.setText("bloggs")
    window.search_timer.timeout.emit()
    assert running.is_set()
    assert not window._stop_search.is_set()
    last = window._stop_search
    window.close()
    assert last.is_set()  # closing stops a search still running


@pytest.mark.parametrize(("error", "shown"), [(SearchStoppedError(), 0), (DatabaseUnavailableError(), 1)])
def test_only_a_stopped_search_fails_quietly(window: MainWindow, monkeypatch, error, shown) -> None:  # type: ignore[no-untyped-def]
    import send_desk.gui.main_window as main_window

    told: list[str] = []
    monkeypatch.setattr(main_window, "show_error", lambda _parent, exc: told.append(str(exc)))

    def fail(*_args: object, **_kwargs: object) -> list[int]:
        raise error

    monkeypatch.setattr(window.desk.register, "ids", fail)
    window.reload(counts=False)
    assert told == [str(error)] * shown


def test_ctrl_q_closes_the_window(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.show()
    qtbot.waitExposed(window)
    assert window.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
