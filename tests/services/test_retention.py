"""Retention: old closed cases lose every personal detail, the figures stay the same, the file forgets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import case as sql_case
from sqlalchemy import func, select, text

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry, Case
from send_desk.domain.errors import SendDeskError, ValidationError
from send_desk.domain.kinds import CaseKind, ClosureCode, Outcome, RemedyKind
from send_desk.services.backup import BackupService
from send_desk.services.cases import RemedyInput
from send_desk.services.reporting import ReportingService
from send_desk.services.retention import REDACTED, RetentionService, needs_redaction, years_before
from send_desk.values.cases import CaseDetail, CaseFilter, CaseInput, PersonInput
from tests.conftest import FakeClock, complaint_input

OLD_NAMES = (b"bloggs", b"carson", b"jo.bloggs@example.org", b"900123", b"kit@example.net", b"ab123456c")


def old_complaint(desk: Desk, clock: FakeClock) -> CaseDetail:
    """Log and finish a complaint in 2019: acknowledged, extended, answered with remedies, closed."""
    clock.set_date(date(2019, 5, 20))
    case = desk.cases.log_case(
        complaint_input(
            received=date(2019, 5, 13),
            child=PersonInput(name="Amy Bloggs", date_of_birth=date(2012, 3, 9), identifier="AB123456C"),
            description="Jo Bloggs says the assessment for Amy Bloggs is late.",
            adjustments="Jo Bloggs prefers large print",
        )
    )
    case = desk.cases.add_note(case.id, text="Phoned Jo Bloggs on 07700 900123 about Amy.")
    case = desk.cases.acknowledge(case.id, on=date(2019, 5, 17), expected_version=case.version)
    clock.set_date(date(2019, 6, 3))
    case = desk.cases.extend(
        case.id, amount=5, reason="Waiting for the school report", expected_version=case.version
    )
    clock.set_date(date(2019, 6, 7))
    case = desk.cases.respond(
        case.id,
        on=date(2019, 6, 7),
        expected_version=case.version,
        outcome=Outcome.PARTLY_UPHELD,
        reasons="Amy Bloggs waited too long",
        learning="Chase school reports after five days",
        remedies=[
            RemedyInput(RemedyKind.FINANCIAL, 15000, "Payment to Jo Bloggs"),
            RemedyInput(RemedyKind.APOLOGY),
        ],
    )
    clock.set_date(date(2019, 6, 10))
    return desk.cases.close(
        case.id, code=ClosureCode.RESPONDED, on=date(2019, 6, 10), expected_version=case.version
    )


def old_enquiry(desk: Desk, clock: FakeClock) -> CaseDetail:
    """Log an enquiry in 2019 whose extension reason (wrongly) names the contact, then close it."""
    clock.set_date(date(2019, 5, 21))
    case = desk.cases.log_case(
        CaseInput(
            kind=CaseKind.ENQUIRY,
            received_on=date(2019, 5, 21),
            contact=PersonInput(name="Kit Carson", email="kit@example.net", phone="01632 960001"),
            summary="Transport for Kit Carson's son",
        )
    )
    case = desk.cases.extend(
        case.id, amount=5, reason="Kit Carson asked us to wait", expected_version=case.version
    )
    clock.set_date(date(2019, 6, 11))
    case = desk.cases.respond(case.id, on=date(2019, 6, 10), expected_version=case.version)
    return desk.cases.close(
        case.id, code=ClosureCode.RESPONDED, on=date(2019, 6, 11), expected_version=case.version
    )


@pytest.fixture
def history(desk: Desk, clock: FakeClock) -> dict[str, CaseDetail]:
    """Return old closed cases, an old open one, and a recent closed one; the clock ends on 27/11/2026."""
    cases = {"complaint": old_complaint(desk, clock), "enquiry": old_enquiry(desk, clock)}
    clock.set_date(date(2019, 7, 1))
    cases["open"] = desk.cases.log_case(
        complaint_input(
            received=date(2019, 7, 1), contact=PersonInput(name="Open Person"), child=PersonInput()
        )
    )
    clock.set_date(date(2026, 11, 27))
    recent = desk.cases.log_case(
        complaint_input(
            received=date(2026, 11, 2),
            contact=PersonInput(name="Recent Person", email="recent@example.com"),
            child=PersonInput(name="Recent Child"),
        )
    )
    cases["recent"] = desk.cases.close(
        recent.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 20), expected_version=recent.version
    )
    return cases


def figures(desk: Desk) -> dict[str, Any]:
    """Return the weekly and annual report figures of 2019 and our own SQL counts, without timestamps."""
    reports = ReportingService(desk.ctx)
    result: dict[str, Any] = {}
    for week in ("2019-W20", "2019-W21", "2019-W23", "2019-W24", "2019-W25"):
        weekly = reports.weekly_summary(week).to_json()
        result[week] = {k: v for k, v in weekly.items() if not k.startswith("generated")}
    annual = reports.annual_figures(2019).to_json()
    result["annual"] = {k: v for k, v in annual.items() if not k.startswith("generated")}
    with desk.ctx.db.read() as session:
        result["sql"] = sorted(
            (
                tuple(row)
                for row in session.execute(
                    select(
                        Case.kind,
                        Case.outcome,
                        Case.category_id,
                        Case.closure_code,
                        func.count(),
                        func.count(sql_case((Case.responded_on <= Case.respond_by, 1))),
                    ).group_by(Case.kind, Case.outcome, Case.category_id, Case.closure_code)
                ).all()
            ),
            key=repr,
        )
    return json.loads(json.dumps(result, default=str))


def test_default_cutoff_is_six_years_before_today(desk: Desk) -> None:
    assert RetentionService(desk.ctx).default_cutoff() == date(2020, 11, 27)
    assert years_before(date(2024, 2, 29), 6) == date(2018, 2, 28)
    with pytest.raises(ValidationError, match="future"):
        RetentionService(desk.ctx).preview(date(2027, 1, 1))


def test_preview_lists_only_old_closed_cases_and_changes_nothing(
    desk: Desk, history: dict[str, CaseDetail]
) -> None:
    service = RetentionService(desk.ctx)
    preview = service.preview()
    assert preview.cutoff == date(2020, 11, 27)
    assert [i.reference for i in preview.items] == [
        history["complaint"].reference,
        history["enquiry"].reference,
    ]
    assert preview.items[0].closed_on == date(2019, 6, 10)
    assert not desk.cases.get(history["complaint"].id).anonymised
    assert service.preview(date(2019, 6, 11)).count == 1


def test_anonymise_removes_personal_fields_and_keeps_the_figures(
    desk: Desk, history: dict[str, CaseDetail]
) -> None:
    before = figures(desk)
    result = RetentionService(desk.ctx).anonymise()
    assert result.count == 2
    assert set(result.references) == {history["complaint"].reference, history["enquiry"].reference}
    after = figures(desk)
    for key, value in before.items():
        for sub in value if isinstance(value, dict) else [None]:
            old = value if sub is None else value[sub]
            new = after[key] if sub is None else after[key][sub]
            assert (key, sub, new) == (key, sub, old)

    case = desk.cases.get(history["complaint"].id)
    assert case.anonymised
    assert (case.summary, case.description, case.adjustments) == ("", "", "")
    assert case.contact is not None
    assert (case.contact.name, case.contact.email, case.contact.phone) == ("", "", "")
    assert case.contact.relationship == "parent"
    assert case.child is not None
    assert (case.child.name, case.child.date_of_birth, case.child.identifier) == ("", None, "")
    assert all(entry.text == "" for entry in case.timeline)
    stage = case.current_stage
    assert stage.reasons == ""
    assert stage.learning == "Chase school reports after five days"  # kept: the annual report lists it
    assert [e.reason for e in stage.extensions] == ["Waiting for the school report"]
    assert [(r.kind, r.amount_pence, r.description) for r in stage.remedies] == [
        ("financial", 15000, ""),
        ("apology", None, ""),
    ]
    assert (case.received_on, case.acknowledged_on, case.responded_on, case.closed_on) == (
        date(2019, 5, 13),
        date(2019, 5, 17),
        date(2019, 6, 7),
        date(2019, 6, 10),
    )
    assert (case.outcome, case.category, case.kind) == (
        "partly-upheld",
        "Assessment delay",
        CaseKind.COMPLAINT,
    )
    enquiry = desk.cases.get(history["enquiry"].id)
    assert [e.reason for e in enquiry.current_stage.extensions] == ["[removed] asked us to wait"]
    # the others are untouched
    assert not desk.cases.get(history["open"].id).anonymised
    recent = desk.cases.get(history["recent"].id)
    assert recent.contact is not None
    assert recent.contact.name == "Recent Person"
    # search no longer finds the old names, still finds the new ones and the reference
    assert desk.register.count(CaseFilter(status="all", text="Bloggs")) == 0
    assert desk.register.count(CaseFilter(status="all", text="Recent Person")) == 1
    assert desk.register.count(CaseFilter(status="all", text=history["complaint"].reference)) == 1
    # nothing more to do the second time
    assert RetentionService(desk.ctx).anonymise().count == 0


def test_anonymise_is_audited_once_with_the_references(desk: Desk, history: dict[str, CaseDetail]) -> None:
    result = RetentionService(desk.ctx).anonymise()
    with desk.ctx.db.read() as session:
        runs = session.execute(
            select(AuditEntry.login, AuditEntry.changes).where(AuditEntry.action == "retention-anonymise")
        ).all()
        assert len(runs) == 1
        login, body = runs[0]
        assert login == "sam.patel"
        details = json.loads(body)["details"]
        assert details["count"] == 2
        assert sorted(details["references"]) == sorted(result.references)
        assert details["cutoff"] == "2020-11-27"
        bodies = dict(
            session.execute(
                select(AuditEntry.action, AuditEntry.changes).where(
                    AuditEntry.case_id == history["complaint"].id
                )
            ).all()
        )
    assert bodies["extend"] == REDACTED  # held a free-text reason
    assert bodies["respond"] != REDACTED  # dates and remedy kinds only
    assert "2019-06-07" in bodies["respond"]
    assert bodies["log"] != REDACTED
    assert result.audit_entries_redacted >= 2


def test_audit_redaction_rules() -> None:
    assert not needs_redaction('{"changes": {"respond_by": ["2019-06-01", "2019-06-08"]}}')
    assert needs_redaction('{"details": {"reason": "Jo asked"}}')
    assert needs_redaction('{"details": {"something_new": "x"}}')
    assert needs_redaction("not json")
    assert not needs_redaction(REDACTED)


def database_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data.lower()


@pytest.mark.sqlite_only
def test_no_personal_detail_survives_in_the_database_file(
    desk: Desk, history: dict[str, CaseDetail], database_path: Path
) -> None:
    raw = database_bytes(database_path)
    assert all(name in raw for name in OLD_NAMES), "the test data should be in the file before"
    result = RetentionService(desk.ctx).anonymise()
    assert result.compacted
    raw = database_bytes(database_path)
    for name in OLD_NAMES:
        assert name not in raw, name
    assert b"recent person" in raw
    # the full-text index holds no old token either
    connection = sqlite3.connect(database_path)
    try:
        connection.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, case_fts, row)")
        terms = {row[0] for row in connection.execute("SELECT term FROM temp.vocab")}
    finally:
        connection.close()
    assert "bloggs" not in terms
    assert "carson" not in terms
    assert "recent" in terms


@pytest.mark.sqlite_only
def test_restoring_a_backup_from_before_a_retention_run_brings_no_personal_data_back(
    desk: Desk, history: dict[str, CaseDetail], database_path: Path, clock: FakeClock, tmp_path: Path
) -> None:
    backups = BackupService(desk.url, clock=clock, engine=desk.ctx.db.engine, login=desk.ctx.login)
    before_run = backups.backup(tmp_path / "before-retention.sqlite3")
    assert all(name in database_bytes(before_run) for name in OLD_NAMES)
    anonymised = RetentionService(desk.ctx).anonymise().references

    result = backups.restore(before_run)

    assert sorted(result.reanonymised) == sorted(anonymised)
    assert sorted(anonymised) == sorted([history["complaint"].reference, history["enquiry"].reference])
    assert desk.cases.get(history["complaint"].id).anonymised
    assert desk.cases.get(history["enquiry"].id).anonymised
    assert not desk.cases.get(history["open"].id).anonymised
    raw = database_bytes(database_path)
    for name in OLD_NAMES:
        assert name not in raw, name
    assert b"recent person" in raw
    with desk.ctx.db.read() as session:
        changes = session.scalars(
            select(AuditEntry.changes).where(AuditEntry.action == "retention-reapplied")
        ).one()
    assert json.loads(changes)["details"]["references"] == [
        history["complaint"].reference,
        history["enquiry"].reference,
    ]
    # the safety copy of the database as it was before the restore was already anonymised
    assert result.safety_copy is not None
    assert not any(name in database_bytes(result.safety_copy) for name in OLD_NAMES)


def run_sql(desk: Desk, sql: str, **params: Any) -> None:
    with desk.ctx.db.write() as session:
        session.execute(text(sql), params)


Redaction = Callable[[Desk, int], None]


def test_database_refuses_redaction_of_a_case_that_is_not_anonymised(
    desk: Desk, history: dict[str, CaseDetail]
) -> None:
    case_id = history["recent"].id
    with pytest.raises(SendDeskError, match="cannot be changed"):
        run_sql(desk, "UPDATE audit_entry SET changes = :m WHERE case_id = :c", m=REDACTED, c=case_id)


def test_database_allows_only_the_marker_on_an_anonymised_case(
    desk: Desk, history: dict[str, CaseDetail]
) -> None:
    RetentionService(desk.ctx).anonymise(compact=False)
    case_id = history["complaint"].id
    with pytest.raises(SendDeskError, match="cannot be changed"):
        run_sql(desk, "UPDATE audit_entry SET changes = '{}' WHERE case_id = :c", c=case_id)
    with pytest.raises(SendDeskError, match="cannot be changed"):
        run_sql(
            desk,
            "UPDATE audit_entry SET login = 'someone', changes = :m WHERE case_id = :c",
            m=REDACTED,
            c=case_id,
        )
    with pytest.raises(SendDeskError, match="cannot be"):
        run_sql(desk, "DELETE FROM audit_entry WHERE case_id = :c", c=case_id)
    run_sql(desk, "UPDATE audit_entry SET changes = :m WHERE case_id = :c", m=REDACTED, c=case_id)


@pytest.mark.sqlite_only
def test_compaction_owed_survives_a_crash_between_the_retention_commit_and_vacuum(
    desk: Desk, history: dict[str, CaseDetail], database_path: Path
) -> None:
    service = RetentionService(desk.ctx)
    first = service.anonymise(compact=False)  # as if the process died right after the commit
    assert len(first.references) == 2
    assert not first.compacted
    owed = service.compaction_owed()
    assert (owed.owed, owed.tables) == (True, ("*",))
    assert b"bloggs" in database_bytes(database_path), "the old text should still be in the file"

    again = service.anonymise()  # nothing left to anonymise, but compaction is still owed

    assert again.references == ()
    assert again.compacted
    assert not service.compaction_owed().owed
    raw = database_bytes(database_path)
    for name in OLD_NAMES:
        assert name not in raw, name


@pytest.mark.sqlite_only
def test_maintain_compacts_a_sqlite_file_that_owes_it(
    desk: Desk, history: dict[str, CaseDetail], database_path: Path
) -> None:
    from send_desk.services.maintenance import maintain

    RetentionService(desk.ctx).anonymise(compact=False)
    assert maintain(desk.ctx.db.engine).compacted == ("*",)
    assert maintain(desk.ctx.db.engine).compacted == ()
    assert b"bloggs" not in database_bytes(database_path)


@pytest.mark.sqlite_only
def test_the_anonymise_redact_restore_trick_fails_on_sqlite(
    desk: Desk, complaint: CaseDetail, database_path: Path
) -> None:
    connection = sqlite3.connect(database_path)
    try:
        connection.execute("UPDATE case_record SET anonymised = 1 WHERE id = ?", (complaint.id,))
        connection.execute("UPDATE audit_entry SET changes = ? WHERE case_id = ?", (REDACTED, complaint.id))
        connection.commit()
        with pytest.raises(sqlite3.DatabaseError, match="an anonymised case stays anonymised"):
            connection.execute("UPDATE case_record SET anonymised = 0 WHERE id = ?", (complaint.id,))
        connection.rollback()
    finally:
        connection.close()
    assert desk.cases.get(complaint.id).anonymised


@pytest.mark.sqlite_only
def test_the_next_start_compacts_what_a_crash_left_owed(
    desk: Desk, history: dict[str, CaseDetail], database_path: Path, clock: FakeClock
) -> None:
    from send_desk.bootstrap import open_desk

    RetentionService(desk.ctx).anonymise(compact=False)
    desk.close()
    reopened = open_desk(str(database_path), clock=clock, login="sam.patel")
    try:
        assert not RetentionService(reopened.ctx).compaction_owed().owed
    finally:
        reopened.close()
    assert b"bloggs" not in database_bytes(database_path)
