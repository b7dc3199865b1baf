"""The weekly and annual EHC tables, checked against counts made by hand (issue 18). Today is 27/11/2026.

Week 2026-W47 runs Mon 16 to Sun 22 November 2026; its position is taken at the start of Mon 23/11.
"""

from __future__ import annotations

from datetime import date

from send_desk.bootstrap import Desk
from send_desk.domain.ehc import EhcException, EhcStep
from send_desk.domain.kinds import CaseKind, ClosureCode, Outcome
from send_desk.reports.annual import annual_figures_html
from send_desk.reports.weekly import weekly_summary_html
from send_desk.services.ehc import EhcChange
from send_desk.values.cases import CaseDetail
from tests.conftest import complaint_input

A_REQUEST = EhcStep.ASSESSMENT_REQUEST


def logged(desk: Desk, kind: CaseKind, received: date = date(2026, 11, 2)) -> CaseDetail:
    return desk.cases.log_case(complaint_input(received, kind=kind))


def step(desk: Desk, case: CaseDetail, which: EhcStep, started: date, **more: object) -> None:
    version = desk.cases.get(case.id).version
    desk.ehc.change(case.id, EhcChange(step=which, started=started), expected_version=version)
    if more:
        version = desk.cases.get(case.id).version
        desk.ehc.change(case.id, EhcChange(**more), expected_version=version)  # type: ignore[arg-type]


def answered(desk: Desk, case: CaseDetail, outcome: Outcome, on: date = date(2026, 11, 5)) -> None:
    case = desk.cases.get(case.id)
    desk.cases.respond(case.id, on=on, outcome=outcome, expected_version=case.version)


def build(desk: Desk) -> None:
    # A: request 01/09 -> decide by 13/10, 41 days late at 23/11 (5 whole weeks); upheld
    a = logged(desk, CaseKind.COMPLAINT)
    step(desk, a, A_REQUEST, date(2026, 9, 1))
    answered(desk, a, Outcome.UPHELD)
    # B: request 04/05; decided in time (12/06), not-to-issue date relieved by an exception;
    # final plan by 21/09 missed: 63 days at 23/11 (9 weeks)
    b = logged(desk, CaseKind.ENQUIRY)
    step(
        desk,
        b,
        A_REQUEST,
        date(2026, 5, 4),
        done={"decide_assessment_by": date(2026, 6, 12)},
        exceptions={"decide_not_to_issue_by": (EhcException.PERSONAL_CIRCUMSTANCES, "")},
    )
    # C: request 02/11 -> decide by 14/12: nothing late yet
    c = logged(desk, CaseKind.ENQUIRY)
    step(desk, c, A_REQUEST, date(2026, 11, 2))
    # D: annual review 03/08; decision in time (28/08); amended plan by 26/10 missed: 28 days (4 weeks)
    d = logged(desk, CaseKind.COMPLAINT)
    step(desk, d, EhcStep.ANNUAL_REVIEW, date(2026, 8, 3), done={"review_decision_by": date(2026, 8, 28)})
    answered(desk, d, Outcome.NOT_UPHELD)
    # E: draft served 01/10: the representations period closed on 14/10, which is never late
    e = logged(desk, CaseKind.COMPLAINT)
    step(desk, e, EhcStep.DRAFT_SERVED, date(2026, 10, 1))
    # F: closed on 10/11, before the end of the week: not counted
    f = logged(desk, CaseKind.ENQUIRY)
    step(desk, f, A_REQUEST, date(2026, 3, 2))
    f = desk.cases.respond(f.id, on=date(2026, 11, 10), expected_version=desk.cases.get(f.id).version)
    desk.cases.close(f.id, code=ClosureCode.RESPONDED, on=date(2026, 11, 10), expected_version=f.version)
    # H: request 01/04 (decide by 13/05: 194 days late, 27 weeks); its annual review of 24/11 came later
    h = logged(desk, CaseKind.ENQUIRY)
    step(desk, h, A_REQUEST, date(2026, 4, 1))
    step(desk, h, EhcStep.ANNUAL_REVIEW, date(2026, 11, 24))
    # I: request 07/09 -> decide by 19/10, done on 25/11 (after the week): 35 days late then (5 weeks)
    i = logged(desk, CaseKind.ENQUIRY)
    step(desk, i, A_REQUEST, date(2026, 9, 7), done={"decide_assessment_by": date(2026, 11, 25)})
    # complaints for the year only: X partly upheld, Y not upheld, Z in the year before
    x = logged(desk, CaseKind.COMPLAINT)
    step(desk, x, A_REQUEST, date(2026, 10, 1))
    answered(desk, x, Outcome.PARTLY_UPHELD)
    y = logged(desk, CaseKind.COMPLAINT)
    step(desk, y, A_REQUEST, date(2026, 10, 5))
    answered(desk, y, Outcome.NOT_UPHELD)
    z = logged(desk, CaseKind.COMPLAINT, date(2026, 3, 20))
    step(desk, z, A_REQUEST, date(2026, 3, 2))
    answered(desk, z, Outcome.UPHELD, on=date(2026, 3, 25))


def test_weekly_open_cases_by_step_match_a_count_by_hand(desk: Desk) -> None:
    build(desk)
    summary = desk.reporting.weekly_summary("2026-W47")
    assert summary.as_of == date(2026, 11, 23)
    # by hand: the request is the step of A, B, C, H, I, X, Y and Z (answered, not closed) = 8 open;
    # past a date: A 5, B 9, H 27, I 5 weeks; X (decide by 12/11) 11 days = 1 week; Y (16/11) 7 days = 1;
    # Z (decide by 13/04) 224 days = 32 weeks. Sorted [1, 1, 5, 5, 9, 27, 32]: the median is 5
    assert [row.to_json() for row in summary.ehc_steps] == [
        {"step": "assessment-request", "open": 8, "past_statutory_date": 7, "median_weeks_late": 5.0},
        {"step": "draft-served", "open": 1, "past_statutory_date": 0, "median_weeks_late": None},
        {"step": "annual-review", "open": 1, "past_statutory_date": 1, "median_weeks_late": 4.0},
    ]
    assert summary.to_json()["ehc_steps"][2] == {
        "step": "annual-review",
        "open": 1,
        "past_statutory_date": 1,
        "median_weeks_late": 4.0,
    }
    html = weekly_summary_html(summary, team="North SEND", chart=False)
    assert (
        "<tr><td>Request for an EHC needs assessment</td><td class=num>8</td><td class=num>7</td>"
        "<td class=num>5</td></tr>"
    ) in html
    assert (
        "<tr><td>Draft plan served</td><td class=num>1</td><td class=num>0</td><td class=num>–</td></tr>"
        in html
    )


def test_annual_complaints_by_step_with_uphold_rates_match_a_count_by_hand(desk: Desk) -> None:
    build(desk)
    figures = desk.reporting.annual_figures(2026)  # 01/04/2026 to 31/03/2027
    # by hand: complaints of the year about the request: A (upheld), X (partly), Y (not) -> 2 of 3;
    # D about the annual review (not upheld) -> 0 of 1; E about the draft (no outcome yet) -> 0 of 0;
    # Z was received on 20/03/2026, in the year before
    assert [row.to_json() for row in figures.ehc_complaints] == [
        {
            "step": "assessment-request",
            "complaints": 3,
            "uphold_rate": {"numerator": 2, "denominator": 3, "percent": 66.7, "text": "2 of 3, 67%"},
        },
        {
            "step": "draft-served",
            "complaints": 1,
            "uphold_rate": {"numerator": 0, "denominator": 0, "percent": None, "text": "0 of 0, –"},
        },
        {
            "step": "annual-review",
            "complaints": 1,
            "uphold_rate": {"numerator": 0, "denominator": 1, "percent": 0.0, "text": "0 of 1, 0%"},
        },
    ]
    html = annual_figures_html(figures, team="North SEND")
    assert (
        "<tr><td>Request for an EHC needs assessment</td><td class=num>3</td><td>2 of 3, 67%</td></tr>"
        in html
    )
    previous = desk.reporting.annual_figures(2025)
    assert [(r.step, r.complaints, r.uphold.text) for r in previous.ehc_complaints] == [
        ("assessment-request", 1, "1 of 1, 100%")
    ]
