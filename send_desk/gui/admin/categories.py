"""SEND categories: add, rename, mark appealable to the SEND Tribunal, switch off and on."""

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
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.services.categories import CategoryView
from send_desk.services.permissions import Action


def category_columns() -> list[Column[CategoryView]]:
    """Return the columns of the category table."""
    return [
        Column("Category", lambda c: c.name),
        Column("Appealable", lambda c: "Yes" if c.appealable else "No"),
        Column("Offered", lambda c: "Yes" if c.active else "Switched off"),
        Column("Cases", lambda c: c.cases, align_right=True),
    ]


class CategoriesDialog(AdminDialog):
    """The categories with forms to add one and to change the selected one."""

    action = Action.MANAGE_CATEGORIES
    title = "Categories"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the table and the forms, then load the categories."""
        super().__init__(desk, parent)
        self.service = desk.categories
        self.model: RowsModel[CategoryView] = RowsModel(category_columns(), self)
        self.table = make_table(self.model, "Categories", self)
        self.table.selectionModel().selectionChanged.connect(self._selected)

        add_box = QGroupBox("Add a category", self)
        add_form = QFormLayout(add_box)
        self.new_name = QLineEdit(add_box)
        self.new_name.setAccessibleName("New category")
        self.new_appealable = QCheckBox("Decisions can be appealed to the SEND Tribunal", add_box)
        self.add_button = QPushButton("&Add", add_box)
        self.add_button.clicked.connect(self.add)
        add_form.addRow("&Name", self.new_name)
        add_form.addRow("", self.new_appealable)
        add_form.addRow("", self.add_button)

        edit_box = QGroupBox("Change the selected category", self)
        edit_form = QFormLayout(edit_box)
        self.edit_name = QLineEdit(edit_box)
        self.edit_name.setAccessibleName("Category name")
        self.edit_appealable = QCheckBox("Appealable to the SEND Tribunal", edit_box)
        self.save_button = QPushButton("&Save", edit_box)
        self.save_button.clicked.connect(self.save)
        self.active_button = QPushButton("Switch &off", edit_box)
        self.active_button.clicked.connect(self.toggle_active)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.active_button)
        edit_form.addRow("Na&me", self.edit_name)
        edit_form.addRow("", self.edit_appealable)
        edit_form.addRow("", buttons)
        self.edit_box = edit_box

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        forms = QHBoxLayout()
        forms.addWidget(add_box)
        forms.addWidget(edit_box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(forms)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(820, 560)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the categories again and select one by name."""
        chosen = self.selected()
        current = select or (chosen.name if chosen is not None else None)
        self.model.set_rows(self.service.list_categories())
        for row, category in enumerate(self.model.items):
            if category.name == current:
                self.table.selectRow(row)
        self._selected()

    def selected(self) -> CategoryView | None:
        """Return the category selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def add(self) -> None:
        """Add the category typed in the add form."""
        added = self.attempt(
            lambda: self.service.add_category(
                self.new_name.text(), appealable=self.new_appealable.isChecked()
            ),
            lambda view: f"Added {view.name}.",
        )
        if added is not None:
            self.new_name.clear()
            self.new_appealable.setChecked(False)
            self.reload(added.name)

    def save(self) -> None:
        """Save the name and appealable flag of the selected category."""
        category = self.selected()
        if category is None:
            return

        def work() -> CategoryView:
            view = category
            if " ".join(self.edit_name.text().split()) != category.name:
                view = self.service.rename_category(category.name, self.edit_name.text())
            if self.edit_appealable.isChecked() != view.appealable:
                view = self.service.set_appealable(view.name, self.edit_appealable.isChecked())
            return view

        saved = self.attempt(work, lambda view: f"Saved {view.name}.")
        if saved is not None:
            self.reload(saved.name)

    def toggle_active(self) -> None:
        """Stop offering the selected category, or offer it again."""
        category = self.selected()
        if category is None:
            return
        if category.active:
            done = self.attempt(
                lambda: self.service.deactivate_category(category.name),
                f"{category.name} is no longer offered for new cases; its cases keep it.",
            )
        else:
            done = self.attempt(
                lambda: self.service.reactivate_category(category.name), f"{category.name} is offered again."
            )
        if done is not None:
            self.reload(category.name)

    def _selected(self, *_args: object) -> None:
        category = self.selected()
        self.edit_box.setEnabled(category is not None)
        if category is None:
            return
        self.edit_name.setText(category.name)
        self.edit_appealable.setChecked(category.appealable)
        self.active_button.setText("Switch &off" if category.active else "Switch o&n")
