"""Staff and roles: add people, change their role, team or name, switch accounts off and on."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import Role
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.gui.widgets import combo, select_data
from send_desk.services.permissions import Action
from send_desk.values.cases import StaffView

ROLE_LABELS = (("Officer", Role.OFFICER), ("Manager", Role.MANAGER), ("Admin", Role.ADMIN))


def staff_columns() -> list[Column[StaffView]]:
    """Return the columns of the staff table."""
    return [
        Column("Login", lambda s: s.login),
        Column("Name", lambda s: s.name),
        Column("Team", lambda s: s.team),
        Column("Role", lambda s: s.role.capitalize()),
        Column("Account", lambda s: "On" if s.active else "Switched off"),
    ]


class StaffDialog(AdminDialog):
    """The staff list with forms to add someone and to change the selected person."""

    action = Action.MANAGE_STAFF
    title = "Staff and roles"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the table and the two forms, then load the staff list."""
        super().__init__(desk, parent)
        self.model: RowsModel[StaffView] = RowsModel(staff_columns(), self)
        self.table = make_table(self.model, "Staff", self)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        self.show_inactive = QCheckBox("Show switched-off accounts", self)
        self.show_inactive.toggled.connect(self.reload)

        add_box = QGroupBox("Add a member of staff", self)
        add_form = QFormLayout(add_box)
        self.new_login = QLineEdit(add_box)
        self.new_login.setAccessibleName("New login")
        self.new_login.setPlaceholderText("their Windows login, e.g. sam.patel")
        self.new_name = QLineEdit(add_box)
        self.new_name.setAccessibleName("New name")
        self.new_team = QLineEdit(add_box)
        self.new_team.setAccessibleName("New team")
        self.new_role = combo(ROLE_LABELS, name="New role", parent=add_box)
        self.add_button = QPushButton("&Add", add_box)
        self.add_button.clicked.connect(self.add)
        add_form.addRow("&Login", self.new_login)
        add_form.addRow("&Name", self.new_name)
        add_form.addRow("&Team", self.new_team)
        add_form.addRow("&Role", self.new_role)
        add_form.addRow("", self.add_button)

        edit_box = QGroupBox("Change the selected person", self)
        edit_form = QFormLayout(edit_box)
        self.edit_name = QLineEdit(edit_box)
        self.edit_name.setAccessibleName("Name")
        self.edit_team = QLineEdit(edit_box)
        self.edit_team.setAccessibleName("Team")
        self.edit_role = combo(ROLE_LABELS, name="Role", parent=edit_box)
        self.save_button = QPushButton("&Save changes", edit_box)
        self.save_button.clicked.connect(self.save)
        self.active_button = QPushButton("S&witch off", edit_box)
        self.active_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.active_button)
        edit_form.addRow("Na&me", self.edit_name)
        edit_form.addRow("T&eam", self.edit_team)
        edit_form.addRow("R&ole", self.edit_role)
        edit_form.addRow("", buttons)
        self.edit_box = edit_box

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        forms = QHBoxLayout()
        forms.addWidget(add_box)
        forms.addWidget(edit_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.show_inactive)
        layout.addLayout(forms)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(820, 520)
        self.reload()

    def reload(self) -> None:
        """Read the staff list again, keeping the selection where possible."""
        current = self.selected()
        self.model.set_rows(self.desk.staff.list_staff(include_inactive=self.show_inactive.isChecked()))
        if current is not None:
            self.select_login(current.login)
        self._selected()

    def selected(self) -> StaffView | None:
        """Return the person selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_login(self, login: str) -> None:
        """Select a person by login."""
        for row, person in enumerate(self.model.items):
            if person.login == login:
                self.table.selectRow(row)
                return

    def add(self) -> None:
        """Add the person typed in the add form."""
        role = Role(self.new_role.currentData())
        added = self.attempt(
            lambda: self.desk.staff.add_staff(
                self.new_login.text(), self.new_name.text(), role=role, team=self.new_team.text()
            ),
            lambda view: f"Added {view.name} as {view.role}.",
            {"login": self.new_login, "name": self.new_name},
        )
        if added is not None:
            for field in (self.new_login, self.new_name, self.new_team):
                field.clear()
            self.new_role.setCurrentIndex(0)  # the next person starts as an officer, not as the last one
            self.reload()
            self.select_login(added.login)

    def save(self) -> None:
        """Save the name, team and role of the selected person."""
        person = self.selected()
        if person is None:
            return
        login = person.login

        def work() -> StaffView:
            view = self.desk.staff.update_details(
                login, name=self.edit_name.text(), team=self.edit_team.text()
            )
            role = Role(self.edit_role.currentData())
            if role.value != view.role:
                view = self.desk.staff.change_role(login, role)
            return view

        fields = {"name": self.edit_name, "role": self.edit_role}
        if self.attempt(work, lambda view: f"Saved {view.name}.", fields) is not None:
            self.reload()

    def toggle_active(self) -> None:
        """Switch the selected account off, or back on."""
        person = self.selected()
        if person is None:
            return
        if person.active:
            if not self.confirm(f"Switch off {person.name}'s account? Their cases and history stay."):
                return
            done = self.attempt(
                lambda: self.desk.staff.deactivate(person.login), f"Switched off {person.name}."
            )
        else:
            done = self.attempt(
                lambda: self.desk.staff.reactivate(person.login), f"Switched on {person.name}."
            )
        if done is not None:
            self.reload()

    def _selected(self, *_args: object) -> None:
        person = self.selected()
        self.edit_box.setEnabled(person is not None)
        if person is None:
            return
        self.edit_name.setText(person.name)
        self.edit_team.setText(person.team)
        select_data(self.edit_role, Role(person.role))
        self.active_button.setText("S&witch off" if person.active else "S&witch on")
