"""EHC statutory dates (SEND Regulations 2014): the issue's worked examples, month ends and leap years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from send_desk.domain.ehc import (
    STEPS,
    DateState,
    EhcDateName,
    EhcException,
    EhcStep,
    check_exception,
    date_statuses,
    days_late,
    parse_step,
    statutory_dates,
    step_days_late,
)
from send_desk.domain.errors import ValidationError

N = EhcDateName


def iso(step: EhcStep, started: date, **options: object) -> dict[str, str]:
    return statutory_dates(step, started, **options).iso()  # type: ignore[arg-type]


# ----- the worked examples ---------------------------------------------------------------
def test_request_received_2026_01_30() -> None:
    assert iso(EhcStep.ASSESSMENT_REQUEST, date(2026, 1, 30)) == {
        "decide_assessment_by": "2026-03-13",
        "decide_not_to_issue_by": "2026-05-22",
        "final_plan_by": "2026-06-19",
    }


def test_draft_served_2026_03_02_representations_until_2026_03_16() -> None:
    assert iso(EhcStep.DRAFT_SERVED, date(2026, 3, 2)) == {"representations_until": "2026-03-16"}


def test_annual_review_2026_02_10() -> None:
    assert iso(EhcStep.ANNUAL_REVIEW, date(2026, 2, 10)) == {
        "review_decision_by": "2026-03-10",
        "amended_plan_by": "2026-05-05",
    }


def test_phase_transfer_on_2027_09_01() -> None:
    assert iso(EhcStep.PHASE_TRANSFER, date(2027, 9, 1)) == {"transfer_plan_by": "2027-02-15"}
    assert iso(EhcStep.PHASE_TRANSFER, date(2027, 9, 1), post16=True) == {"transfer_plan_by": "2027-03-31"}


def test_reassessment_14_weeks() -> None:
    assert iso(EhcStep.REASSESSMENT, date(2026, 1, 30)) == {"amended_plan_by": "2026-05-08"}


# ----- month ends and leap years -----------------------------------------------------------------
def test_request_on_31_january_of_a_leap_year_counts_29_february() -> None:
    assert iso(EhcStep.ASSESSMENT_REQUEST, date(2028, 1, 31)) == {
        "decide_assessment_by": "2028-03-13",  # 29 days of February 2028, then 13 of March
        "decide_not_to_issue_by": "2028-05-22",
        "final_plan_by": "2028-06-19",
    }


def test_request_on_new_years_eve_runs_into_the_next_year() -> None:
    assert iso(EhcStep.ASSESSMENT_REQUEST, date(2027, 12, 31)) == {
        "decide_assessment_by": "2028-02-11",
        "decide_not_to_issue_by": "2028-04-21",
        "final_plan_by": "2028-05-19",
    }
    assert iso(EhcStep.REASSESSMENT, date(2027, 12, 31)) == {"amended_plan_by": "2028-04-07"}


def test_draft_served_across_29_february() -> None:
    assert iso(EhcStep.DRAFT_SERVED, date(2028, 2, 20)) == {"representations_until": "2028-03-05"}
    assert iso(EhcStep.DRAFT_SERVED, date(2027, 2, 20)) == {"representations_until": "2027-03-06"}
    assert iso(EhcStep.DRAFT_SERVED, date(2026, 12, 25)) == {"representations_until": "2027-01-08"}


def test_annual_review_in_a_leap_february() -> None:
    assert iso(EhcStep.ANNUAL_REVIEW, date(2028, 2, 10)) == {
        "review_decision_by": "2028-03-09",
        "amended_plan_by": "2028-05-04",
    }


# ----- the annual review's final amended plan: the earlier of the two limits -----------------------
def test_amendment_notice_8_weeks_brings_the_plan_date_forward() -> None:
    dates = statutory_dates(EhcStep.ANNUAL_REVIEW, date(2026, 2, 10), amendment_notice_on=date(2026, 3, 1))
    assert dates.get(N.AMENDED_PLAN_BY) == date(2026, 4, 26)
    assert dates.get(N.REVIEW_DECISION_BY) == date(2026, 3, 10)


def test_a_late_amendment_notice_never_moves_the_plan_past_12_weeks_from_the_meeting() -> None:
    dates = statutory_dates(EhcStep.ANNUAL_REVIEW, date(2026, 2, 10), amendment_notice_on=date(2026, 3, 20))
    assert dates.get(N.AMENDED_PLAN_BY) == date(2026, 5, 5)  # not 15/05/2026


# ----- met / due / late / exception / open / closed --------------------------------------------
REQUEST = statutory_dates(EhcStep.ASSESSMENT_REQUEST, date(2026, 1, 30))


def words(as_of: date, **kwargs: object) -> dict[str, str]:
    return {s.name.value: s.wording for s in date_statuses(REQUEST, as_of, **kwargs)}  # type: ignore[arg-type]


def test_states_against_today() -> None:
    assert words(date(2026, 3, 13)) == {
        "decide_assessment_by": "due",  # the last day is still in time
        "decide_not_to_issue_by": "due",
        "final_plan_by": "due",
    }
    assert words(date(2026, 3, 14))["decide_assessment_by"] == "1 day late"
    assert words(date(2026, 4, 3))["decide_assessment_by"] == "3 weeks late"  # 21 days
    assert words(date(2026, 4, 2))["decide_assessment_by"] == "2 weeks late"  # 20 days: 2 whole weeks


def test_states_against_the_day_it_was_done() -> None:
    done = {"decide_assessment_by": date(2026, 3, 13), "final_plan_by": date(2026, 8, 14)}
    got = words(date(2026, 12, 1), done=done)
    assert got == {
        "decide_assessment_by": "met",
        "decide_not_to_issue_by": "27 weeks late",  # never done: 22/05 to 01/12 is 193 days, 27 weeks 4 days
        "final_plan_by": "8 weeks late",  # done 14/08/2026, 56 days after 19/06/2026
    }


def test_a_day_done_after_as_of_is_not_yet_done() -> None:
    statuses = date_statuses(REQUEST, date(2026, 3, 20), done={"decide_assessment_by": date(2026, 3, 25)})
    assert (statuses[0].state, statuses[0].days_late) == (DateState.LATE, 7)
    assert days_late(statuses) == 7


def test_exception_recorded_relieves_a_late_date_but_not_a_met_one() -> None:
    exceptions = {
        "final_plan_by": EhcException.ABSENT_FROM_AREA,
        "decide_assessment_by": EhcException.SCHOOL_HOLIDAY,
    }
    got = words(date(2026, 9, 1), done={"decide_assessment_by": date(2026, 3, 1)}, exceptions=exceptions)
    assert got["final_plan_by"] == "exception recorded"
    assert got["decide_assessment_by"] == "met"
    assert got["decide_not_to_issue_by"] == "14 weeks late"


def test_representations_are_open_or_closed_never_late() -> None:
    draft = statutory_dates(EhcStep.DRAFT_SERVED, date(2026, 3, 2))
    assert [s.wording for s in date_statuses(draft, date(2026, 3, 16))] == ["open"]
    assert [s.wording for s in date_statuses(draft, date(2027, 3, 17))] == ["closed"]
    assert days_late(date_statuses(draft, date(2027, 3, 17))) == 0


# ----- exceptions: each time limit has its own list ----------------------------------------------
def test_each_time_limit_has_its_own_exceptions() -> None:
    lists = {
        rule.exception_regulation: [e.value for e in rule.exceptions]
        for facts in STEPS.values()
        for rule in facts.rules
        if rule.exceptions
    }
    assert lists == {
        "reg 5(4)": ["school-holiday", "personal-circumstances", "absent-from-area"],
        "reg 10(4)": ["school-holiday", "personal-circumstances", "absent-from-area", "missed-appointment"],
        "reg 13(3)": ["school-holiday", "personal-circumstances", "absent-from-area", "missed-appointment"],
        "reg 27(3)": ["school-holiday", "personal-circumstances", "absent-from-area", "missed-appointment"],
    }


def test_an_exception_the_regulation_does_not_list_is_refused_in_words() -> None:
    with pytest.raises(ValidationError, match=r"reg 5\(4\) does not list 'missed-appointment'"):
        check_exception(EhcStep.ASSESSMENT_REQUEST, "decide_assessment_by", EhcException.MISSED_APPOINTMENT)
    with pytest.raises(ValidationError, match=r"has no exceptions in the regulations"):
        check_exception(EhcStep.ANNUAL_REVIEW, "review_decision_by", EhcException.PERSONAL_CIRCUMSTANCES)
    with pytest.raises(ValidationError, match=r"Its dates are: representations_until"):
        check_exception(EhcStep.DRAFT_SERVED, "final_plan_by", EhcException.PERSONAL_CIRCUMSTANCES)


def test_every_rule_names_its_regulation() -> None:
    for facts in STEPS.values():
        for rule in facts.rules:
            assert rule.regulation.startswith("reg"), rule


def test_parse_step_says_which_steps_there_are() -> None:
    assert parse_step(" Annual-Review ") is EhcStep.ANNUAL_REVIEW
    with pytest.raises(ValidationError, match="Use one of: assessment-request, draft-served, reassessment"):
        parse_step("tribunal")


def test_merge_fields_name_every_date_in_words() -> None:
    fields = statutory_dates(EhcStep.ASSESSMENT_REQUEST, date(2026, 1, 30)).merge_fields()
    assert fields["ehc_step"] == "Request for an EHC needs assessment"
    assert fields["ehc_started"] == "Friday 30 January 2026"
    assert fields["ehc_final_plan_by"] == "Friday 19 June 2026"
    assert fields["ehc_transfer_plan_by"] == ""
    assert len(fields) == 9


def test_merge_values_follow_the_catalogue_and_are_none_where_missing() -> None:
    from send_desk.domain.ehc import MERGE_FIELDS, merge_values

    names = [name for name, _what, _example in MERGE_FIELDS]
    assert names == ["ehc_step", "ehc_started"] + [f"ehc_{n.value}" for n in EhcDateName]
    assert merge_values(None) == dict.fromkeys(names)
    values = merge_values(statutory_dates(EhcStep.PHASE_TRANSFER, date(2027, 9, 1), post16=True))
    assert {k: v for k, v in values.items() if v is not None} == {
        "ehc_step": "Phase transfer",
        "ehc_started": "Wednesday 1 September 2027",
        "ehc_transfer_plan_by": "Wednesday 31 March 2027",
    }


@given(
    step=st.sampled_from(list(EhcStep)),
    started=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    as_of=st.dates(date(2024, 1, 1), date(2029, 12, 31)),
    done_after=st.lists(st.one_of(st.none(), st.integers(-60, 200)), min_size=3, max_size=3),
    exception=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_the_reports_shortcut_agrees_with_the_statuses(
    step: EhcStep, started: date, as_of: date, done_after: list[int | None], exception: list[bool]
) -> None:
    dates = statutory_dates(step, started)
    done = {
        n.value: d + timedelta(days=k)
        for (n, d), k in zip(dates.dates, done_after, strict=False)
        if k is not None
    }
    excepted = {
        n.value: EhcException.PERSONAL_CIRCUMSTANCES
        for (n, _d), e in zip(dates.dates, exception, strict=False)
        if e
    }
    expected = days_late(date_statuses(dates, as_of, done=done, exceptions=excepted))
    assert step_days_late(step, {n.value: d for n, d in dates.dates}, as_of, done, excepted) == expected
