"""The EHC process in print: a case's statutory dates and history, and the weekly and annual EHC tables."""

from __future__ import annotations

from collections.abc import Sequence

from send_desk.domain.ehc import DATE_LABELS, EXCEPTION_LABELS, STEPS
from send_desk.domain.wording import DASH, uk_date
from send_desk.reports.htmlkit import key_values, table
from send_desk.values.ehc import EhcRecord
from send_desk.values.figures import EhcStepComplaints, EhcStepLoad


def ehc_html(record: EhcRecord | None) -> str:
    """Return the "EHC process" section of a case print-out ("" when no step is recorded)."""
    current = record.current if record is not None else None
    if record is None or current is None:
        return ""
    dates = current.dates
    facts = STEPS[dates.step]
    pairs: list[tuple[str, str]] = [("Step", facts.label + (" (into post-16)" if dates.post16 else ""))]
    pairs.append((facts.started_label, uk_date(dates.started)))
    if dates.amendment_notice_on is not None:
        pairs.append(("Amendment notice sent", uk_date(dates.amendment_notice_on)))
    pairs.append(("States as of", uk_date(record.as_of)))
    rows = []
    for status in current.statuses:
        exception = EXCEPTION_LABELS[status.exception] if status.exception else DASH
        note = current.notes.get(status.name.value, "")
        rows.append(
            [
                DATE_LABELS[status.name],
                uk_date(status.due),
                status.wording.capitalize(),
                uk_date(status.done_on, DASH),
                exception + (f": {note}" if note else ""),
                status.regulation,
            ]
        )
    parts = [
        "<h2>EHC process</h2>",
        key_values(pairs),
        "<h3>Statutory dates (SEND Regulations 2014, calendar weeks)</h3>",
        table(
            ["Date", "Due", "Where it stands", "Done on", "Exception", "Regulation"],
            rows,
            widths=(20, 11, 13, 11, 20, 25),
        ),
    ]
    if len(record.history) > 1:
        parts.append("<h3>Earlier steps (latest first)</h3>")
        parts.append(
            table(
                ["Step", "Began", "Recorded by"],
                [
                    [STEPS[v.dates.step].label, uk_date(v.dates.started), v.recorded_by]
                    for v in record.history[1:]
                ],
                widths=(45, 20, 35),
            )
        )
    return "".join(parts)


def ehc_weekly_html(rows: Sequence[EhcStepLoad]) -> str:
    """Return the weekly summary's table of open cases by EHC step, with those past a statutory date."""
    return "".join(
        [
            "<h2>Open cases by EHC step</h2>",
            table(
                ["EHC step", "Open at end of week", "Past a statutory date", "Median weeks late"],
                [
                    [
                        r.label,
                        r.open,
                        r.late,
                        DASH if r.median_weeks_late is None else f"{r.median_weeks_late:g}",
                    ]
                    for r in rows
                ],
                numeric=(1, 2, 3),
                widths=(40, 20, 20, 20),
                empty="No open case is about a step of the EHC process.",
            ),
            '<p class="note">Past a statutory date: a date of the step (SEND Regulations 2014, calendar '
            "weeks) passed without being met and with no exception recorded. Weeks late are whole weeks, "
            "counted from the earliest date missed; the median is of the cases past a date.</p>",
        ]
    )


def ehc_annual_html(rows: Sequence[EhcStepComplaints]) -> str:
    """Return the annual figures' table of complaints by EHC step, with the uphold rate of each."""
    return "".join(
        [
            "<h2>Complaints by EHC step</h2>",
            table(
                ["EHC step", "Complaints", "Upheld or partly upheld"],
                [[r.label, r.complaints, r.uphold.text] for r in rows],
                numeric=(1,),
                widths=(45, 20, 35),
                empty="No complaint of the year is about a step of the EHC process.",
            ),
            '<p class="note">Stage 1 complaints begun in the year, by the EHC step their case is about. The '
            "uphold rate counts upheld and partly upheld of those with an outcome.</p>",
        ]
    )
