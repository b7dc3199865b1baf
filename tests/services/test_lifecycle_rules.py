"""Issue 12: the case lifecycle's rules as the services apply them, with the issue's own dates."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import Case
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, Channel, ClosureCode, Outcome, Rag
from send_desk.domain.lifecycle import CaseAction
from send_desk.services.admin import PolicyAdminService
from send_desk.services.register import RegisterService
from send_desk.services.reporting import ReportingService
from send_desk.values.cases import CaseInput
from tests.conftest import FakeClock, complaint_input


def test_response_without_acknowledgement_keeps_respond_by_and_the_missed_acknowledgement(
    desk: Desk, clock: FakeClock
) -> None:
    """Item 1: received 2026-03-30 (ack by 04-08, respond by 04-22), responded 05-15 with no ack."""
    clock.set_date(date(2026, 5, 20))
    case = desk.cases.log_case(complaint_input(date(2026, 3, 30)))
    assert (case.acknowledge_by, case.respond_by) == (date(2026, 4, 8), date(2026, 4, 22))
    case = desk.cases.respond(
        case.id,
        on=date(2026, 5, 15),
        outcome=Outcome.UPHELD,
        missed_reason="Officer off sick",
        expected_version=case.version,
    )
    assert case.respond_by == date(2026, 4, 22)
    assert case.acknowledged_on is None
    stage = case.current_stage
    assert stage.acknowledge is not None
    assert stage.acknowledge.done_on is None
    assert stage.respond is not None
    assert stage.respond.met is False
    reporting = ReportingService(desk.ctx)
    week = reporting.weekly_summary("2026-W20").to_json()
    assert (week["responded"], week["responded_on_time"]) == (1, 0)
    stage1 = reporting.annual_figures(2025).to_json()["stages"][0]
    ratio = stage1["responded_by_due_date_including_extensions"]
    assert (ratio["numerator"], ratio["denominator"]) == (0, 1)


def test_closures_added_after_logging_do_not_move_recorded_dates(desk: Desk, clock: FakeClock) -> None:
    """Item 2: logged 2026-06-01 (ack by 06-08); closures 06-03, 06-04 added; acknowledged 06-09."""
    clock.set_date(date(2026, 6, 1))
    case = desk.cases.log_case(complaint_input(date(2026, 6, 1)))
    assert case.acknowledge_by == date(2026, 6, 8)
    desk.closures.add([date(2026, 6, 3), date(2026, 6, 4)], description="Office move")
    clock.set_date(date(2026, 6, 9))
    case = desk.cases.acknowledge(
        case.id, on=date(2026, 6, 9), missed_reason="Post delayed", expected_version=case.version
    )
    assert case.acknowledge_by == date(2026, 6, 8)
    assert case.current_stage.acknowledge is not None
    assert case.current_stage.acknowledge.met is False
    # the acknowledgement starts the response clock now, so the closures in force now count for it
    # (10 WD after 9 June; 3 and 4 June are before it and change nothing)
    assert case.respond_by == date(2026, 6, 23)
    desk.closures.remove([date(2026, 6, 3), date(2026, 6, 4)])
    desk.closures.add([date(2026, 6, 22)])
    clock.set_date(date(2026, 6, 26))
    case = desk.cases.respond(
        case.id,
        on=date(2026, 6, 24),
        outcome=Outcome.NOT_UPHELD,
        missed_reason="Late",
        expected_version=case.version,
    )
    case = desk.cases.close(
        case.id, code=ClosureCode.RESPONDED, on=date(2026, 6, 25), expected_version=case.version
    )
    case = desk.cases.reopen(case.id, reason="Family wrote again", expected_version=case.version)
    assert (case.acknowledge_by, case.respond_by) == (date(2026, 6, 8), date(2026, 6, 23))


def test_resume_moves_the_due_date_by_the_days_paused_with_todays_closures(
    desk: Desk, clock: FakeClock
) -> None:
    """Item 2: on resume the due date moves by the working days paused, counted with the closures then."""
    clock.set_date(date(2026, 2, 2))
    case = desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 2, 2)))
    assert case.respond_by == date(2026, 3, 2)
    clock.set_date(date(2026, 2, 16))
    case = desk.cases.pause(case.id, start=date(2026, 2, 9), reason="Fees notice", expected_version=1)
    # FOI counts no office closures: a closure changes nothing; 9-16 Feb inclusive = 6 WD
    desk.closures.add([date(2026, 2, 11)])
    case = desk.cases.resume(case.id, end=date(2026, 2, 16), expected_version=case.version)
    assert case.respond_by == date(2026, 3, 10)


def test_fees_notice_days_are_disregarded_inclusive(desk: Desk, clock: FakeClock) -> None:
    """Item 5: received 2026-02-02, notice Mon 09/02, fee Mon 16/02: due 2026-03-10 (FOIA s10(2))."""
    clock.set_date(date(2026, 2, 16))
    case = desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 2, 2)))
    case = desk.cases.pause(case.id, start=date(2026, 2, 9), reason="Fees notice", expected_version=1)
    case = desk.cases.resume(case.id, end=date(2026, 2, 16), expected_version=case.version)
    assert case.respond_by == date(2026, 3, 10)


def test_sar_extension_must_be_told_within_the_first_month(desk: Desk, clock: FakeClock) -> None:
    """Item 3: SAR received Sat 2026-01-31 -> due Mon 2026-03-02; extended to 2026-04-30."""
    clock.set_date(date(2026, 3, 10))
    sar = desk.cases.log_case(CaseInput(kind=CaseKind.SAR, received_on=date(2026, 1, 31)))
    assert sar.respond_by == date(2026, 3, 2)
    with pytest.raises(ValidationError) as refused:
        desk.cases.extend(
            sar.id, to=date(2026, 4, 30), reason="Complex", told_on=date(2026, 3, 3), expected_version=1
        )
    assert str(refused.value) == (
        "The requester must be told of an extension within the first month, which ended on 02/03/2026; "
        "they were told on 03/03/2026, so the request cannot be extended now."
    )
    with pytest.raises(ValidationError, match="30/04/2026 at the latest"):
        desk.cases.extend(
            sar.id, to=date(2026, 5, 1), reason="Complex", told_on=date(2026, 3, 2), expected_version=1
        )
    sar = desk.cases.extend(
        sar.id, to=date(2026, 4, 30), reason="Complex", told_on=date(2026, 3, 2), expected_version=1
    )
    assert sar.respond_by == date(2026, 4, 30)
    assert sar.current_stage.extensions[0].new_due == date(2026, 4, 30)


def test_clarification_requested_stops_the_clock_and_restarts_an_foi(desk: Desk, clock: FakeClock) -> None:
    """Item 4: FOI received 2026-06-05 (due 07-06); asked 06-10, answered 06-22 -> 20 WD from 06-22."""
    clock.set_date(date(2026, 7, 20))
    case = desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 6, 5)))
    case = desk.cases.request_clarification(
        case.id, on=date(2026, 6, 10), chase_on=date(2026, 6, 24), expected_version=1
    )
    assert case.current_stage.waiting
    assert case.current_stage.chase_on == date(2026, 6, 24)
    assert case.next_due is None  # waiting for the requester: not overdue on 20 July
    assert case.rag is Rag.WAITING
    assert case.current_stage.respond is not None
    assert case.current_stage.respond.rag is Rag.WAITING
    assert case.actions[CaseAction.RESPOND] == (
        "The case is waiting for the requester. Record their answer before the response."
    )
    case = desk.cases.record_clarification(case.id, on=date(2026, 6, 22), expected_version=case.version)
    # 20 WD after 22 June on the all-UK calendar (13 July is a Northern Ireland holiday)
    assert case.respond_by == date(2026, 7, 21)
    assert not case.current_stage.waiting


def test_sar_clarification_resumes_where_it_stopped(desk: Desk, clock: FakeClock) -> None:
    """Item 4: SAR received 2026-03-03 (due Tue 04-07: the month ends on Good Friday 04-03); asked 03-10,
    answered 03-20: the month stood still 10 days, so it ends Mon 04-13, a working day."""
    clock.set_date(date(2026, 4, 20))
    sar = desk.cases.log_case(CaseInput(kind=CaseKind.SAR, received_on=date(2026, 3, 3)))
    assert sar.respond_by == date(2026, 4, 7)
    sar = desk.cases.request_clarification(sar.id, on=date(2026, 3, 10), expected_version=1)
    sar = desk.cases.record_clarification(sar.id, on=date(2026, 3, 20), expected_version=sar.version)
    assert sar.respond_by == date(2026, 4, 13)


def test_sar_waiting_for_identity_starts_its_month_when_the_proof_arrives(
    desk: Desk, clock: FakeClock
) -> None:
    """Item 4: SAR received 2026-03-03, proof of identity asked for, arrives 2026-03-16 -> due 2026-04-16."""
    clock.set_date(date(2026, 4, 20))
    sar = desk.cases.log_case(CaseInput(kind=CaseKind.SAR, received_on=date(2026, 3, 3)))
    sar = desk.cases.request_clarification(sar.id, on=date(2026, 3, 4), identity=True, expected_version=1)
    sar = desk.cases.record_clarification(sar.id, on=date(2026, 3, 16), expected_version=sar.version)
    assert sar.respond_by == date(2026, 4, 16)


def test_clarification_rule_and_source_live_in_the_policy(desk: Desk) -> None:
    """Item 4: which rule applies is policy data with its source."""
    policies = {p.policy.key: p.policy for p in PolicyAdminService(desk.ctx).list_current()}
    sar = policies[(CaseKind.SAR, 1)]
    foi = policies[(CaseKind.FOI, 1)]
    assert (sar.clarification_rule.value, sar.clarification_source) == (
        "resume",
        "Data (Use and Access) Act 2025 s76",
    )
    assert (foi.clarification_rule.value, foi.clarification_source) == ("restart", "FOIA s1(3)")


def test_due_soon_follows_the_policy_of_each_kind(desk: Desk, clock: FakeClock) -> None:
    """Item 6: an enquiry policy with 5 "due soon" days makes a case due in 4 working days amber."""
    clock.set_date(date(2026, 6, 1))
    PolicyAdminService(desk.ctx).propose_change(CaseKind.ENQUIRY, 1, {"due_soon_days": 5})
    enquiry = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 5, 22)))
    complaint = desk.cases.log_case(
        CaseInput(kind=CaseKind.MP_ENQUIRY, received_on=date(2026, 5, 29), channel=Channel.VIA_MP)
    )
    assert enquiry.respond_by == date(2026, 6, 8)  # 25 May is a bank holiday; 5 working days after 1 June
    assert enquiry.rag is Rag.DUE_SOON
    assert complaint.next_due == date(2026, 6, 2)  # acknowledgement in 1 WD, policy window 2 -> due soon
    register = RegisterService(desk.ctx)
    counts = register.counts()
    assert counts.due_soon == 2
    with desk.ctx.db.read() as session:
        soon = session.scalar(select(Case.due_soon_from).where(Case.id == enquiry.id))
    assert soon == date(2026, 6, 1)


def test_stage_two_handler_never_handled_stage_one(desk: Desk, clock: FakeClock) -> None:
    """Item 7: anyone who held stage 1 at any time, or recorded its response, cannot handle stage 2."""
    clock.set_date(date(2026, 12, 1))
    case = desk.cases.log_case(complaint_input())  # alex.jones handles stage 1
    case = desk.cases.assign(case.id, officer_login="priya.shah", expected_version=case.version)
    case = desk.cases.respond(
        case.id, on=date(2026, 11, 27), outcome=Outcome.NOT_UPHELD, expected_version=case.version
    )
    with pytest.raises(ValidationError, match=r"^Alex Jones handled stage 1, so cannot handle stage 2"):
        desk.cases.escalate(
            case.id,
            requested_on=date(2026, 11, 30),
            handler_login="alex.jones",
            expected_version=case.version,
        )
    # sam.patel (the desk's own login) recorded the response
    with pytest.raises(ValidationError, match=r"^Sam"):
        desk.cases.escalate(
            case.id, requested_on=date(2026, 11, 30), handler_login="sam.patel", expected_version=case.version
        )
    desk.staff.add_staff("kim.lee", "Kim Lee")
    case = desk.cases.escalate(
        case.id, requested_on=date(2026, 11, 30), handler_login="kim.lee", expected_version=case.version
    )
    with pytest.raises(ValidationError, match="handled stage 1"):
        desk.cases.assign(case.id, officer_login="alex.jones", expected_version=case.version)


def test_late_escalation_needs_a_reason_and_is_counted(desk: Desk, clock: FakeClock) -> None:
    """Item 9: escalation more than 20 WD after the stage 1 response needs a recorded reason."""
    clock.set_date(date(2026, 6, 30))
    case = desk.cases.log_case(complaint_input(date(2026, 4, 20)))
    case = desk.cases.respond(
        case.id, on=date(2026, 5, 1), outcome=Outcome.NOT_UPHELD, expected_version=case.version
    )
    desk.staff.add_staff("kim.lee", "Kim Lee")
    # 20 WD after Fri 1 May 2026 is Tue 2 June (4 and 25 May are bank holidays): 3 June is late
    with pytest.raises(ValidationError, match="more than 20 working days after the stage 1 response"):
        desk.cases.escalate(
            case.id, requested_on=date(2026, 6, 3), handler_login="kim.lee", expected_version=case.version
        )
    case = desk.cases.escalate(
        case.id,
        requested_on=date(2026, 6, 3),
        handler_login="kim.lee",
        late_reason="Family were in hospital",
        expected_version=case.version,
    )
    assert case.current_stage.escalation_late_reason == "Family were in hospital"
    figures = ReportingService(desk.ctx).annual_figures(2026)
    assert figures.late_escalations == 1


def test_old_matter_needs_a_reason_and_adjustments_get_a_review_date(desk: Desk, clock: FakeClock) -> None:
    """Item 9: a complaint about a matter more than 12 months old needs a recorded reason."""
    clock.set_date(date(2026, 6, 1))
    with pytest.raises(ValidationError, match="more than 12 months before"):
        desk.cases.log_case(complaint_input(date(2026, 6, 1), matter_on=date(2025, 5, 31)))
    case = desk.cases.log_case(
        complaint_input(
            date(2026, 6, 1),
            matter_on=date(2025, 5, 31),
            matter_late_reason="Family only learnt of it in May",
            adjustments="Large print",
            adjustments_review_on=date(2026, 9, 1),
        )
    )
    assert (case.matter_on, case.matter_late_reason) == (date(2025, 5, 31), "Family only learnt of it in May")
    assert case.adjustments_review_on == date(2026, 9, 1)
    # within 12 months: no reason needed
    desk.cases.log_case(complaint_input(date(2026, 6, 1), matter_on=date(2025, 6, 1)))


def test_case_detail_carries_every_action_with_a_reason(desk: Desk, complaint: object) -> None:
    """Item 11: `CaseDetail.actions` holds every action, None when allowed, else the reason."""
    case = desk.cases.get(complaint.id)  # type: ignore[attr-defined]
    assert set(case.actions) == set(CaseAction)
    assert case.actions[CaseAction.ACKNOWLEDGE] is None
    assert case.actions[CaseAction.REOPEN] == "The case is already open."
    assert case.actions[CaseAction.CLARIFICATION_REQUESTED] == (
        "Asking for clarification does not stop the clock of a complaint."
    )
