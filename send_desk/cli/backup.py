"""`send-desk backup` and `send-desk restore`: signed copies of the SQLite database, checked before restoring.

`send-desk backup export-key --out FILE` and `send-desk backup import-key FILE` carry the key that signs
backups to another PC, so its backups can be restored there (admins only; both audited).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from send_desk.cli.common import Globals, desk_for, print_json
from send_desk.db.location import check_folder, resolve_database_url, sqlite_path
from send_desk.services.backup import BackupService


def register(subparsers: Any) -> None:
    """Add the backup and restore commands."""
    backup = subparsers.add_parser("backup", help="copy the database (SQLite) while it is in use, signed")
    backup.add_argument(
        "--out", type=Path, metavar="FILE", help="where to write the copy (default: the backups folder)"
    )
    backup.add_argument("--json", action="store_true")
    backup.set_defaults(handler=run_backup)
    keys = backup.add_subparsers(dest="key_command", metavar="[export-key | import-key]")
    export = keys.add_parser(
        "export-key", help="write the key that signs this PC's backups to a file, for another PC (admins)"
    )
    export.add_argument("--out", type=Path, metavar="FILE", required=True, dest="key_file")
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=run_export_key)
    imported = keys.add_parser(
        "import-key", help="trust another PC's backup key, to restore its backups here (admins)"
    )
    imported.add_argument("key_file", type=Path, metavar="FILE")
    imported.add_argument("--json", action="store_true")
    imported.set_defaults(handler=run_import_key)

    restore = subparsers.add_parser(
        "restore", help="replace the database with a backup (admins; checked first; a safety copy is kept)"
    )
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument(
        "--unsigned",
        action="store_true",
        help="restore an older backup that has no signature file (recorded in the audit)",
    )
    restore.add_argument("--json", action="store_true")
    restore.set_defaults(handler=run_restore)


def service_for(g: Globals) -> BackupService:
    """Return the backup service for the database the global options name."""
    return BackupService(resolve_database_url(g.database))


def run_backup(args: argparse.Namespace, g: Globals) -> int:
    """Write a signed backup and print where it went."""
    written = service_for(g).backup(args.out)
    if args.json:
        print_json({"backup": str(written), "bytes": written.stat().st_size})
    else:
        print(f"Backed up to {written} (signed)")
    return 0


def run_export_key(args: argparse.Namespace, g: Globals) -> int:
    """Export the backup signing key to a file."""
    desk = desk_for(g)
    try:
        done = desk.backups.export_key(args.key_file)
    finally:
        desk.close()
    if args.json:
        print_json({"key_id": done.key_id, "file": str(done.file)})
    else:
        print(
            f"The backup signing key (key {done.key_id}) is in {done.file}. Keep it as safely as the "
            "backups: anyone with it can sign a backup this desk will trust. On the other PC run "
            "'send-desk backup import-key FILE'."
        )
    return 0


def run_import_key(args: argparse.Namespace, g: Globals) -> int:
    """Trust a backup signing key exported on another PC."""
    desk = desk_for(g)
    try:
        done = desk.backups.import_key(args.key_file)
    finally:
        desk.close()
    if args.json:
        print_json({"key_id": done.key_id, "kept_in": done.kept_in})
    else:
        print(f"Backups signed with key {done.key_id} can now be restored here (kept in {done.kept_in}).")
    return 0


def run_restore(args: argparse.Namespace, g: Globals) -> int:
    """Check a backup, keep a safety copy of the current database, then restore it."""
    url = resolve_database_url(g.database)
    path = sqlite_path(url)
    if path is not None:
        check_folder(path, create=g.create)
    result = BackupService(url).restore(args.file, unsigned=args.unsigned)
    if args.json:
        print_json(
            {
                "restored": str(result.restored_from),
                "database": str(result.database),
                "safety_copy": str(result.safety_copy) if result.safety_copy else None,
                "revision": result.revision,
                "reanonymised": list(result.reanonymised),
                "signed_with": result.signed_with,
            }
        )
    else:
        print(f"Restored {result.restored_from} into {result.database}.")
        if result.signed_with is None:
            print("It had no signature; the audit records that it was restored with --unsigned.")
        if result.safety_copy:
            print(f"The database as it was before is kept in {result.safety_copy}")
        if result.reanonymised:
            count = len(result.reanonymised)
            print(
                f"{count} case{'s' if count != 1 else ''} anonymised since that backup was made "
                f"{'were' if count != 1 else 'was'} anonymised again."
            )
    return 0
