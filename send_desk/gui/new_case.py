"""The new-case form: keyboard first, fields follow the kind, live due dates, earlier cases shown."""

from __future__ import annotations

import contextlib
import itertools
from datetime import date, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import DatabaseUnavailableError, SendDeskError, ValidationError, to_display_time
from send_desk.domain.kinds import CaseKind, CaseStatus, Channel, Relationship, kind_facts
from send_desk.domain.wording import uk_date, uk_day
from send_desk.gui.accessibility import announce, held_announcements, problems_summary
from send_desk.gui.field_limits import watch_length
from send_desk.gui.style import app_icon, kind_stage
from send_desk.gui.widgets import (
    SAVE_HINT,
    DateField,
    FieldError,
    MessageBanner,
    add_row,
    combo,
    fit_to_screen,
    save_keys,
    show_beside,
)
from send_desk.services.cases import case_input_problems
from send_desk.services.drafts import DraftStore, DraftValue, default_drafts_folder
from send_desk.values.cases import CaseDetail, CaseInput, CaseRow, PersonInput

FIELD_LIMITS = {
    "contact_name": "name",
    "contact_email": "email",
    "contact_phone": "phone",
    "child_name": "name",
    "child_identifier": "identifier",
    "summary": "summary",
    "description": "description",
}
"""Each limited box of the form and its field in domain/limits.py."""
LOOKUP_DELAY_MS = 300
DRAFT_DELAY_MS = 800


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("sectionTitle")
    return label


class NewCaseDialog(QDialog):
    """Log a case: type, Tab, type, Enter."""

    def __init__(
        self,
        parent: QWidget | None,
        desk: Desk,
        *,
        drafts: DraftStore | None = None,
    ) -> None:
        """Build the form over an open desk; what is typed is kept as a draft until saved or cancelled."""
        super().__init__(parent)
        self.desk = desk
        self.drafts = drafts
        self.result_case: CaseDetail | None = None
        self._auto_channel = Channel.EMAIL
        self.earlier: list[CaseRow] = []
        self.setWindowTitle("New case")
        self.setWindowIcon(app_icon())
        self.setSizeGripEnabled(True)
        self._build()
        self.lookup_timer = QTimer(self)
        self.lookup_timer.setSingleShot(True)
        self.lookup_timer.setInterval(LOOKUP_DELAY_MS)
        self.lookup_timer.timeout.connect(self.look_up_earlier)
        for field in (
            self.child_name,
            self.child_dob,
            self.contact_name,
            self.contact_email,
            self.contact_phone,
        ):
            field.textChanged.connect(lambda _t: self.lookup_timer.start())
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.stage.valueChanged.connect(lambda _v: self.update_due_dates())
        self.received.textChanged.connect(lambda _t: self.update_due_dates())
        self.ombudsman_due.textChanged.connect(lambda _t: self.update_due_dates())
        self._kind_changed()
        self.kind.setFocus()
        self.initial_state = self.form_state()
        self.draft_timer = QTimer(self)
        self.draft_timer.setSingleShot(True)
        self.draft_timer.setInterval(DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.save_draft)
        for line in self.findChildren(QLineEdit):
            line.textChanged.connect(lambda _t: self.draft_timer.start())
        for box in (self.kind, self.channel, self.relationship, self.category, self.officer):
            box.currentIndexChanged.connect(lambda _i: self.draft_timer.start())
        self.stage.valueChanged.connect(lambda _v: self.draft_timer.start())
        self.description.textChanged.connect(self.draft_timer.start)
        self.earlier_list.itemChanged.connect(lambda _item: self.draft_timer.start())

    # ----- drafts ------------------------------------------------------------------------
    def _text_fields(self) -> dict[str, QLineEdit]:
        return {
            "received": self.received, "ombudsman_reference": self.ombudsman_reference,
            "ombudsman_due": self.ombudsman_due, "contact_name": self.contact_name,
            "contact_email": self.contact_email, "contact_phone": self.contact_phone,
            "child_name": self.child_name, "child_dob": self.child_dob,
            "child_identifier": self.child_identifier,
            "rep_name": self.rep_name, "rep_organisation": self.rep_organisation, "summary": self.summary,
            "adjustments": self.adjustments,
        }  # fmt: skip

    def _combos(self) -> dict[str, QComboBox]:
        return {
            "kind": self.kind, "channel": self.channel, "relationship": self.relationship,
            "category": self.category, "officer": self.officer,
        }  # fmt: skip

    def form_state(self) -> dict[str, DraftValue]:
        """Return everything typed, as it is (even a half-typed date), for the draft."""
        state: dict[str, DraftValue] = {key: field.text() for key, field in self._text_fields().items()}
        state.update({key: box.currentData() for key, box in self._combos().items()})
        state["stage"] = self.stage.value()
        state["description"] = self.description.toPlainText()
        state["link_to"] = self.linked_references()
        return state

    def restore_state(self, state: dict[str, DraftValue]) -> None:
        """Put a draft's fields back into the form."""
        for key, box in self._combos().items():
            if key in state:
                index = box.findData(state[key])
                if index >= 0:
                    box.setCurrentIndex(index)
        for key, field in self._text_fields().items():
            if isinstance(state.get(key), str):
                field.setText(str(state[key]))
        if isinstance(state.get("stage"), int):
            self.stage.setValue(int(state["stage"]))  # type: ignore[arg-type]
        if isinstance(state.get("description"), str):
            self.description.setPlainText(str(state["description"]))
        self.look_up_earlier()
        links = state.get("link_to")
        if isinstance(links, list):
            for i in range(self.earlier_list.count()):
                item = self.earlier_list.item(i)
                if item.data(Qt.ItemDataRole.UserRole) in links:
                    item.setCheckState(Qt.CheckState.Checked)

    def save_draft(self) -> None:
        """Keep what is typed on disk, so a crash or a power cut loses nothing."""
        self.draft_timer.stop()
        if self.drafts is None:
            return
        with contextlib.suppress(
            OSError
        ):  # a draft is a safety net: failing to write one must not stop typing
            self.drafts.save(self.form_state(), unchanged_from=self.initial_state)

    def done(self, result: int) -> None:
        """Finish the dialog; pending look-ups and draft saves are dropped with it."""
        self.lookup_timer.stop()
        self.draft_timer.stop()
        super().done(result)

    def reject(self) -> None:
        """Cancel, Esc or closing the window: ask before throwing away what was typed; the draft goes too."""
        if self.form_state() != self.initial_state and not self.confirm_discard(self):
            return
        self.draft_timer.stop()
        if self.drafts is not None:
            self.drafts.clear()
        super().reject()

    # ----- building ----------------------------------------------------------------------
    def _build(self) -> None:
        today = self.desk.today()
        self.errors: dict[str, FieldError] = {}

        def err(key: str) -> FieldError:
            self.errors[key] = FieldError()
            return self.errors[key]

        self.kind = combo(((k.label, k.value) for k in CaseKind), name="Kind of case")
        for index, kind in enumerate(CaseKind):  # hover help in the list: each kind's target in plain words
            rules = self.desk.deadlines.kind_rules(kind, 1)
            self.kind.setItemData(index, f"{kind.label}: {rules.description}", Qt.ItemDataRole.ToolTipRole)
        self.stage = QSpinBox()
        self.stage.setRange(1, 2)
        self.stage.setAccessibleName("Complaint stage")
        self.channel = combo(((c.label, c.value) for c in Channel), name="How it arrived")
        self.channel.setCurrentIndex(self.channel.findData(Channel.EMAIL.value))
        self.received = DateField(today, name="Date received")
        self.ombudsman_reference = QLineEdit()
        self.ombudsman_due = DateField(name="Deadline in the Ombudsman's letter")
        self.contact_name = QLineEdit()
        self.relationship = combo(
            [("", ""), *((r.value.replace("-", " ").capitalize(), r.value) for r in Relationship)],
            name="Relationship to the child",
        )
        self.contact_email = QLineEdit()
        self.contact_phone = QLineEdit()
        self.child_name = QLineEdit()
        self.child_dob = DateField(name="Child's date of birth")
        self.child_identifier = QLineEdit()
        self.rep_name = QLineEdit()
        self.rep_organisation = QLineEdit()
        self.category = combo(
            [("", ""), *((name, name) for name in self.desk.categories.choices())], name="Category"
        )
        self.officer = combo(
            [("Unassigned", None), *((s.name, s.login) for s in self.desk.staff.list_staff())], name="Officer"
        )
        self.summary = QLineEdit()
        self.description = QPlainTextEdit()
        self.description.setTabChangesFocus(True)
        self.description.setFixedHeight(64)
        self.adjustments = QLineEdit()
        self.adjustments.setPlaceholderText("e.g. large print, interpreter, phone calls only")
        self.adjustments_review_on = DateField(name="Review the adjustments on")
        self.matter_on = DateField(name="Date of the matter complained about")
        self.matter_late_reason = QLineEdit()
        self.matter_late_reason.setPlaceholderText("Needed when the matter is more than 12 months old")

        left = QFormLayout()
        left.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        left.addRow(_section("The case"))
        add_row(left, "&Kind:", self.kind, err("kind"))
        self.stage_row = add_row(left, "Sta&ge:", self.stage, err("stage"))
        add_row(left, "C&hannel:", self.channel)
        add_row(left, "&Received:", self.received, err("received_on"))
        self.omb_ref_row = add_row(left, "Ombudsman re&f:", self.ombudsman_reference)
        self.omb_due_row = add_row(left, "Letter d&eadline:", self.ombudsman_due, err("ombudsman_due"))
        left.addRow(_section("Contact"))
        add_row(left, "&Name:", self.contact_name, err("contact_name"))
        add_row(left, "Rela&tionship:", self.relationship)
        add_row(left, "E&mail:", self.contact_email, err("contact_email"))
        add_row(left, "&Phone:", self.contact_phone, err("contact_phone"))

        right = QFormLayout()
        right.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        right.addRow(_section("Child or young person"))
        add_row(right, "Ch&ild's name:", self.child_name, err("child_name"))
        add_row(right, "Date of &birth:", self.child_dob, err("child_dob"))
        add_row(right, "EHC/&UPN ref:", self.child_identifier, err("child_identifier"))
        self.rep_title = _section("Representative")
        right.addRow(self.rep_title)
        self.rep_name_row = add_row(right, "Representati&ve:", self.rep_name)
        self.rep_org_row = add_row(right, "Org&anisation:", self.rep_organisation)
        right.addRow(_section("Classification"))
        add_row(right, "Categor&y:", self.category, err("category"))
        add_row(right, "&Officer:", self.officer, err("officer"))
        add_row(right, "&Summary:", self.summary, err("summary"))
        add_row(right, "&Description:", self.description, err("description"))
        add_row(right, "Ad&justments:", self.adjustments)
        add_row(right, "Review adjustments on:", self.adjustments_review_on, err("adjustments_review_on"))
        self.matter_row = add_row(right, "Date of the matter:", self.matter_on, err("matter_on"))
        self.matter_reason_row = add_row(
            right, "Accepted late because:", self.matter_late_reason, err("matter_late_reason")
        )
        self.left_form, self.right_form = left, right
        for box, limit in FIELD_LIMITS.items():  # a count near each limit, a message over it (never cut)
            watch_length(getattr(self, box), limit)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(4, 0, 4, 0)
        grid.setHorizontalSpacing(24)
        grid.addLayout(left, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(right, 0, 1, Qt.AlignmentFlag.AlignTop)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        grid.setRowStretch(1, 1)
        scroll = QScrollArea()
        scroll.setWidget(body)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.banner = MessageBanner()
        self.due_panel = QLabel()
        self.due_panel.setObjectName("duePanel")
        self.due_panel.setWordWrap(True)
        self.due_panel.setAccessibleDescription("Due dates")  # its name is the text it shows
        self.due_panel.setTextFormat(Qt.TextFormat.RichText)

        self.earlier_title = QLabel("Earlier cases for this child or contact — tick to &link:")
        self.earlier_list = QListWidget()
        self.earlier_list.setAccessibleName("Earlier cases; tick to link")
        self.earlier_list.setMaximumHeight(90)
        self.earlier_title.setBuddy(self.earlier_list)
        self.earlier_title.hide()
        self.earlier_list.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText("Save case")  # Enter or Ctrl+Enter: its S is the summary's Alt+S
        save.setDefault(True)
        save.setAutoDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        save_hint = save_keys(self, save, self.save)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        title = QLabel("Log a new case")
        title.setObjectName("pageTitle")
        save_hint.setText(f"Tab moves between fields; {SAVE_HINT}")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(save_hint)
        layout.addLayout(heading)
        layout.addWidget(self.banner)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.due_panel)
        layout.addWidget(self.earlier_title)
        layout.addWidget(self.earlier_list)
        layout.addWidget(self.buttons)
        order: list[QWidget] = [
            self.kind, self.stage, self.channel, self.received, self.ombudsman_reference, self.ombudsman_due,
            self.contact_name, self.relationship, self.contact_email, self.contact_phone,
            self.child_name, self.child_dob, self.child_identifier, self.rep_name, self.rep_organisation,
            self.category, self.officer, self.summary, self.description, self.adjustments,
            self.adjustments_review_on, self.matter_on, self.matter_late_reason, self.earlier_list,
            save, self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]  # fmt: skip
        for first, second in itertools.pairwise(order):
            self.setTabOrder(first, second)
        self.tab_order = order
        fit_to_screen(self, 920, 600)

    def focusNextPrevChild(self, next: bool) -> bool:
        """Tab from Cancel goes round to the kind again (and Shift+Tab from the kind to Cancel)."""
        stops = [w for w in self.tab_order if w.isVisibleTo(self) and w.isEnabled()]
        current: QWidget | None = self.focusWidget()
        if current is not None and current not in stops and current.parentWidget() in stops:
            current = current.parentWidget()  # the text part of a combo or spin box
        if stops and current is (stops[-1] if next else stops[0]):
            reason = Qt.FocusReason.TabFocusReason if next else Qt.FocusReason.BacktabFocusReason
            (stops[0] if next else stops[-1]).setFocus(reason)
            return True
        return super().focusNextPrevChild(next)

    # ----- behaviour ---------------------------------------------------------------------
    def current_kind(self) -> CaseKind:
        """Return the kind chosen."""
        return CaseKind(self.kind.currentData())

    def _kind_changed(self) -> None:
        kind = self.current_kind()
        rules = self.desk.deadlines.kind_rules(kind, 1)
        facts = kind_facts(kind)
        self.kind.setToolTip(f"Target: {rules.description}" + (f"\n{facts.help}" if facts.help else ""))
        self.left_form.setRowVisible(self.stage_row, facts.stages > 1)
        if facts.stages < 2:
            self.stage.setValue(1)
        self.right_form.setRowVisible(self.matter_row, facts.needs_outcome)
        self.right_form.setRowVisible(self.matter_reason_row, facts.needs_outcome)
        self.left_form.setRowVisible(self.omb_ref_row, rules.manual_due)
        self.left_form.setRowVisible(self.omb_due_row, rules.manual_due)
        represented = bool(facts.comes_from)
        self.right_form.setRowVisible(self.rep_title, represented)
        self.right_form.setRowVisible(self.rep_name_row, represented)
        self.right_form.setRowVisible(self.rep_org_row, represented)
        label = facts.comes_from or "Representative"
        self.rep_name.setAccessibleName(f"{label}'s name")
        self.rep_name.setPlaceholderText(f"{label}'s name")
        self.rep_organisation.setPlaceholderText("Office or ward" if represented else "")
        chosen = Channel(self.channel.currentData())
        if chosen is self._auto_channel or chosen is Channel.EMAIL:  # not picked by hand: follow the kind
            self._auto_channel = facts.channel
            self.channel.setCurrentIndex(self.channel.findData(self._auto_channel.value))
        self.update_due_dates()

    def update_due_dates(self) -> None:
        """Show the due dates this case would get, as the kind and received date are typed."""
        kind = self.current_kind()
        try:
            received = self.received.date()
        except ValueError:
            self.due_panel.setText("Type the received date as day/month/year to see the due dates.")
            return
        if received is None:
            self.due_panel.setText("Type the received date to see the due dates.")
            return
        try:
            deadline = self.desk.deadlines.deadline(
                kind, received, stage=self.stage.value(), manual_due=self.ombudsman_due.date_or_none()
            )
        except SendDeskError as exc:
            self.due_panel.setText(str(exc))
            return
        parts = []
        if deadline.acknowledge_by:
            parts.append(f"Acknowledge by <b>{uk_day(deadline.acknowledge_by)}</b>")
        if deadline.respond_by:
            parts.append(f"Respond by <b>{uk_day(deadline.respond_by)}</b>")
        elif kind_facts(kind).manual_deadline:
            parts.append("Respond by the date in the Ombudsman's letter (type it above)")
        if not parts:
            parts.append("No target")
        self.due = deadline
        self.due_panel.setText(" &nbsp;·&nbsp; ".join(parts) + f"<br><small>{deadline.target}</small>")

    def _people(self) -> tuple[PersonInput, PersonInput]:
        child = PersonInput(
            name=self.child_name.text().strip(),
            date_of_birth=self.child_dob.date_or_none(),
            identifier=self.child_identifier.text().strip(),
        )
        contact = PersonInput(
            name=self.contact_name.text().strip(),
            relationship=str(self.relationship.currentData() or ""),
            email=self.contact_email.text().strip(),
            phone=self.contact_phone.text().strip(),
        )
        return child, contact

    def look_up_earlier(self) -> None:
        """Show earlier cases for the same child or contact, so a repeat is linked, not re-keyed."""
        self.lookup_timer.stop()
        child, contact = self._people()
        try:
            rows = self.desk.cases.find_earlier(child, contact, limit=8)
        except SendDeskError:
            rows = []
        ticked = set(self.linked_references())
        self.earlier = rows
        self.earlier_list.clear()
        for row in rows:
            status = "open" if row.status is CaseStatus.OPEN else "closed"
            people = " / ".join(p for p in (row.child_name, row.contact_name) if p)
            item = QListWidgetItem(
                f"{row.reference} · {kind_stage(row.kind, row.stage)} · received {uk_date(row.received_on)}"
                f" · {people} · {status}"
            )
            item.setToolTip(row.summary or row.reference)
            item.setData(Qt.ItemDataRole.UserRole, row.reference)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if row.reference in ticked else Qt.CheckState.Unchecked)
            self.earlier_list.addItem(item)
        visible = bool(rows)
        self.earlier_title.setVisible(visible)
        self.earlier_list.setVisible(visible)
        if visible:
            self.earlier_title.setText(
                f"{len(rows)} earlier case{'s' if len(rows) != 1 else ''} for this child or contact — "
                "tick to &link (Space):"
            )

    def linked_references(self) -> list[str]:
        """Return the references of the earlier cases ticked for linking."""
        refs = []
        for i in range(self.earlier_list.count()):
            item = self.earlier_list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                refs.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return refs

    def clear_errors(self) -> None:
        """Hide every error message."""
        self.banner.clear()
        for error in self.errors.values():
            error.clear_message()

    def show_error(self, error: SendDeskError, field: str | None = None) -> None:
        """Show an error next to its field (or at the top) and put the cursor there."""
        key = field or (error.field if isinstance(error, ValidationError) else None)
        if not show_beside(self.errors.get(key or ""), str(error)):
            self.banner.show_message(str(error))

    def _date(self, field: DateField, key: str) -> date | None:
        try:
            return field.date()
        except ValueError as exc:
            raise _FieldProblemError(key, str(exc)) from exc

    def build_input(self) -> CaseInput:
        """Return what was typed as a CaseInput; raise ValidationError for a date that is not a date."""
        kind = self.current_kind()
        try:
            received = self._date(self.received, "received_on")
            child_dob = self._date(self.child_dob, "child_dob")
            ombudsman_due = self._date(self.ombudsman_due, "ombudsman_due")
        except _FieldProblemError as problem:
            raise ValidationError(problem.message, field=problem.key) from None
        if received is None:
            raise ValidationError("Enter the date the case was received.", field="received_on")
        facts = kind_facts(kind)
        try:
            matter_on = self._date(self.matter_on, "matter_on") if facts.needs_outcome else None
            review_on = self._date(self.adjustments_review_on, "adjustments_review_on")
        except _FieldProblemError as problem:
            raise ValidationError(problem.message, field=problem.key) from None
        if facts.manual_deadline and ombudsman_due is None:
            raise ValidationError(
                "Enter the deadline given in the Ombudsman's letter.", field="ombudsman_due"
            )
        child, contact = self._people()
        child = PersonInput(name=child.name, date_of_birth=child_dob, identifier=child.identifier)
        representative = None
        if facts.comes_from and (self.rep_name.text().strip() or self.rep_organisation.text().strip()):
            representative = PersonInput(
                name=self.rep_name.text().strip(),
                organisation=self.rep_organisation.text().strip(),
                relationship=facts.comes_from if facts.comes_from == "MP" else facts.comes_from.lower(),
            )
        return CaseInput(
            kind=kind,
            received_on=received,
            stage=self.stage.value() if facts.stages > 1 else 1,
            channel=Channel(self.channel.currentData()),
            contact=contact,
            child=child,
            representative=representative,
            category=str(self.category.currentData() or ""),
            summary=self.summary.text().strip(),
            description=self.description.toPlainText().strip(),
            adjustments=self.adjustments.text().strip(),
            adjustments_review_on=review_on,
            matter_on=matter_on,
            matter_late_reason=self.matter_late_reason.text().strip() if facts.needs_outcome else "",
            officer_login=self.officer.currentData(),
            ombudsman_reference=self.ombudsman_reference.text().strip() if facts.manual_deadline else "",
            ombudsman_due=ombudsman_due if facts.manual_deadline else None,
            link_to=tuple(self.linked_references()),
        )

    def problems(self) -> list[ValidationError]:
        """Return every problem with what is typed, each for its field, before anything is saved."""
        found: list[ValidationError] = []
        facts = kind_facts(self.current_kind())
        dates = [(self.received, "received_on"), (self.child_dob, "child_dob")]
        dates += [(self.adjustments_review_on, "adjustments_review_on")]
        if facts.manual_deadline:
            dates.append((self.ombudsman_due, "ombudsman_due"))
        if facts.needs_outcome:
            dates.append((self.matter_on, "matter_on"))
        for field, key in dates:
            try:
                field.date()
            except ValueError as exc:
                found.append(ValidationError(str(exc), field=key))
        if not self.received.text().strip():
            found.append(ValidationError("Enter the date the case was received.", field="received_on"))
        if facts.manual_deadline and not self.ombudsman_due.text().strip():
            found.append(
                ValidationError("Enter the deadline given in the Ombudsman's letter.", field="ombudsman_due")
            )
        child, contact = self._people()
        if not (contact.name or child.name or self.summary.text().strip()):
            found.append(
                ValidationError(
                    "Enter at least the contact's name, the child's name or a summary, so the case can be "
                    "found.",
                    field="contact_name",
                )
            )
        if not any(
            problem.field in ("received_on", "child_dob", "ombudsman_due", "matter_on") for problem in found
        ):
            try:
                found += case_input_problems(self.build_input(), self.desk.today())
            except ValidationError as exc:
                found.append(exc)
        return found

    def show_problems(self, problems: list[ValidationError]) -> None:
        """Show each problem beside its field (the first per field), the rest at the top; focus the first.

        Several problems are also summed up at the top ("3 problems: …"), and only that is announced, once.
        """
        shown: set[str] = set()
        banner: list[str] = []
        with held_announcements() as held:
            for problem in reversed(problems):  # in reverse, so the cursor ends in the first field at fault
                key = problem.field or ""
                if key in shown or not show_beside(self.errors.get(key), str(problem)):
                    banner.insert(0, str(problem))
                shown.add(key)
            if banner:
                self.banner.show_message(" ".join(dict.fromkeys(banner)))
        messages = [str(problem) for problem in problems]
        if len(set(messages)) > 1:
            self.banner.show_message(problems_summary(messages))
        else:
            for label in held:
                announce(label)

    def save(self) -> None:
        """Log the case; on problems show every one beside its field and keep everything typed."""
        self.clear_errors()
        problems = self.problems()
        if problems:
            self.show_problems(problems)
            self.save_draft()
            return
        try:
            data = self.build_input()
            self.result_case = self.log(data)
        except DatabaseUnavailableError as exc:  # locked by another desk, disk full, network gone
            self.banner.show_message(str(exc), retry=self.save)
            self.save_draft()
            return
        except SendDeskError as exc:
            self.show_error(exc)
            self.save_draft()
            return
        self.draft_timer.stop()
        if self.drafts is not None:
            self.drafts.clear()
        self.accept()

    def log(self, data: CaseInput) -> CaseDetail:
        """Log the case the form describes (a form filled from an email also keeps the email)."""
        return self.desk.cases.log_case(data)

    @classmethod
    def ask(
        cls,
        parent: QWidget | None,
        desk: Desk,
        *,
        drafts: DraftStore | None = None,
    ) -> CaseDetail | None:
        """Show the form (offering back an unsaved draft); return the saved case, or None if cancelled."""
        if drafts is None:
            drafts = DraftStore(default_drafts_folder(), login=desk.actor_login())
        dialog = cls(parent, desk, drafts=drafts)
        draft = drafts.load()
        if draft is not None and cls.ask_restore(parent, draft.saved_at):
            dialog.restore_state(draft.fields)
        try:
            if dialog.exec() == QDialog.DialogCode.Accepted:
                return dialog.result_case
            return None
        finally:
            dialog.deleteLater()

    @classmethod
    def discard_box(cls, parent: QWidget | None) -> QMessageBox:
        """Return the question asked before a typed, unsaved new case is thrown away (Alt+D discards)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard this new case?",
            "The new case has not been saved. Discard what you typed?",
            QMessageBox.StandardButton.NoButton,
            parent,
        )
        box.discard_button = box.addButton("&Discard", QMessageBox.ButtonRole.DestructiveRole)  # type: ignore[attr-defined]
        keep = box.addButton("&Keep typing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        return box

    @classmethod
    def confirm_discard(cls, parent: QWidget | None) -> bool:
        """Ask whether to throw away a new case that has been typed but not saved."""
        box = cls.discard_box(parent)
        try:
            box.exec()
            return box.clickedButton() is box.discard_button  # type: ignore[attr-defined]
        finally:
            box.deleteLater()

    @classmethod
    def ask_restore(cls, parent: QWidget | None, saved_at: datetime) -> bool:
        """Ask whether to bring back a new case that was being typed when the desk closed."""
        local = to_display_time(saved_at)
        answer = QMessageBox.question(
            parent,
            "Unsaved new case",
            f"A new case you were typing at {local:%H:%M} on {local:%d/%m/%Y} was not saved. Bring it back?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes


class _FieldProblemError(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message
