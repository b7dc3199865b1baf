"""Bulk reassign and bulk acknowledge: one date, one missed reason for the late ones, all or nothing."""

from __future__ import annotations

from datetime import date

import pytest

from send_desk.bootstrap import Desk
from send_desk.domain.errors import ConflictError, ValidationError
from send_desk.domain.kinds import CaseKind, ClosureCode
from send_desk.values.cases import CaseFilter, CaseInput
from tests.conftest import complaint_input

TODAY = date(2026, 11, 27)


@pytest.fixture
def three(desk: Desk):  # type: ignore[no-untyped-def]
    """Two complaints, one past its acknowledgement target (17/11) and one not yet due (01/12); an enquiry."""
    late = desk.cases.log_case(complaint_input(received=date(2026, 11, 10)))
    on_time = desk.cases.log_case(complaint_input(received=date(2026, 11, 24)))
    enquiry = desk.cases.log_case(
        CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 25), summary="x")
    )
    return late, on_time, enquiry


def test_the_plan_says_which_are_late_before_anything_is_saved(desk: Desk, three) -> None:  # type: ignore[no-untyped-def]
    late, on_time, enquiry = three
    plan = desk.bulk.plan_acknowledge([late.id, on_time.id], TODAY)
    assert [c.reference for c in plan.late] == [late.reference]
    assert plan.problems == ()
    assert desk.cases.get(late.id).acknowledged_on is None
    with_enquiry = desk.bulk.plan_acknowledge([late.id, enquiry.id], TODAY)
    assert [(c.reference, c.problem) for c in with_enquiry.problems] == [
        (enquiry.reference, "has no acknowledgement target")
    ]


def test_bulk_acknowledge_records_one_reason_on_the_late_ones_only(desk: Desk, three) -> None:  # type: ignore[no-untyped-def]
    late, on_time, _ = three
    plan = desk.bulk.plan_acknowledge([late.id, on_time.id], TODAY)
    with pytest.raises(ValidationError, match=r"^1 of these acknowledgements are late") as caught:
        desk.bulk.acknowledge(plan)
    assert caught.value.field == "missed_reason"
    result = desk.bulk.acknowledge(plan, missed_reason="Volume of work")
    assert result.references == (late.reference, on_time.reference)
    late_now, on_time_now = desk.cases.get(late.id), desk.cases.get(on_time.id)
    assert (late_now.acknowledged_on, late_now.current_stage.acknowledge.missed_reason) == (
        TODAY,
        "Volume of work",
    )  # type: ignore[union-attr]
    assert (on_time_now.acknowledged_on, on_time_now.current_stage.acknowledge.missed_reason) == (TODAY, "")  # type: ignore[union-attr]


def test_bulk_acknowledge_is_all_or_nothing(desk: Desk, three) -> None:  # type: ignore[no-untyped-def]
    late, on_time, enquiry = three
    plan = desk.bulk.plan_acknowledge([on_time.id, enquiry.id], TODAY)
    with pytest.raises(ValidationError, match=f"Nothing was acknowledged: {enquiry.reference} has no ackn"):
        desk.bulk.acknowledge(plan)
    # someone changes the second case after the plan was shown: the first is not saved either
    plan = desk.bulk.plan_acknowledge([on_time.id, late.id], TODAY)
    desk.cases.assign(late.id, officer_login="priya.shah", expected_version=late.version)
    with pytest.raises(ConflictError, match=f"^{late.reference}: .*nothing was saved"):
        desk.bulk.acknowledge(plan, missed_reason="Complex case")
    assert desk.cases.get(on_time.id).acknowledged_on is None


def test_bulk_reassign_gives_every_case_to_one_officer_or_none(desk: Desk, three) -> None:  # type: ignore[no-untyped-def]
    late, on_time, enquiry = three
    cases = desk.bulk.selected([late.id, on_time.id])
    assert desk.bulk.reassign(cases, officer_login="priya.shah").references == (
        late.reference,
        on_time.reference,
    )
    assert {desk.cases.get(c.id).officer.login for c in (late, on_time)} == {"priya.shah"}  # type: ignore[union-attr]
    closed = desk.cases.close(
        enquiry.id, code=ClosureCode.WITHDRAWN, on=TODAY, reason="", expected_version=enquiry.version
    )
    cases = desk.bulk.selected([late.id, closed.id])
    with pytest.raises(ValidationError, match=f"^{closed.reference}: .*No case was reassigned"):
        desk.bulk.reassign(cases, officer_login="alex.jones")
    assert desk.cases.get(late.id).officer.login == "priya.shah"  # type: ignore[union-attr]


def test_a_filter_of_selected_ids_exports_just_those(desk: Desk, three) -> None:  # type: ignore[no-untyped-def]
    late, _, enquiry = three
    rows = desk.register.list_cases(CaseFilter(status="all", case_ids=(enquiry.id, late.id)))
    assert sorted(r.reference for r in rows) == sorted([late.reference, enquiry.reference])
