"""The case file on screen: Change details, governed fields, the timeline panel, contacts written up later."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time

import pytest
from PySide6.QtWidgets import QApplication

from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.kinds import CaseKind, Channel
from send_desk.gui.case_edit import EditCaseDialog
from send_desk.gui.case_view import CaseView
from send_desk.gui.field_limits import LengthHint
from send_desk.gui.new_case import NewCaseDialog
from send_desk.values.cases import CaseDetail
from send_desk.values.timeline import StoryType
from tests.conftest import FakeClock, complaint_input


@pytest.fixture
def view(qtbot, desk: Desk, complaint: CaseDetail) -> Iterator[CaseView]:  # type: ignore[no-untyped-def]
    """Return the case view of the complaint, as Sam Patel (an admin)."""
    shown = CaseView(None, desk, complaint.id)
    qtbot.addWidget(shown)
    yield shown
    shown.close()


def desk_for(database_url: str, clock: FakeClock, login: str) -> Desk:
    """Open the test database acting as someone else."""
    return open_desk(database_url, clock=clock, login=login)


def test_change_details_shows_old_and_new_on_the_timeline(qtbot, view: CaseView, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set_date(date(2026, 11, 27), time(11, 0))
    dialog = EditCaseDialog(view, view)
    qtbot.addWidget(dialog)
    assert dialog.contact_name.text() == "Jo Bloggs"
    dialog.contact_name.setText("Jo Smith")
    dialog.summary.setText("Assessment late; parent wants a date")
    dialog.save()
    assert dialog.result_case is not None
    view.show_case(dialog.result_case)
    assert view.case.contact is not None
    assert view.case.contact.name == "Jo Smith"
    shown = view.timeline.toPlainText()
    assert "Contact name: Jo Bloggs → Jo Smith" in shown
    assert "Summary: EHC needs assessment running late → Assessment late; parent wants a date" in shown
    assert shown.index("Details edited") < shown.index("Logged as a complaint")  # newest first


def test_an_edit_error_shows_beside_its_field_and_keeps_what_was_typed(qtbot, view: CaseView) -> None:  # type: ignore[no-untyped-def]
    dialog = EditCaseDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.contact_email.setText("jo at example")
    dialog.save()
    assert dialog.result_case is None
    assert dialog.errors["contact_email"].text() == "jo at example does not look like an email address."
    assert dialog.contact_email.text() == "jo at example"


def test_the_governed_fields_are_closed_to_an_officer(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, complaint: CaseDetail, database_url: str, clock: FakeClock
) -> None:
    officer = desk_for(database_url, clock, "alex.jones")
    try:
        shown = CaseView(None, officer, complaint.id)
        qtbot.addWidget(shown)
        dialog = EditCaseDialog(shown, shown)
        qtbot.addWidget(dialog)
        assert not dialog.received.isEnabled()
        assert not dialog.kind.isEnabled()
        assert not dialog.reason.isEnabled()
        assert dialog.contact_name.isEnabled()
        # even if the fields were forced open, the service refuses an officer
        for widget in (dialog.kind, dialog.reason):
            widget.setEnabled(True)
        dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.ENQUIRY.value))
        dialog.reason.setText("Not a complaint")
        dialog.save()
        assert dialog.result_case is None
        assert "correct recorded dates" in dialog.banner.text()
        assert officer.cases.get(complaint.id).kind is CaseKind.COMPLAINT
    finally:
        officer.close()


def test_a_manager_changes_the_kind_but_not_after_the_acknowledgement(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, complaint: CaseDetail, database_url: str, clock: FakeClock
) -> None:
    manager = desk_for(database_url, clock, "priya.shah")
    try:
        other = desk.cases.log_case(complaint_input(summary="Another"))
        shown = CaseView(None, manager, other.id)
        qtbot.addWidget(shown)
        dialog = EditCaseDialog(shown, shown)
        qtbot.addWidget(dialog)
        assert dialog.kind.isEnabled()
        dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.ENQUIRY.value))
        dialog.save()
        assert dialog.errors["reason"].text() == (
            "Give the reason for changing the received date or the kind; it is kept in the audit trail."
        )
        dialog.reason.setText("A question, not a complaint")
        dialog.save()
        assert dialog.result_case is not None
        assert dialog.result_case.kind is CaseKind.ENQUIRY
        shown.show_case(dialog.result_case)
        assert "Kind changed from complaint to enquiry" in shown.timeline.toPlainText()
        assert "Why: A question, not a complaint." in shown.timeline.toPlainText()

        acknowledged = desk.cases.acknowledge(
            complaint.id, on=date(2026, 11, 23), expected_version=complaint.version
        )
        shown = CaseView(None, manager, acknowledged.id)
        qtbot.addWidget(shown)
        dialog = EditCaseDialog(shown, shown)
        qtbot.addWidget(dialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.ENQUIRY.value))
        dialog.reason.setText("Wrong kind")
        dialog.contact_name.setText("Should not be saved")
        dialog.save()
        assert dialog.result_case is None
        assert dialog.errors["kind"].text() == (
            "The case was acknowledged on 23/11/2026, so its kind can no longer change. "
            "Close it as logged in error and log a new case, linked to this one."
        )
        kept = manager.cases.get(complaint.id)
        assert kept.kind is CaseKind.COMPLAINT
        assert kept.contact is not None
        assert kept.contact.name == "Jo Bloggs"
    finally:
        manager.close()


def test_the_timeline_panel_orders_and_filters(qtbot, desk: Desk, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    clock.set_date(date(2026, 11, 20), time(9, 0))
    case = desk.cases.log_case(complaint_input())
    clock.set_date(date(2026, 11, 23), time(9, 0))
    case = desk.cases.acknowledge(case.id, on=date(2026, 11, 23), expected_version=case.version)
    clock.set_date(date(2026, 11, 24), time(9, 0))
    case = desk.cases.add_note(case.id, text="Spoke to the SENCo")
    shown = CaseView(None, desk, case.id)
    qtbot.addWidget(shown)
    panel = shown.timeline
    assert [item.headline for item in panel.shown()] == [
        "Note",
        "Acknowledged on 23/11/2026 (on time)",
        "Logged as a complaint, received 20/11/2026",
    ]
    panel.order.setCurrentIndex(panel.order.findData(False))
    assert next(item.headline for item in panel.shown()) == "Logged as a complaint, received 20/11/2026"
    assert panel.toPlainText().startswith("20/11/2026 09:00 · Sam Patel")
    panel.type_filter.setCurrentIndex(panel.type_filter.findData(StoryType.NOTES.value))
    assert panel.toPlainText() == "24/11/2026 09:00 · Sam Patel\nNote\nSpoke to the SENCo"
    panel.type_filter.setCurrentIndex(panel.type_filter.findData(StoryType.DOCUMENTS.value))
    assert panel.toPlainText() == "Nothing of this type has happened yet."


def test_a_contact_written_up_later_shows_both_times(qtbot, view: CaseView, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.actions import ContactDialog

    clock.set_date(date(2026, 11, 27), time(16, 5))  # 16:05 UTC = 16:05 in London in November
    dialog = ContactDialog(view, view)
    qtbot.addWidget(dialog)
    assert dialog.when.day.text() == "27/11/2026"
    assert dialog.when.time.text() == "16:05"
    dialog.when.time.setText("09:30")
    dialog.direction.setCurrentIndex(dialog.direction.findData("in"))
    dialog.channel.setCurrentIndex(dialog.channel.findData(Channel.PHONE.value))
    dialog.text.setPlainText("Mum rang about the assessment")
    dialog.save()
    assert dialog.result_case is not None
    view.show_case(dialog.result_case)
    # placed when it happened (before the case was logged at 10:00), shown with when it was written up
    assert view.timeline.toPlainText().endswith(
        "27/11/2026 09:30 (recorded 27/11/2026 16:05) · Sam Patel\n"
        "Phone call from the family\n"
        "Mum rang about the assessment"
    )
    late = ContactDialog(view, view)
    qtbot.addWidget(late)
    late.when.time.setText("25:00")
    late.text.setPlainText("x")
    late.save()
    assert late.errors["at"].text() == "25:00 is not a time. Type it as hours:minutes, for example 14:30."


def test_the_forms_say_when_text_is_too_long_and_never_cut_it(qtbot, desk: Desk, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(NewCaseDialog, "confirm_discard", classmethod(lambda cls, parent: True))
    form = NewCaseDialog(None, desk)
    qtbot.addWidget(form)
    form.show()
    long_summary = "The family say the assessment is late. " * 12  # 480 characters: once cut at 300
    form.summary.setText(long_summary)
    assert form.summary.text() == long_summary
    form.contact_name.setText("J" * 185)
    hints = form.findChildren(LengthHint)
    assert "185 of 200 characters (15 left)." in [label.text() for label in hints]
    form.contact_name.setText("J" * 203)
    messages = [label.text() for label in hints if label.isVisible()]
    assert "The name is 203 characters long; it can take 200. Shorten it by 3 characters." in messages
    assert form.contact_name.accessibleDescription() == (
        "The name is 203 characters long; it can take 200. Shorten it by 3 characters."
    )
    assert len(form.contact_name.text()) == 203
    form.save()
    assert form.result_case is None
    assert form.errors["contact_name"].text() == (
        "The contact's name is 203 characters long; it can take 200. Shorten it by 3 characters."
    )
    form.contact_name.setText("Jo Bloggs")
    form.save()
    assert form.result_case is not None
    assert form.result_case.summary == long_summary.strip()
    QApplication.processEvents()


def test_the_case_print_out_tells_the_timeline(qapp, desk: Desk, clock: FakeClock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import unicodedata
    from datetime import UTC, datetime

    from pypdf import PdfReader

    from send_desk.printing import case_job, write_pdf

    clock.set_date(date(2026, 11, 20), time(9, 0))
    case = desk.cases.log_case(complaint_input())
    clock.set_date(date(2026, 11, 30), time(9, 0))
    case = desk.cases.acknowledge(
        case.id, on=date(2026, 11, 30), expected_version=case.version, missed_reason="Officer absence"
    )
    clock.set_date(date(2026, 11, 30), time(15, 0))
    case = desk.cases.record_contact(
        case.id,
        text="Dad rang",
        channel=Channel.PHONE,
        direction="in",
        at=datetime(2026, 11, 30, 11, 15, tzinfo=UTC),
    )
    out = tmp_path / "case.pdf"
    write_pdf(case_job(case, team="North SEND", printed_by="Sam Patel", printed_at=desk.now()), out)
    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    flat = " ".join(unicodedata.normalize("NFKC", text).split())  # the PDF's "ﬁ" ligatures back to "fi"
    for words in (
        "Timeline (3 entries, oldest first)",
        "20/11/2026 09:00 Logged as a complaint, received 20/11/2026",
        "Acknowledged on 30/11/2026 (late: it was due by 27/11/2026) Reason it was late: Officer absence.",
        "30/11/2026 11:15 (recorded 30/11/2026 15:00) Phone call from the family Dad rang",
    ):
        assert words in flat, words
    assert "acknowledge_by" not in flat


def test_a_refused_part_of_an_edit_saves_none_of_it_and_keeps_what_was_typed(  # type: ignore[no-untyped-def]
    qtbot, desk: Desk, complaint: CaseDetail, database_url: str, clock: FakeClock
) -> None:
    manager = desk_for(database_url, clock, "priya.shah")
    try:
        shown = CaseView(None, manager, complaint.id)
        qtbot.addWidget(shown)
        dialog = EditCaseDialog(shown, shown)
        qtbot.addWidget(dialog)
        dialog.kind.setCurrentIndex(dialog.kind.findData(CaseKind.ENQUIRY.value))
        dialog.received.set_date(date(2026, 11, 19))
        dialog.reason.setText("A question, emailed the day before")
        dialog.contact_email.setText("jo at example")
        dialog.save()
        assert dialog.result_case is None
        assert dialog.errors["contact_email"].text() == "jo at example does not look like an email address."
        # what the officer typed is all still there
        assert dialog.kind.currentData() == CaseKind.ENQUIRY.value
        assert dialog.received.text() == "19/11/2026"
        assert dialog.reason.text() == "A question, emailed the day before"
        assert dialog.contact_email.text() == "jo at example"
        # and nothing was saved: not the kind, not the date
        kept = manager.cases.get(complaint.id)
        assert (kept.kind, kept.received_on, kept.version) == (
            CaseKind.COMPLAINT,
            date(2026, 11, 20),
            complaint.version,
        )
        assert kept.contact is not None
        assert kept.contact.email == "jo.bloggs@example.org"
        assert shown.case.version == complaint.version
        # corrected, the same dialog saves all of it at once
        dialog.contact_email.setText("jo.smith@example.org")
        dialog.save()
        assert dialog.result_case is not None
        assert (dialog.result_case.kind, dialog.result_case.received_on) == (
            CaseKind.ENQUIRY,
            date(2026, 11, 19),
        )
        assert dialog.result_case.version == complaint.version + 3
    finally:
        manager.close()
