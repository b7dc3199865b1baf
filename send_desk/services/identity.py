"""Who is using the desk: the OS login mapped to a staff record."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from send_desk.db.models import Staff
from send_desk.db.session import is_team
from send_desk.domain.kinds import Role
from send_desk.values.cases import StaffView


def staff_for_login(session: Session, login: str, *, at: datetime) -> Staff:
    """Return the staff record for a login, creating it on first use (the first person is admin)."""
    staff = session.scalars(select(Staff).where(Staff.login == login)).first()
    if staff is not None:
        return staff
    if is_team(session):
        # on a team's database the server makes the record, with the role of the login's group
        session.execute(text("SELECT send_desk_enrol(:at)"), {"at": at.astimezone(UTC).replace(tzinfo=None)})
        return session.scalars(select(Staff).where(Staff.login == login)).one()
    first = (session.scalar(select(func.count(Staff.id))) or 0) == 0
    staff = Staff(
        login=login,
        name=display_name_for(login),
        role=Role.ADMIN.value if first else Role.OFFICER.value,
        active=True,
        created_at=at,
    )
    session.add(staff)
    session.flush()
    return staff


def find_staff(session: Session, login: str) -> Staff | None:
    """Return the staff record with this login, if any."""
    return session.scalars(select(Staff).where(Staff.login == login)).first()


def display_name_for(login: str) -> str:
    """Guess a readable name from a login such as 'sam.patel' → 'Sam Patel'."""
    parts = [part for part in login.replace("_", ".").replace("-", ".").split(".") if part]
    return " ".join(part.capitalize() for part in parts) or login


def staff_view(staff: Staff | None) -> StaffView | None:
    """Return the immutable view of a staff record."""
    if staff is None:
        return None
    return StaffView(
        login=staff.login, name=staff.name, role=staff.role, team=staff.team, active=staff.active
    )
