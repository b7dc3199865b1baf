"""`send-desk documents` and `send-desk log --from-email`: the files kept against a case, from a script."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from send_desk.bootstrap import open_desk
from send_desk.cli.main import main
from tests.email_samples import jo_eml
from tests.msg_fixture import FIXTURE


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main(args) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def logged(database_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    db = ["--database", database_url]
    return run(
        [*db, "log", "--kind", "complaint", "--received", "2026-11-20", "--contact-name", "Jo"], capsys
    ).strip()


def test_add_list_get_and_remove(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--database", database_url]
    reference = logged(database_url, capsys)
    scan = tmp_path / "signed response.pdf"
    scan.write_bytes(b"%PDF-1.4 signed" + bytes(range(256)))
    added = json.loads(run([*db, "documents", "add", reference, str(scan), "--json"], capsys))
    assert (added["name"], added["type"], added["size"]) == ("signed response.pdf", "application/pdf", 271)
    run([*db, "documents", "add", reference, str(FIXTURE)], capsys)

    listed = json.loads(run([*db, "documents", "list", reference, "--json"], capsys))
    assert [sorted(item) for item in listed] == [["added", "added_by", "name", "sha256", "size", "type"]] * 2
    assert [(d["name"], d["type"], d["size"], d["sha256"]) for d in listed] == [
        ("signed response.pdf", "application/pdf", 271, hashlib.sha256(scan.read_bytes()).hexdigest()),
        (
            "zoe.msg",
            "application/vnd.ms-outlook",
            FIXTURE.stat().st_size,
            hashlib.sha256(FIXTURE.read_bytes()).hexdigest(),
        ),
    ]

    out = tmp_path / "copy.pdf"
    assert run([*db, "documents", "get", reference, "signed response.pdf", "--out", str(out)], capsys) == (
        f"Wrote {out} (271 bytes).\n"
    )
    assert out.read_bytes() == scan.read_bytes()
    audit = json.loads(run([*db, "audit", "--case", reference, "--json"], capsys))
    exported = [entry for entry in audit if entry["action"] == "document-exported"]
    assert [entry["details"]["name"] for entry in exported] == ["signed response.pdf"]

    assert run([*db, "documents", "remove", reference, "zoe.msg", "--reason", "Wrong case"], capsys) == (
        f"Removed zoe.msg from {reference}.\n"
    )
    assert [d["name"] for d in json.loads(run([*db, "documents", "list", reference, "--json"], capsys))] == [
        "signed response.pdf"
    ]
    assert main([*db, "documents", "get", reference, "zoe.msg", "--out", str(tmp_path / "z.msg")]) == 1
    assert "zoe.msg on case" in capsys.readouterr().err


def test_a_missing_file_and_an_unknown_case_are_one_line(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--database", database_url]
    reference = logged(database_url, capsys)
    assert main([*db, "documents", "add", reference, str(tmp_path / "nowhere.pdf")]) == 2
    assert capsys.readouterr().err == f"send-desk: error: there is no file {tmp_path / 'nowhere.pdf'}\n"
    (tmp_path / "a.txt").write_text("x")
    assert main([*db, "documents", "add", "SD-1999-00001", str(tmp_path / "a.txt")]) == 1
    assert capsys.readouterr().err == "send-desk: error: There is no case with the reference SD-1999-00001.\n"


@pytest.mark.parametrize(
    ("name", "content", "kind", "received", "contact", "summary"),
    [
        (
            "request.eml",
            jo_eml(),
            None,
            "2026-11-23",
            ("Siobhán Ní Bhriain", "siobhan.nibhriain@example.org"),
            "Request for an EHC needs assessment for Oisín",
        ),
        (
            "zoe.msg",
            FIXTURE.read_bytes(),
            "complaint",
            "2026-11-24",
            ("Zoë Ó Briain", "zoe.obriain@example.org"),
            "Amy’s EHC assessment – still waiting",
        ),
    ],
)
def test_log_from_email(
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    name: str,
    content: bytes,
    kind: str | None,
    received: str,
    contact: tuple[str, str],
    summary: str,
) -> None:
    db = ["--database", database_url]
    path = tmp_path / name
    path.write_bytes(content)
    reference = run(
        [*db, "log", "--from-email", str(path), *(["--kind", kind] if kind else [])], capsys
    ).strip()
    shown = json.loads(run([*db, "case", "show", reference, "--json"], capsys))
    assert (shown["kind"], shown["received"]) == (kind or "enquiry", received)
    desk = open_desk(database_url, login="reader")
    try:
        case = desk.cases.get_by_reference(reference)
        assert case.contact is not None
        assert (case.contact.name, case.contact.email, case.channel, case.summary) == (
            *contact,
            "email",
            summary,
        )
        assert case.received_at is not None
        assert [d.name for d in desk.documents.list(reference)] == [name]
        assert desk.documents.content(reference, name) == content
    finally:
        desk.close()


def test_log_needs_kind_and_received_without_an_email(
    database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database", database_url, "log", "--kind", "enquiry"]) == 2
    assert capsys.readouterr().err == (
        "send-desk: error: the following arguments are required: --received (or --from-email FILE)\n"
    )


def test_a_30_mb_file_is_refused_until_an_admin_raises_the_limit(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = ["--database", database_url]
    assert run([*db, "documents", "limit"], capsys) == "Files up to 25 MB are kept against a case.\n"
    reference = logged(database_url, capsys)  # the OS account is the first person here: an admin
    big = tmp_path / "big.pdf"
    big.write_bytes(bytes(30 * 1024 * 1024))
    assert main([*db, "documents", "add", reference, str(big)]) == 1
    assert capsys.readouterr().err == (
        "send-desk: error: big.pdf is 30 MB, larger than the 25 MB limit for one document. Make the file "
        "smaller (for example, scan at a lower resolution or save it as PDF) or ask your SEND Desk admin to "
        "raise the limit.\n"
    )
    assert json.loads(run([*db, "documents", "limit", "--set", "40", "--json"], capsys)) == {
        "max_bytes": 40 * 1024 * 1024
    }
    assert (
        json.loads(run([*db, "documents", "add", reference, str(big), "--json"], capsys))["size"]
        == 30 * 1024 * 1024
    )
