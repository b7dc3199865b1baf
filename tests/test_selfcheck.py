"""The self-check runs from source, prints one line per check and fails plainly."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from send_desk import selfcheck
from send_desk.cli.main import main


def test_self_check_passes_from_source() -> None:
    out = io.StringIO()

    assert selfcheck.run_self_check(out) == 0
    lines = out.getvalue().splitlines()
    assert [line.split(":")[0] for line in lines[1:-1]] == [
        "ok   database",
        "ok   cases",
        "ok   icon",
        "ok   report",
        "ok   letter",
        "ok   desk modules",
        "ok   postgresql driver",
    ]
    assert lines[-1] == "self-check passed: 7 checks"


def test_self_check_reports_a_missing_icon_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("send_desk.resources.resource_path", lambda *parts: tmp_path.joinpath(*parts))
    out = io.StringIO()

    assert selfcheck.run_self_check(out) == 1
    text = out.getvalue()
    assert f"FAIL icon: {tmp_path / 'icons' / 'send-desk.png'} is missing" in text
    # with no resources at all, the letter templates are missing too
    assert f"FAIL letter: {tmp_path / 'templates' / 'acknowledge-complaint-stage-1.docx'} is missing" in text
    assert "ok   database" in text
    assert text.splitlines()[-1] == "self-check FAILED: 2 of 7 checks failed"


def test_command_line_flag_runs_the_self_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-check"]) == 0
    assert "self-check passed" in capsys.readouterr().out
