"""The register's everyday work: several rows at once, right-click menus, columns, urgency, saved views."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAccessible, QFontMetrics
from PySide6.QtWidgets import QApplication, QHeaderView

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import CaseKind
from send_desk.gui import bulk as bulk_gui
from send_desk.gui import export_dialog
from send_desk.gui.main_window import MainWindow
from send_desk.gui.register_model import COLUMNS, LONG_NAME
from send_desk.gui.settings import desk_settings
from send_desk.gui.tasks import TaskRunner
from send_desk.values.cases import CaseInput, PersonInput
from tests.conftest import complaint_input

TODAY = date(2026, 11, 27)


def col(header: str) -> int:
    """Return the column with that header."""
    return next(i for i, c in enumerate(COLUMNS) if c.header == header)


@pytest.fixture
def cases(desk: Desk):  # type: ignore[no-untyped-def]
    """An unacknowledged complaint past its target (17/11), one not yet due, an overdue enquiry, an FOI."""
    return [
        desk.cases.log_case(complaint_input(received=date(2026, 11, 10))),  # ack by 17/11: 8 WD overdue
        desk.cases.log_case(complaint_input(received=date(2026, 11, 24), officer_login="sam.patel")),
        desk.cases.log_case(
            CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), summary="Transport",
                      contact=PersonInput(name="Zed O'Neill"), officer_login="sam.patel")
        ),  # respond by 16/11: 9 WD overdue
        desk.cases.log_case(CaseInput(kind=CaseKind.FOI, received_on=date(2026, 11, 26), summary="Budgets")),
    ]  # fmt: skip


def select(window: MainWindow, *case_ids: int) -> None:
    """Select these cases' rows (as Ctrl+click does)."""
    window.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for case_id in case_ids:
        row = window.model.row_of(case_id)
        window.table.selectionModel().select(window.model.index(row, 0), flags)


def column_texts(window: MainWindow, header: str) -> list[str]:
    return [window.model.data(window.model.index(r, col(header))) for r in range(window.model.rowCount())]


def test_several_rows_are_selected_and_their_references_copied(window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    window.table.selectAll()
    assert sorted(window.selected_case_ids()) == sorted(c.id for c in cases)
    select(window, cases[0].id, cases[2].id)
    assert window.copy_references() == "\n".join(
        r for r in column_texts(window, "Reference") if r in (cases[0].reference, cases[2].reference)
    )
    assert QApplication.clipboard().text().count("\n") == 1


def test_the_row_menu_offers_open_acknowledge_assign_copy_and_export(window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    select(window, cases[0].id)
    assert [a.text() for a in window.row_menu().actions()] == [
        "&Open", "&Acknowledge…", "A&ssign…", "&Copy reference", "", "&Export this case…",
    ]  # fmt: skip
    select(window, cases[0].id, cases[1].id)
    assert [a.text() for a in window.row_menu().actions()] == [
        "&Open 2 cases", "&Acknowledge 2 cases…", "A&ssign 2 cases…", "&Copy references", "",
        "&Export 2 cases…",
    ]  # fmt: skip
    menu = window.row_menu()
    menu.actions()[0].trigger()
    assert set(window.case_views) == {cases[0].id, cases[1].id}


def test_right_click_on_an_unselected_row_selects_it(window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    select(window, cases[0].id)
    row = window.model.row_of(cases[3].id)
    rect = window.table.visualRect(window.model.index(row, 0))
    menu = window._row_menu(rect.center())
    assert menu is not None
    menu.close()
    assert window.selected_case_ids() == [cases[3].id]


def test_the_header_menu_hides_and_shows_columns_and_they_stay_hidden(
    qtbot, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    menu = window.columns_menu()
    names = [a.text() for a in menu.actions()]
    assert names == [c.header for c in COLUMNS[:-1]] + [
        "Working days overdue"
    ]  # the full name, not "Days late"
    assert not menu.actions()[0].isEnabled()  # the reference always stays
    menu.actions()[col("Child")].setChecked(False)
    assert window.table.horizontalHeader().isSectionHidden(col("Child"))
    window.close()
    again = MainWindow(desk, settings=desk_settings(), runner=TaskRunner(inline=True), poll=False)
    qtbot.addWidget(again)
    assert again.table.horizontalHeader().isSectionHidden(col("Child"))
    assert not again.columns_menu().actions()[col("Child")].isChecked()


def test_text_columns_take_the_window_width_and_elide_with_the_whole_text_on_hover(
    qtbot, window: MainWindow, cases
) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    header = window.table.horizontalHeader()
    assert [header.sectionResizeMode(i) == QHeaderView.ResizeMode.Stretch for i in range(len(COLUMNS))] == [
        c.stretch for c in COLUMNS
    ]
    window.resize(1000, 600)
    qtbot.wait(10)
    narrow = window.table.columnWidth(col("Category"))
    window.resize(1600, 600)
    qtbot.waitUntil(lambda: window.table.columnWidth(col("Category")) > narrow)
    metrics = QFontMetrics(window.table.font())
    for column, shown in (("Kind", "Complaint…"), ("Category", "Placement"), ("Officer", "Unassigned")):
        assert window.table.columnWidth(col(column)) >= metrics.horizontalAdvance(shown) + 8, column
    used = sum(window.table.columnWidth(i) for i in range(len(COLUMNS)))
    assert abs(used - window.table.viewport().width()) <= len(COLUMNS)
    assert window.table.textElideMode() == Qt.TextElideMode.ElideRight
    row = window.model.row_of(cases[0].id)
    tip = window.model.data(window.model.index(row, col("Category")), Qt.ItemDataRole.ToolTipRole)
    assert tip == "Assessment delay"


def test_at_1280_pixels_a_long_name_shows_whole_and_days_late_says_what_it_means(
    qtbot, desk: Desk, window: MainWindow, cases
) -> None:  # type: ignore[no-untyped-def]
    name = LONG_NAME
    desk.cases.log_case(
        complaint_input(
            received=date(2026, 11, 25), contact=PersonInput(name=name), child=PersonInput(name=name)
        )
    )
    window.reload()
    window.resize(1280, 800)
    qtbot.wait(10)
    section = col("Days late")
    header = window.model.headerData
    horizontal = Qt.Orientation.Horizontal
    assert header(section, horizontal, Qt.ItemDataRole.DisplayRole) == "Days late"
    assert header(section, horizontal, Qt.ItemDataRole.AccessibleTextRole) == "Working days overdue"
    tip = "Sort by working days overdue (right-click to show or hide columns)"
    assert header(section, horizontal, Qt.ItemDataRole.ToolTipRole) == tip
    assert header(section, horizontal, Qt.ItemDataRole.AccessibleDescriptionRole) == tip
    table = QAccessible.queryAccessibleInterface(window.table)
    cells = [table.child(i) for i in range(table.childCount())]
    said = {c.text(QAccessible.Text.Name) for c in cells if c.role() == QAccessible.Role.ColumnHeader}
    assert "Working days overdue" in said
    assert "Days late" not in said  # a screen reader says the full name
    needs = QFontMetrics(window.table.font()).horizontalAdvance(name)
    for column in ("Contact", "Child"):
        assert window.table.columnWidth(col(column)) >= needs
        assert window.table.columnWidth(col(column)) >= window.table.sizeHintForColumn(
            col(column)
        )  # not elided
    metrics = QFontMetrics(window.table.font())
    for column, shown in (("Kind", "Complaint…"), ("Category", "Placement"), ("Officer", "Unassigned")):
        assert window.table.columnWidth(col(column)) >= metrics.horizontalAdvance(shown) + 8, column
    used = sum(window.table.columnWidth(i) for i in range(len(COLUMNS)))
    assert abs(used - window.table.viewport().width()) <= len(COLUMNS)  # and no sideways scrolling


def test_next_due_and_working_days_overdue_put_the_most_urgent_first(window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    header = window.table.horizontalHeader()
    window.table.horizontalHeader().sectionClicked.emit(col("Days late"))  # as a first click does
    header.setSortIndicator(col("Days late"), Qt.SortOrder.DescendingOrder)
    assert column_texts(window, "Reference")[:2] == [cases[2].reference, cases[0].reference]
    assert column_texts(window, "Days late") == ["9", "8", "", ""]
    header.setSortIndicator(col("Next due"), Qt.SortOrder.AscendingOrder)
    assert column_texts(window, "Next due") == ["16/11/2026", "17/11/2026", "01/12/2026", "29/12/2026"]
    # under "Respond by" the overdue acknowledgement sorts by a response date still to come
    header.setSortIndicator(col("Respond by"), Qt.SortOrder.AscendingOrder)
    assert column_texts(window, "Respond by")[:2] == ["16/11/2026", "01/12/2026"]


def test_a_first_click_on_working_days_overdue_sorts_most_overdue_first(window: MainWindow) -> None:
    section = col("Days late")
    initial = window.model.headerData(
        section, Qt.Orientation.Horizontal, Qt.ItemDataRole.InitialSortOrderRole
    )
    assert initial == Qt.SortOrder.DescendingOrder.value
    initial = window.model.headerData(
        col("Next due"), Qt.Orientation.Horizontal, Qt.ItemDataRole.InitialSortOrderRole
    )
    assert initial == Qt.SortOrder.AscendingOrder.value


def test_bulk_acknowledge_shows_the_late_ones_and_asks_one_reason(
    qtbot, desk: Desk, window: MainWindow, cases
) -> None:  # type: ignore[no-untyped-def]
    dialog = bulk_gui.BulkAcknowledgeDialog(window, desk, [cases[0].id, cases[1].id])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.preview.text() == (
        f"1 late (past the target on that date): {cases[0].reference}. The reason below is recorded on each "
        "of them.\n1 on time."
    )
    assert dialog.missed_reason.isVisible()
    dialog.on.setText("17/11/2026")
    assert dialog.preview.text() == (
        f"Cannot be acknowledged: {cases[1].reference} was received on 24/11/2026, after that date. "
        "Leave them out of the selection.\n1 on time."
    )
    assert not dialog.missed_reason.isVisible()
    assert not dialog.save_button.isEnabled()
    dialog.on.setText("27/11/2026")
    dialog.save()
    assert dialog.errors["missed_reason"].text().startswith("1 of these acknowledgements are late")
    assert desk.cases.get(cases[1].id).acknowledged_on is None  # nothing saved
    dialog.missed_reason.setCurrentText("Volume of work")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [desk.cases.get(c.id).acknowledged_on for c in cases[:2]] == [TODAY, TODAY]


def test_bulk_acknowledge_refuses_a_selection_with_a_case_it_cannot_take(
    qtbot, desk: Desk, window: MainWindow, cases
) -> None:  # type: ignore[no-untyped-def]
    dialog = bulk_gui.BulkAcknowledgeDialog(window, desk, [cases[1].id, cases[3].id])
    qtbot.addWidget(dialog)
    assert dialog.preview.text().startswith(
        f"Cannot be acknowledged: {cases[3].reference} has no acknowledgement"
    )
    assert not dialog.save_button.isEnabled()


def test_bulk_reassign_from_the_register(qtbot, monkeypatch, desk: Desk, window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    select(window, cases[0].id, cases[2].id)

    def ask(parent, desk_, ids):  # type: ignore[no-untyped-def]
        dialog = bulk_gui.BulkAssignDialog(parent, desk_, ids)
        dialog.officer.setCurrentIndex(dialog.officer.findData("priya.shah"))
        dialog.save()
        return dialog.result_

    monkeypatch.setattr(bulk_gui.BulkAssignDialog, "ask", staticmethod(ask))
    result = window.assign_selected()
    assert result is not None
    assert len(result.references) == 2
    assert window.statusBar().currentMessage() == "Reassigned 2 cases"
    assert [desk.cases.get(c.id).officer.name for c in (cases[0], cases[2])] == ["Priya Shah"] * 2  # type: ignore[union-attr]
    row = window.model.row_of(cases[2].id)
    assert window.model.data(window.model.index(row, col("Officer"))) == "Priya Shah"


def test_export_selected_exports_just_the_selected_cases(monkeypatch, window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.reload()
    select(window, cases[1].id, cases[3].id)
    asked = []
    monkeypatch.setattr(
        export_dialog.ExportDialog,
        "ask",
        classmethod(lambda cls, p, d, case_filter: asked.append(case_filter)),
    )
    window.export_selected()
    assert sorted(asked[0].case_ids) == sorted([cases[1].id, cases[3].id])
    assert asked[0].status == "all"


def test_my_work_shows_my_open_cases_next_due_first(window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    assert window.apply_view("My work")
    assert window.mine.isChecked()
    assert window.status.currentData() == "open"
    assert window.model.sort_key() == ("next_due", False)
    assert column_texts(window, "Reference") == [cases[2].reference, cases[1].reference]


def test_a_saved_view_brings_back_its_filters_sort_and_columns(window: MainWindow, cases) -> None:  # type: ignore[no-untyped-def]
    window.kind.setCurrentIndex(window.kind.findData("complaint"))
    window.table.horizontalHeader().setSortIndicator(col("Days late"), Qt.SortOrder.DescendingOrder)
    window.table.horizontalHeader().setSectionHidden(col("Child"), True)
    assert window.save_current_view("  Late   complaints ") is not None
    window.clear_filters()
    window.table.horizontalHeader().setSectionHidden(col("Child"), False)
    window.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
    assert window.apply_view("Late complaints")
    assert window.kind.currentData() == "complaint"
    assert window.model.sort_key() == ("overdue_days", True)
    assert window.table.horizontalHeader().isSectionHidden(col("Child"))
    assert column_texts(window, "Reference") == [cases[0].reference, cases[1].reference]
    assert window.save_current_view("My work") is None  # a built-in name is not taken
