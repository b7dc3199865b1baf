from __future__ import annotations

from datetime import date, timedelta

import pytest

from send_desk.domain.calendar import CalendarKind, WorkingCalendar
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, Rag
from send_desk.domain.policy import TargetPolicy, default_policy
from send_desk.domain.targets import (
    Deadlines,
    Pause,
    StageClock,
    check_extension,
    compute_deadlines,
    met,
    next_target,
    rag,
    working_days_taken,
)

XMAS_CLOSURES = frozenset({date(2025, 12, 29), date(2025, 12, 30), date(2025, 12, 31)})
EW = WorkingCalendar(CalendarKind.ENGLAND_WALES)


def deadlines(
    kind: CaseKind,
    received: date,
    *,
    stage: int = 1,
    closures: frozenset[date] = frozenset(),
    **clock: object,
) -> Deadlines:
    policy = default_policy(kind, stage)
    return compute_deadlines(policy, policy.working_calendar(closures), StageClock(received, **clock))  # type: ignore[arg-type]


# --- DOMAIN.md worked examples -------------------------------------------------------------------


def test_complaint_stage1_over_christmas() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2025, 12, 24))
    assert d == Deadlines(date(2026, 1, 5), date(2026, 1, 19), date(2026, 1, 19), False)


def test_complaint_stage1_extended() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2025, 12, 24), extension=10)
    assert d.respond_by == date(2026, 2, 2)
    assert d.respond_by_unextended == date(2026, 1, 19)


def test_complaint_stage1_acknowledged_same_day() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2025, 12, 24), acknowledged_on=date(2025, 12, 24))
    assert d.acknowledge_by == date(2026, 1, 5)
    assert d.respond_by == date(2026, 1, 12)


def test_complaint_stage1_acknowledge_by_with_and_without_closures() -> None:
    assert deadlines(CaseKind.COMPLAINT, date(2025, 12, 22)).acknowledge_by == date(2025, 12, 31)
    with_closures = deadlines(CaseKind.COMPLAINT, date(2025, 12, 22), closures=XMAS_CLOSURES)
    assert with_closures.acknowledge_by == date(2026, 1, 6)


def test_complaint_stage1_over_easter() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2026, 3, 30))
    assert (d.acknowledge_by, d.respond_by) == (date(2026, 4, 8), date(2026, 4, 22))


def test_complaint_stage2() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2026, 1, 7), stage=2)
    assert (d.acknowledge_by, d.respond_by) == (date(2026, 1, 14), date(2026, 2, 11))
    extended = deadlines(CaseKind.COMPLAINT, date(2026, 1, 7), stage=2, extension=20)
    assert extended.respond_by == date(2026, 3, 11)
    assert extended.respond_by_unextended == date(2026, 2, 11)


def test_foi_counts_scottish_holidays() -> None:
    assert deadlines(CaseKind.FOI, date(2025, 12, 19)).respond_by == date(2026, 1, 22)
    assert deadlines(CaseKind.FOI, date(2026, 6, 5)).respond_by == date(2026, 7, 6)


def test_foi_ignores_office_closures() -> None:
    d = deadlines(CaseKind.FOI, date(2025, 12, 19), closures=XMAS_CLOSURES)
    assert d.respond_by == date(2026, 1, 22)
    assert d.acknowledge_by is None


def test_sar_due_on_a_weekend_moves_to_monday() -> None:
    d = deadlines(CaseKind.SAR, date(2026, 1, 31))
    assert d.respond_by == date(2026, 3, 2)
    assert deadlines(CaseKind.SAR, date(2026, 1, 31), extension=2).respond_by == date(2026, 4, 30)


def test_sar_due_on_good_friday_moves_past_easter_monday() -> None:
    assert deadlines(CaseKind.SAR, date(2026, 3, 3)).respond_by == date(2026, 4, 7)


# --- other kinds ---------------------------------------------------------------------------------


def test_enquiry_has_no_acknowledgement_target() -> None:
    d = deadlines(CaseKind.ENQUIRY, date(2026, 3, 30))
    assert d == Deadlines(None, date(2026, 4, 15), date(2026, 4, 15), False)


def test_mp_and_councillor_enquiries_respond_from_receipt() -> None:
    mp = deadlines(CaseKind.MP_ENQUIRY, date(2026, 3, 30), acknowledged_on=date(2026, 4, 1))
    assert (mp.acknowledge_by, mp.respond_by) == (date(2026, 4, 1), date(2026, 4, 15))
    cllr = deadlines(CaseKind.COUNCILLOR_ENQUIRY, date(2026, 4, 2))
    assert (cllr.acknowledge_by, cllr.respond_by) == (date(2026, 4, 7), date(2026, 4, 20))


def test_eir_extends_to_forty_working_days() -> None:
    received = date(2026, 1, 5)
    d = deadlines(CaseKind.EIR, received, extension=20)
    assert UK_CAL.working_days_between(received, d.respond_by or received) == 40


def test_ombudsman_date_is_entered_by_hand() -> None:
    d = deadlines(CaseKind.OMBUDSMAN, date(2026, 3, 2), manual_due=date(2026, 3, 28))
    assert d == Deadlines(None, date(2026, 3, 28), date(2026, 3, 28), False)
    assert deadlines(CaseKind.OMBUDSMAN, date(2026, 3, 2)).respond_by is None


def test_compliment_has_no_target() -> None:
    assert deadlines(CaseKind.COMPLIMENT, date(2026, 3, 2)) == Deadlines(None, None, None, False)


def test_late_acknowledgement_counts_from_the_acknowledgement() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2026, 3, 30), acknowledged_on=date(2026, 4, 10))
    assert d.respond_by == date(2026, 4, 24)


# --- pauses and clarification --------------------------------------------------------------------

UK_CAL = WorkingCalendar(CalendarKind.ALL_UK)


def test_closed_pause_moves_foi_deadline_by_the_paused_working_days() -> None:
    received = date(2026, 6, 5)  # unpaused due 2026-07-06
    # FOIA s10(2): notice day to fee day, both inclusive: 10,11,12,15(hol),16,17 -> 5 WD
    pause = Pause(date(2026, 6, 10), date(2026, 6, 17), "fees notice")
    d = deadlines(CaseKind.FOI, received, pauses=(pause,))
    assert d.respond_by == UK_CAL.add_working_days(date(2026, 7, 6), 5) == date(2026, 7, 14)  # 13/07 NI hol
    assert d.paused is False
    assert (
        UK_CAL.working_days_between(received, pause.start - timedelta(days=1))
        + UK_CAL.working_days_between(pause.end or received, d.respond_by or received)
        == 20
    )


def test_fees_notice_days_are_disregarded_inclusive() -> None:
    # issue 12 item 5: received 2026-02-02, notice Mon 09/02, fee Mon 16/02 -> due 2026-03-10 (not 03-09)
    d = deadlines(CaseKind.FOI, date(2026, 2, 2), pauses=(Pause(date(2026, 2, 9), date(2026, 2, 16)),))
    assert d.respond_by == date(2026, 3, 10)


def test_open_pause_stops_the_clock_keeping_the_date_it_had() -> None:
    d = deadlines(CaseKind.FOI, date(2026, 6, 5), pauses=(Pause(date(2026, 6, 10)),))
    assert d.respond_by == date(2026, 7, 6)  # moves only when the clock resumes
    assert d.respond_by_unextended == date(2026, 7, 6)
    assert d.paused is True


def test_pause_starting_after_the_due_date_does_not_move_it() -> None:
    d = deadlines(CaseKind.FOI, date(2026, 6, 5), pauses=(Pause(date(2026, 7, 7), date(2026, 7, 20)),))
    assert d.respond_by == date(2026, 7, 6)


def test_open_pause_after_due_date_keeps_due_but_reports_paused() -> None:
    d = deadlines(CaseKind.FOI, date(2026, 6, 5), pauses=(Pause(date(2026, 7, 8)),))
    assert d.respond_by == date(2026, 7, 6)
    assert d.paused is True


def test_two_pauses_and_overlap() -> None:
    received = date(2026, 6, 5)
    first = Pause(date(2026, 6, 8), date(2026, 6, 9))  # 2 WD (both days inclusive)
    second = Pause(date(2026, 6, 22), date(2026, 6, 24))  # 3 WD
    overlapping = Pause(date(2026, 6, 23), date(2026, 6, 24))
    d = deadlines(CaseKind.FOI, received, pauses=(second, first, overlapping))
    assert d.respond_by == UK_CAL.add_working_days(date(2026, 7, 6), 5)


def test_pause_during_extension_moves_only_the_extended_date() -> None:
    received = date(2026, 6, 5)
    pause = Pause(date(2026, 7, 8), date(2026, 7, 10))
    d = deadlines(CaseKind.FOI, received, extension=20, pauses=(pause,))
    assert d.respond_by_unextended == date(2026, 7, 6)
    plain = deadlines(CaseKind.FOI, received, extension=20)
    assert d.respond_by == UK_CAL.add_working_days(plain.respond_by or received, 3)


def test_pauses_are_ignored_where_the_policy_does_not_allow_them() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2026, 3, 30), pauses=(Pause(date(2026, 4, 1)),))
    assert d.respond_by == date(2026, 4, 22)
    assert d.paused is False


def test_pause_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValidationError, match="cannot end before it starts"):
        Pause(date(2026, 6, 10), date(2026, 6, 9))


def test_clarification_restarts_the_foi_clock() -> None:
    d = deadlines(CaseKind.FOI, date(2025, 11, 3), clarified_on=date(2026, 6, 5))
    assert d.respond_by == date(2026, 7, 6)


def test_clarification_before_receipt_is_ignored() -> None:
    d = deadlines(CaseKind.FOI, date(2026, 6, 5), clarified_on=date(2026, 6, 1))
    assert d.respond_by == date(2026, 7, 6)


def test_pause_before_clarification_no_longer_counts() -> None:
    d = deadlines(
        CaseKind.FOI,
        date(2026, 5, 1),
        clarified_on=date(2026, 6, 5),
        pauses=(Pause(date(2026, 5, 5), date(2026, 5, 20)),),
    )
    assert d.respond_by == date(2026, 7, 6)


def test_sar_month_runs_from_the_later_of_receipt_and_clarification() -> None:
    d = deadlines(CaseKind.SAR, date(2026, 1, 10), clarified_on=date(2026, 1, 31))
    assert d.respond_by == date(2026, 3, 2)
    extended = deadlines(CaseKind.SAR, date(2026, 1, 10), clarified_on=date(2026, 1, 31), extension=2)
    assert extended.respond_by == date(2026, 4, 30)
    assert extended.respond_by_unextended == date(2026, 3, 2)


def test_clarification_does_not_restart_a_complaint() -> None:
    d = deadlines(CaseKind.COMPLAINT, date(2026, 3, 30), clarified_on=date(2026, 4, 20))
    assert d.respond_by == date(2026, 4, 22)


# --- extensions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "stage", "extension", "message"),
    [
        (
            CaseKind.COMPLAINT,
            1,
            11,
            "An extension for a complaint at stage 1 can be at most 10 working days.",
        ),
        (
            CaseKind.COMPLAINT,
            2,
            21,
            "An extension for a complaint at stage 2 can be at most 20 working days.",
        ),
        (CaseKind.FOI, 1, 21, "An extension for an FOI request can be at most 20 working days."),
        (CaseKind.SAR, 1, 3, "An extension for a subject access request can be at most 2 calendar months."),
        (CaseKind.COUNCILLOR_ENQUIRY, 1, 1, "Councillor enquiries cannot be extended."),
        (CaseKind.MP_ENQUIRY, 1, 5, "MP enquiries cannot be extended."),
        (CaseKind.OMBUDSMAN, 1, 5, "Ombudsman enquiries cannot be extended."),
        (CaseKind.ENQUIRY, 1, 0, "An extension must be at least 1 working day."),
        (CaseKind.SAR, 1, -1, "An extension must be at least 1 calendar month."),
    ],
)
def test_check_extension_rejects(kind: CaseKind, stage: int, extension: int, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        check_extension(default_policy(kind, stage), extension)
    assert str(caught.value) == message
    assert caught.value.field == "extension"


@pytest.mark.parametrize(
    ("kind", "stage", "extension"),
    [(CaseKind.COMPLAINT, 1, 10), (CaseKind.COMPLAINT, 2, 20), (CaseKind.EIR, 1, 1), (CaseKind.SAR, 1, 2)],
)
def test_check_extension_accepts_up_to_the_cap(kind: CaseKind, stage: int, extension: int) -> None:
    check_extension(default_policy(kind, stage), extension)


def test_compute_deadlines_rejects_an_extension_over_the_cap() -> None:
    with pytest.raises(ValidationError, match="at most 10 working days"):
        deadlines(CaseKind.COMPLAINT, date(2026, 3, 30), extension=15)


# --- RAG, met, next target -----------------------------------------------------------------------

DUE = date(2026, 4, 22)  # Wednesday


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 4, 22), Rag.DUE_SOON),  # due today
        (date(2026, 4, 21), Rag.DUE_SOON),  # 1 WD
        (date(2026, 4, 20), Rag.DUE_SOON),  # 2 WD
        (date(2026, 4, 19), Rag.ON_TRACK),  # Sunday: still 3 WD to go
        (date(2026, 4, 17), Rag.ON_TRACK),  # 3 WD
        (date(2026, 4, 23), Rag.OVERDUE),  # overdue by one day
        (date(2026, 5, 30), Rag.OVERDUE),
    ],
)
def test_rag_boundaries(today: date, expected: Rag) -> None:
    assert rag(DUE, None, today, EW) is expected


def test_rag_due_soon_counts_working_days_over_a_holiday() -> None:
    # due Tue 7 Apr 2026: Good Friday 3 Apr and Easter Monday 6 Apr do not count
    assert rag(date(2026, 4, 7), None, date(2026, 4, 1), EW) is Rag.DUE_SOON  # Thu 2, Tue 7
    assert rag(date(2026, 4, 7), None, date(2026, 3, 31), EW) is Rag.ON_TRACK  # Wed 1, Thu 2, Tue 7


def test_rag_done_and_no_due() -> None:
    assert rag(DUE, date(2026, 5, 1), date(2026, 6, 1), EW) is Rag.DONE
    assert rag(None, None, date(2026, 6, 1), EW) is Rag.ON_TRACK
    assert rag(None, date(2026, 5, 1), date(2026, 6, 1), EW) is Rag.DONE


def test_rag_due_soon_days_is_adjustable() -> None:
    assert rag(DUE, None, date(2026, 4, 17), EW, due_soon_days=3) is Rag.DUE_SOON
    assert rag(DUE, None, date(2026, 4, 21), EW, due_soon_days=0) is Rag.ON_TRACK
    assert rag(DUE, None, DUE, EW, due_soon_days=0) is Rag.DUE_SOON


def test_met() -> None:
    assert met(DUE, DUE) is True
    assert met(DUE, date(2026, 4, 1)) is True
    assert met(DUE, date(2026, 4, 23)) is False
    assert met(DUE, None) is None
    assert met(None, DUE) is None


def test_next_target() -> None:
    d = Deadlines(date(2026, 4, 8), date(2026, 4, 22), date(2026, 4, 22), False)
    assert next_target(d, None, None) == date(2026, 4, 8)
    assert next_target(d, date(2026, 4, 2), None) == date(2026, 4, 22)
    assert next_target(d, date(2026, 4, 2), date(2026, 4, 20)) is None
    assert next_target(d, None, date(2026, 4, 20)) is None
    paused = Deadlines(None, None, None, True)
    assert next_target(paused, None, None) is None
    ack_only = Deadlines(date(2026, 4, 8), None, None, True)
    assert next_target(ack_only, None, None) == date(2026, 4, 8)


def test_working_days_taken() -> None:
    assert working_days_taken(EW, date(2025, 12, 24), date(2026, 1, 19)) == 15
    assert working_days_taken(EW, date(2026, 4, 2), date(2026, 4, 2)) == 0


def test_policy_with_acknowledgement_but_no_response_target() -> None:
    policy = TargetPolicy(
        kind=CaseKind.COMPLIMENT,
        stage=1,
        acknowledge_days=5,
        respond_rule=default_policy(CaseKind.COMPLIMENT).respond_rule,
        respond_amount=None,
        respond_from_acknowledgement=False,
        extension_max=None,
        calendar=CalendarKind.ENGLAND_WALES,
        counts_closures=True,
        pause_allowed=False,
        clarification_restarts=False,
    )
    d = compute_deadlines(policy, EW, StageClock(date(2026, 3, 30)))
    assert d == Deadlines(date(2026, 4, 8), None, None, False)
