"""Change a logged case's details from the case view, with the new-case checks; governed fields for managers.

Every detail is saved through `CaseEditService`, which checks it as a new case is checked (the
service's `validate_case_input`, the one set of checks) and audits old → new. The received date and the
kind are governed: only managers and admins see them enabled, a reason is required, and they go through
the audited correction (`RecordedDateService`). All of it is saved in one unit of work
(`CaseEditService.save`), so a refusal of any part (the kind cannot change once the case is acknowledged,
a detail fails its check) saves nothing, and what was typed stays in the form.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit

from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, Channel, Relationship, kind_facts
from send_desk.gui.actions import ActionDialog
from send_desk.gui.field_limits import watch_length
from send_desk.gui.widgets import DateField, combo
from send_desk.services.permissions import Action, allows
from send_desk.values.case_edit import CaseEdit
from send_desk.values.cases import CaseDetail, PersonInput, PersonView

GOVERNED_NOTE = (
    "Only managers and admins can change the received date or the kind, with a reason; the due dates are "
    "worked out again. The kind can change only before the first acknowledgement or response: after that, "
    "close the case as logged in error and log a new one, linked to it."
)


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


def _date(field: DateField, key: str) -> date | None:
    try:
        return field.date()
    except ValueError as exc:
        raise ValidationError(str(exc), field=key) from None


class EditCaseDialog(ActionDialog):
    """Every detail of a logged case, editable; the received date and kind for managers and admins."""

    title = "Change details"
    save_text = "&Save changes"
    intro = (
        "Change what was recorded wrongly or has changed. Every change is kept on the timeline (old → new)."
    )

    def build(self) -> None:
        """Add every editable field, filled with the case as it is now."""
        case = self.host.case
        contact = case.contact or _blank_person()
        child = case.child or _blank_person()
        rep = case.representative
        self.form.addRow(_section("Contact"))
        self.contact_name = self._line(contact.name)
        self.field("&Name:", self.contact_name, "contact_name")
        self.relationship = combo(
            [("", ""), *((r.value.replace("-", " ").capitalize(), r.value) for r in Relationship)],
            name="Relationship to the child",
        )
        self.relationship.setCurrentIndex(max(self.relationship.findData(contact.relationship), 0))
        self.field("Rela&tionship:", self.relationship, "contact_relationship")
        self.contact_email = self._line(contact.email)
        self.field("E&mail:", self.contact_email, "contact_email")
        self.contact_phone = self._line(contact.phone)
        self.field("&Phone:", self.contact_phone, "contact_phone")
        self.contact_address = self.text_box("For letters: house, street, town, postcode", 60)
        self.contact_address.setPlainText(contact.address)
        self.field("Addr&ess:", self.contact_address, "contact_address")
        self.form.addRow(_section("Child or young person"))
        self.child_name = self._line(child.name)
        self.field("Ch&ild's name:", self.child_name, "child_name")
        self.child_dob = DateField(child.date_of_birth, name="Child's date of birth")
        self.field("Date of &birth:", self.child_dob, "child_dob")
        self.child_identifier = self._line(child.identifier)
        self.field("EHC/&UPN ref:", self.child_identifier, "child_identifier")
        self.represented = bool(kind_facts(case.kind).comes_from) or rep is not None
        self.rep_name = self._line(rep.name if rep else "")
        self.rep_organisation = self._line(rep.organisation if rep else "")
        if self.represented:
            self.form.addRow(_section("Representative"))
            self.field("Representati&ve:", self.rep_name, "rep_name")
            self.field("Of&fice or organisation:", self.rep_organisation, "representative_organisation")
        self.form.addRow(_section("The case"))
        self.channel = combo(((c.label, c.value) for c in Channel), name="How it arrived")
        self.channel.setCurrentIndex(max(self.channel.findData(case.channel), 0))
        self.field("C&hannel:", self.channel, "channel")
        categories = self.desk.categories.choices()
        if case.category and case.category not in categories:
            categories.append(case.category)
        self.category = combo([("", ""), *((name, name) for name in categories)], name="Category")
        self.category.setCurrentIndex(max(self.category.findData(case.category), 0))
        self.field("C&ategory:", self.category, "category")
        officers = [(s.name, s.login) for s in self.host.staff()]
        if case.officer and case.officer.login not in {login for _n, login in officers}:
            officers.append((case.officer.name, case.officer.login))
        self.officer = combo([("Unassigned", None), *officers], name="Officer")
        self.officer.setCurrentIndex(
            max(self.officer.findData(case.officer.login if case.officer else None), 0)
        )
        self.field("&Officer:", self.officer, "officer")
        self.summary = self._line(case.summary)
        self.field("Summar&y:", self.summary, "summary")
        self.description = self.text_box("", 80)
        self.description.setPlainText(case.description)
        self.field("&Description:", self.description, "description")
        self.adjustments = self._line(case.adjustments)
        self.field("Ad&justments:", self.adjustments, "adjustments")
        self.adjustments_review_on = DateField(case.adjustments_review_on, name="Review the adjustments on")
        self.field("Review adjustments on:", self.adjustments_review_on, "adjustments_review_on")
        self.needs_matter = kind_facts(case.kind).needs_outcome
        self.matter_on = DateField(case.matter_on, name="Date of the matter complained about")
        self.matter_late_reason = self._line(case.matter_late_reason)
        if self.needs_matter:
            self.field("Date of the matter:", self.matter_on, "matter_on")
            self.field("Accepted late because:", self.matter_late_reason, "matter_late_reason")
        for box, limit in (
            (self.contact_name, "name"),
            (self.contact_email, "email"),
            (self.contact_phone, "phone"),
            (self.child_name, "name"),
            (self.child_identifier, "identifier"),
            (self.summary, "summary"),
            (self.description, "description"),
        ):
            watch_length(box, limit)
        if self.represented:
            watch_length(self.rep_name, "name")
        self._build_governed(case)

    def _build_governed(self, case: CaseDetail) -> None:
        self.form.addRow(_section("Received date and kind (managers and admins)"))
        note = QLabel(GOVERNED_NOTE)
        note.setObjectName("muted")
        note.setWordWrap(True)
        self.form.addRow(note)
        self.received = DateField(case.received_on, name="Date received")
        self.field("&Received:", self.received, "received_on")
        self.kind: QComboBox = combo(((k.label, k.value) for k in CaseKind), name="Kind of case")
        self.kind.setCurrentIndex(max(self.kind.findData(case.kind.value), 0))
        self.field("&Kind:", self.kind, "kind")
        self.reason = self._line("")
        self.reason.setPlaceholderText("Why the received date or kind is changed (kept in the audit trail)")
        self.field("Reason for the chan&ge:", self.reason, "reason")
        self.governed_allowed = allows(self.desk.staff.me().role, Action.CORRECT_DATES)
        for widget in (self.received, self.kind, self.reason):
            widget.setEnabled(self.governed_allowed)

    def _line(self, value: str) -> QLineEdit:
        return QLineEdit(value)

    # ----- saving ------------------------------------------------------------------------
    def edited(self) -> CaseEdit:
        """Return the details as typed now."""
        representative = None
        if self.represented and (self.rep_name.text().strip() or self.rep_organisation.text().strip()):
            old = self.host.case.representative
            representative = PersonInput(
                name=self.rep_name.text(),
                organisation=self.rep_organisation.text(),
                relationship=old.relationship if old else _rep_relationship(self.host.case.kind),
            )
        return CaseEdit(
            contact=PersonInput(
                name=self.contact_name.text(),
                relationship=str(self.relationship.currentData() or ""),
                email=self.contact_email.text(),
                phone=self.contact_phone.text(),
                address=self.contact_address.toPlainText(),
            ),
            child=PersonInput(
                name=self.child_name.text(),
                date_of_birth=_date(self.child_dob, "child_dob"),
                identifier=self.child_identifier.text(),
            ),
            representative=representative,
            channel=Channel(self.channel.currentData()),
            category=str(self.category.currentData() or ""),
            summary=self.summary.text(),
            description=self.description.toPlainText(),
            officer_login=self.officer.currentData(),
            adjustments=self.adjustments.text(),
            adjustments_review_on=_date(self.adjustments_review_on, "adjustments_review_on"),
            matter_on=_date(self.matter_on, "matter_on") if self.needs_matter else self.host.case.matter_on,
            matter_late_reason=self.matter_late_reason.text()
            if self.needs_matter
            else self.host.case.matter_late_reason,
            ombudsman_reference=self.host.case.ombudsman_reference,
        )

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Save the governed changes and the details together: if any part is refused, nothing is saved."""
        edit = self.edited()
        received = _date(self.received, "received_on")
        if received is None:
            raise ValidationError("Enter the date the case was received.", field="received_on")
        kind = CaseKind(self.kind.currentData())
        governed = received != case.received_on or kind is not case.kind
        if governed and not self.reason.text().strip():
            raise ValidationError(
                "Give the reason for changing the received date or the kind; it is kept in the audit trail.",
                field="reason",
            )
        return self.desk.case_edits.save(
            case.id,
            edit,
            expected_version=case.version,
            kind=kind,
            received_on=received,
            reason=self.reason.text().strip(),
        )


def _blank_person() -> PersonView:
    return PersonView("", "", None, "", "", "", "", "", "", "", False)


def _rep_relationship(kind: CaseKind) -> str:
    comes_from = kind_facts(kind).comes_from
    return comes_from if comes_from == "MP" else comes_from.lower()
