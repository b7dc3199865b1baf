"""Reading email files: .eml with the standard library, Outlook .msg with olefile (a committed fixture)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from send_desk.domain.errors import ValidationError
from send_desk.reports.email_files import html_to_text, is_email_name, read_email
from tests.email_samples import JO_LETTER, jo_eml
from tests.msg_fixture import FIXTURE, ZOE_REPORT, build_msg, zoe_msg


def test_eml_with_a_non_ascii_sender_a_text_body_and_an_attachment() -> None:
    message = read_email("request.eml", jo_eml())
    assert (message.sender_name, message.sender_address) == (
        "Siobhán Ní Bhriain",
        "siobhan.nibhriain@example.org",
    )
    assert message.sender == "Siobhán Ní Bhriain <siobhan.nibhriain@example.org>"
    assert message.subject == "Request for an EHC needs assessment for Oisín"
    assert message.sent_at == datetime(2026, 11, 23, 16, 42, tzinfo=UTC)
    assert message.to == "SEND team <send@council.example.gov.uk>"
    assert message.body_text == (
        "Hello,\n\nI would like to ask for an EHC needs assessment for my son Oisín.\n\nThank you,\nSiobhán"
    )
    assert [(a.name, a.media_type, a.content) for a in message.attachments] == [
        ("school letter.pdf", "application/pdf", JO_LETTER)
    ]


def test_eml_with_only_an_html_body_is_turned_into_text() -> None:
    message = read_email("request.eml", jo_eml(html_only=True, with_attachment=False))
    assert message.body_text == (
        "Hello,\n\nI would like to ask for an EHC needs assessment for my son Oisín (born 04/05/2016).\n"
        "His school agrees.\n\nThank you,\nSiobhán"
    )
    assert "<b>EHC needs assessment</b>" in message.body_html
    assert message.attachments == ()


def test_the_committed_msg_fixture_is_what_the_builder_writes() -> None:
    assert FIXTURE.read_bytes() == zoe_msg()


def test_msg_with_a_non_ascii_sender_an_html_only_body_and_an_attachment() -> None:
    message = read_email("zoe.msg", FIXTURE.read_bytes())
    assert (message.sender_name, message.sender_address) == ("Zoë Ó Briain", "zoe.obriain@example.org")
    assert message.subject == "Amy’s EHC assessment – still waiting"
    assert message.sent_at == datetime(2026, 11, 24, 9, 15, tzinfo=UTC)
    assert message.to == "SEND team <send@council.example.gov.uk>"
    assert message.body_text == (
        "Dear SEND team,\n\nAmy’s EHC needs assessment is now 8 weeks late.\n"
        "Please call me & tell me when the plan will be ready.\n\nZoë"
    )
    assert [(a.name, a.media_type, a.content) for a in message.attachments] == [
        ("school report.pdf", "application/pdf", ZOE_REPORT)
    ]


def test_msg_prefers_the_plain_body_when_there_is_one() -> None:
    data = build_msg(
        subject="Transport",
        sender_name="Kit Carson",
        sender_address="kit@example.net",
        sent_at=datetime(2026, 6, 1, 8, 0, tzinfo=UTC),
        body_text="The bus did not come.\r\nAgain.",
        body_html="<p>ignored</p>",
    )
    message = read_email("kit.msg", data)
    assert message.body_text == "The bus did not come.\nAgain."
    assert message.attachments == ()


def test_something_that_is_not_an_outlook_message_is_refused_in_plain_words() -> None:
    with pytest.raises(ValidationError, match=r"notes.msg is not an Outlook message the desk can read"):
        read_email("notes.msg", b"just some text")
    with pytest.raises(ValidationError, match="could not be read as an Outlook message"):
        read_email("broken.msg", FIXTURE.read_bytes()[:1500])


def test_html_to_text_and_email_names() -> None:
    assert html_to_text("<ul><li>one</li><li>two &amp; three</li></ul><script>x()</script>") == (
        "• one\n• two & three"
    )
    assert [is_email_name(n) for n in ("a.EML", "b.msg", "c.pdf")] == [True, True, False]
