"""A team's real tracker brought in, in its own words: value mapping, profiles, aliases, kept columns,
several sheets (hidden ones only when named), and a shared-strings table out of proportion refused."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk
from send_desk.cli.spreadsheets import parse_values
from send_desk.db.models import StaffAlias
from send_desk.domain.errors import ValidationError
from send_desk.reports import xlsx_import
from send_desk.reports.xlsx_import import SpreadsheetError, TrackerBook
from tests.messy_tracker import (
    CONTACTS,
    IMPORTED,
    NOTES,
    REJECTED,
    UNKNOWN_VALUES,
    VALUES,
    messy_tracker,
    next_year_tracker,
)


def test_dry_run_lists_every_unknown_value_once_with_its_rows_and_a_suggestion(
    desk: Desk, tmp_path: Path
) -> None:
    result = desk.imports.run(messy_tracker(tmp_path / "tracker.xlsx"), dry_run=True)
    assert result.sheets == ["2024", "2025"]  # the hidden "Old 2023" is not read, "Read me" has no headers
    assert result.warnings == ["The sheet 'Read me' has no header row, so it was not read."]
    assert (result.rows_read, result.blank_rows, result.accepted, len(result.rejected)) == (12, 1, 1, 11)
    assert [u.to_json() for u in result.unknown_values] == UNKNOWN_VALUES
    assert result.kept_columns == {
        "Update": "note",
        "Date of last contact": "contact",
        "Notes": "note",
        "School": "description",
        "RAG (manual)": "description",
    }
    assert result.ignored_columns == []


def test_messy_tracker_imports_with_values_then_the_profile_alone(desk: Desk, tmp_path: Path) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    result = desk.imports.run(path, values=parse_values(VALUES), profile="Team tracker")
    assert (result.imported, result.references) == (10, IMPORTED)
    assert [r.to_json() for r in result.rejected] == REJECTED
    assert [u.to_json() for u in result.unknown_values] == [UNKNOWN_VALUES[4]]  # "Misc stuff", left unmapped
    assert (result.notes, result.contacts) == (NOTES, CONTACTS)
    assert (result.profile_saved, result.aliases_added) == (True, {"aj": "alex.jones", "ps": "priya.shah"})

    first = desk.cases.get_by_reference("R24-01")
    assert (first.category, first.officer and first.officer.login) == ("SEND transport", "alex.jones")
    assert first.description == "School: Oak Primary\nRAG (manual): Red"
    kept = [(t.at, t.entry_type, t.text) for t in first.timeline if t.entry_type in ("note", "contact")]
    assert sorted(kept) == [
        (
            datetime(2024, 1, 10, 12, tzinfo=UTC),
            "note",
            "From the tracker's 'Update' column: Chased the school",
        ),
        (
            datetime(2024, 1, 15, 12, tzinfo=UTC),
            "contact",
            "Last contact, from the tracker's 'Date of last contact' column.",
        ),
        (desk.ctx.now(), "note", "From the tracker's 'Notes' column: Parent upset"),
    ]
    unassigned = desk.cases.get_by_reference("R24-03")
    assert (unassigned.kind.value, unassigned.officer, unassigned.category) == (
        "foi",
        None,
        "Placement / naming a school",
    )
    summer = desk.cases.get_by_reference("R25-01")  # a note dated in January: 12:00 in London is 12:00 UTC
    assert [t.at for t in summer.timeline if t.entry_type == "note"] == [
        datetime(2025, 1, 20, 12, tzinfo=UTC)
    ]
    with desk.ctx.db.read() as session:
        assert sorted(session.execute(select(StaffAlias.alias))) == [("aj",), ("ps",)]

    # next year: the profile is offered by the headers, and used with no --value at all
    later = next_year_tracker(tmp_path / "tracker-2026.xlsx")
    offered = desk.imports.run(later, dry_run=True)
    assert offered.profiles_offered == ["Team tracker"]
    assert [(u.field, u.value) for u in offered.unknown_values] == [
        ("category", "Communication"),
        ("category", "Placement"),
        ("category", "Transport"),
        ("officer", "Team"),  # the initials are known now (aliases); "Team" is a choice kept in the profile
        ("kind", "Freedom of Info"),
    ]
    second = desk.imports.run(later, profile="Team tracker")
    assert (second.imported, second.rejected, second.unknown_values) == (3, [], [])
    assert second.notes == 1
    again = desk.cases.get_by_reference("R26-02")
    assert (again.kind.value, again.officer, again.category) == ("foi", None, "Placement / naming a school")


def test_a_value_mapped_to_a_word_the_desk_does_not_have_is_refused(desk: Desk, tmp_path: Path) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    with pytest.raises(ValidationError) as raised:
        desk.imports.run(path, dry_run=True, values={"category": {"Transport": "Transportation"}})
    assert str(raised.value).startswith(
        "Category: 'Transportation' (for 'Transport') is not one of the desk's values. "
        "Use one of: Annual review,"
    )
    with pytest.raises(ValidationError, match="There is no import profile called 'Nope'"):
        desk.imports.profile("Nope")


def test_hidden_sheet_is_read_only_when_named(desk: Desk, tmp_path: Path) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    assert desk.imports.preview(path).hidden_sheets == ("Old 2023",)
    named = desk.imports.run(path, dry_run=True, sheet=["Old 2023"])
    assert (named.sheets, named.rows_read) == (["Old 2023"], 2)
    both = desk.imports.run(path, dry_run=True, sheet=["2025", "Old 2023"], values=parse_values(VALUES))
    assert (both.sheets, both.rows_read, both.accepted) == (["2025", "Old 2023"], 6, 6)
    with pytest.raises(
        SpreadsheetError, match=re.escape("has no sheet called 'Nope'. Its sheets are: Read me, Old 2023")
    ):
        desk.imports.run(path, dry_run=True, sheet=["Nope"])


def shared_strings_bomb(path: Path, strings: int = 1_000_000) -> Path:
    """Write a small sheet whose shared-strings table lists a million strings (a ~60 KB file)."""
    source = path.with_name("plain.xlsx")
    wb = openpyxl.Workbook()
    wb.active.append(["Ref", "Kind", "Received"])
    wb.active.append(["A-1", "FOI", "01/02/2026"])
    wb.save(source)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        f'2006/main" count="{strings}" uniqueCount="{strings}">' + "<si><t>x</t></si>" * strings + "</sst>"
    )
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            if item.filename != "xl/sharedStrings.xml":
                new.writestr(item, old.read(item))
        new.writestr("xl/sharedStrings.xml", body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    return path


def test_shared_strings_out_of_proportion_are_refused_before_any_reader_parses_them(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = shared_strings_bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 100_000

    def never(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(xlsx_import.CalamineWorkbook, "from_path", never)
    monkeypatch.setattr(xlsx_import, "load_read_only", never)
    with pytest.raises(SpreadsheetError) as raised:
        desk.imports.run(bomb, dry_run=True)
    message = re.sub(r"\d[\d,]*", "N", str(raised.value))
    assert message == (
        "bomb.xlsx lists more shared text values (N or more) than its sheets could use (at most N). "
        "The file is damaged or was built to stall the import, so it was not read. Open it in Excel, save it "
        "again as .xlsx and import that."
    )


def test_an_ordinary_shared_strings_table_opens(tmp_path: Path) -> None:
    path = tmp_path / "many.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Ref", "Kind", "Received"])
    for i in range(30_000):  # 30,000 distinct strings, each used by a cell
        wb.active.append([f"R-{i}", "FOI", "01/02/2026"])
    wb.save(path)
    with TrackerBook(path) as book:
        assert book.sheet_names == ("Sheet",)


def test_a_large_workbook_is_streamed_with_the_same_result(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above the whole-sheet reader's size the rows are streamed by openpyxl: the same rows, words, notes."""
    path = messy_tracker(tmp_path / "tracker.xlsx")
    whole = desk.imports.run(path, dry_run=True, values=parse_values(VALUES))
    monkeypatch.setattr(xlsx_import, "CALAMINE_MAX_SHEET_BYTES", 1000)
    with TrackerBook(path) as book:
        assert book.streaming
    streamed = desk.imports.run(path, dry_run=True, values=parse_values(VALUES))
    assert (
        streamed.rows_read,
        streamed.blank_rows,
        streamed.accepted,
        streamed.notes,
        streamed.contacts,
    ) == (
        12,
        1,
        10,
        NOTES,
        CONTACTS,
    )
    assert [r.to_json() for r in streamed.rejected] == REJECTED
    assert streamed.unknown_values == whole.unknown_values
    assert streamed.sheets == whole.sheets == ["2024", "2025"]


def test_the_workbook_is_opened_and_each_sheet_parsed_once(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    opened: list[str] = []
    parsed: list[str] = []
    real_open = xlsx_import.CalamineWorkbook.from_path

    class Counting:
        def __init__(self, book: object) -> None:
            self.book = book

        def __getattr__(self, name: str) -> object:
            return getattr(self.book, name)

        def get_sheet_by_name(self, name: str) -> object:
            parsed.append(name)
            return self.book.get_sheet_by_name(name)  # type: ignore[attr-defined]

    def counting_open(where: str) -> Counting:
        opened.append(where)
        return Counting(real_open(where))

    monkeypatch.setattr(xlsx_import.CalamineWorkbook, "from_path", counting_open)
    result = desk.imports.run(path, dry_run=True)
    assert result.rows_read == 12
    assert opened == [str(path)]
    assert parsed == ["Read me", "2024", "2025"]  # each visible sheet once, for its headers and its rows
