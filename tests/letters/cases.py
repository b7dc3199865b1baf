"""Cases that fit each shipped letter template, built through the services on the test clock (27/11/2026)."""

from __future__ import annotations

from datetime import date

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import CaseKind, Outcome, RemedyKind
from send_desk.services.cases import RemedyInput
from send_desk.values.cases import CaseDetail, PersonInput
from tests.conftest import complaint_input

ADDRESS = "12 Station Road\nAnytown\nAN1 2BC"
CONTACT = PersonInput(
    name="Jo Bloggs",
    relationship="parent",
    email="jo.bloggs@example.org",
    phone="07700 900123",
    address=ADDRESS,
    preferred_contact="email",
)
MEMBER = PersonInput(name="Sam Example MP", address="House of Commons\nLondon\nSW1A 0AA")


def log(desk: Desk, **overrides: object) -> CaseDetail:
    """Log a case like the shared complaint, with the contact's address and preferences."""
    overrides.setdefault("contact", CONTACT)
    return desk.cases.log_case(complaint_input(**overrides))  # type: ignore[arg-type]


def responded(desk: Desk, received: date, on: date, **overrides: object) -> CaseDetail:
    """Log a stage 1 complaint and record its partly upheld response with two remedies."""
    case = log(desk, received=received, **overrides)
    return desk.cases.respond(
        case.id,
        on=on,
        expected_version=case.version,
        outcome=Outcome.PARTLY_UPHELD,
        reasons="The draft plan was sent 3 weeks late because the educational psychologist's advice was late",
        remedies=[
            RemedyInput(RemedyKind.APOLOGY, description="we are sorry for the delay"),
            RemedyInput(RemedyKind.FINANCIAL, amount_pence=25000, description="for your time and trouble"),
        ],
    )


def build(desk: Desk) -> dict[str, CaseDetail]:
    """Return, by template name, a case every field of that template can be filled from."""
    cases: dict[str, CaseDetail] = {}
    cases["acknowledge-complaint-stage-1"] = log(desk)
    first = log(desk, received=date(2026, 10, 1))
    first = desk.cases.respond(
        first.id,
        on=date(2026, 10, 14),
        expected_version=first.version,
        outcome=Outcome.NOT_UPHELD,
        reasons="The assessment was on time",
    )
    cases["acknowledge-complaint-stage-2"] = desk.cases.escalate(
        first.id, requested_on=date(2026, 11, 2), handler_login="priya.shah", expected_version=first.version
    )
    cases["acknowledge-enquiry"] = log(desk, kind=CaseKind.ENQUIRY, received=date(2026, 11, 25))
    cases["acknowledge-member"] = log(
        desk, kind=CaseKind.MP_ENQUIRY, received=date(2026, 11, 26), representative=MEMBER
    )
    cases["acknowledge-foi-eir"] = log(desk, kind=CaseKind.FOI, received=date(2026, 11, 23))
    cases["acknowledge-sar"] = log(desk, kind=CaseKind.SAR, received=date(2026, 11, 26))
    held = log(desk, received=date(2026, 11, 20))
    cases["holding-extension"] = desk.cases.extend(
        held.id, reason="We are waiting for the school's records.", amount=5, expected_version=held.version
    )
    asked = log(desk, kind=CaseKind.FOI, received=date(2026, 11, 16))
    cases["clarification-request"] = desk.cases.request_clarification(
        asked.id, on=date(2026, 11, 24), chase_on=date(2026, 12, 8), expected_version=asked.version
    )
    cases["response-stage-1"] = responded(desk, date(2026, 11, 2), date(2026, 11, 20))
    final = responded(desk, date(2026, 9, 1), date(2026, 9, 22), category="Plan content")
    final = desk.cases.escalate(
        final.id, requested_on=date(2026, 10, 5), handler_login="priya.shah", expected_version=final.version
    )
    final = desk.cases.acknowledge(final.id, on=date(2026, 10, 6), expected_version=final.version)
    cases["response-final"] = desk.cases.respond(
        final.id,
        on=date(2026, 11, 2),
        expected_version=final.version,
        outcome=Outcome.UPHELD,
        reasons="The placement decision was not explained to you",
        remedies=[RemedyInput(RemedyKind.DECISION_RECONSIDERED, description="a panel will look again")],
    )
    return cases
