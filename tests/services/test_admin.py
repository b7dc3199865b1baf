"""Administration: staff and roles, versioned policies with explicit recalculation, closures, categories."""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.db.models import AuditEntry, CaseStage
from send_desk.domain.errors import NotFoundError, ValidationError
from send_desk.domain.kinds import CaseKind, Role
from send_desk.domain.policy import ClockRule
from send_desk.services.admin import PolicyAdminService
from send_desk.services.categories import CategoryService
from send_desk.services.staff import active_admins
from send_desk.values.cases import CaseDetail, CaseInput
from tests.conftest import FakeClock, complaint_input
from tests.services.conftest import DeskAs, audit_count


class Entry(NamedTuple):
    action: str
    case_reference: str
    changes: str


def entries(desk: Desk, action: str) -> list[Entry]:
    with desk.ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.case_reference, AuditEntry.changes)
            .where(AuditEntry.action == action)
            .order_by(AuditEntry.id)
        ).all()
        return [Entry(*row) for row in rows]


def body(entry: Entry) -> dict[str, Any]:
    value = json.loads(entry.changes)
    assert isinstance(value, dict)
    return value


# ----- staff ----------------------------------------------------------------------------------
def test_change_role_team_and_name_are_audited(desk: Desk) -> None:
    view = desk.staff.change_role("alex.jones", Role.MANAGER)
    assert view.role == "manager"
    view = desk.staff.update_details("alex.jones", name="Alexandra Jones", team="Tribunals")
    assert (view.name, view.team) == ("Alexandra Jones", "Tribunals")
    changes = [body(e) for e in entries(desk, "staff-change")]
    assert changes[0] == {"changes": {"role": ["officer", "manager"]}, "details": {"login": "alex.jones"}}
    assert changes[1]["changes"] == {
        "name": ["Alex Jones", "Alexandra Jones"],
        "team": ["SEND casework", "Tribunals"],
    }


def test_deactivate_keeps_the_record_but_hides_it(desk: Desk) -> None:
    desk.staff.deactivate("alex.jones")
    assert "alex.jones" not in {s.login for s in desk.staff.list_staff()}
    assert "alex.jones" in {s.login for s in desk.staff.list_staff(include_inactive=True)}
    desk.staff.reactivate("alex.jones")
    assert "alex.jones" in {s.login for s in desk.staff.list_staff()}


def test_there_is_always_an_active_admin(desk: Desk, desk_as: DeskAs) -> None:
    before = audit_count(desk)
    with pytest.raises(ValidationError, match="your own"):
        desk.staff.deactivate("sam.patel")
    with pytest.raises(ValidationError, match="your own"):
        desk.staff.change_role("sam.patel", Role.OFFICER)
    assert audit_count(desk) == before
    desk.staff.add_staff("kim.lee", "Kim Lee", role=Role.ADMIN)
    desk_as("kim.lee").staff.deactivate("sam.patel")
    with desk.ctx.db.read() as session:
        assert active_admins(session) == 1
    assert [s.login for s in desk.staff.list_staff() if s.role == "admin"] == ["kim.lee"]


def test_unknown_staff_is_not_found(desk: Desk) -> None:
    with pytest.raises(NotFoundError, match="no member of staff with the login nobody"):
        desk.staff.change_role("nobody", Role.ADMIN)


def test_duplicate_login_is_refused(desk: Desk) -> None:
    with pytest.raises(ValidationError, match="already"):
        desk.staff.add_staff("alex.jones", "Alex Again")


# ----- target policies ------------------------------------------------------------------------
def test_policy_change_is_a_new_version_for_new_cases_only(desk: Desk, complaint: CaseDetail) -> None:
    admin = PolicyAdminService(desk.ctx)
    before = {(p.policy.kind, p.policy.stage): p for p in admin.list_current()}
    old = before[(CaseKind.COMPLAINT, 1)]
    assert old.version == 1
    new = admin.propose_change(CaseKind.COMPLAINT, 1, {"respond_amount": 20})
    assert (new.version, new.current, new.policy.respond_amount) == (2, True, 20)
    history = admin.history(CaseKind.COMPLAINT, 1)
    assert [(h.version, h.current) for h in history] == [(2, True), (1, False)]
    assert len(admin.list_current()) == len(before)
    # the open case keeps its dates and version; a new case starts under version 2
    assert desk.cases.get(complaint.id).respond_by == complaint.respond_by
    fresh = desk.cases.log_case(complaint_input())
    assert fresh.respond_by is not None
    assert complaint.respond_by is not None
    assert fresh.respond_by > complaint.respond_by
    entry = entries(desk, "policy-change")[-1]
    assert body(entry) == {
        "changes": {"respond_amount": [10, 20]},
        "details": {"kind": "complaint", "stage": 1, "version": 2},
    }


def test_policy_change_is_validated(desk: Desk) -> None:
    admin = PolicyAdminService(desk.ctx)
    with pytest.raises(ValidationError, match="at least 1"):
        admin.propose_change(CaseKind.ENQUIRY, 1, {"respond_amount": 0})
    with pytest.raises(ValidationError, match="cannot be changed"):
        admin.propose_change(CaseKind.ENQUIRY, 1, {"kind": "foi"})
    with pytest.raises(ValidationError, match="Nothing was changed"):
        admin.propose_change(CaseKind.ENQUIRY, 1, {"respond_amount": 10})
    with pytest.raises(ValidationError, match="not a way of counting"):
        admin.propose_change(CaseKind.ENQUIRY, 1, {"respond_rule": "weeks"})
    assert admin.history(CaseKind.ENQUIRY, 1)[0].version == 1
    changed = admin.propose_change(
        CaseKind.ENQUIRY, 1, {"respond_rule": "working-days", "extension_max": None}
    )
    assert changed.policy.respond_rule is ClockRule.WORKING_DAYS
    assert changed.policy.extension_max is None


def test_recalculation_is_previewed_then_explicit_and_audited(desk: Desk, complaint: CaseDetail) -> None:
    admin = PolicyAdminService(desk.ctx)
    enquiry = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 23)))
    assert admin.preview_recalculation() == []
    admin.propose_change(CaseKind.COMPLAINT, 1, {"respond_amount": 20})
    preview = admin.preview_recalculation(CaseKind.COMPLAINT, 1)
    assert [p.reference for p in preview] == [complaint.reference]
    item = preview[0]
    assert (item.from_version, item.to_version) == (1, 2)
    assert item.acknowledge_by == (date(2026, 11, 27), date(2026, 11, 27))
    assert item.respond_by[0] == date(2026, 12, 11)
    assert item.respond_by[1] is not None
    assert item.respond_by[1] > date(2026, 12, 11)
    assert item.dates_move
    # previewing changed nothing
    assert desk.cases.get(complaint.id).respond_by == date(2026, 12, 11)
    done = admin.recalculate(CaseKind.COMPLAINT, 1)
    assert done == preview
    moved = desk.cases.get(complaint.id)
    assert moved.respond_by == item.respond_by[1]
    assert moved.version == complaint.version + 1
    with desk.ctx.db.read() as session:
        stage = session.scalars(select(CaseStage).where(CaseStage.case_id == complaint.id)).one()
        assert stage.policy.version == 2
    audited = entries(desk, "recalculate")
    assert len(audited) == 1
    assert audited[0].case_reference == complaint.reference
    changes = body(audited[0])["changes"]
    assert changes["respond_by"] == ["2026-12-11", item.respond_by[1].isoformat()]
    assert changes["policy_version"] == [1, 2]
    assert "acknowledge_by" not in changes
    assert desk.cases.get(enquiry.id).version == enquiry.version
    assert admin.preview_recalculation() == []


def test_closure_day_change_shows_in_the_recalculation_preview(desk: Desk, complaint: CaseDetail) -> None:
    admin = PolicyAdminService(desk.ctx)
    desk.closures.add([date(2026, 12, 1)], description="Office move")
    preview = admin.preview_recalculation()
    assert [p.reference for p in preview] == [complaint.reference]
    assert preview[0].from_version == preview[0].to_version == 1
    assert preview[0].respond_by == (date(2026, 12, 11), date(2026, 12, 14))
    admin.recalculate()
    assert desk.cases.get(complaint.id).respond_by == date(2026, 12, 14)


def test_national_holiday_is_stored_and_audited(desk: Desk) -> None:
    assert desk.closures.add_national_holiday(date(2027, 6, 4), "One-off bank holiday") == [date(2027, 6, 4)]
    days = desk.closures.list_days()
    assert [(d.day, d.national) for d in days] == [(date(2027, 6, 4), True)]
    assert body(entries(desk, "closure-add")[-1])["details"]["national"] is True
    with pytest.raises(ValidationError, match="Say what the holiday is"):
        desk.closures.add_national_holiday(date(2027, 6, 5), " ")


# ----- categories -----------------------------------------------------------------------------
def test_categories_add_rename_deactivate(desk: Desk, complaint: CaseDetail) -> None:
    categories = CategoryService(desk.ctx)
    added = categories.add_category("  Home to school   transport ", appealable=False)
    assert added.name == "Home to school transport"
    with pytest.raises(ValidationError, match="already a category"):
        categories.add_category("home to school transport")
    renamed = categories.rename_category("Assessment delay", "EHC assessment delay")
    assert renamed.cases == 1
    assert desk.cases.get(complaint.id).category == "EHC assessment delay"
    off = categories.deactivate_category("Home to school transport")
    assert not off.active
    names = {c.name for c in categories.list_categories(include_inactive=False)}
    assert "Home to school transport" not in names
    assert categories.set_appealable("Other", True).appealable
    with pytest.raises(NotFoundError):
        categories.rename_category("Nope", "Still nope")
    actions = [e.action for e in entries(desk, "category-add") + entries(desk, "category-change")]
    assert actions == ["category-add", "category-change", "category-change", "category-change"]
    assert body(entries(desk, "category-change")[0])["changes"] == {
        "name": ["Assessment delay", "EHC assessment delay"]
    }


def test_clock_fixture_is_used(clock: FakeClock, desk: Desk) -> None:
    new = PolicyAdminService(desk.ctx).propose_change(CaseKind.FOI, 1, {"due_soon_days": 5})
    assert new.effective_from == clock()
