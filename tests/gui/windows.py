"""Every window and dialog of the desk, made over one complaint, for tests that walk them all."""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtWidgets import QWidget

from send_desk.bootstrap import Desk
from send_desk.gui import actions
from send_desk.gui.admin import ADMIN_MENU
from send_desk.gui.case_view import CaseView
from send_desk.gui.main_window import MainWindow
from send_desk.values.cases import CaseFilter
from tests.conftest import complaint_input
from tests.email_samples import jo_eml


def every_window(qtbot, desk: Desk, window: MainWindow) -> Iterator[QWidget]:  # type: ignore[no-untyped-def]
    """Make every window and dialog of the desk over one complaint (each deleted with the test)."""
    from send_desk.gui.about import AboutDialog
    from send_desk.gui.bulk import BulkAcknowledgeDialog, BulkAssignDialog
    from send_desk.gui.email_intake import NewCaseFromEmailDialog
    from send_desk.gui.export_dialog import ExportDialog
    from send_desk.gui.import_wizard import ImportWizard
    from send_desk.gui.letters import WriteEmailDialog, WriteLetterDialog
    from send_desk.gui.new_case import NewCaseDialog
    from send_desk.gui.week_picker import WeekPicker
    from send_desk.gui.welcome import WelcomeDialog

    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    draft = desk.documents.draft_from_email("Request for an assessment.eml", jo_eml())
    made: list[QWidget] = [
        window,
        view,
        NewCaseDialog(window, desk),
        NewCaseFromEmailDialog(window, desk, draft),
        BulkAcknowledgeDialog(window, desk, [case.id]),
        BulkAssignDialog(window, desk, [case.id]),
        ExportDialog(window, case_filter=CaseFilter(), today=desk.today()),
        ImportWizard(window, desk),
        AboutDialog(window, desk),
        WelcomeDialog(window, desk),
        WeekPicker(window, today=desk.today()),
        WriteLetterDialog(view, view),
        WriteEmailDialog(view, view),
        NewCaseDialog.discard_box(window),
    ]
    made += [cls(view, view) for cls in action_dialogs()]
    made += [entry.dialog()(desk, window) for entry in ADMIN_MENU]
    for widget in made:
        if widget is not window and widget is not view:
            qtbot.addWidget(widget)
    yield from made


def action_dialogs() -> list[type[actions.ActionDialog]]:
    """Return every action dialog class a complaint's case view can open."""
    found, todo = [], list(actions.ActionDialog.__subclasses__())
    while todo:
        cls = todo.pop(0)
        found.append(cls)
        todo += cls.__subclasses__()
    return [cls for cls in found if cls.__module__ == actions.__name__]
