"""The case file: editing a case, governed kind changes, the plain-words timeline, contacts noted later."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time

import pytest

from send_desk.bootstrap import Desk
from send_desk.db.models import Case
from send_desk.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from send_desk.domain.kinds import CaseKind, Channel, ClosureCode, Outcome
from send_desk.services.case_edit import stored_edit
from send_desk.values.case_edit import CaseEdit
from send_desk.values.cases import CaseDetail, CaseFilter
from send_desk.values.timeline import StoryType
from tests.conftest import FakeClock, complaint_input
from tests.services.conftest import audit_count


def current_edit(desk: Desk, case_id: int) -> CaseEdit:
    """Return the case's details as an edit that changes nothing."""
    with desk.ctx.db.read() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return stored_edit(case)


def lines_of(case: CaseDetail, headline: str) -> tuple[str, ...]:
    """Return the lines of the story entry with a headline."""
    return next(item.lines for item in case.story if item.headline == headline)


def test_editing_the_contact_shows_old_and_new_on_the_timeline(desk: Desk, complaint: CaseDetail) -> None:
    edit = current_edit(desk, complaint.id)
    edit = dataclasses.replace(
        edit,
        contact=dataclasses.replace(
            edit.contact, name="Jo Smith", email="jo.smith@example.org", address="12 Mill Lane, DL6 1AA"
        ),
        child=dataclasses.replace(edit.child, identifier="EHC-4411"),
        channel=Channel.PHONE,
        officer_login="priya.shah",
    )
    saved = desk.case_edits.edit(complaint.id, edit, expected_version=complaint.version)
    assert saved.version == complaint.version + 1
    assert saved.contact is not None
    assert saved.contact.name == "Jo Smith"
    assert saved.contact.address == "12 Mill Lane, DL6 1AA"
    assert saved.child is not None
    assert saved.child.identifier == "EHC-4411"
    assert saved.officer is not None
    assert saved.officer.name == "Priya Shah"
    assert saved.channel == "phone"
    assert lines_of(saved, "Details edited") == (
        "Contact name: Jo Bloggs → Jo Smith",
        "Contact email: jo.bloggs@example.org → jo.smith@example.org",
        "Contact's address: (blank) → 12 Mill Lane, DL6 1AA",
        "EHC/UPN reference: (blank) → EHC-4411",
        "Officer: Alex Jones → Priya Shah",
        "Channel: Email → Phone",
    )
    assert saved.story[-1].author == "Sam Patel"
    # the search finds the new name
    found = desk.register.list_cases(CaseFilter(status="all", text="Jo Smith"))
    assert [row.reference for row in found] == [complaint.reference]


def test_an_edit_is_checked_as_a_new_case_is_and_saves_nothing_when_refused(
    desk: Desk, complaint: CaseDetail
) -> None:
    edit = current_edit(desk, complaint.id)
    before = audit_count(desk)
    bad = dataclasses.replace(edit, contact=dataclasses.replace(edit.contact, email="jo at example"))
    with pytest.raises(
        ValidationError, match=r"^jo at example does not look like an email address\.$"
    ) as error:
        desk.case_edits.edit(complaint.id, bad, expected_version=complaint.version)
    assert error.value.field == "contact_email"
    long_name = dataclasses.replace(edit, contact=dataclasses.replace(edit.contact, name="J" * 201))
    with pytest.raises(ValidationError) as error:
        desk.case_edits.edit(complaint.id, long_name, expected_version=complaint.version)
    assert (
        str(error.value)
        == "The contact's name is 201 characters long; it can take 200. Shorten it by 1 character."
    )
    assert error.value.field == "contact_name"
    assert audit_count(desk) == before
    assert desk.cases.get(complaint.id).version == complaint.version


def test_an_edit_against_an_older_version_is_refused(desk: Desk, complaint: CaseDetail) -> None:
    edit = current_edit(desk, complaint.id)
    desk.cases.assign(complaint.id, officer_login="priya.shah", expected_version=complaint.version)
    with pytest.raises(ConflictError):
        desk.case_edits.edit(
            complaint.id, dataclasses.replace(edit, summary="Mine"), expected_version=complaint.version
        )


def test_an_unchanged_edit_writes_nothing(desk: Desk, complaint: CaseDetail) -> None:
    before = audit_count(desk)
    same = desk.case_edits.edit(
        complaint.id, current_edit(desk, complaint.id), expected_version=complaint.version
    )
    assert same.version == complaint.version
    assert audit_count(desk) == before


def test_an_officer_cannot_change_the_kind_or_received_date(
    desk: Desk, complaint: CaseDetail, officer_desk: Desk
) -> None:
    with pytest.raises(PermissionDeniedError, match="correct recorded dates"):
        officer_desk.corrections.change_kind(
            complaint.id, CaseKind.ENQUIRY, "Not a complaint", complaint.version
        )
    with pytest.raises(PermissionDeniedError, match="correct recorded dates"):
        officer_desk.corrections.correct_date(
            complaint.id, "received_on", date(2026, 11, 19), "Arrived a day earlier", complaint.version
        )
    assert desk.cases.get(complaint.id).kind is CaseKind.COMPLAINT


def test_a_manager_changes_the_kind_before_acknowledgement_and_targets_follow(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    assert (complaint.acknowledge_by, complaint.respond_by) == (date(2026, 11, 27), date(2026, 12, 11))
    with pytest.raises(ValidationError, match="Give the reason for changing the kind"):
        manager_desk.corrections.change_kind(complaint.id, CaseKind.ENQUIRY, " ", complaint.version)
    changed = manager_desk.corrections.change_kind(
        complaint.id, CaseKind.ENQUIRY, "A question, not a complaint", complaint.version
    )
    assert changed.kind is CaseKind.ENQUIRY
    assert (changed.acknowledge_by, changed.respond_by) == (None, date(2026, 12, 4))
    entry = changed.story[-1]
    assert entry.type is StoryType.EDITS
    assert entry.author == "Priya Shah"
    assert entry.headline == "Kind changed from complaint to enquiry"
    assert entry.lines == (
        "Why: A question, not a complaint.",
        "No acknowledgement due now (it was due by 27/11/2026).",
        "Response due date moved from 11/12/2026 to 04/12/2026.",
    )


def test_the_kind_cannot_change_after_the_acknowledgement(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    acknowledged = desk.cases.acknowledge(
        complaint.id, on=date(2026, 11, 23), expected_version=complaint.version
    )
    with pytest.raises(ValidationError) as error:
        manager_desk.corrections.change_kind(
            complaint.id, CaseKind.ENQUIRY, "Wrong kind", acknowledged.version
        )
    assert str(error.value) == (
        "The case was acknowledged on 23/11/2026, so its kind can no longer change. "
        "Close it as logged in error and log a new case, linked to this one."
    )
    assert desk.cases.get(complaint.id).kind is CaseKind.COMPLAINT


def test_the_timeline_tells_the_whole_story_in_plain_words(desk: Desk, clock: FakeClock) -> None:
    clock.set_date(date(2026, 11, 20), time(9, 0))
    case = desk.cases.log_case(complaint_input())
    clock.set_date(date(2026, 11, 30), time(9, 0))
    case = desk.cases.acknowledge(
        case.id, on=date(2026, 11, 30), expected_version=case.version, missed_reason="Officer absence"
    )
    clock.set_date(date(2026, 12, 1), time(9, 0))
    case = desk.cases.extend(
        case.id, amount=5, reason="Waiting for the school's records", expected_version=case.version
    )
    clock.set_date(date(2026, 12, 2), time(9, 0))
    case = desk.cases.assign(case.id, officer_login="priya.shah", expected_version=case.version)
    clock.set_date(date(2026, 12, 3), time(9, 0))
    case = desk.cases.add_note(case.id, text="Spoke to the SENCo")
    clock.set_date(date(2026, 12, 4), time(9, 0))
    case = desk.cases.respond(
        case.id, on=date(2026, 12, 4), outcome=Outcome.PARTLY_UPHELD, expected_version=case.version
    )
    clock.set_date(date(2026, 12, 7), time(9, 0))
    case = desk.cases.close(
        case.id, code=ClosureCode.RESPONDED, on=date(2026, 12, 7), expected_version=case.version
    )
    clock.set_date(date(2026, 12, 8), time(9, 0))
    case = desk.cases.reopen(case.id, reason="The parent asked about a remedy", expected_version=case.version)

    oldest_first = [(i.when, i.headline, i.lines) for i in desk.timeline.story(case.id, newest_first=False)]
    assert oldest_first == [
        (
            "20/11/2026 09:00",
            "Logged as a complaint, received 20/11/2026",
            ("Acknowledgement due by 27/11/2026.", "Response due by 11/12/2026.", "Assigned to Alex Jones."),
        ),
        (
            "30/11/2026 09:00",
            "Acknowledged on 30/11/2026 (late: it was due by 27/11/2026)",
            (
                "Reason it was late: Officer absence.",
                "Response due date moved from 11/12/2026 to 14/12/2026.",
            ),
        ),
        (
            "01/12/2026 09:00",
            "Response date extended from 14/12/2026 to 21/12/2026",
            ("Why: Waiting for the school's records.",),
        ),
        ("02/12/2026 09:00", "Assigned to Priya Shah (was Alex Jones)", ()),
        ("03/12/2026 09:00", "Note", ("Spoke to the SENCo",)),
        ("04/12/2026 09:00", "Responded on 04/12/2026 (on time)", ("Outcome: Partly upheld.",)),
        ("07/12/2026 09:00", "Closed on 07/12/2026: responded", ()),
        ("08/12/2026 09:00", "Reopened", ("Why: The parent asked about a remedy.",)),
    ]
    newest = desk.timeline.story(case.id)
    assert [i.headline for i in newest] == [h for _w, h, _l in reversed(oldest_first)]
    assert [i.headline for i in desk.timeline.story(case.id, types=[StoryType.TARGETS])] == [
        "Responded on 04/12/2026 (on time)",
        "Response date extended from 14/12/2026 to 21/12/2026",
        "Acknowledged on 30/11/2026 (late: it was due by 27/11/2026)",
    ]
    assert [
        i.headline for i in desk.timeline.story(case.id, types=[StoryType.NOTES, StoryType.ASSIGNED])
    ] == [
        "Note",
        "Assigned to Priya Shah (was Alex Jones)",
    ]
    assert all(i.author for i in newest)


def test_documents_and_letters_need_only_a_row_in_the_table() -> None:
    from send_desk.services.timeline import SENTENCES, Said

    said = Said(changes={}, details={"name": "Assessment report.pdf"}, names={})
    assert SENTENCES["document-added"][0] is StoryType.DOCUMENTS
    assert SENTENCES["document-added"][1](said) == ("Document added: Assessment report.pdf", [])
    assert SENTENCES["document-removed"][1](said) == ("Document removed: Assessment report.pdf", [])
    letter = Said(changes={}, details={"template": "Acknowledgement letter"}, names={})
    assert SENTENCES["letter-made"][1](letter) == ("Letter made: Acknowledgement letter", [])


def test_an_action_with_no_row_still_shows_in_general_words(desk: Desk, complaint: CaseDetail) -> None:
    from send_desk.services import audit

    with desk.ctx.db.write() as session:
        case = session.get(Case, complaint.id)
        audit.record(
            session, at=desk.now(), login="sam.patel", actor_name="Sam Patel", action="ehc-step", case=case
        )
    assert desk.cases.get(complaint.id).story[-1].headline == "Ehc step"


def test_a_contact_written_up_later_shows_when_it_happened_and_when_it_was_recorded(
    desk: Desk, complaint: CaseDetail, clock: FakeClock
) -> None:
    clock.set_date(date(2026, 11, 27), time(16, 5))
    case = desk.cases.record_contact(
        complaint.id,
        text="Mum rang about the assessment",
        channel=Channel.PHONE,
        direction="in",
        at=datetime(2026, 11, 27, 9, 30, tzinfo=UTC),
    )
    entry = next(i for i in case.story if i.type is StoryType.CONTACTS)
    assert entry.headline == "Phone call from the family"
    assert entry.lines == ("Mum rang about the assessment",)
    assert entry.when == "27/11/2026 09:30 (recorded 27/11/2026 16:05)"
    assert case.timeline[-1].recorded_at == datetime(2026, 11, 27, 16, 5, tzinfo=UTC)
    case = desk.cases.record_contact(complaint.id, text="Emailed the plan", channel=Channel.EMAIL)
    assert case.story[-1].when == "27/11/2026 16:05"
    assert case.story[-1].headline == "Email to the family"
    with pytest.raises(ValidationError, match=r"^The time given, 27/11/2026 17:00, is in the future"):
        desk.cases.record_contact(
            complaint.id, text="x", channel=Channel.PHONE, at=datetime(2026, 11, 27, 17, 0, tzinfo=UTC)
        )


def test_a_corrected_received_date_is_told_with_its_reason_and_moved_targets(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    corrected = manager_desk.corrections.correct_date(
        complaint.id, "received_on", date(2026, 11, 19), "The email arrived the day before", complaint.version
    )
    entry = corrected.story[-1]
    assert (entry.type, entry.headline, entry.author) == (
        StoryType.EDITS,
        "The received date was corrected from 20/11/2026 to 19/11/2026",
        "Priya Shah",
    )
    assert entry.lines == (
        "Why: The email arrived the day before.",
        "Acknowledgement due date moved from 27/11/2026 to 26/11/2026.",
        "Response due date moved from 11/12/2026 to 10/12/2026.",
    )
    assert not any(
        "received_on" in line or "2026-11" in line for item in corrected.story for line in item.lines
    )


def test_a_case_made_without_an_audit_row_still_starts_with_its_logging(desk: Desk) -> None:
    for _ in desk.demo.generate(1, seed=7):
        pass
    case = desk.cases.get(1)
    first = case.story[0]
    assert first.type is StoryType.PROGRESS
    assert first.headline.startswith("Logged as ")
    assert first.headline.endswith(f", received {case.received_on:%d/%m/%Y}")


def test_an_edit_of_a_person_alone_still_moves_the_version(desk: Desk, complaint: CaseDetail) -> None:
    edit = current_edit(desk, complaint.id)
    saved = desk.case_edits.edit(
        complaint.id,
        dataclasses.replace(edit, child=dataclasses.replace(edit.child, date_of_birth=date(2015, 3, 10))),
        expected_version=complaint.version,
    )
    assert saved.version == complaint.version + 1
    assert lines_of(saved, "Details edited") == ("Child's date of birth: 09/03/2015 → 10/03/2015",)
