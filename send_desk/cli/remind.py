"""`send-desk remind`: each officer's targets due today or overdue; `--email` sends each their own."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from send_desk.cli.common import Globals, desk_for, print_json
from send_desk.reports.scheduled_emails import digest_text
from send_desk.values.reminders import DueItem, Reminders


def register(subparsers: Any) -> None:
    """Add the remind command."""
    remind = subparsers.add_parser(
        "remind", help="each officer's targets due today or overdue (a daily scheduled task)"
    )
    remind.add_argument(
        "--email", action="store_true", help="email each officer their own list through the team's relay"
    )
    remind.add_argument("--json", action="store_true", help="print the lists as one JSON document")
    remind.set_defaults(handler=run_remind)


def item_json(item: DueItem) -> dict[str, Any]:
    """Return one reminder as JSON."""
    return {
        "reference": item.reference,
        "target": item.target.lower(),
        "due": item.due.isoformat(),
        "working_days_overdue": item.working_days_overdue,
        "summary": item.summary,
    }


def reminders_json(reminders: Reminders) -> dict[str, Any]:
    """Return one member of staff's reminders as JSON."""
    return {
        "login": reminders.login,
        "name": reminders.name,
        "email": reminders.email,
        "overdue": [item_json(item) for item in reminders.overdue],
        "due_today": [item_json(item) for item in reminders.due_today],
    }


def run_remind(args: argparse.Namespace, g: Globals) -> int:
    """Print every officer's reminders, or email each their own (saying who could not be sent one)."""
    desk = desk_for(g)
    try:
        if not args.email:
            everyone = desk.reminders.everyone()
            if args.json:
                print_json(
                    {"today": desk.today().isoformat(), "staff": [reminders_json(r) for r in everyone]}
                )
            else:
                print("\n".join(digest_text(r) for r in everyone) or "Nothing is due today or overdue.")
            return 0
        outcome = desk.scheduled_mail.email_digests()
    finally:
        desk.close()
    if args.json:
        print_json(
            {
                "sent": [{"login": login, "email": email, "cases": n} for login, email, n in outcome.sent],
                "no_address": list(outcome.no_address),
            }
        )
    else:
        for login, email, count in outcome.sent:
            print(f"Sent {login} their reminder ({count} case{'s' if count != 1 else ''}) at {email}.")
        if not outcome.sent and not outcome.no_address:
            print("Nothing is due today or overdue; no reminder was sent.")
    for login in outcome.no_address:
        print(
            f"send-desk: {login} has cases due but no email address, so no reminder was sent. "
            "Add their address in Admin ▸ Staff.",
            file=sys.stderr,
        )
    return 1 if outcome.no_address else 0
