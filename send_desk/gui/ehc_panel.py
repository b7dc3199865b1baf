"""The case view's "EHC process" panel: the step a case is about, its statutory dates and where each stands.

Optional: a case that is not about the EHC process leaves it empty. The dates come from
`send_desk.domain.ehc` through the desk's `ehc` service; every save moves the case's version, so the
panel tells its case view (`saved`) to reload.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.ehc import (
    DATE_LABELS,
    EXCEPTION_LABELS,
    EXCEPTION_SHORT,
    STEPS,
    DateState,
    DateStatus,
    EhcException,
    EhcStep,
    rule_for,
)
from send_desk.domain.errors import SendDeskError
from send_desk.domain.kinds import Rag
from send_desk.domain.wording import uk_date
from send_desk.gui.style import RAG_STYLES, rag_icon
from send_desk.gui.widgets import DateField, MessageBanner, combo, select_data
from send_desk.services.ehc import NO_CHANGE, EhcChange
from send_desk.values.cases import CaseDetail
from send_desk.values.ehc import EhcRecord

HEADERS = ("Statutory date", "Due", "Where it stands", "Done on", "Exception", "Regulation")
STATE_RAG: dict[DateState, Rag] = {
    DateState.MET: Rag.DONE,
    DateState.DUE: Rag.ON_TRACK,
    DateState.LATE: Rag.OVERDUE,
    DateState.EXCEPTION: Rag.WAITING,
    DateState.OPEN: Rag.ON_TRACK,
    DateState.CLOSED: Rag.DONE,
}
"""How each date's state is shaded (words, colour and icon: never colour alone)."""
NO_STEP_TEXT = (
    "No EHC step is recorded. If this enquiry or complaint is about the EHC process, choose the step and "
    "the day it began: the desk shows the family's legal dates (SEND Regulations 2014)."
)


class EhcPanel(QWidget):
    """The EHC step of one case, its statutory dates, what was done and the exceptions recorded."""

    saved = Signal()

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        """Build the panel; `show_case` fills it."""
        super().__init__(parent)
        self.desk = desk
        self.case: CaseDetail | None = None
        self.record: EhcRecord | None = None
        self.setAccessibleName("EHC process")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        self.banner = MessageBanner()
        layout.addWidget(self.banner)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.summary)

        step_row = QHBoxLayout()
        self.step = combo(
            [("Choose the step…", None)] + [(facts.label, step) for step, facts in STEPS.items()],
            name="EHC step",
        )
        self.step.currentIndexChanged.connect(self._step_chosen)
        self.started_caption = QLabel("&Began on")
        self.started = DateField(name="Day the step began")
        self.started_caption.setBuddy(self.started)
        self.post16 = QCheckBox("Into post-1&6")
        self.post16.setToolTip("A move from secondary school into post-16 education: plan by 31 March")
        self.notice_caption = QLabel("Amendment notice &sent")
        self.notice = DateField(name="Day the amendment notice was sent")
        self.notice_caption.setBuddy(self.notice)
        self.record_button = QPushButton("Record ste&p")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record_step)
        for widget in (
            self.step,
            self.started_caption,
            self.started,
            self.post16,
            self.notice_caption,
            self.notice,
            self.record_button,
        ):
            step_row.addWidget(widget)
        step_row.addStretch(1)
        layout.addLayout(step_row)

        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.setAccessibleName("Statutory dates")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.itemSelectionChanged.connect(self._date_chosen)
        layout.addWidget(self.table)

        marks = QGridLayout()
        self.chosen = QLabel()
        self.chosen.setObjectName("sectionTitle")
        marks.addWidget(self.chosen, 0, 0, 1, 6)
        done_caption = QLabel("&Done on")
        self.done = DateField(name="Day this statutory date was done")
        done_caption.setBuddy(self.done)
        self.done_button = QPushButton("Save &done day")
        self.done_button.setAutoDefault(False)
        self.done_button.clicked.connect(self.save_done)
        marks.addWidget(done_caption, 1, 0)
        marks.addWidget(self.done, 1, 1)
        marks.addWidget(self.done_button, 1, 2)
        exception_caption = QLabel("E&xception")
        self.exception = QComboBox()
        self.exception.setAccessibleName("Exception")
        exception_caption.setBuddy(self.exception)
        self.note = QLineEdit()
        self.note.setPlaceholderText("What happened (optional)")
        self.note.setAccessibleName("Exception note")
        self.exception_button = QPushButton("Record e&xception")
        self.exception_button.setAutoDefault(False)
        self.exception_button.clicked.connect(self.save_exception)
        marks.addWidget(exception_caption, 2, 0)
        marks.addWidget(self.exception, 2, 1)
        marks.addWidget(self.note, 2, 2, 1, 3)
        marks.addWidget(self.exception_button, 2, 5)
        marks.setColumnStretch(4, 1)
        self.marks_box = QWidget()
        self.marks_box.setLayout(marks)
        layout.addWidget(self.marks_box)

        self.history = QLabel()
        self.history.setObjectName("muted")
        self.history.setWordWrap(True)
        self.history.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.history)
        bottom = QHBoxLayout()
        self.copy_button = QPushButton("&Copy dates for a letter")
        self.copy_button.setAutoDefault(False)
        self.copy_button.setToolTip("Copy the step and its dates as text to paste into a letter or email")
        self.copy_button.clicked.connect(self.copy_dates)
        bottom.addWidget(self.copy_button)
        bottom.addStretch(1)
        layout.addLayout(bottom)
        layout.addStretch(1)
        self._step_chosen()

    # ----- showing -----------------------------------------------------------------------------
    def show_case(self, case: CaseDetail) -> None:
        """Show the EHC process of a (re)loaded case."""
        self.case = case
        try:
            self.record = self.desk.ehc.get(case.id)
        except SendDeskError as exc:
            self.banner.show_message(str(exc))
            return
        current = self.record.current
        if current is None:
            self.summary.setText(NO_STEP_TEXT)
            select_data(self.step, None)
            self.started.set_date(None)
        else:
            dates = current.dates
            facts = STEPS[dates.step]
            late = current.days_late
            tail = f" · a statutory date missed by {late // 7} weeks" if late >= 7 else ""
            self.summary.setText(
                f"<b>{html.escape(facts.label)}</b>{' (into post-16)' if dates.post16 else ''} · "
                f"{html.escape(facts.started_label)} {uk_date(dates.started)}{tail}"
            )
            select_data(self.step, dates.step)
            self.started.set_date(dates.started)
            self.post16.setChecked(dates.post16)
            self.notice.set_date(dates.amendment_notice_on)
        self._fill_table()
        self._fill_history()
        self._step_chosen()
        self.copy_button.setEnabled(current is not None)
        self.marks_box.setVisible(current is not None and bool(current.statuses))
        if current is not None and current.statuses and not self.table.selectedItems():
            self.table.selectRow(0)
        self._date_chosen()

    def _fill_table(self) -> None:
        current = self.record.current if self.record is not None else None
        statuses = current.statuses if current is not None else ()
        self.table.setRowCount(len(statuses))
        for row, status in enumerate(statuses):
            note = current.notes.get(status.name.value, "") if current is not None else ""
            exception = EXCEPTION_SHORT[status.exception] if status.exception else ""
            values = (
                DATE_LABELS[status.name],
                uk_date(status.due),
                status.wording.capitalize(),
                uk_date(status.done_on, "—") if not _window(status) else "",
                exception,
                status.regulation,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, status.name.value)
                if column == 2:
                    rag = STATE_RAG[status.state]
                    style = RAG_STYLES[rag]
                    item.setIcon(rag_icon(rag))
                    item.setBackground(QBrush(QColor(style.background)))
                    item.setForeground(QBrush(QColor(style.foreground)))
                if column == 0:
                    item.setToolTip(status.label)
                if column == 4 and status.exception:
                    item.setToolTip(EXCEPTION_LABELS[status.exception] + (f": {note}" if note else ""))
                self.table.setItem(row, column, item)
        height = self.table.horizontalHeader().height() + 6
        height += sum(self.table.rowHeight(r) for r in range(len(statuses)))
        self.table.setFixedHeight(max(height, 40))

    def _fill_history(self) -> None:
        earlier = self.record.history[1:] if self.record is not None else ()
        if not earlier:
            self.history.setText("")
            return
        lines = [
            f"{STEPS[v.dates.step].started_label} {uk_date(v.dates.started)} — recorded by {v.recorded_by}"
            for v in earlier
        ]
        self.history.setText("Earlier steps, the latest first:\n" + "\n".join(lines))

    def chosen_step(self) -> EhcStep | None:
        """Return the step chosen in the list (None before one is chosen)."""
        data = self.step.currentData()
        return EhcStep(data) if data else None

    def _step_chosen(self) -> None:
        step = self.chosen_step()
        self.post16.setVisible(step is EhcStep.PHASE_TRANSFER)
        annual = step is EhcStep.ANNUAL_REVIEW
        self.notice_caption.setVisible(annual)
        self.notice.setVisible(annual)
        self.started_caption.setText("Moves &on" if step is EhcStep.PHASE_TRANSFER else "&Began on")
        self.started_caption.setBuddy(self.started)

    def selected_status(self) -> DateStatus | None:
        """Return the statutory date chosen in the table, if any."""
        current = self.record.current if self.record is not None else None
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if current is None or not rows:
            return None
        return current.statuses[rows[0].row()]

    def _date_chosen(self) -> None:
        status = self.selected_status()
        current = self.record.current if self.record is not None else None
        if status is None or current is None:
            self.chosen.setText("")
            return
        self.chosen.setText(f"{DATE_LABELS[status.name]} {uk_date(status.due)} — {status.regulation}")
        window = _window(status)
        self.done.setEnabled(not window)
        self.done_button.setEnabled(not window)
        self.done.set_date(status.done_on)
        rule = rule_for(current.dates.step, status.name)
        self.exception.clear()
        self.exception.addItem("No exception" if rule.exceptions else "No exceptions for this date", None)
        for reason in rule.exceptions:
            self.exception.addItem(EXCEPTION_LABELS[reason], reason)
        self.exception.setToolTip(rule.exception_regulation)
        select_data(self.exception, status.exception)
        self.exception.setEnabled(bool(rule.exceptions))
        self.exception_button.setEnabled(bool(rule.exceptions))
        self.note.setEnabled(bool(rule.exceptions))
        self.note.setText(current.notes.get(status.name.value, ""))

    # ----- saving ------------------------------------------------------------------------------
    def record_step(self) -> bool:
        """Record the chosen step and the day it began (and its post-16 flag or amendment notice)."""
        step = self.chosen_step()
        if step is None:
            return self._refuse("Choose the EHC step the case is about.")
        try:
            started = self.started.date()
            notice = self.notice.date() if step is EhcStep.ANNUAL_REVIEW else None
        except ValueError as exc:
            return self._refuse(str(exc))
        if started is None:
            return self._refuse(
                "Type the day the step began (for a phase transfer: the day the child moves)."
            )
        return self._save(
            EhcChange(
                step=step,
                started=started,
                post16=self.post16.isChecked() if step is EhcStep.PHASE_TRANSFER else False,
                amendment_notice_on=notice if step is EhcStep.ANNUAL_REVIEW else NO_CHANGE,
            )
        )

    def save_done(self) -> bool:
        """Record (or clear, when blank) the day the chosen statutory date was done."""
        status = self.selected_status()
        if status is None:
            return self._refuse("Choose a statutory date in the table first.")
        try:
            done = self.done.date()
        except ValueError as exc:
            return self._refuse(str(exc))
        return self._save(EhcChange(done={status.name.value: done}))

    def save_exception(self) -> bool:
        """Record (or clear) the exception chosen for the chosen statutory date, with its note."""
        status = self.selected_status()
        if status is None:
            return self._refuse("Choose a statutory date in the table first.")
        data = self.exception.currentData()
        value = (EhcException(data), self.note.text()) if data else None
        return self._save(EhcChange(exceptions={status.name.value: value}))

    def copy_dates(self) -> str:
        """Copy the step and its dates as text (for a letter or an email); return the text."""
        current = self.record.current if self.record is not None else None
        if current is None:
            return ""
        text = current.dates.as_text()
        clipboard = QGuiApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self.banner.show_message("The dates are copied: paste them into the letter or email.")
        return text

    def _save(self, change: EhcChange) -> bool:
        if self.case is None:
            return False
        selected = self.table.currentRow()
        try:
            self.desk.ehc.change(self.case.id, change, expected_version=self.case.version)
        except SendDeskError as exc:
            return self._refuse(str(exc))
        self.banner.hide()
        self.saved.emit()
        if 0 <= selected < self.table.rowCount():
            self.table.selectRow(selected)
        return True

    def _refuse(self, message: str) -> bool:
        self.banner.show_message(message)
        return False


def _window(status: DateStatus) -> bool:
    return status.state in (DateState.OPEN, DateState.CLOSED)
