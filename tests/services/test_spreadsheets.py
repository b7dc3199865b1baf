"""Export and import use cases over a real desk: messy trackers, round trip, pseudonymise, cancel."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.models import AuditEntry, Case
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, ClosureCode, Outcome, Rag, Role
from send_desk.services.admin import PolicyAdminService
from send_desk.services.spreadsheets import ExportService, ImportService, Pseudonymiser
from send_desk.services.staff import StaffService
from send_desk.values.cases import CaseFilter, CaseInput, PersonInput
from tests.conftest import FakeClock, complaint_input, examples

MESSY_HEADERS = [
    "Ref No",
    "Type",
    "Date Rec'd",
    "Parent name",
    "Child's name",
    "DOB",
    "Category",
    "Ack sent",
    "Response date",
    "Outcome",
    "Notes",
    "Assigned to",
    "RAG (manual)",
]


def messy_tracker(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "2025"
    ws.append(["SEND complaints and enquiries 2025 - DO NOT SORT"])
    ws.append([])
    ws.append(MESSY_HEADERS)
    rows: list[list[Any]] = [
        # 4: a real date cell, text dates, whitespace to trim
        [
            "  LEG-001 ",
            "Stage 1 complaint",
            datetime(2025, 1, 3),
            " Jo  Smith ",
            "Amy Smith",
            "09/03/2015",
            "assessment delay",
            "06/01/2025",
            "3rd Feb 2025",
            "Upheld",
            "Assessment late",
            "Alex Jones",
            "G",
        ],
        # 5: blank
        [None] * 13,
        # 6: MP enquiry, "3rd Jan 2025", an Excel serial number for the acknowledgement
        [
            "LEG-002",
            "MP",
            "3rd Jan 2025",
            "Sam Lee",
            "",
            None,
            "Annual review",
            45663,
            None,
            "n/a",
            "",
            "",
            "",
        ],
        # 7: FOI received as a serial number
        ["LEG-003", "foi", 45660, "Kim Ng", "", None, "", None, "20/01/2025", "", "", "alex.jones", ""],
        # 8: two problems in one row
        ["LEG-004", "Stage 3 complaint", "31/02/2025", "Pat", "", None, "", None, None, "", "", "", ""],
        # 9: no received date
        ["LEG-005", "complaint", "", "Lou", "", None, "", None, None, "", "", "", ""],
        # 10: received in the future (today is 27/11/2026)
        ["LEG-006", "Enquiry", "01/12/2026", "Max", "", None, "", None, None, "", "", "", ""],
        # 11: a category the desk does not have, an officer who is not staff
        [
            "LEG-007",
            "Enquiry",
            "02/02/2025",
            "Ann",
            "",
            None,
            "Transprot",
            None,
            None,
            "",
            "",
            "Bob Gone",
            "",
        ],
        # 12: whitespace only: blank
        ["  ", " ", None, "", "", None, "", None, None, "", "", "", ""],
        # 13: the reference again
        ["leg-001", "Enquiry", "05/02/2025", "Jo Smith", "", None, "", None, None, "", "", "", ""],
        # 14: a formula never calculated reads as blank; accepted
        ["LEG-008", "Compliment", "06/02/2025", "Val", "", None, "", None, None, "", "=1+2", "", ""],
        # 15: a reference already on the desk
        ["SD-EXIST-1", "Enquiry", "07/02/2025", "Ed", "", None, "", None, None, "", "", "", ""],
        # 16: a 300-character name (a 40,000-character note is cut to a cell's 32,767 by openpyxl)
        ["LEG-009", "Enquiry", "10/02/2025", "D" * 300, "", None, "", None, None, "", "x" * 40000, "", ""],
        # 17: a response before receipt
        ["LEG-010", "Enquiry", "10/02/2025", "Di", "", None, "", None, "01/02/2025", "", "", "", ""],
    ]
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def existing(desk: Desk) -> None:
    desk.cases.log_case(complaint_input(reference="SD-EXIST-1"))


def test_messy_tracker_exact_counts_and_messages(desk: Desk, existing: None, tmp_path: Path) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    service = ImportService(desk.ctx)
    layout = service.preview(path)
    assert (layout.sheet, layout.header_row) == ("2025", 3)
    assert layout.unmapped() == []  # kept, not lost
    assert [(e.header, e.role) for e in layout.extras] == [("RAG (manual)", "description")]
    result = service.run(path, dry_run=True)
    assert result.rows_read == 12
    assert result.blank_rows == 2
    assert result.accepted == 4
    assert result.imported == 0
    assert [(s.row, s.reference) for s in result.skipped_existing] == [(15, "SD-EXIST-1")]
    assert {r.row: list(r.errors) for r in result.rejected} == {
        8: [
            "Kind: 'Stage 3 complaint' is not a kind of case; use complaint, enquiry, MP enquiry, councillor "
            "enquiry, FOI, EIR, SAR, Ombudsman or compliment.",
            "Received: '31/02/2025' is not a real date.",
        ],
        9: ["Received: the date the case was received is missing."],
        10: [
            "Received: The received date 01/12/2026 is in the future. Enter the day it arrived.",
        ],
        11: [
            "Category: 'Transprot' is not one of the desk's categories. Did you mean 'SEND transport'? "
            "Correct it in the sheet, or ask an admin to add the category.",
            "Officer: 'Bob Gone' is not a member of staff on the desk. Add them under Staff (or correct the "
            'name), or leave the officer column out with --map "Header=ignore".',
        ],
        13: ["Reference: LEG-001 appears twice in the sheet (first at row 4)."],
        16: ["Contact name is 300 characters long; the most it can hold is 200."],
        17: ["Responded: The response date 01/02/2025 is before the received date 10/02/2025."],
    }
    with desk.ctx.db.read() as session:
        assert session.scalar(select(func.count(Case.id))) == 1  # a dry run writes nothing


def test_real_import_keeps_recorded_dates_and_computes_due_dates(
    desk: Desk, existing: None, tmp_path: Path
) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    result = ImportService(desk.ctx).run(path)
    assert result.imported == 4
    assert result.references == ["LEG-001", "LEG-002", "LEG-003", "LEG-008"]
    first = desk.cases.get_by_reference("LEG-001")
    assert (first.kind, first.stage, first.received_on) == (CaseKind.COMPLAINT, 1, date(2025, 1, 3))
    assert first.contact is not None
    assert first.contact.name == "Jo Smith"
    assert first.child is not None
    assert (first.child.name, first.child.date_of_birth) == ("Amy Smith", date(2015, 3, 9))
    assert (first.category, first.outcome) == ("Assessment delay", Outcome.UPHELD.value)
    assert (first.acknowledged_on, first.responded_on) == (date(2025, 1, 6), date(2025, 2, 3))
    assert first.officer is not None
    assert first.officer.login == "alex.jones"
    assert first.acknowledge_by == date(2025, 1, 10)  # 5 working days after Fri 3 Jan 2025
    mp = desk.cases.get_by_reference("LEG-002")
    assert (mp.kind, mp.received_on, mp.acknowledged_on) == (
        CaseKind.MP_ENQUIRY,
        date(2025, 1, 3),
        date(2025, 1, 6),
    )
    foi = desk.cases.get_by_reference("LEG-003")
    assert (foi.received_on, foi.responded_on, foi.respond_by) == (
        date(2025, 1, 3),
        date(2025, 1, 20),
        date(2025, 1, 31),
    )
    compliment = desk.cases.get_by_reference("LEG-008")
    assert compliment.summary == ""
    with desk.ctx.db.read() as session:
        actions = list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.case_reference.like("LEG-%")))
        )
    assert actions == ["import"] * 4


def test_import_is_all_or_nothing(desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = messy_tracker(tmp_path / "tracker.xlsx")
    from send_desk.services import cases as cases_module

    real = cases_module._BulkRows.rows
    calls = {"n": 0}

    def failing(self: Any, data: Any, reference: str) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise ValidationError("Simulated failure on the third case.")
        return real(self, data, reference)

    monkeypatch.setattr(cases_module._BulkRows, "rows", failing)
    with pytest.raises(ValidationError, match="third case"):
        ImportService(desk.ctx).run(path)
    with desk.ctx.db.read() as session:
        assert session.scalar(select(func.count(Case.id))) == 0


def test_mapping_corrections(desk: Desk, tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Case", "What", "When", "Who"])
    ws.append(["X-1", "FOI", "03/01/2025", "Jo"])
    wb.save(path)
    service = ImportService(desk.ctx)
    with pytest.raises(Exception, match="No header row was found"):
        service.preview(path)
    mapping = {"Case": "reference", "What": "kind", "When": "received", "Who": "contact_name"}
    result = service.run(path, mapping, dry_run=True)
    assert (result.header_row, result.accepted, result.rejected) == (1, 1, [])
    with pytest.raises(ValidationError, match="'nonsense' \\(for the column 'Who'\\) is not a field"):
        service.preview(path, mapping={**mapping, "Who": "nonsense"})
    with pytest.raises(ValidationError, match="No column is mapped to Received"):
        service.run(path, {**mapping, "When": "ignore"}, dry_run=True)


# ----- export -----------------------------------------------------------------------------------
@pytest.fixture
def varied(desk: Desk, clock: FakeClock) -> list[str]:
    """Log a varied set of cases over the autumn and work some of them."""
    refs = []
    clock.set_date(date(2026, 10, 1))
    c1 = desk.cases.log_case(
        complaint_input(date(2026, 9, 28), summary='=HYPERLINK("http://evil")\x0b pasted', outcome=None)
    )
    c1 = desk.cases.acknowledge(c1.id, on=date(2026, 9, 29), expected_version=c1.version)
    clock.set_date(date(2026, 10, 20))
    c1 = desk.cases.respond(
        c1.id, on=date(2026, 10, 9), expected_version=c1.version, outcome=Outcome.PARTLY_UPHELD
    )
    c1 = desk.cases.close(
        c1.id, code=ClosureCode.RESPONDED, on=date(2026, 10, 9), expected_version=c1.version
    )
    refs.append(c1.reference)
    clock.set_date(date(2026, 11, 27))
    c2 = desk.cases.log_case(
        complaint_input(
            date(2026, 11, 2),
            kind=CaseKind.FOI,
            contact=PersonInput(name="Ravi Kumar", email="ravi@example.org", phone="+44 7700 900456"),
            child=PersonInput(),
            category="Data protection / records",
            summary="Request for my son's records",
        )
    )
    refs.append(c2.reference)
    c3 = desk.cases.log_case(
        complaint_input(date(2026, 11, 25), kind=CaseKind.MP_ENQUIRY, officer_login=None, reference="MP-77")
    )
    refs.append(c3.reference)
    c4 = desk.cases.log_case(complaint_input(date(2026, 11, 10), contact=PersonInput(name="Jo Bloggs")))
    refs.append(c4.reference)
    return refs


def test_export_reads_back_with_types_and_text(desk: Desk, varied: list[str], tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    progress = list(ExportService(desk.ctx).export(out))
    assert progress[-1].done == 4
    assert progress[-1].total == 4
    ws = openpyxl.load_workbook(out)["Cases"]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert [r[0] for r in rows] == [varied[0], varied[1], varied[3], "MP-77"]  # received order
    first = rows[0]
    headers = [c.value for c in ws[1]]
    record = dict(zip(headers, first, strict=True))
    assert record["Kind"] == "Complaint"
    assert record["Received"] == datetime(2026, 9, 28)
    assert record["Acknowledged"] == datetime(2026, 9, 29)
    assert record["Responded"] == datetime(2026, 10, 9)
    assert record["Working days taken"] == 9
    assert record["Within target"] == "Yes"
    assert record["Outcome"] == "Partly upheld"
    assert record["Closure code"] == "Responded"
    assert record["Status"] == "Closed"
    assert record["State"] == "Done"
    assert record["Summary"] == '=HYPERLINK("http://evil") pasted'
    assert ws.cell(2, headers.index("Summary") + 1).data_type == "s"
    foi = dict(zip(headers, rows[1], strict=True))
    assert foi["Contact phone"] == "+44 7700 900456"
    assert foi["Respond by"] == datetime(2026, 12, 1)


def test_export_respects_the_filter(desk: Desk, varied: list[str], tmp_path: Path) -> None:
    out = tmp_path / "log.xlsx"
    case_filter = CaseFilter(status="open", received_from=date(2026, 11, 5))
    outcome = ExportService(desk.ctx).export_all(out, case_filter)
    assert outcome.cases == 2
    wb = openpyxl.load_workbook(out)
    assert [r[0] for r in wb["Cases"].iter_rows(min_row=2, values_only=True)] == [varied[3], "MP-77"]
    about = dict(wb["About"].iter_rows(values_only=True))
    assert about["Filter: Status"] == "Open cases"
    assert about["Filter: Received from"] == "05/11/2026"
    assert about["Exported by"].endswith("(sam.patel)")


def test_keyset_batches_cover_every_case_once(desk: Desk, varied: list[str]) -> None:
    lines = list(ExportService(desk.ctx).lines(CaseFilter(status="all"), batch=1))
    assert [line.reference for line in lines] == [varied[0], varied[1], varied[3], "MP-77"]


def test_pseudonymised_export(desk: Desk, varied: list[str], tmp_path: Path) -> None:
    out = tmp_path / "shared.xlsx"
    ExportService(desk.ctx).export_all(out, pseudonymise=True)
    wb = openpyxl.load_workbook(out)
    ws = wb["Cases"]
    headers = [c.value for c in ws[1]]
    records = [dict(zip(headers, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    names = [r["Contact name"] for r in records]
    assert all(n.startswith("NAME-") and len(n) == 15 for n in names)
    # Jo Bloggs is on three cases: the same token each time; Ravi Kumar differs
    assert names[0] == names[2] == names[3] != names[1]
    assert records[1]["Contact email"].startswith("EMAIL-")
    assert records[1]["Contact phone"].startswith("PHONE-")
    assert all(r["Summary"] is None and r["Child date of birth"] is None for r in records)
    text = "".join(str(v) for r in records for v in r.values())
    for secret in ("Bloggs", "Ravi", "example.org", "7700", "son's", "HYPERLINK"):
        assert secret not in text
    about = dict(wb["About"].iter_rows(values_only=True))
    assert about["Pseudonymised"] == "Yes"
    assert "HMAC-SHA256" in about["Personal data"]


def test_pseudonymiser_is_stable_within_a_key_and_differs_across() -> None:
    one = Pseudonymiser(b"k" * 32)
    assert one.token("NAME", "Jo  Bloggs") == one.token("NAME", "jo bloggs")
    assert one.token("PHONE", "07700 900123") == one.token("PHONE", "07700-900-123")
    assert one.token("NAME", "") == ""
    assert Pseudonymiser().token("NAME", "Jo Bloggs") != Pseudonymiser().token("NAME", "Jo Bloggs")


def test_cancelled_export_leaves_no_file(
    desk: Desk, varied: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from send_desk.services import spreadsheets

    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 1)
    folder = tmp_path / "exports"
    folder.mkdir()
    steps = ExportService(desk.ctx).export(folder / "log.xlsx")
    assert next(steps).done == 1
    steps.close()
    assert list(folder.iterdir()) == []


def test_round_trip_into_an_empty_database(
    desk: Desk, varied: list[str], clock: FakeClock, tmp_path: Path
) -> None:
    out = tmp_path / "log.xlsx"
    ExportService(desk.ctx).export_all(out, CaseFilter(status="all"))
    other = open_desk(str(tmp_path / "empty.sqlite3"), clock=clock, login="sam.patel")
    try:
        staff = StaffService(other.ctx)
        staff.me()
        staff.add_staff("alex.jones", "Alex Jones", role=Role.OFFICER, team="SEND casework")
        result = ImportService(other.ctx).run(out)
        assert (result.imported, result.rejected, result.skipped_existing) == (4, [], [])

        def facts(d: Desk) -> list[tuple[Any, ...]]:
            rows = d.register.list_cases(CaseFilter(status="all"))
            out_rows = []
            for row in rows:
                c = d.cases.get(row.id)
                out_rows.append(
                    (
                        c.reference,
                        c.kind,
                        c.stage,
                        c.channel,
                        c.received_on,
                        c.acknowledged_on,
                        c.responded_on,
                        c.contact.name if c.contact else "",
                        c.contact.email if c.contact else "",
                        c.contact.phone if c.contact else "",
                        c.child.name if c.child else "",
                        c.child.date_of_birth if c.child else None,
                        c.category,
                        c.outcome,
                        c.officer.login if c.officer else None,
                        c.summary.replace("\x0b", ""),
                    )
                )
            return sorted(out_rows)

        assert facts(other) == facts(desk)
    finally:
        other.close()


# ----- property: random sheets never crash the importer --------------------------------------------
safe_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
cell = st.one_of(
    st.none(),
    safe_text,
    st.integers(min_value=-(10**9), max_value=10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
    st.sampled_from(["Stage 2 complaint", "FOI", "MP", "3rd Jan 2025", "01/02/2025", "Upheld", "=A1", "  "]),
)
HEADERS = [
    "Reference",
    "Kind",
    "Stage",
    "Received",
    "Contact name",
    "Contact phone",
    "Category",
    "Outcome",
    "Responded",
]


@settings(max_examples=examples(dev=25, ci=200), suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(cell, min_size=len(HEADERS), max_size=len(HEADERS)), min_size=1, max_size=8))
def test_random_cells_are_accepted_or_rejected_with_a_reason(
    desk: Desk, tmp_path: Path, rows: list[list[Any]]
) -> None:
    path = tmp_path / "random.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)
    result = ImportService(desk.ctx).run(path, dry_run=True)
    assert result.accepted + len(result.rejected) + len(result.skipped_existing) == result.rows_read
    # blank rows after the last filled one are not in the sheet's range (the whole-sheet reader)
    trailing = len(rows) - max(
        (i + 1 for i, row in enumerate(rows) if any(v not in (None, "") for v in row)), default=0
    )
    assert len(rows) - trailing <= result.rows_read + result.blank_rows <= len(rows)
    assert all(r.errors and all(isinstance(e, str) and e for e in r.errors) for r in result.rejected)


def test_export_and_import_yield_the_one_progress_type(
    desk: Desk, varied: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from send_desk.gui.tasks import Progress as GuiProgress
    from send_desk.services import spreadsheets
    from send_desk.values.progress import Progress

    monkeypatch.setattr(spreadsheets, "PROGRESS_EVERY", 1)
    out = tmp_path / "log.xlsx"
    exported = list(ExportService(desk.ctx).export(out))
    assert exported[:2] == [
        Progress(1, 4, "Exported 1 of 4 cases…"),
        Progress(2, 4, "Exported 2 of 4 cases…"),
    ]
    checked = list(ImportService(desk.ctx).steps(out, dry_run=True))
    assert checked[-1] == Progress(4, 4, "Checked every row.")
    assert GuiProgress is Progress


def test_export_rag_follows_each_kinds_due_soon_window(desk: Desk, clock: FakeClock, tmp_path: Path) -> None:
    """The export shades and states RAG as the register does: by each kind's policy window, not a fixed 2."""
    clock.set_date(date(2026, 6, 1))
    PolicyAdminService(desk.ctx).propose_change(CaseKind.ENQUIRY, 1, {"due_soon_days": 5})
    enquiry = desk.cases.log_case(CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 5, 22)))
    complaint = desk.cases.log_case(complaint_input(date(2026, 5, 22)))  # the default window, 2 days
    complaint = desk.cases.acknowledge(complaint.id, on=date(2026, 5, 22), expected_version=complaint.version)
    foi = desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 5, 11)))
    desk.cases.request_clarification(foi.id, on=date(2026, 5, 12), expected_version=foi.version)
    clock.set_date(date(2026, 6, 2))  # Tue: 4 working days before Mon 8 June
    assert (enquiry.respond_by, complaint.next_due) == (date(2026, 6, 8), date(2026, 6, 8))
    out = tmp_path / "log.xlsx"
    list(ExportService(desk.ctx).export(out))
    ws = openpyxl.load_workbook(out)["Cases"]
    headers = [c.value for c in ws[1]]
    respond_by = headers.index("Respond by") + 1
    found = {
        row[0].value: (row[headers.index("State")].value, row[respond_by - 1].fill.start_color.rgb)
        for row in ws.iter_rows(min_row=2)
    }
    assert found == {
        foi.reference: ("Waiting for the requester", "FFE3EEFA"),
        complaint.reference: ("On track", "FFB7E1CD"),
        enquiry.reference: ("Due soon", "FFFCE8B2"),
    }
    rows = {r.reference: r.rag for r in desk.register.rows([enquiry.id, complaint.id, foi.id])}
    assert rows == {
        enquiry.reference: Rag.DUE_SOON,
        complaint.reference: Rag.ON_TRACK,
        foi.reference: Rag.WAITING,
    }
