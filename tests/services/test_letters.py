"""Letters from templates: every shipped template merged with a real case and read back with python-docx.

The cases are logged and worked through the services on the test clock (Friday 27 November 2026), so the
dates below are the desk's own due dates, written in UK words.
"""

from __future__ import annotations

import io
import shutil
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy import func, select

from send_desk.bootstrap import Desk
from send_desk.db.models import Letter, LetterTemplate, SmtpSettings
from send_desk.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from send_desk.domain.kinds import CaseKind
from send_desk.domain.letters import FIELD_NAMES, SHIPPED
from send_desk.reports.letters import smallest_font
from send_desk.resources import resource_path
from send_desk.services.letters import preferences
from send_desk.services.office import find_pdf_maker
from send_desk.values.cases import PersonInput
from tests.letters import cases as letter_cases
from tests.letters.smtp_server import Mailbox, smtp_server_fixture  # noqa: F401 - the fixture
from tests.services.conftest import DeskAs

HEAD = [
    "[Council letterhead: replace this line with your own logo and address in Word]",
    "SEND team",
]
FAMILY = [
    "",
    "Jo Bloggs",
    "12 Station Road\nAnytown\nAN1 2BC",
    "",
    "Dear Jo Bloggs",
]  # the address keeps its lines

EXPECTED: dict[str, list[str]] = {
    "acknowledge-complaint-stage-1": [
        "Your complaint: EHC needs assessment running late",
        "Thank you for your complaint, which we received on Friday 20 November 2026. We have logged it as a "
        "stage 1 complaint under our complaints procedure, with the reference SD-2026-00001.",
        "An officer will look into what you have told us and send you a full response by Friday 11 December "
        "2026. If we need longer, we will write to you before then to explain why and to give you a new "
        "date.",
    ],
    "acknowledge-complaint-stage-2": [
        "Thank you for asking us, on Monday 2 November 2026, to look at your complaint again at stage 2 of "
        "our complaints procedure. Your reference remains SD-2026-00002.",
        "A senior officer who was not involved at stage 1 will review your complaint and our stage 1 "
        "response, and we will send you our final response by Monday 7 December 2026. If we need longer, we "
        "will write to you before then to explain why and to give you a new date.",
    ],
    "acknowledge-enquiry": [
        "Thank you for contacting the SEND team about Amy Bloggs. We received your enquiry on Wednesday "
        "25 November 2026 and have logged it with the reference SD-2026-00003.",
        "We aim to reply to you by Wednesday 9 December 2026. If we cannot, we will let you know why and "
        "when you can expect to hear from us.",
    ],
    "acknowledge-member": [
        "Thank you for your enquiry of Thursday 26 November 2026 on behalf of your constituent, Jo Bloggs, "
        "about Amy Bloggs. We have logged it with the reference SD-2026-00004.",
        "We will send you a full reply by Thursday 10 December 2026. We have the consent we need to share "
        "information with you about this case; please tell us if your constituent's circumstances change.",
    ],
    "acknowledge-foi-eir": [
        "We will reply promptly and by Tuesday 22 December 2026 at the latest (20 working days after we "
        "received your request). If we need you to clarify your request, we will ask you straight away.",
    ],
    "acknowledge-sar": [
        "We will send you the information by Tuesday 29 December 2026. If your request is complex we may "
        "need up to two further months; if so we will tell you, with our reasons, before that date.",
    ],
    "holding-extension": [
        "We are writing about your complaint, which we received on Friday 20 November 2026 (reference "
        "SD-2026-00007). We are sorry, but we cannot reply by the date we gave you.",
        "The reason is: We are waiting for the school's records.",
        "We will now send you our full reply by Friday 18 December 2026.",
    ],
    "clarification-request": [
        "Thank you for your FOI request, which we received on Monday 16 November 2026 (reference "
        "SD-2026-00008).",
        "The time limit for our reply stopped on Tuesday 24 November 2026 and will start again when we "
        "receive your answer. If we have not heard from you by Tuesday 8 December 2026, we will contact "
        "you again.",
    ],
    "response-stage-1": [
        "What we found: The draft plan was sent 3 weeks late because the educational psychologist's advice "
        "was late",
        "Our decision: your complaint is partly upheld.",
        "What we will do to put things right: An apology: we are sorry for the delay; A payment of "
        "£250.00: for your time and trouble",
        "If you are not satisfied with this response, you can ask for your complaint to be looked at again "
        "at stage 2 of our procedure. Please tell us why you are still unhappy, quoting SD-2026-00009, by "
        "Friday 18 December 2026.",
        "Alex Jones",
    ],
    "response-final": [
        "Our decision: your complaint is upheld.",
        "What we will do to put things right: The decision reconsidered: a panel will look again",
        "If you are still not satisfied, you can ask the Local Government and Social Care Ombudsman to "
        "investigate. The Ombudsman normally expects to hear from you within 12 months of when you found "
        "out about the matter: please contact them by Tuesday 2 November 2027. Local Government and Social "
        "Care Ombudsman, PO Box 4771, Coventry CV4 0EH. Telephone 0300 061 0614. Website "
        "www.lgo.org.uk/make-a-complaint.",
        "Your complaint is about a decision that you can appeal to the First-tier Tribunal (Special "
        "Educational Needs and Disability). You must normally appeal within two months of the date of the "
        "decision letter, or one month from the date of a mediation certificate, whichever is later. Details "
        "are at www.gov.uk/courts-tribunals/first-tier-tribunal-special-educational-needs-and-disability. "
        "The Ombudsman cannot usually look at matters that can be appealed to the Tribunal.",
        "Priya Shah",
    ],
}


def paragraphs(content: bytes) -> list[str]:
    """Return a .docx's header, body and footer paragraphs as python-docx reads them."""
    document = Document(io.BytesIO(content))
    section = document.sections[0]
    return (
        [p.text for p in section.header.paragraphs]
        + [p.text for p in document.paragraphs]
        + [p.text for p in section.footer.paragraphs]
    )


@pytest.fixture
def built(desk: Desk) -> dict[str, object]:
    return letter_cases.build(desk)  # type: ignore[return-value]


def test_every_shipped_template_has_a_file_and_only_catalogue_fields(desk: Desk) -> None:
    assert {spec.name for spec in SHIPPED} == set(EXPECTED)
    for view in desk.letters.list_templates():
        assert view.shipped
        assert view.version == 1
        assert set(view.fields) <= FIELD_NAMES
        assert resource_path("templates", f"{view.name}.docx").read_bytes() == desk.letters.template_content(
            view.name
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_shipped_template_rendered_for_a_real_case(desk: Desk, name: str) -> None:
    case = letter_cases.build(desk)[name]
    made = desk.letters.make(case.id, name, "docx")
    assert made.filename == f"{case.reference} {name} 2026-11-27 1000.docx"
    text = paragraphs(made.content)
    assert text[:2] == HEAD
    assert text[2:4] == [f"Our reference: {case.reference}", "Date: Friday 27 November 2026"]
    if name == "acknowledge-member":
        assert text[4:9] == [
            "",
            "Sam Example MP",
            "House of Commons\nLondon\nSW1A 0AA",
            "",
            "Dear Sam Example MP",
        ]
    else:
        assert text[4:9] == FAMILY
    for line in EXPECTED[name]:
        assert line in text, line
    assert text[-1] == f"Please quote our reference {case.reference} in any reply."
    assert not any("{{" in line or "{%" in line for line in text)
    tribunal = any("First-tier Tribunal" in line for line in text)
    assert tribunal is (name == "response-final")


def test_the_tribunal_route_only_when_the_category_is_appealable(desk: Desk) -> None:
    case = letter_cases.build(desk)["response-final"]
    assert case.appealable
    with desk.ctx.db.write() as session:
        from send_desk.db.models import Case, Category

        row = session.get(Case, case.id)
        assert row is not None
        row.category_id = session.scalars(
            select(Category.id).where(Category.name == "Assessment delay")
        ).one()
    text = paragraphs(desk.letters.make(case.id, "response-final", "docx").content)
    assert not any("Tribunal" in line for line in text)
    assert "Priya Shah" in text


def test_a_field_the_case_lacks_is_refused_before_anything_is_made(desk: Desk) -> None:
    case = letter_cases.log(desk, contact=PersonInput(name="Jo Bloggs", email="jo.bloggs@example.org"))
    before = desk.cases.get(case.id)
    with pytest.raises(ValidationError) as error:
        desk.letters.make(case.id, "response-stage-1", "docx")
    assert str(error.value) == (
        'The letter "Response frame: complaint, stage 1" needs 5 things case SD-2026-00001 does not have '
        "yet: the last day to ask for stage 2, in words; the stage's outcome in words; the reasons given in "
        "the response; the remedies offered, one a line; the contact's postal address. Add them to the case "
        "(or record the step that sets it), or choose another template."
    )
    with pytest.raises(
        ValidationError,
        match=r"needs 1 thing case SD-2026-00001 does not have yet: the contact's postal address\. Add it",
    ):
        desk.letters.make(case.id, "acknowledge-complaint-stage-1", "draft")
    after = desk.cases.get(case.id)
    assert after.timeline == before.timeline
    assert after.version == before.version
    with desk.ctx.db.read() as session:
        assert session.scalar(select(func.count(Letter.id))) == 0


def test_a_letter_records_its_template_version_and_a_contact_on_the_timeline(desk: Desk) -> None:
    case = letter_cases.log(desk)
    made = desk.letters.make(case.id, "acknowledge-complaint-stage-1", "docx")
    name = "SD-2026-00001 acknowledge-complaint-stage-1 2026-11-27 1000.docx"
    assert made.timeline_text == (
        "Letter made for Jo Bloggs (Word) from version 1 of the template 'Acknowledgement: complaint, "
        "stage 1' (acknowledge-complaint-stage-1 in Admin ▸ Templates); kept with the case's documents as "
        f"{name}."
    )
    assert made.document_stored
    [document] = desk.documents.list(case.reference)
    assert (document.name, document.media_type, document.added_by, document.size) == (
        name,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "sam.patel",
        len(made.content),
    )
    assert desk.documents.content(case.reference, name) == made.content
    entry = [e for e in desk.cases.get(case.id).timeline if e.entry_type == "contact"][-1]
    assert (entry.entry_type, entry.channel, entry.direction, entry.author) == (
        "contact",
        "letter",
        "out",
        "Sam Patel",
    )
    assert entry.text == made.timeline_text
    new = desk.letters.add_template(
        "acknowledge-complaint-stage-1",
        resource_path("templates", "acknowledge-complaint-stage-1.docx").read_bytes(),
    )
    assert (new.version, new.title, new.kinds, new.stages, new.added_by) == (
        2,
        "Acknowledgement: complaint, stage 1",
        ("complaint",),
        (1,),
        "sam.patel",
    )
    again = desk.letters.make(case.id, "acknowledge-complaint-stage-1", "docx")
    assert again.timeline_text.endswith(f"as {name.removesuffix('.docx')} (2).docx.")
    assert (
        "(Word) from version 2 of the template 'Acknowledgement: complaint, stage 1'" in again.timeline_text
    )
    assert [(n, v, h) for n, v, h, _at in desk.letters.letters_made(case.id)] == [
        ("acknowledge-complaint-stage-1", 1, "docx"),
        ("acknowledge-complaint-stage-1", 2, "docx"),
    ]
    assert [v.version for v in desk.letters.versions("acknowledge-complaint-stage-1")] == [2, 1]


def test_templates_fitting_the_case_come_first(desk: Desk) -> None:
    case = letter_cases.log(desk, kind=CaseKind.FOI)
    names = [t.name for t in desk.letters.templates_for(case)]
    assert names[:3] == ["acknowledge-foi-eir", "holding-extension", "clarification-request"]
    assert len(names) == 10


def test_a_template_with_an_unknown_field_is_refused_in_plain_words(desk: Desk, tmp_path: Path) -> None:
    document = Document(io.BytesIO(resource_path("templates", "acknowledge-enquiry.docx").read_bytes()))
    document.add_paragraph("Your plan is due {{ plan_due }} and {{ child_nmae }}.")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(ValidationError) as error:
        desk.letters.add_template("custom", out.getvalue())
    assert str(error.value) == (
        "The template uses {{ child_nmae }}, {{ plan_due }}, which are not fields the desk knows. Use a name "
        "from the field list (Admin ▸ Templates shows it), or correct the spelling in Word."
    )
    with pytest.raises(ValidationError, match=r"^That file is not a Word .docx document\."):
        desk.letters.add_template("custom", b"%PDF-1.4 not a docx")


def test_switching_a_template_off_hides_it_and_refuses_letters(desk: Desk) -> None:
    case = letter_cases.log(desk)
    off = desk.letters.set_active("acknowledge-enquiry", False)
    assert not off.active
    assert "acknowledge-enquiry" not in [t.name for t in desk.letters.templates_for(case)]
    assert "acknowledge-enquiry" in [t.name for t in desk.letters.list_templates()]
    with pytest.raises(ValidationError, match=r"^The template Acknowledgement: enquiry is switched off\."):
        desk.letters.merge(case.id, "acknowledge-enquiry")
    with pytest.raises(NotFoundError, match="There is no letter template called nothing-like-it"):
        desk.letters.merge(case.id, "nothing-like-it")


def test_only_an_admin_changes_templates_and_the_relay(desk: Desk, desk_as: DeskAs) -> None:
    officer = desk_as("alex.jones")
    content = resource_path("templates", "acknowledge-enquiry.docx").read_bytes()
    with pytest.raises(PermissionDeniedError):
        officer.letters.add_template("mine", content)
    with pytest.raises(PermissionDeniedError):
        officer.letters.set_smtp(desk_settings())


def desk_settings() -> object:
    from send_desk.values.letters import SmtpSettingsView

    return SmtpSettingsView("127.0.0.1", 25, False, "send@council.example")


def test_large_print_and_email_first_follow_the_contacts_adjustments(desk: Desk) -> None:
    case = letter_cases.log(desk, adjustments="Large print, please; calls after 3pm")
    assert preferences(case).large_print
    assert preferences(case).email_first  # the contact prefers email
    made = desk.letters.make(case.id, "acknowledge-complaint-stage-1", "docx")
    assert smallest_font(made.content) == 16.0
    plain = letter_cases.log(
        desk, contact=PersonInput(name="Jo Bloggs", address="1 Lane", preferred_contact="letter")
    )
    assert not preferences(plain).large_print
    assert not preferences(plain).email_first
    assert smallest_font(desk.letters.make(plain.id, "acknowledge-complaint-stage-1", "docx").content) == 8.0


def test_an_email_draft_parsed_back_with_email(desk: Desk) -> None:
    case = letter_cases.log(desk)
    made = desk.letters.make(case.id, "acknowledge-complaint-stage-1", "draft")
    assert made.filename.endswith(".eml")
    message = message_from_bytes(made.content, policy=policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"] == "jo.bloggs@example.org"
    assert message["From"] is None  # Outlook sends it from the officer's own mailbox
    assert message["Subject"] == "Your complaint — our reference SD-2026-00001"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "send you a full response by Friday 11 December 2026" in body.get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "SD-2026-00001 acknowledge-complaint-stage-1 2026-11-27 1000.docx"
    assert "Dear Jo Bloggs" in paragraphs(attachment.get_content())
    entry = desk.cases.get(case.id).timeline[-1]
    assert (entry.channel, entry.text.split(" from version")[0]) == (
        "email",
        "Email draft made for Jo Bloggs <jo.bloggs@example.org> (to send from Outlook)",
    )


def test_an_email_sent_through_a_real_smtp_server(desk: Desk, smtp_server: Mailbox) -> None:
    from send_desk.values.letters import SmtpSettingsView

    desk.letters.set_smtp(
        SmtpSettingsView(smtp_server.host, smtp_server.port, False, "send.team@council.example")
    )
    case = letter_cases.log(desk)
    made = desk.letters.make(case.id, "acknowledge-complaint-stage-1", "email")
    [received] = smtp_server.received
    assert received.recipients == ["jo.bloggs@example.org"]
    message = received.message
    assert message["To"] == "jo.bloggs@example.org"
    assert message["From"] == "send.team@council.example"
    assert message["X-Unsent"] is None
    assert message["Subject"] == "Your complaint — our reference SD-2026-00001"
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "which we received on Friday 20 November 2026" in text
    assert "send you a full response by Friday 11 December 2026" in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "Our reference: SD-2026-00001" in paragraphs(attachment.get_content())
    assert made.timeline_text.startswith(
        "Email sent to Jo Bloggs <jo.bloggs@example.org> from version 1 of the template 'Acknowledgement: "
        "complaint, stage 1' (acknowledge-complaint-stage-1 in Admin ▸ Templates); kept with the case's "
        "documents as "
    )


def test_acknowledge_and_send_dates_the_acknowledgement_the_day_it_is_sent(
    desk: Desk, smtp_server: Mailbox
) -> None:
    from send_desk.values.letters import SmtpSettingsView

    desk.letters.set_smtp(
        SmtpSettingsView(smtp_server.host, smtp_server.port, False, "send.team@council.example")
    )
    case = letter_cases.log(desk, received=letter_cases.date(2026, 11, 24))
    assert case.respond_by == letter_cases.date(2026, 12, 15)  # counted from the acknowledge-by date
    acknowledged, made = desk.letters.acknowledge_and_send(
        case.id, "acknowledge-complaint-stage-1", expected_version=case.version
    )
    assert acknowledged.acknowledged_on == letter_cases.date(2026, 11, 27)
    assert acknowledged.respond_by == letter_cases.date(2026, 12, 11)
    body = smtp_server.received[0].message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "send you a full response by Friday 11 December 2026" in body.get_content()
    assert made.how == "email"
    assert [e.entry_type for e in acknowledged.timeline] == ["contact"]


def test_the_relay_password_never_reaches_the_database(
    desk: Desk, smtp_server: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    from send_desk.services import mail
    from send_desk.values.letters import SmtpSettingsView

    settings = desk.letters.set_smtp(
        SmtpSettingsView(
            f" {smtp_server.host} ", smtp_server.port, False, "send.team@council.example", "relay-user"
        )
    )
    assert settings == SmtpSettingsView(
        smtp_server.host, smtp_server.port, False, "send.team@council.example", "relay-user"
    )
    with desk.ctx.db.read() as session:
        row = session.get(SmtpSettings, 1)
        assert row is not None
        assert "password" not in {c.name for c in SmtpSettings.__table__.columns}
    monkeypatch.delenv(mail.PASSWORD_ENV, raising=False)
    with pytest.raises(mail.MailError) as error:
        desk.letters.test_smtp("someone@example.org")
    assert str(error.value) == (
        f"The relay {smtp_server.host} needs the password of relay-user, and none is kept on this PC. Store "
        f"it with `keyring set send-desk-smtp relay-user@{smtp_server.host}` or set SEND_DESK_SMTP_PASSWORD."
    )
    monkeypatch.setenv(mail.PASSWORD_ENV, "s3cret")
    assert mail.smtp_password(settings) == "s3cret"


def test_an_unreachable_relay_is_said_in_plain_words(desk: Desk) -> None:
    from send_desk.services import mail
    from send_desk.values.letters import SmtpSettingsView
    from tests.letters.smtp_server import free_port

    port = free_port()
    desk.letters.set_smtp(SmtpSettingsView("127.0.0.1", port, False, "send.team@council.example"))
    case = letter_cases.log(desk)
    with pytest.raises(mail.MailError, match=rf"^The relay 127.0.0.1:{port} could not be reached"):
        desk.letters.make(case.id, "acknowledge-complaint-stage-1", "email")
    assert desk.cases.get(case.id).timeline == ()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed here")
def test_a_letter_converted_to_pdf_by_libreoffice_reads_back(desk: Desk) -> None:
    from pypdf import PdfReader

    assert find_pdf_maker().program == "LibreOffice"
    case = letter_cases.build(desk)["response-final"]
    made = desk.letters.make(case.id, "response-final", "pdf")
    assert made.filename == "SD-2026-00010 response-final 2026-11-27 1000.pdf"
    assert made.content.startswith(b"%PDF")
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(made.content)).pages
    )
    assert "Our reference: SD-2026-00010" in text
    assert "Date: Friday 27 November 2026" in text
    assert "Dear Jo Bloggs" in text
    assert "please contact them by Tuesday 2 November 2027" in text
    assert "First-tier Tribunal" in text
    assert "Priya Shah" in text


def test_without_libreoffice_or_word_pdf_says_why(monkeypatch: pytest.MonkeyPatch) -> None:
    from send_desk.services import office

    monkeypatch.setattr(office.shutil, "which", lambda _name: None)
    monkeypatch.delenv("SEND_DESK_SOFFICE", raising=False)
    maker = office.find_pdf_maker()
    assert not maker.available
    assert maker.reason == (
        "PDF needs LibreOffice or Microsoft Word on this PC, and neither was found. Save the letter as .docx "
        "and use Word's Save as PDF, or ask IT to install LibreOffice."
    )


def test_the_shipped_templates_are_in_the_database_once(desk: Desk, other_desk: Desk) -> None:
    desk.letters.list_templates()
    other_desk.letters.list_templates()
    with desk.ctx.db.read() as session:
        assert session.scalar(select(func.count(LetterTemplate.id))) == len(SHIPPED)
