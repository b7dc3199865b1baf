"""`send-desk case ACTION REF`: every lifecycle action on one case, for scripts and mailbox integrations."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from typing import Any

from send_desk.bootstrap import Desk
from send_desk.cli import case_edit, ehc
from send_desk.cli.cases import row_json
from send_desk.cli.common import CliError, Globals, desk_for, iso_date, print_json, whole_number
from send_desk.domain.kinds import CaseKind, ClosureCode, Outcome
from send_desk.domain.wording import uk_date
from send_desk.values.cases import CaseDetail, StageView

Perform = Callable[[Desk, CaseDetail, argparse.Namespace], CaseDetail]
"""One lifecycle action: the desk, the case as read, the options; returns the case as it now is."""

MAX_EXTENSION_DAYS = 1000
"""Far beyond any policy's limit: the policy refuses what it does not allow, in its own words."""


def register(subparsers: Any) -> None:
    """Add the case command and one sub-command per lifecycle action."""
    case = subparsers.add_parser("case", help="act on one case (acknowledge, extend, respond, close ...)")
    actions = case.add_subparsers(dest="case_action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, run: Perform) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        parser.add_argument("reference", metavar="REF")
        parser.add_argument("--json", action="store_true", help="print the case as JSON")
        parser.set_defaults(handler=run_action, perform=run)
        return parser

    def on(parser: argparse.ArgumentParser, what: str) -> None:
        parser.add_argument("--on", type=iso_date, metavar="DATE", help=f"{what} (default: today)")

    show = actions.add_parser("show", help="print the case with its stages")
    show.add_argument("reference", metavar="REF")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_show)

    p = action("acknowledge", "record that the acknowledgement was sent", _acknowledge)
    on(p, "the day it was sent")
    p.add_argument("--reason", default="", help="why the target was missed (needed when late)")

    p = action("assign", "give the case to an officer", _assign)
    p.add_argument("login", metavar="LOGIN")

    p = action("extend", "extend the response target once, with the reason told to the family", _extend)
    amount = p.add_mutually_exclusive_group(required=True)
    amount.add_argument(
        "--days", type=whole_number(MAX_EXTENSION_DAYS), metavar="N", help="working days more"
    )
    amount.add_argument("--to", type=iso_date, metavar="DATE", help="the new due date")
    p.add_argument("--reason", default="", help="why more time is needed (told to the family)")
    p.add_argument("--told-on", type=iso_date, metavar="DATE", help="when the family was told")

    p = action("pause", "stop the clock (for example while a fee is awaited)", _pause)
    on(p, "the first day the clock stands still")
    p.add_argument("--reason", default="")

    p = action("resume", "restart a paused clock", _resume)
    on(p, "the day the clock restarts")

    p = action(
        "clarification-requested",
        "record that the requester was asked to clarify (the clock stops)",
        _request,
    )
    on(p, "the day the requester was asked")
    p.add_argument("--chase-on", type=iso_date, metavar="DATE", help="when to chase the requester up")
    p.add_argument("--identity", action="store_true", help="a SAR: proof of identity was asked for")

    p = action(
        "clarification-received", "record that the clarification (or proof of identity) arrived", _clarified
    )
    on(p, "the day it arrived")

    p = action("respond", "record the response", _respond)
    on(p, "the day the response was sent")
    p.add_argument(
        "--outcome",
        choices=[o.value for o in Outcome],
        metavar="OUTCOME",
        help="complaints: upheld, partly-upheld or not-upheld",
    )
    p.add_argument("--reason", default="", help="why the target was missed (needed when late)")

    p = action("escalate", "move a complaint to stage 2", _escalate)
    on(p, "the day stage 2 was asked for")
    p.add_argument("--reason", default="", help="why a late request is accepted (needed when late)")
    p.add_argument(
        "--handler", dest="handler_login", required=True, metavar="LOGIN", help="who handles stage 2"
    )

    p = action("close", "close the case", _close)
    on(p, "the day it was closed")
    p.add_argument("--code", required=True, choices=[c.value for c in ClosureCode], metavar="CODE")
    p.add_argument("--reason", default="", help="needed for not-accepted and out-of-jurisdiction")

    p = action("reopen", "reopen a closed case", _reopen)
    p.add_argument("--reason", default="")

    ehc.register_action(action)
    case_edit.register(actions, case_json)


def run_show(args: argparse.Namespace, g: Globals) -> int:
    """Print one case."""
    desk = desk_for(g)
    try:
        case = desk.cases.get_by_reference(args.reference)
        _print(desk, case, args.json)
    finally:
        desk.close()
    return 0


def run_action(args: argparse.Namespace, g: Globals) -> int:
    """Carry out one lifecycle action on the case and print the case as it now is."""
    desk = desk_for(g)
    try:
        case = desk.cases.get_by_reference(args.reference)
        changed = args.perform(desk, case, args)
        _print(desk, changed, args.json)
    finally:
        desk.close()
    return 0


def case_json(desk: Desk, case: CaseDetail) -> dict[str, Any]:
    """Return a case as `cases --json` lists it, plus its stages and its EHC step (or null)."""
    (row,) = desk.register.rows([case.id])
    return {
        **row_json(row),
        "stages": [stage_json(s) for s in case.stages],
        "ehc": desk.ehc.get(case.id).to_json(),
    }


def stage_json(stage: StageView) -> dict[str, Any]:
    """Return the dates of one stage."""
    acknowledge, respond = stage.acknowledge, stage.respond
    return {
        "stage": stage.stage,
        "acknowledge_by": acknowledge.due if acknowledge else None,
        "acknowledged": acknowledge.done_on if acknowledge else None,
        "respond_by": respond.due if respond else None,
        "responded": respond.done_on if respond else None,
        "extended_to": stage.extensions[-1].new_due if stage.extensions else None,
    }


def _print(desk: Desk, case: CaseDetail, as_json: bool) -> None:
    if as_json:
        print_json(case_json(desk, case))
        return
    kind = case.kind.label + (f", stage {case.stage}" if case.kind is CaseKind.COMPLAINT else "")
    print(f"{case.reference}  {kind}  {case.status.value}  {case.rag.label}")
    for s in case.stages:
        parts = [f"Stage {s.stage}: from {uk_date(s.started_on)}"]
        if s.acknowledge:
            parts.append(f"acknowledge by {uk_date(s.acknowledge.due, '-')}")
            parts.append(f"acknowledged {uk_date(s.acknowledge.done_on, '-')}")
        if s.respond:
            parts.append(f"respond by {uk_date(s.respond.due, '-')}")
            parts.append(f"responded {uk_date(s.respond.done_on, '-')}")
        print("  " + "; ".join(parts))
    for line in ehc.lines(desk.ehc.get(case.id)):
        print(line)


def _today(desk: Desk, args: argparse.Namespace) -> date:
    return args.on or desk.today()


def _acknowledge(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.acknowledge(
        case.id, on=_today(desk, args), missed_reason=args.reason, expected_version=case.version
    )


def _assign(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.assign(case.id, officer_login=args.login, expected_version=case.version)


def _extend(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    if args.to is None and case.kind is CaseKind.SAR:
        raise CliError(
            "A subject access request is extended in calendar months, not days: "
            "give the new due date with --to DATE.",
            code=1,
        )
    return desk.cases.extend(
        case.id,
        amount=args.days,
        to=args.to,
        reason=args.reason,
        told_on=args.told_on,
        expected_version=case.version,
    )


def _pause(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.pause(
        case.id, start=_today(desk, args), reason=args.reason, expected_version=case.version
    )


def _resume(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.resume(case.id, end=_today(desk, args), expected_version=case.version)


def _request(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.request_clarification(
        case.id,
        on=_today(desk, args),
        chase_on=args.chase_on,
        identity=args.identity,
        expected_version=case.version,
    )


def _clarified(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.record_clarification(case.id, on=_today(desk, args), expected_version=case.version)


def _respond(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.respond(
        case.id,
        on=_today(desk, args),
        outcome=Outcome(args.outcome) if args.outcome else None,
        missed_reason=args.reason,
        expected_version=case.version,
    )


def _escalate(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.escalate(
        case.id,
        requested_on=_today(desk, args),
        handler_login=args.handler_login,
        late_reason=args.reason,
        expected_version=case.version,
    )


def _close(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.close(
        case.id,
        code=ClosureCode(args.code),
        on=_today(desk, args),
        reason=args.reason,
        expected_version=case.version,
    )


def _reopen(desk: Desk, case: CaseDetail, args: argparse.Namespace) -> CaseDetail:
    return desk.cases.reopen(case.id, reason=args.reason, expected_version=case.version)
