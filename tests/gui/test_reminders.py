"""The desk tells its user when one of their targets is due today or goes overdue, once each."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from send_desk.bootstrap import Desk
from send_desk.gui.main_window import MainWindow
from tests.conftest import FakeClock, complaint_input


def test_a_banner_tells_each_new_reminder_once_and_opens_the_list(
    qtbot, window: MainWindow, desk: Desk, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    # today is Friday 27 November 2026; sam.patel is at the desk
    late = desk.cases.log_case(
        complaint_input(date(2026, 11, 10), officer_login="sam.patel", summary="Plan late")
    )
    desk.cases.log_case(complaint_input(date(2026, 11, 20), officer_login="sam.patel", summary="Call back"))
    desk.cases.log_case(complaint_input(date(2026, 11, 10)))  # Alex's: not sam's reminder

    window.notifier.check()

    banner = window.reminder_banner
    assert banner.isVisibleTo(window)
    assert banner.label.accessibleName() == (
        "You have 1 overdue and 1 due today. "
        f"{late.reference}  Acknowledgement was due Tue 17/11/2026, 8 working days overdue – Plan late\n"
        f"{desk.cases.get(late.id + 1).reference}  Acknowledgement due today – Call back"
    )

    banner.dismiss_button.click()
    window.notifier.check()  # the same reminders again: not told twice
    assert not banner.isVisibleTo(window)

    # a new one: a case handed to sam that is already overdue
    other = desk.cases.log_case(complaint_input(date(2026, 11, 9), officer_login="sam.patel", summary="New"))
    window.notifier.check()
    assert banner.isVisibleTo(window)
    assert banner.label.accessibleName().startswith(f"You have 1 overdue. {other.reference}  Acknowledgement")

    qtbot.mouseClick(banner.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    assert window.mine.isChecked()
    assert window.quick == "overdue"
    assert not banner.isVisibleTo(window)
    shown = {window.model.case_id(row) for row in range(window.model.rowCount())}
    assert shown == {late.id, other.id}


def test_the_tray_is_used_where_there_is_one(qtbot, window: MainWindow, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    from send_desk.gui.reminders import ReminderNotifier
    from send_desk.gui.tasks import TaskRunner

    desk.cases.log_case(complaint_input(date(2026, 11, 10), officer_login="sam.patel"))
    told: list[tuple[str, str]] = []
    notifier = ReminderNotifier(
        window.reminder_banner, desk.reminders.mine, TaskRunner(inline=True), use_tray=True
    )
    assert notifier.tray is not None
    notifier.tray.showMessage = lambda title, body, *_: told.append((title, body))  # type: ignore[method-assign]
    opened: list[bool] = []
    notifier.showRequested.connect(opened.append)

    notifier.check()
    notifier.tray.messageClicked.emit()

    assert [title for title, _body in told] == ["You have 1 overdue"]
    assert not window.reminder_banner.isVisibleTo(window)
    assert opened == [True]
    notifier.stop()
