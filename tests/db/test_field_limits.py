"""Field lengths: one table in the domain, held the same by SQLite and PostgreSQL, never cut on export."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import String, text
from sqlalchemy.exc import DatabaseError

from send_desk.bootstrap import Desk
from send_desk.db.limits import varchar_refusal
from send_desk.db.models import Base
from send_desk.domain.errors import ValidationError
from send_desk.domain.limits import DATABASE_COLUMNS, LIMITS, SPREADSHEET_CELL, counter_text, too_long
from send_desk.services.spreadsheets import ExportService
from send_desk.values.cases import CaseDetail, CaseFilter, PersonInput
from tests.conftest import complaint_input

ROW_OF = {"person": "id = (SELECT min(id) FROM person)", "case_record": "id = 1", "timeline_entry": "id = 1"}


def test_the_table_holds_the_six_fields_and_no_limit_exceeds_a_spreadsheet_cell() -> None:
    assert {name: limit.most for name, limit in LIMITS.items()} == {
        "name": 200,
        "email": 254,
        "phone": 40,
        "identifier": 60,
        "summary": 32_767,
        "description": 32_767,
        "note": 32_767,
    }
    assert max(limit.most for limit in LIMITS.values()) <= SPREADSHEET_CELL


def test_sized_columns_are_as_wide_as_the_table_says() -> None:
    for table, column, field in DATABASE_COLUMNS:
        kind = Base.metadata.tables[table].c[column].type
        if isinstance(kind, String) and kind.length is not None:
            assert kind.length == LIMITS[field].most, (table, column)


@pytest.mark.parametrize(("table", "column", "field"), DATABASE_COLUMNS)
def test_the_database_itself_refuses_one_character_more(
    desk: Desk, complaint: CaseDetail, backend: str, table: str, column: str, field: str
) -> None:
    desk.cases.add_note(complaint.id, text="A note")
    most = LIMITS[field].most
    where = ROW_OF[table]
    with desk.ctx.db.engine.begin() as conn:  # exactly the limit, in letters that take two bytes each
        conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE {where}"), {"v": "é" * most})
    with pytest.raises(DatabaseError), desk.ctx.db.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE {where}"), {"v": "é" * (most + 1)})
    with desk.ctx.db.engine.connect() as conn:
        stored = conn.execute(text(f"SELECT {column} FROM {table} WHERE {where}")).scalar_one()
    assert len(stored) == most


def test_logging_refuses_a_long_field_in_plain_words(desk: Desk) -> None:
    data = complaint_input(contact=PersonInput(name="Jo", phone="0" * 41))
    with pytest.raises(ValidationError) as error:
        desk.cases.log_case(data)
    assert str(error.value) == (
        "The contact's phone number is 41 characters long; it can take 40. Shorten it by 1 character."
    )
    assert error.value.field == "contact_phone"
    with pytest.raises(ValidationError, match=r"^The note is 32,770 characters long; it can take 32,767\. "):
        desk.cases.add_note(desk.cases.log_case(complaint_input()).id, text="n" * 32_770)


def test_the_form_message_counts_near_the_limit_and_explains_over_it() -> None:
    assert counter_text("name", "J" * 179) == ""
    assert counter_text("name", "J" * 180) == "180 of 200 characters (20 left)."
    assert (
        counter_text("name", "J" * 205)
        == "The name is 205 characters long; it can take 200. Shorten it by 5 characters."
    )
    assert too_long("summary", "s" * SPREADSHEET_CELL) is None


def test_export_writes_the_longest_summary_whole(desk: Desk, tmp_path: Path) -> None:
    summary = "S" * (SPREADSHEET_CELL - 1) + "!"
    desk.cases.log_case(complaint_input(summary=summary, description="d" * SPREADSHEET_CELL))
    out = tmp_path / "cases.xlsx"
    ExportService(desk.ctx).export_all(out, CaseFilter(status="all"))
    sheet = openpyxl.load_workbook(out)["Cases"]
    headers = [cell.value for cell in sheet[1]]
    record = dict(zip(headers, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert record["Summary"] == summary


def test_postgresql_refusing_a_value_too_long_for_its_column_is_put_in_plain_words() -> None:
    server = "value too long for type character varying(40)\nCONTEXT: ..."
    assert varchar_refusal(server) == "One of the values is longer than the 40 characters it can take."
    assert varchar_refusal("numeric field overflow") is None
