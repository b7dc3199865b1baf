"""Reading trackers: file checks, header detection, header variants, cell parsing, random cells."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.reports.sheet_fields import (
    FIELDS,
    CellError,
    field_for_header,
    guess_mapping,
    parse_channel,
    parse_date,
    parse_kind,
    parse_outcome,
    parse_row,
    parse_stage,
    parse_text,
)
from send_desk.reports.xlsx_import import (
    ExtraColumn,
    SpreadsheetError,
    TrackerBook,
    TrackerReader,
    layout_of,
    read_layout,
)

TODAY = date(2026, 11, 27)


def workbook(path: Path, rows: list[list[Any]], title: str = "Tracker") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Date Rec'd", "received"),
        ("Date received", "received"),
        ("Received", "received"),
        ("  RECEIVED  ", "received"),
        ("Date received (dd/mm/yyyy)", "received"),
        ("Ref No.", "reference"),
        ("Case Ref", "reference"),
        ("Type", "kind"),
        ("Child's name", "child_name"),
        ("Child/Young Person", "child_name"),
        ("D.O.B.", "child_dob"),
        ("Parent/Carer name", "contact_name"),
        ("E-mail", "contact_email"),
        ("Tel No", "contact_phone"),
        ("Ack sent", "acknowledged"),
        ("Date of response", "responded"),
        ("Assigned to", "officer"),
        ("Outcome", "outcome"),
        ("Notes", "summary"),
        ("Acknowledge by", None),
        ("Respond by", None),
        ("Working days taken", None),
        ("", None),
    ],
)
def test_header_variants(header: str, field: str | None) -> None:
    assert field_for_header(header) == field


def test_mapping_overrides_win_and_fields_are_given_once() -> None:
    mapping = guess_mapping(
        ["Ref", "Date", "Received", "Weird col"], {"weird col": "summary", "Ref": "ignore"}
    )
    assert mapping == {0: None, 1: "received", 2: None, 3: "summary"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 1, 3, 14, 30), date(2025, 1, 3)),
        (date(2025, 1, 3), date(2025, 1, 3)),
        ("03/01/2025", date(2025, 1, 3)),
        ("3/1/25", date(2025, 1, 3)),
        ("03-01-2025", date(2025, 1, 3)),
        ("03.01.2025", date(2025, 1, 3)),
        ("2025-01-03", date(2025, 1, 3)),
        ("2025-01-03 09:15:00", date(2025, 1, 3)),
        ("3rd Jan 2025", date(2025, 1, 3)),
        ("3 January 2025", date(2025, 1, 3)),
        ("Friday 3rd January 2025", date(2025, 1, 3)),
        ("03-Jan-25", date(2025, 1, 3)),
        ("Jan 3, 2025", date(2025, 1, 3)),
        ("03/01/2025 10:30", date(2025, 1, 3)),
        (45660, date(2025, 1, 3)),
        (45660.75, date(2025, 1, 3)),
        ("45660", date(2025, 1, 3)),
        ("9/3/15", date(2015, 3, 9)),
        ("9/3/99", date(1999, 3, 9)),
        (None, None),
        ("   ", None),
    ],
)
def test_dates_in_every_form(value: Any, expected: date | None) -> None:
    assert parse_date(value, TODAY) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("31/02/2025", "'31/02/2025' is not a real date."),
        ("next Tuesday", "'next Tuesday' is not a date; write it as dd/mm/yyyy, e.g. 27/11/2026."),
        (-3, "The number -3 is not a date."),
        (True, "'True' is not a date."),
        (time(10, 0), "'10:00:00' is not a date."),
        # a superscript digit is a digit to str.isdigit but not to int(): found by the ci profile
        ("¹", "'¹' is not a date; write it as dd/mm/yyyy, e.g. 27/11/2026."),
    ],
)
def test_bad_dates_say_why(value: Any, message: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_date(value, TODAY)
    assert str(caught.value) == message


def test_words_case_insensitively() -> None:
    assert parse_kind("Stage 1 complaint") == (CaseKind.COMPLAINT, 1)
    assert parse_kind("COMPLAINT STAGE 2") == (CaseKind.COMPLAINT, 2)
    assert parse_kind("MP") == (CaseKind.MP_ENQUIRY, None)
    assert parse_kind("foi") == (CaseKind.FOI, None)
    assert parse_kind("Subject Access Request") == (CaseKind.SAR, None)
    assert parse_kind("Cllr enquiry") == (CaseKind.COUNCILLOR_ENQUIRY, None)
    assert parse_kind("mp-enquiry") == (CaseKind.MP_ENQUIRY, None)
    assert parse_kind("") is None
    assert parse_stage("Stage 2") == 2
    assert parse_stage(1.0) == 1
    assert parse_channel("Telephone") is Channel.PHONE
    assert parse_channel("Web form") is Channel.WEB_FORM
    assert parse_outcome("Partially upheld") is Outcome.PARTLY_UPHELD
    assert parse_outcome("NOT UPHELD") is Outcome.NOT_UPHELD
    assert parse_outcome("n/a") is None
    with pytest.raises(CellError, match="'Stage 3 complaint' is not a kind of case"):
        parse_kind("Stage 3 complaint")
    with pytest.raises(CellError, match=re.escape("'3' is not a stage; use 1 or 2.")):
        parse_stage(3)


def test_text_is_trimmed_and_checked() -> None:
    assert parse_text("  Jo   Bloggs ", "contact_name") == "Jo Bloggs"
    assert parse_text(7700900123, "contact_phone") == "07700900123"
    with pytest.raises(
        CellError, match=re.escape("Contact name is 201 characters long; the most it can hold is 200.")
    ):
        parse_text("x" * 201, "contact_name")


def test_parse_row_collects_every_problem() -> None:
    parsed = parse_row(
        7, {"kind": "Stage 3 complaint", "received": "31/02/2025", "child_dob": "soon", "stage": "2"}, TODAY
    )
    assert parsed.row == 7
    assert parsed.errors == (
        "Kind: 'Stage 3 complaint' is not a kind of case; use complaint, enquiry, MP enquiry, councillor "
        "enquiry, FOI, EIR, SAR, Ombudsman or compliment.",
        "Received: '31/02/2025' is not a real date.",
        "Child date of birth: 'soon' is not a date; write it as dd/mm/yyyy, e.g. 27/11/2026.",
    )
    clash = parse_row(8, {"kind": "Stage 1 complaint", "stage": 2, "received": "01/01/2025"}, TODAY)
    assert clash.errors == ("Stage: the kind says stage 1 but the stage column says 2.",)


# ----- files --------------------------------------------------------------------------------------
def test_header_row_found_below_a_title(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "t.xlsx",
        [
            ["SEND complaints tracker 2025"],
            [],
            ["Ref", "Type", "Date Rec'd", "Name", "Mystery"],
            ["A-1", "FOI", "03/01/2025", "Jo", "x"],
        ],
    )
    layout = read_layout(path)
    assert layout.header_row == 3
    assert layout.fields() == {
        "reference": "Ref",
        "kind": "Type",
        "received": "Date Rec'd",
        "contact_name": "Name",
    }
    assert layout.unmapped() == []  # kept in the description, never lost
    assert layout.extras == (ExtraColumn(4, "Mystery", "description"),)
    assert layout.preview == (("A-1", "FOI", "03/01/2025", "Jo", "x"),)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "t.xlsx is empty (0 bytes); it is not a spreadsheet."),
        (b"reference,kind\nA,foi\n", "t.xlsx is not an Excel workbook."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "t.xlsx is an old-style Excel file (.xls)."),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 600
            + "EncryptionInfo".encode("utf-16-le")
            + b"\0" * 64,
            "t.xlsx is protected with a password.",
        ),
        (b"PK\x03\x04 not really a zip", "t.xlsx is not an Excel workbook."),
    ],
)
def test_files_that_are_not_workbooks_get_a_plain_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "t.xlsx"
    path.write_bytes(content)
    with pytest.raises(SpreadsheetError) as caught:
        read_layout(path)
    assert str(caught.value).startswith(message)


def test_missing_empty_and_headerless_sheets(tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match=re.escape("There is no file called nope.xlsx")):
        read_layout(tmp_path / "nope.xlsx")
    with pytest.raises(SpreadsheetError, match=re.escape("The sheet 'Tracker' in empty.xlsx is empty.")):
        read_layout(workbook(tmp_path / "empty.xlsx", []))
    with pytest.raises(SpreadsheetError, match="No header row was found in the first 20 rows"):
        read_layout(workbook(tmp_path / "h.xlsx", [["apples", "pears"], [1, 2]]))
    with pytest.raises(
        SpreadsheetError, match=re.escape("has no sheet called 'Other'. Its sheets are: Tracker.")
    ):
        read_layout(workbook(tmp_path / "s.xlsx", [["Ref", "Type", "Received"]]), sheet="Other")


def test_a_sheet_reaching_row_1048576_does_not_hang(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Ref", "Type", "Received"])
    ws.append(["A-1", "FOI", "03/01/2025"])
    ws.cell(row=1_048_576, column=1, value="far away")
    path = tmp_path / "tall.xlsx"
    wb.save(path)
    layout = read_layout(path)
    reader = TrackerReader(path, layout, TODAY)
    rows = list(reader.rows())
    assert [r.row for r in rows] == [2]
    assert reader.warnings == ["Reading stopped at row 10002: the 10,000 rows before it were blank."]


def test_row_cap_gives_a_clear_message(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "big.xlsx",
        [["Ref", "Type", "Received"]] + [[f"A-{i}", "FOI", "03/01/2025"] for i in range(6)],
    )
    reader = TrackerReader(path, read_layout(path), TODAY, max_rows=5)
    with pytest.raises(
        SpreadsheetError, match=re.escape("more than 5 rows of cases. Split it into smaller files")
    ):
        list(reader.rows())


# ----- property: random cells never crash the parser ---------------------------------------------
cell_values = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.sampled_from(["Stage 2 complaint", "MP", "3rd Jan 2025", "31/02/2025", "=1+2", " ", "n/a", "2"]),
)


@given(st.dictionaries(st.sampled_from(FIELDS), cell_values, min_size=1))
def test_any_cells_parse_to_values_or_reasons(cells: dict[str, Any]) -> None:
    parsed = parse_row(5, cells, TODAY)
    assert all(isinstance(e, str) and e for e in parsed.errors)
    if not parsed.errors:
        assert parsed.values["kind"] is not None
        assert isinstance(parsed.values["received"], date)


def test_a_sheet_without_dimensions_is_read_whole_and_one_with_them_is_sized(tmp_path: Path) -> None:
    """openpyxl's write-only files carry no <dimension>; the size then stays unknown, every row is read."""
    streamed = tmp_path / "streamed.xlsx"
    wb = openpyxl.Workbook(write_only=True)
    wb.create_sheet("About").append(["Exported by", "someone"])
    cases = wb.create_sheet("Cases")
    cases.append(["Reference", "Kind", "Received", "Contact name"])
    for i in range(25):
        cases.append([f"R-{i}", "FOI", date(2026, 1, 1 + i), f"Name {i}"])
    wb.save(streamed)
    layout = read_layout(streamed)
    assert (layout.sheet_names, layout.sheet, layout.header_row, layout.estimated_rows) == (
        ("About", "Cases"),
        "Cases",
        1,
        25,  # the whole-sheet reader knows its size
    )
    reader = TrackerReader(streamed, layout, TODAY)
    assert [row.values["reference"] for row in reader.rows()] == [f"R-{i}" for i in range(25)]
    with TrackerBook(streamed, stream=True) as book:  # the streaming reader, used above a size
        streamed_layout = layout_of(book)
        assert streamed_layout.estimated_rows == 0
        rows = TrackerReader(streamed, streamed_layout, TODAY, book=book).rows()
        assert [row.values["reference"] for row in rows] == [f"R-{i}" for i in range(25)]
    sized = workbook(
        tmp_path / "sized.xlsx", [["Reference", "Kind", "Received"]] + [["R", "FOI", "01/01/2026"]] * 7
    )
    assert read_layout(sized).estimated_rows == 7
