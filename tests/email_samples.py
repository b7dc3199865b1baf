"""Emails made in the tests: an .eml with a non-ASCII sender, an HTML-only body and an attachment."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

JO_SENT = datetime(2026, 11, 23, 16, 42, tzinfo=UTC)
JO_LETTER = b"%PDF-1.4\n% the refusal letter\n" + bytes(range(256)) * 8


def jo_eml(*, html_only: bool = False, with_attachment: bool = True) -> bytes:
    """Return an email from Siobhán Ní Bhriain about her son's plan (UTF-8 name, 16:42 UTC = 16:42 UK)."""
    message = EmailMessage()
    message["From"] = "Siobhán Ní Bhriain <siobhan.nibhriain@example.org>"
    message["To"] = "SEND team <send@council.example.gov.uk>"
    message["Subject"] = "Request for an EHC needs assessment for Oisín"
    message["Date"] = format_datetime(JO_SENT)
    message["Message-ID"] = "<jo-1@example.org>"
    html = (
        "<html><body><p>Hello,</p><p>I would like to ask for an <b>EHC needs assessment</b> for my son "
        "Oisín (born 04/05/2016).<br>His school agrees.</p><p>Thank you,<br>Siobhán</p></body></html>"
    )
    if html_only:
        message.set_content(html, subtype="html")
    else:
        message.set_content(
            "Hello,\n\nI would like to ask for an EHC needs assessment for my son Oisín.\n\n"
            "Thank you,\nSiobhán\n"
        )
        message.add_alternative(html, subtype="html")
    if with_attachment:
        message.add_attachment(JO_LETTER, maintype="application", subtype="pdf", filename="school letter.pdf")
    return message.as_bytes(policy=SMTP)
