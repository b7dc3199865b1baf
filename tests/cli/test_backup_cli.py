"""`send-desk backup` and `send-desk restore` on the command line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from send_desk.bootstrap import open_desk
from send_desk.cli import main as cli_main
from send_desk.services import context
from send_desk.values.cases import CaseFilter
from tests.conftest import FakeClock, complaint_input


@pytest.fixture(autouse=True)
def with_backup_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    modules = tuple(cli_main.COMMAND_MODULES)
    if "send_desk.cli.backup" not in modules:
        modules += ("send_desk.cli.backup",)
    real = cli_main.build_parser
    monkeypatch.setattr(cli_main, "build_parser", lambda modules_=modules: real(modules_))
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")  # the OS says: the desk's admin


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def make_database(path: Path, clock: FakeClock, summaries: list[str]) -> list[str]:
    desk = open_desk(str(path), clock=clock, login="sam.patel", create=True)
    try:
        desk.staff.me()
        if "alex.jones" not in {member.login for member in desk.staff.list_staff()}:
            desk.staff.add_staff("alex.jones", "Alex Jones")
        for summary in summaries:
            desk.cases.log_case(complaint_input(summary=summary))
        return [row.reference for row in desk.register.list_cases(CaseFilter(status="all"))]
    finally:
        desk.close()


def references(path: Path, clock: FakeClock) -> list[str]:
    desk = open_desk(str(path), clock=clock, login="sam.patel")
    try:
        return [row.reference for row in desk.register.list_cases(CaseFilter(status="all"))]
    finally:
        desk.close()


def test_backup_then_restore_into_a_fresh_folder(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "office" / "desk.sqlite3"
    saved = make_database(database, clock, ["First", "Second"])
    out_file = tmp_path / "copies" / "desk-copy.sqlite3"

    code, out, err = run(["--database", str(database), "backup", "--out", str(out_file), "--json"], capsys)
    assert (code, err) == (0, "")
    assert json.loads(out)["backup"] == str(out_file)
    assert out_file.exists()

    fresh = tmp_path / "new pc" / "desk.sqlite3"
    code, out, err = run(["--database", str(fresh), "--create", "restore", str(out_file), "--json"], capsys)
    assert (code, err) == (0, "")
    result = json.loads(out)
    assert result["database"] == str(fresh)
    assert result["safety_copy"] is None
    assert result["reanonymised"] == []  # nothing had been anonymised since the backup
    assert references(fresh, clock) == saved


def test_backup_without_out_goes_to_the_backups_folder(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "desk.sqlite3"
    make_database(database, clock, ["Only"])
    code, out, _err = run(["--database", str(database), "backup"], capsys)
    assert code == 0
    assert out.startswith("Backed up to ")
    written = Path(out.removeprefix("Backed up to ").strip())
    assert written.parent == tmp_path / "backups"


def test_restore_over_a_database_keeps_a_safety_copy(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "desk.sqlite3"
    saved = make_database(database, clock, ["Before the backup"])
    assert run(["--database", str(database), "backup", "--out", str(tmp_path / "b.sqlite3")], capsys)[0] == 0
    make_database(database, clock, ["After the backup"])
    code, out, _err = run(["--database", str(database), "restore", str(tmp_path / "b.sqlite3")], capsys)
    assert code == 0
    assert "kept in" in out
    assert references(database, clock) == saved


def test_a_corrupted_backup_is_refused_in_one_line(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "desk.sqlite3"
    saved = make_database(database, clock, ["Keep me"])
    backup = tmp_path / "b.sqlite3"
    assert run(["--database", str(database), "backup", "--out", str(backup)], capsys)[0] == 0
    data = backup.read_bytes()
    backup.write_bytes(data[: len(data) // 3])

    code, out, err = run(["--database", str(database), "restore", str(backup)], capsys)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("send-desk: error: b.sqlite3 is damaged")
    assert "Nothing was changed" in err
    assert references(database, clock) == saved


def test_postgres_points_to_pg_dump(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://desk@db.invalid/send_desk"
    for argv in (["backup"], ["restore", str(tmp_path / "x.sqlite3")]):
        code, out, err = run(["--database", url, *argv], capsys)
        assert code == 1
        assert out == ""
        assert "pg_dump" in err
        assert err.count("\n") == 1


def test_restore_refuses_an_officer_in_one_line(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    database = tmp_path / "desk.sqlite3"
    saved = make_database(database, clock, ["Keep me"])
    backup = tmp_path / "b.sqlite3"
    assert run(["--database", str(database), "backup", "--out", str(backup)], capsys)[0] == 0
    monkeypatch.setattr(context, "os_login", lambda: "alex.jones")  # an officer, whatever USER says
    monkeypatch.setenv("USER", "sam.patel")
    monkeypatch.setenv("LOGNAME", "sam.patel")

    refused = "Only an admin can restore a backup. Ask your SEND Desk admin. Nothing was changed."
    assert run(["--database", str(database), "restore", str(backup), "--unsigned"], capsys) == (
        1,
        "",
        f"send-desk: error: {refused}\n",
    )
    assert references(database, clock) == saved


def test_an_edited_backup_is_refused_in_one_line_and_unsigned_needs_the_flag(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "desk.sqlite3"
    make_database(database, clock, ["Ten hours"])
    backup = tmp_path / "b.sqlite3"
    assert run(["--database", str(database), "backup", "--out", str(backup)], capsys)[0] == 0
    assert (tmp_path / "b.sqlite3.sig").is_file()
    conn = sqlite3.connect(str(backup))
    conn.execute("UPDATE case_record SET summary = 'Forty hours'")
    conn.commit()
    conn.close()

    code, out, err = run(["--database", str(database), "restore", str(backup)], capsys)
    assert (code, out) == (1, "")
    assert err == (
        "send-desk: error: b.sqlite3 has been changed since it was made: its content no longer matches its "
        "signature. Nothing was changed; do not use this file, choose another backup.\n"
    )
    (tmp_path / "b.sqlite3.sig").unlink()
    code, out, err = run(["--database", str(database), "restore", str(backup)], capsys)
    assert code == 1
    assert "is not signed" in err
    assert err.count("\n") == 1
    code, out, err = run(["--database", str(database), "restore", str(backup), "--unsigned"], capsys)
    assert (code, err) == (0, "")
    assert "It had no signature; the audit records that it was restored with --unsigned." in out


def test_export_and_import_the_key(
    tmp_path: Path, clock: FakeClock, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "desk.sqlite3"
    make_database(database, clock, ["One"])
    key_file = tmp_path / "desk.key"
    code, out, err = run(
        ["--database", str(database), "backup", "export-key", "--out", str(key_file), "--json"], capsys
    )
    assert (code, err) == (0, "")
    key_id = json.loads(out)["key_id"]
    assert json.loads(key_file.read_text())["key_id"] == key_id
    code, out, err = run(
        ["--database", str(database), "backup", "import-key", str(key_file), "--json"], capsys
    )
    assert (code, err) == (0, "")
    assert json.loads(out)["key_id"] == key_id
    code, out, err = run(["--database", str(database), "backup", "import-key", str(database)], capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"send-desk: error: {database} is not a SEND Desk backup key (export one with 'send-desk backup "
        "export-key').\n"
    )
