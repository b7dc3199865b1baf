"""Screen readers: every window and dialog read through the QAccessible tree, in-process (issue 17 item 7).

The walk fails on a focusable control without a name, on a name that hides the visible text, on a Tab
order that does not come round through every control, and on a bad save that raises no alert (or leaves
the cursor elsewhere, or does not describe the field by its error). Each check is also shown failing on a
deliberately broken dialog, so none of them can pass by accident.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible, QAccessibleAnnouncementEvent, QAccessibleEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.kinds import CaseKind
from send_desk.gui import actions
from send_desk.gui.case_view import CaseView
from send_desk.gui.main_window import MainWindow
from send_desk.gui.register_model import RAG_COLUMN
from send_desk.gui.widgets import DateField, FieldError, MessageBanner, add_row, show_beside
from send_desk.values.cases import CaseInput, PersonInput
from tests.conftest import complaint_input
from tests.gui.a11y_checks import (
    accessible_name,
    describe,
    focused,
    hidden_texts,
    tab_cycle_problems,
    unnamed_controls,
)
from tests.gui.windows import action_dialogs, every_window


@dataclass
class Alert:
    """One alert event a screen reader would have been sent: the widget and what it reads."""

    widget: QObject
    text: str


@pytest.fixture
def alerts(monkeypatch: pytest.MonkeyPatch) -> list[Alert]:
    """Record every Alert accessibility event the desk raises (instead of sending it to the platform)."""
    seen: list[Alert] = []

    def record(event: QAccessibleEvent) -> None:
        if event.type() == QAccessible.Event.Alert:
            target = event.object()
            seen.append(Alert(target, accessible_name(target) if isinstance(target, QWidget) else ""))

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    return seen


def screen_reader_problems(top: QWidget) -> dict[str, list[str]]:
    """Return what a screen-reader user would trip over in one window, by check."""
    top.show()
    found = {
        "focusable without a name": unnamed_controls(top),
        "name hides the visible text": hidden_texts(top),
        "Tab does not come round": tab_cycle_problems(top),
    }
    return {check: items for check, items in found.items() if items}


# ----- the walk over every window -----------------------------------------------------------------
def test_every_window_and_dialog_is_named_shows_its_text_and_tabs_round(
    qtbot, desk: Desk, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    problems, walked = {}, []
    for top in every_window(qtbot, desk, window):
        walked.append(type(top).__name__)
        if found := screen_reader_problems(top):
            problems[type(top).__name__] = found
        if isinstance(top, CaseView):  # each of its tabs, not only the one open
            for index in range(1, top.tabs.count()):
                top.tabs.setCurrentIndex(index)
                tab = top.tabs.tabText(index).replace("&&", "and").replace("&", "")
                walked.append(f"CaseView {tab}")
                if found := screen_reader_problems(top):
                    problems[f"CaseView {tab}"] = found
            top.tabs.setCurrentIndex(0)
        if top is not window:
            top.hide()
    assert problems == {}
    assert {
        "MainWindow", "CaseView", "NewCaseDialog", "NewCaseFromEmailDialog", "AcknowledgeDialog",
        "CloseDialog", "WriteLetterDialog", "WriteEmailDialog", "AboutDialog", "WelcomeDialog", "StaffDialog",
        "AuditDialog", "TemplatesDialog", "EmailRelayDialog", "DocumentSettingsDialog",
        "BulkAcknowledgeDialog",
        "WeekPicker", "CaseView Timeline", "CaseView Stages and outcomes", "CaseView EHC process",
    } <= set(walked)  # fmt: skip
    assert any(name.startswith("CaseView Documents") for name in walked)
    assert len(walked) >= 40


# ----- each check fails on a broken dialog ----------------------------------------------------------
def broken_dialog(qtbot) -> QDialog:  # type: ignore[no-untyped-def]
    """Return a dialog with one of each fault the walk must find."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    named = QLineEdit()
    named.setAccessibleName("Contact name")
    unnamed = QLineEdit()
    unnamed.setObjectName("nameless")
    badge = QLabel("Open · Overdue · next target 16/11/2026")
    badge.setAccessibleName("Case state")
    tabs = QTabWidget()
    tabs.addTab(QWidget(), "Details")
    for widget in (named, unnamed, badge, tabs):
        layout.addWidget(widget)
    return dialog


def test_the_name_check_fails_on_a_control_without_a_name(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = broken_dialog(qtbot)
    dialog.show()
    assert unnamed_controls(dialog) == ["QLineEdit 'nameless'", "QTabWidget ''"]


def test_the_text_check_fails_on_a_name_that_hides_the_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = broken_dialog(qtbot)
    caption = QLabel("Contact &name:")  # a buddy's & is a mnemonic, not part of the text
    caption.setBuddy(dialog.findChild(QLineEdit))
    dialog.layout().addWidget(caption)
    dialog.show()
    assert hidden_texts(dialog) == [
        "QLabel shows 'Open · Overdue · next target 16/11/2026' but is read as 'Case state'"
    ]


class LoopingDialog(QDialog):
    """The new-case fault: Tab after Cancel goes back to Save, never to the first field."""

    def __init__(self) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.first, self.second = QLineEdit(), QLineEdit()
        self.save, self.cancel = QPushButton("Save"), QPushButton("Cancel")
        for widget, name in ((self.first, "Kind"), (self.second, "Summary")):
            widget.setAccessibleName(name)
            layout.addWidget(widget)
        layout.addWidget(self.save)
        layout.addWidget(self.cancel)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt's name
        if next and self.focusWidget() is self.cancel:
            self.save.setFocus(Qt.FocusReason.TabFocusReason)
            return True
        return super().focusNextPrevChild(next)


def test_the_tab_check_fails_on_a_loop_and_on_a_trap(qtbot) -> None:  # type: ignore[no-untyped-def]
    looping = LoopingDialog()
    qtbot.addWidget(looping)
    looping.show()
    assert tab_cycle_problems(looping) == [
        "Tab never comes back to QLineEdit 'Kind'; it goes round "
        "[\"QPushButton 'Cancel'\", \"QPushButton 'Save'\", \"QPushButton 'Cancel'\", \"QPushButton 'Save'\"]"
    ]
    trap = QDialog()
    qtbot.addWidget(trap)
    layout = QVBoxLayout(trap)
    first, notes, last = QLineEdit(), QPlainTextEdit(), QPushButton("Save")  # Tab types a tab in the notes
    first.setAccessibleName("Kind")
    notes.setAccessibleName("Notes")
    for widget in (first, notes, last):
        layout.addWidget(widget)
    trap.show()
    assert tab_cycle_problems(trap) == [
        "Tab never comes back to QLineEdit 'Kind'; it goes round " + str(["QPlainTextEdit 'Notes'"] * 4)
    ]
    notes.setTabChangesFocus(True)  # the fix the desk's text boxes use
    assert tab_cycle_problems(trap) == []


# ----- a bad save is announced, focused and described ----------------------------------------------
def bad_save_problems(
    qtbot,  # type: ignore[no-untyped-def]
    form: QWidget,
    field: QWidget,
    alerts: list[Alert],
    *,
    spoil: Callable[[], object],
    save: Callable[[], object],
    mend: Callable[[], object],
) -> list[str]:
    """Spoil a field, save, and say what a screen-reader user would miss; then mend it and check again."""
    form.show()
    form.activateWindow()
    own = field.accessibleDescription()
    spoil()
    alerts.clear()
    save()
    problems = []
    said = [alert.text for alert in alerts]
    if not said:
        problems.append("the bad save raised no alert")
    where = focused(form) or form.focusWidget()
    if where is not field:
        problems.append(f"the cursor is on {describe(where) if where else 'nothing'}, not the field at fault")
    if not field.accessibleDescription() or not any(field.accessibleDescription() in text for text in said):
        problems.append(
            f"the field is described as {field.accessibleDescription()!r}, not by its error {said}"
        )
    mend()
    if field.accessibleDescription() != own:
        problems.append(f"once mended the field is still described as {field.accessibleDescription()!r}")
    return problems


def retype(qtbot, field: QLineEdit, text: str) -> Callable[[], None]:  # type: ignore[no-untyped-def]
    """Return a step that types over a field, as a person would."""

    def step() -> None:
        field.setFocus()
        qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(field, text)

    return step


@pytest.mark.parametrize("email", [False, True], ids=["new case", "new case from email"])
def test_a_bad_new_case_is_announced_focused_and_described(
    qtbot, desk: Desk, window: MainWindow, alerts: list[Alert], email: bool
) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.email_intake import NewCaseFromEmailDialog
    from send_desk.gui.new_case import NewCaseDialog
    from tests.email_samples import jo_eml

    if email:
        draft = desk.documents.draft_from_email("Request.eml", jo_eml())
        form: NewCaseDialog = NewCaseFromEmailDialog(window, desk, draft)
    else:
        form = NewCaseDialog(window, desk)
    qtbot.addWidget(form)
    assert form.received.accessibleDescription() == "A date, typed as day/month/year"
    problems = bad_save_problems(
        qtbot, form, form.received, alerts,
        spoil=lambda: form.received.setText("31/02/2026"), save=form.save,
        mend=retype(qtbot, form.received, "20/11/2026"),
    )  # fmt: skip
    form.done(QDialog.DialogCode.Rejected.value)  # closed without the "discard?" question
    assert problems == []
    bad_date = "31/02/2026 is not a date. Type it as day/month/year, for example 27/11/2026."
    unfindable = "Enter at least the contact's name, the child's name or a summary, so the case can be found."
    said = bad_date if email else f"2 problems: {bad_date} {unfindable}"  # the email gave the contact's name
    assert [alert.text for alert in alerts] == [said]  # once, together


def test_several_problems_after_one_bad_save_are_announced_once_together(
    qtbot, desk: Desk, window: MainWindow, alerts: list[Alert], monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.new_case import NewCaseDialog

    spoken: list[tuple[str, QAccessible.AnnouncementPoliteness]] = []
    record_alert = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):
            spoken.append((event.message(), event.politeness()))
        record_alert(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    form = NewCaseDialog(window, desk)
    qtbot.addWidget(form)
    form.show()
    form.activateWindow()
    form.contact_name.setText("Jo Bloggs")
    form.received.setText("30/11/2026")  # the clock says Friday 27/11/2026
    form.contact_email.setText("jo.bloggs at example.org")
    form.contact_phone.setText("call me")
    alerts.clear()
    form.save()
    future = "The received date 30/11/2026 is in the future. Enter the day it arrived."
    email = "jo.bloggs at example.org does not look like an email address."
    phone = "call me does not look like a phone number."
    summary = f"3 problems: {future} {email} {phone}"
    assert [(alert.widget, alert.text) for alert in alerts] == [(form.banner.label, summary)]
    assert spoken == [(summary, QAccessible.AnnouncementPoliteness.Assertive)]
    assert form.banner.text() == summary
    descriptions = [
        f.accessibleDescription() for f in (form.received, form.contact_email, form.contact_phone)
    ]
    assert descriptions == [future, email, phone]  # each field keeps its own error
    assert form.focusWidget() is form.received  # the cursor on the first field at fault
    assert form.result_case is None
    form.done(QDialog.DialogCode.Rejected.value)


UNDATED = {"ContactDialog", "NoteDialog", "AssignDialog", "LinkDialog", "ReopenDialog", "ActionDoneDialog"}
"""Action dialogs with no date the save needs (or, action done, nothing promised on a new case to check)."""


def date_action_dialogs() -> list[type[actions.ActionDialog]]:
    """Return the action dialogs with a date the save needs."""
    return [cls for cls in action_dialogs() if cls.__name__ not in UNDATED]


@pytest.mark.parametrize("cls", date_action_dialogs(), ids=lambda cls: cls.__name__)
def test_a_bad_date_in_an_action_dialog_is_announced_focused_and_described(
    qtbot, desk: Desk, window: MainWindow, alerts: list[Alert], cls: type[actions.ActionDialog]
) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    dialog = cls(view, view)
    qtbot.addWidget(dialog)
    field = next(field for field in dialog.findChildren(DateField) if field.property(actions.FIELD_KEY))
    problems = bad_save_problems(
        qtbot, dialog, field, alerts,
        spoil=lambda: field.setText("32/13/2026"), save=dialog.save, mend=retype(qtbot, field, "27/11/2026"),
    )  # fmt: skip
    assert problems == []
    assert not dialog.banner.isVisible()  # beside the field, not across the top


def test_a_blank_acknowledgement_date_is_said_beside_the_date_with_the_cursor_there(
    qtbot, desk: Desk, window: MainWindow, alerts: list[Alert]
) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    dialog = actions.AcknowledgeDialog(view, view)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.on.setText("")
    dialog.buttons.setFocus()
    dialog.save()
    assert [alert.text for alert in alerts] == ["Enter the acknowledgement date."]
    assert dialog.focusWidget() is dialog.on
    assert dialog.on.accessibleDescription() == "Enter the acknowledgement date."


def test_a_bad_bulk_acknowledgement_date_is_announced_focused_and_described(
    qtbot, desk: Desk, window: MainWindow, alerts: list[Alert]
) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.bulk import BulkAcknowledgeDialog

    case = desk.cases.log_case(complaint_input())
    dialog = BulkAcknowledgeDialog(window, desk, [case.id])
    qtbot.addWidget(dialog)
    problems = bad_save_problems(
        qtbot, dialog, dialog.on, alerts,
        spoil=lambda: dialog.on.setText("31/02/2026"), save=dialog.save,
        mend=retype(qtbot, dialog.on, "27/11/2026"),
    )  # fmt: skip
    assert problems == []


def test_adding_staff_without_a_login_is_announced_focused_and_described(
    qtbot, desk: Desk, window: MainWindow, alerts: list[Alert]
) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.admin.staff import StaffDialog

    dialog = StaffDialog(desk, window)
    qtbot.addWidget(dialog)

    def mend() -> None:
        retype(qtbot, dialog.new_login, "kim.lee")()
        retype(qtbot, dialog.new_name, "Kim Lee")()
        dialog.add()

    problems = bad_save_problems(
        qtbot, dialog, dialog.new_login, alerts, spoil=dialog.new_login.clear, save=dialog.add, mend=mend
    )
    assert problems == []
    assert dialog.message.text() == "Added Kim Lee as officer." or dialog.message.text().startswith(
        "Added Kim Lee"
    )


def test_the_bad_save_check_fails_on_a_silent_plain_label(qtbot, alerts: list[Alert]) -> None:  # type: ignore[no-untyped-def]
    form = QDialog()
    qtbot.addWidget(form)
    layout = QFormLayout(form)
    field, other = DateField(name="Date received"), QLineEdit()
    other.setAccessibleName("Summary")
    silent = QLabel()  # the old way: a plain label, no alert, no description, focus left where it was
    layout.addRow("Received", field)
    layout.addRow("", silent)
    layout.addRow("Summary", other)

    def save() -> None:
        silent.setText("Enter the date the case was received.")
        other.setFocus()

    problems = bad_save_problems(qtbot, form, field, alerts, spoil=field.clear, save=save, mend=lambda: None)
    assert problems == [
        "the bad save raised no alert",
        "the cursor is on QLineEdit 'Summary', not the field at fault",
        "the field is described as 'A date, typed as day/month/year', not by its error []",
    ]


def test_the_bad_save_check_fails_when_the_description_is_not_given_back(qtbot, alerts: list[Alert]) -> None:  # type: ignore[no-untyped-def]
    form = QDialog()
    qtbot.addWidget(form)
    layout = QFormLayout(form)
    field, error = DateField(name="Date received"), FieldError()
    add_row(layout, "Received", field, error)
    problems = bad_save_problems(
        qtbot, form, field, alerts, spoil=field.clear,
        save=lambda: show_beside(error, "Enter the date the case was received."),
        mend=lambda: field.setText("20/11/2026"),  # set by code: no edit, so the error stays
    )  # fmt: skip
    assert problems == ["once mended the field is still described as 'Enter the date the case was received.'"]


def test_a_banner_message_is_announced(qtbot, alerts: list[Alert], monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    spoken: list[tuple[str, QAccessible.AnnouncementPoliteness]] = []
    record_alert = QAccessible.updateAccessibility

    def record(event: QAccessibleEvent) -> None:
        if isinstance(event, QAccessibleAnnouncementEvent):  # what Orca reads out on Linux
            spoken.append((event.message(), event.politeness()))
        record_alert(event)

    monkeypatch.setattr(QAccessible, "updateAccessibility", staticmethod(record))
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_message("The database is busy. Try again in a moment.", retry=lambda: None)
    assert [(alert.widget, alert.text) for alert in alerts] == [
        (banner.label, "The database is busy. Try again in a moment.")
    ]
    assert spoken == [
        ("The database is busy. Try again in a moment.", QAccessible.AnnouncementPoliteness.Assertive)
    ]


# ----- the rest of item 7 -----------------------------------------------------------------------------
def test_tiles_are_read_with_their_count_and_rag_as_words(qtbot, desk: Desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    late = desk.cases.log_case(
        CaseInput(kind=CaseKind.ENQUIRY, received_on=date(2026, 11, 2), summary="Transport",
                  contact=PersonInput(name="Zed O'Neill"))
    )  # fmt: skip  # respond by 16/11: overdue
    window.reload()
    assert accessible_name(window.dashboard.buttons["overdue"]) == "Overdue: 1"
    assert accessible_name(window.dashboard.buttons["open"]) == "Open: 1"
    table = QAccessible.queryAccessibleInterface(window.table)
    cells = [table.child(i) for i in range(table.childCount())]
    rag = [c.text(QAccessible.Text.Name) for c in cells if c.role() == QAccessible.Role.Cell]
    columns = window.model.columnCount()
    assert rag[window.model.row_of(late.id) * columns + RAG_COLUMN] == "Overdue"


def test_the_reason_missed_text_box_has_a_name(qtbot, desk: Desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    dialog = actions.AcknowledgeDialog(view, view)
    qtbot.addWidget(dialog)
    assert dialog.missed_reason is not None
    assert accessible_name(dialog.missed_reason.lineEdit()) == "Reason the target was missed"


def test_a_closed_case_view_leaves_the_tree(qtbot, desk: Desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    view.close()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not shiboken6.isValid(view)
    assert case.id not in window.case_views
    assert [w for w in QApplication.topLevelWidgets() if isinstance(w, CaseView)] == []
    again = window.open_case(case.id)  # and it opens again
    assert isinstance(again, CaseView)
    assert again.isVisible()
