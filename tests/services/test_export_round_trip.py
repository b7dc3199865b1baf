"""Export → import into an empty desk → export again: every column and every Stages row comes back equal.

The second desk recomputes every due date from the imported events under its own (identical) policies.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.ehc import EhcException, EhcStep
from send_desk.domain.kinds import CaseKind, ClosureCode, LinkKind, Outcome, RemedyKind, Role
from send_desk.reports.sheet_fields import CASE_COLUMNS, EHC_COLUMNS
from send_desk.services.cases import ActionInput, RemedyInput
from send_desk.services.ehc import EhcChange
from send_desk.services.staff import StaffService
from send_desk.values.cases import PersonInput
from tests.conftest import BACKEND, FakeClock, complaint_input

ALL = [column.header for column in CASE_COLUMNS]
EHC = [column.header for column in EHC_COLUMNS]


def sheet(path: Path, name: str) -> list[tuple[Any, ...]]:
    book = load_workbook(path, read_only=True)
    try:
        rows = [tuple(row) for row in book[name].iter_rows(values_only=True)]
    finally:
        book.close()
    width = max(len(row) for row in rows)
    return [row + (None,) * (width - len(row)) for row in rows]


@pytest.fixture
def empty_desk(request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock) -> Iterator[Desk]:
    """Return a second, empty desk with the same staff (a fresh database of the same kind)."""
    if BACKEND == "postgres":
        server = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_template")
        name = server.unique_name()
        url = server.create_database(name, template=template)
    else:
        url = str(tmp_path / "empty.sqlite3")
        shutil.copy(request.getfixturevalue("template_database"), url)
    opened = open_desk(url, clock=clock, login="sam.patel")
    staff = StaffService(opened.ctx)
    staff.me()
    staff.add_staff("alex.jones", "Alex Jones", role=Role.OFFICER, team="SEND casework")
    staff.add_staff("priya.shah", "Priya Shah", role=Role.MANAGER, team="SEND casework")
    yield opened
    opened.close()
    if BACKEND == "postgres":
        server.drop_database(name)


def fill(desk: Desk) -> None:
    """Log cases holding every kind of field: an escalated complaint, an FOI paused, a linked enquiry, and
    three about EHC steps (an exception with a note, an amendment notice, a move into post-16)."""
    cases = desk.cases
    c = cases.log_case(
        complaint_input(
            date(2026, 9, 1),
            representative=PersonInput(
                name="Ann Member MP", organisation="House of Commons", email="ann.member@parliament.uk"
            ),
            child=PersonInput(name="Amy Bloggs", date_of_birth=date(2015, 3, 9), identifier="H801200001001"),
            description="Long account of the delay.\nSecond paragraph.",
            adjustments="Large print letters",
            adjustments_review_on=date(2027, 3, 1),
            officer_login="alex.jones",
        )
    )
    c = cases.acknowledge(c.id, on=date(2026, 9, 3), expected_version=c.version)
    c = cases.extend(
        c.id,
        reason="Waiting for the school's records",
        amount=5,
        told_on=date(2026, 9, 10),
        expected_version=c.version,
    )
    c = cases.respond(
        c.id, on=date(2026, 9, 24), expected_version=c.version, outcome=Outcome.PARTLY_UPHELD,
        reasons="The assessment was late.", learning="Chase schools sooner.",
        remedies=[
            RemedyInput(RemedyKind.APOLOGY), RemedyInput(RemedyKind.FINANCIAL, 25000, "Time and trouble")
        ],
        actions=[ActionInput("Review the chasing letters", "alex.jones", date(2026, 10, 30))],
    )  # fmt: skip
    action_id = c.stages[0].actions[0].id
    c = cases.complete_action(c.id, action_id=action_id, on=date(2026, 10, 20), expected_version=c.version)
    c = cases.escalate(
        c.id, requested_on=date(2026, 10, 1), handler_login="priya.shah", expected_version=c.version
    )
    c = cases.acknowledge(c.id, on=date(2026, 10, 5), expected_version=c.version)
    first = c.reference

    f = cases.log_case(
        complaint_input(
            date(2026, 10, 12), kind=CaseKind.FOI, officer_login="alex.jones", summary="FOI on transport"
        )
    )
    f = cases.pause(f.id, start=date(2026, 10, 14), reason="Fees notice sent", expected_version=f.version)
    f = cases.resume(f.id, end=date(2026, 10, 19), expected_version=f.version)
    f = cases.respond(f.id, on=date(2026, 11, 9), expected_version=f.version)
    f = cases.close(f.id, code=ClosureCode.RESPONDED, on=date(2026, 11, 10), expected_version=f.version,
                    reason="Information sent")  # fmt: skip

    s = cases.log_case(complaint_input(date(2026, 10, 1), kind=CaseKind.SAR, officer_login="alex.jones"))
    s = cases.request_clarification(s.id, on=date(2026, 10, 2), identity=True, expected_version=s.version)
    s = cases.record_clarification(s.id, on=date(2026, 10, 9), expected_version=s.version)

    e = cases.log_case(
        complaint_input(date(2026, 11, 2), kind=CaseKind.ENQUIRY, summary="=1+2 looks like a formula")
    )
    cases.link(e.id, other_reference=first, kind=LinkKind.SAME_CHILD)

    for received, change in (
        (
            date(2026, 11, 16),
            EhcChange(
                step=EhcStep.ASSESSMENT_REQUEST,
                started=date(2026, 1, 30),
                done={"decide_assessment_by": date(2026, 3, 10)},
                exceptions={"final_plan_by": (EhcException.PERSONAL_CIRCUMSTANCES, "Family abroad (May)")},
            ),
        ),
        (
            date(2026, 11, 17),
            EhcChange(
                step=EhcStep.ANNUAL_REVIEW,
                started=date(2026, 9, 1),
                amendment_notice_on=date(2026, 9, 15),
                done={"review_decision_by": date(2026, 9, 25)},
            ),
        ),
        (
            date(2026, 11, 18),
            EhcChange(step=EhcStep.PHASE_TRANSFER, started=date(2027, 9, 1), post16=True),
        ),
    ):
        about = cases.log_case(complaint_input(received, kind=CaseKind.ENQUIRY))
        desk.ehc.change(about.id, change, expected_version=about.version)


def test_export_then_import_into_an_empty_desk_gives_back_every_field(
    desk: Desk, empty_desk: Desk, tmp_path: Path
) -> None:
    fill(desk)
    first = tmp_path / "first.xlsx"
    assert desk.exports.export_all(first, columns=ALL).cases == 7
    result = empty_desk.imports.run(first)
    assert (result.imported, result.rejected) == (7, [])
    second = tmp_path / "second.xlsx"
    empty_desk.exports.export_all(second, columns=ALL)
    before, after = sheet(first, "Cases"), sheet(second, "Cases")
    assert before[0] == tuple(ALL)
    assert len(before) == 8
    for row_before, row_after in zip(before, after, strict=True):
        differences = {h: (a, b) for h, a, b in zip(ALL, row_before, row_after, strict=True) if a != b}
        assert differences == {}
    assert sheet(first, "Stages") == sheet(second, "Stages")
    assert len(sheet(first, "Stages")) == 1 + 8  # the complaint's two stages, one of every other case
    escalated = dict(zip(ALL, before[1], strict=True))
    assert (escalated["Stage 1 responded"], escalated["Stage 2 acknowledged"]) == (
        datetime(2026, 9, 24),
        datetime(2026, 10, 5),
    )
    assert escalated["Stage 1 remedies"] == "Apology\nFinancial: £250.00: Time and trouble"
    assert escalated["Stage 1 outstanding actions"] == (
        "Review the chasing letters [owner Alex Jones; due 30/10/2026; done 20/10/2026]"
    )
    assert escalated["Stage 1 extended to"] is not None
    sar = dict(zip(ALL, before[2], strict=True))
    assert (sar["Kind"], sar["Stage 1 clarification asked for"], sar["Respond by"]) == (
        "Subject access request",
        "Proof of identity",
        datetime(2026, 11, 9),  # a month from proof of identity (9 October), not from receipt
    )
    ehc = [{h: v for h, v in zip(ALL, row, strict=True) if h in EHC and v is not None} for row in before[5:]]
    assert ehc == [
        {
            "EHC step": "Request for an EHC needs assessment",
            "EHC step began": datetime(2026, 1, 30),
            "Decide whether to assess by": datetime(2026, 3, 13),
            "Decide not to issue a plan by": datetime(2026, 5, 22),
            "Final plan by": datetime(2026, 6, 19),
            "EHC dates done": "Decide whether to assess: 10/03/2026",
            "EHC exceptions": "Final plan issued: Personal circumstances (Family abroad (May))",
        },
        {
            "EHC step": "Annual review",
            "EHC step began": datetime(2026, 9, 1),
            "Review decision by": datetime(2026, 9, 29),
            "Amended plan by": datetime(2026, 11, 10),  # 8 weeks from the notice, sooner than 12 from 1/9
            "EHC amendment notice": datetime(2026, 9, 15),
            "EHC dates done": "Review decision notified: 25/09/2026",
        },
        {
            "EHC step": "Phase transfer",
            "EHC step began": datetime(2027, 9, 1),
            "Transfer plan by": datetime(2027, 3, 31),
            "EHC transfer into post-16": "Yes",
        },
    ]


def test_a_demo_desk_round_trips_on_every_column_and_every_stage(
    desk: Desk, empty_desk: Desk, tmp_path: Path
) -> None:
    from send_desk.services.demo import DemoService

    for _ in DemoService(desk.ctx).generate(300, seed=11):
        pass
    for _ in DemoService(empty_desk.ctx).generate(0, seed=11):  # the same staff and categories
        pass
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    desk.exports.export_all(first, columns=ALL)
    result = empty_desk.imports.run(first)
    assert (result.imported, result.rejected) == (300, [])
    empty_desk.exports.export_all(second, columns=ALL)
    before = {row[0]: row for row in sheet(first, "Cases")[1:]}
    after = {row[0]: row for row in sheet(second, "Cases")[1:]}
    assert sorted(before) == sorted(after)
    differences = {
        (reference, header): (a, b)
        for reference, row in before.items()
        for header, a, b in zip(ALL, row, after[reference], strict=True)
        if a != b
    }
    assert differences == {}
    assert sheet(first, "Stages") == sheet(second, "Stages")
    escalated = sum(1 for row in before.values() if row[ALL.index("Stage 2 started")] is not None)
    assert escalated >= 3  # the demo escalates some complaints: stage 2 is in the round trip too
    about_ehc = [row for row in before.values() if row[ALL.index("EHC step")] is not None]
    assert len(about_ehc) >= 20  # the demo's EHC steps, with their done dates and exceptions
    assert any(row[ALL.index("EHC dates done")] for row in about_ehc)
    assert any(row[ALL.index("EHC exceptions")] for row in about_ehc)
