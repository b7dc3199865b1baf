"""A tracker's EHC step columns: imported cases get the step, replayed through the EHC service."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.domain.ehc import EhcStep
from send_desk.services.case_replay import ReplayError


def tracker(path: Path, headers: list[str], *rows: list[Any]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_a_tracker_with_just_the_ehc_step_columns_records_each_cases_step(desk: Desk, tmp_path: Path) -> None:
    path = tracker(
        tmp_path / "tracker.xlsx",
        ["Reference", "Kind", "Received", "EHC step", "EHC step began", "EHC transfer into post-16"],
        ["T-1", "Enquiry", "02/03/2026", "Request for an EHC needs assessment", "30/01/2026", ""],
        ["T-2", "Complaint", "20/10/2026", "annual-review", date(2026, 9, 1), ""],
        ["T-3", "Enquiry", "21/10/2026", "", "", "No"],  # not about the EHC process
    )
    result = desk.imports.run(path)
    assert (result.imported, result.rejected) == (3, [])
    found = {}
    for reference in ("T-1", "T-2", "T-3"):
        record = desk.ehc.get(desk.cases.get_by_reference(reference).id)
        found[reference] = None if record.current is None else record.current.dates
    request, review = found["T-1"], found["T-2"]
    assert request is not None
    assert review is not None
    assert (request.step, request.started, request.iso()) == (
        EhcStep.ASSESSMENT_REQUEST,
        date(2026, 1, 30),
        {
            "decide_assessment_by": "2026-03-13",
            "decide_not_to_issue_by": "2026-05-22",
            "final_plan_by": "2026-06-19",
        },
    )
    assert (review.step, review.iso()) == (
        EhcStep.ANNUAL_REVIEW,
        {"review_decision_by": "2026-09-29", "amended_plan_by": "2026-11-24"},
    )
    assert found["T-3"] is None
    with desk.ctx.db.read() as session:
        audited = session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "ehc"))
    assert audited == 2  # each step recorded as a person records it: one audited unit of work


def test_ehc_columns_that_cannot_be_replayed_reject_their_row_before_anything_is_saved(
    desk: Desk, tmp_path: Path
) -> None:
    path = tracker(
        tmp_path / "tracker.xlsx",
        ["Kind", "Received", "EHC step", "EHC step began", "EHC dates done", "EHC exceptions"],
        ["Enquiry", "02/03/2026", "Tribunal", "30/01/2026", "", ""],
        ["Enquiry", "02/03/2026", "Annual review", "", "", ""],
        ["Enquiry", "02/03/2026", "", "30/01/2026", "", ""],
        ["Enquiry", "02/03/2026", "Annual review", "01/02/2026", "Final plan issued: 01/03/2026", ""],
        ["Enquiry", "02/03/2026", "Annual review", "01/02/2026", "", "Review decision by: School holiday"],
        ["Enquiry", "02/03/2026", "Re-assessment", "01/02/2026", "", "Amended plan by: Illness"],
    )
    result = desk.imports.run(path)
    assert result.imported == 0
    assert [(r.row, r.errors) for r in result.rejected] == [
        (
            2,
            (
                "EHC step: 'Tribunal' is not an EHC step; use one of: Request for an EHC needs assessment, "
                "Draft plan served, Re-assessment, Annual review, Phase transfer (or assessment-request, "
                "draft-served, reassessment, annual-review, phase-transfer).",
            ),
        ),
        (3, ("EHC step began: the day the EHC step began is missing; give it beside the step.",)),
        (4, ("EHC step: the row has EHC step began but no EHC step; give the step too.",)),
        (
            5,
            (
                "EHC dates done: The step annual-review has no date called 'final_plan_by'. Its dates are: "
                "review_decision_by, amended_plan_by.",
            ),
        ),
        (
            6,
            (
                "EHC exceptions: Review decision notified (reg 20(10)) has no exceptions in the regulations: "
                "nothing can be recorded against it.",
            ),
        ),
        (
            7,
            (
                "EHC exceptions: 'Illness' in 'Amended plan by: Illness' is not an exception; use one of: "
                "School holiday, Personal circumstances, Away from the area, Missed appointment.",
            ),
        ),
    ]


def test_a_refused_ehc_replay_names_the_case_and_the_problem(desk: Desk, tmp_path: Path) -> None:
    path = tracker(
        tmp_path / "tracker.xlsx",
        ["Reference", "Kind", "Received", "EHC step", "EHC step began", "EHC transfer into post-16"],
        ["T-9", "Enquiry", "02/03/2026", "assessment-request", "30/01/2026", "Yes"],
    )
    with pytest.raises(ReplayError) as caught:
        desk.imports.run(path)
    assert str(caught.value) == (
        "T-9: the EHC step could not be replayed: Only a phase transfer can be into post-16 education."
    )
