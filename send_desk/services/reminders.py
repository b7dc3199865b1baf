"""Reminders: each member of staff's open targets that are due today or overdue."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, Staff
from send_desk.domain.kinds import CaseStatus
from send_desk.services.context import ServiceContext
from send_desk.services.views import RagWindow, rag_window
from send_desk.values.reminders import DueItem, Reminders

ACKNOWLEDGEMENT = "Acknowledgement"
RESPONSE = "Response"


class ReminderService:
    """Find what is due today or overdue, for the person at the desk or for every officer."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the desk's context."""
        self.ctx = ctx

    def mine(self) -> Reminders:
        """Return the reminders of the person at this desk."""
        with self.ctx.db.read() as session:
            me = session.scalars(select(Staff).where(Staff.login == self.ctx.actor_login())).first()
            window = rag_window(session, self.ctx.today())
            if me is None:
                return Reminders(login=self.ctx.actor_login(), name="", email="", today=window.today)
            return _reminders(session, window, me)

    def everyone(self) -> list[Reminders]:
        """Return the reminders of every active member of staff who has something due, by name."""
        with self.ctx.db.read() as session:
            window = rag_window(session, self.ctx.today())
            staff = session.scalars(select(Staff).where(Staff.active.is_(True)).order_by(Staff.name))
            found = [_reminders(session, window, person) for person in staff]
            return [reminders for reminders in found if reminders]


def _reminders(session: Session, window: RagWindow, person: Staff) -> Reminders:
    rows = session.execute(
        select(
            Case.id,
            Case.reference,
            Case.summary,
            Case.next_due,
            Case.acknowledge_by,
            Case.acknowledged_on,
        )
        .where(
            Case.officer_id == person.id,
            Case.status == CaseStatus.OPEN.value,
            Case.paused.is_(False),
            Case.next_due <= window.today,
        )
        .order_by(Case.next_due, Case.reference)
    ).all()
    items = [
        _item(window, case_id, reference, summary or "", due, acknowledge_by, acknowledged_on)
        for case_id, reference, summary, due, acknowledge_by, acknowledged_on in rows
        if due is not None
    ]
    return Reminders(
        login=person.login,
        name=person.name,
        email=person.email or "",
        today=window.today,
        overdue=tuple(sorted((item for item in items if item.due < window.today), key=lambda i: i.due)),
        due_today=tuple(item for item in items if item.due == window.today),
    )


def _item(
    window: RagWindow,
    case_id: int,
    reference: str,
    summary: str,
    due: date,
    acknowledge_by: date | None,
    acknowledged_on: date | None,
) -> DueItem:
    acknowledgement = acknowledged_on is None and acknowledge_by is not None and acknowledge_by <= due
    late = window.calendar.working_days_between(due, window.today) if due < window.today else 0
    return DueItem(
        case_id=case_id,
        reference=reference,
        summary=summary,
        target=ACKNOWLEDGEMENT if acknowledgement else RESPONSE,
        due=due,
        working_days_overdue=late,
    )
