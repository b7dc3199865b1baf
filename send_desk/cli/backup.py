"""`send-desk backup` and `send-desk restore`: copies of the SQLite database, checked before restoring."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from send_desk.cli.common import Globals, print_json
from send_desk.db.location import resolve_database_url
from send_desk.services.backup import BackupService


def register(subparsers: Any) -> None:
    """Add the backup and restore commands."""
    backup = subparsers.add_parser("backup", help="copy the database (SQLite) while it is in use")
    backup.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write the copy (default: the backups folder)"
    )
    backup.add_argument("--json", action="store_true")
    backup.set_defaults(handler=run_backup)
    restore = subparsers.add_parser(
        "restore", help="replace the database with a backup (checked first; a safety copy is kept)"
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(handler=run_restore)


def service_for(g: Globals) -> BackupService:
    """Return the backup service for the database the global options name."""
    return BackupService(resolve_database_url(g.database))


def run_backup(args: argparse.Namespace, g: Globals) -> int:
    """Write a backup and print where it went."""
    written = service_for(g).backup(args.out)
    if args.json:
        print_json({"backup": str(written), "bytes": written.stat().st_size})
    else:
        print(f"Backed up to {written}")
    return 0


def run_restore(args: argparse.Namespace, g: Globals) -> int:
    """Check a backup, keep a safety copy of the current database, then restore it."""
    result = service_for(g).restore(args.file)
    if args.json:
        print_json(
            {
                "restored": str(result.restored_from),
                "database": str(result.database),
                "safety_copy": str(result.safety_copy) if result.safety_copy else None,
                "revision": result.revision,
                "reanonymised": list(result.reanonymised),
            }
        )
    else:
        print(f"Restored {result.restored_from} into {result.database}.")
        if result.safety_copy:
            print(f"The database as it was before is kept in {result.safety_copy}")
        if result.reanonymised:
            count = len(result.reanonymised)
            print(
                f"{count} case{'s' if count != 1 else ''} anonymised since that backup was made "
                f"{'were' if count != 1 else 'was'} anonymised again."
            )
    return 0
