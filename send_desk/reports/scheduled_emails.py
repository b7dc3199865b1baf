"""The emails scheduled tasks send: each officer's daily digest, and the manager's weekly summary."""

from __future__ import annotations

from send_desk.domain.wording import long_date, uk_date, uk_day
from send_desk.values.figures import WeeklySummary
from send_desk.values.reminders import DueItem, Reminders


def counts_text(overdue: int, due_today: int) -> str:
    """Return "2 overdue and 1 due today" (or the half there is, or "nothing due")."""
    parts = []
    if overdue:
        parts.append(f"{overdue} overdue")
    if due_today:
        parts.append(f"{due_today} due today")
    return " and ".join(parts) or "nothing due"


def digest_subject(reminders: Reminders) -> str:
    """Return the digest's subject, with the counts a person sees before opening it."""
    counts = counts_text(len(reminders.overdue), len(reminders.due_today))
    return f"SEND Desk: {counts} ({long_date(reminders.today)})"


def digest_text(reminders: Reminders) -> str:
    """Return the digest's body as plain text (every mail program shows it the same)."""
    first_name = reminders.name.split()[0] if reminders.name.strip() else reminders.login
    lines = [
        f"Hello {first_name},",
        "",
        f"Your open cases with a target due today or overdue, on {long_date(reminders.today)}:",
    ]
    for title, items in (("Overdue", reminders.overdue), ("Due today", reminders.due_today)):
        if items:
            lines += ["", f"{title} ({len(items)})"]
            lines += [f"  {line(item, reminders)}" for item in items]
    if not reminders:
        lines += ["", "Nothing is due today or overdue."]
    lines += [
        "",
        "Open SEND Desk to act on them (the register's Overdue and Due today tiles list them).",
        "This email was sent by SEND Desk's daily reminder.",
    ]
    return "\n".join(lines) + "\n"


def line(item: DueItem, reminders: Reminders) -> str:
    """Return one reminder in words: reference, what is due, when, how late, and the summary."""
    if item.due >= reminders.today:
        when = "due today"
    elif item.working_days_overdue:
        days = "working day" if item.working_days_overdue == 1 else "working days"
        when = f"was due {uk_day(item.due)}, {item.working_days_overdue} {days} overdue"
    else:
        when = f"was due {uk_day(item.due)}"
    summary = f" – {item.summary}" if item.summary.strip() else ""
    return f"{item.reference}  {item.target} {when}{summary}"


def weekly_email_subject(summary: WeeklySummary, team: str) -> str:
    """Return the subject of the manager's Monday email."""
    return f"{team}: weekly summary {summary.week} ({uk_date(summary.start)} to {uk_date(summary.end)})"


def weekly_email_text(summary: WeeklySummary, team: str) -> str:
    """Return the body of the manager's Monday email: the headline figures, the PDF attached."""
    week = summary.this_week
    overdue = len(summary.overdue_references)
    return (
        "\n".join(
            [
                f"Weekly summary of {team} for {summary.week}, {long_date(summary.start)} to "
                f"{long_date(summary.end)}.",
                "",
                f"Received: {summary.received}",
                f"Acknowledged on time: {week.acknowledged_ratio.text}",
                f"Responded on time: {week.responded_ratio.text}",
                f"Open at the end of the week: {summary.open_at_end}, of which {overdue} overdue",
                f"Escalated to stage 2: {summary.escalations}",
                f"Ombudsman contacts: {summary.ombudsman_contacts}",
                "",
                "The whole summary is attached as a PDF, ready to print.",
                "This email was sent by SEND Desk.",
            ]
        )
        + "\n"
    )
