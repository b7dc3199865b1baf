"""Roles and what each may do: officers work cases, managers also oversee them, admins run the desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy.orm import Session

from send_desk.db.models import Staff
from send_desk.domain.errors import PermissionDeniedError
from send_desk.domain.kinds import Role
from send_desk.services.identity import staff_for_login

RANK: dict[Role, int] = {Role.OFFICER: 1, Role.MANAGER: 2, Role.ADMIN: 3}


class Action(StrEnum):
    """Something a member of staff may or may not be allowed to do."""

    LOG_CASE = "log-case"
    WORK_CASE = "work-case"
    REASSIGN = "reassign"
    CORRECT_DATES = "correct-dates"
    RUN_REPORTS = "run-reports"
    EXPORT = "export"
    VIEW_AUDIT = "view-audit"
    SUBJECT_ACCESS = "subject-access"
    MANAGE_STAFF = "manage-staff"
    MANAGE_POLICIES = "manage-policies"
    MANAGE_CLOSURES = "manage-closures"
    MANAGE_CATEGORIES = "manage-categories"
    RETENTION = "retention"
    RESTORE = "restore"
    BACKUP_KEY = "backup-key"
    MANAGE_LETTERS = "manage-letters"
    MANAGE_SETTINGS = "manage-settings"


@dataclass(frozen=True)
class Rule:
    """The lowest role that may do an action, and the words used when someone may not."""

    minimum: Role
    doing: str


RULES: dict[Action, Rule] = {
    Action.LOG_CASE: Rule(Role.OFFICER, "log cases"),
    Action.WORK_CASE: Rule(Role.OFFICER, "work on cases"),
    Action.REASSIGN: Rule(Role.MANAGER, "reassign cases"),
    Action.CORRECT_DATES: Rule(Role.MANAGER, "correct recorded dates"),
    Action.RUN_REPORTS: Rule(Role.MANAGER, "run reports"),
    Action.EXPORT: Rule(Role.MANAGER, "export cases"),
    Action.VIEW_AUDIT: Rule(Role.MANAGER, "look at the audit trail"),
    Action.SUBJECT_ACCESS: Rule(Role.MANAGER, "search every case for a person"),
    Action.MANAGE_STAFF: Rule(Role.ADMIN, "manage staff and roles"),
    Action.MANAGE_POLICIES: Rule(Role.ADMIN, "change target policies"),
    Action.MANAGE_CLOSURES: Rule(Role.ADMIN, "change closure days and holidays"),
    Action.MANAGE_CATEGORIES: Rule(Role.ADMIN, "change categories"),
    Action.RETENTION: Rule(Role.ADMIN, "anonymise old cases"),
    Action.RESTORE: Rule(Role.ADMIN, "restore a backup"),
    Action.BACKUP_KEY: Rule(Role.ADMIN, "export or import the backup signing key"),
    Action.MANAGE_LETTERS: Rule(Role.ADMIN, "change letter templates and the email relay"),
    Action.MANAGE_SETTINGS: Rule(Role.ADMIN, "change the desk's shared settings"),
}
"""Each action and the lowest role allowed to do it; higher roles may do everything lower ones may."""


def role_of(value: str) -> Role:
    """Return the role a stored value names (an unknown value counts as officer)."""
    try:
        return Role(value)
    except ValueError:
        return Role.OFFICER


def allows(role: Role | str, action: Action) -> bool:
    """Tell whether a role may do an action."""
    role = role if isinstance(role, Role) else role_of(role)
    return RANK[role] >= RANK[RULES[action].minimum]


def allowed_actions(role: Role | str) -> frozenset[Action]:
    """Return every action a role may do."""
    return frozenset(action for action in Action if allows(role, action))


def refusal(action: Action) -> str:
    """Return the plain-words message for someone who may not do an action."""
    rule = RULES[action]
    if rule.minimum is Role.ADMIN:
        return f"Only an admin can {rule.doing}. Ask your SEND Desk admin."
    return f"Only a manager or an admin can {rule.doing}. Ask your team manager."


def check(staff: Staff, action: Action) -> None:
    """Raise PermissionDeniedError unless this member of staff may do the action."""
    if not staff.active:
        raise PermissionDeniedError(
            f"Your SEND Desk account ({staff.login}) has been switched off, so you cannot "
            f"{RULES[action].doing}. Ask your SEND Desk admin."
        )
    if not allows(staff.role, action):
        raise PermissionDeniedError(refusal(action))


def require(session: Session, login: str, action: Action, *, at: datetime | None = None) -> Staff:
    """Return the acting member of staff, raising PermissionDeniedError if they may not do the action."""
    staff = staff_for_login(session, login, at=at or datetime.now(UTC))
    check(staff, action)
    return staff
