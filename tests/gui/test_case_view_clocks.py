"""The case view's kind-specific actions: clarification, the Ombudsman's deadline, promised actions done."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from send_desk.domain.kinds import CaseKind, Outcome
from send_desk.gui.case_view import CaseView
from send_desk.gui.main_window import MainWindow
from send_desk.services.admin import PolicyAdminService
from send_desk.services.cases import ActionInput
from send_desk.values.cases import CaseInput
from tests.conftest import complaint_input
from tests.gui.helpers import ModalDriver, key, tab, text

ENTER = Qt.Key.Key_Return


def visible_buttons(view: CaseView) -> set[str]:
    return {name for name, button in view.buttons.items() if not button.isHidden()}


def test_clarification_restarts_a_foi_clock_from_the_day_it_arrived(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 11, 2)))
    assert case.respond_by == date(2026, 12, 1)  # 20 working days, St Andrew's Day (30/11) skipped
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    assert {"clarification", "ombudsman", "action_done"} & visible_buttons(view) == {"clarification"}
    assert "acknowledge" not in visible_buttons(view)  # an FOI request has no acknowledgement target
    assert view.buttons["clarification"].text().replace("&", "") == "Ask for clarification…"
    driver = ModalDriver(qtbot)
    driver.drive([text("05/11/2026", replace=True), key(ENTER)])
    view.buttons["clarification"].click()  # asked on 5/11: the clock stops, the case waits
    driver.raise_errors()
    assert view.case.current_stage.waiting
    assert view.badge.text().startswith("Open · Waiting for the requester")
    assert view.badge.text().lower().count("waiting for the requester") == 1  # said once, not twice
    assert not view.buttons["respond"].isEnabled()
    assert view.buttons["respond"].toolTip().startswith("The case is waiting for the requester.")
    assert view.buttons["clarification"].text().replace("&", "") == "Clarification received…"
    driver.drive([text("16/11/2026", replace=True), key(ENTER)])
    view.buttons["clarification"].click()
    driver.raise_errors()
    assert view.case.current_stage.clarified_on == date(2026, 11, 16)
    # 20 working days from 16/11, skipping St Andrew's Day (Mon 30/11, a Scottish bank holiday)
    assert view.case.respond_by == date(2026, 12, 15)


def test_the_ombudsman_deadline_is_typed_from_the_letter(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(
        CaseInput(kind=CaseKind.OMBUDSMAN, received_on=date(2026, 11, 20), ombudsman_due=date(2026, 12, 4))
    )
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    assert {"clarification", "ombudsman", "action_done"} & visible_buttons(view) == {"ombudsman"}
    driver = ModalDriver(qtbot)
    driver.drive([text("18/12/2026", replace=True), key(ENTER)])
    view.buttons["ombudsman"].click()
    driver.raise_errors()
    assert view.case.respond_by == date(2026, 12, 18)


def test_a_promised_action_is_marked_done(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input(received=date(2026, 11, 2)))
    case = desk.cases.acknowledge(case.id, on=date(2026, 11, 3), expected_version=case.version)
    case = desk.cases.respond(
        case.id,
        on=date(2026, 11, 13),
        outcome=Outcome.UPHELD,
        expected_version=case.version,
        actions=[ActionInput("Send the amended plan", due=date(2026, 12, 1))],
    )
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    assert view.buttons["action_done"].isEnabled()
    driver = ModalDriver(qtbot)
    driver.drive([tab(), text("25/11/2026", replace=True), key(ENTER)])
    view.buttons["action_done"].click()
    driver.raise_errors()
    actions = [a for s in view.case.stages for a in s.actions]
    assert [(a.what, a.done_on) for a in actions] == [("Send the amended plan", date(2026, 11, 25))]
    assert not view.buttons["action_done"].isEnabled()


def test_switching_on_clarification_for_enquiries_shows_the_button(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """The case view's buttons follow `CaseDetail.actions`, which follow the policy an admin edits."""
    before = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 16)))
    view = window.open_case(before.id)
    assert isinstance(view, CaseView)
    assert "clarification" not in visible_buttons(view)
    admin = PolicyAdminService(desk.ctx)
    admin.propose_change(CaseKind.ENQUIRY, 1, {"clarification_restarts": True})
    after = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 16)))
    view = window.open_case(after.id)
    assert isinstance(view, CaseView)
    assert "clarification" in visible_buttons(view)
    assert view.buttons["clarification"].isEnabled()
    # the earlier case keeps the policy version it was logged under until an admin recalculates
    view = window.open_case(before.id)
    assert isinstance(view, CaseView)
    view.reload_case()
    assert "clarification" not in visible_buttons(view)
    admin.recalculate(CaseKind.ENQUIRY, 1)
    view.reload_case()
    assert "clarification" in visible_buttons(view)
