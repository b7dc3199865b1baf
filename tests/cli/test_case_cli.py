"""`send-desk case ACTION REF`: every lifecycle action from a script, with DOMAIN.md's worked dates.

The commands run in-process through `main`, as a script would run them, against a real database
(SQLite, or PostgreSQL with SEND_DESK_TEST_BACKEND=postgres). They act as sam.patel, an admin the
`desk` fixture creates beside alex.jones (officer) and priya.shah (manager).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from send_desk.bootstrap import Desk
from send_desk.cli.main import main
from send_desk.services import context


@pytest.fixture(autouse=True)
def _act_as_sam(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")


class Cli:
    """The command line over one database."""

    def __init__(self, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = ["--database", database_url]
        self.capsys = capsys

    def ok(self, *args: str) -> Any:
        """Run a command with --json; return its JSON."""
        code = main([*self.db, *args, "--json"])
        out, err = self.capsys.readouterr()
        assert code == 0, err
        return json.loads(out)

    def refused(self, *args: str) -> str:
        """Run a command that must be refused; return its one-line message."""
        before = self.ok("cases", "--status", "all")
        code = main([*self.db, *args])
        out, err = self.capsys.readouterr()
        assert code == 1
        assert out == ""
        assert err.endswith("\n")
        assert len(err.splitlines()) == 1
        assert err.startswith("send-desk: error: ")
        assert self.ok("cases", "--status", "all") == before  # nothing changed
        return err.removeprefix("send-desk: error: ").rstrip("\n")

    def log(self, kind: str, received: str, *extra: str) -> str:
        """Log a case; return its reference."""
        return str(self.ok("log", "--kind", kind, "--received", received, *extra)["reference"])


@pytest.fixture
def cli(database_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(database_url, capsys)


def stages(case: Any) -> list[tuple[Any, ...]]:
    """Return each stage's dates as a tuple, in the order of the JSON keys."""
    keys = ("stage", "acknowledge_by", "acknowledged", "respond_by", "responded", "extended_to")
    assert all(list(s) == list(keys) for s in case["stages"])
    return [tuple(s[k] for k in keys) for s in case["stages"]]


def test_acknowledged_on_the_day_received_is_one_cases_row_plus_stages(cli: Cli) -> None:
    # DOMAIN.md: complaint received 2025-12-24, acknowledged that day -> respond by 2026-01-12
    ref = cli.log("complaint", "2025-12-24", "--contact-name", "Jo Bloggs", "--officer", "alex.jones")
    case = cli.ok("case", "acknowledge", ref, "--on", "2025-12-24")
    assert case == {
        "reference": ref,
        "kind": "complaint",
        "stage": 1,
        "status": "open",
        "received": "2025-12-24",
        "acknowledge_by": "2026-01-05",
        "acknowledged": "2025-12-24",
        "respond_by": "2026-01-12",
        "responded": None,
        "rag": "overdue",
        "contact": "Jo Bloggs",
        "child": "",
        "category": "",
        "officer": "Alex Jones",
        "stages": [
            {
                "stage": 1,
                "acknowledge_by": "2026-01-05",
                "acknowledged": "2025-12-24",
                "respond_by": "2026-01-12",
                "responded": None,
                "extended_to": None,
            }
        ],
        "ehc": None,
    }
    (row,) = cli.ok("cases")
    shown = cli.ok("case", "show", ref)
    assert shown == case
    assert {k: v for k, v in shown.items() if k not in ("stages", "ehc")} == row
    assert cli.refused("case", "acknowledge", ref, "--on", "2025-12-29") == (
        "The acknowledgement was already recorded on 24/12/2025."
    )


def test_extend_by_days_or_to_a_date(cli: Cli) -> None:
    # DOMAIN.md: received 2025-12-24 -> respond by 2026-01-19; with a 10 WD extension 2026-02-02
    by_days = cli.log("complaint", "2025-12-24")
    to_date = cli.log("complaint", "2025-12-24")
    assert stages(cli.ok("case", "show", by_days)) == [(1, "2026-01-05", None, "2026-01-19", None, None)]
    extended = cli.ok("case", "extend", by_days, "--days", "10", "--reason", "Waiting for the school")
    assert stages(extended) == [(1, "2026-01-05", None, "2026-02-02", None, "2026-02-02")]
    assert extended["respond_by"] == "2026-02-02"
    assert cli.refused("case", "extend", to_date, "--days", "11", "--reason", "More time") == (
        "An extension for a complaint at stage 1 can be at most 10 working days."
    )
    assert cli.refused("case", "extend", to_date, "--days", "10") == (
        "Give the reason for the extension; it is told to the family."
    )
    extended = cli.ok(
        "case", "extend", to_date, "--to", "2026-02-02", "--reason", "More time", "--told-on", "2026-01-06"
    )
    assert stages(extended) == [(1, "2026-01-05", None, "2026-02-02", None, "2026-02-02")]
    assert cli.refused("case", "extend", to_date, "--days", "1", "--reason", "Again") == (
        "This stage has already been extended once; a target can only be extended once."
    )


def test_a_sar_is_extended_to_a_date_not_by_days(cli: Cli) -> None:
    # DOMAIN.md: SAR received Sat 2026-01-31 -> due Mon 2026-03-02; extended 2026-04-30
    ref = cli.log("sar", "2026-01-31")
    assert stages(cli.ok("case", "show", ref)) == [(1, None, None, "2026-03-02", None, None)]
    assert cli.refused("case", "extend", ref, "--days", "2", "--reason", "Complex") == (
        "A subject access request is extended in calendar months, not days: "
        "give the new due date with --to DATE."
    )
    case = cli.ok(
        "case", "extend", ref, "--to", "2026-04-30", "--reason", "Complex", "--told-on", "2026-02-10"
    )
    assert stages(case) == [(1, None, None, "2026-04-30", None, "2026-04-30")]


def test_respond_escalate_extend_close_reopen(cli: Cli) -> None:
    # DOMAIN.md: stage 2 requested 2026-01-07 -> acknowledge by 2026-01-14 -> respond by 2026-02-11;
    # extended 2026-03-11
    ref = cli.log("complaint", "2025-12-22", "--officer", "alex.jones")
    cli.ok("case", "acknowledge", ref, "--on", "2025-12-23")
    assert cli.refused("case", "respond", ref, "--on", "2026-01-06") == (
        "Choose the outcome of the complaint: upheld, partly upheld or not upheld."
    )
    case = cli.ok("case", "respond", ref, "--on", "2026-01-06", "--outcome", "not-upheld")
    assert stages(case) == [(1, "2025-12-31", "2025-12-23", "2026-01-09", "2026-01-06", None)]
    assert case["rag"] == "done"
    assert cli.refused("case", "escalate", ref, "--on", "2026-01-07", "--handler", "alex.jones") == (
        "Alex Jones handled stage 1, so cannot handle stage 2. Choose someone else."
    )
    case = cli.ok("case", "escalate", ref, "--on", "2026-01-07", "--handler", "priya.shah")
    assert (case["stage"], case["officer"], case["acknowledge_by"], case["respond_by"]) == (
        2,
        "Priya Shah",
        "2026-01-14",
        "2026-02-11",
    )
    case = cli.ok("case", "extend", ref, "--to", "2026-03-11", "--reason", "Independent investigator")
    assert stages(case) == [
        (1, "2025-12-31", "2025-12-23", "2026-01-09", "2026-01-06", None),
        (2, "2026-01-14", None, "2026-03-11", None, "2026-03-11"),
    ]
    assert cli.refused("case", "close", ref, "--code", "responded", "--on", "2026-03-02") == (
        "Record the response before closing the case as responded, or choose another closure reason."
    )
    case = cli.ok("case", "close", ref, "--code", "withdrawn", "--on", "2026-03-02")
    assert case["status"] == "closed"
    assert cli.refused("case", "acknowledge", ref, "--on", "2026-03-02") == (
        "The case is closed. Reopen it first if more work is needed."
    )
    assert cli.refused("case", "reopen", ref) == "Give the reason the case is reopened."
    case = cli.ok("case", "reopen", ref, "--reason", "Complainant came back")
    assert case["status"] == "open"
    assert stages(case)[1] == (2, "2026-01-14", None, "2026-03-11", None, "2026-03-11")


def test_late_response_needs_a_reason(cli: Cli) -> None:
    # DOMAIN.md: received Mon 2026-03-30 -> acknowledge by 2026-04-08 -> respond by 2026-04-22
    ref = cli.log("complaint", "2026-03-30")
    assert cli.refused("case", "acknowledge", ref, "--on", "2026-04-09") == (
        "The acknowledgement was due by 08/04/2026, so it is late. Give a reason for the missed target."
    )
    case = cli.ok("case", "acknowledge", ref, "--on", "2026-04-08")
    assert stages(case) == [(1, "2026-04-08", "2026-04-08", "2026-04-22", None, None)]
    assert cli.refused("case", "respond", ref, "--on", "2026-04-23", "--outcome", "upheld") == (
        "The response was due by 22/04/2026, so it is late. Give a reason for the missed target."
    )
    case = cli.ok(
        "case", "respond", ref, "--on", "2026-04-23", "--outcome", "upheld", "--reason", "Officer off sick"
    )
    assert stages(case) == [(1, "2026-04-08", "2026-04-08", "2026-04-22", "2026-04-23", None)]


def test_assign(cli: Cli) -> None:
    ref = cli.log("enquiry", "2026-03-30", "--officer", "alex.jones")
    assert cli.ok("case", "assign", ref, "priya.shah")["officer"] == "Priya Shah"
    assert cli.refused("case", "assign", ref, "nobody") == "There is no active member of staff called nobody."


def test_pause_and_resume_an_foi_fees_notice(cli: Cli) -> None:
    # DOMAIN.md and FOIA s10(2): the days from the notice to the fee, both inclusive, do not count:
    # received 2026-02-02, notice Mon 09/02, fee Mon 16/02 -> due 2026-03-10
    ref = cli.log("foi", "2026-02-02")
    assert cli.refused("case", "resume", ref, "--on", "2026-02-16") == "The clock is not paused."
    assert cli.refused("case", "pause", ref, "--on", "2026-02-09") == "Give the reason the clock is paused."
    cli.ok("case", "pause", ref, "--on", "2026-02-09", "--reason", "Fees notice")
    assert cli.refused("case", "pause", ref, "--on", "2026-02-10", "--reason", "Again") == (
        "The clock is already paused. Resume it first."
    )
    case = cli.ok("case", "resume", ref, "--on", "2026-02-16")
    assert stages(case) == [(1, None, None, "2026-03-10", None, None)]


def test_clarification_received_restarts_an_foi_clock(cli: Cli) -> None:
    # DOMAIN.md: FOI received 2025-12-19 -> 2026-01-22; clarified 2026-01-05 -> 20 WD from then
    ref = cli.log("foi", "2025-12-19")
    assert cli.ok("case", "show", ref)["respond_by"] == "2026-01-22"
    case = cli.ok("case", "clarification-received", ref, "--on", "2026-01-05")
    assert stages(case) == [(1, None, None, "2026-02-02", None, None)]
    complaint = cli.log("complaint", "2026-03-30")
    assert cli.refused("case", "clarification-received", complaint, "--on", "2026-04-01") == (
        "Clarification does not restart the clock of a complaint."
    )


def test_clarification_requested_stops_the_clock_until_the_answer(cli: Cli) -> None:
    ref = cli.log("foi", "2026-01-05")
    case = cli.ok("case", "clarification-requested", ref, "--on", "2026-01-06", "--chase-on", "2026-01-20")
    # the clock is stopped: nothing is overdue or due soon while the requester is asked (FOI received 05/01)
    assert (case["rag"], case["respond_by"]) == ("waiting", "2026-02-02")
    (row,) = cli.ok("cases")
    assert row == {k: v for k, v in case.items() if k not in ("stages", "ehc")}
    assert cli.ok("case", "show", ref)["rag"] == "waiting"
    # the 20 working days start again from the day the answer arrives (FOIA s1(3))
    case = cli.ok("case", "clarification-received", ref, "--on", "2026-01-12")
    assert stages(case) == [(1, None, None, "2026-02-09", None, None)]


def test_unknown_reference_and_bad_options_are_one_line(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        cli.refused("case", "show", "SD-2026-99999") == "There is no case with the reference SD-2026-99999."
    )
    ref = cli.log("complaint", "2026-03-30")
    for args, message in [
        (["case", "close", ref, "--code", "finished"], "argument --code: invalid choice: 'finished'"),
        (["case", "extend", ref, "--reason", "x"], "one of the arguments --days --to is required"),
        (["case", "acknowledge", ref, "--on", "08/04/2026"], "'08/04/2026' is not a date"),
        (["case", "explode", ref], "invalid choice: 'explode'"),
    ]:
        with pytest.raises(SystemExit) as exited:
            main([*cli.db, *args])
        err = capsys.readouterr().err
        assert exited.value.code == 2
        assert message in err
        assert len(err.splitlines()) == 1
