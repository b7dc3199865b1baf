"""The values a letter's fields take for one case (pure: a CaseDetail and the day in, a mapping out)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from send_desk.domain.calendar import add_calendar_months
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import Outcome, RemedyKind, kind_facts
from send_desk.domain.letters import FIELDS, OMBUDSMAN_MONTHS
from send_desk.domain.wording import DEFAULT_TEAM, long_date
from send_desk.values.cases import CaseDetail, RemedyView

FieldValue = str | bool | None

FIELD_WORDS = {f.name: f.description[0].lower() + f.description[1:] for f in FIELDS}


def _long(value: date | None) -> str | None:
    return long_date(value) if value is not None else None


def _text(value: str | None) -> str | None:
    return value.strip() if value and value.strip() else None


REMEDY_WORDS = {
    RemedyKind.APOLOGY: "An apology",
    RemedyKind.EXPLANATION: "An explanation",
    RemedyKind.ACTION_ON_DELAY: "Action on the delay",
    RemedyKind.DECISION_RECONSIDERED: "The decision reconsidered",
    RemedyKind.RECORD_AMENDED: "Your records corrected",
    RemedyKind.FINANCIAL: "A payment",
    RemedyKind.POLICY_CHANGE: "A change to our policy or practice",
    RemedyKind.STAFF_TRAINING: "Training for our staff",
}


def remedy_words(remedy: RemedyView) -> str:
    """Return a remedy as a letter says it, e.g. "A payment of £250.00: for your time and trouble"."""
    words = (
        REMEDY_WORDS.get(RemedyKind(remedy.kind), remedy.kind)
        if remedy.kind in set(RemedyKind)
        else remedy.kind
    )
    if remedy.amount_pence:
        words += f" of £{remedy.amount_pence / 100:,.2f}"
    if remedy.description.strip():
        words += f": {remedy.description.strip()}"
    return words


def merge_values(
    case: CaseDetail,
    *,
    today: date,
    team: str = DEFAULT_TEAM,
    escalate_by: date | None = None,
    acknowledged_on: date | None = None,
    respond_by: date | None = None,
) -> dict[str, FieldValue]:
    """Return every catalogue field's value for the case (None where the case does not have it).

    `acknowledged_on` stands in for the recorded acknowledgement when the letter is the acknowledgement
    being sent today, and `respond_by` for the response date that acknowledgement sets; `escalate_by` is
    computed by the caller with the stage's calendar.
    """
    stage = case.current_stage
    contact, child, member = case.contact, case.child, case.representative
    extension = stage.extensions[-1] if stage.extensions else None
    responded = stage.respond.done_on if stage.respond else None
    final = case.stage >= 2 or (stage.outcome is not None and case.closed_on is not None)
    remedies: str | None = "; ".join(remedy_words(r) for r in stage.remedies) or None
    if remedies is None and stage.outcome == Outcome.NOT_UPHELD.value:
        remedies = "none, as we did not find fault"
    values: dict[str, FieldValue] = {
        "reference": case.reference,
        "kind": kind_facts(case.kind).noun.split(" ", 1)[1],
        "stage": str(case.stage),
        "summary": _text(case.summary),
        "category": _text(case.category),
        "appealable": case.appealable,
        "received_date": long_date(case.received_on),
        "escalated_date": _long(stage.started_on) if case.stage >= 2 else None,
        "letter_date": long_date(today),
        "acknowledge_by": _long(stage.acknowledge.due if stage.acknowledge else None),
        "acknowledged_date": _long(
            acknowledged_on or (stage.acknowledge.done_on if stage.acknowledge else None)
        ),
        "respond_by": _long(respond_by or (stage.respond.due if stage.respond else None)),
        "extended_to": _long(extension.new_due if extension else None),
        "extension_reason": _text(extension.reason.rstrip(".") if extension else None),
        "clarification_asked_date": _long(stage.clarification_requested_on),
        "chase_date": _long(stage.chase_on),
        "responded_date": _long(responded),
        "escalate_by": _long(escalate_by),
        "ombudsman_by": _long(
            add_calendar_months(responded, OMBUDSMAN_MONTHS) if responded and final else None
        ),
        "outcome": stage.outcome.replace("-", " ") if stage.outcome else None,
        "response": _text(stage.reasons),
        "remedies": remedies,
        "contact_name": _text(contact.name if contact else None),
        "contact_address": _text(contact.address if contact else None),
        "contact_email": _text(contact.email if contact else None),
        "member_name": _text(member.name if member else None),
        "member_address": _text(member.address if member else None),
        "child_name": _text(child.name if child else None),
        "child_dob": _long(child.date_of_birth if child else None),
        "officer_name": case.officer.name if case.officer else None,
        "officer_team": _text(case.officer.team if case.officer else None),
        "team_name": _text(team) or DEFAULT_TEAM,
    }
    return values


def missing_fields(used: Iterable[str], values: Mapping[str, FieldValue]) -> list[str]:
    """Return, in catalogue order, the fields a template uses that the case does not have."""
    wanted = set(used)
    return [f.name for f in FIELDS if f.name in wanted and values.get(f.name) is None]


def check_complete(reference: str, title: str, used: Iterable[str], values: Mapping[str, FieldValue]) -> None:
    """Refuse, before anything is made, a letter whose template uses a field the case lacks."""
    missing = missing_fields(used, values)
    if missing:
        words = "; ".join(FIELD_WORDS[name] for name in missing)
        raise ValidationError(
            f'The letter "{title}" needs {len(missing)} thing{"s" if len(missing) > 1 else ""} case '
            f"{reference} does not have yet: {words}. Add {'them' if len(missing) > 1 else 'it'} to the "
            "case (or record the step that sets it), or choose another template.",
            field="template",
        )
