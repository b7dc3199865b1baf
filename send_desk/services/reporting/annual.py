"""The annual complaints figures of a reporting year (the Complaint Handling Code's self-assessment)."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage, Extension, Remedy
from send_desk.domain.kinds import CaseKind, CaseStatus, Outcome, RemedyKind
from send_desk.services.reporting import ehc
from send_desk.services.reporting.lookups import Lookups, by_stage, read_lookups, scalars_in
from send_desk.values.figures import AnnualFigures, LearningItem, Ratio, StageFigures, ordered_counts


def annual_figures(
    session: Session, start: date, end: date, *, generated_at: datetime, generated_by: str
) -> AnnualFigures:
    """Return the complaints figures of the reporting year from `start` to `end`."""
    look = read_lookups(session)
    rows = session.execute(
        select(
            CaseStage.id,
            CaseStage.case_id,
            CaseStage.stage,
            CaseStage.policy_id,
            CaseStage.started_on,
            CaseStage.acknowledged_on,
            CaseStage.respond_by,
            CaseStage.responded_on,
            CaseStage.outcome,
            CaseStage.learning,
            Case.reference,
            Case.category_id,
            Case.status,
        )
        .join(Case, Case.id == CaseStage.case_id)
        .where(Case.kind == CaseKind.COMPLAINT.value, CaseStage.started_on.between(start, end))
        .order_by(Case.reference, CaseStage.stage)
    ).all()
    stage_ids = [r.id for r in rows]
    extensions = by_stage(session, (Extension.stage_id, Extension.reason), stage_ids)
    remedies = by_stage(session, (Remedy.stage_id, Remedy.kind, Remedy.amount_pence), stage_ids)
    stage1_cases = [r.case_id for r in rows if r.stage == 1]
    escalated = set(
        scalars_in(
            session,
            lambda chunk: select(CaseStage.case_id).where(CaseStage.stage == 2, CaseStage.case_id.in_(chunk)),
            stage1_cases,
        )
    )
    late_escalations = int(
        session.scalar(
            select(func.count())
            .select_from(CaseStage)
            .join(Case, Case.id == CaseStage.case_id)
            .where(
                Case.kind == CaseKind.COMPLAINT.value,
                CaseStage.stage == 2,
                CaseStage.started_on.between(start, end),
                CaseStage.escalation_late_reason != "",
            )
        )
        or 0
    )
    ombudsman_rows = session.execute(
        select(Case.ombudsman_decision, func.count())
        .where(Case.kind == CaseKind.OMBUDSMAN.value, Case.received_on.between(start, end))
        .group_by(Case.ombudsman_decision)
    ).all()
    stages = tuple(stage_figures(n, [r for r in rows if r.stage == n], extensions, look) for n in (1, 2))
    reasons: Counter[str] = Counter(
        " ".join(str(reason).split()) for r in rows for (reason,) in extensions.get(r.id, [])
    )
    remedy_counts: Counter[str] = Counter()
    financial = 0
    for r in rows:
        for kind, amount in remedies.get(r.id, []):
            remedy_counts[kind] += 1
            if kind == RemedyKind.FINANCIAL.value:
                financial += int(amount or 0)
    answered_stage1 = [r for r in rows if r.stage == 1 and r.responded_on is not None]
    escalation = Ratio(sum(1 for r in answered_stage1 if r.case_id in escalated), len(answered_stage1))
    decisions: Counter[str] = Counter()
    contacts = 0
    for decision, n in ombudsman_rows:
        contacts += int(n)
        said = " ".join((decision or "").split())
        decisions[said or "No decision yet"] += int(n)
    categories: Counter[str] = Counter(
        look.categories.get(r.category_id or 0, "Not categorised") for r in rows if r.stage == 1
    )
    learning = tuple(
        LearningItem(r.reference, r.stage, r.learning.strip())
        for r in rows
        if r.learning and r.learning.strip()
    )
    return AnnualFigures(
        year=start.year,
        start=start,
        end=end,
        generated_at=generated_at,
        generated_by=generated_by,
        stages=stages,
        extension_reasons=ordered_counts(reasons),
        remedies=ordered_counts(remedy_counts, RemedyKind, order=[k.value for k in RemedyKind]),
        financial_redress_pence=financial,
        escalation=escalation,
        ombudsman_contacts=contacts,
        ombudsman_decisions=ordered_counts(decisions),
        categories=ordered_counts(categories),
        learning=learning,
        late_escalations=late_escalations,
        ehc_complaints=ehc.complaints_by_step(session, start, end),
    )


def stage_figures(
    stage: int,
    rows: Sequence[Any],
    extensions: dict[int, list[tuple[Any, ...]]],
    look: Lookups,
) -> StageFigures:
    """Return one complaint stage's figures (Code limits: 5 WD to acknowledge, 10 or 20 to reply)."""
    code_days = 10 if stage == 1 else 20
    acknowledged = [r for r in rows if r.acknowledged_on is not None]
    within_5 = sum(
        1
        for r in acknowledged
        if look.calendar(r.policy_id).working_days_between(r.started_on, r.acknowledged_on) <= 5
    )
    responded = [r for r in rows if r.responded_on is not None]
    within_code = 0
    days: list[int] = []
    for r in responded:
        calendar = look.calendar(r.policy_id)
        from_ack = r.acknowledged_on or r.started_on
        if calendar.working_days_between(from_ack, r.responded_on) <= code_days:
            within_code += 1
        days.append(calendar.working_days_between(r.started_on, r.responded_on))
    within_target = sum(1 for r in responded if r.respond_by is not None and r.responded_on <= r.respond_by)
    outcomes: Counter[str] = Counter(r.outcome for r in responded if r.outcome)
    return StageFigures(
        stage=stage,
        received=len(rows),
        acknowledged=len(acknowledged),
        acknowledged_within_5=within_5,
        responded=len(responded),
        responded_within_code=within_code,
        responded_within_target=within_target,
        extended=sum(1 for r in rows if extensions.get(r.id)),
        still_open=sum(1 for r in rows if r.responded_on is None and r.status == CaseStatus.OPEN.value),
        outcomes=ordered_counts(outcomes, Outcome, order=[o.value for o in Outcome]),
        median_days=float(statistics.median(days)) if days else None,
    )
