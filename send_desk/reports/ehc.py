"""The EHC process in a case print-out: the current step's statutory dates, where each stands, the history."""

from __future__ import annotations

from send_desk.domain.ehc import DATE_LABELS, EXCEPTION_LABELS, STEPS
from send_desk.domain.wording import DASH, uk_date
from send_desk.reports.htmlkit import key_values, table
from send_desk.values.ehc import EhcRecord


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
