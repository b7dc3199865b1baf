"""Build the default letter templates in resources/templates/ with python-docx.

Run `python tools/make_letter_templates.py` after changing a letter's wording here; the files it writes are
ordinary Word documents with docxtpl tags (`{{ field }}`) that a council's staff can open and restyle in
Word with their own letterhead. Each tag sits inside one run so Word cannot split it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from send_desk.domain.letters import SHIPPED  # noqa: E402

OUT = ROOT / "resources" / "templates"
OMBUDSMAN = (
    "Local Government and Social Care Ombudsman, PO Box 4771, Coventry CV4 0EH. "
    "Telephone 0300 061 0614. Website www.lgo.org.uk/make-a-complaint."
)
TRIBUNAL = (
    "Your complaint is about a decision that you can appeal to the First-tier Tribunal (Special "
    "Educational Needs and Disability). You must normally appeal within two months of the date of the "
    "decision letter, or one month from the date of a mediation certificate, whichever is later. "
    "Details are at "
    "www.gov.uk/courts-tribunals/first-tier-tribunal-special-educational-needs-and-disability. "
    "The Ombudsman cannot usually look at matters that can be appealed to the Tribunal."
)

Body = Callable[[DocumentObject], None]


def new_letter() -> DocumentObject:
    """Return a blank A4 letter with the letterhead placeholder in its header."""
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(8)
    header = section.header.paragraphs[0]
    run = header.add_run("[Council letterhead: replace this line with your own logo and address in Word]")
    run.font.color.rgb = RGBColor(0x60, 0x60, 0x60)
    run.font.size = Pt(10)
    team = section.header.add_paragraph()
    team_run = team.add_run("{{ team_name }}")
    team_run.bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot = footer.add_run("Please quote our reference {{ reference }} in any reply.")
    foot.font.size = Pt(9)
    doc.core_properties.author = "SEND Desk"
    doc.core_properties.created = datetime(2026, 12, 2)
    doc.core_properties.modified = datetime(2026, 12, 2)
    doc.core_properties.last_modified_by = "SEND Desk"
    return doc


def facts(doc: DocumentObject, *lines: str) -> None:
    """Add the right-hand block: our reference, the date and who is writing."""
    for line in lines:
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()


def addressee(doc: DocumentObject, name: str, address: str) -> None:
    """Add the addressee's name and postal address (one field each, the address keeps its lines)."""
    for text in (name, address):
        p = doc.add_paragraph(text)
        p.paragraph_format.space_after = Pt(0)
    doc.add_paragraph()


def heading(doc: DocumentObject, text: str) -> None:
    """Add the bold subject line."""
    doc.add_paragraph().add_run(text).bold = True


def para(doc: DocumentObject, text: str) -> None:
    """Add a paragraph of body text."""
    doc.add_paragraph(text)


def sign_off(doc: DocumentObject, *who: str) -> None:
    """Add "Yours sincerely" and the signatory lines."""
    doc.add_paragraph("Yours sincerely")
    doc.add_paragraph()
    for line in who:
        p = doc.add_paragraph(line)
        p.paragraph_format.space_after = Pt(0)


def family_letter(subject: str, *paragraphs: str, signed: tuple[str, ...] = ("{{ team_name }}",)) -> Body:
    """Return the body of a letter to the family's contact."""

    def body(doc: DocumentObject) -> None:
        facts(doc, "Our reference: {{ reference }}", "Date: {{ letter_date }}")
        addressee(doc, "{{ contact_name }}", "{{ contact_address }}")
        doc.add_paragraph("Dear {{ contact_name }}")
        heading(doc, subject)
        for text in paragraphs:
            para(doc, text)
        sign_off(doc, *signed)

    return body


LETTERS: dict[str, Body] = {
    "acknowledge-complaint-stage-1": family_letter(
        "Your complaint: {{ summary }}",
        "Thank you for your complaint, which we received on {{ received_date }}. We have logged it as a "
        "stage 1 complaint under our complaints procedure, with the reference {{ reference }}.",
        "An officer will look into what you have told us and send you a full response by {{ respond_by }}. "
        "If we need longer, we will write to you before then to explain why and to give you a new date.",
        "If you need us to do anything differently when we contact you, for example large print, an "
        "interpreter or telephone calls at a particular time, please tell us.",
    ),
    "acknowledge-complaint-stage-2": family_letter(
        "Your complaint at stage 2: {{ summary }}",
        "Thank you for asking us, on {{ escalated_date }}, to look at your complaint again at stage 2 of "
        "our complaints procedure. Your reference remains {{ reference }}.",
        "A senior officer who was not involved at stage 1 will review your complaint and our stage 1 "
        "response, and we will send you our final response by {{ respond_by }}. If we need longer, we "
        "will write to you before then to explain why and to give you a new date.",
        "If you are still unhappy after our stage 2 response, you can ask the Local Government and "
        "Social Care Ombudsman to look at your complaint. Our final response will give you their details.",
    ),
    "acknowledge-enquiry": family_letter(
        "Your enquiry: {{ summary }}",
        "Thank you for contacting the {{ team_name }} about {{ child_name }}. We received your enquiry "
        "on {{ received_date }} and have logged it with the reference {{ reference }}.",
        "We aim to reply to you by {{ respond_by }}. If we cannot, we will let you know why and when "
        "you can expect to hear from us.",
    ),
    "acknowledge-member": lambda doc: (
        facts(doc, "Our reference: {{ reference }}", "Date: {{ letter_date }}"),
        addressee(doc, "{{ member_name }}", "{{ member_address }}"),
        doc.add_paragraph("Dear {{ member_name }}"),
        heading(doc, "Your enquiry on behalf of {{ contact_name }}: {{ summary }}"),
        para(
            doc,
            "Thank you for your enquiry of {{ received_date }} on behalf of your constituent, "
            "{{ contact_name }}, about {{ child_name }}. We have logged it with the reference "
            "{{ reference }}.",
        ),
        para(
            doc,
            "We will send you a full reply by {{ respond_by }}. We have the consent we need to share "
            "information with you about this case; please tell us if your constituent's circumstances "
            "change.",
        ),
        sign_off(doc, "{{ team_name }}"),
    ),
    "acknowledge-foi-eir": family_letter(
        "Your request for information",
        "Thank you for your request for information, which we received on {{ received_date }}. We are "
        "dealing with it under the Freedom of Information Act 2000 or, where the information is "
        "environmental, the Environmental Information Regulations 2004. Your reference is {{ reference }}.",
        "We will reply promptly and by {{ respond_by }} at the latest (20 working days after we "
        "received your request). If we need you to clarify your request, we will ask you straight away.",
    ),
    "acknowledge-sar": family_letter(
        "Your request for your personal information",
        "Thank you for your request for a copy of the personal information we hold, which we received "
        "on {{ received_date }}. We are dealing with it as a subject access request under Article 15 of "
        "the UK General Data Protection Regulation. Your reference is {{ reference }}.",
        "We will send you the information by {{ respond_by }}. If your request is complex we may need up "
        "to two further months; if so we will tell you, with our reasons, before that date.",
    ),
    "holding-extension": family_letter(
        "We need more time to reply: {{ summary }}",
        "We are writing about your {{ kind }}, which we received on {{ received_date }} (reference "
        "{{ reference }}). We are sorry, but we cannot reply by the date we gave you.",
        "The reason is: {{ extension_reason }}.",
        "We will now send you our full reply by {{ extended_to }}.",
        "If you are not happy with this delay you can tell us, and you can contact the Local Government "
        "and Social Care Ombudsman: " + OMBUDSMAN,
    ),
    "clarification-request": family_letter(
        "We need more details to answer your request",
        "Thank you for your {{ kind }}, which we received on {{ received_date }} "
        "(reference {{ reference }}).",
        "To find the information you want, we need you to tell us more: [say here exactly what the "
        "requester needs to clarify, and offer help to do so].",
        "The time limit for our reply stopped on {{ clarification_asked_date }} and will start again "
        "when we receive your answer. If we have not heard from you by {{ chase_date }}, we will "
        "contact you again.",
    ),
    "response-stage-1": family_letter(
        "Our response to your complaint: {{ summary }}",
        "Thank you for your complaint, which we received on {{ received_date }} (reference {{ reference }}). "
        "I have looked into it and this letter is our stage 1 response.",
        "[Say here what the complaint was about, what you looked at and who you spoke to.]",
        "What we found: {{ response }}",
        "Our decision: your complaint is {{ outcome }}.",
        "What we will do to put things right: {{ remedies }}",
        "If you are not satisfied with this response, you can ask for your complaint to be looked at "
        "again at stage 2 of our procedure. Please tell us why you are still unhappy, quoting "
        "{{ reference }}, by {{ escalate_by }}.",
        signed=("{{ officer_name }}", "{{ team_name }}"),
    ),
    "response-final": lambda doc: (
        family_letter(
            "Our final response to your complaint: {{ summary }}",
            "Thank you for asking us to look at your complaint again at stage 2 (reference {{ reference }}). "
            "This letter is our final response under our complaints procedure.",
            "[Say here what the complaint was about, what the review looked at and who it spoke to.]",
            "What we found: {{ response }}",
            "Our decision: your complaint is {{ outcome }}.",
            "What we will do to put things right: {{ remedies }}",
            "If you are still not satisfied, you can ask the Local Government and Social Care Ombudsman "
            "to investigate. The Ombudsman normally expects to hear from you within 12 months of when "
            "you found out about the matter: please contact them by {{ ombudsman_by }}. " + OMBUDSMAN,
            "{%p if appealable %}",
            TRIBUNAL,
            "{%p endif %}",
            signed=("{{ officer_name }}", "{{ team_name }}"),
        )(doc),
    ),
}


def main() -> None:
    """Write every shipped template."""
    OUT.mkdir(parents=True, exist_ok=True)
    names = {spec.name for spec in SHIPPED}
    if names != set(LETTERS):
        raise SystemExit(f"SHIPPED and LETTERS differ: {sorted(names ^ set(LETTERS))}")
    for spec in SHIPPED:
        doc = new_letter()
        LETTERS[spec.name](doc)
        doc.save(str(OUT / spec.filename))
        print(OUT / spec.filename)


if __name__ == "__main__":
    main()
