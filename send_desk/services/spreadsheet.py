"""Safe spreadsheet cells: text is always text (never a formula) and holds no illegal characters."""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
"""Leading characters that make a spreadsheet program read text as a formula (formula injection)."""


def safe_cell_value(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Return a value for a write-only sheet; risky text becomes a text cell with a quote prefix."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if not value.startswith(FORMULA_STARTS):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet: WriteOnlyWorksheet, values: list[Any]) -> list[Any]:
    """Return a row of values made safe for a write-only sheet."""
    return [safe_cell_value(sheet, value) for value in values]
