"""The case's documents: kept in the database on both backends, size-limited, every change audited."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry, CaseDocument
from send_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from send_desk.values.cases import CaseDetail
from send_desk.values.documents import MEGABYTE, size_words
from tests.conftest import FakeClock

PDF = b"%PDF-1.4\n% a signed response\n" + bytes(range(256)) * 40


def audit_rows(desk: Desk, action: str) -> list[tuple[str, str, dict[str, object]]]:
    with desk.ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.login, AuditEntry.case_reference, AuditEntry.changes)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        ).all()
    return [(login, reference, json.loads(body)["details"]) for login, reference, body in rows]


def test_add_list_open_and_remove_are_kept_in_the_database_and_audited(
    desk: Desk, complaint: CaseDetail, clock: FakeClock, backend: str
) -> None:
    added = desk.documents.add(complaint.reference, "Signed response.pdf", PDF)
    assert (added.name, added.media_type, added.size, added.sha256, added.added_by) == (
        "Signed response.pdf",
        "application/pdf",
        len(PDF),
        hashlib.sha256(PDF).hexdigest(),
        "sam.patel",
    )
    assert added.added_at == clock()
    note = desk.documents.add(complaint.reference, "C:\\Users\\sam\\Desktop\\call note.txt", b"Rang Jo.")
    assert (note.name, note.media_type) == ("call note.txt", "text/plain")

    assert [d.name for d in desk.documents.list(complaint.reference)] == [
        "Signed response.pdf",
        "call note.txt",
    ]
    assert desk.documents.content(complaint.reference, "Signed response.pdf") == PDF
    assert desk.documents.content(complaint.reference.lower(), added.id) == PDF
    with desk.ctx.db.read() as session:  # the bytes are in the database itself, not beside it
        stored = session.scalar(select(CaseDocument.content).where(CaseDocument.id == added.id))
    assert bytes(stored or b"") == PDF

    removed = desk.documents.remove(complaint.reference, "call note.txt", reason="Wrong case")
    assert (removed.removed, removed.removed_by, removed.removed_reason) == (True, "sam.patel", "Wrong case")
    assert [d.name for d in desk.documents.list(complaint.reference)] == ["Signed response.pdf"]
    everything = desk.documents.list(complaint.reference, include_removed=True)
    assert [(d.name, d.removed) for d in everything] == [
        ("Signed response.pdf", False),
        ("call note.txt", True),
    ]
    with pytest.raises(
        NotFoundError, match=r"call note.txt on case .* was removed by sam.patel on 27/11/2026"
    ):
        desk.documents.content(complaint.reference, "call note.txt")
    with desk.ctx.db.read() as session:  # a removal drops the bytes, keeps the record
        assert session.scalar(select(CaseDocument.content).where(CaseDocument.id == note.id)) is None

    assert audit_rows(desk, "document-added") == [
        (
            "sam.patel",
            complaint.reference,
            {
                "document_id": added.id,
                "name": "Signed response.pdf",
                "media_type": "application/pdf",
                "size": len(PDF),
                "sha256": hashlib.sha256(PDF).hexdigest(),
            },
        ),
        (
            "sam.patel",
            complaint.reference,
            {
                "document_id": note.id,
                "name": "call note.txt",
                "media_type": "text/plain",
                "size": 8,
                "sha256": hashlib.sha256(b"Rang Jo.").hexdigest(),
            },
        ),
    ]
    assert audit_rows(desk, "document-removed") == [
        (
            "sam.patel",
            complaint.reference,
            {
                "document_id": note.id,
                "name": "call note.txt",
                "size": 8,
                "sha256": hashlib.sha256(b"Rang Jo.").hexdigest(),
                "reason": "Wrong case",
            },
        )
    ]


def test_a_second_file_of_the_same_name_is_kept_beside_the_first(desk: Desk, complaint: CaseDetail) -> None:
    desk.documents.add(complaint.reference, "letter.docx", b"first")
    second = desk.documents.add(complaint.reference, "letter.docx", b"second")
    third = desk.documents.add(complaint.reference, "letter.docx", b"third")
    assert (second.name, second.asked_name) == ("letter (2).docx", "letter.docx")
    assert third.name == "letter (3).docx"
    assert desk.documents.content(complaint.reference, "letter.docx") == b"first"
    assert desk.documents.content(complaint.reference, "letter (2).docx") == b"second"
    assert audit_rows(desk, "document-added")[1][2]["asked_name"] == "letter.docx"


def test_a_30_mb_file_is_refused_with_the_limit_in_the_message(desk: Desk, complaint: CaseDetail) -> None:
    big = bytes(30 * MEGABYTE)
    with pytest.raises(ValidationError) as raised:
        desk.documents.add(complaint.reference, "scan.pdf", big)
    assert str(raised.value) == (
        "scan.pdf is 30 MB, larger than the 25 MB limit for one document. Make the file smaller "
        "(for example, scan at a lower resolution or save it as PDF) or ask your SEND Desk admin "
        "to raise the limit."
    )
    assert desk.documents.list(complaint.reference) == []
    assert audit_rows(desk, "document-added") == []


def test_an_admin_changes_the_limit_and_it_is_audited(
    desk: Desk, other_desk: Desk, complaint: CaseDetail
) -> None:
    assert desk.documents.max_bytes() == 25 * MEGABYTE
    desk.documents.set_max_bytes(40 * MEGABYTE)
    assert other_desk.documents.max_bytes() == 40 * MEGABYTE
    assert (
        other_desk.documents.add(complaint.reference, "scan.pdf", bytes(30 * MEGABYTE)).size == 30 * MEGABYTE
    )
    with pytest.raises(PermissionDeniedError, match="Only an admin can change the desk's shared settings"):
        other_desk.documents.set_max_bytes(50 * MEGABYTE)
    with desk.ctx.db.read() as session:
        bodies = session.scalars(
            select(AuditEntry.changes).where(AuditEntry.action == "setting-changed")
        ).all()
    assert [json.loads(b)["changes"] for b in bodies] == [{"documents.max_bytes": [None, str(40 * MEGABYTE)]}]


def test_unknown_case_and_document_are_said_plainly(desk: Desk, complaint: CaseDetail) -> None:
    with pytest.raises(NotFoundError, match="There is no case with the reference SEND-1999-99999"):
        desk.documents.add("SEND-1999-99999", "a.txt", b"x")
    with pytest.raises(NotFoundError, match=r"has no document called nothing.pdf\. List its documents"):
        desk.documents.content(complaint.reference, "nothing.pdf")
    with pytest.raises(ValidationError, match="The document needs a file name"):
        desk.documents.add(complaint.reference, "  ", b"x")


def test_size_words() -> None:
    assert [size_words(n) for n in (1, 900, 2048, 1536 * 1024, 30 * MEGABYTE)] == [
        "1 byte",
        "900 bytes",
        "2 KB",
        "1.5 MB",
        "30 MB",
    ]


@pytest.mark.sqlite_only
def test_a_backup_restored_brings_the_documents_back_byte_identical(
    desk: Desk, complaint: CaseDetail, clock: FakeClock
) -> None:
    from datetime import timedelta

    from send_desk.services.backup import BackupService

    scan = bytes(range(256)) * 4096 + b"end of scan"  # 1 MB of every byte value
    desk.documents.add(complaint.reference, "scan.pdf", scan)
    desk.documents.add(complaint.reference, "email.eml", b"From: jo@example.org\r\n\r\nHello")
    service = BackupService(desk.url, clock=clock, engine=desk.ctx.db.engine, login=desk.ctx.login)
    backup = service.backup()
    desk.documents.remove(complaint.reference, "scan.pdf", reason="Removed after the backup")
    desk.documents.add(complaint.reference, "later.txt", b"added after the backup")
    clock.moment += timedelta(minutes=5)

    service.restore(backup)

    assert [d.name for d in desk.documents.list(complaint.reference)] == ["scan.pdf", "email.eml"]
    restored = desk.documents.content(complaint.reference, "scan.pdf")
    assert restored == scan
    assert hashlib.sha256(restored).hexdigest() == desk.documents.get(complaint.reference, "scan.pdf").sha256
    assert desk.documents.content(complaint.reference, "email.eml") == b"From: jo@example.org\r\n\r\nHello"


@pytest.mark.sqlite_only
def test_retention_removes_the_documents_and_their_bytes_leave_the_sqlite_file(
    desk: Desk, clock: FakeClock, database_path: Path
) -> None:
    from datetime import date

    from send_desk.domain.kinds import ClosureCode
    from send_desk.services.retention import RetentionService
    from tests.conftest import complaint_input
    from tests.services.test_retention import database_bytes

    clock.set_date(date(2019, 5, 13))
    old = desk.cases.log_case(complaint_input(received=date(2019, 5, 13)))
    marker = b"QUOKKA-SECRET-" * 300  # distinctive bytes, over a page long
    desk.documents.add(old.reference, "Bloggs family letter.pdf", marker)
    clock.set_date(date(2019, 6, 1))
    desk.cases.close(old.id, code=ClosureCode.WITHDRAWN, on=date(2019, 6, 1), expected_version=old.version)
    clock.set_date(date(2026, 11, 27))
    recent = desk.cases.log_case(complaint_input(received=date(2026, 11, 20)))
    desk.documents.add(recent.reference, "recent.txt", b"WOMBAT-KEPT")
    assert b"quokka-secret" in database_bytes(database_path), "the bytes should be in the file before"

    result = RetentionService(desk.ctx).anonymise()

    assert (result.references, result.documents_removed) == ((old.reference,), 1)
    raw = database_bytes(database_path)
    assert b"quokka-secret" not in raw
    assert b"bloggs family letter" not in raw
    assert b"wombat-kept" in raw
    assert desk.documents.list(old.reference) == []
    [gone] = desk.documents.list(old.reference, include_removed=True)
    assert (gone.name, gone.removed, gone.removed_reason) == ("[removed]", True, "retention")
    assert gone.size == len(marker)
    assert [d.name for d in desk.documents.list(recent.reference)] == ["recent.txt"]
    [run] = audit_rows(desk, "retention-anonymise")
    assert run[2]["documents_removed"] == 1


def test_retention_says_how_many_documents_it_removed(desk: Desk, clock: FakeClock) -> None:
    from datetime import date

    from send_desk.domain.kinds import ClosureCode
    from send_desk.services.retention import RetentionService
    from tests.conftest import complaint_input

    clock.set_date(date(2019, 5, 13))
    old = desk.cases.log_case(complaint_input(received=date(2019, 5, 13)))
    desk.documents.add(old.reference, "a.pdf", b"a")
    desk.documents.add(old.reference, "b.pdf", b"b")
    clock.set_date(date(2019, 6, 1))
    desk.cases.close(old.id, code=ClosureCode.WITHDRAWN, on=date(2019, 6, 1), expected_version=old.version)
    clock.set_date(date(2026, 11, 27))
    assert RetentionService(desk.ctx).anonymise().documents_removed == 2
    with pytest.raises(ValidationError, match="has been anonymised under the retention policy"):
        desk.documents.add(old.reference, "c.pdf", b"c")


def test_a_kept_email_is_read_with_its_attachments(desk: Desk, complaint: CaseDetail) -> None:
    from tests.msg_fixture import FIXTURE

    kept = desk.documents.add(complaint.reference, "zoe.msg", FIXTURE.read_bytes())
    assert (kept.media_type, kept.is_email) == ("application/vnd.ms-outlook", True)
    message = desk.documents.email(complaint.reference, kept.id)
    assert (message.sender, message.subject) == (
        "Zoë Ó Briain <zoe.obriain@example.org>",
        "Amy’s EHC assessment – still waiting",
    )
    assert [a.name for a in message.attachments] == ["school report.pdf"]


def test_a_case_from_an_email_is_logged_with_its_email_or_not_at_all(desk: Desk, clock: FakeClock) -> None:
    from datetime import UTC, date, datetime

    from send_desk.values.cases import CaseFilter
    from tests.email_samples import jo_eml

    content = jo_eml()
    draft = desk.documents.draft_from_email("request.eml", content)
    assert (draft.kind, draft.received_at) == ("enquiry", datetime(2026, 11, 23, 16, 42, tzinfo=UTC))
    data = desk.documents.case_input(draft)
    assert (data.received_on, data.channel.value, data.contact.email) == (
        date(2026, 11, 23),
        "email",
        "siobhan.nibhriain@example.org",
    )
    desk.documents.set_max_bytes(1024)
    with pytest.raises(ValidationError, match=r"request.eml is \d+ KB, larger than the 1 KB limit"):
        desk.documents.log_from_email(data, "request.eml", content)
    assert desk.register.count(CaseFilter(status="all")) == 0  # refused whole: no case without its email
    desk.documents.set_max_bytes(1024 * 1024)
    case, kept = desk.documents.log_from_email(data, "request.eml", content)
    assert (case.received_at, kept.name) == (datetime(2026, 11, 23, 16, 42, tzinfo=UTC), "request.eml")
    assert desk.documents.content(case.reference, kept.id) == content


def test_an_email_dated_in_the_future_is_received_now(desk: Desk, clock: FakeClock) -> None:
    from tests.msg_fixture import build_msg

    clock.set_date(clock().date().replace(day=20))  # before the email's own Date
    data = build_msg(
        subject="Early",
        sender_name="Kit",
        sender_address="kit@example.net",
        sent_at=clock().replace(day=21),
        body_text="x",
    )
    assert desk.documents.draft_from_email("kit.msg", data).received_at == clock()
