"""`send-desk export` and `send-desk import`: the case log to Excel, and a team's tracker into the desk."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from send_desk.cli.common import CliError, Globals, desk_for, iso_date, print_json
from send_desk.domain.import_words import VALUE_FIELDS
from send_desk.domain.kinds import CaseKind
from send_desk.paths import typed_path
from send_desk.reports.sheet_fields import CASE_COLUMNS, FIELD_LABELS, FIELDS, IGNORE
from send_desk.services.spreadsheets import ImportResult
from send_desk.services.tracker_import import field_for_name
from send_desk.values.cases import CaseFilter


def register(subparsers: Any) -> None:
    """Add the export and import commands."""
    export = subparsers.add_parser("export", help="export cases to an Excel workbook (.xlsx)")
    export.add_argument("--out", required=True, metavar="FILE.xlsx|FILE.csv")
    export.add_argument(
        "--csv",
        action="store_true",
        help="write CSV (UTF-8 with a BOM) for other systems; also by a .csv --out",
    )
    export.add_argument(
        "--columns",
        metavar='"Header,Header,..."',
        help="the columns to export, in order (default: the usual set)",
    )
    export.add_argument("--all-columns", action="store_true", help="export every field a case holds")
    export.add_argument(
        "--from", dest="date_from", type=iso_date, metavar="DATE", help="received on or after"
    )
    export.add_argument("--to", dest="date_to", type=iso_date, metavar="DATE", help="received on or before")
    export.add_argument("--status", choices=("open", "closed", "all"), default="all")
    export.add_argument("--kind", choices=[k.value for k in CaseKind], metavar="K")
    export.add_argument(
        "--pseudonymise", action="store_true", help="replace names, emails, phones, addresses by tokens"
    )
    export.add_argument("--json", action="store_true")
    export.set_defaults(handler=run_export)

    imp = subparsers.add_parser("import", help="import cases from an Excel tracker (.xlsx)")
    imp.add_argument("file", metavar="FILE.xlsx")
    imp.add_argument(
        "--sheet",
        action="append",
        default=[],
        metavar="NAME",
        help="a sheet to import (repeatable; hidden sheets only when named). Default: every visible "
        "sheet with the same headers",
    )
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"Header=field"',
        help=f"map a column to a field ({', '.join(FIELDS)}) or to {IGNORE}",
    )
    imp.add_argument(
        "--value",
        action="append",
        default=[],
        metavar='"Field:Their word=Desk value"',
        help='map a word of the sheet to the desk\'s, e.g. "Category:Transport=SEND transport" or '
        '"Officer:JS=jsmith" (or =unassigned); repeatable',
    )
    imp.add_argument(
        "--profile",
        metavar="NAME",
        help="use the saved import profile NAME, and save this import's choices under it",
    )
    imp.add_argument("--dry-run", action="store_true", help="check every row but write nothing")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(handler=run_import)


def parse_maps(items: list[str]) -> dict[str, str]:
    """Return header → field from repeated `--map "Header=field"` options."""
    mapping: dict[str, str] = {}
    for item in items:
        header, sep, target = item.rpartition("=")
        if not sep or not header.strip():
            raise CliError(f'--map {item!r} must look like "Header=field", e.g. "Date Rec\'d=received".')
        name = target.strip().lower().replace("-", "_") or IGNORE
        if name not in FIELDS and name != IGNORE:
            raise CliError(
                f"--map {item!r}: '{target.strip()}' is not a field; "
                f"use one of {', '.join(FIELDS)} or {IGNORE}."
            )
        mapping[header.strip()] = name
    return mapping


def parse_values(items: list[str]) -> dict[str, dict[str, str]]:
    """Return field → their word → desk word from repeated `--value "Field:Their word=Desk value"`."""
    values: dict[str, dict[str, str]] = {}
    for item in items:
        name, colon, rest = item.partition(":")
        theirs, equals, desk = rest.rpartition("=")
        if not colon or not equals or not theirs.strip() or not desk.strip():
            raise CliError(
                f'--value {item!r} must look like "Field:Their word=Desk value", '
                'e.g. "Category:Transport=SEND transport".'
            )
        field_id = field_for_name(name)
        if field_id is None or field_id not in VALUE_FIELDS:
            fields = ", ".join(f for f in VALUE_FIELDS if f in FIELDS)
            raise CliError(
                f"--value {item!r}: '{name.strip()}' is not a field with set values; use {fields}."
            )
        values.setdefault(field_id, {})[theirs.strip()] = desk.strip()
    return values


def run_export(args: argparse.Namespace, g: Globals) -> int:
    """Write the workbook and say where it is."""
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise CliError("--from must not be after --to.")
    case_filter = CaseFilter(
        status=args.status,
        kinds=(CaseKind(args.kind),) if args.kind else (),
        received_from=args.date_from,
        received_to=args.date_to,
    )
    out = typed_path(args.out).resolve()
    if args.csv and out.suffix.lower() != ".csv":
        out = out.with_name(out.name + ".csv")
    columns: list[str] | None = None
    if args.all_columns:
        columns = [column.header for column in CASE_COLUMNS]
    elif args.columns:
        columns = [part.strip() for part in args.columns.split(",") if part.strip()]
    desk = desk_for(g)
    try:
        service = desk.exports
        steps = service.export(out, case_filter, pseudonymise=args.pseudonymise, columns=columns)
        interactive = sys.stderr.isatty() and not args.json
        while True:
            try:
                progress = next(steps)
            except StopIteration as stop:
                outcome = stop.value
                break
            if interactive:
                print(f"\r{progress.text}", end="", file=sys.stderr)
        if interactive:
            print(file=sys.stderr)
    finally:
        desk.close()
    if args.json:
        print_json(
            {
                "file": str(outcome.path),
                "cases": outcome.cases,
                "pseudonymised": outcome.pseudonymised,
                "cut_cells": outcome.cut_cells,
            }
        )
    else:
        print(f"Exported {outcome.cases:,} cases to {outcome.path}")
    if outcome.cut_cells:
        print(
            f"Note: {outcome.cut_cells} value(s) were longer than a spreadsheet cell holds (32,767 "
            "characters) and were cut with a note saying so; the About sheet lists them. A --csv export "
            "keeps them whole.",
            file=sys.stderr,
        )
    return 0


def run_import(args: argparse.Namespace, g: Globals) -> int:
    """Validate the tracker and, unless --dry-run, import the accepted rows; report the rejected ones."""
    mapping = parse_maps(args.map)
    values = parse_values(args.value)
    desk = desk_for(g)
    try:
        result = desk.imports.run(
            typed_path(args.file),
            mapping,
            args.dry_run,
            sheet=args.sheet or None,
            values=values,
            profile=args.profile,
        )
    finally:
        desk.close()
    if args.json:
        print_json(result.to_json())
    else:
        print_result(result)
    return 0


def print_result(result: ImportResult) -> None:
    """Print what the import did in plain words."""
    sheets = result.sheets or [result.sheet]
    where = (
        f"sheet '{result.sheet}', headers on row {result.header_row}"
        if len(sheets) == 1
        else f"sheets {', '.join(repr(s) for s in sheets)}"
    )
    if result.dry_run:
        print(f"Dry run ({where}): {result.accepted:,} rows would be imported; nothing was written.")
    else:
        print(f"Imported {result.imported:,} cases ({where}).")
    if result.skipped_existing:
        print(f"Skipped {len(result.skipped_existing):,} rows whose reference is already on the desk:")
        for skipped in result.skipped_existing[:50]:
            print(f"  row {skipped.row}: {skipped.reference}")
    if result.rejected:
        print(f"Rejected {len(result.rejected):,} rows:")
        for rejected in result.rejected:
            at = f"'{rejected.sheet}' row {rejected.row}" if rejected.sheet else f"row {rejected.row}"
            print(f"  {at}: {'; '.join(rejected.errors)}")
    if result.unknown_values:
        print('Words the desk does not know (map each with --value "Field:Their word=Desk value"):')
        for unknown in result.unknown_values:
            hint = f" - suggested: {unknown.suggestion}" if unknown.suggestion else ""
            print(f"  {FIELD_LABELS[unknown.field]}: '{unknown.value}' ({unknown.rows:,} rows){hint}")
    if result.notes or result.contacts:
        print(f"Kept {result.notes:,} notes and {result.contacts:,} contacts on the cases' timelines.")
    if result.profile_saved:
        print(f"Saved these choices as the import profile '{result.profile}'.")
    elif result.profiles_offered:
        print(f"A saved profile fits these headers: use --profile {result.profiles_offered[0]!r}.")
    if result.ignored_columns:
        print(f"Columns left out: {', '.join(result.ignored_columns)}")
    for warning in result.warnings:
        print(f"Note: {warning}")
