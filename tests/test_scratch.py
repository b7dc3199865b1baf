"""Temporary export data lives only beside the target or in the desk's private folder, and is cleaned."""

from __future__ import annotations

import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from send_desk.bootstrap import Desk
from send_desk.scratch import clean_leftovers, pending, scratch_dir, scratch_root
from tests.conftest import complaint_input


@pytest.fixture
def system_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_an_export_streams_its_rows_to_the_private_folder_not_the_system_temp_folder(
    desk: Desk, tmp_path: Path, system_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("send_desk.services.spreadsheets.PROGRESS_EVERY", 2)
    for _ in range(3):
        desk.cases.log_case(complaint_input())
    out = tmp_path / "out" / "cases.xlsx"
    out.parent.mkdir()
    steps = desk.exports.export(out)
    next(steps)  # the workbook is being written: the sheets stream their rows now
    private = scratch_dir()
    # the Cases and Stages sheets' rows, and the note of the .part file beside the target
    assert sorted(p.suffix for p in private.iterdir()) == [".pending", ".xml", ".xml"]
    assert stat.S_IMODE(private.stat().st_mode) == 0o700
    assert list(system_temp.iterdir()) == []
    beside = [p.name for p in out.parent.iterdir()]
    assert len(beside) == 1
    assert beside[0].startswith(".~cases-")
    assert beside[0].endswith(".xlsx.part")
    for _ in steps:
        pass
    assert list(private.iterdir()) == []
    assert [p.name for p in out.parent.iterdir()] == ["cases.xlsx"]
    assert list(system_temp.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="uses a finished POSIX process id")
def test_the_next_start_removes_what_a_dead_process_left(tmp_path: Path, desk: Desk) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    pid = int(dead.stdout)
    left = scratch_root() / f"p{pid}"
    left.mkdir(parents=True)
    (left / "abc.xml").write_text("<row>Jo Bloggs</row>")
    part = tmp_path / ".~cases-x.xlsx.part"
    part.write_text("half a workbook")
    (left / "abc.pending").write_text(str(part))
    mine = scratch_dir()
    with pending(tmp_path / ".~mine.xlsx.part"):
        removed = clean_leftovers()
        assert mine.is_dir()  # a running process's folder stays
    assert sorted(removed) == sorted([part, left])
    assert not part.exists()
    assert not left.exists()


def test_a_cancelled_export_leaves_nothing(
    desk: Desk, tmp_path: Path, system_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("send_desk.services.spreadsheets.PROGRESS_EVERY", 2)
    for _ in range(3):
        desk.cases.log_case(complaint_input())
    steps = desk.exports.export(tmp_path / "cases.xlsx")
    next(steps)
    steps.close()
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("desk.sqlite3")]
    assert left == ["system-temp"]
    assert list(scratch_dir().iterdir()) == []
    assert list(system_temp.iterdir()) == []
