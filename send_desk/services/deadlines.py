"""Due dates for a hypothetical case, under the database's current policies and closure days."""

from __future__ import annotations

from datetime import date

from send_desk.domain.kinds import CaseKind
from send_desk.domain.policy import ClockRule
from send_desk.domain.targets import StageClock, compute_deadlines
from send_desk.services.context import ServiceContext
from send_desk.services.policies import current_policy_row, load_closures, policy_from_row
from send_desk.values.cases import Deadline, KindRules


class DeadlineService:
    """Work out due dates without logging anything (for `send-desk deadline` and the live form)."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database."""
        self.ctx = ctx

    def deadline(
        self,
        kind: CaseKind,
        received: date,
        *,
        stage: int = 1,
        acknowledged: date | None = None,
        extended: bool = False,
        extension: int | None = None,
        manual_due: date | None = None,
    ) -> Deadline:
        """Return the due dates; `extended` applies the longest extension the policy allows.

        `manual_due` is the response date a kind with a manual target (an Ombudsman letter) was given.
        """
        with self.ctx.db.read() as session:
            policy = policy_from_row(current_policy_row(session, kind, stage))
            closures = load_closures(session)
        amount = extension
        if extended and amount is None:
            amount = policy.extension_max
            if amount is None:
                from send_desk.domain.targets import check_extension

                check_extension(policy, 1)
        clock = StageClock(
            started_on=received, acknowledged_on=acknowledged, extension=amount, manual_due=manual_due
        )
        result = compute_deadlines(policy, closures.calendar_for(policy), clock)
        return Deadline(
            acknowledge_by=result.acknowledge_by,
            respond_by=result.respond_by,
            respond_by_unextended=result.respond_by_unextended,
            target=policy.describe(),
        )

    def kind_rules(self, kind: CaseKind, stage: int = 1) -> KindRules:
        """Return the current target rules of a kind at a stage, for the new-case form to follow."""
        with self.ctx.db.read() as session:
            policy = policy_from_row(current_policy_row(session, kind, stage))
        return KindRules(
            kind=kind,
            stage=stage,
            description=policy.describe(),
            has_acknowledgement=policy.acknowledge_days is not None,
            manual_due=policy.respond_rule is ClockRule.MANUAL,
            no_target=policy.respond_rule is ClockRule.NONE and policy.acknowledge_days is None,
        )
