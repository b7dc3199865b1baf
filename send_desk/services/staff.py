"""Staff records: list, add and change members of staff and their roles."""

from __future__ import annotations

from sqlalchemy import select

from send_desk.db.models import Staff
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import Role
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.dto import StaffView
from send_desk.services.identity import find_staff, staff_for_login, staff_view


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

    def add_staff(self, login: str, name: str, *, role: Role = Role.OFFICER, team: str = "") -> StaffView:
        """Add a member of staff by their login."""
        login = login.strip()
        if not login or not name.strip():
            raise ValidationError("Enter both the login and the name of the member of staff.", field="login")
        with self.ctx.db.write() as session:
            actor = staff_for_login(session, self.ctx.actor_login(), at=self.ctx.now())
            if find_staff(session, login) is not None:
                raise ValidationError(
                    f"There is already a member of staff with the login {login}.", field="login"
                )
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
