"""Read a team's Excel tracker (or our own export): find the header row, map columns, parse every row.

Opening checks the file first so a person gets a plain reason instead of a traceback: not a spreadsheet,
an old .xls, a password-protected workbook, an empty one. Sheets are read in openpyxl's read-only mode
(streamed), formulas are read as the values Excel last calculated (a formula never calculated reads as
blank), and reading stops with a clear message past `MAX_ROWS` cases, or after `MAX_BLANK_RUN` blank rows
in a row (sheets that claim 1,048,576 rows because a whole column was formatted).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.reader.excel import ExcelReader
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.xml.functions import iterparse

from send_desk.domain.errors import SendDeskError
from send_desk.reports.sheet_fields import FIELDS, ParsedRow, guess_mapping, parse_row

HEADER_SEARCH_ROWS = 20
MIN_RECOGNISED_HEADERS = 3
MAX_ROWS = 200_000
MAX_BLANK_RUN = 10_000
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


def open_workbook(path: Path) -> Workbook:
    """Open a workbook read-only with formulas as their calculated values, or raise SpreadsheetError."""
    path = Path(path)
    check_file(path)
    try:
        return load_read_only(path)
    except SpreadsheetError:
        raise
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise SpreadsheetError(
            f"{path.name} could not be opened as a spreadsheet ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else 'damaged file'}). Open it in Excel, save it again "
            "as .xlsx and retry."
        ) from None


def cell_display(value: Any) -> str:
    """Return a cell as a person reads it in a preview."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


@dataclass(frozen=True)
class SheetLayout:
    """Where the data is: the sheet, its header row, the headers and the column → field mapping."""

    sheet_names: tuple[str, ...]
    sheet: str
    header_row: int
    headers: tuple[str, ...]
    mapping: dict[int, str | None]
    preview: tuple[tuple[str, ...], ...] = ()
    estimated_rows: int = 0

    def fields(self) -> dict[str, str]:
        """Return field → header for the mapped columns."""
        return {f: self.headers[i] for i, f in self.mapping.items() if f is not None}

    def unmapped(self) -> list[str]:
        """Return the non-empty headers left out of the import."""
        return [h for i, h in enumerate(self.headers) if h and self.mapping.get(i) is None]


def _choose_sheet(workbook: Workbook, sheet: str | None, path: Path) -> Any:
    names = list(workbook.sheetnames)
    if not names:
        raise SpreadsheetError(f"{path.name} has no sheets.")
    if sheet is not None:
        match = next((n for n in names if n.strip().lower() == sheet.strip().lower()), None)
        if match is None:
            raise SpreadsheetError(
                f"{path.name} has no sheet called '{sheet}'. Its sheets are: {', '.join(names)}."
            )
        return workbook[match]
    if "Cases" in names:  # our own export
        return workbook["Cases"]
    return workbook[names[0]]


def read_layout(
    path: Path, *, sheet: str | None = None, overrides: Mapping[str, str] | None = None
) -> SheetLayout:
    """Find the header row (the first of the first 20 rows with 3 recognised headers) and map the columns."""
    path = Path(path)
    workbook = open_workbook(path)
    try:
        ws = _choose_sheet(workbook, sheet, path)
        try:
            estimated = int(ws.max_row or 0)
        except (TypeError, ValueError):
            estimated = 0
        ws.reset_dimensions()
        header_row = 0
        headers: tuple[str, ...] = ()
        preview: list[tuple[str, ...]] = []
        seen_any = False
        try:
            for index, row in enumerate(ws.iter_rows(values_only=True), start=1):
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
                recognised = sum(1 for f in mapping.values() if f is not None)
                if recognised >= MIN_RECOGNISED_HEADERS:
                    while texts and not texts[-1]:
                        texts = texts[:-1]
                    header_row, headers = index, texts
        except SpreadsheetError:
            raise
        except Exception as exc:
            raise SpreadsheetError(
                f"The sheet '{ws.title}' could not be read ({type(exc).__name__}); it may be damaged."
            ) from None
        if not header_row:
            if not seen_any:
                raise SpreadsheetError(f"The sheet '{ws.title}' in {path.name} is empty.")
            raise SpreadsheetError(
                f"No header row was found in the first {HEADER_SEARCH_ROWS} rows of the sheet '{ws.title}'. "
                "The importer looks for a row naming at least three columns such as Reference, Kind, "
                "Received, Contact, Child, Category, Acknowledged, Responded or Outcome. Rename the headers, "
                'or name the columns with --map "Header=field".'
            )
        return SheetLayout(
            sheet_names=tuple(workbook.sheetnames),
            sheet=ws.title,
            header_row=header_row,
            headers=headers,
            mapping=guess_mapping(headers, overrides),
            preview=tuple(preview),
            estimated_rows=max(0, estimated - header_row),
        )
    finally:
        workbook.close()


@dataclass
class TrackerReader:
    """Read the data rows under the header row as parsed rows, counting blanks and scanned rows."""

    path: Path
    layout: SheetLayout
    today: date
    max_rows: int = MAX_ROWS
    blank_rows: int = 0
    data_rows: int = 0
    last_row: int = 0
    warnings: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[ParsedRow]:
        """Yield every non-blank row under the header as a ParsedRow (sheet row numbers)."""
        columns = [(i, f) for i, f in self.layout.mapping.items() if f is not None and f in FIELDS]
        workbook = open_workbook(self.path)
        try:
            ws = workbook[self.layout.sheet]
            ws.reset_dimensions()
            blank_run = 0
            number = self.layout.header_row
            iterator = ws.iter_rows(min_row=self.layout.header_row + 1, values_only=True)
            while True:
                try:
                    row = next(iterator)
                except StopIteration:
                    break
                except Exception as exc:
                    raise SpreadsheetError(
                        f"The sheet '{ws.title}' could not be read after row {number} "
                        f"({type(exc).__name__}); it may be damaged."
                    ) from None
                number += 1
                self.last_row = number
                cells = {f: row[i] if i < len(row) else None for i, f in columns}
                if all(_is_blank(v) for v in cells.values()):
                    self.blank_rows += 1
                    blank_run += 1
                    if blank_run >= MAX_BLANK_RUN:
                        self.warnings.append(
                            f"Reading stopped at row {number}: "
                            f"the {MAX_BLANK_RUN:,} rows before it were blank."
                        )
                        break
                    continue
                blank_run = 0
                self.data_rows += 1
                if self.data_rows > self.max_rows:
                    raise SpreadsheetError(
                        f"The sheet '{ws.title}' has more than {self.max_rows:,} rows of cases. Split it "
                        "into smaller files (for example one per year) and import them one at a time."
                    )
                yield parse_row(number, cells, self.today)
        finally:
            workbook.close()
