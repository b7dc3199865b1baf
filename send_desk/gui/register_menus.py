"""The register's right-click menus, bulk work on selected rows, and named saved views (a window mixin)."""

# Each method is typed with `self: MainWindow` (the one class this mixes into), which mypy reports as
# "erased type of self"; the checks inside every method still run against MainWindow.
# mypy: disable-error-code="misc"

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QInputDialog, QMenu, QMessageBox

from send_desk.domain.errors import SendDeskError
from send_desk.gui.errors import show_error
from send_desk.gui.register_model import COLUMNS, column_index
from send_desk.gui.saved_views import SavedView, all_views, delete_view, save_view, saved_views
from send_desk.gui.widgets import select_data
from send_desk.values.bulk import BulkResult
from send_desk.values.cases import CaseFilter

if TYPE_CHECKING:
    from send_desk.gui.main_window import MainWindow

MAX_OPEN_AT_ONCE = 10
"""The most case windows "Open" makes from one selection."""


class RegisterMenus:
    """What the register offers on selected rows and its header; mixed into the main window."""

    def _row_menu(self: MainWindow, position: QPoint) -> QMenu | None:
        """Show the menu for the rows under the pointer (selecting the row clicked if it was not)."""
        index = self.table.indexAt(position)
        if not index.isValid():
            return None
        selection = self.table.selectionModel()
        if not selection.isRowSelected(index.row()):
            # this row alone, whatever keys are held (selectRow would add to the selection under Ctrl)
            flag = QItemSelectionModel.SelectionFlag
            selection.select(index, flag.ClearAndSelect | flag.Rows)
            selection.setCurrentIndex(index, flag.NoUpdate)
        menu = self.row_menu()
        menu.popup(self.table.viewport().mapToGlobal(position))
        return menu

    def row_menu(self: MainWindow) -> QMenu:
        """Return the right-click menu for the selected rows: open, acknowledge, assign, copy, export."""
        count = len(self.selected_case_ids())
        several = f" {count} cases" if count > 1 else ""
        menu = QMenu(self)
        menu.setAccessibleName("Selected cases")
        menu.addAction(f"&Open{several}", self.open_selected_cases)
        menu.addAction(f"&Acknowledge{several}…", self.acknowledge_selected)
        menu.addAction(f"A&ssign{several}…", self.assign_selected)
        menu.addAction("&Copy reference" + ("s" if count > 1 else ""), self.copy_references)
        menu.addSeparator()
        menu.addAction(f"&Export{several or ' this case'}…", self.export_selected)
        return menu

    def _header_menu(self: MainWindow, position: QPoint) -> QMenu:
        """Show the column chooser on the register's header."""
        menu = self.columns_menu()
        menu.popup(self.table.horizontalHeader().mapToGlobal(position))
        return menu

    def columns_menu(self: MainWindow) -> QMenu:
        """Return a menu that shows or hides each column (the reference always stays)."""
        header = self.table.horizontalHeader()
        menu = QMenu("Columns", self)
        menu.setAccessibleName("Show or hide columns")
        for index, column in enumerate(COLUMNS):
            action = menu.addAction(column.name)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(index))
            action.setEnabled(column.sort_key != "reference")
            action.toggled.connect(lambda shown, i=index: header.setSectionHidden(i, not shown))
        return menu

    # ----- work on the selected rows -------------------------------------------------------
    def _selection_or_say(self: MainWindow) -> list[int]:
        ids = self.selected_case_ids()
        if not ids:
            self.statusBar().showMessage("Select one or more cases in the register first.", 8000)
        return ids

    def open_selected_cases(self: MainWindow) -> None:
        """Open each selected case in its own window (the first ten)."""
        for case_id in self._selection_or_say()[:MAX_OPEN_AT_ONCE]:
            self.open_case(case_id)

    def acknowledge_selected(self: MainWindow) -> BulkResult | None:
        """Acknowledge the selected cases on one date, all or none."""
        from send_desk.gui.bulk import BulkAcknowledgeDialog

        return self._bulk(BulkAcknowledgeDialog.ask, "Acknowledged")

    def assign_selected(self: MainWindow) -> BulkResult | None:
        """Give the selected cases to one officer, all or none."""
        from send_desk.gui.bulk import BulkAssignDialog

        return self._bulk(BulkAssignDialog.ask, "Reassigned")

    def _bulk(self: MainWindow, ask: Any, done: str) -> BulkResult | None:
        ids = self._selection_or_say()
        if not ids:
            return None
        try:
            result: BulkResult | None = ask(self, self.desk, ids)
        except SendDeskError as exc:
            show_error(self, exc)
            return None
        if result is not None:
            count = len(result.references)
            self.statusBar().showMessage(f"{done} {count} case{'s' if count != 1 else ''}", 8000)
            self.model.refresh_rows()
            self.reload()
        return result

    def copy_references(self: MainWindow) -> str:
        """Put the selected cases' references on the clipboard, one a line."""
        references = [row.reference for row in self._selected_rows()]
        text = "\n".join(references)
        if references:
            QGuiApplication.clipboard().setText(text)
            self.statusBar().showMessage(
                f"Copied {references[0]}" if len(references) == 1 else f"Copied {len(references)} references",
                5000,
            )
        return text

    def _selected_rows(self: MainWindow) -> list[Any]:
        model = self.table.selectionModel()
        rows = sorted(index.row() for index in model.selectedRows()) if model else []
        return [case_row for row in rows if (case_row := self.model.case_row(row)) is not None]

    def export_selected(self: MainWindow) -> Any:
        """Export just the selected cases (whatever their status) through the export dialog."""
        from send_desk.gui.export_dialog import ExportDialog

        ids = self._selection_or_say()
        if not ids:
            return None
        try:
            return ExportDialog.ask(
                self, self.desk, case_filter=CaseFilter(status="all", case_ids=tuple(ids))
            )
        except SendDeskError as exc:
            show_error(self, exc)
            return None

    # ----- saved views ---------------------------------------------------------------------
    def current_view(self: MainWindow, name: str) -> SavedView:
        """Return what the register shows now as a view of that name."""
        key, descending = self.model.sort_key()
        header = self.table.horizontalHeader()
        return SavedView(
            name=name,
            status=str(self.status.currentData()),
            kind=self.kind.currentData() or "",
            officer=self.officer.currentData() or "",
            category=self.category.currentData() or "",
            mine=self.mine.isChecked(),
            received_from=self.received_from.text(),
            received_to=self.received_to.text(),
            search=self.search.text(),
            sort_key=key,
            descending=descending,
            hidden=tuple(c.name for i, c in enumerate(COLUMNS) if header.isSectionHidden(i)),
        )

    def apply_view(self: MainWindow, name: str) -> bool:
        """Show the register as a saved view describes it; tell whether there was such a view."""
        view = next((v for v in all_views(self.settings) if v.name == name), None)
        if view is None:
            return False
        self._restoring = True
        self.quick = None
        select_data(self.status, view.status)
        select_data(self.kind, view.kind or None)
        select_data(self.officer, view.officer or None)
        select_data(self.category, view.category or None)
        self.mine.setChecked(view.mine)
        self.received_from.setText(view.received_from)
        self.received_to.setText(view.received_to)
        self.search.setText(view.search)
        self.search_timer.stop()
        header = self.table.horizontalHeader()
        for index, column in enumerate(COLUMNS):
            header.setSectionHidden(index, column.name in view.hidden)
        try:
            section = next(
                i for i, c in enumerate(COLUMNS) if c.sort_key == view.sort_key and c.header != "RAG"
            )
        except StopIteration:
            section = column_index("received_on")
        order = Qt.SortOrder.DescendingOrder if view.descending else Qt.SortOrder.AscendingOrder
        self.model.sort_column, self.model.sort_order = section, order
        header.blockSignals(True)
        header.setSortIndicator(section, order)
        header.blockSignals(False)
        self._restoring = False
        self.view_name = view.name
        self.dashboard.set_active("open" if view.status == "open" else None)
        self.statusBar().showMessage(f"View: {view.name}", 8000)
        self.reload(counts=False)
        return True

    def save_current_view(self: MainWindow, name: str | None = None) -> SavedView | None:
        """Save what the register shows under a name (asked for when not given)."""
        asked = name is None
        if name is None:
            name, ok = QInputDialog.getText(
                self, "Save this view", "Name for this view (filters, sort and columns):"
            )
            if not ok:
                return None
        try:
            view = save_view(self.settings, self.current_view(name))
        except ValueError as exc:
            self.statusBar().showMessage(str(exc), 8000)
            if asked:
                QMessageBox.information(self, "Save this view", str(exc))
            return None
        self.view_name = view.name
        self.statusBar().showMessage(f"Saved the view {view.name}", 8000)
        return view

    def _fill_views_menu(self: MainWindow) -> None:
        menu = self.views_menu
        menu.clear()
        for view in all_views(self.settings):
            action = menu.addAction(view.name, lambda n=view.name: self.apply_view(n))
            action.setCheckable(True)
            action.setChecked(view.name == getattr(self, "view_name", ""))
        own = saved_views(self.settings)
        if own:
            menu.addSeparator()
            remove = menu.addMenu("&Delete a saved view")
            for view in own:
                remove.addAction(view.name, lambda n=view.name: delete_view(self.settings, n))
        menu.setEnabled(True)
