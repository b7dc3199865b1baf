"""`send-desk team setup`, `migrate` and `maintain` from the command line (the database owner's commands)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from send_desk.cli.main import main
from send_desk.db.migrate import head_revision


@pytest.mark.postgres
def test_team_setup_migrate_and_maintain(
    postgres_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AMY_PASSWORD", "a long passphrase")
    setup = ["--database", postgres_url, "team", "setup", "--admin", "amy.admin", "--admin-name", "Amy Admin"]
    assert main([*setup, "--password-env", "AMY_PASSWORD", "--json"]) == 0
    done = json.loads(capsys.readouterr().out)["done"]
    assert done[-1] == "amy.admin is an admin, with their own login"
    assert main(["--database", postgres_url, "migrate"]) == 0
    assert capsys.readouterr().out == f"The database is already at schema version {head_revision()}.\n"
    assert main(["--database", postgres_url, "maintain"]) == 0
    assert capsys.readouterr().out == "Nothing was owed: no compaction needed.\n"

    admin = make_url(postgres_url).set(username="amy.admin", password="a long passphrase")
    assert main(["--database", admin.render_as_string(hide_password=False), "maintain"]) == 1
    assert capsys.readouterr().err == (
        "send-desk: error: Only the database owner's login can compact the database (send-desk maintain); "
        "you are connected as amy.admin. Ask your database administrator to run it with the owner's login.\n"
    )
    assert main(["--database", admin.render_as_string(hide_password=False), "staff", "list", "--json"]) == 0
    staff = json.loads(capsys.readouterr().out)
    assert [(s["login"], s["role"]) for s in staff] == [("amy.admin", "admin")]


def test_team_setup_is_for_postgresql(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "desk.sqlite3"
    assert main(["--database", str(path), "--create", "team", "setup"]) == 2
    assert capsys.readouterr().err == (
        "send-desk: error: send-desk team setup is for a team's PostgreSQL database; give --database "
        "postgresql://… (a SQLite desk migrates itself when it starts).\n"
    )
