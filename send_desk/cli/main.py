"""Entry point of `send-desk`: no command opens the desk; commands serve scripts and scheduled tasks."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from send_desk import __version__
from send_desk.cli.common import (
    CliError,
    Globals,
    OneLineParser,
    check_database_url,
    check_text_arguments,
    file_error_line,
    one_line,
    unexpected_error_line,
)
from send_desk.domain.errors import SendDeskError

COMMAND_MODULES = (
    "send_desk.cli.deadline",
    "send_desk.cli.cases",
    "send_desk.cli.case",
    "send_desk.cli.closures",
    "send_desk.cli.demo",
    "send_desk.cli.spreadsheets",
    "send_desk.cli.report",
    "send_desk.cli.backup",
    "send_desk.cli.admin",
    "send_desk.cli.letters",
    "send_desk.cli.documents",
    "send_desk.cli.remind",
    "send_desk.cli.team",
)
"""Each module has `register(subparsers)`, which adds its commands with a `handler` default."""


def build_parser(modules: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Build the whole command-line parser from the command modules (all of them by default)."""
    modules = COMMAND_MODULES if modules is None else modules
    parser = OneLineParser(
        prog="send-desk", description="SEND Desk: enquiries and complaints for a SEND service."
    )
    parser.add_argument("--version", action="version", version=f"SEND Desk {__version__}")
    parser.add_argument(
        "--database", metavar="URL", help="SQLAlchemy URL or SQLite file (default: your data folder)"
    )
    parser.add_argument(
        "--allow-network-share", action="store_true", help="open a SQLite file on a network share anyway"
    )
    parser.add_argument(
        "--create",
        action="store_true",
        help="make a new database file, and its folder, where --database says",
    )
    parser.add_argument("--self-check", action="store_true", help="check the installation works, then exit")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in modules:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status; any error is one line on stderr, never a traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        check_text_arguments(argv)
    except CliError as exc:
        print(f"send-desk: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.code
    parser = build_parser()
    args = parser.parse_args(argv)
    g = Globals(database=args.database, allow_network_share=args.allow_network_share, create=args.create)
    try:
        if args.command is not None:
            check_database_url(g)
        if args.self_check:
            from send_desk.selfcheck import run_self_check

            return int(run_self_check())
        if args.command is None:
            from send_desk.app import run_desk

            return int(run_desk(g.database, allow_network_share=g.allow_network_share))
        return int(args.handler(args, g))
    except CliError as exc:
        print(f"send-desk: error: {one_line(str(exc))}", file=sys.stderr)
        return exc.code
    except SendDeskError as exc:
        print(f"send-desk: error: {one_line(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("send-desk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    except OSError as exc:  # a file or folder the system could not use: say which and why
        print(f"send-desk: error: {file_error_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # the one place an unexpected error becomes a line, not a traceback
        print(f"send-desk: error: {unexpected_error_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
