"""Read a team's Excel tracker (or our own export): find the header rows, map columns, parse every row.

Opening checks the file first so a person gets a plain reason instead of a traceback: not a spreadsheet,
an old .xls, a password-protected workbook, an empty one, a shared-strings table out of proportion to
its sheets. The workbook is opened once (`TrackerBook`) for the layout and the rows. Sheets are read
whole with python-calamine when they are small enough to hold, else streamed by openpyxl's read-only
reader; formulas are read as the values Excel last calculated. Named sheets are read (hidden ones too);
otherwise every visible sheet with the same headers. Reading stops with a clear message past `MAX_ROWS`
cases, or after `MAX_BLANK_RUN` blank rows in a row (sheets that claim 1,048,576 rows because a whole
column was formatted). Columns beyond the desk's fields are kept (`ExtraColumn`); the value fields'
words are counted and mapped to the desk's before parsing.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from send_desk.domain.errors import SendDeskError
from send_desk.domain.import_words import VALUE_FIELDS, dates_note, fold, is_contact_header, is_note_header
from send_desk.reports.sheet_fields import (
    CASE_COLUMNS,
    FIELDS,
    ParsedRow,
    guess_mapping,
    normalise_header,
    parse_row,
)

HEADER_SEARCH_ROWS = 20
MIN_RECOGNISED_HEADERS = 3
MAX_ROWS = 200_000
MAX_BLANK_RUN = 10_000
WORKED_OUT_HEADERS = frozenset(normalise_header(c.header) for c in CASE_COLUMNS if c.field is None)
"""Our export's columns the desk works out (due dates, RAG, state): recomputed, never kept as text."""
PREVIEW_ROWS = 10
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTION_MARK = "EncryptionInfo".encode("utf-16-le")


class SpreadsheetError(SendDeskError):
    """Raise when a file cannot be imported at all; the message says why in plain words."""

    default_message = "The spreadsheet could not be read."


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_file(path: Path) -> None:
    """Raise SpreadsheetError unless `path` looks like an .xlsx workbook that can be opened."""
    name = path.name
    if not path.exists():
        raise SpreadsheetError(f"There is no file called {name} at {path.parent}.")
    if path.is_dir():
        raise SpreadsheetError(f"{name} is a folder, not a spreadsheet.")
    size = path.stat().st_size
    if size == 0:
        raise SpreadsheetError(f"{name} is empty (0 bytes); it is not a spreadsheet.")
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(OLE_MAGIC):
            handle.seek(0)
            body = handle.read(min(size, 64 * 1024 * 1024))
            if ENCRYPTION_MARK in body:
                raise SpreadsheetError(
                    f"{name} is protected with a password. Open it in Excel, remove the password "
                    "(File ▸ Info ▸ Protect Workbook ▸ Encrypt with Password), save it and import it again."
                )
            raise SpreadsheetError(
                f"{name} is an old-style Excel file (.xls). Open it in Excel and save it as an Excel "
                "Workbook (.xlsx), then import that."
            )
    if not head.startswith(ZIP_MAGIC) or not zipfile.is_zipfile(path):
        raise SpreadsheetError(
            f"{name} is not an Excel workbook. Save the tracker from Excel as an .xlsx file and import that."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SpreadsheetError(f"{name} is damaged and cannot be opened ({exc}).") from None
    if "xl/workbook.xml" not in names:
        if "word/document.xml" in names:
            raise SpreadsheetError(f"{name} is a Word document, not a spreadsheet.")
        raise SpreadsheetError(
            f"{name} is not an Excel workbook. Save the tracker from Excel as an .xlsx file and import that."
        )


class _SizedFromHeader(ReadOnlyWorksheet):  # type: ignore[misc]
    """A read-only sheet that takes its size from the <dimension> element before the rows, or none.

    openpyxl's own looks for <dimension> by parsing until the end of <sheetData>, so a sheet without one
    (every file openpyxl writes in write-only mode, such as our export) is parsed in full on opening,
    once for each sheet and each opening; the importer resets the dimensions and streams rows anyway.
    """

    def _get_size(self) -> None:
        with self._get_source() as source:
            for _event, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    dimension = SheetDimension.from_tree(element)
                    self._min_column, self._min_row, self._max_column, self._max_row = dimension.boundaries
                    return
                if element.tag == DATA_TAG:
                    return


class _ReadOnlyReader(ExcelReader):  # type: ignore[misc]
    """openpyxl's read-only workbook reader, with sheets that do not scan every row to find their size."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            ws = _SizedFromHeader(self.wb, sheet.name, rel.target, self.shared_strings)
            ws.sheet_state = sheet.state
            self.wb._sheets.append(ws)


def load_read_only(path: Path) -> Workbook:
    """Open a workbook the way `openpyxl.load_workbook(read_only=True, data_only=True)` does, faster."""
    reader = _ReadOnlyReader(path, read_only=True, data_only=True)
    reader.read()
    workbook: Workbook = reader.wb
    return workbook


# ----- reading the workbook once ------------------------------------------------------------------
SHARED_STRINGS_MIN_CELL_BYTES = 20
"""The fewest bytes of sheet XML a cell that uses a shared string takes (`<c r="A1" t="s"><v>0</v></c>`)."""
SHARED_STRINGS_SLACK = 10_000
CALAMINE_MAX_SHEET_BYTES = 96 * 1024 * 1024
"""Above this much sheet XML (uncompressed) the whole-sheet reader would hold too much: stream instead."""
_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")


def _worksheet_parts(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [
        info
        for info in archive.infolist()
        if info.filename.lower().startswith("xl/worksheets/") and info.filename.lower().endswith(".xml")
    ]


def check_shared_strings(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a shared-strings table larger than the sheets could ever use, before anything parses it.

    Every shared string a sheet uses is named by a cell, and a cell takes at least 20 bytes of sheet XML,
    so a table with more strings than that (a 68 KB file listing a million strings) is malformed or made
    to stall the import. The strings are counted as the part is unpacked, stopping at the limit.
    """
    part = next((i for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")), None)
    if part is None:
        return
    sheet_bytes = sum(info.file_size for info in _worksheet_parts(archive))
    limit = sheet_bytes // SHARED_STRINGS_MIN_CELL_BYTES + SHARED_STRINGS_SLACK
    byte_limit = sheet_bytes * 64 + 16 * 1024 * 1024
    count = 0
    read = 0
    tail = b""
    with archive.open(part) as handle:
        while chunk := handle.read(1024 * 1024):
            read += len(chunk)
            data = tail + chunk
            count += len(_SI.findall(data))
            tail = data[-16:]
            count -= len(_SI.findall(tail))  # counted again with the next chunk
            if count > limit or read > byte_limit:
                raise SpreadsheetError(
                    f"{path.name} lists more shared text values ({count:,} or more) than its sheets could "
                    f"use (at most {limit:,}). The file is damaged or was built to stall the import, so it "
                    "was not read. Open it in Excel, save it again as .xlsx and import that."
                )


class TrackerBook:
    """A workbook opened once for an import: its sheets, which are visible, and their rows.

    Sheets are read with python-calamine (a whole sheet at a time, fast) when the sheets' XML is small
    enough to hold, and streamed with openpyxl's read-only reader above that, so memory stays bounded.
    """

    def __init__(self, path: Path, *, stream: bool | None = None) -> None:
        """Check and open `path`; `stream` forces (True) or forbids (False) the streaming reader."""
        self.path = Path(path)
        check_file(self.path)
        try:
            with zipfile.ZipFile(self.path) as archive:
                check_shared_strings(self.path, archive)
                sheet_bytes = sum(info.file_size for info in _worksheet_parts(archive))
        except SpreadsheetError:
            raise
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise SpreadsheetError(f"{self.path.name} is damaged and cannot be opened ({exc}).") from None
        self.streaming = sheet_bytes > CALAMINE_MAX_SHEET_BYTES if stream is None else stream
        self._calamine: Any = None
        self._openpyxl: Workbook | None = None
        self._loaded: dict[str, Any] = {}
        try:
            if self.streaming:
                self._openpyxl = load_read_only(self.path)
                self.sheet_names = tuple(self._openpyxl.sheetnames)
                self._visible = {
                    ws.title: getattr(ws, "sheet_state", "visible") == "visible"
                    for ws in self._openpyxl.worksheets
                }
            else:
                self._calamine = CalamineWorkbook.from_path(str(self.path))
                sheets = [m for m in self._calamine.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
                self.sheet_names = tuple(m.name for m in sheets)
                self._visible = {m.name: m.visible == SheetVisibleEnum.Visible for m in sheets}
        except SpreadsheetError:
            raise
        except Exception as exc:  # both readers raise many types for damaged files
            self.close()
            raise _damaged(self.path, exc) from None

    def visible(self, name: str) -> bool:
        """Tell whether a sheet is shown in Excel (not hidden or very hidden)."""
        return self._visible.get(name, False)

    def estimated_rows(self, name: str) -> int:
        """Return how many rows the sheet says it has (0 when it does not say)."""
        if self._openpyxl is not None:
            try:
                return int(self._openpyxl[name].max_row or 0)
            except (TypeError, ValueError, KeyError):
                return 0
        sheet = self._sheet(name)
        start = sheet.start
        return int(sheet.height + (start[0] if start else 0))

    def _sheet(self, name: str) -> Any:
        found = self._loaded.get(name)
        if found is None:
            try:
                found = self._loaded[name] = self._calamine.get_sheet_by_name(name)
            except Exception as exc:
                raise SpreadsheetError(
                    f"The sheet '{name}' could not be read ({type(exc).__name__}); it may be damaged."
                ) from None
        return found

    def release(self, name: str) -> None:
        """Let go of a sheet read whole (its rows are done with)."""
        self._loaded.pop(name, None)

    def rows(self, name: str, min_row: int = 1) -> Iterator[tuple[int, Sequence[Any]]]:
        """Yield (sheet row number, cell values) from `min_row` on; blank cells are None or ""."""
        if self._openpyxl is not None:
            ws = self._openpyxl[name]
            ws.reset_dimensions()
            number = min_row - 1
            iterator = ws.iter_rows(min_row=min_row, values_only=True)
            while True:
                try:
                    row = next(iterator)
                except StopIteration:
                    return
                except Exception as exc:
                    raise SpreadsheetError(
                        f"The sheet '{name}' could not be read after row {number} "
                        f"({type(exc).__name__}); it may be damaged."
                    ) from None
                number += 1
                yield number, row
        sheet = self._sheet(name)
        start = sheet.start
        if start is None:
            return
        first, pad = start[0] + 1, (None,) * start[1]
        skip = max(0, min_row - first)
        try:
            for number, row in enumerate(sheet.iter_rows(), start=first):
                if skip:
                    skip -= 1
                    continue
                yield number, (pad + tuple(row)) if pad else row
        except Exception as exc:
            raise SpreadsheetError(
                f"The sheet '{name}' could not be read ({type(exc).__name__}); it may be damaged."
            ) from None

    def close(self) -> None:
        """Close the file."""
        self._loaded.clear()
        if self._openpyxl is not None:
            self._openpyxl.close()
            self._openpyxl = None
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None

    def __enter__(self) -> TrackerBook:
        """Use the book in a with block."""
        return self

    def __exit__(self, *exc: object) -> None:
        """Close the book."""
        self.close()


def _damaged(path: Path, exc: BaseException) -> SpreadsheetError:
    return SpreadsheetError(
        f"{path.name} could not be opened as a spreadsheet ({type(exc).__name__}: "
        f"{str(exc).splitlines()[0] if str(exc) else 'damaged file'}). Open it in Excel, save it again "
        "as .xlsx and retry."
    )


def cell_display(value: Any) -> str:
    """Return a cell as a person reads it in a preview."""
    text = cell_text(value)
    return text if len(text) <= 200 else text[:199] + "…"


def cell_text(value: Any) -> str:
    """Return a cell as text in full (dates as dd/mm/yyyy, whole numbers without ".0")."""
    if value is None:
        return ""
    if isinstance(value, datetime) and (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


ExtraRole = Literal["note", "contact", "description"]


@dataclass(frozen=True)
class ExtraColumn:
    """A column beyond the desk's fields, kept: as timeline notes, as a contact, or in the description.

    `date_index` is the column holding the notes' dates, where the sheet has one ("Update" / "Update date").
    """

    index: int
    header: str
    role: ExtraRole
    date_index: int | None = None


@dataclass(frozen=True)
class SheetPart:
    """One sheet of the import: its name, header row and the rows it says it has under that."""

    sheet: str
    header_row: int
    estimated_rows: int = 0


@dataclass(frozen=True)
class SheetLayout:
    """Where the data is: the sheets, their header row, the headers and the column → field mapping."""

    sheet_names: tuple[str, ...]
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: dict[int, str | None]
    preview: tuple[tuple[str, ...], ...] = ()
    estimated_rows: int = 0
    parts: tuple[SheetPart, ...] = ()
    extras: tuple[ExtraColumn, ...] = ()
    skipped_sheets: tuple[str, ...] = ()
    hidden_sheets: tuple[str, ...] = ()

    def fields(self) -> dict[str, str]:
        """Return field → header for the mapped columns."""
        return {f: self.headers[i] for i, f in self.mapping.items() if f is not None}

    def unmapped(self) -> list[str]:
        """Return the non-empty headers left out of the import (neither a field nor kept otherwise)."""
        kept = {extra.index for extra in self.extras} | {
            extra.date_index for extra in self.extras if extra.date_index is not None
        }
        return [h for i, h in enumerate(self.headers) if h and self.mapping.get(i) is None and i not in kept]

    def sheets(self) -> tuple[SheetPart, ...]:
        """Return the sheets read, in order (the one sheet for a layout made by hand)."""
        return self.parts or (SheetPart(self.sheet, self.header_row, self.estimated_rows),)

    def with_mapping(self, mapping: dict[int, str | None], ignored: Iterable[int] = ()) -> SheetLayout:
        """Return the layout with a new column mapping, the other columns kept as extras again."""
        return replace(self, mapping=mapping, extras=extra_columns(self.headers, mapping, set(ignored)))


def extra_columns(
    headers: Sequence[str], mapping: Mapping[int, str | None], ignored: set[int] | None = None
) -> tuple[ExtraColumn, ...]:
    """Say how each column beyond the desk's fields is kept (columns in `ignored` are left out)."""
    free = [i for i, h in enumerate(headers) if h and mapping.get(i) is None and i not in (ignored or set())]
    notes = [i for i in free if is_note_header(headers[i])]
    dated: dict[int, int] = {}
    for note in notes:
        for other in free:
            if (
                other not in notes
                and other not in dated.values()
                and dates_note(headers[other], headers[note])
            ):
                dated[note] = other
                break
    extras: list[ExtraColumn] = []
    for index in free:
        if index in dated.values():
            continue
        if index in notes:
            extras.append(ExtraColumn(index, headers[index], "note", dated.get(index)))
        elif is_contact_header(headers[index]):
            extras.append(ExtraColumn(index, headers[index], "contact"))
        else:
            extras.append(ExtraColumn(index, headers[index], "description"))
    return tuple(extras)


def _find_header(
    book: TrackerBook, name: str, overrides: Mapping[str, str] | None
) -> tuple[int, tuple[str, ...], list[tuple[str, ...]], bool]:
    """Return (header row or 0, headers, preview rows, whether anything was seen) for one sheet."""
    header_row = 0
    headers: tuple[str, ...] = ()
    preview: list[tuple[str, ...]] = []
    seen_any = False
    for index, row in book.rows(name):
        if header_row:
            if not all(_is_blank(v) for v in row):
                preview.append(tuple(cell_display(v) for v in row[: len(headers)]))
            if len(preview) >= PREVIEW_ROWS or index > header_row + 200:
                break
            continue
        if index > HEADER_SEARCH_ROWS:
            break
        texts = tuple("" if v is None else " ".join(str(v).split())[:200] for v in row)
        seen_any = seen_any or any(texts)
        mapping = guess_mapping(texts, overrides)
        if sum(1 for f in mapping.values() if f is not None) >= MIN_RECOGNISED_HEADERS:
            while texts and not texts[-1]:
                texts = texts[:-1]
            header_row, headers = index, texts
    return header_row, headers, preview, seen_any


def _named_sheets(book: TrackerBook, sheets: Sequence[str], path: Path) -> list[str]:
    chosen: list[str] = []
    for wanted in sheets:
        match = next((n for n in book.sheet_names if n.strip().lower() == wanted.strip().lower()), None)
        if match is None:
            raise SpreadsheetError(
                f"{path.name} has no sheet called '{wanted}'. Its sheets are: {', '.join(book.sheet_names)}."
            )
        if match not in chosen:
            chosen.append(match)
    return chosen


def _fold_headers(headers: Sequence[str]) -> tuple[str, ...]:
    return tuple(normalise_header(h) for h in headers)


def layout_of(
    book: TrackerBook,
    *,
    sheets: Sequence[str] = (),
    overrides: Mapping[str, str] | None = None,
    ignored: Iterable[str] = (),
) -> SheetLayout:
    """Find the sheets to read and their header rows in an open book, and map the columns.

    Named sheets are read whatever they are (hidden ones too) and must share their headers. With none
    named: our own export's Cases sheet, or every visible sheet whose headers match the first visible
    sheet with a header row (one sheet per year). Hidden sheets are never read unless named.
    """
    path = book.path
    if not book.sheet_names:
        raise SpreadsheetError(f"{path.name} has no sheets.")
    hidden = tuple(n for n in book.sheet_names if not book.visible(n))
    named = _named_sheets(book, sheets, path)
    if named:
        candidates = named
    else:
        visible = [n for n in book.sheet_names if book.visible(n)]
        if not visible:
            raise SpreadsheetError(
                f"Every sheet in {path.name} is hidden. Name the sheet to import with --sheet "
                f"(its sheets are: {', '.join(book.sheet_names)})."
            )
        candidates = ["Cases"] if "Cases" in visible else visible
    found: list[tuple[str, int, tuple[str, ...], list[tuple[str, ...]]]] = []
    skipped: list[str] = []
    first_error: SpreadsheetError | None = None
    for name in candidates:
        header_row, headers, preview, seen_any = _find_header(book, name, overrides)
        if not header_row:
            error = _no_header(name, path, seen_any)
            if named:
                raise error
            first_error = first_error or error
            skipped.append(f"'{name}' has no header row")
            continue
        if found and _fold_headers(headers) != _fold_headers(found[0][2]):
            if named:
                raise SpreadsheetError(
                    f"The sheets '{found[0][0]}' and '{name}' have different headers, so they cannot be "
                    "imported together. Import them one at a time with --sheet."
                )
            skipped.append(f"'{name}' has other headers")
            continue
        found.append((name, header_row, headers, preview))
    if not found:
        assert first_error is not None
        raise first_error
    name, header_row, headers, preview = found[0]
    mapping = guess_mapping(headers, overrides)
    left_out = {normalise_header(h) for h in ignored}
    if name == "Cases" and "About" in book.sheet_names:  # our own export: its worked-out columns
        left_out |= WORKED_OUT_HEADERS
    ignored_columns = {i for i, h in enumerate(headers) if normalise_header(h) in left_out}
    parts = tuple(
        SheetPart(sheet, row, max(0, book.estimated_rows(sheet) - row)) for sheet, row, _h, _p in found
    )
    return SheetLayout(
        sheet_names=book.sheet_names,
        sheet=name,
        header_row=header_row,
        headers=headers,
        mapping=mapping,
        preview=tuple(preview),
        estimated_rows=sum(part.estimated_rows for part in parts),
        parts=parts,
        extras=extra_columns(headers, mapping, ignored_columns),
        skipped_sheets=tuple(skipped),
        hidden_sheets=hidden,
    )


def _no_header(name: str, path: Path, seen_any: bool) -> SpreadsheetError:
    if not seen_any:
        return SpreadsheetError(f"The sheet '{name}' in {path.name} is empty.")
    return SpreadsheetError(
        f"No header row was found in the first {HEADER_SEARCH_ROWS} rows of the sheet '{name}'. "
        "The importer looks for a row naming at least three columns such as Reference, Kind, "
        "Received, Contact, Child, Category, Acknowledged, Responded or Outcome. Rename the headers, "
        'or name the columns with --map "Header=field".'
    )


def read_layout(
    path: Path,
    *,
    sheet: str | Sequence[str] | None = None,
    overrides: Mapping[str, str] | None = None,
    ignored: Iterable[str] = (),
) -> SheetLayout:
    """Open the workbook and return its layout (see `layout_of`)."""
    sheets = () if sheet is None else (sheet,) if isinstance(sheet, str) else tuple(sheet)
    with TrackerBook(Path(path)) as book:
        return layout_of(book, sheets=sheets, overrides=overrides, ignored=ignored)


def value_key(value: Any) -> str:
    """Return a cell value folded for the value map ("Cllr." and "cllr" are one word)."""
    return fold(cell_text(value))


@dataclass
class TrackerReader:
    """Read the data rows under the header rows as parsed rows, counting blanks and scanned rows.

    `values` maps a field's folded word to the desk's word written in its place before the row is
    parsed (field → word → desk word); `seen` counts each distinct value of the value fields.
    """

    path: Path
    layout: SheetLayout
    today: date
    max_rows: int = MAX_ROWS
    blank_rows: int = 0
    data_rows: int = 0
    last_row: int = 0
    warnings: list[str] = field(default_factory=list)
    book: TrackerBook | None = None
    values: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    seen: dict[str, dict[str, list[Any]]] = field(default_factory=dict)

    def rows(self) -> Iterator[ParsedRow]:
        """Yield every non-blank row under the header of each sheet as a ParsedRow (sheet row numbers)."""
        book = self.book or TrackerBook(self.path)
        try:
            for part in self.layout.sheets():
                yield from self._sheet_rows(book, part)
                book.release(part.sheet)
        finally:
            if self.book is None:
                book.close()

    def _sheet_rows(self, book: TrackerBook, part: SheetPart) -> Iterator[ParsedRow]:
        columns = [(i, f) for i, f in self.layout.mapping.items() if f is not None and f in FIELDS]
        counted = [f for _i, f in columns if f in VALUE_FIELDS]
        for f in counted:
            self.seen.setdefault(f, {})
        extras = [(e.index, e.date_index) for e in self.layout.extras]
        values = self.values
        seen = self.seen
        many = len(self.layout.sheets()) > 1
        keys: dict[Any, str] = {}  # the folded form of each distinct cell value seen
        parsed: dict[tuple[str, type, Any], Any] = {}  # the parsed value of each repeated (field, cell)
        blank_run = 0
        for number, row in book.rows(part.sheet, part.header_row + 1):
            self.last_row = number
            width = len(row)
            cells: dict[str, Any] = {}  # the mapped cells holding something (a blank parses to nothing)
            for i, f in columns:
                if i < width:
                    value = row[i]  # _is_blank, written out: this runs for every mapped cell of the sheet
                    if value is not None and (value.__class__ is not str or value.strip()):
                        cells[f] = value
            if not cells:
                self.blank_rows += 1
                blank_run += 1
                if blank_run >= MAX_BLANK_RUN:
                    self.warnings.append(
                        f"Reading {'the sheet ' + repr(part.sheet) + ' ' if many else ''}stopped at row "
                        f"{number}: the {MAX_BLANK_RUN:,} rows before it were blank."
                    )
                    break
                continue
            blank_run = 0
            self.data_rows += 1
            if self.data_rows > self.max_rows:
                raise SpreadsheetError(
                    f"The sheet '{part.sheet}' has more than {self.max_rows:,} rows of cases. Split it "
                    "into smaller files (for example one per year) and import them one at a time."
                )
            for f in counted:
                raw = cells.get(f)
                if raw is None:
                    continue
                key = keys.get(raw)
                if key is None:
                    key = value_key(raw)
                    if len(keys) < 100_000:
                        keys[raw] = key
                tally = seen[f].get(key)
                if tally is None:
                    seen[f][key] = [cell_text(raw), 1]
                else:
                    tally[1] += 1
                wanted = values.get(f)
                if wanted and key in wanted:
                    cells[f] = wanted[key]
            kept = tuple(
                (i, row[i] if i < width else None, row[d] if d is not None and d < width else None)
                for i, d in extras
                if i < width and not _is_blank(row[i])
            )
            yield parse_row(number, cells, self.today, sheet=part.sheet, extras=kept, cache=parsed)
