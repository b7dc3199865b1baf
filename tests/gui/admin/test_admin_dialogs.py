"""The administration dialogs: driven through their widgets, with every model checked by qtmodeltester."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import CaseKind, ClosureCode, Role
from send_desk.gui.admin import ADMIN_MENU
from send_desk.gui.admin.audit import AuditDialog
from send_desk.gui.admin.categories import CategoriesDialog
from send_desk.gui.admin.closures import ClosuresDialog
from send_desk.gui.admin.common import AdminDialog, can
from send_desk.gui.admin.data_protection import RetentionDialog, SubjectAccessDialog
from send_desk.gui.admin.policies import PoliciesDialog
from send_desk.gui.admin.staff import StaffDialog
from send_desk.gui.tasks import TaskRunner
from send_desk.gui.widgets import select_data
from send_desk.services.admin import PolicyAdminService
from send_desk.services.permissions import Action
from send_desk.values.cases import CaseDetail
from tests.conftest import FakeClock, complaint_input


def yes(_self: AdminDialog, _question: str) -> bool:
    return True


@pytest.fixture(autouse=True)
def _always_confirm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(AdminDialog, "confirm", yes)


def select_row(table: Any, match: Any) -> None:
    model = table.model()
    for row, item in enumerate(model.items):
        if match(item):
            table.selectRow(row)
            return
    raise AssertionError("no such row")


# ----- who sees what ----------------------------------------------------------------------------
def test_menu_entries_follow_the_role(desk: Desk, officer_desk: Desk, manager_desk: Desk) -> None:
    dialogs = [entry.dialog() for entry in ADMIN_MENU]
    assert [d.action for d in dialogs] == [entry.action for entry in ADMIN_MENU]
    assert all(dialog.allowed(desk) for dialog in dialogs)
    assert not any(dialog.allowed(officer_desk) for dialog in dialogs)
    assert {d.__name__ for d in dialogs if d.allowed(manager_desk)} == {
        "AuditDialog",
        "SubjectAccessDialog",
        "ExportLogDialog",
    }
    assert can(desk, Action.RETENTION)
    assert not can(manager_desk, Action.RETENTION)
    assert can(officer_desk, Action.LOG_CASE)


def test_open_refuses_in_plain_words(qtbot: Any, officer_desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    assert StaffDialog.open(None, officer_desk) is None
    assert told == ["Only an admin can manage staff and roles. Ask your SEND Desk admin."]


def test_open_shows_the_dialog(qtbot: Any, desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[AdminDialog] = []
    monkeypatch.setattr(AdminDialog, "exec", lambda self: shown.append(self) or 0)
    for entry in ADMIN_MENU:
        dialog_class = entry.dialog()
        dialog = dialog_class.open(None, desk)
        assert isinstance(dialog, dialog_class)
        qtbot.addWidget(dialog)
    assert len(shown) == len(ADMIN_MENU)


# ----- staff ------------------------------------------------------------------------------------
def test_staff_dialog_adds_changes_and_switches_off(qtbot: Any, qtmodeltester: Any, desk: Desk) -> None:
    dialog = StaffDialog(desk)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert {s.login for s in dialog.model.items} == {"sam.patel", "alex.jones", "priya.shah"}
    qtbot.keyClicks(dialog.new_login, "kim.lee")
    qtbot.keyClicks(dialog.new_name, "Kim Lee")
    qtbot.keyClicks(dialog.new_team, "SEND casework")
    select_data(dialog.new_role, Role.MANAGER)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Added Kim Lee as manager."
    assert dialog.selected() is not None
    assert dialog.selected().login == "kim.lee"  # type: ignore[union-attr]
    select_data(dialog.edit_role, Role.ADMIN)
    dialog.edit_team.setText("Tribunals")
    dialog.save()
    kim = next(s for s in desk.staff.list_staff() if s.login == "kim.lee")
    assert (kim.role, kim.team) == ("admin", "Tribunals")
    dialog.toggle_active()
    assert "kim.lee" not in {s.login for s in dialog.model.items}
    dialog.show_inactive.setChecked(True)
    assert "kim.lee" in {s.login for s in dialog.model.items}
    qtmodeltester.check(dialog.model)


def test_staff_dialog_shows_problems_inline(qtbot: Any, desk: Desk) -> None:
    dialog = StaffDialog(desk)
    qtbot.addWidget(dialog)
    dialog.add()
    assert dialog.message.is_error
    assert "Enter both the login and the name" in dialog.message.text()
    select_row(dialog.table, lambda s: s.login == "sam.patel")
    dialog.toggle_active()
    assert "your own account" in dialog.message.text()


def test_a_blank_name_on_the_staff_form_is_the_name_fields_problem(qtbot: Any, desk: Desk) -> None:
    dialog = StaffDialog(desk)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.new_login.setText("kim.lee")
    dialog.new_name.setText("   ")
    dialog.add()
    assert dialog.message.text() == "Enter the name of the member of staff."
    assert dialog.message.field is dialog.new_name
    assert dialog.new_name.accessibleDescription() == "Enter the name of the member of staff."
    assert dialog.new_login.accessibleDescription() == ""
    assert dialog.focusWidget() is dialog.new_name
    dialog.new_login.clear()
    dialog.new_name.setText("Kim Lee")
    dialog.add()
    assert (dialog.message.text(), dialog.message.field) == (
        "Enter the login of the member of staff.",
        dialog.new_login,
    )
    assert dialog.new_name.accessibleDescription() == ""  # its own description again
    assert dialog.focusWidget() is dialog.new_login
    assert "kim.lee" not in {s.login for s in desk.staff.list_staff(include_inactive=True)}
    select_row(dialog.table, lambda s: s.login == "alex.jones")  # the form that changes someone, too
    dialog.edit_name.clear()
    dialog.save()
    assert (dialog.message.text(), dialog.message.field) == (
        "The name of the member of staff cannot be empty.",
        dialog.edit_name,
    )
    assert dialog.focusWidget() is dialog.edit_name


# ----- target policies --------------------------------------------------------------------------
def test_policies_dialog_saves_a_version_previews_and_recalculates(
    qtbot: Any, qtmodeltester: Any, desk: Desk, complaint: CaseDetail
) -> None:
    dialog = PoliciesDialog(desk)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    select_row(dialog.table, lambda p: p.policy.kind is CaseKind.COMPLAINT and p.policy.stage == 1)
    assert dialog.respond_amount.value() == 10
    dialog.respond_amount.setValue(20)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Saved version 2 of Complaint (stage 1)" in dialog.message.text()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtmodeltester.check(dialog.preview_model)
    assert [i.reference for i in dialog.preview_model.items] == [complaint.reference]
    assert "→" in dialog.preview_model.data(dialog.preview_model.index(0, 3))
    assert dialog.recalculate_button.isEnabled()
    qtbot.mouseClick(dialog.recalculate_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Recalculated 1 open case(s)."
    assert desk.cases.get(complaint.id).respond_by != complaint.respond_by
    assert PolicyAdminService(desk.ctx).preview_recalculation() == []


# ----- closures ---------------------------------------------------------------------------------
def test_closures_dialog_adds_a_one_off_holiday_and_removes_a_day(
    qtbot: Any, qtmodeltester: Any, desk: Desk
) -> None:
    dialog = ClosuresDialog(desk)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.day, "04/06/2027")
    qtbot.keyClicks(dialog.description, "Jubilee")
    dialog.national.setChecked(True)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Added Fri 04/06/2027."
    qtmodeltester.check(dialog.model)
    assert [(d.day, d.national) for d in desk.closures.list_days()] == [(date(2027, 6, 4), True)]
    qtbot.keyClicks(dialog.day, "32/12/2026")
    dialog.add()
    assert dialog.message.is_error
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert desk.closures.list_days() == []


# ----- categories -------------------------------------------------------------------------------
def test_categories_dialog(qtbot: Any, qtmodeltester: Any, desk: Desk) -> None:
    dialog = CategoriesDialog(desk)
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    qtbot.keyClicks(dialog.new_name, "Home to school transport")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.selected() is not None
    dialog.edit_name.setText("School transport appeals")
    dialog.edit_appealable.setChecked(True)
    dialog.save()
    chosen = dialog.selected()
    assert chosen is not None
    assert (chosen.name, chosen.appealable) == ("School transport appeals", True)
    dialog.toggle_active()
    chosen = dialog.selected()
    assert chosen is not None
    assert not chosen.active
    qtmodeltester.check(dialog.model)


# ----- audit viewer -----------------------------------------------------------------------------
def test_audit_dialog_filters_shows_old_and_new_and_exports(
    qtbot: Any, qtmodeltester: Any, manager_desk: Desk, desk: Desk, complaint: CaseDetail, tmp_path: Path
) -> None:
    desk.cases.acknowledge(complaint.id, on=date(2026, 11, 27), expected_version=complaint.version)
    desk.cases.log_case(complaint_input())
    dialog = AuditDialog(manager_desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(dialog)
    qtmodeltester.check(dialog.model)
    assert len(dialog.model.items) >= 4
    qtbot.keyClicks(dialog.case_filter, complaint.reference)
    qtbot.keyClick(dialog.case_filter, Qt.Key.Key_Return)
    assert [v.action for v in dialog.model.items] == ["acknowledge", "log"]
    assert dialog.message.text() == "2 entries match."
    assert "acknowledged_on: (none) → 2026-11-27" in dialog.detail.toPlainText()
    select_data(dialog.action_filter, "log")
    dialog.search()
    assert [v.action for v in dialog.model.items] == ["log"]
    out = tmp_path / "audit.xlsx"
    dialog.choose_export_path = lambda: out  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == f"Exported 1 entries to {out}."
    sheet = load_workbook(out).active
    assert sheet is not None
    assert sheet.max_row == 2
    dialog.date_from.setText("not a date")
    dialog.search()
    assert dialog.message.is_error


# ----- data protection --------------------------------------------------------------------------
def test_retention_dialog_previews_then_anonymises(
    qtbot: Any, qtmodeltester: Any, desk: Desk, clock: FakeClock, backend: str
) -> None:
    clock.set_date(date(2019, 6, 3))
    old = desk.cases.log_case(complaint_input(received=date(2019, 5, 28)))
    desk.cases.close(old.id, code=ClosureCode.WITHDRAWN, on=date(2019, 6, 3), expected_version=old.version)
    clock.set_date(date(2026, 11, 27))
    dialog = RetentionDialog(desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(dialog)
    assert dialog.cutoff.text() == "27/11/2020"
    assert not dialog.apply_button.isEnabled()
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtmodeltester.check(dialog.model)
    assert [i.reference for i in dialog.model.items] == [old.reference]
    assert (
        dialog.compaction.text() == "No compaction owed: no anonymised text is left in the database's files."
    )
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Anonymised 1 case(s)."
    assert desk.cases.get(old.id).anonymised
    if backend == "postgres":  # a desk cannot VACUUM FULL: owed until the owner's `send-desk maintain`
        assert dialog.compaction.text().startswith("Compaction owed since ")  # the server's time
        assert dialog.compaction.text().endswith(
            ": anonymised text may still sit in the database's files "
            "until the database owner's nightly 'send-desk maintain' compacts the tables."
        )
    else:
        assert dialog.compaction.text().startswith("No compaction owed")


def test_retention_dialog_shows_compaction_a_crash_left_owed(
    qtbot: Any, desk: Desk, clock: FakeClock
) -> None:
    clock.set_date(date(2019, 6, 3))
    old = desk.cases.log_case(complaint_input(received=date(2019, 5, 28)))
    desk.cases.close(old.id, code=ClosureCode.WITHDRAWN, on=date(2019, 6, 3), expected_version=old.version)
    clock.set_date(date(2026, 11, 27))
    desk.retention.anonymise(compact=False)  # the process died before compacting
    dialog = RetentionDialog(desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(dialog)
    text = dialog.compaction.text()
    assert text.startswith("Compaction owed since ")
    assert ": anonymised text may still sit in the database's files until " in text


def test_retention_dialog_says_how_many_documents_went(qtbot: Any, desk: Desk, clock: FakeClock) -> None:
    clock.set_date(date(2019, 6, 3))
    old = desk.cases.log_case(complaint_input(received=date(2019, 5, 28)))
    desk.documents.add(old.reference, "letter.pdf", b"%PDF")
    desk.cases.close(old.id, code=ClosureCode.WITHDRAWN, on=date(2019, 6, 3), expected_version=old.version)
    clock.set_date(date(2026, 11, 27))
    dialog = RetentionDialog(desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(dialog)
    dialog.confirm = lambda question: True  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.preview_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Anonymised 1 case(s). Removed the 1 document(s) kept against them."


def test_subject_access_dialog_finds_and_exports(
    qtbot: Any, qtmodeltester: Any, manager_desk: Desk, complaint: CaseDetail, tmp_path: Path
) -> None:
    dialog = SubjectAccessDialog(manager_desk, runner=TaskRunner(inline=True))
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "Jo Bloggs")
    qtbot.keyClick(dialog.name, Qt.Key.Key_Return)
    qtmodeltester.check(dialog.model)
    assert [r.reference for r in dialog.model.items] == [complaint.reference]
    out = tmp_path / "pack.xlsx"
    dialog.choose_export_path = lambda: out  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == f"Wrote 1 case(s) to {out}."
    assert out.exists()
