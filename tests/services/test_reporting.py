"""The weekly summary and annual figures read models, checked figure by figure against a hand-built dataset.

Week 2026-W47 is Monday 16 to Sunday 22 November 2026 (no bank holidays in November); the clock stands on
Friday 27 November, so the end-of-week position is taken at the start of Monday 23 November.

Cases (C = complaint stage 1, E = enquiry; due dates worked out by hand in working days):
  A  C  rec Mon 09/11  ack by 16/11, acknowledged 16/11 (on the due date: on time); respond by 30/11
  B  C  rec Mon 02/11  ack by 09/11, acknowledged 10/11 late; respond by 24/11, responded 24/11 (upheld)
  C  E  rec Mon 02/11  respond by 16/11, responded 16/11 (on the due date: on time), closed 16/11
  D  E  rec Tue 03/11  respond by 17/11, responded 18/11 late, closed 18/11
  E  C  rec Mon 19/10  ack by 26/10, acknowledged 20/10; respond by 03/11, extended 10 WD to 17/11,
        responded 17/11 (on time with the extension, late without), partly upheld, £250 + apology;
        escalated Thu 19/11 to stage 2 (Priya): stage 2 ack by 26/11
  F  C  rec Mon 26/10  ack by 02/11 and respond by 16/11, neither done: both overdue
  G  MP rec Thu 19/11 via MP, ack by 23/11, acknowledged 20/11; respond by 03/12
  H  compliment rec Wed 18/11 by phone, closed 20/11
  I  C  rec Mon 16/11 by letter, SEND transport, unassigned: ack by 23/11 (due next week, not overdue)
  J  E  rec Fri 13/11, respond by 27/11; withdrawn 25/11 (after the week: still open at its end)
  K  Ombudsman enquiry rec Tue 17/11 via the Ombudsman, no deadline yet
  L  E  rec Mon 26/10 (Priya), respond by 09/11, responded 26/11 late "Complex case": overdue at the end
        of the week, with its reason
"""

from __future__ import annotations

from datetime import date

import pytest

from send_desk.bootstrap import Desk
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, Channel, ClosureCode, Outcome, RemedyKind
from send_desk.services.cases import RemedyInput
from send_desk.services.reporting import ReportingService
from send_desk.services.reporting import position as position_module
from send_desk.values.cases import CaseDetail
from send_desk.values.figures import (
    Count,
    OfficerLoad,
    Ratio,
    parse_week,
    percent_text,
    reporting_year_start,
    week_label,
)
from tests.conftest import complaint_input


def log(desk: Desk, kind: CaseKind, received: date, **overrides: object) -> CaseDetail:
    return desk.cases.log_case(complaint_input(received, kind=kind, **overrides))


def build_known_weeks(desk: Desk) -> dict[str, str]:
    """Log cases A to L; return their references by letter."""
    cases = desk.cases
    refs: dict[str, str] = {}

    a = log(desk, CaseKind.COMPLAINT, date(2026, 11, 9))
    assert a.acknowledge_by == date(2026, 11, 16)
    a = cases.acknowledge(a.id, on=date(2026, 11, 16), expected_version=a.version)
    assert a.respond_by == date(2026, 11, 30)
    refs["A"] = a.reference

    b = log(desk, CaseKind.COMPLAINT, date(2026, 11, 2))
    assert b.acknowledge_by == date(2026, 11, 9)
    b = cases.acknowledge(b.id, on=date(2026, 11, 10), expected_version=b.version, missed_reason="On leave")
    assert b.respond_by == date(2026, 11, 24)
    refs["B"] = b.reference

    c = log(desk, CaseKind.ENQUIRY, date(2026, 11, 2))
    assert c.respond_by == date(2026, 11, 16)
    c = cases.respond(c.id, on=date(2026, 11, 16), expected_version=c.version)
    c = cases.close(c.id, code=ClosureCode.RESPONDED, on=date(2026, 11, 16), expected_version=c.version)
    refs["C"] = c.reference

    d = log(desk, CaseKind.ENQUIRY, date(2026, 11, 3))
    assert d.respond_by == date(2026, 11, 17)
    d = cases.respond(
        d.id, on=date(2026, 11, 18), expected_version=d.version, missed_reason="Awaiting school"
    )
    d = cases.close(d.id, code=ClosureCode.RESPONDED, on=date(2026, 11, 18), expected_version=d.version)
    refs["D"] = d.reference

    e = log(desk, CaseKind.COMPLAINT, date(2026, 10, 19))
    assert e.acknowledge_by == date(2026, 10, 26)
    e = cases.acknowledge(e.id, on=date(2026, 10, 20), expected_version=e.version)
    assert e.respond_by == date(2026, 11, 3)
    e = cases.extend(e.id, amount=10, reason="Waiting for the school's records", expected_version=e.version)
    assert e.respond_by == date(2026, 11, 17)
    e = cases.respond(
        e.id,
        on=date(2026, 11, 17),
        expected_version=e.version,
        outcome=Outcome.PARTLY_UPHELD,
        learning="Check school transport dates",
        remedies=[RemedyInput(RemedyKind.FINANCIAL, 25000), RemedyInput(RemedyKind.APOLOGY)],
    )
    e = cases.escalate(
        e.id, requested_on=date(2026, 11, 19), handler_login="priya.shah", expected_version=e.version
    )
    assert e.acknowledge_by == date(2026, 11, 26)
    refs["E"] = e.reference

    f = log(desk, CaseKind.COMPLAINT, date(2026, 10, 26))
    assert (f.acknowledge_by, f.respond_by) == (date(2026, 11, 2), date(2026, 11, 16))
    refs["F"] = f.reference

    g = log(desk, CaseKind.MP_ENQUIRY, date(2026, 11, 19), channel=Channel.VIA_MP)
    assert (g.acknowledge_by, g.respond_by) == (date(2026, 11, 23), date(2026, 12, 3))
    g = cases.acknowledge(g.id, on=date(2026, 11, 20), expected_version=g.version)
    refs["G"] = g.reference

    h = log(desk, CaseKind.COMPLIMENT, date(2026, 11, 18), channel=Channel.PHONE)
    h = cases.close(h.id, code=ClosureCode.RESPONDED, on=date(2026, 11, 20), expected_version=h.version)
    refs["H"] = h.reference

    i = log(
        desk,
        CaseKind.COMPLAINT,
        date(2026, 11, 16),
        channel=Channel.LETTER,
        category="SEND transport",
        officer_login=None,
    )
    assert i.acknowledge_by == date(2026, 11, 23)
    refs["I"] = i.reference

    j = log(desk, CaseKind.ENQUIRY, date(2026, 11, 13))
    assert j.respond_by == date(2026, 11, 27)
    j = cases.close(j.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 25), expected_version=j.version)
    refs["J"] = j.reference

    k = log(desk, CaseKind.OMBUDSMAN, date(2026, 11, 17), channel=Channel.VIA_OMBUDSMAN)
    assert k.respond_by is None
    refs["K"] = k.reference

    el = log(desk, CaseKind.ENQUIRY, date(2026, 10, 26), officer_login="priya.shah")
    assert el.respond_by == date(2026, 11, 9)
    el = cases.respond(
        el.id, on=date(2026, 11, 26), expected_version=el.version, missed_reason="Complex case"
    )
    refs["L"] = el.reference

    b = cases.get(b.id)
    b = cases.respond(
        b.id,
        on=date(2026, 11, 24),
        expected_version=b.version,
        outcome=Outcome.UPHELD,
        remedies=[RemedyInput(RemedyKind.EXPLANATION)],
    )
    return refs


@pytest.fixture
def known(desk: Desk) -> dict[str, str]:
    return build_known_weeks(desk)


@pytest.fixture
def reporting(desk: Desk) -> ReportingService:
    return ReportingService(desk.ctx)


def test_weekly_received_by_kind_channel_and_category(
    reporting: ReportingService, known: dict[str, str]
) -> None:
    s = reporting.weekly_summary("2026-W47")
    assert (s.week, s.start, s.end, s.as_of) == (
        "2026-W47",
        date(2026, 11, 16),
        date(2026, 11, 22),
        date(2026, 11, 23),
    )
    assert s.received == 4
    assert s.received_by_kind == (
        Count("complaint", "Complaint", 1),
        Count("mp-enquiry", "MP enquiry", 1),
        Count("ombudsman", "Ombudsman enquiry", 1),
        Count("compliment", "Compliment", 1),
    )
    assert {c.key: c.count for c in s.received_by_channel} == {
        "phone": 1,
        "letter": 1,
        "via-mp": 1,
        "via-ombudsman": 1,
    }
    assert s.top_categories == (
        Count("Assessment delay", "Assessment delay", 3),
        Count("SEND transport", "SEND transport", 1),
    )
    assert s.ombudsman_contacts == 1
    assert s.escalations == 1


def test_weekly_timeliness_this_week_last_four_weeks_and_year_to_date(
    reporting: ReportingService, known: dict[str, str]
) -> None:
    s = reporting.weekly_summary("2026-W47")
    week, four, ytd = s.this_week, s.last_4_weeks, s.year_to_date
    # A acknowledged on its due date (on time), G early; responses C (on its due date), D late, E extended
    assert (week.acknowledged, week.acknowledged_on_time, week.acknowledged_late) == (2, 2, 0)
    assert (week.responded, week.responded_on_time, week.responded_late) == (3, 2, 1)
    assert (week.responded_on_time_unextended, week.responded_extended) == (1, 1)
    assert week.acknowledged_ratio.text == "2 of 2, 100%"
    assert week.responded_ratio.text == "2 of 3, 67%"
    assert week.responded_unextended_ratio.text == "1 of 3, 33%"
    # 26 Oct - 22 Nov adds B's late acknowledgement
    assert (four.start, four.end) == (date(2026, 10, 26), date(2026, 11, 22))
    assert (four.acknowledged, four.acknowledged_on_time) == (3, 2)
    assert (four.responded, four.responded_on_time, four.responded_on_time_unextended) == (3, 2, 1)
    # from 1 April adds E's acknowledgement on 20 October
    assert ytd.start == date(2026, 4, 1)
    assert (ytd.acknowledged, ytd.acknowledged_on_time) == (4, 3)
    assert (ytd.responded, ytd.responded_on_time) == (3, 2)


def test_weekly_response_times_outcomes_and_trend(reporting: ReportingService, known: dict[str, str]) -> None:
    s = reporting.weekly_summary("2026-W47")
    # E: 19 Oct -> 17 Nov is 21 WD; C: 2 -> 16 Nov is 10 WD; D: 3 -> 18 Nov is 11 WD
    assert [(r.kind, r.count, r.median_days, r.mean_days) for r in s.response_times] == [
        ("complaint", 1, 21.0, 21.0),
        ("enquiry", 2, 10.5, 10.5),
    ]
    assert s.outcomes == (Count("partly-upheld", "Partly upheld", 1),)
    assert [t.week for t in s.trend] == [f"2026-W{n}" for n in range(36, 48)]
    assert {t.week: t.received for t in s.trend if t.received} == {
        "2026-W43": 1,
        "2026-W44": 2,
        "2026-W45": 3,
        "2026-W46": 2,
        "2026-W47": 4,
    }
    assert {t.week: (t.responded, t.responded_on_time) for t in s.trend if t.responded} == {
        "2026-W47": (3, 2)
    }


def test_weekly_position_open_overdue_due_next_week(
    reporting: ReportingService, known: dict[str, str]
) -> None:
    s = reporting.weekly_summary("2026-W47")
    # open at the start of 23 Nov: A B E F G I J K L (C, D, H closed in the week; J closed after it)
    assert s.open_at_end == 9
    overdue = [
        (i.reference, i.target, i.due, i.working_days_overdue, i.missed_reason, i.officer) for i in s.overdue
    ]
    assert overdue == [
        (known["F"], "acknowledge", date(2026, 11, 2), 15, "", "Alex Jones"),
        (known["L"], "respond", date(2026, 11, 9), 10, "Complex case", "Priya Shah"),
        (known["F"], "respond", date(2026, 11, 16), 5, "", "Alex Jones"),
    ]
    assert s.overdue_references == [known["F"], known["L"]]
    # still outstanding at the start of 23 Nov and due 23-29 Nov: I's acknowledgement (23 Nov, due on the
    # position day: not yet overdue), B's response (24 Nov, answered after the week), E's stage 2
    # acknowledgement (26 Nov) and J's response (27 Nov; J was withdrawn after the week)
    assert s.due_next_week == (Count("complaint", "Complaint", 3), Count("enquiry", "Enquiry", 1))
    assert s.officers == (
        OfficerLoad("Alex Jones", open=6, overdue=1, due_next_week=2, responded=3),
        OfficerLoad("Priya Shah", open=2, overdue=1, due_next_week=1, responded=0),
        OfficerLoad("Unassigned", open=1, overdue=0, due_next_week=1, responded=0),
    )


def test_weekly_json_has_the_contract_keys(reporting: ReportingService, known: dict[str, str]) -> None:
    data = reporting.weekly_summary("2026-W47").to_json()
    assert data["week"] == "2026-W47"
    assert data["received"] == 4
    assert data["received_by_kind"] == {"complaint": 1, "mp-enquiry": 1, "ombudsman": 1, "compliment": 1}
    assert (data["acknowledged"], data["acknowledged_on_time"]) == (2, 2)
    assert (data["responded"], data["responded_on_time"]) == (3, 2)
    assert data["open_at_end"] == 9
    assert data["overdue"] == [known["F"], known["L"]]
    assert data["timeliness"]["this_week"]["responded_on_time_ratio"]["text"] == "2 of 3, 67%"


def test_week_in_progress_takes_the_position_today(
    reporting: ReportingService, known: dict[str, str]
) -> None:
    s = reporting.weekly_summary("2026-W48")  # today is Friday 27 November
    assert s.as_of == date(2026, 11, 27)
    assert s.received == 0
    # B responded on its due date (24 Nov): on time; L late
    assert (s.this_week.responded, s.this_week.responded_on_time) == (2, 1)
    # F and L overdue before; L now answered, G/I/E/J targets: I's ack (23 Nov) and E's stage-2 ack (26 Nov)
    assert s.overdue_references == [known["F"], known["I"], known["E"]]
    # J was withdrawn on 25 Nov, so it is no longer open
    assert s.open_at_end == 8  # A B E F G I K L


def test_default_week_is_last_week(reporting: ReportingService) -> None:
    assert reporting.default_week() == "2026-W47"
    assert reporting.weekly_summary().week == "2026-W47"


def test_empty_week(reporting: ReportingService) -> None:
    s = reporting.weekly_summary("2026-W10")
    assert (s.received, s.open_at_end, s.overdue, s.this_week.responded) == (0, 0, (), 0)
    assert s.this_week.responded_ratio.text == "0 of 0, –"


def test_bad_and_future_weeks_are_refused(reporting: ReportingService) -> None:
    with pytest.raises(ValidationError, match="not a week"):
        reporting.weekly_summary("week 48")
    with pytest.raises(ValidationError, match="has not started"):
        reporting.weekly_summary("2026-W50")


def test_annual_figures(reporting: ReportingService, known: dict[str, str]) -> None:
    f = reporting.annual_figures(2026)
    assert (f.start, f.end, f.label) == (date(2026, 4, 1), date(2027, 3, 31), "2026-27")
    one, two = f.stages
    # stage 1: A B E F I; acknowledged A (5 WD: within), B (6 WD: not), E (1 WD)
    assert (one.received, one.acknowledged, one.acknowledged_within_5) == (5, 3, 2)
    assert one.acknowledged_ratio.text == "2 of 3, 67%"
    # responded B (10 WD after its acknowledgement: within), E (20 WD after it: not within 10, but by its
    # extended due date)
    assert (one.responded, one.responded_within_code, one.responded_within_target) == (2, 1, 2)
    assert one.responded_ratio.text == "1 of 2, 50%"
    assert (one.extended, one.still_open) == (1, 3)
    assert one.outcomes == (Count("upheld", "Upheld", 1), Count("partly-upheld", "Partly upheld", 1))
    assert one.median_days == 18.5  # B 16 WD, E 21 WD
    assert (two.stage, two.received, two.acknowledged, two.responded, two.still_open) == (2, 1, 0, 0, 1)
    assert two.code_days == 20
    assert f.extension_reasons == (
        Count("Waiting for the school's records", "Waiting for the school's records", 1),
    )
    assert {c.key: c.count for c in f.remedies} == {"apology": 1, "explanation": 1, "financial": 1}
    assert f.financial_redress_pence == 25000
    assert f.escalation == Ratio(1, 2)
    assert (f.ombudsman_contacts, {c.key: c.count for c in f.ombudsman_decisions}) == (
        1,
        {"No decision yet": 1},
    )
    assert {c.key: c.count for c in f.categories} == {"Assessment delay": 4, "SEND transport": 1}
    assert [(i.reference, i.stage, i.learning) for i in f.learning] == [
        (known["E"], 1, "Check school transport dates")
    ]
    data = f.to_json()
    assert data["complaints_by_stage"] == {"1": 5, "2": 1}
    assert data["financial_redress_pence"] == 25000
    assert data["stages"][0]["responded_within_10_working_days"]["text"] == "1 of 2, 50%"
    assert data["stages"][1]["responded_within_20_working_days"]["text"] == "0 of 0, –"


def test_annual_default_year_is_the_last_complete_one(
    reporting: ReportingService, known: dict[str, str]
) -> None:
    f = reporting.annual_figures()
    assert (f.year, f.label) == (2025, "2025-26")
    assert f.stages[0].received == 0


def test_small_helpers() -> None:
    assert parse_week("2026-w48") == date(2026, 11, 23)
    assert week_label(date(2026, 1, 1)) == "2026-W01"
    assert week_label(date(2027, 1, 1)) == "2026-W53"
    assert reporting_year_start(date(2026, 3, 31)) == date(2025, 4, 1)
    assert reporting_year_start(date(2026, 4, 1)) == date(2026, 4, 1)
    assert percent_text(18, 20) == "90%"
    assert percent_text(1, 8) == "13%"  # half up, not to even
    assert percent_text(0, 0) == "–"
    assert Ratio(18, 20).text == "18 of 20, 90%"


@pytest.mark.parametrize("week", ["2026-W45", "2026-W47", "2026-W48"])
def test_reading_a_past_week_backwards_gives_the_same_position(
    reporting: ReportingService, known: dict[str, str], monkeypatch: pytest.MonkeyPatch, week: str
) -> None:
    forwards = reporting.weekly_summary(week)
    monkeypatch.setattr(position_module, "read_backwards", lambda before, since: True)
    backwards = reporting.weekly_summary(week)
    assert backwards == forwards
    monkeypatch.setattr(position_module, "read_backwards", lambda before, since: False)
    assert reporting.weekly_summary(week) == forwards


@pytest.mark.parametrize("backwards", [True, False])
def test_a_case_closed_before_the_week_ended_is_never_overdue_at_its_end(
    desk: Desk, monkeypatch: pytest.MonkeyPatch, backwards: bool
) -> None:
    # issue 12 item 10: whatever the data says (here a stage acknowledged after its case was closed, as
    # the old demo wrote, or an import could), a case closed by the end of the week has nothing overdue then
    from send_desk.db.models import CaseStage

    closed = log(desk, CaseKind.COMPLAINT, date(2026, 11, 2))
    closed = desk.cases.close(
        closed.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 4), expected_version=closed.version
    )
    still_open = log(desk, CaseKind.COMPLAINT, date(2026, 11, 2))
    assert (closed.acknowledge_by, still_open.acknowledge_by) == (date(2026, 11, 9), date(2026, 11, 9))
    with desk.ctx.db.write() as session:
        stage = session.query(CaseStage).filter_by(case_id=closed.id, stage=1).one()
        stage.acknowledged_on = date(2026, 11, 18)  # after the week of 9-15 November ended
    monkeypatch.setattr(position_module, "read_backwards", lambda before, since: backwards)
    summary = ReportingService(desk.ctx).weekly_summary("2026-W46")
    assert [(i.reference, i.target, i.due) for i in summary.overdue] == [
        (still_open.reference, "acknowledge", date(2026, 11, 9))
    ]
    assert summary.open_at_end == 1
