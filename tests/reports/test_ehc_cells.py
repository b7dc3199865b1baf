"""The EHC step in spreadsheet cells: the step's words, Yes/No, the dates done and the exceptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from send_desk.domain.ehc import EhcDateName, EhcException, EhcStep
from send_desk.reports.case_history import (
    EhcDoneItem,
    EhcExceptionItem,
    HistoryError,
    format_ehc_done,
    format_ehc_exceptions,
    parse_ehc_done,
    parse_ehc_exceptions,
    parse_ehc_step,
    parse_yes,
)

REQUEST = EhcStep.ASSESSMENT_REQUEST
DATE_WORDS = (
    "Decide whether to assess, Decide not to issue a plan, Final plan issued, Family's comments on the "
    "draft, Amended or replacement plan issued, Review decision notified, Final amended plan issued, "
    "Amended plan for the transfer."
)


def test_a_step_is_read_by_its_words_or_its_id() -> None:
    assert parse_ehc_step("Request for an EHC needs assessment") is REQUEST
    assert parse_ehc_step("  annual   REVIEW ") is EhcStep.ANNUAL_REVIEW
    assert parse_ehc_step("annual-review") is EhcStep.ANNUAL_REVIEW
    assert parse_ehc_step("Re-assessment") is EhcStep.REASSESSMENT
    assert parse_ehc_step("phase transfer") is EhcStep.PHASE_TRANSFER
    assert parse_ehc_step("") is None
    assert parse_ehc_step(None) is None


def test_an_unknown_step_names_the_choices() -> None:
    with pytest.raises(HistoryError) as caught:
        parse_ehc_step("Tribunal")
    assert str(caught.value) == (
        "'Tribunal' is not an EHC step; use one of: Request for an EHC needs assessment, Draft plan served, "
        "Re-assessment, Annual review, Phase transfer (or assessment-request, draft-served, reassessment, "
        "annual-review, phase-transfer)."
    )


def test_yes_or_no() -> None:
    assert [parse_yes(v) for v in ("Yes", "y", "NO", "", None, True)] == [True, True, False, None, None, True]
    with pytest.raises(HistoryError) as caught:
        parse_yes("Maybe")
    assert str(caught.value) == "'Maybe' is not Yes or No; write Yes, or leave the cell blank for no."


def test_dates_done_are_written_in_the_steps_order_and_read_back() -> None:
    done = {"final_plan_by": date(2026, 6, 12), "decide_assessment_by": date(2026, 3, 10)}
    cell = format_ehc_done(REQUEST, done)
    assert cell == "Decide whether to assess: 10/03/2026\nFinal plan issued: 12/06/2026"
    assert parse_ehc_done(cell) == (
        EhcDoneItem(EhcDateName.DECIDE_ASSESSMENT_BY, date(2026, 3, 10)),
        EhcDoneItem(EhcDateName.FINAL_PLAN_BY, date(2026, 6, 12)),
    )
    # the step's own words for a shared date name, the column headers and the ids read too
    assert format_ehc_done(EhcStep.ANNUAL_REVIEW, {"amended_plan_by": date(2026, 5, 1)}) == (
        "Final amended plan issued: 01/05/2026"
    )
    assert parse_ehc_done("Final plan by: 1/6/2026\namended_plan_by: 02/06/2026") == (
        EhcDoneItem(EhcDateName.FINAL_PLAN_BY, date(2026, 6, 1)),
        EhcDoneItem(EhcDateName.AMENDED_PLAN_BY, date(2026, 6, 2)),
    )
    assert format_ehc_done(REQUEST, {}) == ""
    assert parse_ehc_done("") == ()


def test_exceptions_are_written_with_their_notes_and_read_back() -> None:
    exceptions = {
        "final_plan_by": EhcException.PERSONAL_CIRCUMSTANCES,
        "decide_not_to_issue_by": EhcException.MISSED_APPOINTMENT,
    }
    notes = {"final_plan_by": "Family abroad (until May)\nback in June", "decide_not_to_issue_by": ""}
    cell = format_ehc_exceptions(REQUEST, exceptions, notes)
    assert cell == (
        "Decide not to issue a plan: Missed appointment\n"
        "Final plan issued: Personal circumstances (Family abroad (until May) back in June)"
    )
    assert parse_ehc_exceptions(cell) == (
        EhcExceptionItem(EhcDateName.DECIDE_NOT_TO_ISSUE_BY, EhcException.MISSED_APPOINTMENT, ""),
        EhcExceptionItem(
            EhcDateName.FINAL_PLAN_BY,
            EhcException.PERSONAL_CIRCUMSTANCES,
            "Family abroad (until May) back in June",
        ),
    )
    assert format_ehc_exceptions(REQUEST, exceptions, notes, details=False) == (
        "Decide not to issue a plan: Missed appointment\nFinal plan issued: Personal circumstances"
    )
    assert parse_ehc_exceptions("final_plan_by: school-holiday") == (
        EhcExceptionItem(EhcDateName.FINAL_PLAN_BY, EhcException.SCHOOL_HOLIDAY, ""),
    )


@pytest.mark.parametrize(
    ("parse", "cell", "message"),
    [
        (
            parse_ehc_done,
            "10/03/2026",
            "'10/03/2026' is not a date done; write what was done and the day, "
            "e.g. Decide whether to assess: 10/03/2026.",
        ),
        (
            parse_ehc_done,
            "Plan sent: 10/03/2026",
            "'Plan sent' in 'Plan sent: 10/03/2026' is not an EHC date; use one of: " + DATE_WORDS,
        ),
        (
            parse_ehc_done,
            "Final plan issued: 31/02/2026",
            "'31/02/2026' is not a date; write it as dd/mm/yyyy.",
        ),
        (
            parse_ehc_done,
            "Final plan issued: 01/06/2026\nFinal plan by: 02/06/2026",
            "'Final plan by' is given twice; give each date done once.",
        ),
        (
            parse_ehc_exceptions,
            "Personal circumstances",
            "'Personal circumstances' is not an exception; write the date, the exception and a note in "
            "brackets, e.g. Final plan issued: Personal circumstances (family abroad until May).",
        ),
        (
            parse_ehc_exceptions,
            "Final plan issued: Illness (in hospital)",
            "'Illness' in 'Final plan issued: Illness (in hospital)' is not an exception; use one of: "
            "School holiday, Personal circumstances, Away from the area, Missed appointment.",
        ),
        (
            parse_ehc_exceptions,
            "The plan: Missed appointment",
            "'The plan' in 'The plan: Missed appointment' is not an EHC date; use one of: " + DATE_WORDS,
        ),
        (
            parse_ehc_exceptions,
            "Final plan issued: Missed appointment\nFinal plan issued: School holiday",
            "'Final plan issued' has two exceptions; record one exception for each date.",
        ),
    ],
)
def test_a_cell_that_cannot_be_read_says_why(parse: Callable[[str], object], cell: str, message: str) -> None:
    with pytest.raises(HistoryError) as caught:
        parse(cell)
    assert str(caught.value) == message
