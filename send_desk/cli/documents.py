"""`send-desk documents` (add, list, get, remove the files kept against a case) and `log --from-email`."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

from send_desk.cli.common import CliError, Globals, desk_for, print_json, whole_number
from send_desk.domain.kinds import CaseKind
from send_desk.services.retry import retry_while_busy
from send_desk.values.cases import CaseDetail
from send_desk.values.documents import MEGABYTE, DocumentInfo, size_words


def register(subparsers: Any) -> None:
    """Add the documents command."""
    documents = subparsers.add_parser("documents", help="files kept against a case")
    actions = documents.add_subparsers(dest="documents_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="keep a file against a case")
    add.add_argument("reference", metavar="REF")
    add.add_argument("file", type=Path, metavar="FILE")
    add.add_argument("--name", help="the name to keep it under (default: the file's own name)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=run)
    listing = actions.add_parser("list", help="list a case's documents")
    listing.add_argument("reference", metavar="REF")
    listing.add_argument("--removed", action="store_true", help="include removed documents")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=run)
    get = actions.add_parser("get", help="write a document to a file")
    get.add_argument("reference", metavar="REF")
    get.add_argument("name", metavar="NAME")
    get.add_argument("--out", type=Path, required=True, metavar="FILE")
    get.set_defaults(handler=run)
    remove = actions.add_parser("remove", help="remove a document (its record stays, audited)")
    remove.add_argument("reference", metavar="REF")
    remove.add_argument("name", metavar="NAME")
    remove.add_argument("--reason", default="", help="why it is removed (kept in the audit trail)")
    remove.add_argument("--json", action="store_true")
    remove.set_defaults(handler=run)
    limit = actions.add_parser("limit", help="show or change the largest file kept (admins change it)")
    limit.add_argument("--set", type=whole_number(1024, 1), metavar="MB", help="the new limit in MB")
    limit.add_argument("--json", action="store_true")
    limit.set_defaults(handler=run_limit)


def run_limit(args: argparse.Namespace, g: Globals) -> int:
    """Show, or change (admins only, audited), the largest file kept against a case."""
    desk = desk_for(g)
    try:
        if args.set is not None:
            desk.documents.set_max_bytes(args.set * MEGABYTE)
        limit = desk.documents.max_bytes()
    finally:
        desk.close()
    if args.json:
        print_json({"max_bytes": limit})
    else:
        print(f"Files up to {size_words(limit)} are kept against a case.")
    return 0


def document_json(document: DocumentInfo) -> dict[str, Any]:
    """Return the JSON object of one document."""
    found: dict[str, Any] = {
        "name": document.name,
        "type": document.media_type,
        "size": document.size,
        "sha256": document.sha256,
        "added_by": document.added_by,
        "added": document.added_at,
    }
    if document.removed:
        found.update(removed=document.removed_at, removed_by=document.removed_by)
    return found


def _read(path: Path) -> bytes:
    if path.is_dir():
        raise CliError(f"{path} is a folder; give the file to keep against the case")
    if not path.is_file():
        raise CliError(f"there is no file {path}")
    return path.read_bytes()


def run(args: argparse.Namespace, g: Globals) -> int:
    """Carry out the documents action."""
    action = args.documents_action
    content = _read(args.file) if action == "add" else b""
    if action == "get":
        if args.out.is_dir():
            raise CliError(f"{args.out} is a folder; give the name of the file to write")
        if not args.out.parent.is_dir():
            raise CliError(f"the folder {args.out.parent} does not exist; create it first")
    desk = desk_for(g)
    try:
        if action == "add":
            added = desk.documents.add(args.reference, args.name or args.file.name, content)
            result: Any = document_json(added)
            text = f"Kept {added.name} ({added.size_text}) against {added.case_reference}."
            if added.asked_name:
                text += f" The case already had a document called {added.asked_name}."
        elif action == "list":
            found = desk.documents.list(args.reference, include_removed=args.removed)
            result = [document_json(d) for d in found]
            text = (
                "\n".join(
                    f"{d.name}  {d.media_type}  {d.size_text}  added {d.added_at:%d/%m/%Y} by {d.added_by}"
                    + ("  (removed)" if d.removed else "")
                    for d in found
                )
                or "No documents."
            )
        elif action == "get":
            _document, data = desk.documents.export(args.reference, args.name)
            args.out.write_bytes(data)
            print(f"Wrote {args.out} ({len(data)} bytes).")
            return 0
        else:
            removed = desk.documents.remove(args.reference, args.name, reason=args.reason)
            result = document_json(removed)
            text = f"Removed {removed.name} from {removed.case_reference}."
    finally:
        desk.close()
    if args.json:
        print_json(result)
    else:
        print(text)
    return 0


def run_log_from_email(args: argparse.Namespace, g: Globals) -> int:
    """Log a case from an .eml or .msg file (kind enquiry unless given) and keep the email against it."""
    path: Path = args.from_email
    content = _read(path)

    def log_once() -> CaseDetail:
        desk = desk_for(g)
        try:
            documents = desk.documents
            draft = documents.draft_from_email(path.name, content, kind=CaseKind(args.kind or "enquiry"))
            data = replace(documents.case_input(draft), officer_login=args.officer)
            return documents.log_from_email(data, draft.file_name, content)[0]
        finally:
            desk.close()

    case = retry_while_busy(log_once, budget=args.wait)
    if args.json:
        dates = {"acknowledge_by": case.acknowledge_by, "respond_by": case.respond_by}
        print_json({"reference": case.reference, **dates})
    else:
        print(case.reference)
    return 0
