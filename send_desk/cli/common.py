"""Helpers shared by the command-line commands: argument types, JSON output, plain-words errors."""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.location import ENV_VAR, resolve_database_url
from send_desk.paths import user_data_dir

CLI_LOG_FILE_NAME = "send-desk-cli.log"


class CliError(Exception):
    """An error reported as one line on stderr with a non-zero exit code."""

    def __init__(self, message: str, code: int = 2) -> None:
        """Keep the message and the exit code."""
        super().__init__(message)
        self.code = code


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are a single line, as the command-line contract requires."""

    def error(self, message: str) -> NoReturn:
        """Print one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse as argparse does, refusing a lone "--" where one value belongs (argparse leaves a list)."""
        parsed, extras = super().parse_known_args(args, namespace)
        for action in self._actions:
            single = action.nargs is None or action.nargs == "?"
            if single and not action.option_strings and isinstance(getattr(parsed, action.dest, None), list):
                self.error(f"argument {action.metavar or action.dest}: expected a value, not '--'")
        return parsed, extras


EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""The dates the desk works with: far enough either way for births, cases and deadlines, near enough
that every due date counted from them stays a real date."""


def iso_date(text: str) -> date:
    """Parse an ISO date (2026-11-27) for argparse, with a plain-words error."""
    try:
        if len(text) != 10:
            raise ValueError
        value = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27"
        ) from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise argparse.ArgumentTypeError(
            f"{text!r} is outside the dates the desk works with "
            f"({EARLIEST_DATE.isoformat()} to {LATEST_DATE.isoformat()})"
        )
    return value


def whole_number(maximum: int, minimum: int = 0) -> Callable[[str], int]:
    """Return an argparse type for a whole number from `minimum` (0 unless told) to `maximum`."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"{text!r} must not be negative"
                if minimum == 0
                else f"{text!r} is too small; the least allowed is {minimum}"
            )
        if value > maximum:
            raise argparse.ArgumentTypeError(f"{text!r} is too large; the most allowed is {maximum:,}")
        return value

    return parse


positive_int = whole_number(1_000_000_000)
"""A whole number of at least 0 (and at most a billion, which no count here comes near)."""


def check_out_file(path: Path, suffix: str) -> None:
    """Refuse an output path that cannot be written as a file of that type, before any work is done."""
    if path.suffix.lower() != suffix:
        raise CliError(f"{path} should end in {suffix}")
    if path.is_dir():
        raise CliError(
            f"{path} is a folder; give the name of a file to write, e.g. {path / ('report' + suffix)}"
        )
    if not path.parent.is_dir():
        raise CliError(f"the folder {path.parent} does not exist; create it first or choose another place")


def to_jsonable(value: Any) -> Any:
    """Turn dates, enums and dataclasses into JSON-ready values."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    return value


def print_json(value: Any) -> None:
    """Print exactly one JSON document on stdout."""
    json.dump(to_jsonable(value), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


@dataclass
class Globals:
    """Options that come before the command: which database, a network share allowed, create it if new."""

    database: str | None
    allow_network_share: bool
    create: bool = False
    """--create: a database may be made in a folder that does not exist yet."""


def check_text_arguments(argv: Sequence[str]) -> None:
    """Refuse arguments that are not text: bytes that are not UTF-8, or a NUL character."""
    for position, arg in enumerate(argv, start=1):
        if "\x00" in arg or any("\ud800" <= ch <= "\udfff" for ch in arg):
            shown = shown_bytes(arg)
            raise CliError(
                f"argument {position} ({shown[:60]}) holds bytes that are not UTF-8 text; "
                "write it in UTF-8 (or plain ASCII) and try again"
            )


def shown_bytes(arg: str) -> str:
    """Return an argument with its undecodable bytes written as escapes, for a message."""
    try:
        text = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = arg.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def check_database_url(g: Globals) -> None:
    """Refuse a --database value (or SEND_DESK_DATABASE_URL) that is not a database URL or file path."""
    from sqlalchemy.exc import ArgumentError

    try:
        resolve_database_url(g.database)
    except (ArgumentError, ValueError) as exc:
        given = g.database or os.environ.get(ENV_VAR, "")
        raise CliError(
            f"{given!r} is not a database URL ({one_line(str(exc))}); write it like "
            "postgresql://user@host/send_desk, or give the path of a SQLite file"
        ) from None


def one_line(text: str) -> str:
    """Return text with its whitespace (newlines too) folded into single spaces."""
    return " ".join(text.split())


def file_error_line(exc: OSError) -> str:
    """Return one line saying which file could not be used and why (the system's own words)."""
    why = exc.strerror or one_line(str(exc)) or type(exc).__name__
    name = str(exc.filename) if exc.filename is not None else ""
    if len(name) > 120:
        name = name[:117] + "..."
    where = f" {shown_bytes(name)}" if name else ""
    return f"could not use the file{where}: {why}. Check the name and the folder, then try again."


def unexpected_error_line(exc: BaseException) -> str:
    """Log the full traceback where IT support can find it; return one line for the person."""
    where = log_unexpected(exc)
    detail = one_line(f"{type(exc).__name__}: {exc}")[:300]
    tail = f"; the details are in {where}" if where else ""
    return f"something unexpected went wrong ({detail}){tail}. Nothing more was done."


def log_unexpected(exc: BaseException) -> Path | None:
    """Append the traceback of `exc` to the command-line log in the data folder; None if it cannot."""
    try:
        folder = user_data_dir() / "logs"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / CLI_LOG_FILE_NAME
        with path.open("a", encoding="utf-8", errors="backslashreplace") as log:
            log.write(f"--- {datetime.now().astimezone().isoformat(timespec='seconds')} send-desk\n")
            log.write("".join(traceback.format_exception(exc)))
    except Exception:
        return None
    return path


def desk_for(g: Globals) -> Desk:
    """Open the desk for a command."""
    return open_desk(g.database, allow_network_share=g.allow_network_share, create=g.create)


Handler = Callable[[argparse.Namespace, Globals], int]
