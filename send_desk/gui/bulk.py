"""Bulk work on the register's selected rows: reassign them, or acknowledge them on one date."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError, ValidationError
from send_desk.gui.actions import MISSED_REASONS
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
from send_desk.values.bulk import AcknowledgePlan, BulkCase, BulkResult

SHOWN_REFERENCES = 8
"""How many references a bulk dialog lists by name before saying "and N more"."""


def references_text(cases: Sequence[BulkCase]) -> str:
    """Return the references of some cases, the first few by name."""
    names = [case.reference for case in cases[:SHOWN_REFERENCES]]
    more = len(cases) - len(names)
    return ", ".join(names) + (f" and {more} more" if more else "")


class BulkDialog(QDialog):
    """A dialog over several selected cases: a heading, a banner for problems, a form and Save/Cancel."""

    title = "Bulk action"
    save_text = "&Save"

    def __init__(self, parent: QWidget | None, desk: Desk, case_ids: Sequence[int]) -> None:
        """Read the selected cases as they stand now (a later change by someone else is a conflict)."""
        super().__init__(parent)
        self.desk = desk
        self.case_ids = list(case_ids)
        self.cases = desk.bulk.selected(self.case_ids)
        self.result_: BulkResult | None = None
        self.setWindowTitle(f"{self.title} — {len(self.cases)} cases")
        self.setWindowIcon(app_icon())
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        heading = QLabel(f"{self.title}: {len(self.cases)} cases")
        heading.setObjectName("pageTitle")
        layout.addWidget(heading)
        self.which = QLabel(references_text(self.cases))
        self.which.setObjectName("muted")
        self.which.setWordWrap(True)
        layout.addWidget(self.which)
        self.banner = MessageBanner()
        layout.addWidget(self.banner)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.errors: dict[str, FieldError] = {}
        self.build()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText(self.save_text)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(save_keys(self, self.save_button, self.save))
        layout.addWidget(self.buttons)
        self.refresh()

    def build(self) -> None:
        """Add the fields."""

    def refresh(self) -> None:
        """Bring the preview up to date with the fields."""

    def perform(self) -> BulkResult:
        """Save every case, or none."""
        raise NotImplementedError

    def field(self, label: str, widget: QWidget, key: str) -> QWidget:
        """Add a labelled field with its error line."""
        self.errors[key] = FieldError()
        widget.setProperty(FIELD_KEY, key)
        return add_row(self.form, label, widget, self.errors[key])

    def save(self) -> None:
        """Run the bulk action; on a problem nothing is saved and the dialog stays open."""
        self.banner.clear()
        for error in self.errors.values():
            error.clear_message()
        try:
            self.result_ = self.perform()
        except ValueError as exc:  # a date that is not a date: beside its field
            self.show_error(ValidationError(str(exc), field=bad_date_key(self)))
            return
        except SendDeskError as exc:
            self.show_error(exc)
            return
        self.accept()

    def show_error(self, exc: SendDeskError) -> None:
        """Show a problem beside its field (the cursor goes there), or across the top."""
        key = exc.field if isinstance(exc, ValidationError) else None
        if show_beside(self.errors.get(key or ""), str(exc)):
            self.adjustSize()
        else:
            self.banner.show_message(str(exc))

    @classmethod
    def ask(cls, parent: QWidget | None, desk: Desk, case_ids: Sequence[int]) -> BulkResult | None:
        """Show the dialog; return what was saved, or None when cancelled."""
        dialog = cls(parent, desk, case_ids)
        try:
            return dialog.result_ if dialog.exec() == QDialog.DialogCode.Accepted else None
        finally:
            dialog.deleteLater()


class BulkAssignDialog(BulkDialog):
    """Give every selected case to one officer."""

    title = "Reassign"
    save_text = "&Reassign"

    def build(self) -> None:
        """Add the officer picker."""
        self.officer = combo(
            [("Choose an officer…", ""), *((s.name, s.login) for s in self.desk.staff.list_staff())],
            name="Officer",
        )
        self.field("&Officer:", self.officer, "officer")

    def perform(self) -> BulkResult:
        """Reassign the cases."""
        return self.desk.bulk.reassign(self.cases, officer_login=str(self.officer.currentData() or ""))


class BulkAcknowledgeDialog(BulkDialog):
    """Acknowledge every selected case on one date; the late ones share one reason, asked before saving."""

    title = "Acknowledge"
    save_text = "&Acknowledge"

    def build(self) -> None:
        """Add the date, what it means for each case, and the missed reason (shown when some are late)."""
        self.plan: AcknowledgePlan | None = None
        self.on = DateField(self.desk.today(), name="Date acknowledged")
        self.on.textChanged.connect(lambda _text: self.refresh())
        self.field("&Sent on:", self.on, "acknowledged_on")
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        self.preview.setAccessibleDescription("What will be saved")
        self.form.addRow("", self.preview)
        self.missed_reason = QComboBox()
        self.missed_reason.setEditable(True)
        self.missed_reason.addItems(MISSED_REASONS)
        self.missed_reason.setAccessibleName("Reason the late targets were missed")
        if (line := self.missed_reason.lineEdit()) is not None:
            line.setAccessibleName("Reason the late targets were missed")
        self.missed_row = self.field("Reason &missed:", self.missed_reason, "missed_reason")
        self.form.setRowVisible(self.missed_row, False)

    def refresh(self) -> None:
        """Show which cases would be late on the date typed, and reveal the reason box when some are."""
        on = self.on.date_or_none()
        if on is None:
            self.plan = None
            self.preview.setText("Type the date the acknowledgements were sent, as day/month/year.")
            return
        try:
            self.plan = plan = self.desk.bulk.plan_acknowledge(self.case_ids, on)
        except SendDeskError as exc:
            self.plan = None
            self.preview.setText(str(exc))
            return
        lines = []
        if plan.problems:
            lines.append(
                "Cannot be acknowledged: "
                + "; ".join(f"{case.reference} {case.problem}" for case in plan.problems)
                + ". Leave them out of the selection."
            )
        late = plan.late
        on_time = len(plan.cases) - len(late) - len(plan.problems)
        if late:
            lines.append(
                f"{len(late)} late (past the target on that date): {references_text(late)}. "
                "The reason below is recorded on each of them."
            )
        if on_time:
            lines.append(f"{on_time} on time.")
        self.preview.setText("\n".join(lines))
        self.form.setRowVisible(self.missed_row, bool(late))
        self.save_button.setEnabled(not plan.problems)
        self.adjustSize()

    def perform(self) -> BulkResult:
        """Acknowledge the cases on the date typed (the plan is made again: what you see is what is saved)."""
        on = self.on.date()
        if on is None:
            raise ValidationError("Enter the date the acknowledgements were sent.", field="acknowledged_on")
        plan = self.plan if self.plan is not None and self.plan.on == on else None
        if plan is None:
            plan = self.desk.bulk.plan_acknowledge(self.case_ids, on)
        return self.desk.bulk.acknowledge(plan, missed_reason=self.missed_reason.currentText())
