"""Case use cases: each command's effect on the clocks, its validation and its audit entry."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.domain.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
from send_desk.domain.kinds import (
    CaseKind,
    CaseStatus,
    Channel,
    ClosureCode,
    LinkKind,
    Outcome,
    Rag,
    RemedyKind,
)
from send_desk.services.cases import ActionInput, RemedyInput
from send_desk.values.cases import CaseDetail, CaseFilter, CaseInput, PersonInput
from tests.conftest import FakeClock, complaint_input


def audit_actions(desk: Desk, case_id: int) -> list[tuple[str, str, dict[str, object]]]:
    with desk.ctx.db.read() as session:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.case_id == case_id).order_by(AuditEntry.id)
        )
        return [(r.action, r.login, json.loads(r.changes)) for r in rows]


def test_log_complaint_computes_and_stores_due_dates(desk: Desk) -> None:
    case = desk.cases.log_case(complaint_input(received=date(2026, 11, 20)))
    assert case.reference == "SD-2026-00001"
    assert case.status is CaseStatus.OPEN
    assert case.acknowledge_by == date(2026, 11, 27)
    assert case.respond_by == date(2026, 12, 11)  # 10 WD after the acknowledge-by date
    assert case.next_due == date(2026, 11, 27)
    assert case.rag is Rag.DUE_SOON  # due today
    assert case.officer is not None
    assert case.officer.name == "Alex Jones"
    assert case.contact is not None
    assert case.contact.email == "jo.bloggs@example.org"
    assert case.child is not None
    assert case.child.date_of_birth == date(2015, 3, 9)
    assert case.stages[0].acknowledge is not None
    assert case.stages[0].acknowledge.met is None
    assert case.version == 1
    assert desk.cases.log_case(complaint_input()).reference == "SD-2026-00002"


def test_worked_example_through_services(desk: Desk, clock: FakeClock) -> None:
    clock.set_date(date(2026, 1, 20))
    case = desk.cases.log_case(complaint_input(received=date(2025, 12, 24)))
    assert (case.acknowledge_by, case.respond_by) == (date(2026, 1, 5), date(2026, 1, 19))
    case = desk.cases.acknowledge(case.id, on=date(2025, 12, 24), expected_version=case.version)
    assert case.respond_by == date(2026, 1, 12)
    assert case.rag is Rag.OVERDUE


def test_closure_days_move_the_acknowledgement(desk: Desk, clock: FakeClock) -> None:
    clock.set_date(date(2026, 1, 20))
    desk.closures.add([date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)], description="Christmas")
    case = desk.cases.log_case(complaint_input(received=date(2025, 12, 22)))
    assert case.acknowledge_by == date(2026, 1, 6)


def test_acknowledge_late_needs_a_reason(desk: Desk, complaint: CaseDetail, clock: FakeClock) -> None:
    clock.set_date(date(2026, 11, 30))
    with pytest.raises(ValidationError) as caught:
        desk.cases.acknowledge(complaint.id, on=date(2026, 11, 30), expected_version=complaint.version)
    assert caught.value.field == "missed_reason"
    assert str(caught.value) == (
        "The acknowledgement was due by 27/11/2026, so it is late. Give a reason for the missed target."
    )
    case = desk.cases.acknowledge(
        complaint.id,
        on=date(2026, 11, 30),
        expected_version=complaint.version,
        missed_reason="Officer off sick",
    )
    clock_view = case.stages[0].acknowledge
    assert clock_view is not None
    assert (clock_view.met, clock_view.missed_reason) == (False, "Officer off sick")
    assert case.respond_by == date(2026, 12, 14)  # 10 WD after the actual acknowledgement


def test_acknowledge_refuses_future_and_early_dates(desk: Desk, complaint: CaseDetail) -> None:
    with pytest.raises(ValidationError, match=r"^The acknowledgement date 28/11/2026 is in the future\.$"):
        desk.cases.acknowledge(complaint.id, on=date(2026, 11, 28), expected_version=1)
    with pytest.raises(ValidationError, match="is before 20/11/2026, when this stage began"):
        desk.cases.acknowledge(complaint.id, on=date(2026, 11, 19), expected_version=1)
    assert desk.cases.get(complaint.id).version == 1


def test_full_complaint_lifecycle_is_audited(desk: Desk, complaint: CaseDetail, clock: FakeClock) -> None:
    case = desk.cases.acknowledge(complaint.id, on=date(2026, 11, 23), expected_version=complaint.version)
    assert case.respond_by == date(2026, 12, 7)
    case = desk.cases.extend(
        case.id, amount=10, reason="Awaiting school report", expected_version=case.version
    )
    assert case.respond_by == date(2026, 12, 21)
    assert case.stages[0].respond is not None
    assert case.stages[0].respond.extended_from == date(2026, 12, 7)
    with pytest.raises(ValidationError, match="already been extended once"):
        desk.cases.extend(case.id, amount=1, reason="again", expected_version=case.version)
    case = desk.cases.add_note(case.id, text="Called mum, explained the delay")
    clock.set_date(date(2026, 12, 18))
    case = desk.cases.respond(
        case.id,
        on=date(2026, 12, 18),
        expected_version=case.version,
        outcome=Outcome.PARTLY_UPHELD,
        remedies=[
            RemedyInput(RemedyKind.APOLOGY),
            RemedyInput(RemedyKind.FINANCIAL, 15000, "Time and trouble"),
        ],
        actions=[ActionInput("Issue the final plan", "alex.jones", date(2027, 1, 8))],
    )
    assert case.rag is Rag.DONE
    assert case.stages[0].respond is not None
    assert case.stages[0].respond.met is True
    assert case.stages[0].remedies[1].amount_pence == 15000
    with pytest.raises(ValidationError, match="Alex Jones handled stage 1"):
        desk.cases.escalate(
            case.id,
            requested_on=date(2026, 12, 18),
            handler_login="alex.jones",
            expected_version=case.version,
        )
    case = desk.cases.escalate(
        case.id, requested_on=date(2026, 12, 18), handler_login="priya.shah", expected_version=case.version
    )
    assert case.stage == 2
    assert (case.acknowledge_by, case.respond_by) == (date(2026, 12, 29), date(2027, 1, 27))
    assert case.officer is not None
    assert case.officer.login == "priya.shah"
    clock.set_date(date(2027, 1, 20))
    case = desk.cases.acknowledge(case.id, on=date(2026, 12, 21), expected_version=case.version)
    case = desk.cases.respond(
        case.id, on=date(2027, 1, 20), expected_version=case.version, outcome=Outcome.NOT_UPHELD
    )
    case = desk.cases.close(
        case.id, code=ClosureCode.RESPONDED, on=date(2027, 1, 20), expected_version=case.version
    )
    assert case.status is CaseStatus.CLOSED
    assert case.next_due is None
    case = desk.cases.reopen(
        case.id, reason="Family replied with new information", expected_version=case.version
    )
    assert case.status is CaseStatus.OPEN
    assert [a for a, _, _ in audit_actions(desk, case.id)] == [
        "log",
        "acknowledge",
        "extend",
        "note",
        "respond",
        "escalate",
        "acknowledge",
        "respond",
        "close",
        "reopen",
    ]
    actions = audit_actions(desk, case.id)
    assert all(login == "sam.patel" for _, login, _ in actions)
    assert actions[1][2]["changes"] == {
        "acknowledged_on": [None, "2026-11-23"],
        "respond_by": ["2026-12-11", "2026-12-07"],
    }
    assert actions[8][2]["changes"]["status"] == ["open", "closed"]


def test_late_response_needs_reason_and_complaint_needs_outcome(
    desk: Desk, complaint: CaseDetail, clock: FakeClock
) -> None:
    case = desk.cases.acknowledge(complaint.id, on=date(2026, 11, 23), expected_version=1)
    clock.set_date(date(2026, 12, 9))
    with pytest.raises(ValidationError) as no_outcome:
        desk.cases.respond(case.id, on=date(2026, 12, 9), expected_version=case.version)
    assert no_outcome.value.field == "outcome"
    with pytest.raises(ValidationError) as late:
        desk.cases.respond(
            case.id, on=date(2026, 12, 9), expected_version=case.version, outcome=Outcome.UPHELD
        )
    assert late.value.field == "missed_reason"
    case = desk.cases.respond(
        case.id,
        on=date(2026, 12, 9),
        expected_version=case.version,
        outcome=Outcome.UPHELD,
        missed_reason="Complex case",
    )
    respond = case.stages[0].respond
    assert respond is not None
    assert (respond.met, respond.missed_reason) == (False, "Complex case")


def test_stale_save_is_refused_and_newer_data_survives(
    desk: Desk, other_desk: Desk, complaint: CaseDetail
) -> None:
    mine = desk.cases.get(complaint.id)
    theirs = other_desk.cases.get(complaint.id)
    saved = other_desk.cases.acknowledge(theirs.id, on=date(2026, 11, 23), expected_version=theirs.version)
    with pytest.raises(ConflictError) as caught:
        desk.cases.assign(mine.id, officer_login="priya.shah", expected_version=mine.version)
    assert caught.value.changed_by == "Alex Jones"
    assert str(caught.value) == (
        "This case was changed by Alex Jones at 10:00 on 27/11/2026 after you opened it. "
        "Reload it to see their change; what you typed is kept."
    )
    after = desk.cases.get(complaint.id)
    assert after.acknowledged_on == date(2026, 11, 23)
    assert after.officer is not None
    assert after.officer.login == "alex.jones"
    assert after.version == saved.version


def test_every_change_writes_one_audit_entry_with_the_login(desk: Desk, other_desk: Desk) -> None:
    case = other_desk.cases.log_case(complaint_input(officer_login=None))
    case = other_desk.cases.assign(case.id, officer_login="alex.jones", expected_version=case.version)
    entries = audit_actions(desk, case.id)
    assert [(action, login) for action, login, _ in entries] == [
        ("log", "alex.jones"),
        ("assign", "alex.jones"),
    ]
    assert entries[1][2]["changes"] == {"officer": [None, "alex.jones"]}


def test_an_officer_cannot_reassign_and_nothing_is_audited(desk: Desk, other_desk: Desk) -> None:
    case = desk.cases.log_case(complaint_input())
    with pytest.raises(PermissionDeniedError, match="Only a manager or an admin can reassign cases"):
        other_desk.cases.assign(case.id, officer_login="priya.shah", expected_version=case.version)
    assert [action for action, _, _ in audit_actions(desk, case.id)] == ["log"]


def test_log_refuses_bad_input_in_plain_words(desk: Desk) -> None:
    cases = [
        (complaint_input(received=date(2026, 11, 28)), "received_on", "is in the future"),
        (complaint_input(stage=3), "stage", "stage 1 or stage 2"),
        (CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), stage=2), "stage", "single stage"),
        (
            complaint_input(contact=PersonInput(name="A", email="not-an-email")),
            "contact_email",
            "email address",
        ),
        (complaint_input(contact=PersonInput(name="A", phone="call me")), "contact_phone", "phone number"),
        (complaint_input(category="Nonsense"), "category", "is not one of the categories"),
        (complaint_input(officer_login="nobody"), "officer", "no active member of staff"),
        (
            complaint_input(child=PersonInput(name="B", date_of_birth=date(2026, 11, 21))),
            "child_dob",
            "after",
        ),
    ]
    for data, field, words in cases:
        with pytest.raises(ValidationError, match=words) as caught:
            desk.cases.log_case(data)
        assert caught.value.field == field
    assert desk.register.count(CaseFilter(status="all")) == 0
    with desk.ctx.db.read() as session:
        assert session.scalars(select(AuditEntry).where(AuditEntry.action == "log")).first() is None


def test_pause_and_resume_an_foi(desk: Desk, clock: FakeClock) -> None:
    clock.set_date(date(2026, 7, 20))
    case = desk.cases.log_case(
        CaseInput(kind=CaseKind.FOI, received_on=date(2026, 6, 5), channel=Channel.EMAIL)
    )
    assert case.respond_by == date(2026, 7, 6)
    case = desk.cases.pause(case.id, start=date(2026, 6, 12), reason="Fees notice sent", expected_version=1)
    # the clock is stopped: the recorded date stays as it was until the clock resumes, nothing is due
    assert case.respond_by == date(2026, 7, 6)
    assert case.next_due is None
    assert case.stages[0].paused
    with pytest.raises(ValidationError, match="already paused"):
        desk.cases.pause(case.id, start=date(2026, 6, 12), reason="x", expected_version=case.version)
    case = desk.cases.resume(case.id, end=date(2026, 6, 19), expected_version=case.version)
    # FOIA s10(2): 12-19 June both inclusive are disregarded (12, 15 Scottish holiday, 16-19 -> 5 WD);
    # 6 July moves by 5 WD: 7, 8, 9, 10, (13 NI holiday), 14
    assert case.respond_by == date(2026, 7, 14)


def test_complaints_cannot_be_paused(desk: Desk, complaint: CaseDetail) -> None:
    with pytest.raises(ValidationError, match=r"^The clock of a complaint cannot be paused\.$"):
        desk.cases.pause(complaint.id, start=date(2026, 11, 23), reason="x", expected_version=1)


def test_extension_capped_by_policy(desk: Desk, complaint: CaseDetail) -> None:
    with pytest.raises(ValidationError, match="at most 10 working days"):
        desk.cases.extend(complaint.id, amount=11, reason="Complex", expected_version=1)
    with pytest.raises(ValidationError, match="reason"):
        desk.cases.extend(complaint.id, amount=5, reason="  ", expected_version=1)
    mp = desk.cases.log_case(CaseInput(kind=CaseKind.MP_ENQUIRY, received_on=date(2026, 11, 20)))
    with pytest.raises(ValidationError, match="cannot be extended"):
        desk.cases.extend(mp.id, amount=1, reason="x", expected_version=mp.version)


def test_find_earlier_cases_for_same_child_or_contact(desk: Desk) -> None:
    first = desk.cases.log_case(complaint_input())
    desk.cases.log_case(
        complaint_input(
            contact=PersonInput(name="Someone Else", email="else@example.org"),
            child=PersonInput(name="Other Child"),
        )
    )
    by_child = desk.cases.find_earlier(
        PersonInput(name="  amy   BLOGGS ", date_of_birth=date(2015, 3, 9)), PersonInput()
    )
    assert [row.reference for row in by_child] == [first.reference]
    by_email = desk.cases.find_earlier(PersonInput(), PersonInput(email="JO.BLOGGS@example.org"))
    assert [row.reference for row in by_email] == [first.reference]
    by_phone = desk.cases.find_earlier(PersonInput(), PersonInput(phone="07700-900-123"))
    assert [row.reference for row in by_phone] == [first.reference]
    assert desk.cases.find_earlier(PersonInput(name="Nobody"), PersonInput()) == []


def test_link_cases_both_ways(desk: Desk) -> None:
    first = desk.cases.log_case(complaint_input())
    second = desk.cases.log_case(complaint_input(link_to=(first.reference,)))
    assert [(link.reference, link.kind) for link in second.links] == [(first.reference, "related")]
    assert [link.reference for link in desk.cases.get(first.id).links] == [second.reference]
    with pytest.raises(ValidationError, match="already linked"):
        desk.cases.link(first.id, other_reference=second.reference, kind=LinkKind.DUPLICATE)
    with pytest.raises(NotFoundError, match="SD-1999-00001"):
        desk.cases.link(first.id, other_reference="SD-1999-00001")


def test_close_needs_a_response_or_another_code(desk: Desk, complaint: CaseDetail) -> None:
    with pytest.raises(ValidationError, match="Record the response before closing"):
        desk.cases.close(complaint.id, code=ClosureCode.RESPONDED, on=date(2026, 11, 27), expected_version=1)
    closed = desk.cases.close(
        complaint.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 27), expected_version=1
    )
    assert closed.status is CaseStatus.CLOSED
    assert closed.rag is Rag.DONE
    with pytest.raises(ValidationError, match="The case is closed"):
        desk.cases.acknowledge(closed.id, on=date(2026, 11, 27), expected_version=closed.version)


def test_sar_and_ombudsman_targets(desk: Desk, clock: FakeClock) -> None:
    clock.set_date(date(2026, 3, 10))
    sar = desk.cases.log_case(CaseInput(kind=CaseKind.SAR, received_on=date(2026, 1, 31)))
    assert sar.respond_by == date(2026, 3, 2)
    # the requester must be told within the first month (up to the original due date, 02/03/2026)
    sar = desk.cases.extend(
        sar.id,
        amount=2,
        reason="Complex and numerous requests",
        told_on=date(2026, 2, 20),
        expected_version=1,
    )
    assert sar.respond_by == date(2026, 4, 30)
    ombudsman = desk.cases.log_case(
        CaseInput(
            kind=CaseKind.OMBUDSMAN,
            received_on=date(2026, 3, 2),
            ombudsman_due=date(2026, 3, 30),
            ombudsman_reference="25 012 345",
        )
    )
    assert ombudsman.respond_by == date(2026, 3, 30)
    assert ombudsman.ombudsman_reference == "25 012 345"
