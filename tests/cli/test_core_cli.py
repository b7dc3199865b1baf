"""The command-line contract: deadline, log, cases, closures and demo, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from send_desk.cli.main import main

WORKED_EXAMPLES = [
    (["--kind", "complaint", "--received", "2025-12-24"], "2026-01-05", "2026-01-19"),
    (["--kind", "complaint", "--received", "2025-12-24", "--extended"], "2026-01-05", "2026-02-02"),
    (
        ["--kind", "complaint", "--received", "2025-12-24", "--acknowledged", "2025-12-24"],
        "2026-01-05",
        "2026-01-12",
    ),
    (["--kind", "complaint", "--received", "2025-12-22"], "2025-12-31", "2026-01-15"),
    (["--kind", "complaint", "--received", "2026-03-30"], "2026-04-08", "2026-04-22"),
    (["--kind", "complaint", "--stage", "2", "--received", "2026-01-07"], "2026-01-14", "2026-02-11"),
    (
        ["--kind", "complaint", "--stage", "2", "--received", "2026-01-07", "--extended"],
        "2026-01-14",
        "2026-03-11",
    ),
    (["--kind", "foi", "--received", "2025-12-19"], None, "2026-01-22"),
    (["--kind", "foi", "--received", "2026-06-05"], None, "2026-07-06"),
    (["--kind", "sar", "--received", "2026-01-31"], None, "2026-03-02"),
    (["--kind", "sar", "--received", "2026-01-31", "--extended"], None, "2026-04-30"),
    (["--kind", "sar", "--received", "2026-03-03"], None, "2026-04-07"),
    (["--kind", "compliment", "--received", "2026-03-03"], None, None),
]


def run_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> object:
    assert main(args) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("args", "acknowledge_by", "respond_by"), WORKED_EXAMPLES)
def test_deadline_worked_examples(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    acknowledge_by: str | None,
    respond_by: str | None,
) -> None:
    out = run_json(["--database", database_url, "deadline", *args, "--json"], capsys)
    assert out == {"acknowledge_by": acknowledge_by, "respond_by": respond_by}


def test_closures_change_deadlines(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database", database_url]
    added = run_json([*db, "closures", "add", "2025-12-29", "2025-12-30", "2025-12-31", "--json"], capsys)
    assert added == {"added": ["2025-12-29", "2025-12-30", "2025-12-31"]}
    out = run_json([*db, "deadline", "--kind", "complaint", "--received", "2025-12-22", "--json"], capsys)
    assert out == {"acknowledge_by": "2026-01-06", "respond_by": "2026-01-20"}
    # FOI does not count closure days
    out = run_json([*db, "deadline", "--kind", "foi", "--received", "2025-12-19", "--json"], capsys)
    assert out == {"acknowledge_by": None, "respond_by": "2026-01-22"}
    listed = run_json([*db, "closures", "list", "--json"], capsys)
    assert [d["date"] for d in listed] == ["2025-12-29", "2025-12-30", "2025-12-31"]  # type: ignore[index]
    removed = run_json([*db, "closures", "remove", "2025-12-30", "2026-05-01", "--json"], capsys)
    assert removed == {"removed": ["2025-12-30"]}


def test_log_then_cases_json(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database", database_url]
    assert (
        main(
            [
                *db,
                "log",
                "--kind",
                "mp-enquiry",
                "--received",
                "2025-01-06",
                "--contact-name",
                "Jo Bloggs",
                "--contact-email",
                "jo@example.org",
                "--channel",
                "via-mp",
                "--summary",
                "Transport",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip().startswith("SD-")
    cases = run_json([*db, "cases", "--json"], capsys)
    assert isinstance(cases, list)
    assert len(cases) == 1
    case = cases[0]
    assert {
        k: case[k]
        for k in (
            "kind",
            "stage",
            "status",
            "received",
            "acknowledge_by",
            "acknowledged",
            "respond_by",
            "responded",
            "rag",
        )
    } == {
        "kind": "mp-enquiry",
        "stage": 1,
        "status": "open",
        "received": "2025-01-06",
        "acknowledge_by": "2025-01-08",
        "acknowledged": None,
        "respond_by": "2025-01-20",
        "responded": None,
        "rag": "overdue",
    }
    assert run_json([*db, "cases", "--overdue", "--kind", "mp-enquiry", "--json"], capsys) == cases
    assert run_json([*db, "cases", "--status", "closed", "--json"], capsys) == []
    assert run_json([*db, "cases", "--kind", "foi", "--json"], capsys) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deadline", "--kind", "parking", "--received", "2026-01-01"], "invalid choice: 'parking'"),
        (["deadline", "--kind", "foi", "--received", "31/02/2026"], "'31/02/2026' is not a date"),
        (["deadline", "--kind", "foi", "--received", "2026-02-31"], "'2026-02-31' is not a date"),
        (["deadline", "--kind", "enquiry", "--stage", "2", "--received", "2026-01-05"], "single stage"),
        (
            ["deadline", "--kind", "mp-enquiry", "--received", "2026-01-05", "--extended"],
            "cannot be extended",
        ),
        (["log", "--kind", "complaint", "--received", "2099-01-01"], "is in the future"),
        (
            ["log", "--kind", "complaint", "--received", "2026-01-05", "--contact-email", "nope"],
            "email address",
        ),
        (["closures", "add", "tomorrow"], "'tomorrow' is not a date"),
        (["cases", "--due-within", "-3"], "must not be negative"),
    ],
)
def test_bad_input_gives_one_line_error_and_writes_nothing(
    database_url: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    db = ["--database", database_url]
    code = exit_code([*db, *args])
    err = capsys.readouterr().err
    assert code != 0
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert run_json([*db, "cases", "--status", "all", "--json"], capsys) == []


def exit_code(args: list[str]) -> int:
    """Run the command line and return its exit status, whether it returns or exits."""
    try:
        return main(args)
    except SystemExit as exc:
        return int(exc.code or 0)


def test_entry_point_runs_as_a_program(database_url: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "send_desk",
            "--database",
            database_url,
            "deadline",
            "--kind",
            "foi",
            "--received",
            "2026-06-05",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"acknowledge_by": None, "respond_by": "2026-07-06"}
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "send_desk",
            "--database",
            database_url,
            "deadline",
            "--kind",
            "foi",
            "--received",
            "31/02/2026",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr == (
        "send-desk deadline: error: argument --received: '31/02/2026' is not a date; "
        "write it as YYYY-MM-DD, e.g. 2026-11-27\n"
    )


def test_demo_fills_the_database(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--database", database_url]
    out = run_json([*db, "demo", "--cases", "300", "--seed", "7", "--json"], capsys)
    assert out["cases"] == 300  # type: ignore[index]
    everything = run_json([*db, "cases", "--status", "all", "--json"], capsys)
    assert isinstance(everything, list)
    assert len(everything) == 300
    assert {c["rag"] for c in everything} <= {"overdue", "due-soon", "on-track", "done"}
    assert len({c["reference"] for c in everything}) == 300
