"""Subject access finder: every case mentioning a person, and one pack with the whole of each case."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry
from send_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from send_desk.domain.kinds import CaseKind
from send_desk.services.subject_access import SubjectAccessService
from send_desk.values.cases import CaseDetail, CaseInput, PersonInput
from tests.conftest import complaint_input
from tests.services.conftest import audit_count


@pytest.fixture
def cases(desk: Desk, complaint: CaseDetail) -> dict[str, CaseDetail]:
    """Return the Bloggs complaint, an enquiry that only mentions Jo in a note, and an unrelated case."""
    mention = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 23)))
    mention = desk.cases.add_note(mention.id, text="Jo BLOGGS rang about her neighbour's case")
    other = desk.cases.log_case(
        complaint_input(
            contact=PersonInput(name="Sam Smith", email="sam@example.com", phone="01632 960123"),
            child=PersonInput(name="Lee Smith"),
        )
    )
    return {"complaint": complaint, "mention": mention, "other": other}


def refs(rows: list[object]) -> set[str]:
    return {row.reference for row in rows}  # type: ignore[attr-defined]


def test_find_by_name_email_phone_and_child(manager_desk: Desk, cases: dict[str, CaseDetail]) -> None:
    finder = SubjectAccessService(manager_desk.ctx)
    bloggs = {cases["complaint"].reference, cases["mention"].reference}
    assert refs(finder.find_mentions(name="jo bloggs")) == bloggs
    assert refs(finder.find_mentions(email="JO.BLOGGS@example.org")) == {cases["complaint"].reference}
    assert refs(finder.find_mentions(phone="07700-900-123")) == {cases["complaint"].reference}
    assert refs(finder.find_mentions(phone="07700900123")) == {cases["complaint"].reference}
    assert refs(finder.find_mentions(child="Amy Bloggs")) == {cases["complaint"].reference}
    assert refs(finder.find_mentions(child="Lee")) == {cases["other"].reference}
    assert finder.find_mentions(name="Nobody Atall") == []
    assert refs(finder.find_mentions(name="100%_")) == set()


def test_find_needs_something_to_look_for(manager_desk: Desk) -> None:
    finder = SubjectAccessService(manager_desk.ctx)
    with pytest.raises(ValidationError, match="Enter a name"):
        finder.find_mentions()
    with pytest.raises(ValidationError, match="six digits"):
        finder.find_mentions(phone="0123")


def test_export_pack_holds_the_whole_of_each_case(
    manager_desk: Desk, cases: dict[str, CaseDetail], tmp_path: Path
) -> None:
    finder = SubjectAccessService(manager_desk.ctx)
    found = [row.reference for row in finder.find_mentions(name="Bloggs")]
    out = tmp_path / "pack.xlsx"
    assert list(finder.export_pack(found, out))[-1] == 2
    book = load_workbook(out)
    assert book.sheetnames == ["Cases", "People", "Stages", "Timeline", "Documents"]
    cases_rows = list(book["Cases"].iter_rows(values_only=True))
    assert {r[0] for r in cases_rows[1:]} == set(found)
    people = list(book["People"].iter_rows(values_only=True))
    assert {"Jo Bloggs", "Amy Bloggs"} <= {r[2] for r in people}
    timeline = [r[5] for r in book["Timeline"].iter_rows(values_only=True)]
    assert "Jo BLOGGS rang about her neighbour's case" in timeline
    with manager_desk.ctx.db.read() as session:
        body = session.scalars(
            select(AuditEntry.changes).where(AuditEntry.action == "subject-access-export")
        ).one()
    details = json.loads(body)["details"]
    assert details == {"count": 2, "references": found}
    assert "Bloggs" not in body  # the audit trail records what was exported, not who was searched for


def test_export_pack_refuses_unknown_references(manager_desk: Desk, tmp_path: Path) -> None:
    before = audit_count(manager_desk)
    with pytest.raises(NotFoundError, match="SD-1999-00001"):
        list(SubjectAccessService(manager_desk.ctx).export_pack(["sd-1999-00001"], tmp_path / "x.xlsx"))
    assert audit_count(manager_desk) == before
    assert not (tmp_path / "x.xlsx").exists()


def test_officer_cannot_search_everyone(officer_desk: Desk, cases: dict[str, CaseDetail]) -> None:
    with pytest.raises(PermissionDeniedError, match="search every case for a person"):
        SubjectAccessService(officer_desk.ctx).find_mentions(name="Bloggs")


def test_export_pack_includes_the_cases_documents(
    desk: Desk, manager_desk: Desk, cases: dict[str, CaseDetail], tmp_path: Path
) -> None:
    reference = cases["complaint"].reference
    letter = b"%PDF-1.4 the stage 1 response to Jo Bloggs" + bytes(range(256))
    kept = desk.documents.add(reference, "stage 1 response.pdf", letter)
    gone = desk.documents.add(reference, "wrong family.pdf", b"not theirs")
    desk.documents.remove(reference, gone.id, reason="Put on the wrong case")
    out = tmp_path / "pack.xlsx"
    list(SubjectAccessService(manager_desk.ctx).export_pack([reference], out))
    copied = tmp_path / "pack documents" / reference / "stage 1 response.pdf"
    assert copied.read_bytes() == letter
    assert [p.name for p in copied.parent.iterdir()] == ["stage 1 response.pdf"]
    rows = list(load_workbook(out)["Documents"].iter_rows(values_only=True))
    assert rows[1:] == [
        (
            reference,
            "stage 1 response.pdf",
            "application/pdf",
            len(letter),
            kept.sha256,
            kept.added_at.replace(tzinfo=None),
            "sam.patel",
            f"pack documents/{reference}/stage 1 response.pdf",
        )
    ]
