"""Target policies and calendars as stored in the database, turned into domain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.models import Category, ClosureDay, TargetPolicyRow
from send_desk.domain.calendar import CalendarKind, WorkingCalendar
from send_desk.domain.errors import UnknownPolicyError
from send_desk.domain.kinds import DEFAULT_CATEGORIES, CaseKind, kind_facts
from send_desk.domain.policy import DEFAULT_POLICIES, ClarificationRule, ClockRule, TargetPolicy, kind_noun


def policy_from_row(row: TargetPolicyRow) -> TargetPolicy:
    """Return the domain policy a stored row describes."""
    return TargetPolicy(
        kind=CaseKind(row.kind),
        stage=row.stage,
        acknowledge_days=row.acknowledge_days,
        respond_rule=ClockRule(row.respond_rule),
        respond_amount=row.respond_amount,
        respond_from_acknowledgement=row.respond_from_acknowledgement,
        extension_max=row.extension_max,
        calendar=CalendarKind(row.calendar),
        counts_closures=row.counts_closures,
        pause_allowed=row.pause_allowed,
        clarification_restarts=row.clarification_restarts,
        due_soon_days=row.due_soon_days,
        clarification_rule=ClarificationRule(row.clarification_rule or ClarificationRule.RESTART.value),
        clarification_source=row.clarification_source or "",
        escalation_days=20 if row.escalation_days is None else row.escalation_days,
    )


def row_from_policy(policy: TargetPolicy, *, version: int, at: datetime, login: str) -> TargetPolicyRow:
    """Return a new stored row for a policy version."""
    return TargetPolicyRow(
        kind=policy.kind.value,
        stage=policy.stage,
        version=version,
        current=True,
        effective_from=at,
        created_by=login,
        acknowledge_days=policy.acknowledge_days,
        respond_rule=policy.respond_rule.value,
        respond_amount=policy.respond_amount,
        respond_from_acknowledgement=policy.respond_from_acknowledgement,
        extension_max=policy.extension_max,
        calendar=policy.calendar.value,
        counts_closures=policy.counts_closures,
        pause_allowed=policy.pause_allowed,
        clarification_restarts=policy.clarification_restarts,
        due_soon_days=policy.due_soon_days,
        clarification_rule=policy.clarification_rule.value,
        clarification_source=policy.clarification_source,
        escalation_days=policy.escalation_days,
    )


def current_policy_row(session: Session, kind: CaseKind, stage: int) -> TargetPolicyRow:
    """Return the policy version new cases of this kind and stage start under."""
    row = session.scalars(
        select(TargetPolicyRow)
        .where(TargetPolicyRow.kind == kind.value, TargetPolicyRow.stage == stage, TargetPolicyRow.current)
        .order_by(TargetPolicyRow.version.desc())
    ).first()
    if row is None:
        if kind_facts(kind).stages > 1:
            message = f"A complaint can only be at stage 1 or stage 2, not stage {stage}."
        else:
            noun = kind_noun(kind)
            message = f"{noun[0].upper()}{noun[1:]} has a single stage; stage {stage} does not apply."
        raise UnknownPolicyError(message, kind=kind.value, stage=stage)
    return row


@dataclass(frozen=True)
class ClosureSets:
    """Office closure days and one-off national holidays from the database."""

    closures: frozenset[date]
    national: frozenset[date]

    def calendar_for(self, policy: TargetPolicy) -> WorkingCalendar:
        """Return the working-day calendar a policy counts in."""
        return WorkingCalendar(
            kind=policy.calendar,
            closures=self.closures if policy.counts_closures else frozenset(),
            extra_holidays=self.national,
        )


def load_closures(session: Session) -> ClosureSets:
    """Read the closure days and one-off holidays."""
    rows = session.execute(select(ClosureDay.day, ClosureDay.national)).all()
    return ClosureSets(
        closures=frozenset(day for day, national in rows if not national),
        national=frozenset(day for day, national in rows if national),
    )


def office_calendar(sets: ClosureSets) -> WorkingCalendar:
    """Return the England and Wales calendar with office closures, used for dashboard windows."""
    return WorkingCalendar(
        kind=CalendarKind.ENGLAND_WALES, closures=sets.closures, extra_holidays=sets.national
    )


def seed_reference_data(session: Session, *, at: datetime, login: str) -> None:
    """Add the default target policies and SEND categories to a database that has none."""
    if session.scalars(select(TargetPolicyRow.id).limit(1)).first() is None:
        for policy in DEFAULT_POLICIES:
            session.add(row_from_policy(policy, version=1, at=at, login=login))
    if session.scalars(select(Category.id).limit(1)).first() is None:
        for name, appealable in DEFAULT_CATEGORIES:
            session.add(Category(name=name, appealable=appealable, active=True))
