"""Turn stored cases into the immutable views callers get (details, register rows, RAG)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased

from send_desk.db.models import Case, CaseLink, CaseStage, Category, Person, Staff, TargetPolicyRow
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.kinds import CaseKind, CaseStatus, PersonRole, Rag
from send_desk.domain.lifecycle import allowed_actions, relevant_actions, response_stopped
from send_desk.domain.policy import ClockRule, TargetPolicy
from send_desk.domain.targets import due_soon_from, met, rag_at
from send_desk.services.clocks import case_state, stage_state
from send_desk.services.identity import staff_view
from send_desk.services.policies import ClosureSets, load_closures, office_calendar, policy_from_row
from send_desk.values.cases import (
    ActionView,
    CaseDetail,
    CaseRow,
    ClockView,
    ExtensionView,
    LinkView,
    PauseView,
    PersonView,
    RemedyView,
    StageView,
    TimelineView,
)

DUE_SOON_WORKING_DAYS = 2
"""The default "due soon" window; each policy version sets its own (`TargetPolicy.due_soon_days`)."""


@dataclass(frozen=True)
class RagWindow:
    """Today and the calendars RAG is worked out with; the rule itself is `domain.targets.rag_at`.

    `soon_until` is the last day any policy's "due soon" window can reach (today plus the largest
    `due_soon_days`): the bound that keeps the dashboard's "due soon" count a range over an index.
    """

    today: date
    soon_until: date
    calendar: WorkingCalendar
    closures: ClosureSets | None = None
    _calendars: dict[tuple[str, bool], WorkingCalendar] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def calendar_for(self, policy: TargetPolicy) -> WorkingCalendar:
        """Return the calendar a policy counts in (the office calendar when closures are unknown).

        One calendar per kind of calendar and closure rule, made once: a calendar learns its years as it
        counts, so a long run of cases (an export) reuses what it learnt.
        """
        if self.closures is None:
            return self.calendar
        key = (policy.calendar.value, policy.counts_closures)
        calendar = self._calendars.get(key)
        if calendar is None:
            calendar = self._calendars[key] = self.closures.calendar_for(policy)
        return calendar

    def rag(
        self,
        due: date | None,
        done_on: date | None,
        closed: bool = False,
        *,
        soon_from: date | None = None,
        policy: TargetPolicy | None = None,
    ) -> Rag:
        """Return the RAG state of one target (its policy's "due soon" window, or the stored first day)."""
        if closed:
            return Rag.DONE
        if soon_from is None:
            days = DUE_SOON_WORKING_DAYS if policy is None else policy.due_soon_days
            calendar = self.calendar if policy is None else self.calendar_for(policy)
            soon_from = due_soon_from(due, calendar, days)
        return rag_at(due, done_on, self.today, soon_from)

    def overdue_days(self, status: str, next_due: date | None) -> int | None:
        """Return the working days an open case's next target is past due (None when it is not past due)."""
        if status != CaseStatus.OPEN.value or next_due is None or next_due >= self.today:
            return None
        return self.calendar.working_days_between(next_due, self.today)

    def case_rag(
        self,
        status: str,
        next_due: date | None,
        responded_on: date | None,
        soon_from: date | None = None,
        stopped: bool = False,
    ) -> Rag:
        """Return the RAG state of a case from its next outstanding target and its stored "due soon" day.

        A stopped clock with nothing else due is "waiting for the requester".
        """
        if status == CaseStatus.CLOSED.value or (next_due is None and responded_on is not None):
            return Rag.DONE
        if stopped and next_due is None:
            return Rag.WAITING
        return self.rag(next_due, None, soon_from=soon_from)


def rag_window(session: Session, today: date) -> RagWindow:
    """Return the RAG window for today: the office calendar, the closures, the widest "due soon" reach."""
    closures = load_closures(session)
    calendar = office_calendar(closures)
    widest = session.scalar(select(func.max(TargetPolicyRow.due_soon_days))) or DUE_SOON_WORKING_DAYS
    return RagWindow(today, calendar.add_working_days(today, int(widest)), calendar, closures)


def person_view(person: Person | None) -> PersonView | None:
    """Return the view of a person row."""
    if person is None:
        return None
    return PersonView(
        role=person.role,
        name=person.name,
        date_of_birth=person.date_of_birth,
        identifier=person.identifier,
        relationship=person.relationship_to_child,
        organisation=person.organisation,
        email=person.email,
        phone=person.phone,
        address=person.address,
        preferred_contact=person.preferred_contact,
        consent=person.consent,
    )


def stage_view(stage: CaseStage, window: RagWindow, closed: bool, staff_names: dict[int, str]) -> StageView:
    """Return the view of one stage with its clocks."""
    policy = policy_from_row(stage.policy)
    state = stage_state(stage)
    stopped = response_stopped(state)
    acknowledge = None
    if stage.acknowledge_by is not None:
        acknowledge = ClockView(
            name="Acknowledge",
            due=stage.acknowledge_by,
            done_on=stage.acknowledged_on,
            met=met(stage.acknowledge_by, stage.acknowledged_on),
            rag=window.rag(stage.acknowledge_by, stage.acknowledged_on, closed, policy=policy),
            missed_reason=stage.acknowledge_missed_reason,
        )
    respond = None
    if stage.respond_by is not None or stage.responded_on is not None or policy.respond_amount is not None:
        extended_from = stage.respond_by_unextended if stage.extensions else None
        respond = ClockView(
            name="Respond",
            due=stage.respond_by,
            done_on=stage.responded_on,
            met=met(stage.respond_by, stage.responded_on),
            rag=Rag.WAITING
            if stopped and not closed
            else window.rag(stage.respond_by, stage.responded_on, closed, policy=policy),
            extended_from=extended_from,
            missed_reason=stage.respond_missed_reason,
        )
    return StageView(
        stage=stage.stage,
        target=policy.describe(),
        started_on=stage.started_on,
        handler=staff_view(stage.handler),
        acknowledge=acknowledge,
        respond=respond,
        paused=any(p.end is None for p in stage.pauses),
        clarified_on=stage.clarified_on,
        outcome=stage.outcome,
        reasons=stage.reasons,
        learning=stage.learning,
        extensions=tuple(
            ExtensionView(e.amount, e.new_due, e.reason, e.told_on, e.created_by) for e in stage.extensions
        ),
        pauses=tuple(PauseView(p.start, p.end, p.reason) for p in stage.pauses),
        remedies=tuple(RemedyView(r.kind, r.amount_pence, r.description) for r in stage.remedies),
        actions=tuple(
            ActionView(a.id, a.what, staff_names.get(a.owner_id or 0, ""), a.due, a.done_on)
            for a in stage.actions
        ),
        extension_allowed=policy.extension_max is not None
        and not stage.extensions
        and stage.responded_on is None,
        pause_allowed=policy.pause_allowed,
        clarification_requested_on=stage.clarification_requested_on,
        chase_on=stage.chase_on,
        waiting=state.waiting,
        escalation_late_reason=stage.escalation_late_reason,
        counts_months=policy.respond_rule is ClockRule.CALENDAR_MONTHS,
    )


def case_detail(session: Session, case: Case, window: RagWindow) -> CaseDetail:
    """Return the whole view of a case."""
    people = {person.role: person for person in case.people}
    state = case_state(case)
    closed = case.status == CaseStatus.CLOSED.value
    owner_ids = {a.owner_id for s in case.stages for a in s.actions if a.owner_id}
    staff_names = dict(session.execute(select(Staff.id, Staff.name).where(Staff.id.in_(owner_ids))).all())
    logged_by = session.get(Staff, case.logged_by_id) if case.logged_by_id else None
    return CaseDetail(
        id=case.id,
        reference=case.reference,
        kind=CaseKind(case.kind),
        stage=case.stage,
        status=CaseStatus(case.status),
        channel=case.channel,
        received_on=case.received_on,
        received_at=case.received_at,
        category=case.category.name if case.category else "",
        appealable=bool(case.category and case.category.appealable),
        service_area=case.service_area,
        summary=case.summary,
        description=case.description,
        adjustments=case.adjustments,
        officer=staff_view(case.officer),
        logged_by=logged_by.name if logged_by else "",
        child=person_view(people.get(PersonRole.CHILD.value)),
        contact=person_view(people.get(PersonRole.CONTACT.value)),
        representative=person_view(people.get(PersonRole.REPRESENTATIVE.value)),
        stages=tuple(stage_view(stage, window, closed, staff_names) for stage in case.stages),
        timeline=tuple(
            TimelineView(t.at, t.entry_type, t.channel, t.direction, t.text, t.author) for t in case.timeline
        ),
        links=tuple(case_links(session, case.id)),
        acknowledge_by=case.acknowledge_by,
        acknowledged_on=case.acknowledged_on,
        respond_by=case.respond_by,
        responded_on=case.responded_on,
        next_due=case.next_due,
        rag=window.case_rag(case.status, case.next_due, case.responded_on, case.due_soon_from, case.paused),
        outcome=case.outcome,
        closure_code=case.closure_code,
        closure_reason=case.closure_reason,
        closed_on=case.closed_on,
        ombudsman_reference=case.ombudsman_reference,
        ombudsman_decision=case.ombudsman_decision,
        anonymised=case.anonymised,
        version=case.version,
        updated_at=case.updated_at,
        updated_by=case.updated_by,
        actions=allowed_actions(state),
        relevant=relevant_actions(state),
        adjustments_review_on=case.adjustments_review_on,
        matter_on=case.matter_on,
        matter_late_reason=case.matter_late_reason,
    )


def case_links(session: Session, case_id: int) -> list[LinkView]:
    """Return the cases linked to a case, in either direction."""
    rows = session.execute(
        select(CaseLink.case_id, CaseLink.linked_case_id, CaseLink.kind).where(
            or_(CaseLink.case_id == case_id, CaseLink.linked_case_id == case_id)
        )
    ).all()
    other_ids = {b if a == case_id else a: kind for a, b, kind in rows}
    if not other_ids:
        return []
    others = session.execute(
        select(Case.id, Case.reference, Case.summary, Case.status).where(Case.id.in_(other_ids))
    ).all()
    return [LinkView(ref, other_ids[cid], summary, status) for cid, ref, summary, status in others]


def case_rows(session: Session, ids: Sequence[int], window: RagWindow) -> list[CaseRow]:
    """Return register rows for the given case ids, in the same order."""
    if not ids:
        return []
    child = aliased(Person)
    contact = aliased(Person)
    query = (
        select(
            Case.id,
            Case.reference,
            Case.kind,
            Case.stage,
            Case.status,
            Case.received_on,
            contact.name,
            child.name,
            Category.name,
            Staff.name,
            Case.acknowledge_by,
            Case.acknowledged_on,
            Case.respond_by,
            Case.responded_on,
            Case.next_due,
            Case.summary,
            Case.due_soon_from,
            Case.paused,
        )
        .outerjoin(child, (child.case_id == Case.id) & (child.role == PersonRole.CHILD.value))
        .outerjoin(contact, (contact.case_id == Case.id) & (contact.role == PersonRole.CONTACT.value))
        .outerjoin(Category, Category.id == Case.category_id)
        .outerjoin(Staff, Staff.id == Case.officer_id)
        .where(Case.id.in_(list(ids)))
    )
    by_id = {}
    for r in session.execute(query).all():
        by_id[r[0]] = CaseRow(
            id=r[0],
            reference=r[1],
            kind=CaseKind(r[2]),
            stage=r[3],
            status=CaseStatus(r[4]),
            received_on=r[5],
            contact_name=r[6] or "",
            child_name=r[7] or "",
            category=r[8] or "",
            officer=r[9] or "",
            acknowledge_by=r[10],
            acknowledged_on=r[11],
            respond_by=r[12],
            responded_on=r[13],
            next_due=r[14],
            rag=window.case_rag(r[4], r[14], r[13], r[16], bool(r[17])),
            summary=r[15] or "",
            overdue_days=window.overdue_days(r[4], r[14]),
        )
    return [by_id[i] for i in ids if i in by_id]
