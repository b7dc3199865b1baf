"""Only a SEND Desk database is opened as one; a typo in a path does not make a new desk somewhere."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from send_desk.bootstrap import open_desk
from send_desk.cli import main as cli_main
from send_desk.db.location import MissingFolderError
from send_desk.db.migrate import NotSendDeskDatabaseError
from tests.postgres_server import PostgresServer


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def other_program_database(path: Path, version: str | None = None) -> bytes:
    conn = sqlite3.connect(str(path))
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Acme Ltd')")
    if version is not None:
        conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
        conn.execute("INSERT INTO alembic_version VALUES (?)", (version,))
    conn.commit()
    conn.close()
    return path.read_bytes()


def test_another_programs_sqlite_file_is_refused_and_left_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "otherapp.sqlite3"
    before = other_program_database(other)

    code, out, err = run(["--database", str(other), "cases", "--json"], capsys)

    assert (code, out) == (1, "")
    assert err == (
        f"send-desk: error: {other} is another program's database (it holds tables such as customers), "
        "not a SEND Desk database, so SEND Desk will not open it. Nothing was changed; choose a SEND Desk "
        "database or a new file name.\n"
    )
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["otherapp.sqlite3"]  # no -wal, -shm or backups


def test_another_alembic_programs_file_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "otherapp.sqlite3"
    before = other_program_database(other, version="ae1027a6acf")
    with pytest.raises(NotSendDeskDatabaseError, match=r"its schema version is ae1027a6acf"):
        open_desk(str(other), login="sam.patel")
    assert other.read_bytes() == before


def test_an_empty_file_becomes_a_new_desk(tmp_path: Path) -> None:
    empty = tmp_path / "new.sqlite3"
    empty.touch()
    desk = open_desk(str(empty), login="sam.patel")
    desk.close()
    assert empty.stat().st_size > 0


def test_a_missing_folder_is_refused_in_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "typo" / "deep" / "x.sqlite3"
    code, out, err = run(["--database", str(typo), "cases"], capsys)
    assert (code, out) == (1, "")
    assert err == (
        f"send-desk: error: The folder {typo.parent} does not exist, so there is no SEND Desk database at "
        f"{typo}. Check the path for a typing mistake, or add --create (before the command) to start a new "
        "database there.\n"
    )
    assert not (tmp_path / "typo").exists()
    with pytest.raises(MissingFolderError):
        open_desk(str(typo), login="sam.patel")
    assert not (tmp_path / "typo").exists()


def test_create_makes_the_folder_and_the_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    new = tmp_path / "new" / "team" / "desk.sqlite3"
    code, out, err = run(["--database", str(new), "--create", "cases", "--json"], capsys)
    assert (code, out, err) == (0, "[]\n", "")
    assert new.is_file()
    # once it exists, --create is no longer needed
    assert run(["--database", str(new), "cases", "--json"], capsys) == (0, "[]\n", "")


def test_the_default_data_folder_is_made_without_create(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"  # SEND_DESK_DATA_DIR in every test; it does not exist yet
    assert not data.exists()
    assert run(["cases", "--json"], capsys) == (0, "[]\n", "")
    assert (data / "send-desk.sqlite3").is_file()


@pytest.mark.postgres
def test_another_programs_postgres_database_is_refused(postgres_server: PostgresServer) -> None:
    name = postgres_server.unique_name()
    url = postgres_server.create_database(name)
    try:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE customers (id serial PRIMARY KEY, name text)"))
        with pytest.raises(
            NotSendDeskDatabaseError,
            match=r"another program's database \(it holds tables such as customers\)",
        ):
            open_desk(url, login="sam.patel")
        with engine.connect() as conn:
            tables = conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            ).scalars()
            assert sorted(tables) == ["customers"]
        engine.dispose()
    finally:
        postgres_server.drop_database(name)
