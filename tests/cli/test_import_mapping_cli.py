"""`send-desk import` with a team's own words: the dry run lists them, `--value` maps them, `--profile`
saves the choices and brings them back for the next year's tracker; `--sheet` names hidden sheets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from send_desk.bootstrap import Desk
from send_desk.cli import main as cli_main
from send_desk.cli.main import COMMAND_MODULES, build_parser
from tests.messy_tracker import (
    CONTACTS,
    IMPORTED,
    NOTES,
    REJECTED,
    UNKNOWN_VALUES,
    VALUES,
    messy_tracker,
    next_year_tracker,
)

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


def test_messy_tracker_by_the_command_line_with_a_saved_profile(
    capsys: pytest.CaptureFixture[str], database_url: str, desk: Desk, tmp_path: Path
) -> None:
    path = str(messy_tracker(tmp_path / "tracker.xlsx"))
    base = ["--database", database_url, "import", path]
    code, stdout, stderr = run(capsys, *base, "--dry-run", "--json")
    assert (code, stderr) == (0, "")
    checked = json.loads(stdout)
    assert checked["unknown_values"] == UNKNOWN_VALUES
    assert (checked["sheets"], checked["rows_read"], checked["imported"]) == (["2024", "2025"], 12, 0)

    values = [arg for value in VALUES for arg in ("--value", value)]
    code, stdout, stderr = run(capsys, *base, *values, "--profile", "Team tracker", "--json")
    assert (code, stderr) == (0, "")
    done = json.loads(stdout)
    assert (done["imported"], done["references"], done["rejected"]) == (10, IMPORTED, REJECTED)
    assert (done["notes"], done["contacts"], done["profile"], done["profile_saved"]) == (
        NOTES,
        CONTACTS,
        "Team tracker",
        True,
    )
    assert done["unknown_values"] == [UNKNOWN_VALUES[4]]

    later = str(next_year_tracker(tmp_path / "tracker-2026.xlsx"))
    code, stdout, stderr = run(capsys, "--database", database_url, "import", later, "--dry-run")
    assert (code, stderr) == (0, "")
    assert "A saved profile fits these headers: use --profile 'Team tracker'." in stdout
    code, stdout, stderr = run(
        capsys, "--database", database_url, "import", later, "--profile", "Team tracker", "--json"
    )
    assert (code, stderr) == (0, "")
    second = json.loads(stdout)
    assert (second["imported"], second["references"], second["rejected"], second["unknown_values"]) == (
        3,
        ["R26-01", "R26-02", "R26-03"],
        [],
        [],
    )
    assert desk.cases.get_by_reference("R26-01").officer.login == "alex.jones"  # type: ignore[union-attr]


def test_hidden_sheet_only_when_named_and_plain_errors(
    capsys: pytest.CaptureFixture[str], database_url: str, tmp_path: Path
) -> None:
    path = str(messy_tracker(tmp_path / "tracker.xlsx"))
    base = ["--database", database_url, "import", path, "--dry-run", "--json"]
    code, stdout, _ = run(capsys, *base, "--sheet", "old 2023")
    assert code == 0
    assert (json.loads(stdout)["sheets"], json.loads(stdout)["rows_read"]) == (["Old 2023"], 2)
    code, stdout, _ = run(capsys, *base, "--sheet", "2024", "--sheet", "Old 2023")
    assert (json.loads(stdout)["sheets"], json.loads(stdout)["rows_read"]) == (["2024", "Old 2023"], 10)
    code, stdout, stderr = run(capsys, *base, "--value", "Transport=SEND transport")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        "send-desk: error: --value 'Transport=SEND transport' must look like \"Field:Their word=Desk value\""
    )
    code, stdout, stderr = run(capsys, *base, "--value", "Summary:x=y")
    assert code == 2
    assert (
        "'Summary' is not a field with set values; use category, officer, kind, stage, channel, outcome"
        in stderr
    )
    code, stdout, stderr = run(capsys, *base, "--value", "Officer:AJ=nobody.here")
    assert (code, stdout) == (1, "")
    assert stderr.startswith(
        "send-desk: error: Officer: 'nobody.here' (for 'AJ') is not one of the desk's values. "
        "Use one of: unassigned"
    )
