"""The administration commands: retention, staff, audit and subject-access, with one-line errors."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from send_desk.bootstrap import Desk
from send_desk.cli import main as cli_main
from send_desk.services import context
from send_desk.values.cases import CaseDetail
from tests.conftest import FakeClock, complaint_input


@pytest.fixture(autouse=True)
def _admin_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register the admin commands (the lead wires them into COMMAND_MODULES) and act as sam.patel."""
    modules = (*cli_main.COMMAND_MODULES, "send_desk.cli.admin")
    if "send_desk.cli.admin" in cli_main.COMMAND_MODULES:
        modules = cli_main.COMMAND_MODULES
    original = cli_main.build_parser
    monkeypatch.setattr(cli_main, "build_parser", lambda modules=modules: original(modules))
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")


def run(args: list[str], capsys: pytest.CaptureFixture[str], code: int = 0) -> str:
    assert cli_main.main(args) == code
    captured = capsys.readouterr()
    return captured.out if code == 0 else captured.err


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(run([*args, "--json"], capsys))


@pytest.fixture
def old_case(desk: Desk, clock: FakeClock) -> CaseDetail:
    """Return a complaint closed on 3 June 2019 (the desk fixture's clock goes back to 27/11/2026)."""
    from send_desk.domain.kinds import ClosureCode

    clock.set_date(date(2019, 6, 3))
    case = desk.cases.log_case(complaint_input(received=date(2019, 5, 28)))
    case = desk.cases.close(
        case.id, code=ClosureCode.WITHDRAWN, on=date(2019, 6, 3), expected_version=case.version
    )
    clock.set_date(date(2026, 11, 27))
    return case


def test_staff_list_add_role_deactivate(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database", database_url]
    listed = run_json([*db, "staff", "list"], capsys)
    assert isinstance(listed, list)
    assert {p["login"]: p["role"] for p in listed} == {
        "sam.patel": "admin",
        "alex.jones": "officer",
        "priya.shah": "manager",
    }
    added = run_json(
        [*db, "staff", "add", "kim.lee", "Kim Lee", "--role", "manager", "--team", "SEND"], capsys
    )
    assert added == {"login": "kim.lee", "name": "Kim Lee", "role": "manager", "team": "SEND", "active": True}
    assert run_json([*db, "staff", "role", "kim.lee", "admin"], capsys)["role"] == "admin"  # type: ignore[index]
    assert run_json([*db, "staff", "deactivate", "kim.lee"], capsys)["active"] is False  # type: ignore[index]
    assert "kim.lee" not in run([*db, "staff", "list"], capsys)
    assert "switched off" in run([*db, "staff", "list", "--all"], capsys)


def test_officer_is_refused_in_one_line(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context, "os_login", lambda: "alex.jones")
    err = run(["--database", database_url, "staff", "add", "kim.lee", "Kim Lee"], capsys, code=1)
    assert err == "send-desk: error: Only an admin can manage staff and roles. Ask your SEND Desk admin.\n"
    err = run(["--database", database_url, "audit", "--json"], capsys, code=1)
    assert "Only a manager or an admin can look at the audit trail" in err
    assert err.count("\n") == 1


def test_retention_preview_then_apply(
    desk: Desk, old_case: CaseDetail, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = ["--database", database_url]
    # the command line uses the real clock, so the cut-off is six years before the real today
    preview = run_json([*db, "retention", "--preview", "--before", "2020-01-01"], capsys)
    assert preview == {
        "cutoff": "2020-01-01",
        "count": 1,
        "cases": [{"reference": old_case.reference, "kind": "complaint", "closed": "2019-06-03"}],
    }
    assert "would be anonymised" in run([*db, "retention", "--preview", "--before", "2020-01-01"], capsys)
    applied = run_json([*db, "retention", "--apply", "--before", "2020-01-01"], capsys)
    assert isinstance(applied, dict)
    assert applied["references"] == [old_case.reference]
    assert desk.cases.get(old_case.id).anonymised
    again = run_json([*db, "retention", "--preview", "--before", "2020-01-01"], capsys)
    assert again["count"] == 0  # type: ignore[index]


def test_retention_needs_a_mode(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli_main.main(["--database", database_url, "retention"])
    assert exit_info.value.code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_audit_json_and_export(
    desk: Desk, complaint: CaseDetail, database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--database", database_url]
    desk.cases.acknowledge(complaint.id, on=date(2026, 11, 27), expected_version=complaint.version)
    entries = run_json([*db, "audit", "--case", complaint.reference], capsys)
    assert isinstance(entries, list)
    assert [e["action"] for e in entries] == ["acknowledge", "log"]
    assert entries[0]["changes"]["acknowledged_on"] == [None, "2026-11-27"]
    assert entries[0]["login"] == "sam.patel"
    out = tmp_path / "audit.xlsx"
    result = run_json([*db, "audit", "--case", complaint.reference, "--out", str(out)], capsys)
    assert result == {"out": str(out), "entries": 2}
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet.max_row > 2
    assert "send-desk: error:" in run([*db, "audit", "--out", str(tmp_path / "a.csv")], capsys, code=2)


def test_subject_access_finds_and_packs(
    desk: Desk, complaint: CaseDetail, database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "pack.xlsx"
    found = run_json(
        ["--database", database_url, "subject-access", "--email", "jo.bloggs@example.org", "--out", str(out)],
        capsys,
    )
    assert isinstance(found, dict)
    assert [c["reference"] for c in found["cases"]] == [complaint.reference]
    assert load_workbook(out).sheetnames == ["Cases", "People", "Stages", "Timeline", "Documents"]


def test_retention_says_how_many_documents_it_removed(
    desk: Desk, old_case: CaseDetail, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    desk.documents.add(old_case.reference, "Jo's letter.pdf", b"%PDF letter")
    desk.documents.add(old_case.reference, "call.eml", b"From: jo@example.org\r\n\r\nHello")
    db = ["--database", database_url]
    assert run([*db, "retention", "--apply", "--before", "2020-01-01"], capsys) == (
        "Anonymised 1 case(s) closed before 01/01/2020. Removed the 2 document(s) kept against them.\n"
    )
    assert desk.documents.list(old_case.reference) == []


def test_subject_access_pack_says_where_the_documents_are(
    desk: Desk, complaint: CaseDetail, database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    desk.documents.add(complaint.reference, "response.pdf", b"%PDF response")
    out = tmp_path / "pack.xlsx"
    text = run(
        ["--database", database_url, "subject-access", "--email", "jo.bloggs@example.org", "--out", str(out)],
        capsys,
    )
    folder = tmp_path / "pack documents"
    assert text.endswith(f"Wrote the pack of 1 case(s) to {out}. Their documents are in {folder}.\n")
    assert (folder / complaint.reference / "response.pdf").read_bytes() == b"%PDF response"
