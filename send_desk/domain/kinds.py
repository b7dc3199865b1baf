"""The vocabulary of a case: kinds, channels, statuses, outcomes and closure codes."""

from __future__ import annotations

from enum import StrEnum


class CaseKind(StrEnum):
    """What sort of contact a case is; the value is the command-line id."""

    COMPLAINT = "complaint"
    ENQUIRY = "enquiry"
    MP_ENQUIRY = "mp-enquiry"
    COUNCILLOR_ENQUIRY = "councillor-enquiry"
    FOI = "foi"
    EIR = "eir"
    SAR = "sar"
    OMBUDSMAN = "ombudsman"
    COMPLIMENT = "compliment"

    @property
    def label(self) -> str:
        """Return the name a person reads."""
        return KIND_LABELS[self]


KIND_LABELS: dict[CaseKind, str] = {
    CaseKind.COMPLAINT: "Complaint",
    CaseKind.ENQUIRY: "Enquiry",
    CaseKind.MP_ENQUIRY: "MP enquiry",
    CaseKind.COUNCILLOR_ENQUIRY: "Councillor enquiry",
    CaseKind.FOI: "FOI request",
    CaseKind.EIR: "EIR request",
    CaseKind.SAR: "Subject access request",
    CaseKind.OMBUDSMAN: "Ombudsman enquiry",
    CaseKind.COMPLIMENT: "Compliment",
}


class Channel(StrEnum):
    """How the contact reached the service."""

    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    WEB_FORM = "web-form"
    IN_PERSON = "in-person"
    VIA_MP = "via-mp"
    VIA_COUNCILLOR = "via-councillor"
    VIA_OMBUDSMAN = "via-ombudsman"
    SOCIAL_MEDIA = "social-media"

    @property
    def label(self) -> str:
        """Return the name a person reads."""
        return self.value.replace("-", " ").capitalize().replace("Mp", "MP")


class CaseStatus(StrEnum):
    """Whether a case is still being worked."""

    OPEN = "open"
    CLOSED = "closed"


class Rag(StrEnum):
    """Red/amber/green state of the next target, named so it never relies on colour."""

    OVERDUE = "overdue"
    DUE_SOON = "due-soon"
    ON_TRACK = "on-track"
    DONE = "done"

    @property
    def label(self) -> str:
        """Return the words shown beside the colour."""
        return {"overdue": "Overdue", "due-soon": "Due soon", "on-track": "On track", "done": "Done"}[
            self.value
        ]


class Outcome(StrEnum):
    """The finding of a complaint response."""

    UPHELD = "upheld"
    PARTLY_UPHELD = "partly-upheld"
    NOT_UPHELD = "not-upheld"

    @property
    def label(self) -> str:
        """Return the name a person reads."""
        return self.value.replace("-", " ").capitalize()


class ClosureCode(StrEnum):
    """Why a case was closed."""

    RESPONDED = "responded"
    WITHDRAWN = "withdrawn"
    RESOLVED_AS_SERVICE_REQUEST = "resolved-as-service-request"
    NO_RESPONSE_TO_CLARIFICATION = "no-response-to-clarification"
    DUPLICATE = "duplicate"
    LOGGED_IN_ERROR = "logged-in-error"
    NOT_ACCEPTED = "not-accepted"
    OUT_OF_JURISDICTION = "out-of-jurisdiction"

    @property
    def label(self) -> str:
        """Return the name a person reads."""
        return self.value.replace("-", " ").capitalize()


class Relationship(StrEnum):
    """How the contact relates to the child or young person."""

    PARENT = "parent"
    CARER = "carer"
    YOUNG_PERSON = "young-person"
    ADVOCATE = "advocate"
    SOLICITOR = "solicitor"
    SCHOOL = "school"
    OTHER = "other"


class PersonRole(StrEnum):
    """The part a person plays in a case."""

    CHILD = "child"
    CONTACT = "contact"
    REPRESENTATIVE = "representative"


class RemedyKind(StrEnum):
    """A remedy offered in a complaint response."""

    APOLOGY = "apology"
    EXPLANATION = "explanation"
    ACTION_ON_DELAY = "action-on-delay"
    DECISION_RECONSIDERED = "decision-reconsidered"
    RECORD_AMENDED = "record-amended"
    FINANCIAL = "financial"
    POLICY_CHANGE = "policy-change"
    STAFF_TRAINING = "staff-training"


class LinkKind(StrEnum):
    """Why two cases are linked."""

    RELATED = "related"
    DUPLICATE = "duplicate"
    SAME_CHILD = "same-child"
    SAME_FAMILY = "same-family"


class Role(StrEnum):
    """What a member of staff may do."""

    OFFICER = "officer"
    MANAGER = "manager"
    ADMIN = "admin"


DEFAULT_CATEGORIES: tuple[tuple[str, bool], ...] = (
    ("EHC needs assessment - request or decision", True),
    ("Assessment delay", False),
    ("Draft or final plan delay", False),
    ("Plan content", True),
    ("Placement / naming a school", True),
    ("Annual review", False),
    ("Phase transfer", False),
    ("Provision not delivered", False),
    ("Out of school / alternative provision", False),
    ("SEND transport", False),
    ("Personal budgets", False),
    ("Mediation / tribunal / tribunal order compliance", False),
    ("Ceasing a plan", True),
    ("Communication / keeping informed", False),
    ("Complaint handling", False),
    ("Staff conduct", False),
    ("Health or social care element", False),
    ("Data protection / records", False),
    ("Other", False),
)
"""SEND categories and whether decisions in them are appealable to the SEND Tribunal."""
