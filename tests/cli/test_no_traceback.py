"""The command line never shows a traceback: every error is one plain line and a non-zero exit (issue 14).

The known cases are tested one by one; then hypothesis drives every command the parser has with
generated arguments (good, bad and extreme) and fails on any traceback, on an error that only the
catch-all in cli/main.py could word ("something unexpected went wrong"), or on an error longer than
one line. The everyday run tries a few arguments per command; the `slow` variant many more.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from send_desk.bootstrap import Desk
from send_desk.cli import common
from send_desk.cli.main import build_parser, main
from send_desk.services import context
from tests.conftest import complaint_input

UNEXPECTED = "something unexpected went wrong"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command line in-process; return the exit status, stdout and stderr."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_plain_line(code: int, err: str, argv: list[str]) -> None:
    assert "Traceback" not in err, argv
    assert UNEXPECTED not in err, (argv, err)
    if code != 0:
        assert len(err.strip().splitlines()) == 1, (argv, err)


@pytest.fixture(autouse=True)
def _act_as_sam(desk: Desk, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")
    monkeypatch.chdir(tmp_path)  # a relative --out lands in the test's own folder


@pytest.fixture
def folders(tmp_path: Path) -> Path:
    """Return a folder holding a sub-folder named like a file of each type, and a file that is no workbook."""
    for name in ("folder.xlsx", "folder.pdf", "folder.sqlite3"):
        (tmp_path / name).mkdir()
    (tmp_path / "not-a-workbook.xlsx").write_text("plain text", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["deadline", "--kind", "complaint", "--received", "9999-12-30"],
            "argument --received: '9999-12-30' is outside the dates the desk works with "
            "(1900-01-01 to 2199-12-31)",
        ),
        (["closures", "add", "9999-12-31"], "'9999-12-31' is outside the dates the desk works with"),
        (["deadline", "--kind", "sar", "--received", "0001-01-01"], "'0001-01-01' is outside the dates"),
        (
            ["cases", "--due-within", "99999999999999999999"],
            "argument --due-within: '99999999999999999999' is too large; the most allowed is 10,000",
        ),
        (["audit", "--limit", "9" * 30], "argument --limit: '" + "9" * 30 + "' is too large"),
        (["demo", "--cases", "9" * 5000], "is not a whole number"),
        (
            ["report", "annual", "--year", "99999", "--json"],
            "'99999' is too large; the most allowed is 2,198",
        ),
        (
            ["case", "extend", "SD-2026-00001", "--days", "10000000000", "--reason", "x"],
            "'10000000000' is too large; the most allowed is 1,000",
        ),
        (
            ["--database", "postgresql://::bad", "cases"],
            "'postgresql://::bad' is not a database URL (invalid literal for int() with base 10: ':bad'); "
            "write it like postgresql://user@host/send_desk, or give the path of a SQLite file",
        ),
        (["--database", "://", "cases"], "'://' is not a database URL"),
        (
            ["log", "--kind", "enquiry", "--received", "2026-01-05", "--summary", "ok\udcff"],
            "argument 9 (ok\\xff) holds bytes that are not UTF-8 text; write it in UTF-8 (or plain ASCII)",
        ),
        (["cases", "--kind", "\udcff\udcfe"], "argument 5 (\\xff\\xfe) holds bytes that are not UTF-8 text"),
        (["staff", "add", "a\x00b", "Nul"], "argument 5 (a\\x00b) holds bytes that are not UTF-8 text"),
        (  # ~name for nobody on this PC: Path.expanduser raised "Could not determine home directory"
            ["backup", "import-key", "~no-such-person-here/desk.key"],
            "There is no key file at ~no-such-person-here/desk.key.",
        ),
    ],
)
def test_known_cases_are_one_plain_line(
    database_url: str, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    argv = args if args[0] == "--database" else ["--database", database_url, *args]
    code, out, err = run(argv, capsys)
    assert code != 0
    assert out == ""
    assert message in err
    assert_one_plain_line(code, err, argv)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "--out", "missing/x.xlsx"], "missing does not exist. Choose another place"),
        (["export", "--out", "folder.xlsx"], "folder.xlsx (Is a directory)"),
        (["report", "weekly", "--out", "folder.pdf"], "folder.pdf is a folder; give the name of a file"),
        (["report", "annual", "--out", "missing/x.pdf"], "the folder missing does not exist"),
        (["audit", "--out", "folder.xlsx"], "folder.xlsx is a folder; give the name of a file"),
        (["audit", "--out", "missing/x.xlsx"], "the folder missing does not exist"),
        (["subject-access", "--name", "Jo", "--out", "folder.xlsx"], "folder.xlsx is a folder"),
    ],
)
def test_out_into_a_missing_folder_or_onto_a_folder_leaves_nothing(
    database_url: str,
    desk: Desk,
    folders: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    desk.cases.log_case(complaint_input())  # something to export
    before = sorted(p.name for p in folders.rglob("*"))
    code, out, err = run(["--database", database_url, *args], capsys)
    assert (code, out) == (1 if args[0] == "export" else 2, "")
    assert message in err
    assert_one_plain_line(code, err, args)
    assert sorted(p.name for p in folders.rglob("*")) == before  # no .part, no new folder


def test_deadline_refuses_an_acknowledgement_before_receipt(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--database", database_url, "deadline", "--kind", "complaint", "--received", "2026-01-10"]
    code, out, err = run([*argv, "--acknowledged", "2026-01-05", "--json"], capsys)
    assert (code, out) == (2, "")
    assert err == (
        "send-desk: error: --acknowledged 2026-01-05 is before --received 2026-01-10; "
        "a case cannot be acknowledged before it arrives.\n"
    )
    code, out, err = run([*argv, "--acknowledged", "2026-01-10", "--json"], capsys)
    assert code == 0, err  # the same day is allowed


def test_real_non_utf8_bytes_from_the_shell(database_url: str) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "send_desk",
            "--database",
            database_url,
            "log",
            "--kind",
            "enquiry",
            "--received",
            "2026-01-05",
            b"--contact-name",
            b"Sin\xe9ad",  # Latin-1, not UTF-8
        ],
        capture_output=True,
        timeout=120,
        check=False,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr == (
        b"send-desk: error: argument 9 (Sin\\xe9ad) holds bytes that are not UTF-8 text; "
        b"write it in UTF-8 (or plain ASCII) and try again\n"
    )


def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_the_log(
    database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise OverflowError("date value out of range")

    monkeypatch.setattr("send_desk.services.deadlines.DeadlineService.deadline", broken)
    code, out, err = run(
        ["--database", database_url, "deadline", "--kind", "foi", "--received", "2026-01-05"], capsys
    )
    log = tmp_path / "data" / "logs" / common.CLI_LOG_FILE_NAME
    assert (code, out) == (1, "")
    assert err == (
        "send-desk: error: something unexpected went wrong (OverflowError: date value out of range); "
        f"the details are in {log}. Nothing more was done.\n"
    )
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text
    assert "OverflowError: date value out of range" in text


# ----- every command with generated arguments ---------------------------------------------------


def leaf_commands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """Yield each runnable command (e.g. ("case", "extend")) with its parser."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, sub in subs[0].choices.items():
        yield from leaf_commands(sub, (*path, name))


COMMANDS = sorted(path for path, _ in leaf_commands(build_parser()))
EXTREME_DATES = ["9999-12-31", "0001-01-01", "2199-12-31", "1900-01-01", "2026-02-29", "2028-02-29"]
BAD_TEXT = ["ok\udcff", "\udcff\udcfe", "a\x00b", "", " ", "-", "--", "'; DROP TABLE cases; --", "x" * 5000]
BAD_URLS = ["postgresql://::bad", "://", "foo://x", "postgresql://u@h:notaport/db", "sqlite://:memory:x"]


def junk() -> st.SearchStrategy[str]:
    return st.one_of(st.text(max_size=20), st.sampled_from(BAD_TEXT))


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-5, 40).map(str),
        st.integers(10**9, 10**40).map(str),
        st.integers(-(10**40), -(10**9)).map(str),
        st.sampled_from(["1e9", "0x10", "١٢", "9" * 5000]),
        junk(),
    )


def dates() -> st.SearchStrategy[str]:
    return st.one_of(
        st.dates().map(lambda d: d.isoformat()),
        st.sampled_from(EXTREME_DATES),
        st.dates().map(lambda d: f"{d:%d/%m/%Y}"),
        junk(),
    )


def value_for(action: argparse.Action, folder: Path, references: list[str]) -> st.SearchStrategy[str]:
    """Return a strategy of values for one option or positional argument."""
    type_name = getattr(action.type, "__name__", "")
    dest = action.dest
    if action.choices is not None:
        return st.one_of(st.sampled_from([str(c) for c in action.choices]), junk())
    if action.type is common.iso_date:
        return dates()
    if action.type is int or type_name in ("parse", "positive_int") or dest in ("week",):
        if dest == "week":
            return st.one_of(st.sampled_from(["2026-W48", "9999-W52", "2026-W54", "0-W1"]), junk())
        if dest == "cases":  # demo: keep the everyday run quick, the extremes are refused anyway
            return st.one_of(st.integers(0, 30).map(str), st.integers(10**8, 10**40).map(str), junk())
        return numbers()
    if action.type is Path or dest in ("out", "file"):
        names = [
            "missing/x.xlsx",
            "missing/x.pdf",
            ".",
            "folder.xlsx",
            "folder.pdf",
            "folder.sqlite3",
            "out.xlsx",
            "out.pdf",
            "out.docx",
            "not-a-workbook.xlsx",
            str(folder / "abs.xlsx"),
        ]
        return st.one_of(st.sampled_from(names), junk())
    if dest == "reference":
        return st.one_of(st.sampled_from(references), junk())
    if dest in ("login", "handler_login", "officer"):
        return st.one_of(st.sampled_from(["sam.patel", "alex.jones", "priya.shah", "nobody"]), junk())
    return junk()


def argv_for(
    command: tuple[str, ...], database_url: str, folder: Path, references: list[str]
) -> st.SearchStrategy[list[str]]:
    """Return a strategy of whole command lines for one command."""
    parser = dict(leaf_commands(build_parser()))[command]
    parts: list[st.SearchStrategy[list[str]]] = [
        st.one_of(
            st.just(["--database", database_url]),
            st.just(["--database", database_url]),
            st.sampled_from(BAD_URLS).map(lambda url: ["--database", url]),
        ),
        st.just(list(command)),
    ]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        value = value_for(action, folder, references)
        if not action.option_strings:  # positional: nearly always there, one or a few values
            count = st.integers(1, 2) if action.nargs in ("+", "*") else st.just(1)
            parts.append(
                st.one_of(count.flatmap(lambda n, v=value: st.lists(v, min_size=n, max_size=n)), st.just([]))
                if action.nargs in ("+", "*")
                else st.one_of(value.map(lambda v: [v]), value.map(lambda v: [v]), st.just([]))
            )
            continue
        flag = action.option_strings[-1]
        if action.nargs == 0:
            parts.append(st.sampled_from([[], [flag]]))
        else:
            parts.append(st.one_of(st.just([]), value.map(lambda v, f=flag: [f, v])))
    parts.append(st.one_of(st.just([]), st.just([]), junk().map(lambda v: [v])))  # a stray extra word
    return st.tuples(*parts).map(lambda chunks: [word for chunk in chunks for word in chunk])


def drive(
    command: tuple[str, ...],
    database_url: str,
    desk: Desk,
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    examples: int,
) -> None:
    references = [desk.cases.log_case(complaint_input()).reference, "SD-2026-99999"]

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(argv=argv_for(command, database_url, folder, references))
    def check(argv: list[str]) -> None:
        code, _out, err = run(argv, capsys)
        assert_one_plain_line(code, err, argv)

    check()


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_with_generated_arguments(
    command: tuple[str, ...], database_url: str, desk: Desk, folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drive(command, database_url, desk, folders, capsys, examples=4)


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_with_many_generated_arguments(
    command: tuple[str, ...], database_url: str, desk: Desk, folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drive(command, database_url, desk, folders, capsys, examples=150)
