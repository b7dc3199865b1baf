"""Audit viewer: filters, old → new values, safe export, and an audit table nothing can change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError
from send_desk.services.audit_view import AuditQuery, AuditService, FieldChange
from send_desk.values.cases import CaseDetail
from tests.conftest import FakeClock, complaint_input
from tests.services.conftest import audit_count


@pytest.fixture
def trail(desk: Desk, clock: FakeClock, complaint: CaseDetail) -> CaseDetail:
    """Return the complaint after an acknowledgement on 27/11 and an extension on 30/11 by Sam Patel."""
    acked = desk.cases.acknowledge(complaint.id, on=date(2026, 11, 27), expected_version=complaint.version)
    clock.set_date(date(2026, 11, 30))
    return desk.cases.extend(
        acked.id, amount=5, reason='=HYPERLINK("http://evil")', expected_version=acked.version
    )


def test_search_by_case_shows_old_and_new_values(desk: Desk, trail: CaseDetail) -> None:
    entries = AuditService(desk.ctx).search(case_reference=trail.reference.lower())
    assert [e.action for e in entries] == ["extend", "acknowledge", "log"]
    acknowledge = entries[1]
    assert acknowledge.login == "sam.patel"
    assert acknowledge.actor_name == "Sam Patel"
    assert FieldChange("acknowledged_on", None, "2026-11-27") in acknowledge.changes
    assert "acknowledged_on: (none) → 2026-11-27" in acknowledge.summary()
    assert entries[0].details["reason"] == '=HYPERLINK("http://evil")'


def test_filters_combine(desk: Desk, trail: CaseDetail, manager_desk: Desk) -> None:
    service = AuditService(manager_desk.ctx)
    assert [e.action for e in service.search(action="extend")] == ["extend"]
    assert [e.action for e in service.search(date_from=date(2026, 11, 30))] == ["extend"]
    assert "extend" not in [e.action for e in service.search(date_to=date(2026, 11, 29))]
    assert {e.login for e in service.search(login="Sam")} == {"sam.patel"}
    assert service.search(login="alex.jones") == []
    assert len(service.search(limit=2)) == 2
    assert service.search(limit=2, offset=1)[0] == service.search()[1]
    assert service.count(AuditQuery(case_reference=trail.reference)) == 3
    assert "acknowledge" in service.actions()


def test_export_writes_every_field_change_as_text(desk: Desk, trail: CaseDetail, tmp_path: Path) -> None:
    out = tmp_path / "audit.xlsx"
    progress = list(AuditService(desk.ctx).export_xlsx(out, AuditQuery(case_reference=trail.reference)))
    assert progress[-1] == 3
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("When (UK time)", "Login", "Name", "Case", "Action")
    fields = {(r[4], r[5]): (r[6], r[7]) for r in rows[1:]}
    assert fields[("acknowledge", "acknowledged_on")] == ("(none)", "2026-11-27")
    extend = next(r for r in sheet.iter_rows(min_row=2) if r[4].value == "extend")
    details = extend[8]
    assert details.value.startswith("amount: 5; reason: =HYPERLINK")
    assert extend[8].data_type == "s"
    # a value that begins with "=" is stored as text, never as a formula
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f"


def test_export_of_a_starting_equals_sign_is_text(desk: Desk, tmp_path: Path, complaint: CaseDetail) -> None:
    desk.cases.log_case(complaint_input(reference="SD-2026-99999"))
    out = tmp_path / "a.xlsx"
    desk.staff.update_details("alex.jones", name="=SUM(A1:A2)", team="+44 team", email="@home")
    list(AuditService(desk.ctx).export_xlsx(out, AuditQuery(action="staff-change")))
    sheet = load_workbook(out).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value and str(c.value)[0] in "=+@"]
    assert {c.value for c in cells} >= {"=SUM(A1:A2)", "+44 team", "@home"}
    assert all(c.data_type == "s" for c in cells)


def test_nothing_can_change_or_delete_an_audit_entry(desk: Desk, trail: CaseDetail) -> None:
    before = AuditService(desk.ctx).search()
    count = audit_count(desk)
    for statement in (
        "UPDATE audit_entry SET login = 'someone.else'",
        "UPDATE audit_entry SET changes = '{}'",
        "UPDATE audit_entry SET changes = '{\"redacted\": true}'",
        "DELETE FROM audit_entry",
        "DELETE FROM audit_entry WHERE action = 'extend'",
    ):
        with pytest.raises(SendDeskError, match="audit entries cannot be"), desk.ctx.db.write() as session:
            session.execute(text(statement))
    assert audit_count(desk) == count
    assert AuditService(desk.ctx).search() == before


@pytest.mark.sqlite_only
def test_raw_sqlite_connection_is_refused_too(desk: Desk, trail: CaseDetail, database_path: Path) -> None:
    import sqlite3

    connection = sqlite3.connect(database_path)
    try:
        with pytest.raises(sqlite3.DatabaseError, match="cannot be changed"):
            connection.execute("UPDATE audit_entry SET action = 'nothing'")
        with pytest.raises(sqlite3.DatabaseError, match="cannot be deleted"):
            connection.execute("DELETE FROM audit_entry")
    finally:
        connection.close()
