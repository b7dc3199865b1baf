"""The case view's EHC process panel, driven as an officer would (issue 18). Today is Fri 27/11/2026."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from send_desk.domain.ehc import EhcException, EhcStep
from send_desk.gui.case_view import CaseView
from send_desk.gui.ehc_panel import NO_STEP_TEXT, EhcPanel
from send_desk.gui.main_window import MainWindow
from tests.conftest import complaint_input


def table(panel: EhcPanel) -> list[tuple[str, ...]]:
    return [
        tuple(panel.table.item(r, c).text() for c in range(panel.table.columnCount()))
        for r in range(panel.table.rowCount())
    ]


def open_panel(qtbot, desk, window: MainWindow) -> tuple[CaseView, EhcPanel]:  # type: ignore[no-untyped-def]
    case = desk.cases.log_case(complaint_input())
    view = window.open_case(case.id)
    assert isinstance(view, CaseView)
    view.tabs.setCurrentWidget(view.ehc)
    return view, view.ehc


def type_date(qtbot, field, text: str) -> None:  # type: ignore[no-untyped-def]
    field.selectAll()
    qtbot.keyClicks(field, text)


def test_recording_a_request_shows_its_legal_dates(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view, panel = open_panel(qtbot, desk, window)
    assert view.tabs.tabText(view.tabs.indexOf(panel)) == "E&HC process"
    assert panel.summary.text() == NO_STEP_TEXT
    assert panel.table.rowCount() == 0
    assert not panel.copy_button.isEnabled()
    version = view.case.version

    panel.step.setCurrentIndex(panel.step.findData(EhcStep.ASSESSMENT_REQUEST))
    type_date(qtbot, panel.started, "30/01/2026")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)

    assert not panel.banner.isVisible()
    assert view.case.version == version + 1  # the case view reloaded the saved case
    assert table(panel) == [
        (
            "Decide whether to assess by",
            "13/03/2026",
            "37 weeks late",
            "—",
            "",
            "reg 5(1): 6 weeks from the request",
        ),
        (
            "Decide not to issue a plan by",
            "22/05/2026",
            "27 weeks late",
            "—",
            "",
            "reg 10(1): 16 weeks from the request",
        ),
        ("Final plan by", "19/06/2026", "23 weeks late", "—", "", "reg 13(2): 20 weeks from the request"),
    ]

    # the decision was made on 27/03/2026: two weeks late, now against the day it was done
    panel.table.selectRow(0)
    type_date(qtbot, panel.done, "27/03/2026")
    qtbot.mouseClick(panel.done_button, Qt.MouseButton.LeftButton)
    assert table(panel)[0][2:4] == ("2 weeks late", "27/03/2026")

    # the family were away for six weeks: reg 13(3) relieves the final plan's limit
    panel.table.selectRow(2)
    assert [panel.exception.itemText(i) for i in range(panel.exception.count())][-1] == (
        "An appointment for an examination or test was missed"
    )
    panel.exception.setCurrentIndex(panel.exception.findData(EhcException.ABSENT_FROM_AREA))
    qtbot.keyClicks(panel.note, "Abroad March-April")
    qtbot.mouseClick(panel.exception_button, Qt.MouseButton.LeftButton)
    assert table(panel)[2][2:5] == ("Exception recorded", "—", "Away from the area")
    assert panel.note.text() == "Abroad March-April"
    assert panel.table.item(2, 4).toolTip() == (
        "Child or family away from the area for 4 weeks or more: Abroad March-April"
    )
    assert panel.copy_dates() == (
        "Request for an EHC needs assessment: request received 30/01/2026\n"
        "Decide whether to assess by 13/03/2026\n"
        "Decide not to issue a plan by 22/05/2026\n"
        "Final plan by 19/06/2026"
    )
    assert QApplication.clipboard().text() == panel.copy_dates()


def test_a_new_step_keeps_the_history_latest_first(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    _view, panel = open_panel(qtbot, desk, window)
    panel.step.setCurrentIndex(panel.step.findData(EhcStep.ASSESSMENT_REQUEST))
    type_date(qtbot, panel.started, "30/01/2026")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    panel.step.setCurrentIndex(panel.step.findData(EhcStep.DRAFT_SERVED))
    type_date(qtbot, panel.started, "02/03/2026")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert table(panel) == [
        (
            "Comments on the draft until",
            "16/03/2026",
            "Closed",
            "",
            "",
            "reg 13(1): at least 15 days, the day of service being day 1",
        )
    ]
    assert not panel.done_button.isEnabled()  # a period for the family: nothing the council does
    assert not panel.exception_button.isEnabled()
    assert panel.history.text() == (
        "Earlier steps, the latest first:\nRequest received 30/01/2026 — recorded by Sam Patel"
    )


def test_phase_transfer_into_post16_and_the_annual_review_notice(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    _view, panel = open_panel(qtbot, desk, window)
    panel.step.setCurrentIndex(panel.step.findData(EhcStep.PHASE_TRANSFER))
    assert panel.started_caption.text() == "Moves &on"
    assert not panel.post16.isHidden()
    assert panel.notice.isHidden()
    type_date(qtbot, panel.started, "01/09/2027")
    panel.post16.setChecked(True)
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert [row[:3] for row in table(panel)] == [("Transfer plan by", "31/03/2027", "Due")]

    panel.step.setCurrentIndex(panel.step.findData(EhcStep.ANNUAL_REVIEW))
    assert panel.post16.isHidden()
    assert not panel.notice.isHidden()
    type_date(qtbot, panel.started, "10/02/2026")
    type_date(qtbot, panel.notice, "01/03/2026")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert [row[:2] for row in table(panel)] == [
        ("Review decision by", "10/03/2026"),
        ("Amended plan by", "26/04/2026"),  # 8 weeks from the notice, before 12 weeks from the meeting
    ]


def test_mistakes_are_said_in_the_panel(qtbot, desk, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    view, panel = open_panel(qtbot, desk, window)
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert panel.banner.text() == "Choose the EHC step the case is about."
    panel.step.setCurrentIndex(panel.step.findData(EhcStep.REASSESSMENT))
    type_date(qtbot, panel.started, "31/02/2026")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert (
        panel.banner.text() == "31/02/2026 is not a date. Type it as day/month/year, for example 27/11/2026."
    )
    type_date(qtbot, panel.started, "01/12/2026")
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    assert panel.banner.text() == (
        "The day the step began (01/12/2026) is after today (27/11/2026): record it on the day or after."
    )
    assert desk.ehc.get(view.case.id).current is None
