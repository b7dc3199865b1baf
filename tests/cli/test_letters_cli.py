"""`send-desk letter`, `templates` and `smtp` run as a script would, on a real database and SMTP server."""

from __future__ import annotations

import io
import json
from datetime import datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from send_desk.bootstrap import Desk
from send_desk.cli.main import main
from send_desk.domain.wording import UK, long_date
from send_desk.services import context
from tests.letters import cases as letter_cases
from tests.letters.smtp_server import Mailbox, smtp_server_fixture  # noqa: F401 - the fixture


@pytest.fixture(autouse=True)
def _act_as_sam(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")


def run(database_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--database", database_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def ok(database_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(database_url, capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_templates_list_json(database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    listed = ok(database_url, capsys, "templates", "list")
    assert [t["name"] for t in listed][:3] == [
        "acknowledge-complaint-stage-1",
        "acknowledge-complaint-stage-2",
        "acknowledge-enquiry",
    ]
    first = listed[0]
    assert {
        k: first[k] for k in ("version", "title", "purpose", "kinds", "stages", "active", "added_by")
    } == {
        "version": 1,
        "title": "Acknowledgement: complaint, stage 1",
        "purpose": "acknowledgement",
        "kinds": ["complaint"],
        "stages": [1],
        "active": True,
        "added_by": "SEND Desk",
    }
    assert first["fields"] == [
        "contact_address",
        "contact_name",
        "letter_date",
        "received_date",
        "reference",
        "respond_by",
        "summary",
        "team_name",
    ]


def test_letter_to_docx_and_eml(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = letter_cases.log(desk)
    out = tmp_path / "ack.docx"
    result = ok(
        database_url,
        capsys,
        "letter",
        case.reference,
        "--template",
        "acknowledge-complaint-stage-1",
        "--out",
        str(out),
    )
    assert result == {
        "reference": "SD-2026-00001",
        "template": "acknowledge-complaint-stage-1",
        "version": 1,
        "how": "docx",
        "file": str(out),
        "recipient": "Jo Bloggs",
        "stored_on_case": result["stored_on_case"],
    }
    text = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    today = datetime.now(UK).date()  # the command line runs on the real clock
    assert f"Date: {long_date(today)}" in text
    draft = tmp_path / "ack.eml"
    ok(
        database_url,
        capsys,
        "letter",
        case.reference,
        "--template",
        "acknowledge-complaint-stage-1",
        "--out",
        str(draft),
    )
    message = message_from_bytes(draft.read_bytes(), policy=policy.default)
    assert (message["X-Unsent"], message["To"]) == ("1", "jo.bloggs@example.org")
    timeline = desk.cases.get(case.id).timeline
    assert [(e.channel, e.direction) for e in timeline] == [("letter", "out"), ("email", "out")]


def test_letter_send_through_the_relay(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path, smtp_server: Mailbox
) -> None:
    assert ok(
        database_url,
        capsys,
        "smtp",
        "set",
        "--host",
        smtp_server.host,
        "--port",
        str(smtp_server.port),
        "--from",
        "send.team@council.example",
    ) == {
        "host": "127.0.0.1",
        "port": smtp_server.port,
        "starttls": False,
        "from": "send.team@council.example",
        "user": "",
    }
    assert ok(database_url, capsys, "smtp", "test", "--to", "it@council.example") == {
        "sent_to": "it@council.example"
    }
    assert smtp_server.received[0].message["Subject"] == "SEND Desk: test email"
    case = letter_cases.log(desk)
    out = tmp_path / "sent.eml"
    result = ok(
        database_url,
        capsys,
        "letter",
        case.reference,
        "--template",
        "acknowledge-complaint-stage-1",
        "--out",
        str(out),
        "--send",
    )
    assert (result["how"], result["recipient"]) == ("email", "Jo Bloggs <jo.bloggs@example.org>")
    received = smtp_server.received[1].message
    assert received["Subject"] == "Your complaint — our reference SD-2026-00001"
    assert received["X-Unsent"] is None


def test_letter_refusals_are_one_line(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    case = letter_cases.log(desk)
    code, out, err = run(
        database_url,
        capsys,
        "letter",
        case.reference,
        "--template",
        "acknowledge-complaint-stage-1",
        "--out",
        str(tmp_path / "x.txt"),
    )
    assert (code, out) == (2, "")
    assert err == f"send-desk: error: {tmp_path / 'x.txt'} should end in .docx, .pdf or .eml\n"
    code, out, err = run(
        database_url,
        capsys,
        "letter",
        case.reference,
        "--template",
        "acknowledge-complaint-stage-1",
        "--out",
        str(tmp_path / "x.eml"),
        "--send",
    )
    assert err == (
        "send-desk: error: No email relay is set up, so the desk cannot send email itself. Save an email "
        "draft and send it from Outlook, or ask an admin to set the relay up (`send-desk smtp set`).\n"
    )
    code, out, err = run(
        database_url,
        capsys,
        "letter",
        case.reference,
        "--template",
        "response-stage-1",
        "--out",
        str(tmp_path / "x.docx"),
    )
    assert code == 1
    assert err.startswith('send-desk: error: The letter "Response frame: complaint, stage 1" needs 4 things')
    assert not (tmp_path / "x.docx").exists()
    assert not (tmp_path / "x.eml").exists()
    assert desk.cases.get(case.id).timeline == ()


def test_templates_add_and_switch_off(
    database_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from send_desk.resources import resource_path

    source = tmp_path / "mine.docx"
    source.write_bytes(resource_path("templates", "acknowledge-enquiry.docx").read_bytes())
    added = ok(database_url, capsys, "templates", "add", "acknowledge-enquiry", str(source))
    assert (added["version"], added["added_by"], added["kinds"]) == (2, "sam.patel", ["enquiry"])
    off = ok(database_url, capsys, "templates", "off", "acknowledge-enquiry")
    assert off["active"] is False
    listed = {t["name"]: t for t in ok(database_url, capsys, "templates", "list")}
    assert (listed["acknowledge-enquiry"]["version"], listed["acknowledge-enquiry"]["active"]) == (2, False)
