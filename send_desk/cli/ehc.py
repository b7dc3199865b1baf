"""`send-desk case ehc REF`: the EHC step a case is about, when its statutory dates were met, exceptions."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from send_desk.bootstrap import Desk
from send_desk.cli.common import CliError, iso_date
from send_desk.domain.ehc import (
    DATE_LABELS,
    STEPS,
    EhcDateName,
    EhcException,
    EhcStep,
    parse_exception,
)
from send_desk.domain.wording import uk_date
from send_desk.services.ehc import NO_CHANGE, EhcChange
from send_desk.values.cases import CaseDetail
from send_desk.values.ehc import EhcRecord

ActionFactory = Callable[[str, str, Callable[[Desk, CaseDetail, argparse.Namespace], CaseDetail]], Any]

NAMES = ", ".join(name.value for name in EhcDateName)


def register_action(action: ActionFactory) -> None:
    """Add `case ehc` to the case command, through its own `action` helper (REF, --json)."""
    p: argparse.ArgumentParser = action(
        "ehc",
        "record the EHC step the case is about, and when its statutory dates were met",
        perform,
    )
    p.add_argument("--step", choices=[s.value for s in EhcStep], metavar="STEP", help=", ".join(EhcStep))
    p.add_argument(
        "--on",
        type=iso_date,
        metavar="DATE",
        help="the day the step began (for phase-transfer: the day the child moves)",
    )
    p.add_argument("--post16", action="store_true", help="phase-transfer: a move into post-16 education")
    p.add_argument(
        "--notice",
        metavar="DATE",
        help="annual-review: the day the amendment notice was sent ('none' to clear)",
    )
    p.add_argument(
        "--done",
        action="append",
        default=[],
        metavar="NAME=DATE",
        help=f"the day a statutory date was done (NAME= to clear); NAME is one of {NAMES}",
    )
    p.add_argument(
        "--exception",
        action="append",
        default=[],
        metavar="NAME=REASON",
        help="an exception relieving a time limit (NAME= to clear); REASON is one of "
        + ", ".join(e.value for e in EhcException),
    )
    p.add_argument("--note", default="", help="what happened, recorded with the exceptions given")


def perform(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    """Apply the options to the case's EHC process and return the case as it now is."""
    if (args.step is None) != (args.on is None):
        raise CliError("Give --step and --on together: the step and the day it began.", code=2)
    if args.post16 and args.step != EhcStep.PHASE_TRANSFER.value:
        raise CliError("--post16 goes with --step phase-transfer.", code=2)
    done: dict[str, date | None] = {}
    for item in args.done:
        name, value = _pair(item, "--done", "NAME=DATE")
        done[name] = _date(value, "--done") if value else None
    exceptions: dict[str, tuple[EhcException, str] | None] = {}
    for item in args.exception:
        name, value = _pair(item, "--exception", "NAME=REASON")
        exceptions[name] = (parse_exception(value), args.note) if value else None
    if args.note and not any(exceptions.values()):
        raise CliError("--note is recorded with an exception: give --exception NAME=REASON too.", code=2)
    notice: Any = NO_CHANGE
    if args.notice is not None:
        notice = None if args.notice.lower() == "none" else _date(args.notice, "--notice")
    change = EhcChange(
        step=EhcStep(args.step) if args.step else None,
        started=args.on,
        post16=True if args.post16 else (False if args.step else None),
        amendment_notice_on=notice,
        done=done,
        exceptions=exceptions,
    )
    if change == EhcChange():
        return case  # nothing to change: show the case as it is
    desk.ehc.change(case.id, change, expected_version=case.version)
    return desk.cases.get(case.id)


def lines(record: EhcRecord) -> list[str]:
    """Return the case's EHC process as lines of text: the current step, its dates, the earlier steps."""
    current = record.current
    if current is None:
        return []
    dates = current.dates
    facts = STEPS[dates.step]
    transfer = " (into post-16)" if dates.post16 else ""
    out = [f"EHC: {facts.label}{transfer}, {facts.started_label.lower()} {uk_date(dates.started)}"]
    if dates.amendment_notice_on:
        out.append(f"  amendment notice sent {uk_date(dates.amendment_notice_on)}")
    for status in current.statuses:
        done = f", done {uk_date(status.done_on)}" if status.done_on else ""
        exception = f" ({status.exception.value})" if status.exception else ""
        out.append(
            f"  {DATE_LABELS[status.name]} {uk_date(status.due)}: {status.wording}{exception}{done}"
            f"  [{status.regulation.split(':')[0]}]"
        )
    for earlier in record.history[1:]:
        d = earlier.dates
        out.append(f"  earlier: {STEPS[d.step].label}, {uk_date(d.started)}")
    return out


def _pair(item: str, option: str, shape: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise CliError(
            f"{option} takes {shape}, e.g. {option} final_plan_by=2026-06-19; got {item!r}.", code=2
        )
    return name.strip().lower(), value.strip()


def _date(text: str, option: str) -> date:
    try:
        return iso_date(text)
    except argparse.ArgumentTypeError as exc:
        raise CliError(f"{option}: {exc}", code=2) from None
