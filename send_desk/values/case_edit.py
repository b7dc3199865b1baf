"""Editing a logged case: the details a person may change, and what each is called on the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from send_desk.domain.kinds import Channel
from send_desk.values.cases import PersonInput

EDIT_LABELS: dict[str, str] = {
    "contact_name": "Contact name",
    "contact_relationship": "Contact's relationship to the child",
    "contact_email": "Contact email",
    "contact_phone": "Contact phone",
    "contact_address": "Contact's address",
    "child_name": "Child's name",
    "child_dob": "Child's date of birth",
    "child_identifier": "EHC/UPN reference",
    "representative_name": "Representative's name",
    "representative_organisation": "Representative's organisation",
    "category": "Category",
    "summary": "Summary",
    "description": "Description",
    "officer": "Officer",
    "channel": "Channel",
    "adjustments": "Adjustments",
    "adjustments_review_on": "Review adjustments on",
    "matter_on": "Date of the matter",
    "matter_late_reason": "Accepted late because",
    "ombudsman_reference": "Ombudsman reference",
}
"""Each editable detail (its key in the audit's old → new pairs) and the name people read."""

GOVERNED_LABELS: dict[str, str] = {"received_on": "Received date", "kind": "Kind"}
"""The details only managers and admins change, with a reason (the audited correction)."""


@dataclass(frozen=True)
class CaseEdit:
    """Every editable detail of a case as it should be after the edit (unchanged ones as they were)."""

    contact: PersonInput
    child: PersonInput
    channel: Channel
    representative: PersonInput | None = None
    category: str = ""
    summary: str = ""
    description: str = ""
    officer_login: str | None = None
    adjustments: str = ""
    adjustments_review_on: date | None = None
    matter_on: date | None = None
    matter_late_reason: str = ""
    ombudsman_reference: str = ""
