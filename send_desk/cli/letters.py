"""`send-desk letter`, `templates` and `smtp`: letters from templates, the template list, the email relay."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from send_desk.cli.common import CliError, Globals, check_out_file, desk_for, print_json, whole_number
from send_desk.domain.kinds import CaseKind
from send_desk.domain.letters import Purpose
from send_desk.domain.wording import DEFAULT_TEAM
from send_desk.values.letters import SmtpSettingsView, TemplateView

SUFFIXES = {".docx": "docx", ".pdf": "pdf", ".eml": "draft"}


def register(subparsers: Any) -> None:
    """Add the letter, templates and smtp commands."""
    letter = subparsers.add_parser(
        "letter", help="write a letter or email to a case's family from a template"
    )
    letter.add_argument("reference", metavar="REF")
    letter.add_argument("--template", required=True, metavar="NAME", help="see `send-desk templates list`")
    letter.add_argument("--out", required=True, type=Path, metavar="FILE.docx|FILE.pdf|FILE.eml")
    letter.add_argument("--send", action="store_true", help="send it through the team's relay (needs .eml)")
    letter.add_argument("--to", metavar="ADDR", help="email address (default: the contact's)")
    letter.add_argument("--team", default=DEFAULT_TEAM, help="the team name printed on the letter")
    size = letter.add_mutually_exclusive_group()
    size.add_argument("--large-print", action="store_true", default=None, help="16 pt or larger")
    size.add_argument("--standard-print", dest="large_print", action="store_false", help="ignore large print")
    letter.add_argument("--json", action="store_true")
    letter.set_defaults(handler=run_letter)

    templates = subparsers.add_parser("templates", help="letter templates")
    actions = templates.add_subparsers(dest="templates_action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the templates (latest version of each)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run_templates)
    add = actions.add_parser("add", help="add a .docx template, or a new version of one (admins)")
    add.add_argument("name", metavar="NAME")
    add.add_argument("file", type=Path, metavar="FILE.docx")
    add.add_argument("--title", default="")
    add.add_argument("--purpose", choices=Purpose.ALL, default=Purpose.OTHER)
    add.add_argument("--kind", action="append", default=[], choices=[k.value for k in CaseKind])
    add.add_argument("--stage", action="append", default=[], type=whole_number(2, 1))
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run_templates)
    for verb, words in (("on", "switch a template on"), ("off", "switch a template off")):
        switch = actions.add_parser(verb, help=words)
        switch.add_argument("name", metavar="NAME")
        switch.add_argument("--json", action="store_true")
        switch.set_defaults(handler=run_templates)

    smtp = subparsers.add_parser("smtp", help="the team's SMTP relay for sending email")
    smtp_actions = smtp.add_subparsers(dest="smtp_action", metavar="ACTION", required=True)
    set_ = smtp_actions.add_parser("set", help="set up the relay (admins; never a password)")
    set_.add_argument("--host", required=True, metavar="H")
    set_.add_argument("--port", required=True, type=whole_number(65535, 1), metavar="P")
    set_.add_argument("--starttls", action="store_true")
    set_.add_argument("--user", default="", metavar="U", help="password: keyring or SEND_DESK_SMTP_PASSWORD")
    set_.add_argument("--from", dest="sender", required=True, metavar="ADDR")
    set_.add_argument("--json", action="store_true")
    set_.set_defaults(handler=run_smtp)
    show = smtp_actions.add_parser("show", help="show the relay's settings")
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=run_smtp)
    test = smtp_actions.add_parser("test", help="send a test email through the relay")
    test.add_argument("--to", required=True, metavar="ADDR")
    test.add_argument("--json", action="store_true")
    test.set_defaults(handler=run_smtp)


def template_json(view: TemplateView) -> dict[str, Any]:
    """Return a template version as `templates list --json` prints it."""
    return {
        "name": view.name,
        "version": view.version,
        "title": view.title,
        "purpose": view.purpose,
        "kinds": list(view.kinds),
        "stages": list(view.stages),
        "fields": list(view.fields),
        "active": view.active,
        "shipped": view.shipped,
        "added_by": view.added_by,
        "added": view.added_at,
    }


def run_letter(args: argparse.Namespace, g: Globals) -> int:
    """Make one letter from a template into a file (and send it where asked)."""
    out: Path = args.out
    how = SUFFIXES.get(out.suffix.lower())
    if how is None:
        raise CliError(f"{out} should end in .docx, .pdf or .eml")
    check_out_file(out, out.suffix.lower())
    if args.send:
        if how != "draft":
            raise CliError(
                "--send sends an email: give --out FILE.eml (a copy of what was sent is kept there)"
            )
        how = "email"
    desk = desk_for(g)
    try:
        case = desk.cases.get_by_reference(args.reference)
        made = desk.letters.make(
            case.id, args.template, how, team=args.team, large_print=args.large_print, to=args.to
        )
    finally:
        desk.close()
    out.write_bytes(made.content)
    result = {
        "reference": made.reference,
        "template": made.template_name,
        "version": made.template_version,
        "how": made.how,
        "file": str(out),
        "recipient": made.recipient,
        "stored_on_case": made.document_stored,
    }
    if args.json:
        print_json(result)
    else:
        print(made.timeline_text.replace(f"saved as {made.filename}", f"written to {out}"))
    return 0


def run_templates(args: argparse.Namespace, g: Globals) -> int:
    """List, add or switch templates."""
    desk = desk_for(g)
    try:
        if args.templates_action == "list":
            views = desk.letters.list_templates()
            result: Any = [template_json(v) for v in views]
            text = "\n".join(
                f"{v.name:<32} v{v.version}  {'on ' if v.active else 'off'}  {v.title}" for v in views
            )
        elif args.templates_action == "add":
            if not args.file.is_file():
                raise CliError(f"{args.file} is not a file")
            view = desk.letters.add_template(
                args.name,
                args.file.read_bytes(),
                title=args.title,
                purpose=args.purpose,
                kinds=args.kind,
                stages=args.stage,
            )
            result = template_json(view)
            text = f"Added {view.name} version {view.version} (fields: {', '.join(view.fields)})."
        else:
            view = desk.letters.set_active(args.name, args.templates_action == "on")
            result = template_json(view)
            text = f"{view.title} is switched {args.templates_action}."
    finally:
        desk.close()
    if args.json:
        print_json(result)
    else:
        print(text)
    return 0


def run_smtp(args: argparse.Namespace, g: Globals) -> int:
    """Set up, show or test the relay."""
    desk = desk_for(g)
    try:
        if args.smtp_action == "set":
            settings = desk.letters.set_smtp(
                SmtpSettingsView(args.host, args.port, args.starttls, args.sender, args.user)
            )
            result: Any = _settings_json(settings)
            text = f"The relay is {settings.host}:{settings.port}, sending as {settings.from_address}."
        elif args.smtp_action == "show":
            shown = desk.letters.smtp_settings()
            result = _settings_json(shown) if shown else None
            text = (
                f"{shown.host}:{shown.port}{' STARTTLS' if shown.starttls else ''}, from {shown.from_address}"
                + (f", user {shown.username}" if shown.username else "")
                if shown
                else "No relay is set up."
            )
        else:
            text = desk.letters.test_smtp(args.to)
            result = {"sent_to": args.to.strip()}
    finally:
        desk.close()
    if args.json:
        print_json(result)
    else:
        print(text)
    return 0


def _settings_json(settings: SmtpSettingsView) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "starttls": settings.starttls,
        "from": settings.from_address,
        "user": settings.username,
    }
