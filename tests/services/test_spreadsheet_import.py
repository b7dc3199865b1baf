"""The bulk import path: the same rows as logging case by case, all or nothing across chunks, cancel."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import func, select, text

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry, Case, CaseStage, Person
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.services import cases as cases_module
from send_desk.services import tracker_import as spreadsheets
from send_desk.services.spreadsheets import ImportService
from send_desk.values.cases import CaseFilter, CaseInput, PersonInput

HEADERS = ["Reference", "Kind", "Received", "Contact name", "Child name", "Officer", "Responded"]


def tracker(path: Path, count: int) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for i in range(count):
        ws.append(
            [
                f"T-{i:03d}",
                "Enquiry",
                f"{1 + i % 27:02d}/10/2026",
                f"Parent {i}",
                f"Child {i}",
                "Alex Jones",
                "",
            ]
        )
    wb.save(path)
    return path


def counts(desk: Desk) -> tuple[int, int, int, int]:
    with desk.ctx.db.read() as session:
        return (
            session.scalar(select(func.count(Case.id))) or 0,
            session.scalar(select(func.count(CaseStage.id))) or 0,
            session.scalar(select(func.count(Person.id))) or 0,
            session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "import")) or 0,
        )


def test_chunked_import_saves_every_row_in_order(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "SAVE_CHUNK", 4)
    before = counts(desk)
    progress = []
    steps = ImportService(desk.ctx).steps(tracker(tmp_path / "t.xlsx", 10))
    try:
        while True:
            progress.append(next(steps))
    except StopIteration as stop:
        result = stop.value
    assert result.imported == 10
    assert result.references == [f"T-{i:03d}" for i in range(10)]
    assert [(p.done, p.total) for p in progress if p.text.startswith("Saved")] == [(4, 10), (8, 10), (10, 10)]
    assert counts(desk) == (before[0] + 10, before[1] + 10, before[2] + 20, before[3] + 10)
    case = desk.cases.get_by_reference("T-004")
    assert case.officer is not None
    assert (case.officer.login, case.received_on, case.respond_by) == (
        "alex.jones",
        date(2026, 10, 5),
        date(2026, 10, 19),  # 10 working days after Monday 5 October
    )


def test_a_failure_in_a_later_chunk_leaves_nothing(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "SAVE_CHUNK", 2)
    real = cases_module._BulkRows.rows
    calls = {"n": 0}

    def failing(self: Any, data: CaseInput, reference: str) -> Any:
        calls["n"] += 1
        if calls["n"] == 5:  # the first case of the third chunk: two chunks are already inserted
            raise ValidationError("Simulated failure on the fifth case.")
        return real(self, data, reference)

    monkeypatch.setattr(cases_module._BulkRows, "rows", failing)
    before = counts(desk)
    with pytest.raises(ValidationError, match="fifth case"):
        ImportService(desk.ctx).run(tracker(tmp_path / "t.xlsx", 8))
    assert counts(desk) == before


def test_cancelling_while_saving_leaves_nothing(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheets, "SAVE_CHUNK", 3)
    before = counts(desk)
    steps = ImportService(desk.ctx).steps(tracker(tmp_path / "t.xlsx", 9))
    for progress in steps:
        if progress.text.startswith("Saved"):
            assert progress.done == 3
            break
    steps.close()
    assert counts(desk) == before
    assert ImportService(desk.ctx).run(tracker(tmp_path / "t.xlsx", 9)).imported == 9  # nothing held


def varied_inputs() -> list[CaseInput]:
    """Cases with recorded dates, officers, categories, an Ombudsman's deadline and a representative."""
    return [
        CaseInput(
            kind=CaseKind.COMPLAINT,
            received_on=date(2026, 10, 2),
            channel=Channel.PHONE,
            contact=PersonInput(name=" Jo  Smith ", email="Jo@Example.org", phone="07700 900123"),
            child=PersonInput(name="Amy Smith", date_of_birth=date(2015, 3, 9)),
            category="Assessment delay",
            summary="  Late plan  ",
            officer_login="alex.jones",
            acknowledged_on=date(2026, 10, 5),
            responded_on=date(2026, 10, 30),
            outcome=Outcome.PARTLY_UPHELD.value,
        ),
        CaseInput(
            kind=CaseKind.COMPLAINT, stage=2, received_on=date(2026, 11, 2), officer_login="Alex Jones"
        ),
        CaseInput(kind=CaseKind.FOI, received_on=date(2026, 9, 1), responded_on=date(2026, 9, 20)),
        CaseInput(kind=CaseKind.SAR, received_on=date(2026, 11, 20), child=PersonInput(name="Ben")),
        CaseInput(
            kind=CaseKind.OMBUDSMAN,
            received_on=date(2026, 11, 3),
            ombudsman_due=date(2026, 12, 8),
            ombudsman_reference="24 001 234",
            representative=PersonInput(name="Advocate", organisation="IPSEA"),
        ),
        CaseInput(kind=CaseKind.COMPLIMENT, received_on=date(2026, 11, 26)),
        CaseInput(
            kind=CaseKind.MP_ENQUIRY, received_on=date(2026, 11, 25), acknowledged_on=date(2026, 11, 26)
        ),
    ]


def saved_rows(desk: Desk, references: list[str]) -> list[tuple[Any, ...]]:
    """Return every stored column of the cases (and their stages, people, audit), ids left out."""
    out = []
    with desk.ctx.db.read() as session:
        for number, reference in enumerate(references):
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            drop = {"id", "reference", "search_text", "case_id"}

            def columns(row: Any, drop: set[str] = drop) -> dict[str, Any]:
                return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in drop}

            audit = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)).one()
            out.append(
                (
                    number,
                    columns(case),
                    case.search_text.replace(reference, "REF").replace(reference.replace("-", ""), "REF"),
                    [columns(stage) for stage in case.stages],
                    [columns(person) for person in case.people],
                    {k: v for k, v in columns(audit).items() if k != "case_reference"},
                )
            )
    return out


def test_bulk_rows_match_logging_case_by_case(desk: Desk) -> None:
    one_by_one = desk.cases.log_many(varied_inputs(), action="import")
    steps = desk.cases.log_bulk(varied_inputs(), action="import", chunk=3)
    try:
        while True:
            next(steps)
    except StopIteration as stop:
        bulk: list[str] = stop.value
    numbers = [int(r.rsplit("-", 1)[1]) for r in one_by_one + bulk]
    assert numbers == list(range(numbers[0], numbers[0] + 14))  # references carry on from the counter
    assert saved_rows(desk, bulk) == saved_rows(desk, one_by_one)


def test_bulk_refuses_a_reference_already_there_and_saves_nothing(desk: Desk) -> None:
    desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), reference="X-1"))
    before = counts(desk)
    inputs = [
        CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), reference="x-2"),
        CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), reference=" x-1 "),
    ]
    with pytest.raises(ValidationError, match="A case with the reference X-1 already exists"):
        list(desk.cases.log_bulk(inputs))
    assert counts(desk) == before


def found(desk: Desk, typed: str) -> set[str]:
    """Return the references the register's free-text search finds for what was typed."""
    ids = desk.register.ids(CaseFilter(text=typed, status="all"))
    with desk.ctx.db.read() as session:
        return set(session.scalars(select(Case.reference).where(Case.id.in_(ids))))


def test_bulk_logged_cases_are_found_by_search_and_so_are_the_ones_logged_after(desk: Desk) -> None:
    bulk = list_of(desk.cases.log_bulk(varied_inputs(), action="import", chunk=3))
    assert found(desk, "jo smith") == {bulk[0]}
    assert found(desk, "900123") == {bulk[0]}  # the phone's digits
    too_long = CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), summary="x" * 40_000)
    with pytest.raises(  # unchecked, the database's own limit refuses it, inside the second chunk
        ValidationError,
        match=r"^The summary is longer than the 32767 characters it can take\. Nothing was saved",
    ):
        list(desk.cases.log_bulk([*varied_inputs()[:4], too_long], chunk=3, checked=True))
    assert found(desk, "jo smith") == {bulk[0]}  # the first chunk of the refused bulk was rolled back too
    later = desk.cases.log_case(
        CaseInput(
            kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), contact=PersonInput(name="Wanda Quill")
        )
    )
    assert found(desk, "wanda quill") == {later.reference}  # the per-case index trigger is back


def schema(desk: Desk) -> list[tuple[str, str, str]]:
    """Return SQLite's triggers and indexes (kind, name, definition); none on PostgreSQL (not set aside)."""
    with desk.ctx.db.read() as session:
        if session.get_bind().dialect.name != "sqlite":
            return []
        rows = session.execute(
            text(
                "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'index') "
                "AND sql IS NOT NULL ORDER BY type, name"
            )
        )
        return [(kind, name, sql) for kind, name, sql in rows]


def test_a_bulk_with_an_over_long_name_saves_nothing_and_every_trigger_and_index_is_back(desk: Desk) -> None:
    before = schema(desk)
    long_name = CaseInput(
        kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), contact=PersonInput(name="N" * 201)
    )
    refusal = (  # unchecked, the database refuses it: SQLite in the length trigger's own words
        r"^The name is longer than the 200 characters it can take\. Nothing was saved; shorten it"
        if before
        else r"^One of the values is longer than the 200 characters it can take\. Nothing was saved; shorten"
    )
    with pytest.raises(ValidationError, match=refusal):  # into an empty desk: its indexes set aside too
        list(desk.cases.log_bulk([*varied_inputs()[:4], long_name], chunk=3, checked=True))
    assert counts(desk) == (0, 0, 0, 0)
    assert schema(desk) == before
    if before:  # SQLite: the length and search triggers and the register's indexes are among them
        names = {name for _kind, name, _sql in before}
        assert {
            "ck_person_name_length_insert",
            "case_fts_ai",
            "ix_case_status_next_due",
            "ix_audit_case_at",
        } <= names


def test_a_bulk_into_an_empty_desk_leaves_every_index_as_it_was_and_used(desk: Desk) -> None:
    before = schema(desk)
    references = list_of(desk.cases.log_bulk(varied_inputs(), chunk=3))
    assert schema(desk) == before
    assert len(references) == len(varied_inputs())
    with desk.ctx.db.read() as session:
        if session.get_bind().dialect.name == "sqlite":
            plan = " ".join(
                str(row[-1])
                for row in session.execute(
                    text(
                        "EXPLAIN QUERY PLAN SELECT id FROM case_record WHERE status = 'open' AND kind = 'foi'"
                    )
                )
            )
            assert (
                "USING INDEX ix_case_status_kind" in plan
                or "USING COVERING INDEX ix_case_status_kind" in plan
            )
        assert session.scalar(select(func.count(Case.id)).where(Case.status == "open")) == len(references)


def list_of(steps: Any) -> list[str]:
    """Run a `log_bulk` generator to its end; return its references."""
    try:
        while True:
            next(steps)
    except StopIteration as stop:
        references: list[str] = stop.value
        return references
