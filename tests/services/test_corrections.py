"""Corrections of recorded dates: managers only, with a reason, clocks recomputed, audited old → new."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from send_desk.domain.kinds import Outcome
from send_desk.services.corrections import DateField, RecordedDateService
from send_desk.values.cases import CaseDetail
from tests.services.conftest import audit_count


def last_audit(desk: Desk) -> tuple[str, str, dict[str, object]]:
    with desk.ctx.db.read() as session:
        row = session.execute(
            select(AuditEntry.action, AuditEntry.login, AuditEntry.changes).order_by(AuditEntry.id.desc())
        ).first()
        assert row is not None
        return row[0], row[1], json.loads(row[2])


def test_manager_corrects_the_received_date_and_the_clocks_follow(
    manager_desk: Desk, complaint: CaseDetail
) -> None:
    fixed = RecordedDateService(manager_desk.ctx).correct_date(
        complaint.id,
        DateField.RECEIVED_ON,
        date(2026, 11, 18),
        "Letter was date-stamped on the 18th",
        complaint.version,
    )
    assert fixed.received_on == date(2026, 11, 18)
    assert fixed.acknowledge_by == date(2026, 11, 25)
    assert fixed.respond_by == date(2026, 12, 9)
    assert fixed.stages[0].started_on == date(2026, 11, 18)
    assert fixed.version == complaint.version + 1
    assert fixed.timeline[-1].text == (
        "The received date was corrected from 20/11/2026 to 18/11/2026: Letter was date-stamped on the 18th"
    )
    action, login, body = last_audit(manager_desk)
    assert (action, login) == ("correct-date", "priya.shah")
    assert body["changes"] == {
        "received_on": ["2026-11-20", "2026-11-18"],
        "acknowledge_by": ["2026-11-27", "2026-11-25"],
        "respond_by": ["2026-12-11", "2026-12-09"],
    }
    assert body["details"] == {"field": "received_on", "reason": "Letter was date-stamped on the 18th"}


def test_correcting_the_acknowledgement_moves_the_response_target(
    desk: Desk, manager_desk: Desk, complaint: CaseDetail
) -> None:
    acked = desk.cases.acknowledge(complaint.id, on=date(2026, 11, 27), expected_version=complaint.version)
    assert acked.respond_by == date(2026, 12, 11)
    fixed = RecordedDateService(manager_desk.ctx).correct_date(
        acked.id, "acknowledged_on", date(2026, 11, 24), "Sent on the 24th, logged late", acked.version
    )
    assert fixed.acknowledged_on == date(2026, 11, 24)
    assert fixed.respond_by == date(2026, 12, 8)
    _action, _login, body = last_audit(manager_desk)
    changes = body["changes"]
    assert isinstance(changes, dict)
    assert changes["acknowledged_on"] == ["2026-11-27", "2026-11-24"]
    assert changes["respond_by"] == ["2026-12-11", "2026-12-08"]


def test_correcting_the_response_date(desk: Desk, manager_desk: Desk, complaint: CaseDetail) -> None:
    acked = desk.cases.acknowledge(complaint.id, on=date(2026, 11, 23), expected_version=complaint.version)
    done = desk.cases.respond(
        acked.id, on=date(2026, 11, 26), outcome=Outcome.UPHELD, expected_version=acked.version
    )
    service = RecordedDateService(manager_desk.ctx)
    fixed = service.correct_date(
        done.id, "responded_on", date(2026, 11, 25), "Typed the wrong day", done.version
    )
    assert fixed.responded_on == date(2026, 11, 25)
    with pytest.raises(ValidationError, match="cannot be before the acknowledgement"):
        service.correct_date(fixed.id, "responded_on", date(2026, 11, 20), "why", fixed.version)
    with pytest.raises(ValidationError, match="cannot be after the response"):
        service.correct_date(fixed.id, "acknowledged_on", date(2026, 11, 26), "why", fixed.version)
    with pytest.raises(ValidationError, match="received date cannot be after the acknowledgement"):
        service.correct_date(fixed.id, "received_on", date(2026, 11, 24), "why", fixed.version)


def test_corrections_are_validated_and_nothing_is_audited(manager_desk: Desk, complaint: CaseDetail) -> None:
    service = RecordedDateService(manager_desk.ctx)
    before = audit_count(manager_desk)
    with pytest.raises(ValidationError, match="Give the reason"):
        service.correct_date(complaint.id, "received_on", date(2026, 11, 19), "  ", complaint.version)
    with pytest.raises(ValidationError, match="in the future"):
        service.correct_date(complaint.id, "received_on", date(2026, 12, 1), "why", complaint.version)
    with pytest.raises(ValidationError, match="nothing to correct"):
        service.correct_date(complaint.id, "acknowledged_on", date(2026, 11, 23), "why", complaint.version)
    with pytest.raises(ValidationError, match="not a date that can be corrected"):
        service.correct_date(complaint.id, "closed_on", date(2026, 11, 23), "why", complaint.version)
    with pytest.raises(ConflictError):
        service.correct_date(complaint.id, "received_on", date(2026, 11, 19), "why", complaint.version + 5)
    assert audit_count(manager_desk) == before


def test_officer_cannot_correct_dates(officer_desk: Desk, complaint: CaseDetail) -> None:
    before = audit_count(officer_desk)
    with pytest.raises(PermissionDeniedError, match="Only a manager or an admin can correct recorded dates"):
        RecordedDateService(officer_desk.ctx).correct_date(
            complaint.id, "received_on", date(2026, 11, 19), "why", complaint.version
        )
    assert audit_count(officer_desk) == before
