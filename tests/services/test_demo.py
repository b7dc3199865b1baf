"""The demo builder: cases stored as the services store them, dates in a possible order, every RAG state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.models import Case, CaseStage, Extension
from send_desk.domain.kinds import CaseKind, CaseStatus, Outcome
from send_desk.domain.text import fold_accents
from send_desk.services.cases import CaseService
from send_desk.services.demo import DemoCase, DemoService, Step
from send_desk.services.staff import StaffService
from send_desk.values.cases import CaseFilter, CaseInput
from tests.conftest import TODAY, FakeClock


def build_demo(desk: Desk, count: int, seed: int) -> dict[str, DemoCase]:
    """Fill the desk's database with a demo; return each case's history by reference."""
    histories: dict[str, DemoCase] = {}
    for _ in DemoService(desk.ctx).generate(count, seed=seed, record=histories.__setitem__):
        pass
    return histories


def replay(desk: Desk, case: DemoCase) -> str:
    """Log a demo case and take each step of its history through the services, acting as whoever took it.

    Return the replayed case's reference.
    """
    detail = desk.cases.log_case(case.data)
    for event in case.events:
        version = detail.version
        cases = CaseService(replace(desk.ctx, login=event.by))
        match event.step:
            case Step.ACKNOWLEDGE:
                detail = cases.acknowledge(
                    detail.id, on=event.on, expected_version=version, missed_reason=event.missed_reason
                )
            case Step.EXTEND:
                assert event.amount is not None
                detail = cases.extend(
                    detail.id,
                    amount=event.amount,
                    reason=event.reason,
                    told_on=event.on,
                    expected_version=version,
                )
            case Step.RESPOND:
                detail = cases.respond(
                    detail.id,
                    on=event.on,
                    expected_version=version,
                    outcome=Outcome(event.outcome) if event.outcome else None,
                    missed_reason=event.missed_reason,
                )
            case Step.ESCALATE:
                assert event.handler is not None
                detail = cases.escalate(
                    detail.id,
                    requested_on=event.on,
                    handler_login=event.handler,
                    expected_version=version,
                    late_reason=event.reason,
                )
            case Step.CLOSE:
                assert event.code is not None
                detail = cases.close(detail.id, code=event.code, on=event.on, expected_version=version)
    return detail.reference


def stored(desk: Desk, reference: str) -> tuple[Any, ...]:
    """Return every stored column of a case, its stages, extensions and people (ids and author left out).

    Left out as well: who logged it and the record version (the demo writes as "Demo data" in one go).
    """
    drop = {"id", "reference", "case_id", "stage_id", "logged_by_id", "updated_by", "version", "created_by"}

    def columns(row: Any) -> dict[str, Any]:
        return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in drop}

    with desk.ctx.db.read() as session:
        case = session.scalars(select(Case).where(Case.reference == reference)).one()
        case_columns = columns(case)
        search_text = case_columns.pop("search_text")
        return (
            case_columns,
            search_text.replace(reference, "REF").replace(reference.replace("-", ""), "REF"),
            [columns(stage) for stage in case.stages],
            [[columns(extension) for extension in stage.extensions] for stage in case.stages],
            [columns(person) for person in case.people],
        )


def test_demo_cases_are_stored_as_the_services_store_them(desk: Desk) -> None:
    histories = build_demo(desk, 80, seed=3)
    steps = Counter(event.step for case in histories.values() for event in case.events)
    assert set(steps) == set(Step)  # the sample takes every kind of step at least once
    for reference, case in histories.items():
        assert stored(desk, reference) == stored(desk, replay(desk, case)), reference


def test_demo_search_text_is_folded_and_name_keys_are_the_services(desk: Desk) -> None:
    histories = build_demo(desk, 150, seed=5)
    accented = [ref for ref, case in histories.items() if not case.data.child.name.isascii()]
    assert accented  # the demo's names include Siân, Zoë, Seán...
    with desk.ctx.db.read() as session:
        for reference in accented:
            case = session.scalars(select(Case).where(Case.reference == reference)).one()
            child = next(p for p in case.people if p.role == "child")
            assert child.name == histories[reference].data.child.name
            assert case.search_text.isascii()
            assert fold_accents(child.name) in case.search_text
            assert child.name_key == " ".join(child.name.lower().split())
    assert stored(desk, accented[0]) == stored(desk, replay(desk, histories[accented[0]]))


def test_demo_dates_are_in_a_possible_order(desk: Desk) -> None:
    build_demo(desk, 2000, seed=11)
    told: dict[int, list[date]] = {}
    stages: dict[int, list[Any]] = {}
    problems: list[str] = []
    with desk.ctx.db.read() as session:
        for stage_id, told_on in session.execute(select(Extension.stage_id, Extension.told_on)):
            told.setdefault(stage_id, []).append(told_on)
        for stage in session.execute(
            select(CaseStage).order_by(CaseStage.case_id, CaseStage.stage)
        ).scalars():
            stages.setdefault(stage.case_id, []).append(
                (
                    stage.stage,
                    stage.started_on,
                    stage.acknowledged_on,
                    stage.responded_on,
                    told.get(stage.id, []),
                    set(stage.handlers.splitlines()) | {stage.responded_by},
                )
            )
        cases = session.execute(
            select(Case.id, Case.reference, Case.received_on, Case.status, Case.closed_on)
        )
        for case_id, reference, received_on, status, closed_on in cases:
            recorded: list[date] = []
            for number, started, acknowledged, responded, told_on, _ in stages[case_id]:
                if acknowledged is not None and acknowledged < started:
                    problems.append(f"{reference} stage {number} acknowledged before it began")
                if responded is not None and responded < started:
                    problems.append(f"{reference} stage {number} responded before it began")
                if acknowledged is not None and responded is not None and responded < acknowledged:
                    problems.append(f"{reference} stage {number} responded before it was acknowledged")
                recorded += [d for d in (started, acknowledged, responded, *told_on) if d is not None]
            if stages[case_id][0][1] != received_on:
                problems.append(f"{reference} stage 1 did not begin when the case was received")
            if len(stages[case_id]) > 1:
                first_responded, second_started = stages[case_id][0][3], stages[case_id][1][1]
                if first_responded is None or second_started < first_responded:
                    problems.append(f"{reference} stage 2 began before stage 1 was answered")
                stage_1_people, stage_2_people = stages[case_id][0][5], stages[case_id][1][5] - {""}
                if not stage_2_people or stage_2_people & stage_1_people:
                    problems.append(f"{reference} stage 2 is handled by someone who handled stage 1")
            if closed_on is not None and any(d > closed_on for d in recorded):
                problems.append(f"{reference} has dates after it was closed on {closed_on}")
            if any(d > TODAY for d in [*recorded, *([closed_on] if closed_on else [])]):
                problems.append(f"{reference} has a date after today")
            if (status == CaseStatus.CLOSED.value) != (closed_on is not None):
                problems.append(f"{reference} is {status} with closed_on {closed_on}")
    overdue = desk.register.list_cases(CaseFilter(status="all", overdue=True))
    problems += [
        f"{row.reference} is closed but shown as overdue"
        for row in overdue
        if row.status is not CaseStatus.OPEN
    ]
    assert problems == []


def test_the_welcome_demo_shows_every_rag_state_and_cases_awaiting_acknowledgement(desk: Desk) -> None:
    build_demo(desk, 300, seed=1)  # the welcome screen's demo
    counts = desk.register.counts()
    assert counts.overdue >= 2  # one response, one acknowledgement
    assert counts.due_today >= 1
    assert counts.due_soon >= 1
    assert counts.awaiting_acknowledgement >= 2  # one overdue, one on track
    everything = desk.register.list_cases(CaseFilter(status="all"), sort="reference")
    showcase = [row for row in everything if row.reference <= "SD-2026-00006" and row.reference >= "SD-2026"]
    assert [(row.reference, row.kind.value, row.rag.value, row.next_due) for row in showcase] == [
        ("SD-2026-00001", "enquiry", "overdue", date(2026, 11, 26)),
        ("SD-2026-00002", "enquiry", "due-soon", TODAY),
        ("SD-2026-00003", "foi", "due-soon", date(2026, 12, 1)),
        ("SD-2026-00004", "enquiry", "on-track", date(2026, 12, 11)),
        ("SD-2026-00005", "complaint", "overdue", date(2026, 11, 26)),
        ("SD-2026-00006", "complaint", "on-track", date(2026, 12, 4)),
    ]
    assert {row.rag.value for row in everything} == {"overdue", "due-soon", "on-track", "done"}
    assert [row.acknowledged_on for row in showcase[4:]] == [None, None]  # both awaiting acknowledgement


@pytest.fixture
def postgres_desk(postgres_url: str, clock: FakeClock) -> Iterator[Desk]:
    """Return the services over a fresh PostgreSQL database (on either test backend), acting as an admin."""
    opened = open_desk(postgres_url, clock=clock, login="sam.patel")
    StaffService(opened.ctx).me()
    yield opened
    opened.close()


def test_a_case_can_be_logged_after_a_demo_on_postgresql(postgres_desk: Desk) -> None:
    histories = build_demo(postgres_desk, 40, seed=2)
    last_this_year = max(ref for ref in histories if ref.startswith("SD-2026-"))
    logged = postgres_desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 26)))
    assert logged.reference == f"SD-2026-{int(last_this_year.rsplit('-', 1)[1]) + 1:05d}"
    again = postgres_desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 11, 26)))
    assert again.id == logged.id + 1
    with postgres_desk.ctx.db.read() as session:
        assert len(list(session.scalars(select(Case.id)))) == 42
