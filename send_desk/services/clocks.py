"""Between stored cases and the lifecycle: read a case's state, write back what an action made of it.

`apply_state` copies the dates the lifecycle computed onto the stage and the case's indexed columns;
it never recomputes them. `refresh` recomputes a stage from all its recorded facts with the calendar in
force now: only the explicit, audited admin recalculation and manager date correction use it.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage
from send_desk.domain.kinds import CaseKind, CaseStatus
from send_desk.domain.lifecycle import IDENTITY, CaseState, StageState, next_due
from send_desk.domain.policy import ClockRule
from send_desk.domain.targets import Deadlines, Pause, StageClock, compute_deadlines, due_soon_from
from send_desk.services.policies import ClosureSets, load_closures, policy_from_row


def stage_clock(stage: CaseStage) -> StageClock:
    """Return the engine's inputs for a stored stage."""
    extension = sum(ext.amount for ext in stage.extensions) or None
    policy = policy_from_row(stage.policy)
    months = policy.respond_rule is ClockRule.CALENDAR_MONTHS
    return StageClock(
        started_on=stage.started_on,
        acknowledged_on=stage.acknowledged_on,
        extension=extension,
        pauses=tuple(Pause(start=p.start, end=p.end, reason=p.reason) for p in stage.pauses),
        clarified_on=stage.clarified_on,
        manual_due=stage.manual_due,
        clarification_requested_on=stage.clarification_requested_on,
        extended_to=stage.extensions[-1].new_due if months and stage.extensions else None,
        identity=stage.clarification_for == IDENTITY,
    )


def handler_logins(stage: CaseStage) -> frozenset[str]:
    """Return the logins that ever held a stored stage."""
    logins = {line for line in (stage.handlers or "").splitlines() if line}
    if stage.handler is not None:
        logins.add(stage.handler.login)
    return frozenset(logins)


def stage_state(stage: CaseStage) -> StageState:
    """Return the lifecycle's view of a stored stage."""
    months = stage.policy.respond_rule == ClockRule.CALENDAR_MONTHS.value
    return StageState(
        stage=stage.stage,
        policy=policy_from_row(stage.policy),
        started_on=stage.started_on,
        handler=stage.handler.login if stage.handler is not None else None,
        acknowledge_by=stage.acknowledge_by,
        acknowledged_on=stage.acknowledged_on,
        respond_by=stage.respond_by,
        respond_by_unextended=stage.respond_by_unextended,
        responded_on=stage.responded_on,
        responded_by=stage.responded_by or None,
        extended=bool(stage.extensions),
        extension_days=0 if months else sum(ext.amount for ext in stage.extensions),
        pauses=tuple(Pause(start=p.start, end=p.end, reason=p.reason) for p in stage.pauses),
        clarification_requested_on=stage.clarification_requested_on,
        clarification_for=stage.clarification_for or "",
        chase_on=stage.chase_on,
        month_ends_on=stage.month_ends_on,
        clarified_on=stage.clarified_on,
        manual_due=stage.manual_due,
        open_actions=sum(1 for a in stage.actions if a.done_on is None),
        handlers=handler_logins(stage),
    )


def case_state(case: Case) -> CaseState:
    """Return the lifecycle's view of a stored case."""
    return CaseState(
        kind=CaseKind(case.kind),
        status=CaseStatus(case.status),
        received_on=case.received_on,
        stages=tuple(stage_state(stage) for stage in case.stages),
        matter_on=case.matter_on,
    )


def write_stage(stage: CaseStage, state: StageState) -> None:
    """Copy a stage's lifecycle dates onto its stored row (pauses and extensions are rows of their own)."""
    stage.acknowledge_by = state.acknowledge_by
    stage.acknowledged_on = state.acknowledged_on
    stage.respond_by = state.respond_by
    stage.respond_by_unextended = state.respond_by_unextended
    stage.responded_on = state.responded_on
    stage.responded_by = state.responded_by or ""
    stage.clarification_requested_on = state.clarification_requested_on
    stage.clarification_for = state.clarification_for
    stage.chase_on = state.chase_on
    stage.month_ends_on = state.month_ends_on
    stage.clarified_on = state.clarified_on
    stage.manual_due = state.manual_due
    stage.handlers = "\n".join(sorted(state.handlers))


def apply_state(case: Case, state: CaseState, closures: ClosureSets) -> None:
    """Write the current stage and the case's indexed columns from a lifecycle state."""
    write_stage(case.stages[-1], state.current)
    sync_case(case, state, closures)


def sync_case(case: Case, state: CaseState, closures: ClosureSets) -> None:
    """Copy the current stage's clocks onto the case's indexed columns, with its "due soon" day."""
    stage = case.stages[-1]
    case.status = state.status.value
    case.stage = stage.stage
    case.acknowledge_by = stage.acknowledge_by
    case.acknowledged_on = stage.acknowledged_on
    case.respond_by = stage.respond_by
    case.responded_on = stage.responded_on
    case.outcome = stage.outcome
    case.paused = state.current.stopped
    case.next_due = next_due(state)
    policy = state.current.policy
    case.due_soon_from = due_soon_from(case.next_due, closures.calendar_for(policy), policy.due_soon_days)


def recompute_stage(stage: CaseStage, closures: ClosureSets) -> Deadlines:
    """Work out a stage's due dates again from its recorded facts and store them (recalculation only)."""
    policy = policy_from_row(stage.policy)
    deadlines = compute_deadlines(policy, closures.calendar_for(policy), stage_clock(stage))
    stage.acknowledge_by = deadlines.acknowledge_by
    stage.respond_by = deadlines.respond_by
    stage.respond_by_unextended = deadlines.respond_by_unextended
    return deadlines


def refresh(case: Case, stage: CaseStage, closures: ClosureSets) -> None:
    """Recompute the stage from its facts and copy the result to the case (an explicit recalculation)."""
    recompute_stage(stage, closures)
    sync_case(case, case_state(case), closures)


def closures_now(session: Session) -> ClosureSets:
    """Return the closure days in force now, for the dates an action computes."""
    return load_closures(session)
