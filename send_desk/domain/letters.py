"""Letters to families: the fields a template may use and the templates the desk ships (one list each)."""

from __future__ import annotations

from dataclasses import dataclass

from send_desk.domain.ehc import MERGE_FIELDS as EHC_MERGE_FIELDS
from send_desk.domain.kinds import CaseKind

LARGE_PRINT_POINTS = 16
"""The smallest type in a large-print letter (RNIB's clear print guidance: 16 to 18 point)."""


class Purpose:
    """What a template is for; the words the template manager shows."""

    ACKNOWLEDGEMENT = "acknowledgement"
    HOLDING = "holding"
    CLARIFICATION = "clarification"
    RESPONSE = "response"
    OTHER = "other"

    ALL = (ACKNOWLEDGEMENT, HOLDING, CLARIFICATION, RESPONSE, OTHER)


@dataclass(frozen=True)
class LetterField:
    """A field a template may use as `{{ name }}`, with what it holds."""

    name: str
    group: str
    description: str
    example: str


FIELDS: tuple[LetterField, ...] = (
    LetterField("reference", "Case", "The case reference", "SD-2026-00042"),
    LetterField("kind", "Case", "What the case is, in words", "complaint"),
    LetterField("stage", "Case", "The complaint stage (1 or 2)", "1"),
    LetterField("summary", "Case", "The case's summary", "Late draft EHC plan"),
    LetterField("category", "Case", "The SEND category", "EHC needs assessment — delay"),
    LetterField("appealable", "Case", "Yes when the category is a decision the Tribunal hears", "True"),
    LetterField("received_date", "Dates", "The day the case was received, in words", "Monday 30 March 2026"),
    LetterField("escalated_date", "Dates", "The day stage 2 was asked for, in words", "Monday 11 May 2026"),
    LetterField(
        "letter_date", "Dates", "Today, the date of the letter, in words", "Thursday 3 December 2026"
    ),
    LetterField("acknowledge_by", "Dates", "The acknowledgement target, in words", "Wednesday 8 April 2026"),
    LetterField(
        "acknowledged_date", "Dates", "The day the acknowledgement was sent", "Wednesday 1 April 2026"
    ),
    LetterField(
        "respond_by", "Dates", "The response target (as extended), in words", "Wednesday 22 April 2026"
    ),
    LetterField("extended_to", "Dates", "The new date of the latest extension", "Wednesday 6 May 2026"),
    LetterField(
        "extension_reason", "Dates", "Why the response was extended", "We are waiting for the school"
    ),
    LetterField(
        "clarification_asked_date", "Dates", "The day clarification was asked for", "Friday 3 April 2026"
    ),
    LetterField("chase_date", "Dates", "The day the desk will chase the requester", "Friday 17 April 2026"),
    LetterField("responded_date", "Dates", "The day the stage was answered", "Monday 20 April 2026"),
    LetterField("escalate_by", "Dates", "The last day to ask for stage 2, in words", "Monday 18 May 2026"),
    LetterField("ombudsman_by", "Dates", "Twelve months after the final response", "Tuesday 20 April 2027"),
    LetterField("outcome", "Response", "The stage's outcome in words", "partly upheld"),
    LetterField("response", "Response", "The reasons given in the response", "The plan was late because…"),
    LetterField("remedies", "Response", "The remedies offered, one a line", "An apology"),
    LetterField("contact_name", "Contact", "The contact's name", "Jane Smith"),
    LetterField("contact_address", "Contact", "The contact's postal address", "1 High Street, Anytown"),
    LetterField("contact_email", "Contact", "The contact's email address", "jane@example.org"),
    LetterField("member_name", "Contact", "The MP or councillor writing for the family", "Sam Patel MP"),
    LetterField("member_address", "Contact", "The MP's or councillor's address", "House of Commons"),
    LetterField("child_name", "Child", "The child's or young person's name", "Alex Smith"),
    LetterField("child_dob", "Child", "The child's date of birth, in words", "Tuesday 4 May 2015"),
    LetterField("officer_name", "Officer", "The case officer's name", "Priya Shah"),
    LetterField("officer_team", "Officer", "The case officer's team", "SEND casework"),
    LetterField("team_name", "Team", "The team's name as the desk prints it", "SEND team"),
    *(LetterField(name, "EHC process", what, example) for name, what, example in EHC_MERGE_FIELDS),
)
"""Every field a template may use; a template using any other name is refused when it is added."""

FIELD_NAMES = frozenset(f.name for f in FIELDS)

OMBUDSMAN_MONTHS = 12
"""The Local Government and Social Care Ombudsman normally looks at complaints within 12 months."""


@dataclass(frozen=True)
class TemplateSpec:
    """A template the desk ships: its file, title, what it is for and which cases it fits."""

    name: str
    title: str
    purpose: str
    kinds: tuple[CaseKind, ...]
    stages: tuple[int, ...] = (1, 2)

    @property
    def filename(self) -> str:
        """Return the file name under resources/templates/."""
        return f"{self.name}.docx"


COMPLAINT = (CaseKind.COMPLAINT,)
INFORMATION = (CaseKind.FOI, CaseKind.EIR, CaseKind.SAR)

SHIPPED: tuple[TemplateSpec, ...] = (
    TemplateSpec(
        "acknowledge-complaint-stage-1",
        "Acknowledgement: complaint, stage 1",
        Purpose.ACKNOWLEDGEMENT,
        COMPLAINT,
        (1,),
    ),
    TemplateSpec(
        "acknowledge-complaint-stage-2",
        "Acknowledgement: complaint, stage 2",
        Purpose.ACKNOWLEDGEMENT,
        COMPLAINT,
        (2,),
    ),
    TemplateSpec(
        "acknowledge-enquiry", "Acknowledgement: enquiry", Purpose.ACKNOWLEDGEMENT, (CaseKind.ENQUIRY,)
    ),
    TemplateSpec(
        "acknowledge-member",
        "Acknowledgement: MP or councillor",
        Purpose.ACKNOWLEDGEMENT,
        (CaseKind.MP_ENQUIRY, CaseKind.COUNCILLOR_ENQUIRY),
    ),
    TemplateSpec(
        "acknowledge-foi-eir", "Acknowledgement: FOI or EIR request", Purpose.ACKNOWLEDGEMENT, INFORMATION[:2]
    ),
    TemplateSpec(
        "acknowledge-sar", "Acknowledgement: subject access request", Purpose.ACKNOWLEDGEMENT, (CaseKind.SAR,)
    ),
    TemplateSpec(
        "holding-extension",
        "Holding letter: extension",
        Purpose.HOLDING,
        (CaseKind.COMPLAINT, CaseKind.ENQUIRY, *INFORMATION),
    ),
    TemplateSpec(
        "clarification-request", "Clarification request (clock stopped)", Purpose.CLARIFICATION, INFORMATION
    ),
    TemplateSpec("response-stage-1", "Response frame: complaint, stage 1", Purpose.RESPONSE, COMPLAINT, (1,)),
    TemplateSpec(
        "response-final", "Response frame: complaint, stage 2 (final)", Purpose.RESPONSE, COMPLAINT, (2,)
    ),
)
"""The default templates in resources/templates/, built by tools/make_letter_templates.py."""


def fits(kinds: tuple[str, ...], stages: tuple[int, ...], kind: str, stage: int) -> bool:
    """Tell whether a template for these kinds and stages fits a case (no kinds listed: fits any)."""
    return (not kinds or kind in kinds) and (not stages or stage in stages)


def unknown_fields(used: set[str]) -> list[str]:
    """Return, sorted, the names a template uses that are not in the field catalogue."""
    return sorted(used - FIELD_NAMES)
