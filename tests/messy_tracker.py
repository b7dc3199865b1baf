"""A messy team tracker, built in code: initials, the team's own words, notes columns, two year sheets,
a hidden sheet, a read-me sheet and dates typed as text in several formats.

Used by the service, command-line and wizard tests of the import, which assert the exact counts below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import openpyxl

HEADERS = [
    "Ref",
    "Date Rec'd",
    "Type",
    "Category",
    "Officer",
    "Child",
    "Summary",
    "Update",
    "Update date",
    "Date of last contact",
    "Notes",
    "School",
    "RAG (manual)",
]

_ = None
ROWS_2024: list[list[Any]] = [
    [
        "R24-01",
        "03/01/2024",
        "Complaint",
        "Transport",
        "AJ",
        "Tom Brown",
        "Bus late",
        "Chased the school",
        "10/01/2024",
        "15/01/2024",
        "Parent upset",
        "Oak Primary",
        "Red",
    ],
    ["R24-02", "3rd Jan 2024", "FOI", "Transport", "PS", "Amy Green", "Routes", _, _, _, _, _, _],
    [
        "R24-03",
        "2024-01-05",
        "Freedom of Info",
        "Placement",
        "Team",
        _,
        "Placements data",
        _,
        _,
        _,
        _,
        _,
        "Amber",
    ],
    [
        "R24-04",
        "5 Feb 24",
        "Complaint",
        "EHC needs assessment",
        "AJ",
        "Sam Lee",
        "Refusal",
        "Called parent",
        _,
        _,
        _,
        "Elm Academy",
        _,
    ],
    [
        "R24-05",
        date(2024, 2, 12),
        "Enquiry",
        "Communication",
        "alex.jones",
        _,
        "No reply",
        _,
        _,
        "Feb 20, 2024",
        _,
        _,
        _,
    ],
    ["R24-06", "Jan 8, 2024", "Complaint", "Misc stuff", "AJ", "Ben Ode", "Other", _, _, _, _, _, _],
    [_] * 13,
    ["R24-07", "12.03.2024", "Cllr", "SEND transport", _, _, "Cllr asked", _, _, _, "Cllr Jones", _, _],
    ["R24-08", "not a date", "Complaint", "Transport", "PS", _, "Taxi", _, _, _, _, _, _],
]
"""Sheet "2024", under a title and a blank row (headers on row 3): 8 cases and a blank row."""

ROWS_2025: list[list[Any]] = [
    [
        "R25-01",
        "06/01/2025",
        "Complaint",
        "Placement",
        "Team",
        "Kai Moss",
        "School named",
        "Mediation booked",
        "2025-01-20",
        _,
        _,
        "Ash High",
        _,
    ],
    [
        "R25-02",
        "7 January 2025",
        "Freedom of Info",
        "EHC needs assessment",
        "AJ",
        _,
        "Timescales",
        _,
        _,
        _,
        _,
        _,
        _,
    ],
    [
        "R25-03",
        "2025-02-03",
        "Enquiry",
        "Transport",
        "PS",
        "Lia Fox",
        "Pick-up time",
        _,
        _,
        "04/02/2025",
        "Needs a call back",
        _,
        _,
    ],
    ["R25-04", "10/02/25", "MP", "Communication", _, _, "MP letter", _, _, _, _, _, _],
]
"""Sheet "2025" (headers on row 1): 4 cases."""

HIDDEN_ROWS: list[list[Any]] = [
    ["R23-01", "02/10/2023", "Complaint", "Transport", "AJ", _, "Old", _, _, _, _, _, _],
    ["R23-02", "03/10/2023", "Complaint", "SEND transport", _, _, "Old too", _, _, _, _, _, _],
]
"""Sheet "Old 2023" (hidden): read only when named."""

UNKNOWN_VALUES = [
    {"field": "category", "value": "Transport", "rows": 4, "suggestion": "SEND transport"},
    {
        "field": "category",
        "value": "Communication",
        "rows": 2,
        "suggestion": "Communication / keeping informed",
    },
    {
        "field": "category",
        "value": "EHC needs assessment",
        "rows": 2,
        "suggestion": "EHC needs assessment - request or decision",
    },
    {"field": "category", "value": "Placement", "rows": 2, "suggestion": "Placement / naming a school"},
    {"field": "category", "value": "Misc stuff", "rows": 1, "suggestion": None},
    {"field": "officer", "value": "AJ", "rows": 4, "suggestion": "alex.jones"},
    {"field": "officer", "value": "PS", "rows": 3, "suggestion": "priya.shah"},
    {"field": "officer", "value": "Team", "rows": 2, "suggestion": "unassigned"},
    {"field": "kind", "value": "Freedom of Info", "rows": 2, "suggestion": "FOI request"},
]
"""What a dry run lists for the two visible year sheets, with nothing mapped yet."""

VALUES = [
    "Category:Transport=SEND transport",
    "Category:Communication=Communication / keeping informed",
    "Category:EHC needs assessment=EHC needs assessment - request or decision",
    "Category:Placement=Placement / naming a school",
    "Officer:AJ=alex.jones",
    "Officer:PS=Priya Shah",
    "Officer:Team=unassigned",
    "Kind:Freedom of Info=FOI request",
]
"""The choices an officer makes (every suggestion taken, "Misc stuff" left unmapped)."""

IMPORTED = [
    "R24-01",
    "R24-02",
    "R24-03",
    "R24-04",
    "R24-05",
    "R24-07",
    "R25-01",
    "R25-02",
    "R25-03",
    "R25-04",
]
REJECTED = [
    {
        "row": 9,
        "sheet": "2024",
        "errors": [
            "Category: 'Misc stuff' is not one of the desk's categories. Correct it in the sheet, or ask an "
            "admin to add the category."
        ],
    },
    {
        "row": 12,
        "sheet": "2024",
        "errors": ["Received: 'not a date' is not a date; write it as dd/mm/yyyy, e.g. 27/11/2026."],
    },
]
NOTES = 6
"""Notes kept: R24-01 Update (dated 10/01/2024) and Notes, R24-04 Update (undated), R24-07 Notes,
R25-01 Update (dated 20/01/2025), R25-03 Notes."""
CONTACTS = 3
"""Contacts kept from "Date of last contact": R24-01, R24-05, R25-03."""


def messy_tracker(path: Path) -> Path:
    """Write the messy tracker to `path` and return it."""
    wb = openpyxl.Workbook()
    readme = wb.active
    readme.title = "Read me"
    readme.append(["This tracker is kept by the SEND casework team. Do not sort the sheets."])
    old = wb.create_sheet("Old 2023")
    old.append(HEADERS)
    for row in HIDDEN_ROWS:
        old.append(row)
    old.sheet_state = "hidden"
    first = wb.create_sheet("2024")
    first.append(["SEND complaints and enquiries 2024"])
    first.append([])
    first.append(HEADERS)
    for row in ROWS_2024:
        first.append(row)
    second = wb.create_sheet("2025")
    second.append(HEADERS)
    for row in ROWS_2025:
        second.append(row)
    wb.save(path)
    return path


def next_year_tracker(path: Path) -> Path:
    """Write the next year's tracker (same headers, the same team words) for the profile's second use."""
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "2026"
    sheet.append(HEADERS)
    sheet.append(
        ["R26-01", "05/01/2026", "Complaint", "Transport", "AJ", "Eve Hart", "Taxi late", _, _, _, _, _, _]
    )
    sheet.append(
        ["R26-02", "6 Jan 2026", "Freedom of Info", "Placement", "Team", _, "Data", _, _, _, _, _, _]
    )
    sheet.append(
        ["R26-03", "2026-01-07", "Enquiry", "Communication", "PS", _, "Call back", _, _, _, "Rang", _, _]
    )
    wb.save(path)
    return path
