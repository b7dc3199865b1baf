"""Reminders: an officer's open targets due today or overdue, and the daily digest's words."""

from __future__ import annotations

from datetime import date

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import ClosureCode
from send_desk.reports.scheduled_emails import digest_subject, digest_text
from send_desk.values.reminders import DueItem
from tests.conftest import complaint_input


def log(desk: Desk, received: date, **overrides: object) -> int:
    return desk.cases.log_case(complaint_input(received, **overrides)).id


def test_an_officer_is_reminded_of_what_is_overdue_and_due_today_and_nothing_else(
    desk: Desk, officer_desk: Desk
) -> None:
    # today is Friday 27 November 2026
    due_today = log(desk, date(2026, 11, 20), summary="Transport not arranged")  # acknowledge by 27/11
    ack_late = log(desk, date(2026, 11, 10), summary="")  # acknowledge by Tue 17/11
    response_late = log(desk, date(2026, 10, 30), acknowledged_on=date(2026, 11, 2))  # respond by 16/11
    log(desk, date(2026, 11, 24))  # acknowledge by 01/12: not yet
    log(desk, date(2026, 11, 10), officer_login="priya.shah")  # someone else's
    closed = log(desk, date(2026, 11, 10))
    detail = desk.cases.get(closed)
    desk.cases.close(
        detail.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 12), expected_version=detail.version
    )

    mine = officer_desk.reminders.mine()

    references = {
        case_id: desk.cases.get(case_id).reference for case_id in (due_today, ack_late, response_late)
    }
    assert mine.login == "alex.jones"
    assert mine.overdue == (
        DueItem(
            response_late,
            references[response_late],
            "EHC needs assessment running late",
            "Response",
            date(2026, 11, 16),
            9,
        ),
        DueItem(ack_late, references[ack_late], "", "Acknowledgement", date(2026, 11, 17), 8),
    )
    assert mine.due_today == (
        DueItem(
            due_today,
            references[due_today],
            "Transport not arranged",
            "Acknowledgement",
            date(2026, 11, 27),
            0,
        ),
    )


def test_every_officer_with_something_due_gets_a_digest_in_plain_words(desk: Desk) -> None:
    late = desk.cases.get(log(desk, date(2026, 11, 10), summary="Late plan"))
    today = desk.cases.get(log(desk, date(2026, 11, 20), officer_login="priya.shah", summary="Call back"))
    log(desk, date(2026, 11, 24))

    digests = desk.reminders.everyone()

    assert [(d.login, len(d.overdue), len(d.due_today)) for d in digests] == [
        ("alex.jones", 1, 0),
        ("priya.shah", 0, 1),
    ]
    alex, priya = digests
    assert digest_subject(alex) == "SEND Desk: 1 overdue (Friday 27 November 2026)"
    assert digest_subject(priya) == "SEND Desk: 1 due today (Friday 27 November 2026)"
    assert digest_text(alex) == (
        "Hello Alex,\n"
        "\n"
        "Your open cases with a target due today or overdue, on Friday 27 November 2026:\n"
        "\n"
        "Overdue (1)\n"
        f"  {late.reference}  Acknowledgement was due Tue 17/11/2026, 8 working days overdue – Late plan\n"
        "\n"
        "Open SEND Desk to act on them (the register's Overdue and Due today tiles list them).\n"
        "This email was sent by SEND Desk's daily reminder.\n"
    )
    assert f"  {today.reference}  Acknowledgement due today – Call back\n" in digest_text(priya)
