"""Editing a logged case: the details, checked as the new-case form checks them, audited old → new.

The received date and the kind are governed (managers and admins, with a reason) and go through
`services/corrections.py`; everything else is here. `save` applies all three in one unit of work.
Optimistic locking as every case command: a save made against an older version is refused with who
changed it and when.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from send_desk.db.models import Case, Person, Staff
from send_desk.domain import lifecycle
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, Channel, PersonRole
from send_desk.services import audit
from send_desk.services.case_rows import build_search_text, person_values
from send_desk.services.cases import CaseService, validate_case_input
from send_desk.services.clocks import apply_state, case_state
from send_desk.services.corrections import DateField, RecordedDateService
from send_desk.services.permissions import Action, check
from send_desk.services.policies import load_closures
from send_desk.values.case_edit import EDIT_LABELS, CaseEdit
from send_desk.values.cases import CaseDetail, CaseInput, PersonInput

PERSON_FIELDS: dict[str, tuple[PersonRole, str]] = {
    "contact_name": (PersonRole.CONTACT, "name"),
    "contact_relationship": (PersonRole.CONTACT, "relationship"),
    "contact_email": (PersonRole.CONTACT, "email"),
    "contact_phone": (PersonRole.CONTACT, "phone"),
    "contact_address": (PersonRole.CONTACT, "address"),
    "child_name": (PersonRole.CHILD, "name"),
    "child_dob": (PersonRole.CHILD, "date_of_birth"),
    "child_identifier": (PersonRole.CHILD, "identifier"),
    "representative_name": (PersonRole.REPRESENTATIVE, "name"),
    "representative_organisation": (PersonRole.REPRESENTATIVE, "organisation"),
}
"""Each editable detail of a person: whose it is and which `PersonInput` field holds it."""


def person_input(person: Person | None) -> PersonInput:
    """Return a stored person as the input that would save it again."""
    if person is None:
        return PersonInput()
    return PersonInput(
        name=person.name,
        date_of_birth=person.date_of_birth,
        identifier=person.identifier,
        relationship=person.relationship_to_child,
        organisation=person.organisation,
        email=person.email,
        phone=person.phone,
        address=person.address,
        preferred_contact=person.preferred_contact,
        consent=person.consent,
    )


def edit_values(edit: CaseEdit) -> dict[str, Any]:
    """Return the editable details of an edit, keyed as `EDIT_LABELS`."""
    people = {PersonRole.CONTACT: edit.contact, PersonRole.CHILD: edit.child}
    people[PersonRole.REPRESENTATIVE] = edit.representative or PersonInput()
    values: dict[str, Any] = {
        key: _clean(getattr(people[role], name)) for key, (role, name) in PERSON_FIELDS.items()
    }
    values.update(
        category=edit.category.strip(),
        summary=edit.summary.strip(),
        description=edit.description.strip(),
        officer=edit.officer_login or None,
        channel=edit.channel.value,
        adjustments=edit.adjustments.strip(),
        adjustments_review_on=edit.adjustments_review_on,
        matter_on=edit.matter_on,
        matter_late_reason=edit.matter_late_reason.strip(),
        ombudsman_reference=edit.ombudsman_reference.strip(),
    )
    return values


def edit_changes(before: CaseEdit, after: CaseEdit) -> dict[str, tuple[Any, Any]]:
    """Return the details an edit changes, keyed as `EDIT_LABELS`, each as (old, new)."""
    old, new = edit_values(before), edit_values(after)
    return {key: (old[key], new[key]) for key in EDIT_LABELS if old[key] != new[key]}


def _clean(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def stored_edit(case: Case) -> CaseEdit:
    """Return a stored case's editable details as an edit that changes nothing."""
    people = {person.role: person for person in case.people}
    representative = people.get(PersonRole.REPRESENTATIVE.value)
    return CaseEdit(
        contact=person_input(people.get(PersonRole.CONTACT.value)),
        child=person_input(people.get(PersonRole.CHILD.value)),
        representative=person_input(representative) if representative is not None else None,
        channel=Channel(case.channel),
        category=case.category.name if case.category else "",
        summary=case.summary,
        description=case.description,
        officer_login=case.officer.login if case.officer else None,
        adjustments=case.adjustments,
        adjustments_review_on=case.adjustments_review_on,
        matter_on=case.matter_on,
        matter_late_reason=case.matter_late_reason,
        ombudsman_reference=case.ombudsman_reference,
    )


class CaseEditService(CaseService):
    """Change a logged case's details (the governed ones are `RecordedDateService`'s)."""

    def edit(self, case_id: int, edit: CaseEdit, *, expected_version: int) -> CaseDetail:
        """Save the edited details: checked as a new case is, audited old → new; unchanged saves nothing."""
        with self.ctx.db.write() as session:
            case, _stage, actor = self._begin(session, case_id, expected_version)
            self._edit_in(session, case, actor, edit)
            return self._detail(session, case)

    def save(
        self,
        case_id: int,
        edit: CaseEdit,
        *,
        expected_version: int,
        kind: CaseKind | None = None,
        received_on: date | None = None,
        reason: str = "",
    ) -> CaseDetail:
        """Save a kind change, a received-date correction and the details together: all or nothing.

        One unit of work: the version is checked once, then the kind (if `kind` differs), the received
        date (if `received_on` differs, with `reason`) and the details are changed in that order, each
        audited as `RecordedDateService.change_kind`, `correct_date` and `edit` audit it. If any part is
        refused, nothing is saved.
        """
        corrections = RecordedDateService(self.ctx)
        with self.ctx.db.write() as session:
            case, _stage, actor = self._begin(session, case_id, expected_version)
            new_kind = kind if kind is not None and kind.value != case.kind else None
            received = received_on if received_on is not None and received_on != case.received_on else None
            if new_kind is not None or received is not None:
                manager = corrections.manager(session)
                if new_kind is not None:
                    corrections.change_kind_in(session, case, manager, new_kind, reason)
                if received is not None:
                    corrections.correct_date_in(
                        session, case, manager, DateField.RECEIVED_ON, received, reason
                    )
            self._edit_in(session, case, actor, edit)
            return self._detail(session, case)

    def _edit_in(self, session: Session, case: Case, actor: Staff, edit: CaseEdit) -> None:
        """Apply the edited details to `case` (loaded and version-checked) in the open session, audited."""
        if case.anonymised:
            raise ValidationError("This case has been anonymised, so its details can no longer be changed.")
        changes = edit_changes(stored_edit(case), edit)
        if not changes:
            return
        validate_case_input(self._as_input(case, edit), self.ctx.today())
        with session.no_autoflush:
            self._apply(session, case, edit, changes, actor.login)
            case.updated_at = self.ctx.now()
            case.updated_by = actor.name
            case.search_text = build_search_text(case, case.people)
            flag_modified(case, "updated_at")  # the case row is saved, so its version moves, always
        audit.record(
            session,
            at=self.ctx.now(),
            login=actor.login,
            actor_name=actor.name,
            action="edit",
            case=case,
            changes=changes,
        )
        session.flush()

    def details(self, case_id: int) -> CaseEdit:
        """Return the case's editable details as they are saved now (an edit that changes nothing)."""
        with self.ctx.db.read() as session:
            return stored_edit(self._case(session, case_id))

    def _as_input(self, case: Case, edit: CaseEdit) -> CaseInput:
        """Return the case as the new-case checks see it: its kind, stage and dates, the edited details."""
        return CaseInput(
            kind=CaseKind(case.kind),
            received_on=case.received_on,
            stage=case.stages[0].stage if case.stages else 1,
            channel=edit.channel,
            contact=edit.contact,
            child=edit.child,
            representative=edit.representative,
            category=edit.category,
            summary=edit.summary,
            description=edit.description,
            adjustments=edit.adjustments,
            adjustments_review_on=edit.adjustments_review_on,
            matter_on=edit.matter_on,
            matter_late_reason=edit.matter_late_reason,
            officer_login=edit.officer_login,
        )

    def _apply(
        self, session: Session, case: Case, edit: CaseEdit, changes: dict[str, tuple[Any, Any]], login: str
    ) -> None:
        people = {person.role: person for person in case.people}
        edited = {
            PersonRole.CONTACT: edit.contact,
            PersonRole.CHILD: edit.child,
            PersonRole.REPRESENTATIVE: edit.representative or PersonInput(),
        }
        for role in {PERSON_FIELDS[key][0] for key in changes if key in PERSON_FIELDS}:
            stored = people.get(role.value)
            merged = person_input(stored)
            for whose, name in PERSON_FIELDS.values():
                if whose is role:
                    merged = replace(merged, **{name: getattr(edited[role], name)})
            values = person_values(role, merged)
            if stored is None:
                if values is not None:
                    case.people.append(Person(**values))
                continue
            if values is None:  # every detail cleared: keep the row, blank
                values = {
                    **(person_values(role, replace(merged, name="-")) or {}),
                    "name": "",
                    "name_key": "",
                }
            for column, value in values.items():
                setattr(stored, column, value)
        if "category" in changes:
            category = self._category(session, edit.category) if edit.category.strip() else None
            case.category_id = category.id if category else None
            case.category = category
        if "officer" in changes:
            self._reassign(session, case, edit.officer_login, login)
        simple = ("summary", "description", "adjustments", "adjustments_review_on", "matter_on")
        for key in (*simple, "matter_late_reason", "ombudsman_reference"):
            if key in changes:
                setattr(case, key, changes[key][1] if changes[key][1] is not None else _none_or_blank(key))
        if "channel" in changes:
            case.channel = edit.channel.value

    def _reassign(self, session: Session, case: Case, officer_login: str | None, login: str) -> None:
        """Give the case to another officer, under the rules of Assign (or leave it unassigned)."""
        actor = self._staff(session, login)
        if officer_login is None:
            check(actor, Action.REASSIGN)
            case.officer_id = None
            case.officer = None
            return
        officer = self._staff(session, officer_login)
        if officer.id != actor.id:
            check(actor, Action.REASSIGN)
        try:
            state = lifecycle.assign(case_state(case), handler=officer.login)
        except ValidationError as error:
            raise ValidationError(
                str(error).replace(officer.login, officer.name, 1), field="officer"
            ) from None
        case.officer_id = officer.id
        case.officer = officer
        case.stages[-1].handler_id = officer.id
        case.stages[-1].handler = officer
        apply_state(case, state, load_closures(session))


def _none_or_blank(key: str) -> Any:
    return None if key.endswith("_on") else ""
