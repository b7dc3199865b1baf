"""`send-desk report`: JSON figures and PDFs written headless, checked by extracting the PDF's text."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

import send_desk.cli.main as cli_main
import send_desk.cli.report as cli_report
from send_desk.bootstrap import Desk, open_desk
from send_desk.domain.kinds import CaseKind
from send_desk.values.cases import CaseInput, PersonInput
from tests.conftest import FakeClock
from tests.services.test_reporting import build_known_weeks

MODULES = (*[m for m in cli_main.COMMAND_MODULES if m != "send_desk.cli.report"], "send_desk.cli.report")
BUILD_PARSER = cli_main.build_parser
Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    database_url: str,
    clock: FakeClock,
    desk: Desk,
) -> Run:
    """Run `send-desk --database <test db> ...` with the report command and the test clock."""
    monkeypatch.setattr(cli_main, "build_parser", functools.partial(BUILD_PARSER, MODULES))
    monkeypatch.setattr(
        cli_report, "desk_for", lambda g: open_desk(g.database, clock=clock, login="sam.patel")
    )

    def _run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli_main.main(["--database", database_url, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(str(path))
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages)


def add_overdue_enquiries(desk: Desk, count: int) -> list[str]:
    """Log `count` enquiries received on 1 September 2026: all overdue (due 15 September) by week 47."""
    inputs = [
        CaseInput(
            kind=CaseKind.ENQUIRY,
            received_on=date(2026, 9, 1),
            contact=PersonInput(name=f"Parent {n}"),
            summary=f"Enquiry {n}",
            officer_login="alex.jones",
        )
        for n in range(count)
    ]
    return desk.cases.log_many(inputs, action="log") if inputs else []


def test_weekly_json(run: Run, desk: Desk) -> None:
    refs = build_known_weeks(desk)
    code, out, err = run("report", "weekly", "--week", "2026-W47", "--json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["week"] == "2026-W47"
    assert data["received"] == 4
    assert data["received_by_kind"] == {"complaint": 1, "mp-enquiry": 1, "ombudsman": 1, "compliment": 1}
    assert (data["acknowledged"], data["acknowledged_on_time"]) == (2, 2)
    assert (data["responded"], data["responded_on_time"]) == (3, 2)
    assert data["open_at_end"] == 9
    assert data["overdue"] == [refs["F"], refs["L"]]


def test_weekly_defaults_to_last_week(run: Run) -> None:
    code, out, _ = run("report", "weekly", "--json")
    assert code == 0
    assert json.loads(out)["week"] == "2026-W47"


def test_weekly_pdf_text_has_the_week_counts_and_overdue_references(
    run: Run, desk: Desk, tmp_path: Path
) -> None:
    refs = build_known_weeks(desk)
    out_file = tmp_path / "summary.pdf"
    code, out, err = run(
        "report", "weekly", "--week", "2026-W47", "--out", str(out_file), "--team", "North SEND"
    )
    assert code == 0, err
    assert out == ""
    pages, text = pdf_text(out_file)
    assert 1 <= pages <= 4
    flat = " ".join(text.split())
    assert "North SEND" in flat
    assert "2026-W47" in flat
    assert "Received this week 4" in flat
    assert "Acknowledged on time 2 of 2, 100%" in flat
    assert "Responded on time (including extensions) 2 of 3, 67%" in flat
    assert "Open at the end of the week 9" in flat
    assert refs["F"] in flat
    assert refs["L"] in flat
    assert "Complex case" in flat
    assert f"Page 1 of {pages}" in flat
    assert "Generated on 27/11/2026 10:00 by Sam Patel" in flat


@pytest.mark.parametrize(
    ("overdue", "max_pages"),
    # 200 overdue run every day (7 pages); 500 (13 pages) is the same check at scale, in the slow run
    [(0, 3), (10, 3), (200, 9), pytest.param(500, 20, marks=pytest.mark.slow)],
)
def test_weekly_pdf_page_count_is_sane(
    run: Run, desk: Desk, tmp_path: Path, overdue: int, max_pages: int
) -> None:
    refs = add_overdue_enquiries(desk, overdue)
    out_file = tmp_path / "summary.pdf"
    code, _, err = run("report", "weekly", "--week", "2026-W47", "--out", str(out_file))
    assert code == 0, err
    pages, text = pdf_text(out_file)
    print(f"{overdue} overdue: {pages} pages")
    assert 2 <= pages <= max_pages
    flat = " ".join(text.split())
    assert f"Page {pages} of {pages}" in flat
    if refs:
        assert refs[0] in flat
        assert refs[-1] in flat
        # every overdue reference printed once, none lost at a page break
        assert sum(flat.count(ref) for ref in refs) == overdue
    else:
        assert "Nothing was overdue." in flat


def test_annual_json_and_pdf(run: Run, desk: Desk, tmp_path: Path) -> None:
    build_known_weeks(desk)
    code, out, _ = run("report", "annual", "--year", "2026", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["year"] == "2026-27"
    assert data["complaints_by_stage"] == {"1": 5, "2": 1}
    assert data["financial_redress_pence"] == 25000
    out_file = tmp_path / "annual.pdf"
    code, _, err = run("report", "annual", "--year", "2026", "--out", str(out_file))
    assert code == 0, err
    pages, text = pdf_text(out_file)
    flat = " ".join(text.split())
    assert pages >= 1
    assert "complaints 2026-27" in flat
    assert "£250.00" in flat
    assert "Check school transport dates" in flat


def test_case_pdf(run: Run, desk: Desk, tmp_path: Path) -> None:
    refs = build_known_weeks(desk)
    out_file = tmp_path / "case.pdf"
    code, _, err = run("report", "case", refs["E"].lower(), "--out", str(out_file))
    assert code == 0, err
    _, text = pdf_text(out_file)
    flat = " ".join(text.split())
    assert refs["E"] in flat
    assert "Stage 1" in flat
    assert "Stage 2" in flat
    assert "Waiting for the school's records" in flat
    assert "Jo Bloggs" in flat
    assert "Printed on 27/11/2026 10:00 by Sam Patel." in flat


def test_errors_are_one_line(run: Run, tmp_path: Path) -> None:
    code, out, err = run("report", "weekly", "--week", "48", "--json")
    assert code == 1
    assert out == ""
    assert err.startswith("send-desk: error: '48' is not a week")
    assert err.count("\n") == 1
    with pytest.raises(SystemExit) as exit_info:
        run("report", "weekly", "--json", "--out", str(tmp_path / "x.pdf"))
    assert exit_info.value.code == 2


def test_output_needs_a_pdf_in_an_existing_folder(run: Run, tmp_path: Path) -> None:
    code, _, err = run("report", "weekly", "--out", str(tmp_path / "summary.txt"))
    assert code == 2
    assert "should end in .pdf" in err
    code, _, err = run("report", "annual", "--out", str(tmp_path / "missing" / "a.pdf"))
    assert code == 2
    assert "does not exist" in err
