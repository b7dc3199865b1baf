"""File ▸ Import…: pick a file, correct the mapping over a preview, see rejected rows, import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtWidgets import QWizard

from send_desk.bootstrap import Desk
from send_desk.gui import import_wizard as wizard_module
from send_desk.gui.import_wizard import LEAVE_OUT, ImportWizard
from send_desk.gui.tasks import TaskRunner
from tests.messy_tracker import (
    CONTACTS,
    IMPORTED,
    NOTES,
    REJECTED,
    UNKNOWN_VALUES,
    messy_tracker,
    next_year_tracker,
)


def tracker(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(["Our tracker"])
    ws.append(["Ref", "Type", "Date Rec'd", "Parent", "Comments"])
    ws.append(["W-1", "Stage 1 complaint", "03/01/2025", "Jo", "first"])
    ws.append(["W-2", "Wibble", "03/01/2025", "Al", "second"])
    ws.append(["W-3", "FOI", "3rd Jan 2025", "Sue", "third"])
    wb.save(path)
    return path


@pytest.fixture
def wizard(qtbot: Any, desk: Desk) -> ImportWizard:
    w = ImportWizard(None, desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(w)
    w.show()
    return w


def test_pages_preview_mapping_check_and_import(wizard: ImportWizard, desk: Desk, tmp_path: Path) -> None:
    path = tracker(tmp_path / "t.xlsx")
    assert not wizard.file_page.isComplete()
    wizard.file_page.path_edit.setText(str(path))
    wizard.next()
    assert wizard.currentPage() is wizard.mapping_page
    table = wizard.mapping_page.table
    assert [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())] == [
        "Ref",
        "Type",
        "Date Rec'd",
        "Parent",
        "Comments",
    ]
    assert [table.verticalHeaderItem(i).text() for i in range(table.rowCount())] == [
        "Imports as",
        "3",
        "4",
        "5",
    ]
    assert table.item(1, 2).text() == "03/01/2025"
    assert [box.currentText() for box in wizard.mapping_page.combos] == [
        "Reference",
        "Kind",
        "Received",
        "Contact name",
        "Summary",
    ]
    # leave the comments out
    wizard.mapping_page.combos[4].setCurrentText(LEAVE_OUT)
    wizard.next()
    assert wizard.currentPage() is wizard.values_page
    words = wizard.values_page.table
    assert [words.item(0, i).text() for i in range(3)] == ["Kind", "Wibble", "1"]
    assert wizard.values_page.combos[0][2].currentText() == "(leave it: reject these rows)"
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    assert (
        wizard.check_page.summary.text() == "2 rows are ready to import. 1 rows cannot be imported (below)."
    )
    rejected = wizard.check_page.table
    assert rejected.rowCount() == 1
    assert rejected.item(0, 0).text() == "4"
    assert rejected.item(0, 1).text().startswith("Kind: 'Wibble' is not a kind of case")
    assert wizard.check_page.isComplete()
    wizard.accept()
    assert wizard.result_ is not None
    assert wizard.result_.references == ["W-1", "W-3"]
    assert desk.cases.get_by_reference("W-1").summary == ""


def test_mapping_must_name_kind_and_received_once(wizard: ImportWizard, tmp_path: Path) -> None:
    wizard.file_page.path_edit.setText(str(tracker(tmp_path / "t.xlsx")))
    wizard.next()
    page = wizard.mapping_page
    page.combos[2].setCurrentText(LEAVE_OUT)
    wizard.next()
    assert wizard.currentPage() is page
    assert page.note.text() == "Choose the column that holds the received."
    page.combos[2].setCurrentText("Received")
    page.combos[3].setCurrentText("Received")
    wizard.next()
    assert page.note.text() == "Choose each field for one column only: Received."


def test_bad_files_are_explained_and_keep_the_page(
    wizard: ImportWizard, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[str] = []
    monkeypatch.setattr(wizard_module, "show_error", lambda parent, exc: shown.append(str(exc)))
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("hello")
    wizard.file_page.path_edit.setText(str(bogus))
    wizard.next()
    assert wizard.currentPage() is wizard.file_page
    assert shown == [
        "bogus.xlsx is not an Excel workbook. Save the tracker from Excel as an .xlsx file and import that."
    ]


def test_ask_returns_none_when_cancelled(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ImportWizard, "exec", lambda self: int(QWizard.DialogCode.Rejected))
    assert ImportWizard.ask(None, desk, runner=TaskRunner(inline=True)) is None


def test_ask_returns_the_import(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tracker(tmp_path / "t.xlsx")

    def run(self: ImportWizard) -> int:
        self.show()
        self.file_page.path_edit.setText(str(path))
        self.next()
        self.next()
        self.next()
        self.accept()
        return int(self.result())

    monkeypatch.setattr(ImportWizard, "exec", run)
    result = ImportWizard.ask(None, desk, runner=TaskRunner(inline=True))
    assert result is not None
    assert result.imported == 2


def test_messy_tracker_through_the_wizard_with_a_profile(
    wizard: ImportWizard, qtbot: Any, desk: Desk, tmp_path: Path
) -> None:
    wizard.file_page.path_edit.setText(str(messy_tracker(tmp_path / "tracker.xlsx")))
    wizard.next()
    assert wizard.layout_ is not None
    assert [part.sheet for part in wizard.layout_.sheets()] == ["2024", "2025"]
    wizard.next()
    page = wizard.values_page
    assert page.profile_box.currentText() == "(none: match the words here)"
    table = page.table
    listed = [
        {
            "field": field,
            "value": word,
            "rows": int(table.item(row, 2).text()),
            "suggestion": box.currentData(),
        }
        for row, (field, word, box) in enumerate(page.combos)
    ]
    assert listed == UNKNOWN_VALUES
    assert [table.item(row, 0).text() for row in range(table.rowCount())] == ["Category"] * 5 + [
        "Officer"
    ] * 3 + ["Kind"]
    assert page.combos[5][2].currentText() == "Alex Jones (alex.jones)"
    assert page.combos[4][2].currentText() == "(leave it: reject these rows)"  # "Misc stuff": no suggestion
    assert page.combos[7][2].currentText() == "Unassigned (no officer)"
    page.save_edit.setText("Team tracker")
    wizard.next()
    assert (
        wizard.check_page.summary.text()
        == "10 rows are ready to import. 2 rows cannot be imported (below). 1 blank rows are ignored. "
        "The sheet 'Read me' has no header row, so it was not read."
    )
    rejected = wizard.check_page.table
    assert [rejected.item(row, 0).text() for row in range(rejected.rowCount())] == [
        "2024, row 9",
        "2024, row 12",
    ]
    wizard.accept()
    result = wizard.result_
    assert result is not None
    assert (result.imported, result.references, result.notes, result.contacts) == (
        10,
        IMPORTED,
        NOTES,
        CONTACTS,
    )
    assert [r.to_json() for r in result.rejected] == REJECTED
    assert result.profile_saved

    # the next year's tracker: the profile that fits its headers is offered and chosen
    second = ImportWizard(None, desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(second)
    second.show()
    second.file_page.path_edit.setText(str(next_year_tracker(tmp_path / "tracker-2026.xlsx")))
    second.next()
    second.next()
    assert second.values_page.profile_box.currentText() == "Team tracker"
    assert second.values_page.table.rowCount() == 0
    assert second.values_page.summary.text() == (
        "Every word in the mapped columns is the desk's. 8 words are matched by the profile."
    )
    second.next()
    second.accept()
    assert second.result_ is not None
    assert (second.result_.imported, second.result_.rejected) == (3, [])
