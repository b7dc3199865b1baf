"""Two desks (two engines, two sessions) working on one case: the second save reports the conflict."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.models import AuditEntry, Case
from send_desk.domain.errors import ConflictError
from send_desk.domain.kinds import Role
from send_desk.values.cases import CaseDetail, CaseFilter
from tests.conftest import FakeClock, complaint_input


def audit_actions(desk: Desk, case_id: int) -> list[tuple[str, str]]:
    with desk.ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.login)
            .where(AuditEntry.case_id == case_id)
            .order_by(AuditEntry.id)
        )
        return [(action, login) for action, login in rows]


def test_second_desk_save_reports_who_saved_first(
    desk: Desk, other_desk: Desk, complaint: CaseDetail
) -> None:
    assert desk.ctx.db.engine is not other_desk.ctx.db.engine
    # both people open the case at the same version
    mine = desk.cases.get(complaint.id)
    theirs = other_desk.cases.get(complaint.id)
    assert mine.version == theirs.version

    # Alex (the other desk) records the acknowledgement first
    saved = other_desk.cases.acknowledge(complaint.id, on=date(2026, 11, 23), expected_version=theirs.version)
    assert saved.version == theirs.version + 1

    # Sam's stale save is refused, naming Alex
    with pytest.raises(ConflictError) as caught:
        desk.cases.extend(
            complaint.id, amount=5, reason="Waiting for the school", expected_version=mine.version
        )
    assert caught.value.changed_by == "Alex Jones"
    assert "Alex Jones" in str(caught.value)
    assert "Reload" in str(caught.value)

    # the first save survives, untouched by the refused one, on both desks
    for view in (desk.cases.get(complaint.id), other_desk.cases.get(complaint.id)):
        assert view.version == saved.version
        assert view.acknowledged_on == date(2026, 11, 23)
        assert view.current_stage.extensions == ()
        assert view.updated_by == "Alex Jones"
    assert audit_actions(desk, complaint.id) == [("log", "sam.patel"), ("acknowledge", "alex.jones")]

    # after reloading, Sam's change goes through
    fresh = desk.cases.get(complaint.id)
    extended = desk.cases.extend(
        complaint.id, amount=5, reason="Waiting for the school", expected_version=fresh.version
    )
    assert len(extended.current_stage.extensions) == 1
    assert other_desk.cases.get(complaint.id).version == extended.version


def test_both_desks_see_each_others_cases(desk: Desk, other_desk: Desk, complaint: CaseDetail) -> None:
    second = other_desk.cases.log_case(complaint_input(summary="Transport to school"))
    assert second.reference != complaint.reference
    references = {row.reference for row in desk.register.list_cases(CaseFilter(status="all"))}
    assert references == {complaint.reference, second.reference}


@pytest.mark.postgres
def test_race_inside_one_transaction_is_a_conflict_on_postgres(postgres_url: str, clock: FakeClock) -> None:
    """Both desks read version 1 before either saves: PostgreSQL's row lock lets only one win."""
    first = open_desk(postgres_url, clock=clock, login="sam.patel")
    second = open_desk(postgres_url, clock=clock, login="alex.jones")
    try:
        first.staff.me()
        first.staff.add_staff("priya.shah", "Priya Shah", role=Role.MANAGER)
        case = first.cases.log_case(complaint_input(officer_login=None))
        session_cm = second.ctx.db.write()
        session = session_cm.__enter__()
        row = session.get(Case, case.id)
        assert row is not None
        assert row.version == case.version
        # the first desk saves while the second is still editing
        first.cases.assign(case.id, officer_login="priya.shah", expected_version=case.version)
        row.summary = "Overwritten by the second desk"
        with pytest.raises(ConflictError):
            session_cm.__exit__(None, None, None)
        survived = first.cases.get(case.id)
        assert survived.officer is not None
        assert survived.officer.login == "priya.shah"
        assert survived.summary == case.summary
        assert survived.version == case.version + 1
    finally:
        first.close()
        second.close()


def test_simultaneous_saves_one_wins_the_rest_are_conflicts(
    database_url: str, clock: FakeClock, desk: Desk, complaint: CaseDetail, backend: str
) -> None:
    desks = [open_desk(database_url, clock=clock, login=login) for login in ("alex.jones", "priya.shah") * 2]
    barrier = threading.Barrier(len(desks))
    saved: list[int] = []
    conflicts: list[ConflictError] = []

    def acknowledge(other: Desk) -> None:
        barrier.wait()
        try:
            done = other.cases.acknowledge(
                complaint.id, on=date(2026, 11, 23), expected_version=complaint.version
            )
            saved.append(done.version)
        except ConflictError as exc:
            conflicts.append(exc)

    threads = [threading.Thread(target=acknowledge, args=(other,)) for other in desks]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    finally:
        for other in desks:
            other.close()
    assert saved == [complaint.version + 1]
    assert len(conflicts) == len(desks) - 1
    actions = audit_actions(desk, complaint.id)
    assert [action for action, _login in actions] == ["log", "acknowledge"]
    winner = desk.cases.get(complaint.id).updated_by
    unnamed = [exc for exc in conflicts if exc.changed_by != winner]
    assert unnamed == []
