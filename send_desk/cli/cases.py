"""`send-desk log` and `send-desk cases`: log a case from a script, list cases as JSON."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from send_desk.cli.common import CliError, Globals, desk_for, iso_date, print_json, whole_number
from send_desk.domain.kinds import CaseKind, Channel
from send_desk.services.retry import SCRIPT_WAIT_SECONDS, retry_while_busy
from send_desk.values.cases import CaseDetail, CaseFilter, CaseInput, CaseRow, PersonInput

MAX_WAIT_SECONDS = 3600
"""The longest `log --wait` a script may ask for (an hour)."""

MAX_DUE_WITHIN = 10_000
"""Working days (about forty years): more than any target, few enough to stay within the calendar."""


def register(subparsers: Any) -> None:
    """Add the log and cases commands."""
    log = subparsers.add_parser("log", help="log a case (for web forms and mailbox integrations)")
    log.add_argument("--kind", choices=[k.value for k in CaseKind], metavar="KIND")
    log.add_argument("--stage", type=int, choices=(1, 2), default=1)
    log.add_argument("--received", type=iso_date, metavar="DATE")
    log.add_argument(
        "--from-email", type=Path, metavar="FILE", help="log the case from an .eml or .msg file and keep it"
    )
    add_detail_options(log, channel=Channel.EMAIL.value, text="")
    log.add_argument("--json", action="store_true")
    log.add_argument(
        "--wait",
        type=whole_number(MAX_WAIT_SECONDS),
        default=int(SCRIPT_WAIT_SECONDS),
        metavar="SECONDS",
        help=f"keep trying this long while other desks are saving (default {int(SCRIPT_WAIT_SECONDS)})",
    )
    log.set_defaults(handler=run_log)

    cases = subparsers.add_parser("cases", help="list cases")
    cases.add_argument("--status", choices=("open", "closed", "all"), default="open")
    cases.add_argument("--overdue", action="store_true")
    cases.add_argument(
        "--due-within", type=whole_number(MAX_DUE_WITHIN), metavar="N", help="due within N working days"
    )
    cases.add_argument("--kind", choices=[k.value for k in CaseKind], metavar="K")
    cases.add_argument("--json", action="store_true")
    cases.set_defaults(handler=run_cases)


def add_detail_options(parser: argparse.ArgumentParser, *, channel: str | None, text: str | None) -> None:
    """Add the case-detail options `log` and `case edit` share, with these defaults for channel and text."""
    parser.add_argument("--channel", choices=[c.value for c in Channel], default=channel, metavar="C")
    parser.add_argument("--contact-name", default=text, metavar="N")
    parser.add_argument("--contact-email", default=text, metavar="E")
    parser.add_argument("--contact-phone", default=text, metavar="P")
    parser.add_argument("--child-name", default=text, metavar="N")
    parser.add_argument("--child-dob", type=iso_date, metavar="DATE")
    parser.add_argument("--category", default=text, metavar="C")
    parser.add_argument("--officer", metavar="LOGIN")
    parser.add_argument("--summary", default=text, metavar="TEXT")


def run_log(args: argparse.Namespace, g: Globals) -> int:
    """Log the case and print its reference."""
    if args.from_email is not None:
        from send_desk.cli.documents import run_log_from_email

        return run_log_from_email(args, g)
    given = (("--kind", args.kind), ("--received", args.received))
    missing = [option for option, value in given if not value]
    if missing:
        raise CliError(f"the following arguments are required: {', '.join(missing)} (or --from-email FILE)")
    data = CaseInput(
        kind=CaseKind(args.kind),
        stage=args.stage,
        received_on=args.received,
        channel=Channel(args.channel),
        contact=PersonInput(name=args.contact_name, email=args.contact_email, phone=args.contact_phone),
        child=PersonInput(name=args.child_name, date_of_birth=args.child_dob),
        category=args.category,
        officer_login=args.officer,
        summary=args.summary,
    )

    def log_once() -> CaseDetail:
        desk = desk_for(g)
        try:
            return desk.cases.log_case(data)
        finally:
            desk.close()

    case = retry_while_busy(log_once, budget=args.wait)
    if args.json:
        print_json(
            {
                "reference": case.reference,
                "acknowledge_by": case.acknowledge_by,
                "respond_by": case.respond_by,
            }
        )
    else:
        print(case.reference)
    return 0


def row_json(row: CaseRow) -> dict[str, Any]:
    """Return the JSON object of one case for `send-desk cases --json`."""
    return {
        "reference": row.reference,
        "kind": row.kind.value,
        "stage": row.stage,
        "status": row.status.value,
        "received": row.received_on,
        "acknowledge_by": row.acknowledge_by,
        "acknowledged": row.acknowledged_on,
        "respond_by": row.respond_by,
        "responded": row.responded_on,
        "rag": row.rag.value,
        "contact": row.contact_name,
        "child": row.child_name,
        "category": row.category,
        "officer": row.officer,
    }


def run_cases(args: argparse.Namespace, g: Globals) -> int:
    """Print the cases the options select."""
    case_filter = CaseFilter(
        status=args.status,
        kinds=(CaseKind(args.kind),) if args.kind else (),
        overdue=args.overdue,
        due_within=args.due_within,
    )
    desk = desk_for(g)
    try:
        rows = desk.register.list_cases(case_filter, sort="received_on", descending=False)
    finally:
        desk.close()
    if args.json:
        print_json([row_json(row) for row in rows])
        return 0
    if not rows:
        print("No cases.")
        return 0
    print(f"{'Reference':<15} {'Kind':<20} {'Received':<10} {'Ack by':<10} {'Respond by':<10} State")
    for row in rows:
        kind = row.kind.label + (f" S{row.stage}" if row.kind is CaseKind.COMPLAINT else "")
        print(
            f"{row.reference:<15} {kind:<20} {row.received_on:%d/%m/%Y} "
            f"{_d(row.acknowledge_by):<10} {_d(row.respond_by):<10} {row.rag.label}"
        )
    return 0


def _d(value: Any) -> str:
    return value.strftime("%d/%m/%Y") if value else "-"
