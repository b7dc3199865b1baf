"""`send-desk export` and `send-desk import` as scripts call them."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from send_desk.bootstrap import Desk
from send_desk.cli import main as cli_main
from send_desk.cli.main import COMMAND_MODULES, build_parser
from tests.conftest import complaint_input

MODULES = (
    *tuple(m for m in COMMAND_MODULES if m != "send_desk.cli.spreadsheets"),
    "send_desk.cli.spreadsheets",
)


@pytest.fixture(autouse=True)
def with_spreadsheet_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_main, "COMMAND_MODULES", MODULES)
    monkeypatch.setattr(cli_main, "build_parser", lambda modules=MODULES: build_parser(modules))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli_main.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def logged(desk: Desk) -> list[str]:
    refs = [desk.cases.log_case(complaint_input()).reference]
    refs.append(desk.cases.log_case(complaint_input(reference="OLD-1", summary="@mention")).reference)
    from datetime import date

    from send_desk.domain.kinds import CaseKind

    refs.append(desk.cases.log_case(complaint_input(date(2026, 10, 1), kind=CaseKind.FOI)).reference)
    return refs


def test_export_json_and_file(
    capsys: pytest.CaptureFixture[str], database_url: str, logged: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "log.xlsx"
    code, stdout, stderr = run(
        capsys,
        "--database",
        database_url,
        "export",
        "--out",
        str(out),
        "--from",
        "2026-11-01",
        "--kind",
        "complaint",
        "--json",
    )
    assert (code, stderr) == (0, "")
    assert json.loads(stdout) == {
        "file": str(out.resolve()),
        "cases": 2,
        "pseudonymised": False,
        "cut_cells": 0,
    }
    ws = openpyxl.load_workbook(out)["Cases"]
    assert ws.max_row == 3


def test_export_plain_and_pseudonymised(
    capsys: pytest.CaptureFixture[str], database_url: str, logged: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "shared.xlsx"
    code, stdout, _ = run(capsys, "--database", database_url, "export", "--out", str(out), "--pseudonymise")
    assert code == 0
    assert stdout == f"Exported 3 cases to {out.resolve()}\n"
    names = [r[5] for r in openpyxl.load_workbook(out)["Cases"].iter_rows(min_row=2, values_only=True)]
    assert all(n.startswith("NAME-") for n in names)


def test_export_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], database_url: str, logged: list[str], tmp_path: Path
) -> None:
    code, stdout, stderr = run(
        capsys, "--database", database_url, "export", "--out", str(tmp_path / "nowhere" / "x.xlsx")
    )
    assert code == 1
    assert stdout == ""
    assert stderr.startswith("send-desk: error: The folder ")
    assert stderr.count("\n") == 1
    with pytest.raises(SystemExit) as exited:
        cli_main.main(["--database", database_url, "export", "--out", "x.xlsx", "--from", "2026-13-01"])
    assert exited.value.code == 2
    stderr = capsys.readouterr().err
    assert "is not a date" in stderr


def tracker(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Log"
    ws.append(["Case No", "Type", "Date Rec'd", "Parent", "Weird"])
    ws.append(["T-1", "Stage 1 complaint", "03/01/2025", "Jo", "x"])
    ws.append(["T-2", "Wibble", "03/01/2025", "Al", "y"])
    ws.append(["OLD-1", "FOI", "3rd Jan 2025", "Sue", "z"])
    ws.append([None, None, None, None, None])
    ws.append(["T-3", "mp", 45660, "Bo", ""])
    wb.save(path)
    return path


def test_import_dry_run_then_real(
    capsys: pytest.CaptureFixture[str], database_url: str, logged: list[str], tmp_path: Path, desk: Desk
) -> None:
    path = tracker(tmp_path / "tracker.xlsx")
    base = [
        "--database",
        database_url,
        "import",
        str(path),
        "--map",
        "Case No=reference",
        "--map",
        "Weird=ignore",
    ]
    code, stdout, stderr = run(capsys, *base, "--dry-run", "--json")
    assert (code, stderr) == (0, "")
    result = json.loads(stdout)
    assert result["dry_run"] is True
    assert result["imported"] == 0
    assert result["accepted"] == 2
    assert result["rejected"] == [
        {
            "row": 3,
            "errors": [
                "Kind: 'Wibble' is not a kind of case; use complaint, enquiry, MP enquiry, "
                "councillor enquiry, FOI, EIR, SAR, Ombudsman or compliment."
            ],
        }
    ]
    assert result["skipped_existing"] == [{"row": 4, "reference": "OLD-1"}]
    assert result["blank_rows"] == 1
    assert result["mapping"] == {
        "reference": "Case No",
        "kind": "Type",
        "received": "Date Rec'd",
        "contact_name": "Parent",
    }
    assert result["ignored_columns"] == ["Weird"]
    code, stdout, _ = run(capsys, *base, "--json")
    result = json.loads(stdout)
    assert (code, result["imported"], result["references"]) == (0, 2, ["T-1", "T-3"])
    assert desk.cases.get_by_reference("T-3").kind.value == "mp-enquiry"
    code, stdout, _ = run(capsys, *base)
    assert stdout.splitlines()[:2] == [
        "Imported 0 cases (sheet 'Log', headers on row 1).",
        "Skipped 3 rows whose reference is already on the desk:",
    ]


def test_import_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.xlsx"
    bogus.write_text("just some text")
    code, stdout, stderr = run(capsys, "--database", database_url, "import", str(bogus))
    assert (code, stdout) == (1, "")
    assert stderr == (
        "send-desk: error: notes.xlsx is not an Excel workbook. Save the tracker from Excel as an .xlsx file "
        "and import that.\n"
    )
    code, _, stderr = run(capsys, "--database", database_url, "import", str(bogus), "--map", "nonsense")
    assert code == 2
    assert stderr.startswith("send-desk: error: --map 'nonsense' must look like \"Header=field\"")
    code, _, stderr = run(capsys, "--database", database_url, "import", str(bogus), "--map", "A=wrong")
    assert code == 2
    assert "'wrong' is not a field" in stderr


def test_export_csv_with_every_column_is_utf8_with_a_bom_and_logged(
    capsys: pytest.CaptureFixture[str], database_url: str, desk: Desk, tmp_path: Path
) -> None:
    from send_desk.reports.sheet_fields import CASE_COLUMNS
    from send_desk.services.export_log import ExportKind
    from send_desk.values.cases import PersonInput

    reference = desk.cases.log_case(
        complaint_input(contact=PersonInput(name="Zoë Brontë", email="zoe@example.org"), summary="=SUM(A1)")
    ).reference
    out = tmp_path / "for-the-crm"
    code, stdout, stderr = run(
        capsys, "--database", database_url, "export", "--out", str(out), "--csv", "--all-columns", "--json"
    )
    assert (code, stderr) == (0, "")
    assert json.loads(stdout)["file"] == str(out.resolve()) + ".csv"
    data = (tmp_path / "for-the-crm.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfReference,Kind,Stage,")
    import csv
    import io

    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [column.header for column in CASE_COLUMNS]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Reference"], row["Contact name"], row["Received"], row["Summary"]) == (
        reference,
        "Zoë Brontë",
        "2026-11-20",
        "'=SUM(A1)",
    )
    (entry,) = desk.export_log.entries()
    assert (entry.kind, entry.target, entry.rows, entry.pseudonymised) == (
        ExportKind.CSV,
        "for-the-crm.csv",
        1,
        False,
    )
    assert entry.filters["Columns"] == len(CASE_COLUMNS)


def test_export_columns_by_header_and_an_unknown_one_in_plain_words(
    capsys: pytest.CaptureFixture[str], database_url: str, logged: list[str], tmp_path: Path
) -> None:
    out = tmp_path / "few.xlsx"
    code, _out, stderr = run(
        capsys,
        "--database",
        database_url,
        "export",
        "--out",
        str(out),
        "--columns",
        "Summary, Reference,Kind",
    )
    assert (code, stderr) == (0, "")
    book = openpyxl.load_workbook(out, read_only=True)
    assert next(book["Cases"].iter_rows(values_only=True)) == ("Summary", "Reference", "Kind")
    book.close()
    code, _out, stderr = run(
        capsys, "--database", database_url, "export", "--out", str(out), "--columns", "Reference,Shoe size"
    )
    assert code != 0
    assert "'Shoe size' is not a column of the export." in stderr


def test_report_pdfs_are_in_the_export_log(
    capsys: pytest.CaptureFixture[str], database_url: str, desk: Desk, logged: list[str], tmp_path: Path
) -> None:
    from send_desk.services.export_log import ExportKind

    for argv in (
        ("report", "weekly", "--week", "2026-W47", "--out", str(tmp_path / "week.pdf")),
        ("report", "annual", "--year", "2025", "--out", str(tmp_path / "year.pdf")),
        ("report", "case", logged[0], "--out", str(tmp_path / "case.pdf")),
    ):
        code, _out, stderr = run(capsys, "--database", database_url, *argv)
        assert code == 0, stderr
    entries = sorted((e.kind, e.target, e.filters) for e in desk.export_log.entries())
    assert entries == [
        (ExportKind.ANNUAL_REPORT, "year.pdf", {"year": 2025}),
        (ExportKind.CASE_PRINTOUT, "case.pdf", {"case": logged[0]}),
        (ExportKind.WEEKLY_REPORT, "week.pdf", {"week": "2026-W47"}),
    ]
