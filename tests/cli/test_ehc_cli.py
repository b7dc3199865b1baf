"""`send-desk case ehc REF --step STEP --on DATE`: the EHC statutory dates on the command line (issue 18)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from send_desk.bootstrap import Desk
from send_desk.cli.main import main
from send_desk.services import context
from tests.cli.test_case_cli import Cli


@pytest.fixture(autouse=True)
def _act_as_sam(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(database_url, capsys)


def test_assessment_request_dates_in_case_show_json(cli: Cli) -> None:
    ref = cli.log("enquiry", "2026-02-02")
    case = cli.ok("case", "ehc", ref, "--step", "assessment-request", "--on", "2026-01-30")
    expected = {
        "step": "assessment-request",
        "started": "2026-01-30",
        "dates": {
            "decide_assessment_by": "2026-03-13",
            "decide_not_to_issue_by": "2026-05-22",
            "final_plan_by": "2026-06-19",
        },
    }
    assert case["ehc"] == expected
    assert cli.ok("case", "show", ref)["ehc"] == expected


@pytest.mark.parametrize(
    ("step", "on", "extra", "dates"),
    [
        ("draft-served", "2026-03-02", (), {"representations_until": "2026-03-16"}),
        (
            "annual-review",
            "2026-02-10",
            (),
            {"review_decision_by": "2026-03-10", "amended_plan_by": "2026-05-05"},
        ),
        ("reassessment", "2026-01-30", (), {"amended_plan_by": "2026-05-08"}),
        ("phase-transfer", "2027-09-01", (), {"transfer_plan_by": "2027-02-15"}),
        ("phase-transfer", "2027-09-01", ("--post16",), {"transfer_plan_by": "2027-03-31"}),
    ],
)
def test_each_step_gives_its_dates(cli: Cli, step: str, on: str, extra: tuple[str, ...], dates: Any) -> None:
    ref = cli.log("complaint", "2026-03-03")
    case = cli.ok("case", "ehc", ref, "--step", step, "--on", on, *extra)
    assert case["ehc"] == {"step": step, "started": on, "dates": dates}


def test_amendment_notice_brings_the_final_amended_plan_forward(cli: Cli) -> None:
    ref = cli.log("enquiry", "2026-02-11")
    cli.ok("case", "ehc", ref, "--step", "annual-review", "--on", "2026-02-10")
    case = cli.ok("case", "ehc", ref, "--notice", "2026-03-01")
    assert case["ehc"]["dates"] == {"review_decision_by": "2026-03-10", "amended_plan_by": "2026-04-26"}
    case = cli.ok("case", "ehc", ref, "--notice", "none")
    assert case["ehc"]["dates"]["amended_plan_by"] == "2026-05-05"


def test_done_and_exception_show_in_the_text(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    ref = cli.log("complaint", "2026-02-02")
    cli.ok("case", "ehc", ref, "--step", "assessment-request", "--on", "2026-01-30")
    cli.ok(
        "case",
        "ehc",
        ref,
        "--done",
        "decide_assessment_by=2026-03-27",
        "--exception",
        "final_plan_by=absent-from-area",
        "--note",
        "Family abroad for 6 weeks",
    )
    assert main([*cli.db, "case", "show", ref]) == 0
    out = capsys.readouterr().out
    assert "EHC: Request for an EHC needs assessment, request received 30/01/2026" in out
    assert "  Decide whether to assess by 13/03/2026: 2 weeks late, done 27/03/2026  [reg 5(1)]" in out
    assert "  Final plan by 19/06/2026: exception recorded (absent-from-area)  [reg 13(2)]" in out


def test_refusals_are_one_plain_line(cli: Cli) -> None:
    ref = cli.log("enquiry", "2026-02-02")
    assert cli.refused("case", "ehc", ref, "--done", "final_plan_by=2026-06-01") == (
        f"{ref} has no EHC step yet: record the step and the day it began first."
    )
    cli.ok("case", "ehc", ref, "--step", "assessment-request", "--on", "2026-01-30")
    assert cli.refused("case", "ehc", ref, "--exception", "decide_assessment_by=missed-appointment") == (
        "reg 5(4) does not list 'missed-appointment' against 'Decide whether to assess'. Its exceptions are: "
        "school-holiday, personal-circumstances, absent-from-area."
    )
    assert cli.refused("case", "ehc", ref, "--done", "transfer_plan_by=2026-03-01") == (
        "The step assessment-request has no date called 'transfer_plan_by'. Its dates are: "
        "decide_assessment_by, decide_not_to_issue_by, final_plan_by."
    )
    assert cli.refused("case", "ehc", ref, "--done", "final_plan_by=2026-01-01") == (
        "Final plan issued (01/01/2026) is before the step began (30/01/2026): check the date."
    )


def test_usage_errors_say_what_to_give(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    ref = cli.log("enquiry", "2026-02-02")
    assert main([*cli.db, "case", "ehc", ref, "--step", "draft-served"]) == 2
    assert capsys.readouterr().err == (
        "send-desk: error: Give --step and --on together: the step and the day it began.\n"
    )
    assert main([*cli.db, "case", "ehc", ref, "--done", "final_plan_by"]) == 2
    assert "--done takes NAME=DATE, e.g. --done final_plan_by=2026-06-19" in capsys.readouterr().err


def test_a_new_step_goes_on_top_of_the_history(cli: Cli, desk: Desk) -> None:
    ref = cli.log("complaint", "2026-03-03")
    cli.ok("case", "ehc", ref, "--step", "assessment-request", "--on", "2026-01-30")
    case = cli.ok("case", "ehc", ref, "--step", "draft-served", "--on", "2026-03-02")
    assert case["ehc"]["step"] == "draft-served"
    record = desk.ehc.get(case_id(cli, ref, desk))
    assert [(v.dates.step.value, v.current) for v in record.history] == [
        ("draft-served", True),
        ("assessment-request", False),
    ]


def case_id(cli: Cli, ref: str, desk: Desk) -> int:
    return desk.cases.get_by_reference(ref).id


def test_json_is_one_document(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    ref = cli.log("enquiry", "2026-02-02")
    assert main([*cli.db, "case", "ehc", ref, "--step", "draft-served", "--on", "2026-03-02", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ehc"]["dates"] == {"representations_until": "2026-03-16"}
