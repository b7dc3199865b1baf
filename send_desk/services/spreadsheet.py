"""Safe spreadsheet rows for the admin exports: text is always text (never a formula), XML-clean.

The rule itself lives in reports/xlsx_export.text_cell so every export of the desk applies the same one.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from send_desk.reports.xlsx_export import text_cell


def safe_cell_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Return a value for a write-only sheet; text that looks like a formula becomes a quoted text cell."""
    return text_cell(sheet, value) if isinstance(value, str) else value


def safe_row(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[Any]:
    """Return a row of values made safe for a write-only sheet."""
    return [safe_cell_value(sheet, value) for value in values]
