"""`send-desk deadline`: the due dates of a case, without logging it."""

from __future__ import annotations

import argparse
from typing import Any

from send_desk.cli.common import CliError, Globals, desk_for, iso_date, print_json
from send_desk.domain.kinds import CaseKind


def register(subparsers: Any) -> None:
    """Add the deadline command."""
    parser = subparsers.add_parser("deadline", help="work out the due dates of a case")
    parser.add_argument("--kind", required=True, choices=[k.value for k in CaseKind], metavar="KIND")
    parser.add_argument("--stage", type=int, choices=(1, 2), default=1)
    parser.add_argument("--received", required=True, type=iso_date, metavar="DATE")
    parser.add_argument("--acknowledged", type=iso_date, metavar="DATE")
    parser.add_argument("--extended", action="store_true", help="apply the longest extension allowed")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, g: Globals) -> int:
    """Print the due dates."""
    if args.acknowledged is not None and args.acknowledged < args.received:
        raise CliError(
            f"--acknowledged {args.acknowledged.isoformat()} is before --received "
            f"{args.received.isoformat()}; a case cannot be acknowledged before it arrives."
        )
    desk = desk_for(g)
    try:
        result = desk.deadlines.deadline(
            CaseKind(args.kind),
            args.received,
            stage=args.stage,
            acknowledged=args.acknowledged,
            extended=args.extended,
        )
    finally:
        desk.close()
    if args.json:
        print_json({"acknowledge_by": result.acknowledge_by, "respond_by": result.respond_by})
        return 0
    print(f"Target:         {result.target}")
    print(
        f"Acknowledge by: {result.acknowledge_by.strftime('%a %d/%m/%Y') if result.acknowledge_by else '-'}"
    )
    print(f"Respond by:     {result.respond_by.strftime('%a %d/%m/%Y') if result.respond_by else '-'}")
    return 0
