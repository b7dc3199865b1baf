"""Office closure days and one-off national holidays, edited by an admin and audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from send_desk.db.models import ClosureDay
from send_desk.domain.errors import ValidationError
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require


@dataclass(frozen=True)
class ClosureView:
    """A day the office is closed (or a one-off national holiday)."""

    day: date
    description: str
    national: bool


class ClosureService:
    """List, add and remove closure days."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def list_days(self) -> list[ClosureView]:
        """Return every closure day in date order."""
        with self.ctx.db.read() as session:
            rows = session.scalars(select(ClosureDay).order_by(ClosureDay.day))
            return [ClosureView(r.day, r.description, r.national) for r in rows]

    def add(self, days: Sequence[date], *, description: str = "", national: bool = False) -> list[date]:
        """Add closure days (ignoring ones already there) and return those added."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_CLOSURES, at=self.ctx.now())
            existing = set(session.scalars(select(ClosureDay.day).where(ClosureDay.day.in_(list(days)))))
            added = sorted({d for d in days if d not in existing})
            for day in added:
                session.add(ClosureDay(day=day, description=description.strip(), national=national))
            if added:
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=actor.login,
                    actor_name=actor.name,
                    action="closure-add",
                    details={"days": added, "national": national, "description": description},
                )
            return added

    def add_national_holiday(self, day: date, description: str) -> list[date]:
        """Add a one-off national bank holiday, which counts for every kind of case."""
        if not description.strip():
            raise ValidationError(
                "Say what the holiday is, for example 'State funeral'.", field="description"
            )
        return self.add([day], description=description, national=True)

    def remove(self, days: Sequence[date]) -> list[date]:
        """Remove closure days and return those that were there."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_CLOSURES, at=self.ctx.now())
            rows = list(session.scalars(select(ClosureDay).where(ClosureDay.day.in_(list(days)))))
            for row in rows:
                session.delete(row)
            removed = sorted(row.day for row in rows)
            if removed:
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=actor.login,
                    actor_name=actor.name,
                    action="closure-remove",
                    details={"days": removed},
                )
            return removed
