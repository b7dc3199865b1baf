"""The case lifecycle without a database: allowed or why not, and what each action does to the clocks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from send_desk.domain import lifecycle as lc
from send_desk.domain.calendar import CalendarKind, WorkingCalendar
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import KINDS, CaseKind, CaseStatus, ClosureCode, Rag
from send_desk.domain.lifecycle import CaseAction, CaseState
from send_desk.domain.policy import DEFAULT_POLICIES, default_policy, kind_noun
from send_desk.domain.targets import Pause, due_soon_from, rag, rag_at

EW = WorkingCalendar(CalendarKind.ENGLAND_WALES)
UK = WorkingCalendar(CalendarKind.ALL_UK)
TODAY = date(2026, 12, 1)


def logged(
    kind: CaseKind,
    received: date,
    *,
    calendar: WorkingCalendar = EW,
    handler: str | None = "alex",
    stage: int = 1,
) -> CaseState:
    """Return a case just logged under the default policy."""
    policy = default_policy(kind, stage)
    first = lc.start_stage(policy, calendar, started_on=received, handler=handler)
    return CaseState(kind=kind, status=CaseStatus.OPEN, received_on=received, stages=(first,))


def test_action_values_are_the_command_line_ids() -> None:
    assert [a.value for a in CaseAction] == [
        "acknowledge",
        "assign",
        "extend",
        "pause",
        "resume",
        "clarification-requested",
        "clarification-received",
        "respond",
        "escalate",
        "close",
        "reopen",
        "ombudsman-deadline",
        "action-done",
    ]


def test_every_kind_has_one_row_of_facts_and_a_policy() -> None:
    assert set(KINDS) == set(CaseKind)
    assert {p.kind for p in DEFAULT_POLICIES} == set(CaseKind)
    assert kind_noun(CaseKind.FOI) == "an FOI request"
    assert CaseKind.SAR.label == "Subject access request"
    assert KINDS[CaseKind.COMPLAINT].stages == 2
    assert [k for k, facts in KINDS.items() if facts.needs_outcome] == [CaseKind.COMPLAINT]


def test_complaint_dates_from_domain_examples() -> None:
    state = logged(CaseKind.COMPLAINT, date(2026, 3, 30))
    assert (state.current.acknowledge_by, state.current.respond_by) == (date(2026, 4, 8), date(2026, 4, 22))


def test_response_without_acknowledgement_keeps_the_dates() -> None:
    """Item 1: the acknowledgement stays missed and respond_by stays 22/04/2026."""
    state = logged(CaseKind.COMPLAINT, date(2026, 3, 30))
    after = lc.respond(state, on=date(2026, 5, 15), today=TODAY, outcome="upheld", missed_reason="Sick")
    assert after.current.acknowledged_on is None
    assert after.current.respond_by == date(2026, 4, 22)
    assert lc.refusal(after, CaseAction.ACKNOWLEDGE) == (
        "The response has already been sent; the acknowledgement stays missed."
    )


def test_acknowledgement_starts_the_response_clock_with_todays_calendar() -> None:
    """Item 2: the acknowledge-by date stays; the response clock is counted from the acknowledgement."""
    state = logged(CaseKind.COMPLAINT, date(2026, 6, 1))
    assert state.current.acknowledge_by == date(2026, 6, 8)
    closures = WorkingCalendar(CalendarKind.ENGLAND_WALES, frozenset({date(2026, 6, 3), date(2026, 6, 4)}))
    with pytest.raises(ValidationError, match="due by 08/06/2026, so it is late"):
        lc.acknowledge(state, on=date(2026, 6, 9), today=TODAY, calendar=closures)
    after = lc.acknowledge(state, on=date(2026, 6, 9), today=TODAY, calendar=closures, missed_reason="Post")
    assert after.current.acknowledge_by == date(2026, 6, 8)
    assert after.current.respond_by == date(2026, 6, 23)


@pytest.mark.parametrize(
    "action", [CaseAction.RESPOND, CaseAction.CLOSE, CaseAction.REOPEN, CaseAction.ASSIGN]
)
def test_ordinary_actions_never_move_recorded_dates(action: CaseAction) -> None:
    state = logged(CaseKind.COMPLAINT, date(2026, 6, 1))
    dates = (state.current.acknowledge_by, state.current.respond_by)
    if action is CaseAction.RESPOND:
        after = lc.respond(state, on=date(2026, 6, 5), today=TODAY, outcome="upheld")
    elif action is CaseAction.CLOSE:
        after = lc.close(state, code=ClosureCode.WITHDRAWN, on=date(2026, 6, 5), today=TODAY)
    elif action is CaseAction.REOPEN:
        closed = lc.close(state, code=ClosureCode.WITHDRAWN, on=date(2026, 6, 5), today=TODAY)
        after = lc.reopen(closed, reason="Came back")
    else:
        after = lc.assign(state, handler="priya")
    assert (after.current.acknowledge_by, after.current.respond_by) == dates


def test_fees_notice_pause_disregards_both_ends() -> None:
    """Item 5: received 2026-02-02, notice Mon 09/02, fee Mon 16/02: due 2026-03-10."""
    state = logged(CaseKind.FOI, date(2026, 2, 2), calendar=UK)
    assert state.current.respond_by == date(2026, 3, 2)
    paused = lc.pause(state, start=date(2026, 2, 9), reason="Fees notice", today=TODAY)
    assert lc.next_due(paused) is None
    assert (
        lc.refusal(paused, CaseAction.RESPOND)
        == "The clock is paused. Resume it before recording the response."
    )
    resumed = lc.resume(paused, end=date(2026, 2, 16), today=TODAY, calendar=UK)
    assert resumed.current.respond_by == date(2026, 3, 10)
    assert lc.next_due(resumed) == date(2026, 3, 10)


def test_sar_extension_rules() -> None:
    """Item 3: SAR received Sat 2026-01-31 -> due Mon 2026-03-02; extended to 2026-04-30 at most."""
    state = logged(CaseKind.SAR, date(2026, 1, 31))
    assert state.current.respond_by == date(2026, 3, 2)
    with pytest.raises(ValidationError, match="within the first month, which ended on 02/03/2026"):
        lc.extend(
            state, reason="Complex", today=TODAY, calendar=EW, to=date(2026, 4, 30), told_on=date(2026, 3, 3)
        )
    with pytest.raises(ValidationError, match="30/04/2026 at the latest"):
        lc.extend(
            state, reason="Complex", today=TODAY, calendar=EW, to=date(2026, 5, 1), told_on=date(2026, 3, 2)
        )
    after, months = lc.extend(
        state, reason="Complex", today=TODAY, calendar=EW, to=date(2026, 4, 30), told_on=date(2026, 3, 2)
    )
    assert (after.current.respond_by, months) == (date(2026, 4, 30), 2)
    assert lc.refusal(after, CaseAction.EXTEND) == (
        "This stage has already been extended once; a target can only be extended once."
    )


def test_complaint_extension_by_working_days() -> None:
    state = logged(CaseKind.COMPLAINT, date(2025, 12, 24))
    after, amount = lc.extend(state, reason="Complex", today=TODAY, calendar=EW, amount=10)
    assert (after.current.respond_by, amount) == (date(2026, 2, 2), 10)


def test_clarification_restarts_an_foi_and_waits_meanwhile() -> None:
    """Item 4: FOIA s1(3): 20 working days again from the day the answer arrives."""
    state = logged(CaseKind.FOI, date(2026, 6, 5), calendar=UK)
    asked = lc.request_clarification(state, on=date(2026, 6, 10), today=TODAY, chase_on=date(2026, 6, 24))
    assert asked.current.waiting
    assert lc.next_due(asked) is None
    with pytest.raises(ValidationError, match="chase-up date cannot be before"):
        lc.request_clarification(state, on=date(2026, 6, 10), today=TODAY, chase_on=date(2026, 6, 9))
    answered = lc.receive_clarification(asked, on=date(2026, 6, 22), today=TODAY, calendar=UK)
    assert answered.current.respond_by == date(2026, 7, 21)
    assert not answered.current.waiting


def test_sar_clarification_resumes_and_identity_starts_the_month() -> None:
    """Item 4: DUAA 2025 s76: the month resumes where it stopped; with ID it starts on arrival."""
    state = logged(CaseKind.SAR, date(2026, 3, 3))
    assert state.current.respond_by == date(2026, 4, 7)
    asked = lc.request_clarification(state, on=date(2026, 3, 10), today=TODAY)
    answered = lc.receive_clarification(asked, on=date(2026, 3, 20), today=TODAY, calendar=EW)
    # the month (3 March to Fri 3 April, Good Friday) stood still 10 days: it ends Mon 13 April, a working
    # day; the holiday roll applies once to where the month ends, not to the earlier rolled date (7 April)
    assert answered.current.month_ends_on == date(2026, 4, 13)
    assert answered.current.respond_by == date(2026, 4, 13)
    identity = lc.request_clarification(state, on=date(2026, 3, 4), today=TODAY, identity=True)
    proof = lc.receive_clarification(identity, on=date(2026, 3, 16), today=TODAY, calendar=EW)
    assert proof.current.respond_by == date(2026, 4, 16)


def test_a_sar_month_resumes_from_where_it_stood_not_from_its_rolled_due_date() -> None:
    """Received Sat 31/01/2026: the month ends Sat 28/02 (due Mon 02/03); stopped 20/02 to 25/02 (5 days)."""
    state = logged(CaseKind.SAR, date(2026, 1, 31))
    assert state.current.respond_by == date(2026, 3, 2)
    asked = lc.request_clarification(state, on=date(2026, 2, 20), today=TODAY)
    answered = lc.receive_clarification(asked, on=date(2026, 2, 25), today=TODAY, calendar=EW)
    assert answered.current.respond_by == date(2026, 3, 5)  # Sat 28/02 + 5 days = Thu 05/03
    again = lc.request_clarification(answered, on=date(2026, 2, 25), today=TODAY)
    assert again.current.waiting  # asked again on the day the first answer came: the clock stops again
    second = lc.receive_clarification(again, on=date(2026, 3, 2), today=TODAY, calendar=EW)
    assert second.current.respond_by == date(2026, 3, 10)  # Thu 05/03 + 5 days


def test_clarification_refused_where_the_policy_does_not_stop_the_clock() -> None:
    state = logged(CaseKind.ENQUIRY, date(2026, 6, 1))
    assert lc.refusal(state, CaseAction.CLARIFICATION_REQUESTED) == (
        "Asking for clarification does not stop the clock of an enquiry."
    )
    switched = state.with_current(
        replace(state.current, policy=replace(state.current.policy, clarification_restarts=True))
    )
    assert lc.refusal(switched, CaseAction.CLARIFICATION_REQUESTED) is None
    assert CaseAction.CLARIFICATION_REQUESTED in lc.relevant_actions(switched)
    assert CaseAction.CLARIFICATION_REQUESTED not in lc.relevant_actions(state)


def test_stage_two_handler_must_not_have_held_stage_one() -> None:
    """Item 7: the officer at any time, or whoever recorded the response."""
    state = logged(CaseKind.COMPLAINT, date(2026, 3, 30))
    state = lc.assign(state, handler="priya")
    state = lc.respond(state, on=date(2026, 4, 10), today=TODAY, by="sam", outcome="upheld")
    policy = default_policy(CaseKind.COMPLAINT, 2)
    for who in ("alex", "priya", "sam"):
        with pytest.raises(ValidationError, match=f"^{who} handled stage 1"):
            lc.escalate(
                state, requested_on=date(2026, 4, 13), handler=who, today=TODAY, policy=policy, calendar=EW
            )
    two = lc.escalate(
        state, requested_on=date(2026, 4, 13), handler="kim", today=TODAY, policy=policy, calendar=EW
    )
    assert (two.current.stage, two.current.acknowledge_by) == (2, date(2026, 4, 20))
    with pytest.raises(ValidationError, match="handled stage 1"):
        lc.assign(two, handler="alex")


def test_late_escalation_and_old_matter_need_a_reason() -> None:
    """Item 9: more than 20 WD after the stage 1 response; a matter more than 12 months old."""
    state = logged(CaseKind.COMPLAINT, date(2026, 4, 20))
    state = lc.respond(state, on=date(2026, 5, 1), today=TODAY, outcome="upheld")
    policy = default_policy(CaseKind.COMPLAINT, 2)
    assert not lc.escalation_late(state.current, date(2026, 6, 2), EW)
    assert lc.escalation_late(state.current, date(2026, 6, 3), EW)
    with pytest.raises(ValidationError, match="Give the reason it is accepted late"):
        lc.escalate(
            state, requested_on=date(2026, 6, 3), handler="kim", today=TODAY, policy=policy, calendar=EW
        )
    lc.escalate(
        state,
        requested_on=date(2026, 6, 3),
        handler="kim",
        today=TODAY,
        policy=policy,
        calendar=EW,
        late_reason="x",
    )
    assert lc.matter_too_old(date(2026, 6, 1), date(2025, 5, 31))
    assert not lc.matter_too_old(date(2026, 6, 1), date(2025, 6, 1))


def test_refusals_in_plain_words() -> None:
    compliment = logged(CaseKind.COMPLIMENT, date(2026, 6, 1))
    assert (
        lc.refusal(compliment, CaseAction.RESPOND) == "Compliments need no response; close the case instead."
    )
    assert (
        lc.refusal(compliment, CaseAction.ESCALATE)
        == "Only complaints have a second stage; a compliment has one."
    )
    mp = logged(CaseKind.MP_ENQUIRY, date(2026, 6, 1))
    assert lc.refusal(mp, CaseAction.EXTEND) == "MP enquiries cannot be extended."
    closed = lc.close(mp, code=ClosureCode.WITHDRAWN, on=date(2026, 6, 2), today=TODAY)
    assert (
        lc.refusal(closed, CaseAction.ACKNOWLEDGE)
        == "The case is closed. Reopen it first if more work is needed."
    )
    assert lc.refusal(closed, CaseAction.REOPEN) is None
    assert set(lc.allowed_actions(closed)) == set(CaseAction)


def test_one_rag_rule_with_the_policy_window() -> None:
    """Item 6: 'due soon' is the policy's window, stored as its first day."""
    due = date(2026, 6, 8)
    assert due_soon_from(due, EW, 5) == date(2026, 6, 1)
    assert due_soon_from(due, EW, 2) == date(2026, 6, 4)
    assert rag_at(due, None, date(2026, 6, 1), due_soon_from(due, EW, 5)) is Rag.DUE_SOON
    assert rag(due, None, date(2026, 6, 1), EW, due_soon_days=2) is Rag.ON_TRACK
    assert rag_at(due, None, date(2026, 6, 9), None) is Rag.OVERDUE


def test_step_by_step_dates_equal_a_recomputation_from_the_events() -> None:
    """Stored dates equal the engine's recomputation (the admin recalculation) on one calendar."""
    from send_desk.domain.targets import Pause, StageClock, compute_deadlines

    state = logged(CaseKind.FOI, date(2026, 6, 5), calendar=UK)
    state, _ = lc.extend(state, reason="Public interest", today=TODAY, calendar=UK, amount=10)
    state = lc.pause(state, start=date(2026, 7, 8), reason="Fees notice", today=TODAY)
    state = lc.resume(state, end=date(2026, 7, 14), today=TODAY, calendar=UK)
    state = lc.request_clarification(state, on=date(2026, 7, 20), today=TODAY)
    state = lc.receive_clarification(state, on=date(2026, 7, 27), today=TODAY, calendar=UK)
    policy = default_policy(CaseKind.FOI)
    again = compute_deadlines(
        policy,
        UK,
        StageClock(
            started_on=date(2026, 6, 5),
            extension=10,
            pauses=(Pause(date(2026, 7, 8), date(2026, 7, 14)),),
            clarified_on=date(2026, 7, 27),
            clarification_requested_on=date(2026, 7, 20),
        ),
    )
    assert (state.current.respond_by_unextended, state.current.respond_by) == (
        again.respond_by_unextended,
        again.respond_by,
    )
    assert state.current.respond_by == date(2026, 9, 9)  # 25/08 + 10 WD (31/08 a bank holiday)


def test_copying_a_value_keeps_its_own_checks() -> None:
    """The lifecycle's fast copy still runs a value's checks: a pause cannot end before it starts."""
    pause = Pause(date(2026, 6, 10))
    assert lc.replace(pause, end=date(2026, 6, 12)).end == date(2026, 6, 12)
    with pytest.raises(ValidationError, match="A pause cannot end before it starts"):
        lc.replace(pause, end=date(2026, 6, 9))
    with pytest.raises(TypeError, match="Pause has no field ending"):
        lc.replace(pause, ending=date(2026, 6, 12))


def test_actions_a_kind_never_has_are_not_offered() -> None:
    """An FOI has no acknowledgement target; an MP enquiry cannot be extended; a complaint can be both."""
    foi = lc.relevant_actions(logged(CaseKind.FOI, date(2026, 6, 1)))
    mp = lc.relevant_actions(logged(CaseKind.MP_ENQUIRY, date(2026, 6, 1)))
    complaint = lc.relevant_actions(logged(CaseKind.COMPLAINT, date(2026, 6, 1)))
    assert CaseAction.ACKNOWLEDGE not in foi
    assert CaseAction.EXTEND in foi
    assert CaseAction.ACKNOWLEDGE in mp
    assert CaseAction.EXTEND not in mp
    assert {CaseAction.ACKNOWLEDGE, CaseAction.EXTEND, CaseAction.ESCALATE} <= complaint
