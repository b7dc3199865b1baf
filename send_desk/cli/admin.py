"""`send-desk retention`, `staff`, `audit` and `subject-access`: administration from scripts."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any

from send_desk.cli.common import (
    Globals,
    check_out_file,
    desk_for,
    iso_date,
    positive_int,
    print_json,
)
from send_desk.domain.errors import to_display_time
from send_desk.domain.kinds import Role
from send_desk.services.audit_view import AuditQuery, AuditView


def register(subparsers: Any) -> None:
    """Add the retention, staff, audit and subject-access commands."""
    retention = subparsers.add_parser(
        "retention", help="anonymise cases closed more than six years ago (admins)"
    )
    mode = retention.add_mutually_exclusive_group(required=True)
    mode.add_argument("--preview", action="store_true", help="list the cases, change nothing")
    mode.add_argument("--apply", action="store_true", help="anonymise them (audited)")
    retention.add_argument(
        "--before", type=iso_date, metavar="DATE", help="cases closed before DATE (default: 6 years ago)"
    )
    retention.add_argument("--json", action="store_true")
    retention.set_defaults(handler=run_retention)

    staff = subparsers.add_parser("staff", help="members of staff and their roles")
    actions = staff.add_subparsers(dest="staff_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list members of staff")
    listing.add_argument("--all", action="store_true", help="include switched-off accounts")
    listing.add_argument("--json", action="store_true")
    add = actions.add_parser("add", help="add a member of staff (admins)")
    add.add_argument("login")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.OFFICER.value)
    add.add_argument("--team", default="")
    add.add_argument(
        "--password-env",
        metavar="VAR",
        default="",
        help="team database: the variable holding their new login's password (none: single sign-on)",
    )
    add.add_argument("--json", action="store_true")
    role = actions.add_parser("role", help="change a member of staff's role (admins)")
    role.add_argument("login")
    role.add_argument("role", choices=[r.value for r in Role])
    role.add_argument("--json", action="store_true")
    for name, text in (("deactivate", "switch off an account"), ("reactivate", "switch an account back on")):
        parser = actions.add_parser(name, help=f"{text} (admins)")
        parser.add_argument("login")
        parser.add_argument("--json", action="store_true")
    staff.set_defaults(handler=run_staff)

    audit = subparsers.add_parser("audit", help="read or export the audit trail (managers and admins)")
    audit.add_argument("--case", metavar="REF")
    audit.add_argument("--login", metavar="LOGIN", help="a login, or part of a name")
    audit.add_argument("--from", dest="date_from", type=iso_date, metavar="DATE")
    audit.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE")
    audit.add_argument("--action", metavar="ACTION")
    audit.add_argument("--limit", type=positive_int, default=200, metavar="N")
    audit.add_argument("--out", type=Path, metavar="FILE.xlsx", help="export every matching entry")
    audit.add_argument("--json", action="store_true")
    audit.set_defaults(handler=run_audit)

    finder = subparsers.add_parser(
        "subject-access", help="find every case that mentions a person; export them as one pack"
    )
    finder.add_argument("--name", default="")
    finder.add_argument("--email", default="")
    finder.add_argument("--phone", default="")
    finder.add_argument("--child", default="")
    finder.add_argument("--out", type=Path, metavar="FILE.xlsx", help="write the pack of every case found")
    finder.add_argument("--json", action="store_true")
    finder.set_defaults(handler=run_subject_access)


def run_retention(args: argparse.Namespace, g: Globals) -> int:
    """Preview or apply retention."""
    desk = desk_for(g)
    try:
        service = desk.retention
        if args.preview:
            preview = service.preview(args.before)
            result: dict[str, Any] = {
                "cutoff": preview.cutoff,
                "count": preview.count,
                "cases": [
                    {"reference": i.reference, "kind": i.kind, "closed": i.closed_on} for i in preview.items
                ],
            }
            text = (
                f"{preview.count} case(s) closed before {preview.cutoff:%d/%m/%Y} would be anonymised."
                + "".join(f"\n  {i.reference}  closed {i.closed_on:%d/%m/%Y}" for i in preview.items)
            )
        else:
            done = service.anonymise(args.before)
            result = {
                "cutoff": done.cutoff,
                "count": done.count,
                "references": list(done.references),
                "audit_entries_redacted": done.audit_entries_redacted,
                "compacted": done.compacted,
                "documents_removed": done.documents_removed,
            }
            text = f"Anonymised {done.count} case(s) closed before {done.cutoff:%d/%m/%Y}." + (
                f" Removed the {done.documents_removed} document(s) kept against them."
                if done.documents_removed
                else ""
            )
    finally:
        desk.close()
    _print(args, result, text)
    return 0


def run_staff(args: argparse.Namespace, g: Globals) -> int:
    """List or change members of staff."""
    desk = desk_for(g)
    try:
        action = args.staff_action
        if action == "list":
            people = desk.staff.list_staff(include_inactive=args.all)
            result: Any = [asdict(p) for p in people]
            text = "\n".join(
                f"{p.login:<20} {p.name:<28} {p.role:<8} {p.team}{'' if p.active else '  (switched off)'}"
                for p in people
            )
        else:
            if action == "add":
                from send_desk.cli.team import password_from

                view = desk.staff.add_staff(
                    args.login,
                    args.name,
                    role=Role(args.role),
                    team=args.team,
                    password=password_from(args.password_env) or None,
                )
            elif action == "role":
                view = desk.staff.change_role(args.login, Role(args.role))
            elif action == "deactivate":
                view = desk.staff.deactivate(args.login)
            else:
                view = desk.staff.reactivate(args.login)
            result = asdict(view)
            text = f"{view.login}: {view.name}, {view.role}{'' if view.active else ' (switched off)'}"
    finally:
        desk.close()
    _print(args, result, text)
    return 0


def audit_json(view: AuditView) -> dict[str, Any]:
    """Return one audit entry as JSON-ready values."""
    return {
        "id": view.id,
        "at": view.at,
        "login": view.login,
        "name": view.actor_name,
        "case": view.case_reference or None,
        "action": view.action,
        "changes": {c.field: [c.old, c.new] for c in view.changes},
        "details": view.details,
        "redacted": view.redacted,
    }


def run_audit(args: argparse.Namespace, g: Globals) -> int:
    """Print or export audit entries."""
    query = AuditQuery(args.case, args.login, args.date_from, args.date_to, args.action)
    if args.out is not None:
        check_out_file(args.out, ".xlsx")
    desk = desk_for(g)
    try:
        service = desk.audit
        if args.out is not None:
            written = 0
            for progress in service.export_xlsx(args.out, query):
                written = progress
            result: Any = {"out": str(args.out), "entries": written}
            text = f"Wrote {written} audit entries to {args.out}."
        else:
            views = service.search(
                query.case_reference, query.login, query.date_from, query.date_to, query.action,
                limit=args.limit,
            )  # fmt: skip
            result = [audit_json(v) for v in views]
            text = (
                "\n".join(
                    f"{to_display_time(v.at):%d/%m/%Y %H:%M}  {v.login:<16} {v.case_reference:<14} "
                    f"{v.action:<18} {v.summary()}"
                    for v in views
                )
                or "No audit entries match."
            )
    finally:
        desk.close()
    _print(args, result, text)
    return 0


def run_subject_access(args: argparse.Namespace, g: Globals) -> int:
    """Find the cases that mention a person, and write the pack if asked."""
    if args.out is not None:
        check_out_file(args.out, ".xlsx")
    desk = desk_for(g)
    try:
        service = desk.subject_access
        rows = service.find_mentions(args.name, args.email, args.phone, args.child)
        result: dict[str, Any] = {
            "cases": [
                {"reference": r.reference, "kind": r.kind, "status": r.status, "received": r.received_on}
                for r in rows
            ]
        }
        text = "\n".join(f"{r.reference}  {r.kind.label}  {r.received_on:%d/%m/%Y}" for r in rows)
        text = text or "No case mentions that person."
        if args.out is not None and rows:
            from send_desk.services.subject_access import documents_folder

            for _done in service.export_pack([r.reference for r in rows], args.out):
                pass
            result["out"] = str(args.out)
            text += f"\nWrote the pack of {len(rows)} case(s) to {args.out}."
            folder = documents_folder(args.out)
            if folder.is_dir():
                result["documents"] = str(folder)
                text += f" Their documents are in {folder}."
    finally:
        desk.close()
    _print(args, result, text)
    return 0


def _print(args: argparse.Namespace, result: Any, text: str) -> None:
    if args.json:
        print_json(result)
    else:
        print(text)
