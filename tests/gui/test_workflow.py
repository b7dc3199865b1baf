"""The whole case workflow driven through the real widgets, by keyboard, with the dashboard following."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from send_desk.domain.kinds import CaseKind, CaseStatus, Outcome
from send_desk.gui import actions
from send_desk.gui.case_view import CaseView
from send_desk.gui.main_window import MainWindow
from send_desk.values.cases import CaseInput, DashboardCounts
from tests.conftest import complaint_input
from tests.gui.helpers import ModalDriver, check, key, tab, text

ENTER = Qt.Key.Key_Return


def counts(window: MainWindow) -> tuple[int, int, int, int, int]:
    c = window.dashboard.values
    return c["overdue"], c["due_today"], c["due_soon"], c["awaiting"], c["open"]


def assert_counts(window: MainWindow, expected: tuple[int, int, int, int, int]) -> None:
    assert counts(window) == expected
    direct = window.desk.register.counts()
    assert expected == (
        direct.overdue,
        direct.due_today,
        direct.due_soon,
        direct.awaiting_acknowledgement,
        direct.open,
    )
    assert isinstance(direct, DashboardCounts)


@pytest.fixture
def busy_desk(desk, complaint):  # type: ignore[no-untyped-def]
    """Add an overdue enquiry next to the fixture complaint (due today)."""
    desk.cases.log_case(
        CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), summary="Transport question")
    )
    return desk


def test_log_and_work_a_complaint_by_keyboard(qtbot, busy_desk, window: MainWindow) -> None:
    driver = ModalDriver(qtbot)
    window.reload()
    assert_counts(window, (1, 1, 0, 1, 2))

    # --- log by keyboard only: kind, stage, channel, received, contact, child, category, officer, summary
    def due_dates_shown(dialog) -> None:  # type: ignore[no-untyped-def]
        assert "Mon 30/11/2026" in dialog.due_panel.text()

    driver.drive([
        text("Complaint"), tab(),            # kind (already Complaint) → stage
        tab(),                               # stage 1 → channel
        text("Phone"), tab(),                # channel → received
        text("23/11/2026", replace=True),
        check(due_dates_shown), tab(),       # → contact name
        text("Dana Whitfield"), tab(),
        text("Parent"), tab(),
        text("dana.whitfield@example.org"), tab(),
        text("07700 900456"), tab(),         # → child's name
        text("Leo Whitfield"), tab(),
        text("14/02/2016"), tab(),           # → EHC/UPN ref
        tab(),                               # → category
        text("Draft or final"), tab(),       # → officer
        text("Alex"), tab(),                 # → summary
        text("Final plan is late"),
        key(ENTER),
    ])  # fmt: skip
    logged = window.new_case()
    driver.raise_errors()
    assert logged is not None
    assert logged.kind is CaseKind.COMPLAINT
    assert logged.received_on == date(2026, 11, 23)
    assert logged.contact is not None
    assert logged.contact.name == "Dana Whitfield"
    assert logged.contact.relationship == "parent"
    assert logged.child is not None
    assert logged.child.date_of_birth == date(2016, 2, 14)
    assert logged.category == "Draft or final plan delay"
    assert logged.officer is not None
    assert logged.officer.login == "alex.jones"
    assert logged.channel == "phone"
    assert logged.acknowledge_by == date(2026, 11, 30)
    assert_counts(window, (1, 1, 1, 2, 3))
    assert window.model.row_of(logged.id) is not None

    # --- open it from the register with Enter
    window.table.setFocus()
    window.table.selectRow(window.model.row_of(logged.id))
    qtbot.keyClick(window.table, ENTER)
    view = window.case_views[logged.id]
    assert isinstance(view, CaseView)

    # --- acknowledge (today, on time)
    driver.drive([key(ENTER)])
    view.buttons["acknowledge"].click()
    driver.raise_errors()
    assert view.case.acknowledged_on == date(2026, 11, 27)
    assert view.case.respond_by == date(2026, 12, 11)
    assert_counts(window, (1, 1, 0, 1, 3))
    assert view.targets.item(0, 4).text() == "Met"

    # --- extend by 10 working days with a reason
    driver.drive(
        [text("10", replace=True), tab(), text("Waiting for the school's report"), tab(), key(ENTER)]
    )
    view.buttons["extend"].click()
    driver.raise_errors()
    respond = view.case.current_stage.respond
    assert respond is not None
    assert respond.extended_from == date(2026, 12, 11)
    assert view.case.respond_by == date(2026, 12, 29)
    assert view.targets.item(1, 5).text() == "11/12/2026"
    assert_counts(window, (1, 1, 0, 1, 3))

    # --- respond with an outcome
    driver.drive([tab(), text("Partly"), tab(), text("We are sorry the plan was late."), tab(2), key(ENTER)])
    view.buttons["respond"].click()
    driver.raise_errors()
    assert view.case.responded_on == date(2026, 11, 27)
    assert view.case.outcome == Outcome.PARTLY_UPHELD.value
    assert_counts(window, (1, 1, 0, 1, 3))

    # --- escalate to stage 2; Alex handled stage 1 so is not offered
    def alex_not_offered(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.handler.findData("alex.jones") == -1

    driver.drive([check(alex_not_offered), tab(), text("Priya"), key(ENTER)])
    view.buttons["escalate"].click()
    driver.raise_errors()
    assert view.case.stage == 2
    assert view.case.officer is not None
    assert view.case.officer.login == "priya.shah"
    assert view.case.acknowledge_by == date(2026, 12, 4)
    assert view.targets.rowCount() == 4
    assert_counts(window, (1, 1, 0, 2, 3))

    # --- close it (withdrawn)
    driver.drive([text("Withdrawn"), key(ENTER)])
    view.buttons["close"].click()
    driver.raise_errors()
    assert view.case.status is CaseStatus.CLOSED
    assert view.buttons["reopen"].isEnabled()
    assert not view.buttons["respond"].isEnabled()
    assert_counts(window, (1, 1, 0, 1, 2))


def test_late_acknowledgement_asks_for_the_reason(qtbot, desk, window: MainWindow) -> None:
    case = desk.cases.log_case(complaint_input(received=date(2026, 11, 2)))
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    driver = ModalDriver(qtbot)

    def reason_row_shown(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.missed_reason is not None
        assert dialog.missed_reason.isVisible()
        assert "late" in dialog.errors["missed_reason"].text()
        assert dialog.focusWidget() is dialog.missed_reason or dialog.missed_reason.isAncestorOf(
            dialog.focusWidget()
        )

    driver.drive([key(ENTER), check(reason_row_shown), text("Officer absence"), key(ENTER)])
    view.buttons["acknowledge"].click()
    driver.raise_errors()
    stage = view.case.current_stage
    assert stage.acknowledge is not None
    assert stage.acknowledge.met is False
    assert stage.acknowledge.missed_reason == "Officer absence"
    assert view.targets.item(0, 4).text() == "Missed"
    assert view.targets.item(0, 7).text() == "Officer absence"


def test_stale_save_names_who_changed_it_and_keeps_the_text(
    qtbot, desk, other_desk, complaint, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.open_case(complaint.id)
    assert isinstance(view, CaseView)
    other_desk.cases.acknowledge(complaint.id, on=date(2026, 11, 26), expected_version=complaint.version)

    shown: list[tuple[str, list[str]]] = []

    def fake_conflict(parent, error, changes):  # type: ignore[no-untyped-def]
        shown.append((str(error), list(changes)))
        return actions.ConflictDialog.RELOAD

    monkeypatch.setattr(actions.ConflictDialog, "ask", classmethod(lambda cls, *a: fake_conflict(*a)))
    typed = "We have chased the educational psychologist and expect the report next week."
    dialog = actions.RespondDialog(view, view)
    dialog.show()
    dialog.outcome.setCurrentIndex(dialog.outcome.findData(Outcome.UPHELD.value))
    qtbot.keyClicks(dialog.reasons, typed)
    dialog.save()

    assert len(shown) == 1
    message, changes = shown[0]
    assert "Alex Jones" in message
    assert "27/11/2026" in message
    assert "Acknowledged on: — → 26/11/2026" in changes
    assert dialog.isVisible()
    assert dialog.result_case is None
    assert dialog.reasons.toPlainText() == typed
    assert "Alex Jones" in dialog.banner.text()
    assert view.case.acknowledged_on == date(2026, 11, 26)  # reloaded: their change is shown

    dialog.save()  # saving again now applies on top of their change
    assert dialog.result_case is not None
    assert dialog.result_case.responded_on == date(2026, 11, 27)
    assert dialog.result_case.current_stage.reasons == typed
    dialog.close()


def test_keep_my_text_leaves_the_dialog_as_typed(
    qtbot, desk, other_desk, complaint, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = window.open_case(complaint.id)
    assert isinstance(view, CaseView)
    other_desk.cases.add_note(complaint.id, text="Spoke to the family")
    monkeypatch.setattr(
        actions.ConflictDialog, "ask", classmethod(lambda cls, *a: actions.ConflictDialog.KEEP)
    )
    dialog = actions.ExtendDialog(view, view)
    qtbot.keyClicks(dialog.reason, "Complex case")
    dialog.save()
    assert dialog.reason.toPlainText() == "Complex case"
    assert "Alex Jones" in dialog.banner.text()
    assert view.case.version == complaint.version  # nothing reloaded
    dialog.close()


def test_every_action_button_has_a_working_dialog(qtbot, desk, complaint, window: MainWindow) -> None:
    view = window.open_case(complaint.id)
    assert isinstance(view, CaseView)
    driver = ModalDriver(qtbot)
    driver.drive([tab(2), text("Rang to say the plan is on its way"), tab(), key(ENTER)])
    view.buttons["contact"].click()
    driver.drive([text("Spoke to the SENCO"), tab(), key(ENTER)])
    view.buttons["note"].click()
    driver.drive([text("Priya"), key(ENTER)])
    view.buttons["assign"].click()
    other = desk.cases.log_case(complaint_input(summary="Second complaint"))
    driver.drive([text(other.reference), tab(), text("Dup"), key(ENTER)])
    view.buttons["link"].click()
    driver.raise_errors()
    case = view.case
    assert [t.entry_type for t in case.timeline].count("contact") == 1
    assert [t.entry_type for t in case.timeline].count("note") == 1
    assert case.officer is not None
    assert case.officer.login == "priya.shah"
    assert [link.reference for link in case.links] == [other.reference]
    assert "Spoke to the SENCO" in view.timeline.toPlainText()

    driver.drive([text("Withdrawn"), key(ENTER)])
    view.buttons["close"].click()
    driver.drive([text("Family asked again"), key(ENTER)])
    view.buttons["reopen"].click()
    driver.raise_errors()
    assert view.case.status is CaseStatus.OPEN


def test_pause_and_resume_a_foi_clock(qtbot, desk, window: MainWindow) -> None:
    case = desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 11, 2)))
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    driver = ModalDriver(qtbot)
    driver.drive([text("03/11/2026", replace=True), tab(), text("Fees notice sent"), key(ENTER)])
    view.buttons["pause"].click()
    driver.raise_errors()
    assert view.case.current_stage.paused
    assert view.buttons["pause"].text() == "Resume &clock…"
    driver.drive([key(ENTER)])
    view.buttons["pause"].click()
    driver.raise_errors()
    assert not view.case.current_stage.paused
    assert view.case.respond_by is not None
    assert view.case.respond_by > case.respond_by


def test_new_case_problem_is_shown_by_the_field_and_nothing_is_lost(qtbot, desk, window: MainWindow) -> None:
    from send_desk.gui.new_case import NewCaseDialog

    dialog = NewCaseDialog(window, desk)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.contact_name, "Jo Bloggs")
    qtbot.keyClicks(dialog.contact_email, "jo at example")
    qtbot.keyClicks(dialog.summary, "Where is the plan?")
    dialog.save()
    assert dialog.result_case is None
    assert dialog.errors["contact_email"].isVisible()
    assert "does not look like an email address" in dialog.errors["contact_email"].text()
    assert dialog.focusWidget() is dialog.contact_email
    assert dialog.contact_name.text() == "Jo Bloggs"
    assert dialog.summary.text() == "Where is the plan?"

    dialog.received.setText("31/02/2026")
    dialog.save()
    assert "is not a date" in dialog.errors["received_on"].text()

    dialog.received.setText("27/11/2026")
    dialog.contact_email.setText("jo@example.org")
    dialog.save()
    assert dialog.result_case is not None
    assert not dialog.errors["contact_email"].isVisible()


def test_new_case_fields_follow_the_kind_and_due_dates_are_live(qtbot, desk, window: MainWindow) -> None:
    from send_desk.gui.new_case import NewCaseDialog

    dialog = NewCaseDialog(window, desk)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.stage.isVisible()
    assert not dialog.ombudsman_due.isVisible()
    assert not dialog.rep_name.isVisible()
    dialog.received.setText("24/12/2025")
    assert "Mon 05/01/2026" in dialog.due_panel.text()
    assert "Mon 19/01/2026" in dialog.due_panel.text()

    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.MP_ENQUIRY.value))
    assert dialog.rep_name.isVisible()
    assert not dialog.stage.isVisible()
    assert dialog.channel.currentData() == "via-mp"

    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.OMBUDSMAN.value))
    assert dialog.ombudsman_due.isVisible()
    assert not dialog.rep_name.isVisible()
    dialog.received.setText("20/11/2026")
    dialog.ombudsman_due.setText("18/12/2026")
    assert "Fri 18/12/2026" in dialog.due_panel.text()
    dialog.contact_name.setText("LGSCO")
    dialog.ombudsman_reference.setText("25 001 234")
    dialog.save()
    assert dialog.result_case is not None
    assert dialog.result_case.respond_by == date(2026, 12, 18)

    dialog2 = NewCaseDialog(window, desk)
    qtbot.addWidget(dialog2)
    dialog2.kind.setCurrentIndex(dialog2.kind.findData(CaseKind.SAR.value))
    dialog2.received.setText("31/01/2026")
    assert "Mon 02/03/2026" in dialog2.due_panel.text()
    dialog2.received.setText("31/0")
    assert "day/month/year" in dialog2.due_panel.text()


def test_earlier_cases_are_shown_and_can_be_linked(qtbot, desk, complaint, window: MainWindow) -> None:
    from send_desk.gui.new_case import NewCaseDialog

    dialog = NewCaseDialog(window, desk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.ENQUIRY.value))
    qtbot.keyClicks(dialog.child_name, "amy  bloggs")
    dialog.look_up_earlier()
    assert dialog.earlier_list.isVisible()
    assert dialog.earlier_list.count() == 1
    item = dialog.earlier_list.item(0)
    assert complaint.reference in item.text()
    dialog.earlier_list.setFocus()
    dialog.earlier_list.setCurrentRow(0)
    qtbot.keyClick(dialog.earlier_list, Qt.Key.Key_Space)
    assert dialog.linked_references() == [complaint.reference]
    dialog.save()
    assert dialog.result_case is not None
    assert [link.reference for link in dialog.result_case.links] == [complaint.reference]


def test_every_input_has_a_label_or_accessible_name(qtbot, desk, complaint, window: MainWindow) -> None:
    from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QLabel, QPlainTextEdit

    from send_desk.gui.new_case import NewCaseDialog

    view = window.open_case(complaint.id)
    assert isinstance(view, CaseView)
    dialogs = [window, NewCaseDialog(window, desk), view]
    dialogs += [cls(view, view) for cls in (
        actions.AcknowledgeDialog, actions.ContactDialog, actions.NoteDialog, actions.AssignDialog,
        actions.ExtendDialog, actions.PauseDialog, actions.ResumeDialog, actions.RespondDialog,
        actions.EscalateDialog, actions.CloseDialog, actions.ReopenDialog, actions.LinkDialog,
    )]  # fmt: skip
    for top in dialogs:
        buddies = {label.buddy() for label in top.findChildren(QLabel) if label.buddy() is not None}
        inputs = [
            w
            for cls in (QLineEdit, QComboBox, QAbstractSpinBox, QPlainTextEdit)
            for w in top.findChildren(cls)
        ]
        assert inputs
        for widget in inputs:
            if widget.parent() is not None and isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
                continue  # the line edit inside a combo or spin box
            assert widget in buddies or widget.accessibleName(), (
                f"{type(top).__name__}: {widget!r} unlabelled"
            )


def test_a_half_typed_new_case_survives_as_a_draft(
    qtbot, desk, window: MainWindow, tmp_path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.new_case import NewCaseDialog
    from send_desk.services.drafts import DraftStore

    drafts = DraftStore(tmp_path / "drafts", login="sam.patel")
    dialog = NewCaseDialog(window, desk, drafts=drafts)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.SAR.value))
    qtbot.keyClicks(dialog.contact_name, "Mo Farah")
    dialog.received.setText("26/11/20")  # half typed
    qtbot.waitUntil(drafts.exists, timeout=3000)
    dialog.deleteLater()  # the desk "crashes": no save, no cancel

    asked: list[object] = []
    monkeypatch.setattr(
        NewCaseDialog, "ask_restore", classmethod(lambda cls, parent, at: asked.append(at) or True)
    )
    driver = ModalDriver(qtbot)

    def restored(d) -> None:  # type: ignore[no-untyped-def]
        assert d.contact_name.text() == "Mo Farah"
        assert d.received.text() == "26/11/20"
        assert d.current_kind() is CaseKind.SAR

    driver.drive([check(restored), tab(3), text("26/11/2026", replace=True), key(ENTER)])
    saved = NewCaseDialog.ask(window, desk, drafts=drafts)
    driver.raise_errors()
    assert len(asked) == 1
    assert saved is not None
    assert saved.kind is CaseKind.SAR
    assert not drafts.exists()  # saved for real: the draft is gone


def test_cancel_discards_the_draft(qtbot, desk, window: MainWindow, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.new_case import NewCaseDialog

    monkeypatch.setattr(NewCaseDialog, "confirm_discard", classmethod(lambda cls, parent: True))
    from send_desk.services.drafts import DraftStore

    drafts = DraftStore(tmp_path / "drafts")
    dialog = NewCaseDialog(window, desk, drafts=drafts)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.summary, "Wrong number")
    dialog.save_draft()
    assert drafts.exists()
    dialog.reject()
    assert not drafts.exists()


def test_closing_the_new_case_dialog_drops_a_pending_look_up(
    qtbot, desk, window: MainWindow, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A look-up for earlier cases queued by typing must not run after the dialog has gone."""
    from send_desk.gui.new_case import LOOKUP_DELAY_MS, NewCaseDialog

    looked: list[object] = []
    monkeypatch.setattr(desk.cases, "find_earlier", lambda *a, **k: looked.append(a) or [])
    dialog = NewCaseDialog(window, desk)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.contact_name, "Jo")
    assert dialog.lookup_timer.isActive()
    monkeypatch.setattr(NewCaseDialog, "confirm_discard", classmethod(lambda cls, parent: True))
    dialog.reject()
    qtbot.wait(LOOKUP_DELAY_MS + 150)
    assert looked == []


def test_an_open_case_says_when_someone_else_changed_it(
    qtbot, desk, other_desk, complaint, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    view = window.open_case(complaint.id)
    assert isinstance(view, CaseView)
    assert not view.check_stale()
    other_desk.cases.add_note(complaint.id, text="Called the school")
    window._external_change()  # what the change feed calls
    assert view.stale.isVisible()
    assert view.stale.text().startswith("Alex Jones changed this case at 10:00 on 27/11/2026")
    view.reload_case()
    assert not view.stale.isVisible()
    assert "Called the school" in view.timeline.toPlainText()
