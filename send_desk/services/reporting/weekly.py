"""The weekly summary: what came in and went out in an ISO week, and the position at its end."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage
from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.services.reporting import ehc
from send_desk.services.reporting.lookups import UNASSIGNED, Lookups, read_lookups
from send_desk.services.reporting.position import position
from send_desk.values.figures import (
    Count,
    OfficerLoad,
    ResponseTimes,
    Timeliness,
    TrendPoint,
    WeeklySummary,
    label_of,
    ordered_counts,
    reporting_year_start,
    week_label,
)

TREND_WEEKS = 12
"""How many weeks the trend chart shows."""
TOP_CATEGORIES = 8
"""How many categories the summary lists (the largest)."""


def weekly_summary(
    session: Session, monday: date, as_of: date, *, generated_at: datetime, generated_by: str
) -> WeeklySummary:
    """Return the weekly summary of the week starting `monday`, its position taken at the start of `as_of`."""
    sunday = monday + timedelta(days=6)
    look = read_lookups(session)
    received_by_kind, received_by_channel, categories, ombudsman = received(session, monday, sunday, look)
    periods, trend = timeliness(session, monday, sunday)
    response_times, outcomes, responded_by_officer = responses_in_week(session, monday, sunday, look)
    where = position(session, as_of, monday + timedelta(days=7), sunday + timedelta(days=7), look)
    escalations = int(
        session.scalar(
            select(func.count()).where(CaseStage.stage == 2, CaseStage.started_on.between(monday, sunday))
        )
        or 0
    )
    names = (
        set(where.open_by_officer)
        | set(where.overdue_by_officer)
        | set(where.due_by_officer)
        | set(responded_by_officer)
    )
    officers = tuple(
        OfficerLoad(
            name,
            where.open_by_officer[name],
            where.overdue_by_officer[name],
            where.due_by_officer[name],
            responded_by_officer[name],
        )
        for name in sorted(names, key=lambda n: (n == UNASSIGNED, n.lower()))
    )
    return WeeklySummary(
        week=week_label(monday),
        start=monday,
        end=sunday,
        as_of=as_of,
        generated_at=generated_at,
        generated_by=generated_by,
        received=sum(c.count for c in received_by_kind),
        received_by_kind=received_by_kind,
        received_by_channel=received_by_channel,
        this_week=periods[0],
        last_4_weeks=periods[1],
        year_to_date=periods[2],
        response_times=response_times,
        open_at_end=where.open_count,
        overdue=where.overdue,
        due_next_week=where.due_next_week,
        escalations=escalations,
        ombudsman_contacts=ombudsman,
        outcomes=outcomes,
        top_categories=categories,
        officers=officers,
        trend=trend,
        ehc_steps=ehc.open_by_step(session, as_of),
    )


def received(
    session: Session, monday: date, sunday: date, look: Lookups
) -> tuple[tuple[Count, ...], tuple[Count, ...], tuple[Count, ...], int]:
    """Count cases received in the week by kind, channel and category (ix_case_received_on)."""
    rows = session.execute(
        select(Case.kind, Case.channel, Case.category_id, func.count())
        .where(Case.received_on.between(monday, sunday))
        .group_by(Case.kind, Case.channel, Case.category_id)
    ).all()
    kinds: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    for kind, channel, category_id, n in rows:
        kinds[kind] += n
        channels[channel] += n
        categories[look.categories.get(category_id or 0, "Not categorised")] += n
    top = ordered_counts(categories)[:TOP_CATEGORIES]
    return (
        ordered_counts(kinds, CaseKind, order=[k.value for k in CaseKind]),
        ordered_counts(channels, Channel, order=[c.value for c in Channel]),
        top,
        kinds[CaseKind.OMBUDSMAN.value],
    )


def timeliness(
    session: Session, monday: date, sunday: date
) -> tuple[tuple[Timeliness, Timeliness, Timeliness], tuple[TrendPoint, ...]]:
    """Count acknowledgements and responses per day over the longest period, then bucket them."""
    ytd_start = reporting_year_start(sunday)
    four_start = monday - timedelta(days=21)
    trend_start = monday - timedelta(days=7 * (TREND_WEEKS - 1))
    first = min(ytd_start, four_start, trend_start)
    ack_rows = session.execute(
        select(
            CaseStage.acknowledged_on,
            func.count(),
            func.sum(case((CaseStage.acknowledged_on <= CaseStage.acknowledge_by, 1), else_=0)),
        )
        .where(CaseStage.acknowledged_on.between(first, sunday), CaseStage.acknowledge_by.is_not(None))
        .group_by(CaseStage.acknowledged_on)
    ).all()
    resp_rows = session.execute(
        select(
            CaseStage.responded_on,
            func.count(),
            func.sum(case((CaseStage.responded_on <= CaseStage.respond_by, 1), else_=0)),
            func.sum(case((CaseStage.responded_on <= CaseStage.respond_by_unextended, 1), else_=0)),
            func.sum(case((CaseStage.respond_by > CaseStage.respond_by_unextended, 1), else_=0)),
        )
        .where(CaseStage.responded_on.between(first, sunday), CaseStage.respond_by.is_not(None))
        .group_by(CaseStage.responded_on)
    ).all()
    received_rows = session.execute(
        select(Case.received_on, func.count())
        .where(Case.received_on.between(trend_start, sunday))
        .group_by(Case.received_on)
    ).all()

    def bucket(label: str, start: date) -> Timeliness:
        ack = [r for r in ack_rows if start <= r[0] <= sunday]
        resp = [r for r in resp_rows if start <= r[0] <= sunday]
        return Timeliness(
            label=label,
            start=start,
            end=sunday,
            acknowledged=sum(int(r[1]) for r in ack),
            acknowledged_on_time=sum(int(r[2] or 0) for r in ack),
            responded=sum(int(r[1]) for r in resp),
            responded_on_time=sum(int(r[2] or 0) for r in resp),
            responded_on_time_unextended=sum(int(r[3] or 0) for r in resp),
            responded_extended=sum(int(r[4] or 0) for r in resp),
        )

    periods = (
        bucket("This week", monday),
        bucket("Last 4 weeks", four_start),
        bucket("Year to date", ytd_start),
    )
    received: Counter[date] = Counter()
    responded: Counter[date] = Counter()
    on_time: Counter[date] = Counter()
    for day, n in received_rows:
        received[day - timedelta(days=day.weekday())] += int(n)
    for day, n, ok, *_ in resp_rows:
        week_start = day - timedelta(days=day.weekday())
        responded[week_start] += int(n)
        on_time[week_start] += int(ok or 0)
    trend = tuple(
        TrendPoint(week_label(start), start, received[start], responded[start], on_time[start])
        for start in (trend_start + timedelta(days=7 * i) for i in range(TREND_WEEKS))
    )
    return periods, trend


def responses_in_week(
    session: Session, monday: date, sunday: date, look: Lookups
) -> tuple[tuple[ResponseTimes, ...], tuple[Count, ...], Counter[str]]:
    """Work out response times by kind, outcomes and responses by handler for the week's responses.

    Reads case_stage only (the kind comes from the stage's policy version), so a busy week costs one
    range over the responded-on dates and no lookups in the wide case table.
    """
    in_week = (CaseStage.responded_on.between(monday, sunday), CaseStage.respond_by.is_not(None))
    days: dict[str, list[int]] = defaultdict(list)
    for policy_id, started_on, responded_on, n in session.execute(
        select(CaseStage.policy_id, CaseStage.started_on, CaseStage.responded_on, func.count())
        .where(*in_week)
        .group_by(CaseStage.policy_id, CaseStage.started_on, CaseStage.responded_on)
    ):
        assert responded_on is not None
        kind = look.policy_kinds.get(policy_id, "")
        taken = look.calendar(policy_id).working_days_between(started_on, responded_on)
        days[kind].extend([taken] * int(n))
    outcomes: Counter[str] = Counter()
    by_officer: Counter[str] = Counter()
    for outcome, handler_id, n in session.execute(
        select(CaseStage.outcome, CaseStage.handler_id, func.count())
        .where(*in_week)
        .group_by(CaseStage.outcome, CaseStage.handler_id)
    ):
        if outcome:
            outcomes[outcome] += int(n)
        by_officer[look.officer(handler_id)] += int(n)
    order = [k.value for k in CaseKind]
    times = tuple(
        ResponseTimes(
            kind, label_of(CaseKind, kind), len(v), float(statistics.median(v)), statistics.fmean(v)
        )
        for kind, v in sorted(days.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    )
    return times, ordered_counts(outcomes, Outcome, order=[o.value for o in Outcome]), by_officer
