"""The vocabulary of a case: kinds, channels, statuses, outcomes and closure codes."""

from __future__ import annotations

from dataclasses import dataclass
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
        return KINDS[self].label


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
        """Return the name a person reads in a list ("Via an MP"): the one source of channel labels."""
        return _CHANNEL_WORDS[self][0]

    @property
    def how(self) -> str:
        """Return how a case arrived as a phrase after "Received 27/11/2026" ("through an MP")."""
        return _CHANNEL_WORDS[self][1]


def channel_label(value: str | None, *, how: bool = False) -> str:
    """Return a stored channel's label (or its phrase with `how`); an unknown value is shown as stored."""
    if not value:
        return ""
    try:
        channel = Channel(value)
    except ValueError:
        return value
    return channel.how if how else channel.label


_CHANNEL_WORDS: dict[Channel, tuple[str, str]] = {
    Channel.PHONE: ("Phone", "by phone"),
    Channel.EMAIL: ("Email", "by email"),
    Channel.LETTER: ("Letter", "by letter"),
    Channel.WEB_FORM: ("Web form", "through the web form"),
    Channel.IN_PERSON: ("In person", "in person"),
    Channel.VIA_MP: ("Via an MP", "through an MP"),
    Channel.VIA_COUNCILLOR: ("Via a councillor", "through a councillor"),
    Channel.VIA_OMBUDSMAN: ("Via the Ombudsman", "through the Ombudsman"),
    Channel.SOCIAL_MEDIA: ("Social media", "on social media"),
}
"""Each channel as people say it: its label in a list, and the phrase for how a case arrived."""


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
    WAITING = "waiting"
    """The clock is stopped until the requester answers (clarification, proof of identity, a fee)."""

    @property
    def label(self) -> str:
        """Return the words shown beside the colour."""
        return {
            "overdue": "Overdue",
            "due-soon": "Due soon",
            "on-track": "On track",
            "done": "Done",
            "waiting": "Waiting for the requester",
        }[self.value]


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


@dataclass(frozen=True, slots=True)
class KindFacts:
    """The fixed facts of one kind of case (its targets are policy data, edited by an admin).

    `stages`: how many stages it can have; `channel`: the usual way it arrives; `comes_from`: who it is
    from, shown on the new-case form ("" for the family); `needs_outcome`: a response records upheld /
    partly / not upheld; `needs_response`: closing it as responded needs a recorded response;
    `manual_deadline`: the response date comes from a letter; `help`: how its clocks run, for the help text.
    """

    kind: CaseKind
    label: str
    noun: str
    plural: str
    stages: int = 1
    channel: Channel = Channel.EMAIL
    comes_from: str = ""
    needs_outcome: bool = False
    needs_response: bool = True
    manual_deadline: bool = False
    help: str = ""


KINDS: dict[CaseKind, KindFacts] = {
    facts.kind: facts
    for facts in (
        KindFacts(CaseKind.COMPLAINT, "Complaint", "a complaint", "Complaints", stages=2, needs_outcome=True),
        KindFacts(CaseKind.ENQUIRY, "Enquiry", "an enquiry", "Enquiries"),
        KindFacts(
            CaseKind.MP_ENQUIRY,
            "MP enquiry",
            "an MP enquiry",
            "MP enquiries",
            channel=Channel.VIA_MP,
            comes_from="MP",
        ),
        KindFacts(
            CaseKind.COUNCILLOR_ENQUIRY,
            "Councillor enquiry",
            "a councillor enquiry",
            "Councillor enquiries",
            channel=Channel.VIA_COUNCILLOR,
            comes_from="Councillor",
        ),
        KindFacts(
            CaseKind.FOI,
            "FOI request",
            "an FOI request",
            "FOI requests",
            help="A fees notice pauses the clock: the working days from the day the notice is given to the "
            "day the fee arrives, both inclusive, do not count (FOIA s10(2)). Asking for clarification stops "
            "the clock; the 20 working days start again from the day the answer arrives (FOIA s1(3)).",
        ),
        KindFacts(
            CaseKind.EIR,
            "EIR request",
            "an EIR request",
            "EIR requests",
            help="As FOI: a charge notice pauses the clock (notice day to payment day inclusive), and "
            "clarification restarts the 20 working days from the day it arrives (EIR reg 9(4)).",
        ),
        KindFacts(
            CaseKind.SAR,
            "Subject access request",
            "a subject access request",
            "Subject access requests",
            help="Asking for clarification pauses the month; it resumes where it stopped when the answer "
            "arrives. When proof of identity is asked for, the month starts when it arrives (Data (Use and "
            "Access) Act 2025 s76). An extension of up to two months must be told within the first month.",
        ),
        KindFacts(
            CaseKind.OMBUDSMAN,
            "Ombudsman enquiry",
            "an Ombudsman enquiry",
            "Ombudsman enquiries",
            channel=Channel.VIA_OMBUDSMAN,
            manual_deadline=True,
        ),
        KindFacts(CaseKind.COMPLIMENT, "Compliment", "a compliment", "Compliments", needs_response=False),
    )
}
"""One row of facts per kind: the single place to add a kind or change what it is."""


def kind_facts(kind: CaseKind) -> KindFacts:
    """Return the fixed facts of a kind."""
    return KINDS[kind]
