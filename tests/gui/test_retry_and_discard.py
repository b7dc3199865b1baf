"""Forms keep what was typed: a locked database offers "Try again", and Cancel asks before discarding."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from send_desk.bootstrap import Desk, open_desk
from send_desk.db import engine as engine_module
from send_desk.domain.kinds import CaseKind
from send_desk.gui.actions import NoteDialog
from send_desk.gui.case_view import CaseView
from send_desk.gui.main_window import MainWindow
from send_desk.gui.new_case import NewCaseDialog
from send_desk.gui.settings import desk_settings
from send_desk.gui.tasks import TaskRunner
from send_desk.services.drafts import DraftStore
from tests.conftest import FakeClock, complaint_input
from tests.services.test_locked_and_full import BUSY, write_lock_held

COMPLAINT_TARGET = (
    "Complaint: Acknowledge within 5 working days; respond within 10 working days of the acknowledgement; "
    "one extension of up to 10 working days."
)


@pytest.fixture
def locked_desk(database_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:
    """Return a desk (on a SQLite file) that gives up on another desk's lock after 0.3 s."""
    monkeypatch.setattr(engine_module, "BUSY_TIMEOUT_MS", 300)
    desk = open_desk(str(database_path), clock=clock, login="sam.patel")
    yield desk
    desk.close()


@pytest.fixture
def locked_window(qtbot, locked_desk: Desk) -> MainWindow:  # type: ignore[no-untyped-def]
    """Return a main window over the desk with the short lock timeout."""
    win = MainWindow(locked_desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(win)
    return win


def test_a_new_case_saved_while_another_desk_holds_the_lock_can_be_tried_again(
    qtbot, database_path: Path, locked_desk: Desk, locked_window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    drafts = DraftStore(tmp_path / "drafts", login="sam.patel")
    dialog = NewCaseDialog(locked_window, locked_desk, drafts=drafts)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.contact_name, "Jo Bloggs")
    qtbot.keyClicks(dialog.summary, "Where is the plan?")
    dialog.received.setText("26/11/2026")

    with write_lock_held(database_path):
        dialog.save()
        assert dialog.isVisible()
        assert dialog.banner.text().startswith(BUSY)
        assert dialog.banner.retry_button.isVisible()
        assert dialog.contact_name.text() == "Jo Bloggs"
        assert dialog.summary.text() == "Where is the plan?"
        assert drafts.exists()  # kept on disk too, in case the desk is closed meanwhile
        assert locked_desk.register.counts().open == 0

    dialog.banner.retry_button.click()
    assert not dialog.isVisible()
    assert dialog.result_case is not None
    assert dialog.result_case.contact is not None
    assert dialog.result_case.contact.name == "Jo Bloggs"
    assert dialog.result_case.summary == "Where is the plan?"
    assert locked_desk.register.counts().open == 1
    assert not drafts.exists()


def test_a_note_saved_while_locked_keeps_its_text_and_saves_on_try_again(
    qtbot, database_path: Path, locked_desk: Desk, locked_window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    case = locked_desk.cases.log_case(complaint_input(officer_login=None))
    view = locked_window.open_case(case.id)
    assert isinstance(view, CaseView)
    dialog = NoteDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.text, "Rang the SENCO")

    with write_lock_held(database_path):
        dialog.save()
        assert dialog.isVisible()
        assert dialog.banner.text().startswith(BUSY)
        assert dialog.banner.retry_button.isVisible()
        assert dialog.text.toPlainText() == "Rang the SENCO"

    dialog.banner.retry_button.click()
    assert dialog.result_case is not None
    notes = [entry.text for entry in dialog.result_case.timeline if entry.entry_type == "note"]
    assert notes == ["Rang the SENCO"]
    view.close()


def test_a_validation_problem_offers_no_try_again(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = NewCaseDialog(window, desk, drafts=None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.save()  # nothing typed
    assert dialog.errors["contact_name"].text() == (
        "Enter at least the contact's name, the child's name or a summary, so the case can be found."
    )
    assert not dialog.banner.isVisible()
    assert not dialog.banner.retry_button.isVisible()


def test_cancel_asks_before_discarding_what_was_typed(
    qtbot, desk, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    answers = [False, True]
    asked: list[bool] = []

    def confirm(cls, parent) -> bool:  # type: ignore[no-untyped-def]
        asked.append(True)
        return answers.pop(0)

    monkeypatch.setattr(NewCaseDialog, "confirm_discard", classmethod(confirm))
    drafts = DraftStore(tmp_path / "drafts", login="sam.patel")
    dialog = NewCaseDialog(window, desk, drafts=drafts)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.summary, "Half a thought")
    dialog.save_draft()

    dialog.reject()  # "Cancel" in the question: keep typing
    assert asked == [True]
    assert dialog.isVisible()
    assert dialog.summary.text() == "Half a thought"
    assert drafts.exists()

    dialog.reject()  # "Discard"
    assert asked == [True, True]
    assert not dialog.isVisible()
    assert not drafts.exists()


def test_cancel_on_an_untouched_form_asks_nothing(
    qtbot, desk, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    asked: list[bool] = []
    monkeypatch.setattr(NewCaseDialog, "confirm_discard", classmethod(lambda cls, p: asked.append(True)))
    dialog = NewCaseDialog(window, desk, drafts=None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reject()
    assert asked == []
    assert not dialog.isVisible()


def test_each_kind_in_the_new_case_list_explains_its_target_on_hover(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt

    dialog = NewCaseDialog(window, desk, drafts=None)
    qtbot.addWidget(dialog)
    tips = {
        dialog.kind.itemData(i): dialog.kind.itemData(i, Qt.ItemDataRole.ToolTipRole)
        for i in range(dialog.kind.count())
    }
    assert tips[CaseKind.COMPLAINT.value] == COMPLAINT_TARGET
    assert (
        tips[CaseKind.OMBUDSMAN.value]
        == "Ombudsman enquiry: Respond by the date given in the Ombudsman's letter."
    )
    assert len(tips) == len(CaseKind)
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.COMPLAINT.value))
    assert dialog.kind.toolTip() == "Target: " + COMPLAINT_TARGET.removeprefix("Complaint: ")
