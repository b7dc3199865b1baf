"""Admin ▸ Templates: the letter templates, their versions and fields, a preview against a case, on/off."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError
from send_desk.domain.letters import FIELDS, Purpose
from send_desk.domain.wording import uk_datetime
from send_desk.gui.admin.common import AdminDialog, Column, RowsModel, make_table
from send_desk.gui.letters import paragraphs_html
from send_desk.gui.settings import desk_settings, team_name
from send_desk.services.permissions import Action
from send_desk.values.letters import TemplateView


def choose_docx(parent: QWidget) -> Path | None:
    """Ask for a .docx template to add (tests replace this); None when the person cancels."""
    name, _ = QFileDialog.getOpenFileName(parent, "Add a letter template", "", "Word documents (*.docx)")
    return Path(name) if name else None


def _fits(view: TemplateView) -> str:
    kinds = ", ".join(view.kinds) or "any kind"
    if not view.stages or view.stages == (1, 2):
        return kinds
    return f"{kinds} (stage {', '.join(map(str, view.stages))})"


def template_columns() -> list[Column[TemplateView]]:
    """Return the columns of the template table."""
    return [
        Column("Template", lambda t: t.title),
        Column("Name", lambda t: t.name),
        Column("Version", lambda t: str(t.version)),
        Column("For", lambda t: t.purpose),
        Column("Fits", _fits),
        Column("On", lambda t: "Yes" if t.active else "Switched off"),
        Column("Added", lambda t: f"{uk_datetime(t.added_at)} by {t.added_by}"),
    ]


def version_columns() -> list[Column[TemplateView]]:
    """Return the columns of the version list."""
    return [
        Column("Version", lambda t: str(t.version)),
        Column("Added", lambda t: uk_datetime(t.added_at)),
        Column("By", lambda t: t.added_by),
        Column("Fields", lambda t: str(len(t.fields))),
    ]


def fields_html(used: tuple[str, ...] | list[str]) -> str:
    """Return the field catalogue with the fields a template uses ticked."""
    rows = "".join(
        f"<tr><td>{'✔' if f.name in used else ''}</td><td><code>{{{{ {f.name} }}}}</code></td>"
        f"<td>{html.escape(f.description)}</td><td>{html.escape(f.example)}</td></tr>"
        for f in FIELDS
    )
    return (
        "<table cellspacing=0 cellpadding=3><tr><th></th><th align=left>Field</th><th align=left>Holds</th>"
        f"<th align=left>Example</th></tr>{rows}</table>"
    )


class TemplatesDialog(AdminDialog):
    """Every template (latest version), its versions and fields, add or replace, preview, switch off."""

    action = Action.MANAGE_LETTERS
    title = "Letter templates"

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the lists, the forms and the preview, then load the templates."""
        super().__init__(desk, parent)
        self.model: RowsModel[TemplateView] = RowsModel(template_columns(), self)
        self.table = make_table(self.model, "Letter templates", self)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.versions: RowsModel[TemplateView] = RowsModel(version_columns(), self)
        self.versions_table = make_table(self.versions, "Versions of the template", self)
        self.fields = QTextBrowser(self)
        self.fields.setAccessibleName("Fields the template uses")
        self.preview = QTextBrowser(self)
        self.preview.setAccessibleName("Preview against a case")

        add_box = QGroupBox("Add a template, or replace one with a new version", self)
        add_form = QFormLayout(add_box)
        self.new_name = QLineEdit(add_box)
        self.new_name.setAccessibleName("Template name")
        self.new_name.setPlaceholderText("a new name, or the name of the template to replace")
        self.new_title = QLineEdit(add_box)
        self.new_title.setAccessibleName("Template title")
        self.new_purpose = QComboBox(add_box)
        self.new_purpose.addItems(list(Purpose.ALL))
        self.add_button = QPushButton("Choose .&docx and add…", add_box)
        self.add_button.clicked.connect(self.add)
        add_form.addRow("&Name", self.new_name)
        add_form.addRow("&Title", self.new_title)
        add_form.addRow("&For", self.new_purpose)
        add_form.addRow("", self.add_button)

        use_box = QGroupBox("Selected template", self)
        use_form = QFormLayout(use_box)
        self.case_reference = QLineEdit(use_box)
        self.case_reference.setAccessibleName("Case reference to preview against")
        self.case_reference.setPlaceholderText("e.g. SD-2026-00042")
        self.preview_button = QPushButton("&Preview", use_box)
        self.preview_button.clicked.connect(self.show_preview)
        self.active_button = QPushButton("Switch &off", use_box)
        self.active_button.clicked.connect(self.toggle_active)
        row = QHBoxLayout()
        row.addWidget(self.case_reference, 1)
        row.addWidget(self.preview_button)
        case_label = QLabel("Preview against &case", use_box)
        case_label.setBuddy(self.case_reference)  # a label with no buddy shows its & as a character
        use_form.addRow(case_label, row)
        use_form.addRow("", self.active_button)
        self.use_box = use_box

        lower = QSplitter(self)
        lower.addWidget(self.versions_table)
        lower.addWidget(self.fields)
        lower.addWidget(self.preview)
        forms = QHBoxLayout()
        forms.addWidget(add_box)
        forms.addWidget(use_box)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 2)
        layout.addWidget(lower, 3)
        layout.addLayout(forms)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(1100, 720)
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Read the templates again and select one by name."""
        chosen = self.selected()
        current = select or (chosen.name if chosen is not None else None)
        try:
            self.model.set_rows(self.desk.letters.list_templates())
        except SendDeskError as exc:
            self.message.error(exc)
            return
        for row, template in enumerate(self.model.items):
            if template.name == current:
                self.table.selectRow(row)
        if self.selected() is None and self.model.items:
            self.table.selectRow(0)
        self._selected()

    def selected(self) -> TemplateView | None:
        """Return the template selected in the table."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def add(self) -> None:
        """Add a .docx as a new template, or as the next version of the one named."""
        path = choose_docx(self)
        if path is None:
            return
        try:
            content = path.read_bytes()
        except OSError as exc:
            self.message.error(SendDeskError(f"{path} could not be read ({exc.strerror})."))
            return
        used = self.attempt(lambda: self.desk.letters.check_template(content))
        if used is None:
            self.fields.setHtml(fields_html([]))
            return
        name = self.new_name.text().strip() or path.stem
        added = self.attempt(
            lambda: self.desk.letters.add_template(
                name, content, title=self.new_title.text(), purpose=self.new_purpose.currentText()
            ),
            lambda view: f"Added {view.title} version {view.version}: its fields are all known.",
        )
        if added is not None:
            self.new_name.clear()
            self.new_title.clear()
            self.reload(added.name)

    def show_preview(self) -> None:
        """Merge the selected version with the case typed and show the text (or why it cannot be made)."""
        template = self.selected()
        version = self._selected_version() or template
        if template is None or version is None:
            return
        team = team_name(desk_settings())
        try:
            case = self.desk.cases.get_by_reference(self.case_reference.text())
            merged = self.desk.letters.merge(case.id, template.name, team=team, version=version.version)
        except SendDeskError as exc:
            self.preview.setPlainText(str(exc))
            return
        self.preview.setHtml(paragraphs_html(merged.paragraphs))

    def preview_text(self) -> str:
        """Return the preview's text."""
        return self.preview.toPlainText()

    def toggle_active(self) -> None:
        """Switch the selected template off (letters already made keep it), or on again."""
        template = self.selected()
        if template is None:
            return
        done = self.attempt(
            lambda: self.desk.letters.set_active(template.name, not template.active),
            f"{template.title} is switched {'off' if template.active else 'on'}.",
        )
        if done is not None:
            self.reload(template.name)

    def _selected_version(self) -> TemplateView | None:
        rows = self.versions_table.selectionModel().selectedRows()
        return self.versions.row_at(rows[0].row()) if rows else None

    def _selected(self, *_args: object) -> None:
        template = self.selected()
        self.use_box.setEnabled(template is not None)
        if template is None:
            self.versions.set_rows([])
            self.fields.setHtml(fields_html([]))
            return
        try:
            self.versions.set_rows(self.desk.letters.versions(template.name))
        except SendDeskError as exc:
            self.message.error(exc)
        self.versions_table.selectRow(0)
        self.fields.setHtml(fields_html(template.fields))
        self.active_button.setText("Switch &off" if template.active else "Switch o&n")
