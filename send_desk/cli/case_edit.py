"""`send-desk case edit REF`: change a logged case's details, and (managers) its received date or kind."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from send_desk.bootstrap import Desk
from send_desk.cli.cases import add_detail_options
from send_desk.cli.common import CliError, Globals, desk_for, iso_date, print_json, whole_number
from send_desk.domain.kinds import CaseKind, Channel
from send_desk.services.case_edit import PERSON_FIELDS, edit_changes
from send_desk.values.case_edit import EDIT_LABELS, GOVERNED_LABELS, CaseEdit
from send_desk.values.cases import CaseDetail, PersonInput

CaseJson = Callable[[Desk, CaseDetail], dict[str, Any]]

MAX_VERSION = 2_000_000_000
"""Far beyond any case's number of saves; a larger number is a typing mistake."""

CASE_OPTIONS = (
    "category",
    "summary",
    "description",
    "adjustments",
    "adjustments_review_on",
    "matter_on",
    "matter_late_reason",
    "ombudsman_reference",
)
"""The case options that set the `CaseEdit` field of the same name."""


def register(actions: Any, case_json: CaseJson) -> None:
    """Add `case edit` to the case command; `case_json` prints the case as `case show --json` does."""
    p: argparse.ArgumentParser = actions.add_parser(
        "edit",
        help="change a case's details; managers: its received date or kind, with a reason",
        description="Change a logged case's details, checked as a new case is. Options not given "
        'stay as they are; "" clears a text detail (--officer "" leaves the case unassigned). The '
        "received date and the kind are corrected by a manager or admin only, with --reason, and the "
        "targets are counted again.",
    )
    p.add_argument("reference", metavar="REF")
    add_detail_options(p, channel=None, text=None)
    p.add_argument("--contact-relationship", metavar="R", help="parent, carer, young person, advocate ...")
    p.add_argument("--contact-address", metavar="A")
    p.add_argument("--child-identifier", metavar="ID", help="EHC plan or UPN reference")
    p.add_argument("--representative-name", metavar="N", help="the MP, councillor or advocate")
    p.add_argument("--representative-organisation", metavar="O")
    p.add_argument("--description", metavar="TEXT")
    p.add_argument("--adjustments", metavar="TEXT", help="reasonable adjustments (large print ...)")
    p.add_argument("--adjustments-review-on", type=iso_date, metavar="DATE", help="when to review them")
    p.add_argument("--matter-on", type=iso_date, metavar="DATE", help="complaints: the date of the matter")
    p.add_argument("--matter-late-reason", metavar="TEXT", help="why a complaint made late is accepted")
    p.add_argument("--ombudsman-reference", metavar="REF")
    p.add_argument(
        "--received", type=iso_date, metavar="DATE", help="correct the received date (managers; --reason)"
    )
    p.add_argument(
        "--kind",
        choices=[k.value for k in CaseKind],
        metavar="KIND",
        help="change the kind before any acknowledgement or response (managers; --reason)",
    )
    p.add_argument("--reason", metavar="TEXT", help="why the received date or kind is changed (audited)")
    p.add_argument(
        "--expected-version",
        type=whole_number(MAX_VERSION),
        metavar="N",
        help="refuse the change if the case was saved since version N (default: its current version)",
    )
    p.add_argument("--json", action="store_true", help="print the case as `case show --json` does")
    p.set_defaults(handler=run_edit, case_json=case_json)


def run_edit(args: argparse.Namespace, g: Globals) -> int:
    """Apply the options to the case (all or nothing); print it as JSON or a sentence naming what changed."""
    kind = CaseKind(args.kind) if args.kind else None
    reason = (args.reason or "").strip()
    desk = desk_for(g)
    try:
        case = desk.cases.get_by_reference(args.reference)
        version = case.version if args.expected_version is None else args.expected_version
        new_kind = kind if kind is not None and kind is not case.kind else None
        received = args.received if args.received not in (None, case.received_on) else None
        if (new_kind or received) and not reason:
            raise CliError(
                "Give --reason TEXT for changing the received date or the kind; "
                "it is kept in the audit trail."
            )
        if reason and not (args.kind or args.received):
            raise CliError("--reason goes with --received DATE or --kind KIND.")
        before = desk.case_edits.details(case.id)
        edit = edited(before, args)
        case = desk.case_edits.save(
            case.id, edit, expected_version=version, kind=new_kind, received_on=received, reason=reason
        )
        changed = [key for key, value in (("kind", new_kind), ("received_on", received)) if value is not None]
        changed += edit_changes(before, edit)
        if args.json:
            print_json(args.case_json(desk, case))
        elif changed:
            print(f"{case.reference}: {_listed(changed)} changed.")
        else:
            print(f"{case.reference}: nothing changed.")
    finally:
        desk.close()
    return 0


def edited(before: CaseEdit, args: argparse.Namespace) -> CaseEdit:
    """Return the case's details with the options given applied (those not given as they were)."""
    people: dict[str, PersonInput] = {
        "contact": before.contact,
        "child": before.child,
        "representative": before.representative or PersonInput(),
    }
    for option, (role, name) in PERSON_FIELDS.items():  # each option is named after its detail's key
        value = getattr(args, option)
        if value is not None:
            people[role.value] = replace(people[role.value], **{name: value})
    representative = people["representative"]
    fields: dict[str, Any] = {
        "contact": people["contact"],
        "child": people["child"],
        "representative": representative
        if before.representative is not None or representative != PersonInput()
        else None,
    }
    for option in CASE_OPTIONS:
        value = getattr(args, option)
        if value is not None:
            fields[option] = value
    if args.channel is not None:
        fields["channel"] = Channel(args.channel)
    if args.officer is not None:
        fields["officer_login"] = args.officer.strip()
    return replace(before, **fields)


def _listed(keys: list[str]) -> str:
    """Return the names of changed details as words: "summary and contact phone"."""
    labels = {**EDIT_LABELS, **GOVERNED_LABELS}
    words = [_lower_first(labels[key]) for key in keys]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _lower_first(label: str) -> str:
    """Return a label as it reads mid-sentence ("Contact phone" → "contact phone"; "EHC/UPN" kept)."""
    return label[0].lower() + label[1:] if label[1:2].islower() else label
