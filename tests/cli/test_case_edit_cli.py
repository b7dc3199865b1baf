"""`send-desk case edit REF`: a case's details, and a manager's received-date or kind correction.

Run in-process through `main` on Friday 27 November 2026 (the test clock), against a real database
(SQLite, or PostgreSQL with SEND_DESK_TEST_BACKEND=postgres), as sam.patel (admin) unless a test
acts as alex.jones (officer) or priya.shah (manager).
"""

from __future__ import annotations

import json
from datetime import date
from functools import partial
from typing import Any

import pytest
from sqlalchemy import select

from send_desk.bootstrap import Desk, open_desk
from send_desk.cli import common
from send_desk.cli.main import main
from send_desk.db.models import AuditEntry
from send_desk.domain.kinds import CaseKind
from send_desk.domain.policy import default_policy
from send_desk.domain.targets import StageClock, compute_deadlines
from send_desk.services import context
from tests.conftest import FakeClock


@pytest.fixture(autouse=True)
def _cli_on_the_test_clock(monkeypatch: pytest.MonkeyPatch, clock: FakeClock, desk: Desk) -> None:
    """Run commands as sam.patel (an admin) on Friday 27 November 2026."""
    act_as(monkeypatch, "sam.patel")
    monkeypatch.setattr(common, "open_desk", partial(open_desk, clock=clock))


def act_as(monkeypatch: pytest.MonkeyPatch, login: str) -> None:
    """Run the next commands as this login."""
    monkeypatch.setattr(context, "os_login", lambda: login)


class Run:
    """The command line over the test database."""

    def __init__(self, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = ["--database", database_url]
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        """Run a command; return its exit code, stdout and stderr."""
        try:
            code = main([*self.db, *args])
        except SystemExit as exit_info:  # argparse refuses the command line itself
            code = int(exit_info.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def json(self, *args: str) -> Any:
        """Run a command with --json that must succeed; return its JSON."""
        code, out, err = self(*args, "--json")
        assert code == 0, err
        return json.loads(out)

    def log(self, received: str, *extra: str) -> str:
        """Log a complaint; return its reference."""
        args = ("log", "--kind", "complaint", "--received", received, "--contact-name", "Jo Bloggs")
        return str(self.json(*args, "--contact-phone", "07700 900123", *extra)["reference"])

    def refused(self, code: int, *args: str) -> str:
        """Run a command that must fail with `code`, changing nothing; return its one-line reason."""
        before = self.json("cases", "--status", "all")
        got, out, err = self(*args)
        assert (got, out) == (code, "")
        assert len(err.splitlines()) == 1
        assert err.startswith("send-desk: error: ")
        assert self.json("cases", "--status", "all") == before
        return err.removeprefix("send-desk: error: ").rstrip("\n")


@pytest.fixture
def run(database_url: str, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(database_url, capsys)


def audit(desk: Desk) -> list[tuple[str, str, dict[str, Any]]]:
    """Return every audit entry's action, login and body (changes, details), oldest first."""
    with desk.ctx.db.read() as session:
        rows = session.execute(
            select(AuditEntry.action, AuditEntry.login, AuditEntry.changes).order_by(AuditEntry.id)
        ).all()
    return [(action, login, json.loads(body)) for action, login, body in rows]


def complaint_dates(received: date) -> tuple[date, date]:
    """Return a stage 1 complaint's acknowledge-by and respond-by dates, counted by the domain."""
    policy = default_policy(CaseKind.COMPLAINT)
    due = compute_deadlines(policy, policy.working_calendar(frozenset()), StageClock(started_on=received))
    assert due.acknowledge_by is not None
    assert due.respond_by is not None
    return due.acknowledge_by, due.respond_by


def test_two_details_change_and_are_audited(run: Run, desk: Desk) -> None:
    ref = run.log("2026-11-20")
    code, out, err = run(
        "case", "edit", ref, "--contact-name", "Jo Smith", "--category", "SEND transport",
        "--summary", "Taxi not arriving",
    )  # fmt: skip
    assert (code, out, err) == (0, f"{ref}: contact name, category and summary changed.\n", "")
    shown = run.json("case", "show", ref)
    assert (shown["contact"], shown["category"]) == ("Jo Smith", "SEND transport")
    action, login, body = audit(desk)[-1]
    assert (action, login) == ("edit", "sam.patel")
    assert body["changes"] == {
        "contact_name": ["Jo Bloggs", "Jo Smith"],
        "category": ["", "SEND transport"],
        "summary": ["", "Taxi not arriving"],
    }


def test_json_prints_the_case_as_case_show_does(run: Run) -> None:
    ref = run.log("2026-11-20")
    edited = run.json("case", "edit", ref, "--contact-phone", "01632 960001", "--officer", "alex.jones")
    assert edited == run.json("case", "show", ref)
    assert edited["officer"] == "Alex Jones"


def test_nothing_changed_says_so_and_saves_nothing(run: Run, desk: Desk) -> None:
    ref = run.log("2026-11-20")
    entries = len(audit(desk))
    assert run("case", "edit", ref, "--contact-name", " Jo Bloggs ") == (0, f"{ref}: nothing changed.\n", "")
    assert run("case", "edit", ref, "--received", "2026-11-20", "--kind", "complaint") == (
        0,
        f"{ref}: nothing changed.\n",
        "",
    )
    assert len(audit(desk)) == entries


def test_officer_may_not_correct_the_received_date(
    run: Run, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = run.log("2026-11-02")
    act_as(monkeypatch, "alex.jones")
    entries = len(audit(desk))
    message = run.refused(
        1, "case", "edit", ref, "--received", "2026-11-04", "--reason", "Date-stamped late",
        "--summary", "Not saved either",
    )  # fmt: skip
    assert message == "Only a manager or an admin can correct recorded dates. Ask your team manager."
    assert len(audit(desk)) == entries


def test_manager_corrects_the_received_date_and_the_targets_move(
    run: Run, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = run.log("2026-11-02")
    before = run.json("case", "show", ref)
    assert (before["acknowledge_by"], before["respond_by"]) == ("2026-11-09", "2026-11-23")
    assert complaint_dates(date(2026, 11, 4)) == (date(2026, 11, 11), date(2026, 11, 25))
    act_as(monkeypatch, "priya.shah")
    code, out, err = run(
        "case", "edit", ref, "--received", "2026-11-04", "--reason", "Letter date-stamped on the 4th",
        "--contact-phone", "01632 960001",
    )  # fmt: skip
    assert (code, out, err) == (0, f"{ref}: received date and contact phone changed.\n", "")
    after = run.json("case", "show", ref)
    assert (after["received"], after["acknowledge_by"], after["respond_by"]) == (
        "2026-11-04",
        "2026-11-11",
        "2026-11-25",
    )
    (correction, login, body), (edit, _, edit_body) = audit(desk)[-2:]
    assert (correction, login, edit) == ("correct-date", "priya.shah", "edit")
    assert body["changes"] == {
        "received_on": ["2026-11-02", "2026-11-04"],
        "acknowledge_by": ["2026-11-09", "2026-11-11"],
        "respond_by": ["2026-11-23", "2026-11-25"],
    }
    assert body["details"] == {"field": "received_on", "reason": "Letter date-stamped on the 4th"}
    assert edit_body["changes"] == {"contact_phone": ["07700 900123", "01632 960001"]}
    timeline = desk.cases.get_by_reference(ref).timeline
    assert timeline[-1].text == (
        "The received date was corrected from 02/11/2026 to 04/11/2026: Letter date-stamped on the 4th"
    )


def test_a_governed_change_needs_a_reason(run: Run) -> None:
    ref = run.log("2026-11-02")
    assert run.refused(2, "case", "edit", ref, "--kind", "enquiry") == (
        "Give --reason TEXT for changing the received date or the kind; it is kept in the audit trail."
    )


def test_kind_changes_before_acknowledgement(run: Run, desk: Desk) -> None:
    ref = run.log("2026-11-20")
    code, out, _ = run("case", "edit", ref, "--kind", "enquiry", "--reason", "Not a complaint after all")
    assert (code, out) == (0, f"{ref}: kind changed.\n")
    shown = run.json("case", "show", ref)
    assert (shown["kind"], shown["acknowledge_by"], shown["respond_by"]) == ("enquiry", None, "2026-12-04")
    action, _, body = audit(desk)[-1]
    assert (action, body["details"]) == ("change-kind", {"reason": "Not a complaint after all"})


def test_kind_change_after_acknowledgement_is_refused_in_the_lifecycles_words(run: Run) -> None:
    ref = run.log("2026-11-20")
    run.json("case", "acknowledge", ref, "--on", "2026-11-23")
    message = run.refused(
        1, "case", "edit", ref, "--kind", "enquiry", "--reason", "Not a complaint", "--summary", "Kept out"
    )
    assert message == (
        "The case was acknowledged on 23/11/2026, so its kind can no longer change. "
        "Close it as logged in error and log a new case, linked to this one."
    )


def test_a_stale_expected_version_is_a_conflict(run: Run) -> None:
    ref = run.log("2026-11-20")
    version = desk_version(run, ref)
    run.json("case", "edit", ref, "--summary", "First change", "--expected-version", str(version))
    message = run.refused(
        1, "case", "edit", ref, "--summary", "Second change", "--expected-version", str(version)
    )
    assert message == (
        "This case was changed by Sam Patel at 10:00 on 27/11/2026 after you opened it. "
        "Reload it to see their change; what you typed is kept."
    )
    assert run("case", "edit", ref, "--summary", "Second change")[:2] == (0, f"{ref}: summary changed.\n")


def desk_version(run: Run, ref: str) -> int:
    """Return the case's version as the desk reads it."""
    opened = common.open_desk(run.db[1])
    try:
        return opened.cases.get_by_reference(ref).version
    finally:
        opened.close()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (
            ("--child-dob", "2015-02-30"),
            2,
            "send-desk case edit: error: argument --child-dob: '2015-02-30' is not a date; "
            "write it as YYYY-MM-DD, e.g. 2026-11-27",
        ),
        (
            ("--category", "Parking", "--summary", "Kept out"),
            1,
            "send-desk: error: Parking is not one of the categories. Choose one from the list.",
        ),
        (
            ("--officer", "nobody.here", "--summary", "Kept out"),
            1,
            "send-desk: error: There is no active member of staff called nobody.here.",
        ),
        (
            ("--received", "2026-11-04", "--reason", "Stamped", "--category", "Parking"),
            1,
            "send-desk: error: Parking is not one of the categories. Choose one from the list.",
        ),
        (
            ("--reason", "No governed change"),
            2,
            "send-desk: error: --reason goes with --received DATE or --kind KIND.",
        ),
    ],
)
def test_bad_input_is_one_plain_line_and_saves_nothing(
    run: Run, desk: Desk, args: tuple[str, ...], code: int, message: str
) -> None:
    ref = run.log("2026-11-02")
    entries = len(audit(desk))
    got, out, err = run("case", "edit", ref, *args)
    assert (got, out, err) == (code, "", message + "\n")
    assert len(audit(desk)) == entries
    assert run.json("case", "show", ref)["received"] == "2026-11-02"


def test_unknown_reference(run: Run) -> None:
    assert run.refused(1, "case", "edit", "SD-2026-99999", "--summary", "x") == (
        "There is no case with the reference SD-2026-99999."
    )


def test_a_refused_received_date_with_a_kind_change_saves_nothing(
    run: Run, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = run.log("2026-11-20")
    act_as(monkeypatch, "priya.shah")
    entries = audit(desk)
    version = desk.cases.get_by_reference(ref).version
    message = run.refused(
        1, "case", "edit", ref, "--kind", "enquiry", "--received", "2026-11-28",
        "--reason", "A question, and it came later",
    )  # fmt: skip
    assert message == "The new received date 28/11/2026 is in the future."
    shown = run.json("case", "show", ref)
    assert (shown["kind"], shown["received"]) == ("complaint", "2026-11-20")
    assert desk.cases.get_by_reference(ref).version == version
    assert audit(desk) == entries


def test_kind_received_date_and_details_change_together(
    run: Run, desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = run.log("2026-11-20")
    act_as(monkeypatch, "priya.shah")
    entries = len(audit(desk))
    code, out, err = run(
        "case", "edit", ref, "--kind", "enquiry", "--received", "2026-11-19",
        "--reason", "A question, emailed the day before", "--summary", "When will the assessment finish?",
    )  # fmt: skip
    assert (code, out, err) == (0, f"{ref}: kind, received date and summary changed.\n", "")
    shown = run.json("case", "show", ref)
    assert (shown["kind"], shown["received"], shown["respond_by"]) == ("enquiry", "2026-11-19", "2026-12-03")
    assert [(action, login) for action, login, _ in audit(desk)[entries:]] == [
        ("change-kind", "priya.shah"),
        ("correct-date", "priya.shah"),
        ("edit", "priya.shah"),
    ]
