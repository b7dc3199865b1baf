"""What every workbook the desk writes shares: rows streamed through a private folder, and print set-up.

openpyxl's write-only worksheets stream their rows to a temporary file, by default in the system temp
folder, in plain text. `stream_privately` gives a sheet a file in the desk's private scratch folder
instead (see `send_desk.scratch`), so a killed export leaves personal data nowhere else, and the next start
removes it. `print_setup` makes a sheet print readably from Excel or LibreOffice: landscape, every column
on one page wide, the header row repeated on each page, "Page N of M" in the footer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl.worksheet import _writer as sheet_writer

from send_desk.scratch import scratch_file


def stream_privately(sheet: Any) -> None:
    """Make a write-only sheet stream its rows to the desk's private folder; call before the first row.

    Call it after the sheet's column widths and frozen panes are set: they are written first.
    """
    if getattr(sheet, "_writer", None) is not None:
        return
    out = str(scratch_file(".xml"))
    sheet_writer.ALL_TEMP_FILES.append(out)  # openpyxl removes it after saving (and at exit)
    writer = sheet_writer.WorksheetWriter(sheet, out=out)
    writer.write_top()
    sheet._writer = writer


def print_setup(sheet: Any, *, header_rows: int = 1) -> None:
    """Print the sheet landscape, all columns one page wide, header row on every page, page numbers."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
    sheet.oddFooter.center.text = "Page &P of &N"
    sheet.evenFooter.center.text = "Page &P of &N"


def header_widths(headers: Sequence[str], widths: Sequence[float]) -> list[float]:
    """Return column widths wide enough for each header's longest word (a word is never broken)."""
    return [
        max(width, max((len(word) for word in header.split()), default=0) * 1.15 + 2)
        for header, width in zip(headers, widths, strict=True)
    ]


def header_height(headers: Sequence[str], widths: Sequence[float]) -> float:
    """Return the height (points) of a header row whose wrapped headers all show in full."""
    lines = 1
    for header, width in zip(headers, widths, strict=True):
        room = max(1.0, width / 1.15 - 1)
        count, used = 1, 0.0
        for word in header.split():
            if used and used + 1 + len(word) > room:
                count, used = count + 1, len(word)
            else:
                used += (1 if used else 0) + len(word)
        lines = max(lines, count)
    return 15.0 * lines + 3


def size_header(sheet: Any, headers: Sequence[str], widths: Sequence[float]) -> None:
    """Set a sheet's column widths and header row height so every header prints whole."""
    from openpyxl.utils import get_column_letter

    fitted = header_widths(headers, widths)
    for index, width in enumerate(fitted, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = header_height(headers, fitted)
