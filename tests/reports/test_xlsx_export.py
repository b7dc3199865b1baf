"""The exported workbook read back with openpyxl: sheets, types, formats, formulas-as-text, control chars."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from send_desk.reports.xlsx_export import (
    DATE_FORMAT,
    DEFAULT_COLUMNS,
    CaseLine,
    ExportAbout,
    ExportError,
    clean_text,
    write_cases_xlsx,
)

HEADERS = [c.header for c in DEFAULT_COLUMNS]
COLUMN = {header: index for index, header in enumerate(HEADERS, start=1)}
"""Sheet column number by header: tests find cells by name, so a new column moves nothing here."""


def line(**overrides: object) -> CaseLine:
    values: dict[str, object] = {
        "reference": "SD-2026-00001",
        "kind": "Complaint",
        "stage": 1,
        "channel": "Email",
        "received": date(2026, 11, 20),
        "contact_name": "Jo Bloggs",
        "contact_email": "jo@example.org",
        "contact_phone": "07700 900123",
        "contact_address": "1 High Street",
        "child_name": "Amy Bloggs",
        "child_dob": date(2015, 3, 9),
        "category": "Assessment delay",
        "team": "SEND casework",
        "officer": "Alex Jones",
        "status": "Open",
        "acknowledge_by": date(2026, 11, 27),
        "acknowledged": None,
        "respond_by": date(2026, 12, 11),
        "extended_to": None,
        "responded": None,
        "working_days": None,
        "within_target": None,
        "outcome": "",
        "closure_code": "",
        "summary": "Assessment late",
        "state": "Due soon",
        "acknowledge_rag": "due-soon",
        "respond_rag": "on-track",
    }
    values.update(overrides)
    return CaseLine(**values)  # type: ignore[arg-type]


ABOUT = ExportAbout(
    exported_at=datetime(2026, 11, 27, 10, 0, tzinfo=UTC),
    exported_by="Sam Patel (sam.patel)",
    database="/data/desk.sqlite3",
    filters=(("Status", "Open cases"),),
    as_of=date(2026, 11, 27),
)


def write(path: Path, lines: list[CaseLine], about: ExportAbout = ABOUT) -> int:
    steps = write_cases_xlsx(path, lines, about, progress_every=2)
    done = list(steps)
    return done[-1]


def test_sheets_header_and_layout(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    assert write(out, [line(), line(reference="SD-2026-00002")]) == 2
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Cases", "Stages", "Summary", "About"]
    ws = wb["Cases"]
    assert [c.value for c in ws[1]] == HEADERS
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{get_column_letter(len(HEADERS))}3"
    assert ws.column_dimensions[get_column_letter(COLUMN["Reference"])].width == 16
    assert ws.column_dimensions[get_column_letter(COLUMN["Summary"])].width == 60
    assert ws.column_dimensions[get_column_letter(COLUMN["Received"])].width == 12
    assert ws.max_row == 3


def test_dates_are_date_cells_and_numbers_are_numbers(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    write(
        out,
        [
            line(
                responded=date(2026, 11, 26),
                working_days=4,
                within_target=True,
                acknowledged=date(2026, 11, 23),
            )
        ],
    )
    ws = openpyxl.load_workbook(out)["Cases"]
    row = {h: ws.cell(row=2, column=i + 1) for i, h in enumerate(HEADERS)}
    for header in (
        "Received",
        "Child date of birth",
        "Acknowledge by",
        "Acknowledged",
        "Respond by",
        "Responded",
    ):
        assert row[header].data_type == "d", header
        assert row[header].number_format == DATE_FORMAT, header
    assert row["Received"].value == datetime(2026, 11, 20)
    assert row["Acknowledged"].value == datetime(2026, 11, 23)
    assert row["Stage"].value == 1
    assert row["Stage"].data_type == "n"
    assert row["Working days taken"].value == 4
    assert row["Working days taken"].data_type == "n"
    assert row["Within target"].value == "Yes"
    assert row["Extended to"].value is None


def test_rag_fill_on_due_columns(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    write(
        out,
        [
            line(acknowledge_rag="overdue", respond_rag="due-soon"),
            line(acknowledge_rag=None, respond_rag="on-track", extended_to=date(2026, 12, 24)),
        ],
    )
    ws = openpyxl.load_workbook(out)["Cases"]
    col = {h: i + 1 for i, h in enumerate(HEADERS)}
    assert ws.cell(2, col["Acknowledge by"]).fill.start_color.rgb == "FFF4C7C3"
    assert ws.cell(2, col["Respond by"]).fill.start_color.rgb == "FFFCE8B2"
    assert ws.cell(3, col["Acknowledge by"]).fill.fill_type is None
    # the original due date is plain once extended; the extended date carries the state
    assert ws.cell(3, col["Respond by"]).fill.fill_type is None
    assert ws.cell(3, col["Extended to"]).fill.start_color.rgb == "FFB7E1CD"
    assert ws.cell(3, col["Extended to"]).value == datetime(2026, 12, 24)
    # a reused template cell must not leak a fill or value into the next row
    assert ws.cell(2, col["Extended to"]).value is None


@pytest.mark.parametrize(
    "typed", ['=HYPERLINK("http://x","click")', "+44 7700 900123", "-5", "@SUM(1,2)", "=1+2"]
)
def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, typed: str) -> None:
    out = tmp_path / "log.xlsx"
    write(out, [line(summary=typed, contact_name=typed, reference=typed)])
    ws = openpyxl.load_workbook(out)["Cases"]
    for header in ("Reference", "Contact name", "Summary"):
        cell = ws.cell(2, COLUMN[header])
        assert cell.value == typed
        assert cell.data_type == "s"
        assert cell.quotePrefix is True
    with zipfile.ZipFile(out) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    assert "<f " not in sheet_xml


def test_control_characters_are_dropped_and_never_fail(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    pasted = "Line one\x0bline two\x0cthree\x00\x1f end\ttab\nnewline"
    write(out, [line(summary=pasted, contact_name="Jo\x08 Bloggs", contact_address="1 High St\x0e")])
    ws = openpyxl.load_workbook(out)["Cases"]
    assert ws.cell(2, COLUMN["Summary"]).value == "Line oneline twothree end\ttab\nnewline"
    assert ws.cell(2, COLUMN["Contact name"]).value == "Jo Bloggs"
    assert ws.cell(2, COLUMN["Contact address"]).value == "1 High St"
    assert clean_text("plain") == "plain"


def test_summary_sheet_counts_and_percent_within_target(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    lines = [
        line(
            acknowledged=date(2026, 11, 24),
            responded=date(2026, 12, 1),
            within_target=True,
            status="Closed",
            state="Done",
            respond_by=date(2026, 12, 11),
        ),
        line(
            acknowledged=date(2026, 11, 30),
            acknowledge_by=date(2026, 11, 27),
            responded=date(2026, 12, 20),
            within_target=False,
            state="Done",
        ),
        line(state="Overdue"),
        line(kind="FOI request", acknowledge_by=None, respond_by=date(2026, 12, 18), state="On track"),
    ]
    write(out, lines)
    rows = list(openpyxl.load_workbook(out)["Summary"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Kind", "Stage", "Cases")
    assert rows[1] == ("Complaint", 1, 3, 2, 1, 2, 1, 0.5, "1 of 2", 2, 1, 0.5, "1 of 2")
    assert rows[2] == ("FOI request", 1, 1, 1, 0, 0, 0, None, "0 of 0", 0, 0, None, "0 of 0")
    assert rows[3] == ("All exported cases", None, 4, 3, 1, 2, 1, 0.5, "1 of 2", 2, 1, 0.5, "1 of 2")
    ws = openpyxl.load_workbook(out)["Summary"]
    assert ws["H2"].number_format == "0%"


def test_about_sheet_says_when_who_filters_and_personal_data(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    write(out, [line()])
    about = dict(openpyxl.load_workbook(out)["About"].iter_rows(values_only=True))
    assert about["Exported on"] == datetime(2026, 11, 27, 10, 0)
    assert about["Exported by"] == "Sam Patel (sam.patel)"
    assert about["Cases exported"] == 1
    assert about["Filter: Status"] == "Open cases"
    assert about["Pseudonymised"] == "No"
    assert "personal data" in about["Personal data"]


def test_cancel_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    steps = write_cases_xlsx(out, (line(reference=f"SD-{i}") for i in range(10)), ABOUT, progress_every=2)
    assert next(steps) == 2
    steps.close()
    assert list(tmp_path.iterdir()) == []


def test_failure_midway_leaves_no_file_and_keeps_an_old_one(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    out.write_bytes(b"previous export")

    def broken():  # type: ignore[no-untyped-def]
        yield line()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        list(write_cases_xlsx(out, broken(), ABOUT))
    assert [p.name for p in tmp_path.iterdir()] == ["log.xlsx"]
    assert out.read_bytes() == b"previous export"


def test_plain_errors_for_bad_targets(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="does not exist"):
        list(write_cases_xlsx(tmp_path / "missing" / "log.xlsx", [line()], ABOUT))
    with pytest.raises(ExportError, match=r"\.xlsx"):
        list(write_cases_xlsx(tmp_path / "log.csv", [line()], ABOUT))


def test_a_value_longer_than_a_cell_is_cut_with_a_note_never_silently(tmp_path: Path) -> None:
    from send_desk.reports.sheet_fields import COLUMNS_BY_HEADER
    from send_desk.reports.xlsx_export import write_cases_csv

    long = "The family's account. " * 2000  # 44,000 characters
    columns = [COLUMNS_BY_HEADER["Reference"], COLUMNS_BY_HEADER["Case description"]]
    out = tmp_path / "long.xlsx"
    steps = write_cases_xlsx(out, [line(description=long), line(reference="SD-2")], ABOUT, columns=columns)
    *_, done = steps_and_summary(steps)
    assert [(c.reference, c.header, c.length) for c in done.cut] == [
        ("SD-2026-00001", "Case description", 44000)
    ]
    book = openpyxl.load_workbook(out)
    cell = book["Cases"]["B2"].value
    assert len(cell) == 32767
    assert cell.endswith(
        " [… 11,356 more characters not shown: a spreadsheet cell holds at most 32,767. The whole text is "
        "on the case in SEND Desk.]"
    )
    assert long.startswith(cell[: 32767 - 130])
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Cut: SD-2026-00001"] == "Case description: 44,000 characters"
    assert about["Cells cut"].startswith("1 value(s) were longer than the 32,767 characters")
    csv_out = tmp_path / "long.csv"
    list(write_cases_csv(csv_out, [line(description=long)], columns=columns))
    assert long.strip() in csv_out.read_text(encoding="utf-8-sig")  # CSV keeps it whole


def steps_and_summary(steps):  # type: ignore[no-untyped-def]
    """Run a writer to the end; return its yields and, last, its summary."""
    yielded = []
    while True:
        try:
            yielded.append(next(steps))
        except StopIteration as stop:
            return [*yielded, stop.value]


def test_every_sheet_is_set_up_to_print(tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    write(out, [line()])
    book = openpyxl.load_workbook(out)
    for name in ("Cases", "Stages", "Summary", "About"):
        sheet = book[name]
        assert sheet.page_setup.orientation == "landscape"
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.oddFooter.center.text == "Page &P of &N"
    assert book["Cases"].print_title_rows == "$1:$1"
    assert book["Stages"].print_title_rows == "$1:$1"
