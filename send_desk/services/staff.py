"""Staff records: list, add and change members of staff and their roles."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from send_desk.db.models import Staff
from send_desk.db.session import is_team
from send_desk.domain.errors import NotFoundError, ValidationError
from send_desk.domain.kinds import Role
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.identity import find_staff, staff_for_login, staff_view
from send_desk.services.permissions import Action, require
from send_desk.values.cases import StaffView

STAFF_FIELDS = ("name", "team", "email", "role", "active")
"""What `_change` may change (the arguments of the server's send_desk_staff_change besides the login)."""


class StaffService:
    """Reading and maintaining the staff list."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def me(self) -> StaffView:
        """Return the person using the desk (creating their record on first use)."""
        with self.ctx.db.write() as session:
            view = staff_view(staff_for_login(session, self.ctx.actor_login(), at=self.ctx.now()))
            assert view is not None
            return view

    def list_staff(self, *, include_inactive: bool = False) -> list[StaffView]:
        """Return members of staff ordered by name."""
        with self.ctx.db.read() as session:
            query = select(Staff).order_by(Staff.name)
            if not include_inactive:
                query = query.where(Staff.active)
            return [view for view in (staff_view(s) for s in session.scalars(query)) if view is not None]

    def add_staff(
        self, login: str, name: str, *, role: Role = Role.OFFICER, team: str = "", password: str | None = None
    ) -> StaffView:
        """Add a member of staff by their login.

        On a team's PostgreSQL database this also creates their database login (with `password`, or none
        for single sign-on) and makes it a member of their role's group.
        """
        login = login.strip()
        if not login and not name.strip():
            raise ValidationError("Enter both the login and the name of the member of staff.", field="login")
        if not login:
            raise ValidationError("Enter the login of the member of staff.", field="login")
        if not name.strip():
            raise ValidationError("Enter the name of the member of staff.", field="name")
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_STAFF, at=self.ctx.now())
            if find_staff(session, login) is not None:
                raise ValidationError(
                    f"There is already a member of staff with the login {login}.", field="login"
                )
            if is_team(session):
                # the server creates the login and its group membership, and checks the caller is an admin
                session.execute(
                    text("SELECT send_desk_staff_add(:login, :name, :role, :team, :password, :at)"),
                    {
                        "login": login,
                        "name": name.strip(),
                        "role": role.value,
                        "team": team.strip(),
                        "password": password or "",
                        "at": self.ctx.now().astimezone(UTC).replace(tzinfo=None),
                    },
                )
                staff = session.scalars(select(Staff).where(Staff.login == login)).one()
            else:
                staff = Staff(
                    login=login,
                    name=name.strip(),
                    role=role.value,
                    team=team.strip(),
                    active=True,
                    created_at=self.ctx.now(),
                )
                session.add(staff)
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="staff-add",
                details={"login": login, "name": name.strip(), "role": role.value, "team": team.strip()},
            )
            session.flush()
            view = staff_view(staff)
            assert view is not None
            return view

    def change_role(self, login: str, role: Role) -> StaffView:
        """Give a member of staff another role (the last active admin keeps theirs)."""
        return self._change(login, role=role.value)

    def update_details(
        self, login: str, *, name: str | None = None, team: str | None = None, email: str | None = None
    ) -> StaffView:
        """Change a member of staff's name, team or email address."""
        if name is not None and not name.strip():
            raise ValidationError("The name of the member of staff cannot be empty.", field="name")
        values: dict[str, Any] = {}
        if name is not None:
            values["name"] = name.strip()
        if team is not None:
            values["team"] = team.strip()
        if email is not None:
            values["email"] = email.strip()
        return self._change(login, **values)

    def deactivate(self, login: str) -> StaffView:
        """Switch off a member of staff who has left; their cases and history stay."""
        return self._change(login, active=False)

    def reactivate(self, login: str) -> StaffView:
        """Switch a member of staff back on."""
        return self._change(login, active=True)

    def _change(self, login: str, **values: Any) -> StaffView:
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_STAFF, at=self.ctx.now())
            staff = find_staff(session, login.strip())
            if staff is None:
                raise NotFoundError(f"There is no member of staff with the login {login.strip()}.")
            if staff.id == actor.id and (values.get("active") is False or "role" in values):
                raise ValidationError(
                    "You cannot switch off your own account or change your own role. Ask another admin.",
                    field="role",
                )
            before = {key: getattr(staff, key) for key in values}
            loses_admin = (
                staff.role == Role.ADMIN.value
                and staff.active
                and (
                    values.get("role", Role.ADMIN.value) != Role.ADMIN.value or values.get("active") is False
                )
            )
            if loses_admin and active_admins(session) <= 1:
                raise ValidationError(
                    f"{staff.name} is the only admin. Make someone else an admin first, so that somebody "
                    "can still manage staff, targets and closure days.",
                    field="role",
                )
            if is_team(session):
                session.execute(
                    text("SELECT send_desk_staff_change(:login, :name, :team, :email, :role, :active)"),
                    {"login": staff.login, **{key: values.get(key) for key in STAFF_FIELDS}},
                )
                session.refresh(staff)
            else:
                for key, value in values.items():
                    setattr(staff, key, value)
            changes = audit.diff(before, values)
            if changes:
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=actor.login,
                    actor_name=actor.name,
                    action="staff-change",
                    changes=changes,
                    details={"login": staff.login},
                )
            session.flush()
            view = staff_view(staff)
            assert view is not None
            return view


def active_admins(session: Session) -> int:
    """Return how many active admins there are."""
    query = select(func.count(Staff.id)).where(Staff.role == Role.ADMIN.value, Staff.active)
    return int(session.scalar(query) or 0)
