"""Write the case log to an .xlsx workbook, streamed: a Cases sheet, a Summary sheet and an About sheet.

The columns of the Cases sheet are `sheet_fields.CASE_COLUMNS` (header, width, cell type, the line value
each shows); this module only writes them. The writer is a generator (it yields the number of cases
written so far) over plain `CaseLine` values, so it runs in a worker thread or a test without Qt and
without a database. It uses openpyxl's write-only
mode; styled cells (dates, RAG fills, the header) are a handful of template cells reused row after row,
which keeps the export close to the speed of a bare write-only loop.

Safety: text is always text (a value starting with = + - @ is written as a string cell with a quote
prefix, never a formula) and characters XML does not allow are dropped. The workbook is written to a
hidden temporary file beside the target and renamed at the end, so a cancelled or failed export leaves
nothing behind.
"""

from __future__ import annotations

import contextlib
import csv
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from send_desk.domain.errors import SendDeskError
from send_desk.reports.sheet_fields import (
    CASE_COLUMNS,
    DEFAULT_COLUMNS,
    MAX_CELL,
    STAGE_COLUMNS,
    CaseLine,
    SheetColumn,
    stage_lines,
)
from send_desk.reports.workbook import print_setup, size_header, stream_privately
from send_desk.scratch import pending

DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0%"
FORMULA_STARTS = ("=", "+", "-", "@")
PROGRESS_EVERY = 1000
SAFE_TEXT_CACHE = 512
"""How many distinct safe texts each text column remembers, so repeated words skip the formula check."""

RAG_FILLS = {
    "overdue": PatternFill("solid", start_color="FFF4C7C3", end_color="FFF4C7C3"),
    "due-soon": PatternFill("solid", start_color="FFFCE8B2", end_color="FFFCE8B2"),
    "on-track": PatternFill("solid", start_color="FFB7E1CD", end_color="FFB7E1CD"),
    "waiting": PatternFill("solid", start_color="FFE3EEFA", end_color="FFE3EEFA"),
}
"""Fills of the due-date cells by RAG state (done targets are left plain)."""

CUT_NOTE = (
    " [… {missing:,} more characters not shown: a spreadsheet cell holds at most 32,767. The whole text is "
    "on the case in SEND Desk.]"
)
"""The note that ends a value cut to fit a cell (see `flag_long`)."""

HEADER_FILL = PatternFill("solid", start_color="FFD9D9D9", end_color="FFD9D9D9")

PERSONAL_DATA_NOTICE = (
    "This workbook contains personal data about children, young people and their families (special "
    "category data where it concerns health or special educational needs). Keep it on council systems, "
    "share it only with people who need it for their work, do not email it outside the council, and "
    "delete it when you no longer need it. Handle it under the council's data protection policy."
)
PSEUDONYMISED_NOTICE = (
    "Pseudonymised export: names, email addresses, phone numbers and addresses are replaced by tokens "
    "(HMAC-SHA256 with a random key made for this export and then thrown away), so the same person has the "
    "same token throughout this workbook but tokens cannot be matched with any other export or reversed. "
    "Summaries, descriptions, reasons and other free text, identifiers and dates of birth are left out or "
    "replaced. Pseudonymised data can still identify people when combined "
    "with other information: share it only for analysis and keep it secure."
)


class ExportError(SendDeskError):
    """Raise when the workbook cannot be written; the message says why in plain words."""

    default_message = "The export could not be written."


@dataclass(frozen=True)
class ExportAbout:
    """What the About sheet says: when, by whom, from where, with which filters."""

    exported_at: datetime
    exported_by: str
    database: str
    filters: tuple[tuple[str, str], ...] = ()
    pseudonymised: bool = False
    as_of: date | None = None


@dataclass
class _Tally:
    cases: int = 0
    open: int = 0
    ack_targets: int = 0
    acknowledged: int = 0
    ack_on_time: int = 0
    respond_targets: int = 0
    responded: int = 0
    responded_on_time: int = 0
    overdue: int = 0


@dataclass
class ExportSummary:
    """What was written: the file, the number of cases and the per kind and stage tallies."""

    path: Path
    cases: int = 0
    stages: int = 0
    tallies: dict[tuple[str, int], _Tally] = field(default_factory=dict)
    cut: list[CutCell] = field(default_factory=list)
    """Values longer than a cell holds, cut with a note in the cell and listed on the About sheet."""


def clean_text(value: str) -> str:
    """Return text with the characters XML forbids (control characters pasted from email) removed."""
    if value.isprintable():
        return value
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def text_cell(sheet: Any, value: str) -> str | Cell:
    """Return text for a write-only row: plain, or a quote-prefixed string cell if it looks like a formula."""
    value = clean_text(value)
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet)
    cell.value = value
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _date_cell(sheet: Any, fill: PatternFill | None) -> Cell:
    cell = WriteOnlyCell(sheet)
    cell.number_format = DATE_FORMAT
    if fill is not None:
        cell.fill = fill
    return cell


def _cell_maker(sheet: Any, column: SheetColumn, cut: list[CutCell] | None = None) -> Callable[[Any], Any]:
    """Return how one column turns a line into its cell (styled cells are templates reused row after row).

    Text longer than a cell holds is cut with a note saying so, and recorded in `cut`, never silently.
    """
    get = attrgetter(column.name)
    show = column.show
    read: Callable[[Any], Any] = get if show is None else (lambda line: show(get(line)))
    if column.kind == "date":
        plain = _date_cell(sheet, None)
        rag = column.rag
        if rag is None:

            def dated(line: Any) -> Cell | None:
                value = read(line)
                if value is None:
                    return None
                plain.value = value  # one template cell: the writer appends the row before its next use
                return plain

            return dated
        fills = {state: _date_cell(sheet, fill) for state, fill in RAG_FILLS.items()}

        def shaded(line: Any) -> Cell | None:
            value = read(line)
            if value is None:
                return None
            cell = fills.get(rag(line) or "", plain)
            cell.value = value
            return cell

        return shaded
    if column.kind == "number":
        return read

    seen: set[str] = set()  # values already found safe (labels, categories, officers repeat)

    def text(line: Any) -> Any:
        value = read(line)
        if not value:
            return None
        if value in seen:
            return value
        if len(value) > MAX_CELL:
            value = flag_long(value)
            if cut is not None:
                cut.append(CutCell(getattr(line, "reference", ""), column.header, len(read(line))))
        cell = text_cell(sheet, value)
        if cell is value and len(seen) < SAFE_TEXT_CACHE:
            seen.add(value)
        return cell

    return text


@dataclass(frozen=True)
class CutCell:
    """A value longer than a spreadsheet cell holds: where it is and how long it was."""

    reference: str
    header: str
    length: int


def flag_long(value: str) -> str:
    """Return a value cut to fit a cell, ending with a note that says how much is missing and where it is."""
    keep = MAX_CELL - len(CUT_NOTE.format(missing=len(value)))
    keep = MAX_CELL - len(CUT_NOTE.format(missing=len(value) - keep))  # the note may be a digit shorter
    return value[:keep] + CUT_NOTE.format(missing=len(value) - keep)


def _header_cells(sheet: Any, headers: Sequence[str]) -> list[Cell]:
    cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
        cells.append(cell)
    return cells


def _temporary_beside(out: Path) -> Path:
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist. Choose another place to save the export.")
    try:
        handle, name = tempfile.mkstemp(
            prefix=".~" + out.stem[:40] + "-", suffix=".xlsx.part", dir=out.parent
        )
    except OSError as exc:
        raise ExportError(
            f"The export cannot be saved in {out.parent} ({exc.strerror or exc}). Choose another folder."
        ) from None
    os.close(handle)
    return Path(name)


def write_cases_xlsx(
    out: Path,
    lines: Iterable[CaseLine],
    about: ExportAbout,
    *,
    progress_every: int = PROGRESS_EVERY,
    columns: Sequence[SheetColumn] = DEFAULT_COLUMNS,
) -> Generator[int, None, ExportSummary]:
    """Write the workbook to `out`, yielding the cases written so far; return what was written.

    Sheets: Cases (the chosen `columns`, in order), Stages (one row per stage of each case, for pivot
    tables), Summary and About, each set up to print. Nothing appears at `out` until the whole workbook is
    saved; closing the generator early (cancel) or an error removes the temporary files.
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"{out.name} does not end in .xlsx; an export is an Excel workbook (.xlsx).")
    columns = tuple(columns) or DEFAULT_COLUMNS
    workbook = Workbook(write_only=True)
    summary = ExportSummary(path=out)
    tallies: dict[tuple[str, int], _Tally] = defaultdict(_Tally)
    saved = False
    with _beside(out) as temporary:
        try:
            sheet = workbook.create_sheet("Cases")
            sheet.freeze_panes = "A2"
            size_header(sheet, [c.header for c in columns], [c.width for c in columns])
            print_setup(sheet)
            stream_privately(sheet)
            sheet.append(_header_cells(sheet, [c.header for c in columns]))
            stages = workbook.create_sheet("Stages")
            stages.freeze_panes = "A2"
            size_header(stages, [c.header for c in STAGE_COLUMNS], [c.width for c in STAGE_COLUMNS])
            print_setup(stages)
            stream_privately(stages)
            stages.append(_header_cells(stages, [c.header for c in STAGE_COLUMNS]))
            makers = [_cell_maker(sheet, column, summary.cut) for column in columns]
            stage_makers = [_cell_maker(stages, column, summary.cut) for column in STAGE_COLUMNS]
            written = stage_rows = 0
            for line in lines:
                sheet.append([make(line) for make in makers])
                for stage_line in stage_lines(line):
                    stages.append([make(stage_line) for make in stage_makers])
                    stage_rows += 1
                _tally(tallies[(line.kind, line.stage)], line)
                written += 1
                if written % progress_every == 0:
                    yield written
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{written + 1}"
            stages.auto_filter.ref = f"A1:{get_column_letter(len(STAGE_COLUMNS))}{stage_rows + 1}"
            summary.cases = written
            summary.stages = stage_rows
            summary.tallies = dict(tallies)
            _write_summary(workbook, summary, about)
            _write_about(workbook, summary, about)
            try:
                workbook.save(temporary)
                os.replace(temporary, out)
            except OSError as exc:
                raise ExportError(
                    f"The export could not be saved as {out} ({exc.strerror or exc}). If the file is open "
                    "in Excel, close it and try again."
                ) from None
            saved = True
            yield written
            return summary
        finally:
            if not saved:
                _discard(workbook, temporary)


@contextlib.contextmanager
def _beside(out: Path) -> Iterator[Path]:
    """Yield a hidden `.part` file beside `out`, noted in the private folder until the block ends."""
    temporary = _temporary_beside(out)
    with pending(temporary):
        try:
            yield temporary
        finally:
            with contextlib.suppress(OSError):
                if temporary.exists():
                    temporary.unlink()


def write_cases_csv(
    out: Path,
    lines: Iterable[CaseLine],
    *,
    progress_every: int = PROGRESS_EVERY,
    columns: Sequence[SheetColumn] = DEFAULT_COLUMNS,
) -> Generator[int, None, ExportSummary]:
    """Write the chosen columns as CSV for other systems: UTF-8 with a BOM (Excel reads accents), ISO dates.

    Text that a spreadsheet would run as a formula (starting with = + - @) gets a leading apostrophe. A CSV
    cell has no length limit, so nothing is cut. Written beside the target and renamed when whole.
    """
    out = Path(out)
    if out.suffix.lower() != ".csv":
        raise ExportError(f"{out.name} does not end in .csv.")
    columns = tuple(columns) or DEFAULT_COLUMNS
    summary = ExportSummary(path=out)
    getters = [_csv_getter(column) for column in columns]
    with _beside(out) as temporary:
        try:
            with open(temporary, "w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow([column.header for column in columns])
                written = 0
                for line in lines:
                    writer.writerow([get(line) for get in getters])
                    written += 1
                    if written % progress_every == 0:
                        yield written
            os.replace(temporary, out)
        except OSError as exc:
            raise ExportError(
                f"The export could not be saved as {out} ({exc.strerror or exc}). If the file is open, "
                "close it and try again."
            ) from None
    summary.cases = written
    yield written
    return summary


def _csv_getter(column: SheetColumn) -> Callable[[CaseLine], Any]:
    def get(line: CaseLine) -> Any:
        value = column.value(line)
        if value is None:
            return ""
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, str):
            value = clean_text(value)
            return "'" + value if value.startswith(FORMULA_STARTS) else value
        return value

    return get


def _discard(workbook: Workbook, temporary: Path) -> None:
    """Remove the partial file and openpyxl's own temporary sheet files."""
    for sheet in workbook.worksheets:
        rows = getattr(sheet, "_rows", None)
        if rows is not None:
            with contextlib.suppress(Exception):
                rows.close()
        writer = getattr(sheet, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(Exception):
            writer.cleanup()
    with contextlib.suppress(OSError):
        temporary.unlink()


def _tally(t: _Tally, line: CaseLine) -> None:
    t.cases += 1
    if line.status == "Open":
        t.open += 1
    if line.acknowledge_by is not None:
        t.ack_targets += 1
        if line.acknowledged is not None:
            t.acknowledged += 1
            if line.acknowledged <= line.acknowledge_by:
                t.ack_on_time += 1
    if line.respond_by is not None:
        t.respond_targets += 1
        if line.responded is not None:
            t.responded += 1
            if line.within_target:
                t.responded_on_time += 1
    if line.state == "Overdue":
        t.overdue += 1


def _percent(numerator: int, denominator: int) -> float | None:
    return None if denominator == 0 else numerator / denominator


def _working(numerator: int, denominator: int) -> str:
    if denominator == 0:
        return "0 of 0"
    return f"{numerator} of {denominator}"


SUMMARY_HEADERS = (
    "Kind",
    "Stage",
    "Cases",
    "Open",
    "Overdue now",
    "Acknowledged",
    "Acknowledged within target",
    "% acknowledged within target",
    "Acknowledgement working",
    "Responded",
    "Responded within target",
    "% responded within target",
    "Response working",
)


def _write_summary(workbook: Workbook, summary: ExportSummary, about: ExportAbout) -> None:
    sheet = workbook.create_sheet("Summary")
    sheet.freeze_panes = "A2"
    size_header(sheet, SUMMARY_HEADERS, (24, 7, 9, 9, 11, 13, 14, 14, 16, 11, 14, 14, 16))
    print_setup(sheet)
    stream_privately(sheet)
    sheet.append(_header_cells(sheet, SUMMARY_HEADERS))
    total = _Tally()
    for (kind, stage), t in sorted(summary.tallies.items()):
        _summary_row(sheet, kind, stage, t)
        for name in vars(total):
            setattr(total, name, getattr(total, name) + getattr(t, name))
    _summary_row(sheet, "All exported cases", None, total, bold=True)
    sheet.append([])
    sheet.append(
        [
            "Within target: a target met on or before its due date (the response date includes any "
            "extension). Percentages are of the targets that have been done: numerator and denominator "
            "are shown beside them."
        ]
    )
    if about.as_of is not None:
        sheet.append([f"Open and overdue counts are as of {about.as_of:%d/%m/%Y}."])


def _summary_row(sheet: Any, kind: str, stage: int | None, t: _Tally, *, bold: bool = False) -> None:
    values: list[Any] = [
        kind,
        stage,
        t.cases,
        t.open,
        t.overdue,
        t.acknowledged,
        t.ack_on_time,
        _percent(t.ack_on_time, t.acknowledged),
        _working(t.ack_on_time, t.acknowledged),
        t.responded,
        t.responded_on_time,
        _percent(t.responded_on_time, t.responded),
        _working(t.responded_on_time, t.responded),
    ]
    row: list[Any] = []
    for index, value in enumerate(values):
        if value is None:
            row.append(None)
            continue
        cell = WriteOnlyCell(sheet, value=value)
        if index in (7, 11):
            cell.number_format = PERCENT_FORMAT
        if bold:
            cell.font = Font(bold=True)
        row.append(cell)
    sheet.append(row)


def _write_about(workbook: Workbook, summary: ExportSummary, about: ExportAbout) -> None:
    sheet = workbook.create_sheet("About")
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    print_setup(sheet, header_rows=0)
    stream_privately(sheet)
    bold = Font(bold=True)

    def line(label: str, value: Any, number_format: str | None = None) -> None:
        key = WriteOnlyCell(sheet, value=label)
        key.font = bold
        if isinstance(value, str):
            cell: Any = text_cell(sheet, value)
            if isinstance(cell, str):
                cell = WriteOnlyCell(sheet, value=cell)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        else:
            cell = WriteOnlyCell(sheet, value=value)
            if number_format:
                cell.number_format = number_format
        sheet.append([key, cell])

    line(
        "SEND Desk export",
        "The case log, one row per case (sheet Cases), one row per stage of each case (sheet Stages, for "
        "pivot tables), with a summary (sheet Summary).",
    )
    line("Exported on", about.exported_at.replace(tzinfo=None), "dd/mm/yyyy hh:mm")
    line("Exported by", about.exported_by)
    line("Database", about.database)
    line("Cases exported", summary.cases)
    if about.filters:
        for name, value in about.filters:
            line(f"Filter: {name}", value)
    else:
        line("Filters", "None: every case.")
    line("Pseudonymised", "Yes" if about.pseudonymised else "No")
    if summary.cut:
        line(
            "Cells cut",
            f"{len(summary.cut)} value(s) were longer than the 32,767 characters a spreadsheet cell holds. "
            "Each is cut with a note at its end saying how many characters are missing; the whole text "
            "is on the case in SEND Desk (a CSV export keeps it whole).",
        )
        for cut in summary.cut[:1000]:
            line(f"Cut: {cut.reference}", f"{cut.header}: {cut.length:,} characters")
    line("Personal data", PSEUDONYMISED_NOTICE if about.pseudonymised else PERSONAL_DATA_NOTICE)
    line(
        "Colours",
        "Due dates are shaded by their state on the day of export: red overdue, amber due soon (within "
        "the working days its kind's target policy sets, two unless changed), green on track, blue waiting "
        "for the requester (the clock is stopped); the State column says the same in words.",
    )


def save_beside(workbook: Workbook, out: Path) -> None:
    """Save a workbook as `out` through a `.part` file beside it (noted for the next start's clean-up)."""
    out = Path(out)
    saved = False
    with _beside(out) as temporary:
        try:
            workbook.save(temporary)
            os.replace(temporary, out)
            saved = True
        except OSError as exc:
            raise ExportError(
                f"The file could not be saved as {out} ({exc.strerror or exc}). If it is open in Excel, "
                "close it and try again."
            ) from None
        finally:
            if not saved:
                _discard(workbook, temporary)


def private_sheet(
    workbook: Workbook, title: str, headers: Sequence[str], widths: Sequence[float] = ()
) -> Any:
    """Return a new write-only sheet streamed privately, set up to print, with its bold header row."""
    sheet = workbook.create_sheet(title)
    sheet.freeze_panes = "A2"
    size_header(sheet, headers, list(widths) or [20] * len(headers))
    print_setup(sheet)
    stream_privately(sheet)
    sheet.append(_header_cells(sheet, headers))
    return sheet


def write_rows_xlsx(out: Path, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Write one sheet of rows (formula-safe text) to `out`; return how many rows were written."""
    workbook = Workbook(write_only=True)
    sheet = private_sheet(workbook, title, headers, [20] * len(headers))
    count = 0
    for row in rows:
        sheet.append([text_cell(sheet, v) if isinstance(v, str) else v for v in row])
        count += 1
    save_beside(workbook, out)
    return count


__all__ = [
    "CASE_COLUMNS",
    "DEFAULT_COLUMNS",
    "ExportAbout",
    "ExportError",
    "write_cases_csv",
    "write_cases_xlsx",
]
