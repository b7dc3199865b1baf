"""`send-desk demo`: fill the database with realistic sample cases."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from send_desk.cli.common import Globals, desk_for, print_json, whole_number


def register(subparsers: Any) -> None:
    """Add the demo command."""
    parser = subparsers.add_parser("demo", help="fill the database with sample cases over the last two years")
    parser.add_argument("--cases", type=whole_number(10_000_000), default=2000, metavar="N")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, g: Globals) -> int:
    """Write the sample cases, showing progress on stderr."""
    desk = desk_for(g)
    started = time.perf_counter()
    written = 0
    try:
        for written in desk.demo.generate(args.cases, seed=args.seed):
            if sys.stderr.isatty():
                print(f"\r{written:,} of {args.cases:,} cases written", end="", file=sys.stderr)
    finally:
        desk.close()
    seconds = time.perf_counter() - started
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json({"cases": written, "seconds": round(seconds, 2)})
    else:
        print(f"Added {written:,} sample cases in {seconds:.1f} s.")
    return 0
