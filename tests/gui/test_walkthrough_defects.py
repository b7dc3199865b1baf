"""Defects found in the issue 17 walkthrough, each pinned by a test that failed before its fix."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QPoint

from send_desk.bootstrap import Desk
from send_desk.gui import actions
from send_desk.gui.case_view import CaseView
from send_desk.gui.main_window import MainWindow
from tests.conftest import complaint_input


def open_view(window: MainWindow, case_id: int) -> CaseView:
    view = window.open_case(case_id)
    assert isinstance(view, CaseView)
    return view


def test_the_late_acknowledgement_reason_is_shown_whole_above_the_buttons(
    qtbot, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input(received=date(2026, 11, 10)))  # acknowledge by 17/11
    view = open_view(window, case.id)
    dialog = actions.AcknowledgeDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.save()  # late, and no reason given
    error = dialog.errors["missed_reason"]
    assert error.text() == (
        "The acknowledgement was due by 17/11/2026, so it is late. Give a reason for the missed target."
    )
    qtbot.waitUntil(lambda: dialog.missed_reason.isVisible())
    error_bottom = error.mapTo(dialog, QPoint(0, error.height())).y()
    assert error.height() >= error.heightForWidth(error.width())
    assert error_bottom <= dialog.buttons.geometry().top()
    assert dialog.height() >= dialog.layout().totalSizeHint().height()


def test_escalating_with_nobody_else_to_take_stage_2_says_why(
    qtbot, monkeypatch, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())  # handled by Alex Jones
    view = open_view(window, case.id)
    alex = [s for s in view.staff() if s.login == "alex.jones"]
    monkeypatch.setattr(view, "staff", lambda: alex)  # the only member of staff is stage 1's handler
    dialog = actions.EscalateDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.handler.count() == 0
    assert dialog.no_handler.isVisible()
    assert dialog.no_handler.text() == (
        "Nobody can take stage 2: it must go to someone who did not handle stage 1, and Alex Jones handled "
        "stage 1. Ask an admin to add another member of staff (Admin ▸ Staff and roles), then escalate."
    )
    dialog.save()
    assert dialog.banner.text() == dialog.no_handler.text()
    assert desk.cases.get(case.id).stage == 1


def test_escalating_with_someone_to_take_it_says_nothing_extra(qtbot, desk: Desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    view = open_view(window, case.id)
    dialog = actions.EscalateDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.handler.count() == 2
    assert not dialog.no_handler.isVisible()


def responded_with_an_action(desk: Desk):  # type: ignore[no-untyped-def]
    from send_desk.domain.kinds import Outcome
    from send_desk.services.cases import ActionInput

    case = desk.cases.log_case(complaint_input(received=date(2026, 11, 2)))
    case = desk.cases.acknowledge(case.id, on=date(2026, 11, 3), expected_version=case.version)
    return desk.cases.respond(
        case.id,
        on=date(2026, 11, 13),
        outcome=Outcome.UPHELD,
        expected_version=case.version,
        actions=[ActionInput("Send the amended plan", due=date(2026, 12, 1))],
    )


def test_closing_with_a_promised_action_outstanding_warns_and_asks(
    qtbot, monkeypatch, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    case = responded_with_an_action(desk)
    view = open_view(window, case.id)
    asked: list[list[str]] = []
    answer = [False]

    def confirm(cls, parent, outstanding):  # type: ignore[no-untyped-def]
        asked.append([a.what for a in outstanding])
        return answer[0]

    monkeypatch.setattr(actions.CloseDialog, "confirm_outstanding", classmethod(confirm))
    dialog = actions.CloseDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.save()
    assert asked == [["Send the amended plan"]]
    assert desk.cases.get(case.id).status.value == "open"  # kept open
    answer[0] = True
    dialog.save()
    assert desk.cases.get(case.id).status.value == "closed"


def test_the_outstanding_action_warning_names_the_action(
    qtbot, monkeypatch, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QMessageBox

    case = responded_with_an_action(desk)
    view = open_view(window, case.id)
    seen: list[tuple[str, list[str]]] = []

    def fake_exec(box):  # type: ignore[no-untyped-def]
        seen.append((box.text(), [b.text() for b in box.buttons()]))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert not actions.CloseDialog.confirm_outstanding(view, view.case.stages[0].actions)
    assert seen[0][0].startswith(
        "The response promised 1 action not yet marked done:\n• Send the amended plan (due 01/12/2026)"
    )
    assert seen[0][1] == ["&Close all the same", "&Keep it open"]


def test_staff_add_starts_the_next_person_as_an_officer(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from send_desk.domain.kinds import Role
    from send_desk.gui.admin.staff import StaffDialog
    from send_desk.gui.widgets import select_data

    dialog = StaffDialog(desk)
    qtbot.addWidget(dialog)
    dialog.new_login.setText("kim.lee")
    dialog.new_name.setText("Kim Lee")
    select_data(dialog.new_role, Role.MANAGER)
    dialog.add()
    assert dialog.message.text() == "Added Kim Lee as manager."
    assert dialog.edit_role.currentText() == "Manager"  # the added person, selected
    assert dialog.new_role.currentText() == "Officer"  # not the previous person's role


def test_the_audit_trail_dates_label_is_a_mnemonic_not_a_literal_ampersand(qtbot, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from send_desk.gui.admin.audit import AuditDialog

    dialog = AuditDialog(desk)
    qtbot.addWidget(dialog)
    label = next(lab for lab in dialog.findChildren(QLabel) if lab.text() == "&From / to")
    assert label.buddy() is dialog.date_from


def test_channels_are_named_as_people_say_them_everywhere(qtbot, desk: Desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from send_desk.domain.kinds import Channel
    from send_desk.gui.new_case import NewCaseDialog
    from send_desk.reports.case_printout import case_printout_html
    from send_desk.services.spreadsheets import describe_filter  # noqa: F401 (the export module loads)

    said = ["Phone", "Email", "Letter", "Web form", "In person", "Via an MP", "Via a councillor",
            "Via the Ombudsman", "Social media"]  # fmt: skip
    assert [c.label for c in Channel] == said
    form = NewCaseDialog(window, desk)
    qtbot.addWidget(form)
    assert [form.channel.itemText(i) for i in range(form.channel.count())] == said
    mp = desk.cases.log_case(complaint_input(channel=Channel.VIA_MP))
    view = open_view(window, mp.id)
    assert "Received 20/11/2026 through an MP" in view.details.toPlainText().replace("\t", " ").replace(
        "\n", " "
    )
    contact = actions.ContactDialog(view, view)
    qtbot.addWidget(contact)
    assert [contact.channel.itemText(i) for i in range(contact.channel.count())] == said
    visit = desk.cases.log_case(complaint_input(channel=Channel.IN_PERSON))
    view = open_view(window, visit.id)
    assert "Received 20/11/2026 in person" in view.details.toPlainText().replace("\t", " ").replace("\n", " ")
    desk.cases.record_contact(visit.id, text="Called back", channel=Channel.VIA_COUNCILLOR, direction="in")
    view.reload_case()
    assert "Via a councillor from the family" in view.timeline.toPlainText()
    page = case_printout_html(desk.cases.get(mp.id), team="North SEND")
    assert "<td>Via an MP</td>" in page.replace("<td >", "<td>") or "Via an MP" in page


def test_the_export_names_channels_as_people_say_them(desk: Desk, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from send_desk.domain.kinds import Channel
    from send_desk.values.cases import CaseFilter

    desk.cases.log_case(complaint_input(channel=Channel.VIA_OMBUDSMAN))
    out = tmp_path / "cases.xlsx"
    for _ in desk.exports.export(out, CaseFilter(status="all")):
        pass
    sheet = load_workbook(out, read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(r for r in rows if r and "Channel" in r)
    column = header.index("Channel")
    assert [r[column] for r in rows[rows.index(header) + 1 :] if r[column]] == ["Via the Ombudsman"]


def test_the_case_print_out_leaves_out_internal_fields(desk: Desk) -> None:
    from send_desk.reports.case_printout import case_printout_html

    case = desk.cases.log_case(complaint_input())
    page = case_printout_html(desk.cases.get(case.id), team="North SEND")
    assert "Record version" not in page
    assert "Anonymised" not in page
    assert "Last changed" in page


def test_the_weekly_summary_week_is_picked_on_a_calendar(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from send_desk.gui.week_picker import WeekPicker

    picker = WeekPicker(today=date(2026, 11, 27), week="2026-W47")
    qtbot.addWidget(picker)
    assert picker.week() == "2026-W47"
    assert picker.chosen.text() == ("Week of Monday 16 November 2026 to Sunday 22 November 2026 (2026-W47)")
    picker.this_week.click()
    assert picker.week() == "2026-W48"
    picker.last_week.click()
    assert picker.week() == "2026-W47"
    picker.calendar.setSelectedDate(QDate(2026, 1, 1))  # a Thursday in 2026's first week
    assert picker.week() == "2026-W01"
    picker.calendar.setSelectedDate(QDate(2026, 12, 31))  # after today: the calendar stops at today
    assert picker.day() <= date(2026, 11, 27)


def test_save_as_pdf_starts_in_documents_then_remembers_the_last_folder(
    qtbot, monkeypatch, tmp_path, desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    from pathlib import Path

    from PySide6.QtCore import QStandardPaths

    from send_desk.gui import print_preview

    documents = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))
    offered: list[str] = []
    answers = [str(tmp_path / "reports" / "week.pdf"), ""]
    (tmp_path / "reports").mkdir()
    monkeypatch.setattr(
        print_preview.QFileDialog,
        "getSaveFileName",
        lambda parent, caption, start, filters: (offered.append(start), (answers.pop(0), filters))[1],
    )
    assert print_preview.ask_pdf_path(None, "Weekly summary.pdf") == tmp_path / "reports" / "week.pdf"
    assert print_preview.ask_pdf_path(None, "Case.pdf") is None
    assert offered == [str(documents / "Weekly summary.pdf"), str(tmp_path / "reports" / "Case.pdf")]


def test_the_new_case_form_shows_every_error_at_once_and_clears_each_when_fixed(
    qtbot, monkeypatch, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.new_case import NewCaseDialog

    monkeypatch.setattr(NewCaseDialog, "confirm_discard", classmethod(lambda cls, parent: True))
    form = NewCaseDialog(window, desk)
    qtbot.addWidget(form)
    form.show()
    form.received.setText("30/11/2026")  # after today
    qtbot.keyClicks(form.contact_name, "Jo Bloggs")
    qtbot.keyClicks(form.contact_email, "jo@")
    qtbot.keyClicks(form.contact_phone, "call me")
    qtbot.keyClicks(form.child_dob, "31/02/2015")
    form.save()
    shown = {key: error.text() for key, error in form.errors.items() if error.isVisible()}
    assert shown == {
        "child_dob": "31/02/2015 is not a date. Type it as day/month/year, for example 27/11/2026.",
    }  # a date that is not a date is mended first: what the others mean depends on it
    form.child_dob.clear()
    qtbot.keyClicks(form.child_dob, "09/03/2015")
    assert not form.errors["child_dob"].isVisible()  # cleared as soon as it is edited
    form.save()
    shown = {key: error.text() for key, error in form.errors.items() if error.isVisible()}
    assert shown == {
        "received_on": "The received date 30/11/2026 is in the future. Enter the day it arrived.",
        "contact_email": "jo@ does not look like an email address.",
        "contact_phone": "call me does not look like a phone number.",
    }
    assert form.focusWidget() is form.received  # the cursor goes to the first field at fault
    qtbot.keyClicks(form.contact_email, "example.org")
    assert not form.errors["contact_email"].isVisible()
    assert form.errors["contact_phone"].isVisible()  # the others stay until they are fixed
    assert form.result_case is None


def test_discarding_a_new_case_has_a_mnemonic_and_keeps_typing_by_default(qtbot) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.new_case import NewCaseDialog

    box = NewCaseDialog.discard_box(None)
    qtbot.addWidget(box)
    assert sorted(button.text() for button in box.buttons()) == ["&Discard", "&Keep typing"]
    assert box.defaultButton().text() == "&Keep typing"
    assert box.escapeButton() is box.defaultButton()
