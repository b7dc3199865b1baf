"""File ▸ Export…: the dialog's choices, the background export, cancel, and the window's menu."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox

from send_desk.bootstrap import Desk
from send_desk.gui.export_dialog import ExportDialog, ExportRequest, start_export
from send_desk.gui.tasks import TaskRunner
from send_desk.reports.sheet_fields import DEFAULT_COLUMNS
from send_desk.services.spreadsheets import ExportService
from send_desk.values.cases import CaseFilter
from tests.conftest import complaint_input


@pytest.fixture
def three(desk: Desk) -> None:
    desk.cases.log_case(complaint_input(date(2026, 11, 2)))
    desk.cases.log_case(complaint_input(date(2026, 11, 20), contact=complaint_input().contact))
    desk.cases.log_case(complaint_input(date(2025, 6, 2)))


def fill(
    path: Path, *, scope: str = "every", pseudonymise: bool = False, start: str = "", end: str = ""
) -> Any:
    def exec_(self: ExportDialog) -> int:
        self.path_edit.setText(str(path))
        getattr(self, scope).setChecked(True)
        if start:
            self.date_from.setText(start)
        if end:
            self.date_to.setText(end)
        self.pseudonymise.setChecked(pseudonymise)
        self.accept()
        return int(self.result())

    return exec_


def test_ask_exports_the_shown_cases_pseudonymised(
    qtbot: Any, desk: Desk, three: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExportDialog, "exec", fill(tmp_path / "shown", scope="shown", pseudonymise=True))
    done: list[Any] = []
    request = ExportDialog.ask(
        None,
        desk,
        case_filter=CaseFilter(status="open", received_from=date(2026, 11, 1)),
        runner=TaskRunner(inline=True),
        on_done=done.append,
    )
    assert request == ExportRequest(
        tmp_path / "shown.xlsx",
        CaseFilter(status="open", received_from=date(2026, 11, 1)),
        True,
        tuple(c.header for c in DEFAULT_COLUMNS),
    )
    assert done[0].cases == 2
    names = [
        r[5]
        for r in openpyxl.load_workbook(tmp_path / "shown.xlsx")["Cases"].iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert len(names) == 2
    assert all(n.startswith("NAME-") for n in names)


def test_date_range_and_every_case(
    qtbot: Any, desk: Desk, three: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        ExportDialog, "exec", fill(tmp_path / "r.xlsx", scope="range", start="01/01/2025", end="31/12/2025")
    )
    done: list[Any] = []
    ExportDialog.ask(None, desk, runner=TaskRunner(inline=True), on_done=done.append)
    assert done[0].cases == 1
    monkeypatch.setattr(ExportDialog, "exec", fill(tmp_path / "all.xlsx"))
    ExportDialog.ask(None, desk, runner=TaskRunner(inline=True), on_done=done.append)
    assert done[1].cases == 3


def test_dialog_refuses_incomplete_forms(qtbot: Any, desk: Desk, tmp_path: Path) -> None:
    dialog = ExportDialog(None, case_filter=None, today=date(2026, 11, 27), folder=tmp_path)
    qtbot.addWidget(dialog)
    assert not dialog.shown.isEnabled()
    assert dialog.every.isChecked()
    assert dialog.path_edit.text() == str(tmp_path / "SEND cases 2026-11-27.xlsx")
    dialog.path_edit.setText(str(tmp_path / "missing" / "x.xlsx"))
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == f"The folder {tmp_path / 'missing'} does not exist."
    dialog.path_edit.setText(str(tmp_path / "x"))
    dialog.range.setChecked(True)
    dialog.date_from.setText("01/12/2026")
    dialog.date_to.setText("01/11/2026")
    dialog.accept()
    assert dialog.error.text() == "The first date is after the second."
    dialog.date_from.setText("01/10/2026")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.path_edit.text() == str(tmp_path / "x.xlsx")


def test_cancel_in_the_dialog_exports_nothing(
    qtbot: Any, desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExportDialog, "exec", lambda self: int(QDialog.DialogCode.Rejected))
    assert ExportDialog.ask(None, desk, runner=TaskRunner(inline=True)) is None


def test_replacing_a_file_is_confirmed(qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "x.xlsx").write_bytes(b"old")
    dialog = ExportDialog(None, case_filter=None, today=date(2026, 11, 27), folder=tmp_path)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "x.xlsx"))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_threaded_export_cancelled_leaves_no_file(
    qtbot: Any, desk: Desk, three: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_lines = ExportService.lines

    def slow_lines(self: ExportService, case_filter: CaseFilter, **kwargs: Any) -> Any:
        for line in real_lines(self, case_filter, **kwargs):
            for _ in range(400):
                time.sleep(0.005)
                yield line

    from send_desk.services import spreadsheets

    monkeypatch.setattr(ExportService, "lines", slow_lines)
    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 10)
    folder = tmp_path / "out"
    folder.mkdir()
    runner = TaskRunner(None)
    done: list[Any] = []
    task = start_export(
        None,
        desk,
        ExportRequest(folder / "x.xlsx", CaseFilter(status="all")),
        runner=runner,
        on_done=done.append,
    )
    qtbot.wait(150)
    task.cancel()
    assert runner.wait(10000)
    qtbot.wait(50)
    assert done == []
    assert list(folder.iterdir()) == []


def test_threaded_export_keeps_the_event_loop_responsive(
    qtbot: Any, desk: Desk, three: None, tmp_path: Path
) -> None:
    from PySide6.QtCore import QElapsedTimer, QTimer

    runner = TaskRunner(None)
    done: list[Any] = []
    gaps: list[int] = []
    clock = QElapsedTimer()
    clock.start()
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    start_export(
        None,
        desk,
        ExportRequest(tmp_path / "x.xlsx", CaseFilter(status="all")),
        runner=runner,
        on_done=done.append,
    )
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    timer.stop()
    assert done[0].cases == 3
    assert (tmp_path / "x.xlsx").exists()
    assert gaps  # the timer kept firing while the worker ran


def test_main_window_export_menu_uses_the_dialog(
    qtbot: Any, window: Any, desk: Desk, three: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ExportDialog, "exec", fill(tmp_path / "menu.xlsx", scope="shown"))
    window.export_action.trigger()
    assert (tmp_path / "menu.xlsx").exists()
    assert "Exported 3 cases" in window.statusBar().currentMessage()  # the open cases the register shows


def test_the_officer_chooses_and_orders_the_columns_and_the_choice_is_remembered(
    qtbot: Any, desk: Desk, three: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from send_desk.gui.settings import EXPORT_COLUMNS, settings_file

    settings = settings_file(tmp_path / "person.ini")
    chosen = (
        "Case description",
        "Reference",
        "Stage 1 responded",
        "Stage 2 responded",
        "Representative or MP",
    )

    def choose(self: ExportDialog) -> int:
        self.path_edit.setText(str(tmp_path / "chosen.csv"))
        self.columns.set_chosen(chosen[1:])
        self.columns.list.setCurrentRow(self.columns.chosen().index("Stage 2 responded"))
        self.columns.move_by(1)  # below "Representative or MP"
        self.columns.list.insertItem(0, self.columns.list.takeItem(self._row("Case description")))
        self.columns.list.item(0).setCheckState(Qt.CheckState.Checked)
        self.accept()
        return int(self.result())

    def row(self: ExportDialog, header: str) -> int:
        return next(i for i in range(self.columns.list.count()) if self.columns.list.item(i).text() == header)

    monkeypatch.setattr(ExportDialog, "_row", row, raising=False)
    monkeypatch.setattr(ExportDialog, "exec", choose)
    done: list[Any] = []
    request = ExportDialog.ask(
        None, desk, runner=TaskRunner(inline=True), on_done=done.append, settings=settings
    )
    order = (
        "Case description",
        "Reference",
        "Stage 1 responded",
        "Representative or MP",
        "Stage 2 responded",
    )
    assert request is not None
    assert request.columns == order
    assert EXPORT_COLUMNS.read(settings) == order
    text = (tmp_path / "chosen.csv").read_bytes()
    assert text.startswith(
        b"\xef\xbb\xbf" + b"Case description,Reference,Stage 1 responded,Representative or MP,"
    )
    assert done[0].cases == 3

    seen: list[tuple[str, ...]] = []

    def look(self: ExportDialog) -> int:
        seen.append(self.columns.chosen())
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(ExportDialog, "exec", look)
    assert ExportDialog.ask(None, desk, settings=settings) is None
    assert seen == [order]


def test_the_team_rule_ticks_pseudonymise_for_an_officer(
    qtbot: Any, desk: Desk, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from send_desk.bootstrap import open_desk

    desk.export_log.set_pseudonymised_only(True)
    officer = open_desk(database_url, clock=desk.ctx.clock, login="alex.jones")  # an officer
    try:
        seen: list[tuple[bool, bool]] = []

        def look(self: ExportDialog) -> int:
            seen.append((self.pseudonymise.isChecked(), self.pseudonymise.isEnabled()))
            return int(QDialog.DialogCode.Rejected)

        monkeypatch.setattr(ExportDialog, "exec", look)
        ExportDialog.ask(None, officer)
        ExportDialog.ask(None, desk)  # sam.patel is an admin: not bound by the rule
    finally:
        officer.close()
    assert seen == [(True, False), (False, True)]
