"""The small dialogs behind the case view's actions; each has an `ask(host)` entry and never loses text.

Each dialog runs its service command itself when Save is pressed, so a problem (a late target that needs a
reason, a field in error, someone else's newer save) is shown in the dialog while everything typed stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import ConflictError, DatabaseUnavailableError, SendDeskError, ValidationError
from send_desk.domain.kinds import CaseKind, Channel, ClosureCode, LinkKind, Outcome, RemedyKind
from send_desk.domain.wording import uk_date
from send_desk.gui.contact_time import ContactTime
from send_desk.gui.field_limits import watch_length
from send_desk.gui.style import app_icon
from send_desk.gui.widgets import (
    FIELD_KEY,
    DateField,
    FieldError,
    MessageBanner,
    add_row,
    bad_date_key,
    combo,
    save_keys,
    show_beside,
)
from send_desk.services.cases import ActionInput, RemedyInput
from send_desk.values.cases import ActionView, CaseDetail, StaffView

MISSED_REASONS = (
    "",
    "Officer absence",
    "Complex case",
    "Waiting for information from another service",
    "Waiting for information from a school or setting",
    "Volume of work",
    "Late allocation to an officer",
    "Logged late",
    "Other",
)


class CaseHost(Protocol):
    """What an action dialog needs from the window that shows the case."""

    desk: Desk

    @property
    def case(self) -> CaseDetail:
        """Return the case as last loaded (its version is the one a save expects)."""
        ...

    def reload_case(self) -> CaseDetail:
        """Load the case again from the database and show it."""
        ...

    def staff(self) -> Sequence[StaffView]:
        """Return the active members of staff."""
        ...


def describe_changes(old: CaseDetail, new: CaseDetail) -> list[str]:
    """Return what someone else changed on a case, one line per field, for the conflict message."""
    fields: tuple[tuple[str, Callable[[CaseDetail], str]], ...] = (
        ("Status", lambda c: c.status.value.capitalize()),
        ("Stage", lambda c: str(c.stage)),
        ("Officer", lambda c: c.officer.name if c.officer else "Unassigned"),
        ("Acknowledge by", lambda c: uk_date(c.acknowledge_by, "—")),
        ("Acknowledged on", lambda c: uk_date(c.acknowledged_on, "—")),
        ("Respond by", lambda c: uk_date(c.respond_by, "—")),
        ("Responded on", lambda c: uk_date(c.responded_on, "—")),
        ("Outcome", lambda c: (c.outcome or "—").replace("-", " ")),
        ("Closure", lambda c: (c.closure_code or "—").replace("-", " ")),
        ("Timeline entries", lambda c: str(len(c.timeline))),
    )
    lines = []
    for label, value in fields:
        before, after = value(old), value(new)
        if before != after:
            lines.append(f"{label}: {before} → {after}")
    return lines


class ConflictDialog:
    """Tell the person someone else saved the case first: who, when, what; offer Reload or Keep my text."""

    RELOAD = "reload"
    KEEP = "keep"

    @classmethod
    def ask(cls, parent: QWidget | None, error: ConflictError, changes: Sequence[str]) -> str:
        """Show the conflict; return RELOAD or KEEP."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Changed by someone else")
        box.setText(str(error))
        box.setInformativeText(
            "Reload shows their change and keeps this window open with what you typed, so you can save "
            "again. Keep my text leaves everything as it is."
        )
        if changes:
            box.setDetailedText("What they changed:\n" + "\n".join(changes))
        reload_button = box.addButton("&Reload the case", QMessageBox.ButtonRole.AcceptRole)
        keep_button = box.addButton("&Keep my text", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(reload_button)
        box.setEscapeButton(keep_button)
        box.exec()
        return cls.RELOAD if box.clickedButton() is reload_button else cls.KEEP


class ActionDialog(QDialog):
    """A small form that runs one command on the case; subclasses add fields and `perform`."""

    title = "Action"
    save_text = "&Save"
    intro = ""
    missed_reason_kind = ""

    def __init__(self, host: CaseHost, parent: QWidget | None = None) -> None:
        """Build the form for the host's case."""
        super().__init__(parent)
        self.host = host
        self.desk = host.desk
        self.result_case: CaseDetail | None = None
        self.errors: dict[str, FieldError] = {}
        self.setWindowTitle(f"{self.title} — {host.case.reference}")
        self.setWindowIcon(app_icon())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        heading = QLabel(f"{self.title}: {host.case.reference}")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        if self.intro:
            intro = QLabel(self.intro)
            intro.setObjectName("muted")
            intro.setWordWrap(True)
            layout.addWidget(intro)
        self.banner = MessageBanner()
        layout.addWidget(self.banner)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.addLayout(self.form)
        self.missed_reason: QComboBox | None = None
        self.missed_row: QWidget | None = None
        self.first_field: QWidget | None = None
        self.build()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(self.save_text)
        save.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(save_keys(self, save, self.save))
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        if self.first_field is not None:
            self.first_field.setFocus()

    # ----- for subclasses ----------------------------------------------------------------
    def build(self) -> None:
        """Add the fields."""

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Run the command against the case as last loaded and return the saved case."""
        raise NotImplementedError

    def field(self, label: str, widget: QWidget, key: str) -> QWidget:
        """Add a labelled field with an error line."""
        self.errors[key] = FieldError()
        widget.setProperty(FIELD_KEY, key)
        if self.first_field is None:
            self.first_field = widget
        return add_row(self.form, label, widget, self.errors[key])

    def add_missed_reason(self) -> None:
        """Add the hidden 'reason the target was missed' row, shown when the service asks for it."""
        self.missed_reason = QComboBox()
        self.missed_reason.setEditable(True)
        self.missed_reason.addItems(MISSED_REASONS)
        self.missed_reason.setAccessibleName("Reason the target was missed")
        line = self.missed_reason.lineEdit()
        if line is not None:  # the text part is what a screen reader lands on when typing a reason
            line.setAccessibleName("Reason the target was missed")
        self.missed_row = self.field("Reason &missed:", self.missed_reason, "missed_reason")
        self.form.setRowVisible(self.missed_row, False)

    def missed_text(self) -> str:
        """Return the reason typed for a missed target."""
        return self.missed_reason.currentText().strip() if self.missed_reason else ""

    def text_box(self, placeholder: str = "", height: int = 90) -> QPlainTextEdit:
        """Return a multi-line text box where Tab moves on."""
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        box.setPlaceholderText(placeholder)
        box.setMinimumHeight(height)
        return box

    # ----- saving ------------------------------------------------------------------------
    def clear_errors(self) -> None:
        """Hide every message."""
        self.banner.clear()
        for error in self.errors.values():
            error.clear_message()

    def show_banner(self, text: str) -> None:
        """Show a message at the top of the dialog (which grows to show it whole)."""
        self.banner.show_message(text)
        self.grow_to_fit()

    def show_field_error(self, error: SendDeskError) -> None:
        """Show a validation error beside its field (revealing the missed-reason row if asked for)."""
        key = error.field if isinstance(error, ValidationError) else None
        if key == "missed_reason" and self.missed_row is not None:
            self.form.setRowVisible(self.missed_row, True)
        if not show_beside(self.errors.get(key or ""), str(error)):
            self.show_banner(str(error))
        self.grow_to_fit()

    def grow_to_fit(self) -> None:
        """Grow the dialog so a message just shown is read whole, never clipped behind the buttons."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        width = self.width()
        needed = layout.totalSizeHint().height()
        if layout.hasHeightForWidth():
            needed = max(needed, layout.totalHeightForWidth(width))
        if needed > self.height():
            self.resize(width, needed)

    def save(self) -> None:
        """Run the command; on a problem keep the dialog open with everything typed."""
        self.clear_errors()
        try:
            result = self.perform(self.host.case)
        except ConflictError as exc:
            self.handle_conflict(exc)
            return
        except ValueError as exc:  # a date that is not a date: beside the first such field
            self.show_field_error(ValidationError(str(exc), field=bad_date_key(self)))
            return
        except DatabaseUnavailableError as exc:  # locked by another desk, disk full, network gone
            self.banner.show_message(str(exc), retry=self.save)
            return
        except SendDeskError as exc:
            self.show_field_error(exc)
            return
        self.result_case = result
        self.accept()

    def handle_conflict(self, error: ConflictError) -> None:
        """Explain who changed the case and when; reload it on request; never drop what was typed."""
        old = self.host.case
        try:
            fresh = self.desk.cases.get(old.id)
            changes = describe_changes(old, fresh)
        except SendDeskError:
            changes = []
        choice = ConflictDialog.ask(self, error, changes)
        if choice == ConflictDialog.RELOAD:
            self.host.reload_case()
            self.show_banner(
                f"{error} The case now shows their change. Check your entry still applies, then save again."
            )
        else:
            self.show_banner(f"{error} Your text is kept here; copy it or reload before saving again.")

    @classmethod
    def ask(cls, host: CaseHost, parent: QWidget | None = None) -> CaseDetail | None:
        """Show the dialog; return the saved case, or None if cancelled."""
        dialog = cls(host, parent)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_case
            return None
        finally:
            dialog.deleteLater()


def _today(host: CaseHost) -> date:
    return host.desk.today()


def _required_date(field: DateField, what: str) -> date:
    key = str(field.property(FIELD_KEY) or "") or None
    try:
        value = field.date()
    except ValueError as exc:
        raise ValidationError(str(exc), field=key) from None
    if value is None:
        raise ValidationError(f"Enter the {what} date.", field=key)
    return value


class AcknowledgeDialog(ActionDialog):
    """Record that the acknowledgement was sent."""

    title = "Acknowledge"
    save_text = "&Acknowledge"

    def build(self) -> None:
        """Add the date and the (hidden) missed-reason fields."""
        stage = self.host.case.current_stage
        due = stage.acknowledge.due if stage.acknowledge else None
        self.on = DateField(_today(self.host), name="Date acknowledged")
        self.field("&Sent on:", self.on, "acknowledged_on")
        if due:
            note = QLabel(f"Due by {uk_date(due)}")
            note.setObjectName("muted")
            self.form.addRow("", note)
        self.add_missed_reason()

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Acknowledge the case."""
        return self.desk.cases.acknowledge(
            case.id,
            on=_required_date(self.on, "acknowledgement"),
            expected_version=case.version,
            missed_reason=self.missed_text(),
        )


class ContactDialog(ActionDialog):
    """Record a call, email or letter with the family."""

    title = "Record contact"

    def build(self) -> None:
        """Add when it happened (now, or earlier for one written up afterwards), method, direction, text."""
        self.when = ContactTime(self.desk.now())
        self.channel = combo(((c.label, c.value) for c in Channel), name="Method")
        self.channel.setCurrentIndex(self.channel.findData(Channel.PHONE.value))
        self.direction = combo([("To the family", "out"), ("From the family", "in")], name="Direction")
        self.text = self.text_box("What was said or sent")
        self.field("&Method:", self.channel, "channel")
        self.field("&Direction:", self.direction, "direction")
        self.field("&What:", self.text, "text")
        watch_length(self.text, "note")
        self.field("Whe&n:", self.when, "at")
        hint = QLabel("Change the date and time when writing up a contact afterwards.")
        hint.setObjectName("muted")
        self.form.addRow("", hint)

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Record the contact."""
        return self.desk.cases.record_contact(
            case.id,
            text=self.text.toPlainText(),
            channel=Channel(self.channel.currentData()),
            direction=str(self.direction.currentData()),
            at=self.when.chosen(),
        )


class NoteDialog(ActionDialog):
    """Add a note to the timeline."""

    title = "Add note"

    def build(self) -> None:
        """Add the note box."""
        self.text = self.text_box("The note", 120)
        self.field("&Note:", self.text, "text")
        watch_length(self.text, "note")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Add the note."""
        return self.desk.cases.add_note(case.id, text=self.text.toPlainText())


class AssignDialog(ActionDialog):
    """Give the case to an officer."""

    title = "Assign"

    def build(self) -> None:
        """Add the officer picker."""
        self.officer = combo(((s.name, s.login) for s in self.host.staff()), name="Officer")
        current = self.host.case.officer
        if current:
            self.officer.setCurrentIndex(max(0, self.officer.findData(current.login)))
        self.field("&Officer:", self.officer, "officer")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Assign the case."""
        return self.desk.cases.assign(
            case.id, officer_login=str(self.officer.currentData()), expected_version=case.version
        )


class ExtendDialog(ActionDialog):
    """Extend the response target once, with a reason told to the family."""

    title = "Extend"
    intro = "An extension is allowed once. The reason is told to the family with the Ombudsman's details."

    def build(self) -> None:
        """Add the length (or, for a target in months, the new due date), reason and told-on date."""
        self.months = self.host.case.current_stage.counts_months
        self.amount = QSpinBox()
        self.amount.setRange(1, 40)
        self.amount.setValue(10)
        self.amount.setSuffix(" working days")
        self.to = DateField(None, name="New due date")
        self.reason = self.text_box("Why more time is needed", 70)
        self.told_on = DateField(_today(self.host), name="Date the family was told")
        if self.months:
            self.field("&New due date:", self.to, "to")
            self.errors["amount"] = self.errors["to"]
        else:
            self.field("&By:", self.amount, "amount")
        self.field("&Reason:", self.reason, "reason")
        self.field("&Told family on:", self.told_on, "told_on")
        self.errors["extension"] = self.errors["amount"]

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Extend the target."""
        if self.months:
            return self.desk.cases.extend(
                case.id,
                to=_required_date(self.to, "new due"),
                reason=self.reason.toPlainText(),
                told_on=self.told_on.date(),
                expected_version=case.version,
            )
        return self.desk.cases.extend(
            case.id,
            amount=self.amount.value(),
            reason=self.reason.toPlainText(),
            told_on=self.told_on.date(),
            expected_version=case.version,
        )


class PauseDialog(ActionDialog):
    """Stop the clock."""

    title = "Pause the clock"

    def build(self) -> None:
        """Add start date and reason."""
        self.start = DateField(_today(self.host), name="Paused from")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("e.g. fees notice sent")
        self.field("&From:", self.start, "start")
        self.field("&Reason:", self.reason, "reason")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Pause the clock."""
        return self.desk.cases.pause(
            case.id, start=_required_date(self.start, "pause"), reason=self.reason.text(),
            expected_version=case.version,
        )  # fmt: skip


class ResumeDialog(ActionDialog):
    """Restart the clock."""

    title = "Resume the clock"

    def build(self) -> None:
        """Add the end date."""
        self.end = DateField(_today(self.host), name="Resumed on")
        self.field("&Resumed on:", self.end, "end")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Resume the clock."""
        return self.desk.cases.resume(
            case.id, end=_required_date(self.end, "resume"), expected_version=case.version
        )


class ClarificationDialog(ActionDialog):
    """Record the day clarification (or proof of identity) arrived; FOI, EIR and SAR clocks restart."""

    title = "Clarification received"
    intro = "The clock restarts from this date, or resumes where it stopped, as the kind's policy says."

    def build(self) -> None:
        """Add the date it arrived."""
        self.on = DateField(_today(self.host), name="Date the clarification arrived")
        self.field("&Arrived on:", self.on, "clarified_on")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Record the clarification."""
        return self.desk.cases.record_clarification(
            case.id, on=_required_date(self.on, "clarification"), expected_version=case.version
        )


class ClarificationRequestDialog(ActionDialog):
    """Ask the requester to clarify (or to prove their identity): the clock stops until they answer."""

    title = "Ask for clarification"
    intro = "The case then waits for the requester; record their answer with Clarification received."

    def build(self) -> None:
        """Add the date asked, a chase-up date and, for a target in months, proof of identity."""
        self.on = DateField(_today(self.host), name="Date clarification was asked for")
        self.chase_on = DateField(None, name="Chase up on")
        self.identity = QCheckBox("Waiting for proof of identity (the month starts when it arrives)")
        self.field("&Asked on:", self.on, "on")
        self.field("&Chase up on:", self.chase_on, "chase_on")
        if self.host.case.current_stage.counts_months:
            self.field("", self.identity, "identity")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Stop the clock until the answer arrives."""
        return self.desk.cases.request_clarification(
            case.id,
            on=_required_date(self.on, "clarification request"),
            chase_on=self.chase_on.date(),
            identity=self.identity.isChecked(),
            expected_version=case.version,
        )


class OmbudsmanDeadlineDialog(ActionDialog):
    """Enter (or correct) the response deadline given in the Ombudsman's letter."""

    title = "Ombudsman deadline"

    def build(self) -> None:
        """Add the deadline date."""
        respond = self.host.case.current_stage.respond
        self.due = DateField(respond.due if respond else None, name="Deadline in the Ombudsman's letter")
        self.field("&Respond by:", self.due, "due")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Set the deadline."""
        return self.desk.cases.set_ombudsman_deadline(
            case.id, due=_required_date(self.due, "deadline"), expected_version=case.version
        )


class ActionDoneDialog(ActionDialog):
    """Mark an action promised in a response as done."""

    title = "Action done"

    def build(self) -> None:
        """Add the outstanding actions and the date done."""
        outstanding = [a for s in self.host.case.stages for a in s.actions if a.done_on is None]
        self.action = combo(
            ((f"{a.what} (due {uk_date(a.due, 'no date')})", a.id) for a in outstanding),
            name="Outstanding action",
        )
        self.on = DateField(_today(self.host), name="Date the action was done")
        self.field("&Action:", self.action, "action")
        self.field("&Done on:", self.on, "done_on")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Mark the chosen action done."""
        action_id = self.action.currentData()
        if action_id is None:
            raise ValidationError("There is no outstanding action on this case.", field="action")
        return self.desk.cases.complete_action(
            case.id, action_id=int(action_id), on=_required_date(self.on, "action"),
            expected_version=case.version,
        )  # fmt: skip


class RespondDialog(ActionDialog):
    """Record the response, with outcome, reasons, remedies and any promised action."""

    title = "Respond"
    save_text = "Record res&ponse"

    def build(self) -> None:
        """Add date, outcome, reasons, remedies, action and learning."""
        case = self.host.case
        self.on = DateField(_today(self.host), name="Date responded")
        self.field("&Sent on:", self.on, "responded_on")
        self.outcome = combo(
            [("", None), *((o.label, o.value) for o in Outcome)], name="Outcome of the complaint"
        )
        row = self.field("&Outcome:", self.outcome, "outcome")
        self.form.setRowVisible(row, case.kind is CaseKind.COMPLAINT)
        self.reasons = self.text_box("The response: findings and reasons", 110)
        self.field("&Response:", self.reasons, "reasons")
        self.remedies = QListWidget()
        self.remedies.setAccessibleName("Remedies offered; Space ticks")
        for kind in RemedyKind:
            item = QListWidgetItem(kind.value.replace("-", " ").capitalize())
            item.setData(Qt.ItemDataRole.UserRole, kind.value)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.remedies.addItem(item)
        self.remedies.setMaximumHeight(110)
        remedies_row = self.field("Re&medies:", self.remedies, "remedies")
        self.form.setRowVisible(remedies_row, case.kind is CaseKind.COMPLAINT)
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("£, for a financial remedy")
        amount_row = self.field("&Amount (£):", self.amount, "amount")
        self.form.setRowVisible(amount_row, case.kind is CaseKind.COMPLAINT)
        self.action = QLineEdit()
        self.action.setPlaceholderText("Something promised in the response, if any")
        self.field("Ac&tion promised:", self.action, "actions")
        self.action_due = DateField(name="Action due")
        self.field("Action d&ue:", self.action_due, "action_due")
        self.learning = QLineEdit()
        self.field("&Learning:", self.learning, "learning")
        self.add_missed_reason()
        self.missed_reason_kind = "response"

    def _remedies(self) -> list[RemedyInput]:
        chosen = []
        pence: int | None = None
        if self.amount.text().strip():
            try:
                pence = round(float(self.amount.text().strip().lstrip("£").replace(",", "")) * 100)
            except ValueError:
                raise ValidationError(
                    f"{self.amount.text().strip()} is not an amount of money.", field="amount"
                ) from None
        for i in range(self.remedies.count()):
            item = self.remedies.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                kind = RemedyKind(item.data(Qt.ItemDataRole.UserRole))
                chosen.append(RemedyInput(kind, pence if kind is RemedyKind.FINANCIAL else None))
        return chosen

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Record the response."""
        outcome = self.outcome.currentData()
        actions = []
        if self.action.text().strip():
            actions.append(ActionInput(self.action.text().strip(), None, self.action_due.date()))
        return self.desk.cases.respond(
            case.id,
            on=_required_date(self.on, "response"),
            expected_version=case.version,
            outcome=Outcome(outcome) if outcome else None,
            missed_reason=self.missed_text(),
            reasons=self.reasons.toPlainText(),
            learning=self.learning.text(),
            remedies=self._remedies(),
            actions=actions,
        )


class EscalateDialog(ActionDialog):
    """Move a complaint to stage 2 with a different handler."""

    title = "Escalate to stage 2"
    save_text = "&Escalate"
    intro = "The stage 2 handler must be someone who never handled stage 1 nor recorded its response."

    def build(self) -> None:
        """Add the request date and handler picker (stage 1's handler left out)."""
        stage1 = self.host.case.stages[0].handler
        self.requested = DateField(_today(self.host), name="Escalation requested on")
        self.handler = combo(
            ((s.name, s.login) for s in self.host.staff() if not stage1 or s.login != stage1.login),
            name="Stage 2 handler",
        )
        self.late_reason = QLineEdit()
        self.late_reason.setPlaceholderText("Needed when asked for after the escalation window")
        self.field("&Requested on:", self.requested, "requested_on")
        self.field("&Handler:", self.handler, "handler")
        self.field("Accepted &late because:", self.late_reason, "late_reason")
        self.no_handler = QLabel(self.no_handler_text(stage1.name if stage1 else ""))
        self.no_handler.setWordWrap(True)
        self.no_handler.setProperty("role", "error")
        self.form.insertRow(2, "", self.no_handler)
        self.no_handler.setVisible(self.handler.count() == 0)

    def no_handler_text(self, stage1_name: str) -> str:
        """Say why the handler list is empty and what to do."""
        who = f"{stage1_name} handled stage 1" if stage1_name else "the stage 1 handler cannot take it"
        return (
            f"Nobody can take stage 2: it must go to someone who did not handle stage 1, and {who}. "
            "Ask an admin to add another member of staff (Admin ▸ Staff and roles), then escalate."
        )

    def save(self) -> None:
        """Escalate, unless there is nobody to hand stage 2 to (then say why again)."""
        if self.handler.count() == 0:
            self.clear_errors()
            self.show_banner(self.no_handler.text())
            return
        super().save()

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Escalate the complaint."""
        return self.desk.cases.escalate(
            case.id,
            requested_on=_required_date(self.requested, "escalation request"),
            handler_login=str(self.handler.currentData() or ""),
            late_reason=self.late_reason.text(),
            expected_version=case.version,
        )


class CloseDialog(ActionDialog):
    """Close the case with a closure code."""

    title = "Close case"
    save_text = "&Close case"

    def build(self) -> None:
        """Add code, date and reason."""
        self.code = combo(((c.label, c.value) for c in ClosureCode), name="Closure reason")
        self.on = DateField(_today(self.host), name="Closed on")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Needed when not accepted or out of jurisdiction")
        self.field("C&losed because:", self.code, "code")
        self.field("&On:", self.on, "closed_on")
        self.field("&Details:", self.reason, "reason")

    def save(self) -> None:
        """Close the case; with a promised action still outstanding, warn and ask first."""
        outstanding = [a for stage in self.host.case.stages for a in stage.actions if a.done_on is None]
        if outstanding and not self.confirm_outstanding(self, outstanding):
            return
        super().save()

    @classmethod
    def confirm_outstanding(cls, parent: QWidget, outstanding: Sequence[ActionView]) -> bool:
        """Ask whether to close a case whose response promised actions not yet done."""
        lines = "\n".join(
            f"• {a.what}"
            + (f" (due {uk_date(a.due)})" if a.due else "")
            + (f", {a.owner}" if a.owner else "")
            for a in outstanding
        )
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Promised actions outstanding",
            f"The response promised {len(outstanding)} action{'s' if len(outstanding) != 1 else ''} "
            f"not yet marked done:\n{lines}\n\nClose the case all the same? The Complaint Handling Code "
            "expects promised actions to be tracked to the end.",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        close = box.addButton("&Close all the same", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Keep it open", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        try:
            box.exec()
            return box.clickedButton() is close
        finally:
            box.deleteLater()

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Close the case."""
        return self.desk.cases.close(
            case.id,
            code=ClosureCode(self.code.currentData()),
            on=_required_date(self.on, "closure"),
            reason=self.reason.text(),
            expected_version=case.version,
        )


class ReopenDialog(ActionDialog):
    """Reopen a closed case."""

    title = "Reopen case"

    def build(self) -> None:
        """Add the reason."""
        self.reason = QLineEdit()
        self.field("&Reason:", self.reason, "reason")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Reopen the case."""
        return self.desk.cases.reopen(case.id, reason=self.reason.text(), expected_version=case.version)


class LinkDialog(ActionDialog):
    """Link this case to another by reference."""

    title = "Link case"

    def build(self) -> None:
        """Add the reference and why they are linked."""
        self.reference = QLineEdit()
        self.reference.setPlaceholderText("e.g. SD-2026-00042")
        self.kind = combo(((k.value.replace("-", " ").capitalize(), k.value) for k in LinkKind), name="Why")
        self.field("&Reference:", self.reference, "link")
        self.field("&Why:", self.kind, "kind")

    def perform(self, case: CaseDetail) -> CaseDetail:
        """Link the cases."""
        if not self.reference.text().strip():
            raise ValidationError("Type the reference of the case to link to.", field="link")
        return self.desk.cases.link(
            case.id, other_reference=self.reference.text(), kind=LinkKind(self.kind.currentData())
        )
