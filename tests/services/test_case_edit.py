"""`CaseEditService.save`: a kind change, a received-date correction and the details as one unit of work.

On Friday 27 November 2026 (the test clock), against a real database (SQLite, or PostgreSQL with
SEND_DESK_TEST_BACKEND=postgres). The complaint was received on Friday 20 November 2026; priya.shah
(a manager) makes the governed changes.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry, Case
from send_desk.domain.errors import ConflictError, ValidationError
from send_desk.domain.kinds import CaseKind
from send_desk.services.case_edit import stored_edit
from send_desk.values.case_edit import CaseEdit
from send_desk.values.cases import CaseDetail


def current_edit(desk: Desk, case_id: int) -> CaseEdit:
    """Return the case's details as an edit that changes nothing."""
    with desk.ctx.db.read() as session:
        case = session.get(Case, case_id)
        assert case is not None
        return stored_edit(case)


def audit_rows(desk: Desk) -> list[tuple[int, str, str, dict[str, Any]]]:
    """Return every audit row as (id, action, login, body), oldest first."""
    with desk.ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.id, AuditEntry.action, AuditEntry.login, AuditEntry.changes).order_by(
                AuditEntry.id
            )
        ).all()
    return [(row_id, action, login, json.loads(body)) for row_id, action, login, body in rows]


def saved_state(desk: Desk, case_id: int) -> tuple[Any, ...]:
    """Return what a refused save must leave alone: kind, received date, targets, version, details."""
    case = desk.cases.get(case_id)
    return (
        case.kind,
        case.received_on,
        case.acknowledge_by,
        case.respond_by,
        case.version,
        current_edit(desk, case_id),
        len(case.timeline),
    )


def test_a_kind_change_with_a_refused_received_date_saves_nothing(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    before, audited = saved_state(desk, complaint.id), audit_rows(desk)
    with pytest.raises(ValidationError) as error:
        manager_desk.case_edits.save(
            complaint.id,
            current_edit(desk, complaint.id),
            expected_version=complaint.version,
            kind=CaseKind.ENQUIRY,
            received_on=date(2026, 11, 28),
            reason="Logged as the wrong kind, on the wrong day",
        )
    assert str(error.value) == "The new received date 28/11/2026 is in the future."
    assert error.value.field == "received_on"
    assert saved_state(desk, complaint.id) == before
    assert desk.cases.get(complaint.id).kind is CaseKind.COMPLAINT
    assert audit_rows(desk) == audited


def test_a_received_date_after_the_acknowledgement_with_a_kind_change_saves_nothing(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    """The kind rule refuses first (the kind cannot change once acknowledged); nothing else is saved."""
    acknowledged = desk.cases.acknowledge(
        complaint.id, on=date(2026, 11, 23), expected_version=complaint.version
    )
    before, audited = saved_state(desk, complaint.id), audit_rows(desk)
    edit = current_edit(desk, complaint.id)
    with pytest.raises(ValidationError) as error:
        manager_desk.case_edits.save(
            complaint.id,
            dataclasses.replace(edit, summary="Not saved"),
            expected_version=acknowledged.version,
            kind=CaseKind.ENQUIRY,
            received_on=date(2026, 11, 24),
            reason="Wrong kind and date",
        )
    assert str(error.value) == (
        "The case was acknowledged on 23/11/2026, so its kind can no longer change. "
        "Close it as logged in error and log a new case, linked to this one."
    )
    with pytest.raises(ValidationError) as error:
        manager_desk.case_edits.save(
            complaint.id,
            dataclasses.replace(edit, summary="Not saved"),
            expected_version=acknowledged.version,
            received_on=date(2026, 11, 24),
            reason="Wrong date",
        )
    assert str(error.value) == "The received date cannot be after the acknowledgement date 23/11/2026."
    assert saved_state(desk, complaint.id) == before
    assert audit_rows(desk) == audited


def test_a_kind_change_with_details_that_fail_their_check_saves_nothing(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    before, audited = saved_state(desk, complaint.id), audit_rows(desk)
    edit = current_edit(desk, complaint.id)
    bad = dataclasses.replace(edit, contact=dataclasses.replace(edit.contact, email="jo at example"))
    with pytest.raises(ValidationError) as error:
        manager_desk.case_edits.save(
            complaint.id,
            bad,
            expected_version=complaint.version,
            kind=CaseKind.ENQUIRY,
            received_on=date(2026, 11, 19),
            reason="A question, not a complaint, emailed the day before",
        )
    assert str(error.value) == "jo at example does not look like an email address."
    assert error.value.field == "contact_email"
    assert saved_state(desk, complaint.id) == before
    assert desk.cases.get(complaint.id).kind is CaseKind.COMPLAINT
    assert audit_rows(desk) == audited


def test_kind_received_date_and_details_are_saved_together_with_three_audit_rows(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    audited = audit_rows(desk)
    edit = current_edit(desk, complaint.id)
    saved = manager_desk.case_edits.save(
        complaint.id,
        dataclasses.replace(edit, summary="Asks when the assessment will finish"),
        expected_version=complaint.version,
        kind=CaseKind.ENQUIRY,
        received_on=date(2026, 11, 19),
        reason="A question, emailed the day before",
    )
    assert (saved.kind, saved.received_on, saved.acknowledge_by, saved.respond_by) == (
        CaseKind.ENQUIRY,
        date(2026, 11, 19),
        None,
        date(2026, 12, 3),
    )
    assert saved.summary == "Asks when the assessment will finish"
    assert saved.version == complaint.version + 3  # one flush per part, as three saves moved it
    assert desk.cases.get(complaint.id) == saved
    added = [(action, login, body) for _id, action, login, body in audit_rows(desk)[len(audited) :]]
    assert added == [
        (
            "change-kind",
            "priya.shah",
            {
                "changes": {
                    "kind": ["complaint", "enquiry"],
                    "acknowledge_by": ["2026-11-27", None],
                    "respond_by": ["2026-12-11", "2026-12-04"],
                },
                "details": {"reason": "A question, emailed the day before"},
            },
        ),
        (
            "correct-date",
            "priya.shah",
            {
                "changes": {
                    "received_on": ["2026-11-20", "2026-11-19"],
                    "respond_by": ["2026-12-04", "2026-12-03"],
                },
                "details": {"field": "received_on", "reason": "A question, emailed the day before"},
            },
        ),
        (
            "edit",
            "priya.shah",
            {
                "changes": {
                    "summary": ["EHC needs assessment running late", "Asks when the assessment will finish"]
                }
            },
        ),
    ]


def test_a_save_against_an_older_version_is_refused_once_at_the_start(
    desk: Desk, complaint: CaseDetail, manager_desk: Desk
) -> None:
    moved = desk.cases.assign(complaint.id, officer_login="priya.shah", expected_version=complaint.version)
    assert moved.version == complaint.version + 1
    before, audited = saved_state(desk, complaint.id), audit_rows(desk)
    edit = dataclasses.replace(current_edit(desk, complaint.id), summary="Mine")
    with pytest.raises(ConflictError):
        manager_desk.case_edits.save(
            complaint.id, edit, expected_version=complaint.version, kind=CaseKind.ENQUIRY, reason="Wrong kind"
        )
    assert saved_state(desk, complaint.id) == before
    assert audit_rows(desk) == audited
    saved = manager_desk.case_edits.save(
        complaint.id, edit, expected_version=moved.version, kind=CaseKind.ENQUIRY, reason="Wrong kind"
    )
    assert (saved.kind, saved.summary, saved.version) == (CaseKind.ENQUIRY, "Mine", moved.version + 2)


def test_an_unchanged_save_writes_nothing(desk: Desk, complaint: CaseDetail, manager_desk: Desk) -> None:
    audited = audit_rows(desk)
    same = manager_desk.case_edits.save(
        complaint.id,
        current_edit(desk, complaint.id),
        expected_version=complaint.version,
        kind=CaseKind.COMPLAINT,
        received_on=date(2026, 11, 20),
    )
    assert same.version == complaint.version
    assert audit_rows(desk) == audited
