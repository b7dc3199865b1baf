"""The Cases sheet's columns as one table: every column the export writes is read back by its header."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from pathlib import Path

import openpyxl

from send_desk.domain.kinds import CaseKind, Channel, Outcome
from send_desk.reports.sheet_fields import (
    CASE_COLUMNS,
    FIELD_LABELS,
    FIELDS,
    PSEUDONYMS,
    REQUIRED_FIELDS,
    CaseLine,
    case_input,
    field_for_header,
    label_for,
    parse_row,
)
from send_desk.reports.xlsx_import import read_layout
from send_desk.values.cases import CaseInput, PersonInput

TODAY = date(2026, 11, 27)


def test_each_exported_header_maps_back_to_its_own_field_or_to_none() -> None:
    assert {c.header: field_for_header(c.header) for c in CASE_COLUMNS} == {
        c.header: (c.field.id if c.field else None) for c in CASE_COLUMNS
    }


def test_the_field_ids_and_labels_come_from_the_columns() -> None:
    documented = (
        "reference",
        "kind",
        "stage",
        "channel",
        "received",
        "contact_name",
        "contact_email",
        "contact_phone",
        "child_name",
        "child_dob",
        "category",
        "officer",
        "acknowledged",
        "responded",
        "outcome",
        "summary",
    )  # the command line's contract (DESIGN.md): these ids, in this order; new fields may join them
    assert tuple(f for f in FIELDS if f in documented) == documented
    assert FIELD_LABELS["child_dob"] == "Child date of birth"
    assert REQUIRED_FIELDS == ("kind", "received")
    assert (label_for("received_on"), label_for("contact_email"), label_for("nothing")) == (
        "Received",
        "Contact email",
        "",
    )


def test_every_column_reads_a_line_field_by_name() -> None:
    names = {f.name for f in fields(CaseLine)}
    assert [c.name for c in CASE_COLUMNS if c.name not in names] == []
    assert {
        "contact_name": "NAME",
        "contact_email": "EMAIL",
        "contact_phone": "PHONE",
        "contact_address": "ADDRESS",
        "child_name": "NAME",
        "child_dob": "",
        "summary": "",
        "representative_name": "NAME",
        "representative_email": "EMAIL",
        "representative_phone": "PHONE",
        "representative_address": "ADDRESS",
        "child_identifier": "ID",
        "description": "",
        "adjustments": "",
        "matter_late_reason": "",
        "closure_reason": "",
        **{
            f"s{n}_{name}": ""
            for n in (1, 2)
            for name in (
                "acknowledge_late_reason",
                "extension_reason",
                "respond_late_reason",
                "reasons",
                "learning",
            )
        },
        "s2_escalation_late_reason": "",
    } == PSEUDONYMS


def test_a_parsed_row_becomes_the_case_it_describes() -> None:
    parsed = parse_row(
        3,
        {
            "reference": " mp-77 ",
            "kind": "Stage 2 complaint",
            "received": "03/01/2025",
            "channel": "Telephone",
            "contact_name": "Jo  Bloggs",
            "contact_phone": 7700900123,
            "child_name": "Amy",
            "child_dob": "9/3/15",
            "outcome": "Partly upheld",
            "summary": "",
        },
        TODAY,
    )
    assert parsed.errors == ()
    assert case_input(parsed.values) == CaseInput(
        kind=CaseKind.COMPLAINT,
        received_on=date(2025, 1, 3),
        stage=2,
        channel=Channel.PHONE,
        contact=PersonInput(name="Jo Bloggs", phone="07700900123"),
        child=PersonInput(name="Amy", date_of_birth=date(2015, 3, 9)),
        reference="MP-77",
        outcome=Outcome.PARTLY_UPHELD.value,
    )


def test_a_sheet_with_every_exported_header_maps_each_importable_column(tmp_path: Path) -> None:
    path = tmp_path / "headers.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Cases"
    sheet.append([c.header for c in CASE_COLUMNS])
    workbook.save(path)
    assert read_layout(path).fields() == {c.field.id: c.header for c in CASE_COLUMNS if c.field}
