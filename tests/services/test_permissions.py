"""Roles: each forbidden action is refused by the service itself, and the audit log stays unchanged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from send_desk.bootstrap import Desk
from send_desk.domain.errors import PermissionDeniedError
from send_desk.domain.kinds import CaseKind, Role
from send_desk.services.admin import PolicyAdminService
from send_desk.services.audit_view import AuditService
from send_desk.services.categories import CategoryService
from send_desk.services.corrections import RecordedDateService
from send_desk.services.permissions import Action, allowed_actions, allows, refusal
from send_desk.services.retention import RetentionService
from send_desk.services.staff import StaffService
from send_desk.services.subject_access import SubjectAccessService
from send_desk.values.cases import CaseDetail
from tests.services.conftest import DeskAs, audit_count

Attempt = Callable[[Desk, CaseDetail, Path], Any]

ADMIN_ONLY: dict[str, Attempt] = {
    "add staff": lambda d, c, t: StaffService(d.ctx).add_staff("new.person", "New Person"),
    "change a role": lambda d, c, t: StaffService(d.ctx).change_role("alex.jones", Role.ADMIN),
    "rename staff": lambda d, c, t: StaffService(d.ctx).update_details("alex.jones", team="Other"),
    "deactivate staff": lambda d, c, t: StaffService(d.ctx).deactivate("sam.patel"),
    "add closure day": lambda d, c, t: d.closures.add([date(2026, 12, 29)]),
    "add national holiday": lambda d, c, t: d.closures.add_national_holiday(date(2026, 12, 30), "Jubilee"),
    "remove closure day": lambda d, c, t: d.closures.remove([date(2026, 12, 29)]),
    "change policy": lambda d, c, t: PolicyAdminService(d.ctx).propose_change(
        CaseKind.ENQUIRY, 1, {"respond_amount": 15}
    ),
    "preview recalculation": lambda d, c, t: PolicyAdminService(d.ctx).preview_recalculation(),
    "recalculate": lambda d, c, t: PolicyAdminService(d.ctx).recalculate(),
    "add category": lambda d, c, t: CategoryService(d.ctx).add_category("New category"),
    "rename category": lambda d, c, t: CategoryService(d.ctx).rename_category("Other", "Misc"),
    "deactivate category": lambda d, c, t: CategoryService(d.ctx).deactivate_category("Other"),
    "retention preview": lambda d, c, t: RetentionService(d.ctx).preview(),
    "retention anonymise": lambda d, c, t: RetentionService(d.ctx).anonymise(),
}
MANAGER_UP: dict[str, Attempt] = {
    "correct a date": lambda d, c, t: RecordedDateService(d.ctx).correct_date(
        c.id, "received_on", date(2026, 11, 19), "typed wrongly", c.version
    ),
    "search the audit": lambda d, c, t: AuditService(d.ctx).search(),
    "export the audit": lambda d, c, t: list(AuditService(d.ctx).export_xlsx(t / "audit.xlsx")),
    "find mentions": lambda d, c, t: SubjectAccessService(d.ctx).find_mentions(name="Bloggs"),
    "export a pack": lambda d, c, t: list(
        SubjectAccessService(d.ctx).export_pack([c.reference], t / "pack.xlsx")
    ),
}


def test_role_table_is_ordered() -> None:
    assert allowed_actions(Role.OFFICER) < allowed_actions(Role.MANAGER) < allowed_actions(Role.ADMIN)
    assert allowed_actions(Role.ADMIN) == frozenset(Action)
    assert allows(Role.OFFICER, Action.LOG_CASE)
    assert not allows(Role.OFFICER, Action.REASSIGN)
    assert allows("manager", Action.REASSIGN)
    assert not allows("manager", Action.MANAGE_STAFF)
    assert not allows("nonsense", Action.EXPORT_AUDIT)


def test_refusal_messages_are_plain() -> None:
    assert refusal(Action.REASSIGN) == "Only a manager or an admin can reassign cases. Ask your team manager."
    assert (
        refusal(Action.MANAGE_STAFF) == "Only an admin can manage staff and roles. Ask your SEND Desk admin."
    )


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY) + sorted(MANAGER_UP))
def test_officer_is_refused_and_nothing_is_audited(
    name: str, officer_desk: Desk, desk: Desk, complaint: CaseDetail, tmp_path: Path
) -> None:
    attempt = {**ADMIN_ONLY, **MANAGER_UP}[name]
    before = audit_count(desk)
    with pytest.raises(PermissionDeniedError, match=r"Only a manager or an admin|Only an admin"):
        attempt(officer_desk, complaint, tmp_path)
    assert audit_count(desk) == before
    assert not (tmp_path / "audit.xlsx").exists()
    assert not (tmp_path / "pack.xlsx").exists()


@pytest.mark.parametrize("name", sorted(ADMIN_ONLY))
def test_manager_is_refused_admin_work_and_nothing_is_audited(
    name: str, manager_desk: Desk, desk: Desk, complaint: CaseDetail, tmp_path: Path
) -> None:
    before = audit_count(desk)
    with pytest.raises(PermissionDeniedError, match="Only an admin can"):
        ADMIN_ONLY[name](manager_desk, complaint, tmp_path)
    assert audit_count(desk) == before


@pytest.mark.parametrize("name", sorted(MANAGER_UP))
def test_manager_may_do_manager_work(
    name: str, manager_desk: Desk, complaint: CaseDetail, tmp_path: Path
) -> None:
    MANAGER_UP[name](manager_desk, complaint, tmp_path)


def test_unknown_login_is_an_officer(desk_as: DeskAs, desk: Desk) -> None:
    stranger = desk_as("someone.new")
    before = audit_count(desk)
    with pytest.raises(PermissionDeniedError):
        stranger.closures.add([date(2026, 12, 29)])
    assert audit_count(desk) == before


def test_deactivated_admin_is_refused(desk: Desk, desk_as: DeskAs) -> None:
    desk.staff.add_staff("kim.lee", "Kim Lee", role=Role.ADMIN)
    desk.staff.deactivate("kim.lee")
    kim = desk_as("kim.lee")
    before = audit_count(desk)
    with pytest.raises(PermissionDeniedError, match="switched off"):
        kim.closures.add([date(2026, 12, 29)])
    assert audit_count(desk) == before


def test_admin_may_do_everything(desk: Desk, complaint: CaseDetail, tmp_path: Path) -> None:
    for attempt in {**ADMIN_ONLY, **MANAGER_UP}.values():
        fresh = desk.cases.get(complaint.id)
        try:
            attempt(desk, fresh, tmp_path)
        except PermissionDeniedError:  # pragma: no cover - the failure explains
            pytest.fail("an admin was refused")
        except Exception:  # validation of the sample values is not what this test is about
            pass


def test_the_readme_shows_exactly_the_permission_table() -> None:
    from send_desk.services.permissions import permission_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    shown = readme.split("<!-- permission-table -->\n", 1)[1].split("\n<!-- /permission-table -->", 1)[0]
    assert shown == permission_table()
    assert "| `export` | officer, manager, admin | export the case log (spreadsheet or CSV) |" in shown
    assert "| `export-audit` | manager, admin | export the audit trail |" in shown
    pack = "search every case for a person and export the subject-access pack"
    assert f"| `subject-access` | manager, admin | {pack} |" in shown
