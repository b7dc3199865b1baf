"""The EHC service: steps with stored statutory dates, done days, exceptions, history, audit, print-out."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry, EhcStepRecord
from send_desk.domain.ehc import EhcException, EhcStep, statutory_dates
from send_desk.domain.errors import ConflictError, ValidationError
from send_desk.reports.case_printout import case_printout_html
from send_desk.services.ehc import EhcChange, step_view
from send_desk.values.cases import CaseDetail
from tests.conftest import complaint_input

REQUEST = EhcChange(step=EhcStep.ASSESSMENT_REQUEST, started=date(2026, 1, 30))


def test_a_step_stores_its_statutory_dates(desk: Desk, complaint: CaseDetail) -> None:
    record = desk.ehc.change(complaint.id, REQUEST, expected_version=complaint.version)
    assert record.to_json() == {
        "step": "assessment-request",
        "started": "2026-01-30",
        "dates": {
            "decide_assessment_by": "2026-03-13",
            "decide_not_to_issue_by": "2026-05-22",
            "final_plan_by": "2026-06-19",
        },
    }
    with desk.ctx.db.read() as session:
        row = session.scalars(select(EhcStepRecord)).one()
        stored = (row.decide_assessment_by, row.final_plan_by, row.transfer_plan_by, row.current)
    assert stored == (date(2026, 3, 13), date(2026, 6, 19), None, True)
    assert record.version == complaint.version + 1


def test_done_days_and_exceptions_are_audited_and_cleared(desk: Desk, complaint: CaseDetail) -> None:
    record = desk.ehc.change(complaint.id, REQUEST, expected_version=complaint.version)
    record = desk.ehc.change(
        complaint.id,
        EhcChange(
            done={"decide_assessment_by": date(2026, 3, 20)},
            exceptions={"final_plan_by": (EhcException.MISSED_APPOINTMENT, " Missed the EP visit ")},
        ),
        expected_version=record.version,
    )
    current = record.current
    assert current is not None
    assert [s.wording for s in current.statuses] == ["1 week late", "27 weeks late", "exception recorded"]
    assert current.notes == {"final_plan_by": "Missed the EP visit"}
    with desk.ctx.db.read() as session:
        changes = session.scalars(
            select(AuditEntry.changes).where(AuditEntry.action == "ehc").order_by(AuditEntry.id.desc())
        ).first()
    assert json.loads(changes or "") == {
        "changes": {
            "decide_assessment_by_done": [None, "2026-03-20"],
            "final_plan_by_exception": [None, "missed-appointment"],
        }
    }
    record = desk.ehc.change(
        complaint.id,
        EhcChange(done={"decide_assessment_by": None}, exceptions={"final_plan_by": None}),
        expected_version=record.version,
    )
    assert record.current is not None
    assert (record.current.done, record.current.exceptions) == ({}, {})


def test_a_stale_version_is_refused(desk: Desk, complaint: CaseDetail) -> None:
    desk.ehc.change(complaint.id, REQUEST, expected_version=complaint.version)
    with pytest.raises(ConflictError):
        desk.ehc.change(
            complaint.id, EhcChange(done={"final_plan_by": None}), expected_version=complaint.version
        )


def test_history_is_latest_first_and_the_same_step_again_updates_it(
    desk: Desk, complaint: CaseDetail
) -> None:
    record = desk.ehc.change(complaint.id, REQUEST, expected_version=complaint.version)
    record = desk.ehc.change(
        complaint.id,
        EhcChange(step=EhcStep.DRAFT_SERVED, started=date(2026, 3, 2)),
        expected_version=record.version,
    )
    record = desk.ehc.change(
        complaint.id,
        EhcChange(step=EhcStep.DRAFT_SERVED, started=date(2026, 3, 2)),
        expected_version=record.version,
    )
    assert [(v.dates.step, v.dates.started, v.current) for v in record.history] == [
        (EhcStep.DRAFT_SERVED, date(2026, 3, 2), True),
        (EhcStep.ASSESSMENT_REQUEST, date(2026, 1, 30), False),
    ]


def test_refusals_in_plain_words(desk: Desk, complaint: CaseDetail) -> None:
    record = desk.ehc.change(
        complaint.id, EhcChange(step=EhcStep.DRAFT_SERVED, started=date(2026, 3, 2)), expected_version=1
    )
    with pytest.raises(ValidationError, match="is a period for the family, not something the council does"):
        desk.ehc.change(
            complaint.id,
            EhcChange(done={"representations_until": date(2026, 3, 9)}),
            expected_version=record.version,
        )
    with pytest.raises(ValidationError, match="Only an annual review has an amendment notice"):
        desk.ehc.change(
            complaint.id, EhcChange(amendment_notice_on=date(2026, 3, 9)), expected_version=record.version
        )
    with pytest.raises(ValidationError, match=r"Only a phase transfer can be into post-16 education"):
        desk.ehc.change(complaint.id, EhcChange(post16=True), expected_version=record.version)


def test_merge_fields_for_letters(desk: Desk, complaint: CaseDetail) -> None:
    assert desk.ehc.merge_fields(complaint.id) == {}
    desk.ehc.change(
        complaint.id, EhcChange(step=EhcStep.ANNUAL_REVIEW, started=date(2026, 2, 10)), expected_version=1
    )
    fields = desk.ehc.merge_fields(complaint.id)
    assert {k: v for k, v in fields.items() if v} == {
        "ehc_step": "Annual review",
        "ehc_started": "Tuesday 10 February 2026",
        "ehc_review_decision_by": "Tuesday 10 March 2026",
        "ehc_amended_plan_by": "Tuesday 5 May 2026",
    }


def test_case_printout_has_the_ehc_section(desk: Desk) -> None:
    case = desk.cases.log_case(complaint_input())
    record = desk.ehc.change(case.id, REQUEST, expected_version=case.version)
    record = desk.ehc.change(
        case.id,
        EhcChange(step=EhcStep.DRAFT_SERVED, started=date(2026, 3, 2)),
        expected_version=record.version,
    )
    html = case_printout_html(desk.cases.get(case.id), team="North SEND", ehc=record)
    assert "<h2>EHC process</h2>" in html
    assert "<td>Comments on the draft until</td><td>16/03/2026</td><td>Closed</td>" in html
    assert "reg 13(1): at least 15 days, the day of service being day 1" in html
    assert "<td>Request for an EHC needs assessment</td><td>30/01/2026</td><td>Sam Patel</td>" in html
    assert "EHC process" not in case_printout_html(desk.cases.get(case.id), team="North SEND")


def test_export_has_the_current_steps_dates_as_columns(desk: Desk, tmp_path: Path) -> None:
    import openpyxl

    from send_desk.services.spreadsheets import ExportService

    with_step = desk.cases.log_case(complaint_input())
    without = desk.cases.log_case(complaint_input(date(2026, 11, 23)))
    record = desk.ehc.change(with_step.id, REQUEST, expected_version=with_step.version)
    desk.ehc.change(
        with_step.id,
        EhcChange(step=EhcStep.PHASE_TRANSFER, started=date(2027, 9, 1), post16=True),
        expected_version=record.version,
    )
    out = tmp_path / "cases.xlsx"
    list(ExportService(desk.ctx).export(out))
    ws = openpyxl.load_workbook(out)["Cases"]
    headers = [c.value for c in ws[1]]
    ehc_headers = headers[headers.index("EHC step") :]
    assert ehc_headers == [
        "EHC step",
        "EHC step began",
        "Decide whether to assess by",
        "Decide not to issue a plan by",
        "Final plan by",
        "Comments on the draft until",
        "Amended plan by",
        "Review decision by",
        "Transfer plan by",
    ]
    rows = {row[0]: dict(zip(headers, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)}
    mine = {h: rows[with_step.reference][h] for h in ehc_headers if rows[with_step.reference][h] is not None}
    assert mine == {
        "EHC step": "Phase transfer",  # the current step only; the request is history
        "EHC step began": datetime(2027, 9, 1),
        "Transfer plan by": datetime(2027, 3, 31),
    }
    assert [rows[without.reference][h] for h in ehc_headers] == [None] * 9


def test_demo_cases_have_ehc_steps_some_of_them_late(desk: Desk) -> None:
    list(desk.demo.generate(400, seed=5))
    with desk.ctx.db.read() as session:
        rows = session.scalars(select(EhcStepRecord)).all()
        steps = [(row.case_id, step_view(row, date(2026, 11, 27))) for row in rows]
    assert len(steps) > 40
    assert {view.dates.step for _case, view in steps} == set(EhcStep)
    late = [view for _case, view in steps if view.days_late > 0]
    met = [s for _case, view in steps for s in view.statuses if s.state.value == "met"]
    assert late
    assert met
    for _case, view in steps:  # stored as the rules give them
        again = statutory_dates(view.dates.step, view.dates.started, post16=view.dates.post16)
        assert view.dates.dates == again.dates
    weekly = desk.reporting.weekly_summary()
    assert sum(row.late for row in weekly.ehc_steps) > 0


def test_going_back_to_an_earlier_step_keeps_what_it_had(desk: Desk, complaint: CaseDetail) -> None:
    record = desk.ehc.change(complaint.id, REQUEST, expected_version=complaint.version)
    record = desk.ehc.change(
        complaint.id, EhcChange(done={"final_plan_by": date(2026, 6, 19)}), expected_version=record.version
    )
    record = desk.ehc.change(
        complaint.id,
        EhcChange(step=EhcStep.DRAFT_SERVED, started=date(2026, 3, 2)),
        expected_version=record.version,
    )
    record = desk.ehc.change(complaint.id, REQUEST, expected_version=record.version)
    assert [(v.dates.step, v.current) for v in record.history] == [
        (EhcStep.ASSESSMENT_REQUEST, True),
        (EhcStep.DRAFT_SERVED, False),
    ]
    assert record.current is not None
    assert record.current.done == {"final_plan_by": date(2026, 6, 19)}


def test_letters_merge_the_ehc_dates(desk: Desk, complaint: CaseDetail) -> None:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph(
        "Your child's plan: {{ ehc_step }}, the final plan is due by {{ ehc_final_plan_by }}."
    )
    out = io.BytesIO()
    document.save(out)
    desk.letters.add_template("ehc-dates", out.getvalue(), title="EHC dates")
    with pytest.raises(
        ValidationError, match=r"needs 2 things case SD-2026-00001 does not have yet: the EHC step"
    ):
        desk.letters.merge(complaint.id, "ehc-dates")
    desk.ehc.change(complaint.id, REQUEST, expected_version=complaint.version)
    merged = desk.letters.merge(complaint.id, "ehc-dates")
    assert (
        "Your child's plan: Request for an EHC needs assessment, "
        "the final plan is due by Friday 19 June 2026." in merged.paragraphs
    )
