"""`send-desk closures`: office closure days (add, list, remove)."""

from __future__ import annotations

import argparse
from typing import Any

from send_desk.cli.common import Globals, desk_for, iso_date, print_json


def register(subparsers: Any) -> None:
    """Add the closures command."""
    closures = subparsers.add_parser("closures", help="office closure days")
    actions = closures.add_subparsers(dest="closures_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add closure days")
    add.add_argument("days", nargs="+", type=iso_date, metavar="DATE")
    add.add_argument("--description", default="Office closure")
    add.add_argument("--national", action="store_true", help="a one-off national bank holiday")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run)
    listing = actions.add_parser("list", help="list closure days")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run)
    remove = actions.add_parser("remove", help="remove closure days")
    remove.add_argument("days", nargs="+", type=iso_date, metavar="DATE")
    remove.add_argument("--json", action="store_true")
    remove.set_defaults(handler=run)


def run(args: argparse.Namespace, g: Globals) -> int:
    """Carry out the closures action."""
    desk = desk_for(g)
    try:
        if args.closures_action == "add":
            added = desk.closures.add(args.days, description=args.description, national=args.national)
            result: Any = {"added": added}
            text = f"Added {len(added)} closure day(s)."
        elif args.closures_action == "remove":
            removed = desk.closures.remove(args.days)
            result = {"removed": removed}
            text = f"Removed {len(removed)} closure day(s)."
        else:
            days = desk.closures.list_days()
            result = [{"date": d.day, "description": d.description, "national": d.national} for d in days]
            text = "\n".join(f"{d.day:%a %d/%m/%Y}  {d.description}" for d in days) or "No closure days."
    finally:
        desk.close()
    if args.json:
        print_json(result)
    else:
        print(text)
    return 0
