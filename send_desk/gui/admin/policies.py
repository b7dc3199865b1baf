"""Target policies: change a policy (a new version for new cases), preview and run a recalculation."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.calendar import CalendarKind
from send_desk.domain.policy import ClockRule
from send_desk.domain.wording import uk_date
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.gui.widgets import combo, select_data
from send_desk.services.admin import PolicyView, RecalculationItem
from send_desk.services.permissions import Action

RULES = (
    ("Working days", ClockRule.WORKING_DAYS),
    ("Calendar months", ClockRule.CALENDAR_MONTHS),
    ("Date from a letter", ClockRule.MANUAL),
    ("No target", ClockRule.NONE),
)
CALENDARS = (
    ("England and Wales bank holidays", CalendarKind.ENGLAND_WALES),
    ("Bank holidays of any UK nation", CalendarKind.ALL_UK),
)


def policy_columns() -> list[Column[PolicyView]]:
    """Return the columns of the policy table."""
    return [
        Column("Kind", lambda p: p.label),
        Column("Version", lambda p: p.version, align_right=True),
        Column("Since", lambda p: uk_date(p.effective_from.date())),
        Column("Targets", lambda p: p.description),
    ]


def preview_columns() -> list[Column[RecalculationItem]]:
    """Return the columns of the recalculation preview."""

    def moved(pair: tuple[Any, Any]) -> str:
        old, new = pair
        return uk_date(old, "—") if old == new else f"{uk_date(old, '—')} → {uk_date(new, '—')}"

    return [
        Column("Case", lambda i: i.reference),
        Column("Kind", lambda i: i.kind.label if i.stage == 1 else f"{i.kind.label} (stage {i.stage})"),
        Column("Acknowledge by", lambda i: moved(i.acknowledge_by)),
        Column("Respond by", lambda i: moved(i.respond_by)),
        Column("Policy version", lambda i: f"{i.from_version} → {i.to_version}"),
    ]


def optional_spin(name: str, parent: QWidget, maximum: int = 366) -> QSpinBox:
    """Return a spin box where 0 means "none"."""
    spin = QSpinBox(parent)
    spin.setRange(0, maximum)
    spin.setSpecialValueText("None")
    spin.setAccessibleName(name)
    return spin


class PoliciesDialog(AdminDialog):
    """Current target policies, a form to change one, and the explicit recalculation of open cases."""

    action = Action.MANAGE_POLICIES
    title = "Target policies"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the policy table, the edit form and the recalculation preview."""
        super().__init__(desk, parent)
        self.service = desk.policies
        self.model: RowsModel[PolicyView] = RowsModel(policy_columns(), self)
        self.table = make_table(self.model, "Target policies", self)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        box = QGroupBox("Change the selected policy (applies to cases logged from now on)", self)
        form = QFormLayout(box)
        self.acknowledge_days = optional_spin("Acknowledge within (working days)", box)
        self.respond_rule = combo(RULES, name="Response target counted in", parent=box)
        self.respond_amount = optional_spin("Respond within", box)
        self.from_acknowledgement = QCheckBox("Count the response from the acknowledgement", box)
        self.extension_max = optional_spin("Longest extension", box)
        self.calendar = combo(CALENDARS, name="Calendar", parent=box)
        self.counts_closures = QCheckBox("Office closure days do not count", box)
        self.pause_allowed = QCheckBox("The clock can be paused", box)
        self.clarification_restarts = QCheckBox("Clarification restarts the clock", box)
        self.due_soon_days = QSpinBox(box)
        self.due_soon_days.setRange(0, 30)
        self.due_soon_days.setAccessibleName("Due soon within (working days)")
        form.addRow("&Acknowledge within (working days)", self.acknowledge_days)
        form.addRow("Response &counted in", self.respond_rule)
        form.addRow("&Respond within", self.respond_amount)
        form.addRow("", self.from_acknowledgement)
        form.addRow("Longest &extension", self.extension_max)
        form.addRow("Ca&lendar", self.calendar)
        form.addRow("", self.counts_closures)
        form.addRow("", self.pause_allowed)
        form.addRow("", self.clarification_restarts)
        form.addRow("&Due soon within (working days)", self.due_soon_days)
        self.save_button = QPushButton("&Save as a new version", box)
        self.save_button.clicked.connect(self.save)
        form.addRow("", self.save_button)
        self.edit_box = box

        recalc = QGroupBox("Open cases", self)
        recalc_layout = QVBoxLayout(recalc)
        self.preview_label = QLabel(
            "Changing a policy or the closure days never moves the dates of open cases by itself. "
            "Preview which open cases would change, then recalculate them.",
            recalc,
        )
        self.preview_label.setWordWrap(True)
        self.preview_model: RowsModel[RecalculationItem] = RowsModel(preview_columns(), self)
        self.preview_table = make_table(self.preview_model, "Recalculation preview", recalc)
        self.preview_button = QPushButton("&Preview recalculation", recalc)
        self.preview_button.clicked.connect(self.preview)
        self.recalculate_button = QPushButton("Recalculate &open cases", recalc)
        self.recalculate_button.setEnabled(False)
        self.recalculate_button.clicked.connect(self.recalculate)
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.recalculate_button)
        buttons.addStretch()
        recalc_layout.addWidget(self.preview_label)
        recalc_layout.addWidget(self.preview_table)
        recalc_layout.addLayout(buttons)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        upper = QHBoxLayout()
        upper.addWidget(self.table, 3)
        upper.addWidget(box, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(upper)
        layout.addWidget(recalc)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(1100, 720)
        self.reload()

    def reload(self) -> None:
        """Read the current policies again."""
        current = self.selected()
        self.model.set_rows(self.service.list_current())
        row = 0
        if current is not None:
            row = next((i for i, p in enumerate(self.model.items) if p.policy.key == current.policy.key), 0)
        if self.model.items:
            self.table.selectRow(row)
        self._selected()

    def selected(self) -> PolicyView | None:
        """Return the policy selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def changes(self) -> dict[str, Any]:
        """Return the form's values as policy fields."""
        return {
            "acknowledge_days": self.acknowledge_days.value() or None,
            "respond_rule": self.respond_rule.currentData(),
            "respond_amount": self.respond_amount.value() or None,
            "respond_from_acknowledgement": self.from_acknowledgement.isChecked(),
            "extension_max": self.extension_max.value() or None,
            "calendar": self.calendar.currentData(),
            "counts_closures": self.counts_closures.isChecked(),
            "pause_allowed": self.pause_allowed.isChecked(),
            "clarification_restarts": self.clarification_restarts.isChecked(),
            "due_soon_days": self.due_soon_days.value(),
        }

    def save(self) -> None:
        """Save the form as a new version of the selected policy."""
        view = self.selected()
        if view is None:
            return
        saved = self.attempt(
            lambda: self.service.propose_change(view.policy.kind, view.policy.stage, self.changes()),
            lambda new: (
                f"Saved version {new.version} of {new.label}. It applies to cases logged from now "
                "on; preview the recalculation to move open cases too."
            ),
        )
        if saved is not None:
            self.reload()
            self.preview_model.set_rows([])
            self.recalculate_button.setEnabled(False)

    def preview(self) -> None:
        """List the open cases whose dates or policy version a recalculation would change."""
        items = self.attempt(self.service.preview_recalculation)
        if items is None:
            return
        self.preview_model.set_rows(items)
        moving = sum(1 for item in items if item.dates_move)
        self.preview_label.setText(
            f"{len(items)} open case(s) would change; the due dates of {moving} would move."
            if items
            else "No open case would change."
        )
        self.recalculate_button.setEnabled(bool(items))

    def recalculate(self) -> None:
        """Move the previewed open cases to the current policies and calendar, after confirmation."""
        count = len(self.preview_model.items)
        if not count or not self.confirm(
            f"Recalculate {count} open case(s)? Their due dates change and each change is audited."
        ):
            return
        done = self.attempt(
            self.service.recalculate, lambda items: f"Recalculated {len(items)} open case(s)."
        )
        if done is not None:
            self.preview_model.set_rows([])
            self.recalculate_button.setEnabled(False)

    def _selected(self, *_args: object) -> None:
        view = self.selected()
        self.edit_box.setEnabled(view is not None)
        if view is None:
            return
        p = view.policy
        self.acknowledge_days.setValue(p.acknowledge_days or 0)
        select_data(self.respond_rule, p.respond_rule)
        self.respond_amount.setValue(p.respond_amount or 0)
        self.from_acknowledgement.setChecked(p.respond_from_acknowledgement)
        self.extension_max.setValue(p.extension_max or 0)
        select_data(self.calendar, p.calendar)
        self.counts_closures.setChecked(p.counts_closures)
        self.pause_allowed.setChecked(p.pause_allowed)
        self.clarification_restarts.setChecked(p.clarification_restarts)
        self.due_soon_days.setValue(p.due_soon_days)
