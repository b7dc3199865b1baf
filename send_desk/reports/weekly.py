"""The printed weekly summary as HTML for QTextDocument, built from the WeeklySummary read model."""

from __future__ import annotations

from send_desk.domain.wording import DASH, WORKING_DAYS_OVERDUE, long_date, uk_date, uk_datetime
from send_desk.reports.ehc import ehc_weekly_html
from send_desk.reports.htmlkit import document, esc, key_values, table
from send_desk.values.figures import Timeliness, WeeklySummary

TREND_CHART_URL = "chart://weekly-trend"
"""The image resource the renderer adds for the 12-week trend chart."""

TARGET_LABELS = {"acknowledge": "Acknowledge", "respond": "Respond"}
OVERDUE_PRINT_LIMIT = 500
"""The most overdue targets printed; the rest are counted (all are in `--json` and the register)."""


def weekly_title(summary: WeeklySummary) -> str:
    """Return the document title, e.g. "Weekly summary 2026-W48"."""
    return f"Weekly summary {summary.week}"


def weekly_header(summary: WeeklySummary, team: str) -> str:
    """Return the running page header: team name and week."""
    return f"{team} · Weekly summary {summary.week} ({uk_date(summary.start)} to {uk_date(summary.end)})"


def generated_line(generated_at_text: str, by: str) -> str:
    """Return the "generated on … by …" footer text."""
    return f"Generated on {generated_at_text} by {by}"


def _period_rows(periods: tuple[Timeliness, ...]) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for p in periods:
        rows.append(
            [
                f"{p.label} ({uk_date(p.start, DASH)} to {uk_date(p.end, DASH)})",
                p.acknowledged_ratio.text,
                p.acknowledged_late,
                p.responded_ratio.text,
                p.responded_late,
                p.responded_unextended_ratio.text,
                p.responded_extended,
            ]
        )
    return rows


def weekly_summary_html(
    summary: WeeklySummary, *, team: str, chart: bool = True, overdue_limit: int = OVERDUE_PRINT_LIMIT
) -> str:
    """Return the whole weekly summary as an HTML document (the chart is an image the renderer supplies)."""
    s = summary
    week = s.this_week
    position = (
        f"start of {long_date(s.as_of)}"
        if s.as_of > s.end
        else f"start of {long_date(s.as_of)} (the week has not ended)"
    )
    parts: list[str] = [
        f"<h1>{esc(team)}: weekly summary, week {esc(s.week)}</h1>",
        f"<p>{esc(long_date(s.start))} to {esc(long_date(s.end))}. "
        f"Open, overdue and due figures are the position at the {esc(position)}.</p>",
        "<h2>At a glance</h2>",
        key_values(
            [
                ("Received this week", s.received),
                ("Acknowledged on time", week.acknowledged_ratio.text),
                ("Responded on time (including extensions)", week.responded_ratio.text),
                ("Responded on time (without extensions)", week.responded_unextended_ratio.text),
                ("Open at the end of the week", s.open_at_end),
                ("Overdue at the end of the week", _overdue_count(s)),
                ("Targets due next week", sum(c.count for c in s.due_next_week)),
                ("Escalations to stage 2", s.escalations),
                ("Ombudsman contacts", s.ombudsman_contacts),
            ],
            key_width=45,
        ),
        "<h2>On time and late</h2>",
        table(
            [
                "Period",
                "Acknowledged on time",
                "Ack. late",
                "Responded on time",
                "Resp. late",
                "On time without extensions",
                "Extended",
            ],
            _period_rows((s.this_week, s.last_4_weeks, s.year_to_date)),
            numeric=(2, 4, 6),
            widths=(22, 16, 8, 16, 8, 20, 10),
        ),
        '<p class="note">On time means done on or before the due date; a response sent on its due date is '
        "on time. The due date is the stored target including any extension; “without extensions” compares "
        "with the date before the extension. The year runs from 1 April.</p>",
        "<h2>Received this week</h2>",
        table(
            ["Kind", "Received"],
            [[c.label, c.count] for c in s.received_by_kind],
            numeric=(1,),
            widths=(70, 30),
            empty="Nothing was received this week.",
        ),
        "<h3>By channel</h3>",
        table(
            ["Channel", "Received"],
            [[c.label, c.count] for c in s.received_by_channel],
            numeric=(1,),
            widths=(70, 30),
            empty="Nothing was received this week.",
        ),
        "<h3>Top categories</h3>",
        table(
            ["Category", "Received"],
            [[c.label, c.count] for c in s.top_categories],
            numeric=(1,),
            widths=(70, 30),
            empty="Nothing was received this week.",
        ),
        "<h2>Working days to respond (responses sent this week)</h2>",
        table(
            ["Kind", "Responses", "Median working days", "Mean working days"],
            [[r.label, r.count, f"{r.median_days:g}", f"{r.mean_days:.1f}"] for r in s.response_times],
            numeric=(1, 2, 3),
            widths=(40, 20, 20, 20),
            empty="No responses were sent this week.",
        ),
        '<p class="note">Counted from the day the stage began (received, or escalation requested) to the '
        "response, in working days of the case's own calendar.</p>",
        "<h2>Outcomes of complaints answered this week</h2>",
        table(
            ["Outcome", "Complaints"],
            [[c.label, c.count] for c in s.outcomes],
            numeric=(1,),
            widths=(70, 30),
            empty="No complaint outcomes were recorded this week.",
        ),
        "<h2>Workload by officer</h2>",
        table(
            [
                "Officer",
                "Open at end of week",
                "Overdue at end of week",
                "Targets due next week",
                "Responded this week",
            ],
            [[o.officer, o.open, o.overdue, o.due_next_week, o.responded] for o in s.officers],
            numeric=(1, 2, 3, 4),
            widths=(32, 17, 17, 17, 17),
            empty="No open cases and no responses.",
        ),
        ehc_weekly_html(s.ehc_steps),
    ]
    # the trend starts a page, so its heading and chart are never split by a page break
    parts.append('<h2 style="page-break-before: always">Twelve-week trend</h2>')
    if chart:
        parts.append(f'<p><img src="{TREND_CHART_URL}"/></p>')
    parts.append(
        table(
            ["Week", "Received", "Responded", "Responded on time"],
            [[t.week, t.received, t.responded, t.ratio.text] for t in s.trend],
            numeric=(1, 2, 3),
            widths=(25, 20, 20, 35),
        )
    )
    parts += [
        f"<h2>Overdue at the end of the week: {esc(_overdue_count(s))}</h2>",
        table(
            [
                "Reference",
                "Kind / stage",
                "Target",
                "Officer",
                "Due",
                WORKING_DAYS_OVERDUE,
                "Reason recorded",
            ],
            [
                [
                    i.reference,
                    f"{i.kind_label} / {i.stage}",
                    TARGET_LABELS.get(i.target, i.target),
                    i.officer,
                    uk_date(i.due, DASH),
                    i.working_days_overdue,
                    i.missed_reason or "–",
                ]
                for i in s.overdue[:overdue_limit]
            ],
            numeric=(5,),
            widths=(14, 17, 12, 15, 11, 9, 22),
            empty="Nothing was overdue.",
        ),
        _more_overdue(len(s.overdue) - overdue_limit),
        f"<h2>Targets due next week ({sum(c.count for c in s.due_next_week)})</h2>",
        table(
            ["Kind", "Targets"],
            [[c.label, c.count] for c in s.due_next_week],
            numeric=(1,),
            widths=(70, 30),
            empty="Nothing falls due next week.",
        ),
        f'<p class="note">Generated on {esc(uk_datetime(s.generated_at))} by {esc(s.generated_by)}.</p>',
    ]
    return document(weekly_title(s), "".join(parts))


def _overdue_count(s: WeeklySummary) -> str:
    return f"{plural(len(s.overdue_references), 'case')} ({plural(len(s.overdue), 'target')})"


def plural(n: int, noun: str) -> str:
    """Return a count with its noun, e.g. "1 case" or "3 cases"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _more_overdue(hidden: int) -> str:
    if hidden <= 0:
        return ""
    return (
        f"<p><b>… and {plural(hidden, 'more overdue target')}</b>, less overdue than those above. The full "
        "list is in the register (filter: overdue) and in <i>send-desk report weekly --json</i>.</p>"
    )
