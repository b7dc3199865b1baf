"""Helpers shared by the command-line commands: argument types, JSON output, plain-words errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, NoReturn

from send_desk.bootstrap import Desk, open_desk


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
        self.exit(2, f"{self.prog}: error: {message}\n")


def iso_date(text: str) -> date:
    """Parse an ISO date (2026-11-27) for argparse, with a plain-words error."""
    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-11-27"
        ) from None


def positive_int(text: str) -> int:
    """Parse a whole number of at least 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must not be negative")
    return value


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


def desk_for(g: Globals) -> Desk:
    """Open the desk for a command."""
    return open_desk(g.database, allow_network_share=g.allow_network_share, create=g.create)


Handler = Callable[[argparse.Namespace, Globals], int]
