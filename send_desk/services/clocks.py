"""Recompute a stage's due dates with the domain engine and copy them onto the case row."""

from __future__ import annotations

from send_desk.db.models import Case, CaseStage
from send_desk.domain.kinds import CaseStatus
from send_desk.domain.targets import Deadlines, Pause, StageClock, compute_deadlines, next_target
from send_desk.services.policies import ClosureSets, policy_from_row


def stage_clock(stage: CaseStage) -> StageClock:
    """Return the engine's inputs for a stored stage."""
    extension = sum(ext.amount for ext in stage.extensions) or None
    return StageClock(
        started_on=stage.started_on,
        acknowledged_on=stage.acknowledged_on,
        extension=extension,
        pauses=tuple(Pause(start=p.start, end=p.end, reason=p.reason) for p in stage.pauses),
        clarified_on=stage.clarified_on,
        manual_due=stage.manual_due,
    )


def recompute_stage(stage: CaseStage, closures: ClosureSets) -> Deadlines:
    """Work out a stage's due dates again from its recorded facts and store them on the stage."""
    policy = policy_from_row(stage.policy)
    deadlines = compute_deadlines(policy, closures.calendar_for(policy), stage_clock(stage))
    stage.acknowledge_by = deadlines.acknowledge_by
    stage.respond_by = deadlines.respond_by
    stage.respond_by_unextended = deadlines.respond_by_unextended
    return deadlines


def sync_case_from_stage(case: Case, stage: CaseStage, paused: bool) -> None:
    """Copy the current stage's clocks onto the case's indexed columns."""
    case.stage = stage.stage
    case.acknowledge_by = stage.acknowledge_by
    case.acknowledged_on = stage.acknowledged_on
    case.respond_by = stage.respond_by
    case.responded_on = stage.responded_on
    case.outcome = stage.outcome
    case.paused = paused
    if case.status == CaseStatus.CLOSED.value:
        case.next_due = None
        return
    case.next_due = next_target(
        Deadlines(
            acknowledge_by=stage.acknowledge_by,
            respond_by=stage.respond_by,
            respond_by_unextended=stage.respond_by_unextended,
            paused=paused,
        ),
        stage.acknowledged_on,
        stage.responded_on,
    )


def refresh(case: Case, stage: CaseStage, closures: ClosureSets) -> None:
    """Recompute the stage and copy the result to the case."""
    deadlines = recompute_stage(stage, closures)
    sync_case_from_stage(case, stage, deadlines.paused)
