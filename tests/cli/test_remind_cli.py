"""Scheduled emails: `remind --email` sends each officer their own digest, `report weekly --email-to`
sends the manager's summary; both through a real SMTP server, both audited."""

from __future__ import annotations

import io
import json
from datetime import date
from functools import partial
from typing import Any

import pytest
from pypdf import PdfReader

from send_desk.bootstrap import Desk, open_desk
from send_desk.cli import common
from send_desk.cli.main import main
from send_desk.services import context
from tests.conftest import FakeClock, complaint_input
from tests.letters.smtp_server import Mailbox, smtp_server_fixture  # noqa: F401 - the fixture


@pytest.fixture(autouse=True)
def _cli_on_the_test_clock(monkeypatch: pytest.MonkeyPatch, clock: FakeClock, desk: Desk) -> None:
    """Run commands as sam.patel (an admin) on Friday 27 November 2026."""
    monkeypatch.setattr(context, "os_login", lambda: "sam.patel")
    monkeypatch.setattr(common, "open_desk", partial(open_desk, clock=clock))


def run(database_url: str, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--database", database_url, *args])
    out, err = capsys.readouterr()
    return code, out, err


def relay(database_url: str, capsys: pytest.CaptureFixture[str], server: Mailbox) -> None:
    code, _out, err = run(
        database_url, capsys, "smtp", "set", "--host", server.host, "--port", str(server.port),
        "--from", "send.team@council.example",
    )  # fmt: skip
    assert code == 0, err


def audited(desk: Desk, action: str) -> list[dict[str, Any]]:
    with desk.ctx.db.read() as session:
        from sqlalchemy import select

        from send_desk.db.models import AuditEntry

        rows = session.scalars(select(AuditEntry.changes).where(AuditEntry.action == action)).all()
        return [json.loads(row)["details"] for row in rows]


def test_remind_lists_every_officers_targets_as_json(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    late = desk.cases.log_case(complaint_input(date(2026, 11, 10), summary="Late plan"))
    today = desk.cases.log_case(complaint_input(date(2026, 11, 20), officer_login="priya.shah", summary=""))

    code, out, _err = run(database_url, capsys, "remind", "--json")

    assert code == 0
    assert json.loads(out) == {
        "today": "2026-11-27",
        "staff": [
            {
                "login": "alex.jones", "name": "Alex Jones", "email": "",
                "overdue": [{"reference": late.reference, "target": "acknowledgement", "due": "2026-11-17",
                             "working_days_overdue": 8, "summary": "Late plan"}],
                "due_today": [],
            },
            {
                "login": "priya.shah", "name": "Priya Shah", "email": "",
                "overdue": [],
                "due_today": [{"reference": today.reference, "target": "acknowledgement", "due": "2026-11-27",
                               "working_days_overdue": 0, "summary": ""}],
            },
        ],
    }  # fmt: skip


def test_remind_email_sends_each_officer_their_own_and_names_who_has_no_address(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], smtp_server: Mailbox
) -> None:
    late = desk.cases.log_case(complaint_input(date(2026, 11, 10), summary="Late plan"))
    desk.cases.log_case(complaint_input(date(2026, 11, 20), officer_login="priya.shah"))
    desk.staff.update_details("alex.jones", email="alex.jones@council.example")
    relay(database_url, capsys, smtp_server)

    code, out, err = run(database_url, capsys, "remind", "--email")

    assert out == "Sent alex.jones their reminder (1 case) at alex.jones@council.example.\n"
    assert err == (
        "send-desk: priya.shah has cases due but no email address, so no reminder was sent. "
        "Add their address in Admin ▸ Staff.\n"
    )
    assert code == 1  # a scheduled task's log shows someone was missed
    [received] = smtp_server.received
    assert received.recipients == ["alex.jones@council.example"]
    assert received.message["To"] == "alex.jones@council.example"
    assert received.message["From"] == "send.team@council.example"
    assert received.message["Subject"] == "SEND Desk: 1 overdue (Friday 27 November 2026)"
    body = received.message.get_content().replace("\r\n", "\n")
    assert (
        f"  {late.reference}  Acknowledgement was due Tue 17/11/2026, 8 working days overdue – Late plan\n"
        in body
    )
    assert body.startswith("Hello Alex,\n")
    assert audited(desk, "reminders-emailed") == [
        {"to": ["alex.jones@council.example"], "cases": 1, "references": [late.reference]}
    ]


def test_an_officer_cannot_send_everyones_reminders(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(context, "os_login", lambda: "alex.jones")
    code, _out, err = run(database_url, capsys, "remind", "--email")
    assert code != 0
    assert err == "send-desk: error: Only a manager or an admin can run reports. Ask your team manager.\n"


def test_remind_email_without_a_relay_says_how_to_set_one_up(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _out, err = run(database_url, capsys, "remind", "--email")
    assert code != 0
    assert "No email relay is set up, so nothing was sent." in err
    assert "send-desk smtp set" in err


def test_weekly_summary_emailed_with_its_figures_and_the_pdf(
    desk: Desk, database_url: str, capsys: pytest.CaptureFixture[str], smtp_server: Mailbox
) -> None:
    # week 47: Monday 16 to Sunday 22 November 2026; two complaints received, one acknowledged on time
    first = desk.cases.log_case(complaint_input(date(2026, 11, 16)))
    desk.cases.acknowledge(first.id, on=date(2026, 11, 17), expected_version=first.version)
    desk.cases.log_case(complaint_input(date(2026, 11, 18)))
    relay(database_url, capsys, smtp_server)

    code, out, err = run(
        database_url, capsys, "report", "weekly", "--week", "2026-W47", "--team", "North SEND",
        "--email-to", "manager@council.example", "head@council.example",
    )  # fmt: skip

    assert (code, err) == (0, "")
    assert out == "Emailed the weekly summary of 2026-W47 to manager@council.example, head@council.example.\n"
    [received] = smtp_server.received
    message = received.message
    assert received.recipients == ["manager@council.example", "head@council.example"]
    assert message["Subject"] == "North SEND: weekly summary 2026-W47 (16/11/2026 to 22/11/2026)"
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    assert "Received: 2\n" in body
    assert "Acknowledged on time: 1 of 1, 100%\n" in body
    assert "Open at the end of the week: 2, of which 0 overdue\n" in body
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "weekly-summary-2026-W47.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_content()))
    first_page = " ".join(pdf.pages[0].extract_text().split())
    assert first_page.startswith("North SEND · Weekly summary 2026-W47 (16/11/2026 to 22/11/2026)")
    assert audited(desk, "weekly-summary-emailed") == [
        {"to": ["manager@council.example", "head@council.example"], "cases": 0, "references": [],
         "week": "2026-W47"}
    ]  # fmt: skip
