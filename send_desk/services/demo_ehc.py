"""The demo's EHC steps: a sample case about the EHC process gets a step, its dates, some met and some late.

Drawn from a random stream of their own (so the rest of a seeded demo stays as it was) and written by the
one writer of a case's rows (`services/case_rows.py`), as the EHC service writes them.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from send_desk.domain.ehc import STEPS, EhcDateName, EhcStep, statutory_dates
from send_desk.services.case_rows import Row, ehc_mark_row, ehc_step_row

STEP_BY_SUMMARY: dict[str, tuple[EhcStep, ...]] = {
    "Asking when the EHC needs assessment decision will be made": (EhcStep.ASSESSMENT_REQUEST,),
    "Draft plan not received within the expected time": (EhcStep.ASSESSMENT_REQUEST, EhcStep.DRAFT_SERVED),
    "Annual review paperwork not yet returned": (EhcStep.ANNUAL_REVIEW,),
    "Complaint about delay in issuing the final EHC plan": (EhcStep.ASSESSMENT_REQUEST, EhcStep.REASSESSMENT),
    "Phase transfer plan for secondary school still not amended": (EhcStep.PHASE_TRANSFER,),
    "Unhappy with the decision not to assess": (EhcStep.ASSESSMENT_REQUEST,),
}
"""The demo summaries that are about a step of the EHC process, and the steps they may be about."""


def demo_ehc_steps(
    rng: random.Random, summary: str, received: date, today: date, now: datetime, by: str
) -> list[tuple[Row, list[Row]]]:
    """Return the EHC step rows (with their date marks) of a sample case, or [] when it is not about one."""
    steps = STEP_BY_SUMMARY.get(summary)
    if not steps:
        return []
    step = rng.choice(steps)
    post16 = False
    if step is EhcStep.ASSESSMENT_REQUEST:
        started = received - timedelta(days=rng.randint(20, 200))
    elif step is EhcStep.REASSESSMENT:
        started = received - timedelta(days=rng.randint(30, 150))
    elif step is EhcStep.DRAFT_SERVED:
        started = received - timedelta(days=rng.randint(0, 20))
    elif step is EhcStep.ANNUAL_REVIEW:
        started = received - timedelta(days=rng.randint(10, 130))
    else:
        started = date(received.year + (received.month >= 9), 9, 1)
        post16 = rng.random() < 0.3
    dates = statutory_dates(step, started, post16=post16)
    marks: list[Row] = []
    for name, due in dates.dates:
        rule = next(r for r in STEPS[step].rules if r.name is name)
        if rule.window or due >= received:
            continue  # still ahead when the family got in touch: left for the officer to record
        roll = rng.random()
        if roll < 0.55:
            done = max(started, min(due + timedelta(days=rng.randint(-14, 35)), today))
            marks.append(ehc_mark_row(EhcDateName(name), done_on=done))
        elif roll < 0.62 and rule.exceptions:
            marks.append(
                ehc_mark_row(name, exception=rng.choice(rule.exceptions), note="Recorded by the demo")
            )
    return [(ehc_step_row(dates, recorded_at=now, recorded_by=by), marks)]
