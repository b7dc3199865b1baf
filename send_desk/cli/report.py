"""`send-desk report`: the weekly summary, annual complaints figures and a case print-out (PDF or JSON)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from send_desk.cli.common import (
    EARLIEST_DATE,
    LATEST_DATE,
    Globals,
    check_out_file,
    desk_for,
    print_json,
    whole_number,
)
from send_desk.domain.wording import DEFAULT_TEAM

if TYPE_CHECKING:
    from send_desk.bootstrap import Desk
    from send_desk.values.figures import WeeklySummary


def register(subparsers: Any) -> None:
    """Add the report command and its weekly, annual and case reports."""
    parser = subparsers.add_parser("report", help="print the weekly summary, annual figures or a case")
    reports = parser.add_subparsers(dest="report", metavar="REPORT", required=True, parser_class=type(parser))

    weekly = reports.add_parser("weekly", help="the weekly summary of an ISO week (default: last week)")
    weekly.add_argument("--week", metavar="YYYY-Www", help="for example 2026-W48")
    _outputs(weekly, email=True)
    weekly.set_defaults(handler=run_weekly)

    annual = reports.add_parser("annual", help="the complaints figures of a reporting year (April to March)")
    annual.add_argument(
        "--year",
        type=whole_number(LATEST_DATE.year - 1, EARLIEST_DATE.year),
        metavar="YYYY",
        help="the year it starts in (default: the last complete year)",
    )
    _outputs(annual)
    annual.set_defaults(handler=run_annual)

    case = reports.add_parser("case", help="a whole case: every field, stage, clock and the timeline")
    case.add_argument("reference", metavar="REFERENCE")
    case.add_argument("--out", required=True, type=Path, metavar="FILE.pdf")
    case.add_argument("--team", default=DEFAULT_TEAM, metavar="NAME", help="team name for the page header")
    case.set_defaults(handler=run_case)


def _outputs(parser: argparse.ArgumentParser, *, email: bool = False) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, metavar="FILE.pdf", help="write the printable PDF here")
    where.add_argument("--json", action="store_true", help="print the figures as one JSON document")
    if email:
        where.add_argument(
            "--email-to",
            nargs="+",
            metavar="ADDRESS",
            help="email the headline figures with the PDF attached, through the team's relay",
        )
    parser.add_argument("--team", default=DEFAULT_TEAM, metavar="NAME", help="team name for the page header")


def _check_out(path: Path) -> None:
    check_out_file(path, ".pdf")


def _written(path: Path, pages: int) -> None:
    print(f"Wrote {path} ({pages} page{'s' if pages != 1 else ''}).", file=sys.stderr)


def run_weekly(args: argparse.Namespace, g: Globals) -> int:
    """Print the weekly summary's figures as JSON or write it as a PDF."""
    if args.out is not None:
        _check_out(args.out)
    desk = desk_for(g)
    try:
        summary = desk.reporting.weekly_summary(args.week)
        if args.email_to:
            return _email_weekly(desk, summary, args.email_to, args.team)
    finally:
        desk.close()
    if args.json:
        print_json(summary.to_json())
        return 0
    from send_desk.app import headless_application
    from send_desk.printing import weekly_job, write_pdf

    headless_application()

    _written(args.out, write_pdf(weekly_job(summary, team=args.team), args.out))
    return 0


def _email_weekly(desk: Desk, summary: WeeklySummary, to: list[str], team: str) -> int:
    """Make the weekly PDF in a private folder, email it with the headline figures, remove it."""
    import tempfile

    from send_desk.app import headless_application
    from send_desk.printing import weekly_job, write_pdf

    headless_application()
    with tempfile.TemporaryDirectory(prefix="send-desk-weekly-") as folder:  # made readable by us only
        path = Path(folder) / "weekly.pdf"
        write_pdf(weekly_job(summary, team=team), path)
        pdf = path.read_bytes()
    desk.scheduled_mail.email_weekly(summary, pdf, to, team=team)
    print(f"Emailed the weekly summary of {summary.week} to {', '.join(to)}.")
    return 0


def run_annual(args: argparse.Namespace, g: Globals) -> int:
    """Print the annual complaints figures as JSON or write them as a PDF."""
    if args.out is not None:
        _check_out(args.out)
    desk = desk_for(g)
    try:
        figures = desk.reporting.annual_figures(args.year)
    finally:
        desk.close()
    if args.json:
        print_json(figures.to_json())
        return 0
    from send_desk.app import headless_application
    from send_desk.printing import annual_job, write_pdf

    headless_application()

    _written(args.out, write_pdf(annual_job(figures, team=args.team), args.out))
    return 0


def run_case(args: argparse.Namespace, g: Globals) -> int:
    """Write a whole case as a PDF."""
    _check_out(args.out)
    desk = desk_for(g)
    try:
        detail = desk.cases.get_by_reference(args.reference)
        ehc = desk.ehc.get(detail.id)
        documents = desk.documents.list(detail.reference)
        printed_by, printed_at = desk.reporting.generated_by(), desk.now()
    finally:
        desk.close()
    from send_desk.app import headless_application
    from send_desk.printing import case_job, write_pdf

    headless_application()

    job = case_job(
        detail, team=args.team, printed_by=printed_by, printed_at=printed_at, documents=documents, ehc=ehc
    )
    _written(args.out, write_pdf(job, args.out))
    return 0
