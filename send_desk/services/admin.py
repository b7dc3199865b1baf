"""Administration: versioned target policies with explicit recalculation."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, TargetPolicyRow
from send_desk.domain.calendar import CalendarKind
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, CaseStatus
from send_desk.domain.policy import ClockRule, TargetPolicy
from send_desk.domain.targets import compute_deadlines
from send_desk.services import audit
from send_desk.services.clocks import refresh, stage_clock
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require
from send_desk.services.policies import (
    ClosureSets,
    current_policy_row,
    load_closures,
    policy_from_row,
    row_from_policy,
)

EDITABLE_FIELDS = (
    "acknowledge_days",
    "respond_rule",
    "respond_amount",
    "respond_from_acknowledgement",
    "extension_max",
    "calendar",
    "counts_closures",
    "pause_allowed",
    "clarification_restarts",
    "due_soon_days",
)
"""The policy fields an admin may change; kind and stage identify the policy and never change."""


@dataclass(frozen=True)
class PolicyView:
    """One stored version of a target policy."""

    id: int
    version: int
    current: bool
    effective_from: datetime
    created_by: str
    policy: TargetPolicy

    @property
    def label(self) -> str:
        """Return the kind and stage as a person reads them."""
        return self.policy.label

    @property
    def description(self) -> str:
        """Return the targets in one sentence."""
        return self.policy.describe()


@dataclass(frozen=True)
class RecalculationItem:
    """What recalculating one open case would change."""

    case_id: int
    reference: str
    kind: CaseKind
    stage: int
    from_version: int
    to_version: int
    acknowledge_by: tuple[date | None, date | None]
    respond_by: tuple[date | None, date | None]

    @property
    def dates_move(self) -> bool:
        """Tell whether a stored due date would change."""
        return self.acknowledge_by[0] != self.acknowledge_by[1] or self.respond_by[0] != self.respond_by[1]


def policy_view(row: TargetPolicyRow) -> PolicyView:
    """Return the immutable view of a stored policy version."""
    return PolicyView(
        id=row.id,
        version=row.version,
        current=row.current,
        effective_from=row.effective_from,
        created_by=row.created_by,
        policy=policy_from_row(row),
    )


def _coerce(field: str, value: Any) -> Any:
    if field == "respond_rule":
        try:
            return ClockRule(value)
        except ValueError:
            raise ValidationError(f"{value} is not a way of counting a target.", field=field) from None
    if field == "calendar":
        try:
            return CalendarKind(value)
        except ValueError:
            raise ValidationError(f"{value} is not one of the calendars.", field=field) from None
    if field in (
        "respond_from_acknowledgement",
        "counts_closures",
        "pause_allowed",
        "clarification_restarts",
    ):
        return bool(value)
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{value!r} is not a whole number of days.", field=field) from None


class PolicyAdminService:
    """Versioned target policies: changes apply to new cases; open cases move only when recalculated."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def list_current(self) -> list[PolicyView]:
        """Return the current version of every policy, in kind and stage order."""
        order = {kind.value: index for index, kind in enumerate(CaseKind)}
        with self.ctx.db.read() as session:
            rows = session.scalars(select(TargetPolicyRow).where(TargetPolicyRow.current)).all()
            rows = sorted(rows, key=lambda r: (order.get(r.kind, 99), r.stage))
            return [policy_view(row) for row in rows]

    def history(self, kind: CaseKind, stage: int = 1) -> list[PolicyView]:
        """Return every version of one policy, newest first."""
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(TargetPolicyRow)
                .where(TargetPolicyRow.kind == kind.value, TargetPolicyRow.stage == stage)
                .order_by(TargetPolicyRow.version.desc())
            )
            return [policy_view(row) for row in rows]

    def propose_change(self, kind: CaseKind, stage: int, changes: Mapping[str, Any]) -> PolicyView:
        """Save a new version of a policy; it applies to cases logged from now on."""
        unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
        if unknown:
            raise ValidationError(f"{', '.join(unknown)} cannot be changed in a policy.", field=unknown[0])
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_POLICIES, at=self.ctx.now())
            old_row = current_policy_row(session, kind, stage)
            old = policy_from_row(old_row)
            new = dataclasses.replace(old, **{key: _coerce(key, value) for key, value in changes.items()})
            if new == old:
                raise ValidationError("Nothing was changed, so no new version was saved.")
            old_row.current = False
            session.flush()
            row = row_from_policy(new, version=old_row.version + 1, at=self.ctx.now(), login=actor.login)
            session.add(row)
            before = {f: getattr(old, f) for f in EDITABLE_FIELDS}
            after = {f: getattr(new, f) for f in EDITABLE_FIELDS}
            audit.record(
                session,
                at=self.ctx.now(),
                login=actor.login,
                actor_name=actor.name,
                action="policy-change",
                changes=audit.diff(before, after),
                details={"kind": kind, "stage": stage, "version": row.version},
            )
            session.flush()
            return policy_view(row)

    def preview_recalculation(
        self, kind: CaseKind | None = None, stage: int | None = None
    ) -> list[RecalculationItem]:
        """List open cases that recalculating would change (another version or other due dates)."""
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.MANAGE_POLICIES, at=self.ctx.now())
            closures = load_closures(session)
            return [item for _case, item in self._plan(session, kind, stage, closures)]

    def recalculate(self, kind: CaseKind | None = None, stage: int | None = None) -> list[RecalculationItem]:
        """Move open cases to the current policy version and calendar, auditing each case changed."""
        with self.ctx.db.write() as session:
            actor = require(session, self.ctx.actor_login(), Action.MANAGE_POLICIES, at=self.ctx.now())
            closures = load_closures(session)
            plan = self._plan(session, kind, stage, closures)
            currents: dict[tuple[str, int], TargetPolicyRow] = {}
            for case, item in plan:
                current_stage = case.stages[-1]
                key = (case.kind, current_stage.stage)
                if key not in currents:
                    currents[key] = current_policy_row(session, CaseKind(case.kind), current_stage.stage)
                before = {
                    "acknowledge_by": case.acknowledge_by,
                    "respond_by": case.respond_by,
                    "next_due": case.next_due,
                    "policy_version": item.from_version,
                }
                current_stage.policy = currents[key]
                refresh(case, current_stage, closures)
                case.updated_at = self.ctx.now()
                case.updated_by = actor.name
                after = {
                    "acknowledge_by": case.acknowledge_by,
                    "respond_by": case.respond_by,
                    "next_due": case.next_due,
                    "policy_version": item.to_version,
                }
                audit.record(
                    session,
                    at=self.ctx.now(),
                    login=actor.login,
                    actor_name=actor.name,
                    action="recalculate",
                    case=case,
                    changes=audit.diff(before, after),
                )
            session.flush()
            return [item for _case, item in plan]

    def _plan(
        self, session: Session, kind: CaseKind | None, stage: int | None, closures: ClosureSets
    ) -> list[tuple[Case, RecalculationItem]]:
        query = select(Case).where(Case.status == CaseStatus.OPEN.value).order_by(Case.id)
        if kind is not None:
            query = query.where(Case.kind == kind.value)
        if stage is not None:
            query = query.where(Case.stage == stage)
        currents = {
            (row.kind, row.stage): row
            for row in session.scalars(select(TargetPolicyRow).where(TargetPolicyRow.current))
        }
        plan: list[tuple[Case, RecalculationItem]] = []
        for case in session.scalars(query).unique():
            if not case.stages:
                continue
            current_stage = case.stages[-1]
            target = currents.get((case.kind, current_stage.stage))
            if target is None:
                continue
            policy = policy_from_row(target)
            deadlines = compute_deadlines(policy, closures.calendar_for(policy), stage_clock(current_stage))
            item = RecalculationItem(
                case_id=case.id,
                reference=case.reference,
                kind=CaseKind(case.kind),
                stage=current_stage.stage,
                from_version=current_stage.policy.version,
                to_version=target.version,
                acknowledge_by=(current_stage.acknowledge_by, deadlines.acknowledge_by),
                respond_by=(current_stage.respond_by, deadlines.respond_by),
            )
            if item.dates_move or item.from_version != item.to_version:
                plan.append((case, item))
        return plan
