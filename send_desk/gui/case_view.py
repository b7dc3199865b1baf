"""The case view: details, every clock of every stage, the timeline, and the actions."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from send_desk.bootstrap import Desk
from send_desk.domain.errors import SendDeskError, to_display_time
from send_desk.domain.kinds import CaseStatus, Rag, channel_label
from send_desk.domain.lifecycle import CaseAction
from send_desk.domain.lifecycle import CaseAction as A
from send_desk.domain.wording import uk_date
from send_desk.gui import actions, letters
from send_desk.gui.case_edit import EditCaseDialog
from send_desk.gui.documents_panel import DocumentsPanel
from send_desk.gui.ehc_panel import EhcPanel
from send_desk.gui.errors import show_error
from send_desk.gui.style import RAG_STYLES, app_icon, kind_stage, rag_icon
from send_desk.gui.timeline import TimelinePanel
from send_desk.gui.widgets import fit_to_screen
from send_desk.gui.widgets import shortcut as add_shortcut
from send_desk.values.cases import CaseDetail, ClockView, PersonView, StaffView, StageView

TARGET_HEADERS = ("Stage", "Target", "Due", "Done on", "Result", "Extended from", "Paused", "Reason missed")


def clock_result(clock: ClockView) -> tuple[str, Rag]:
    """Return the words and RAG state of one clock: met, missed, or its live state."""
    if clock.met is True:
        return "Met", Rag.DONE
    if clock.met is False:
        return "Missed", Rag.OVERDUE
    if clock.done_on is not None:
        return "Done", Rag.DONE
    return RAG_STYLES[clock.rag].label, clock.rag


def stopped_due(stage: StageView, clock: ClockView) -> str:
    """Return a target's due date, marked when its clock is stopped (paused or waiting for the requester)."""
    if clock.name == "Respond" and (stage.paused or stage.waiting) and clock.done_on is None:
        why = "waiting for the requester" if stage.waiting else "stopped"
        return f"{uk_date(clock.due)} ({why})" if clock.due else why
    return uk_date(clock.due, "—")


def _person_html(title: str, person: PersonView | None) -> str:
    if person is None:
        return ""
    bits = [html.escape(person.name or "(no name)")]
    if person.relationship:
        bits.append(html.escape(person.relationship.replace("-", " ")))
    if person.organisation:
        bits.append(html.escape(person.organisation))
    if person.date_of_birth:
        bits.append(f"born {uk_date(person.date_of_birth)}")
    if person.identifier:
        bits.append(f"ref {html.escape(person.identifier)}")
    if person.email:
        bits.append(html.escape(person.email))
    if person.phone:
        bits.append(html.escape(person.phone))
    return f"<tr><th align=left>{title}</th><td>{' · '.join(bits)}</td></tr>"


def _press(button: QPushButton) -> None:
    """Click a button from its shortcut, if it is enabled."""
    if button.isEnabled():
        button.click()


class CaseView(QDialog):
    """One case in its own window; every action is a button with a shortcut."""

    caseChanged = Signal(int)

    def __init__(self, parent: QWidget | None, desk: Desk, case_id: int) -> None:
        """Load the case and build the view."""
        super().__init__(parent)
        self.desk = desk
        self._case = desk.cases.get(case_id)
        self._staff: list[StaffView] | None = None
        self.setWindowIcon(app_icon())
        self.setSizeGripEnabled(True)
        self._build()
        self.show_case(self._case)
        fit_to_screen(self, 1080, 680)

    # ----- CaseHost ----------------------------------------------------------------------
    @property
    def case(self) -> CaseDetail:
        """Return the case as last loaded."""
        return self._case

    def reload_case(self) -> CaseDetail:
        """Load the case again and show it."""
        self.show_case(self.desk.cases.get(self._case.id))
        return self._case

    def staff(self) -> Sequence[StaffView]:
        """Return the active staff (loaded once)."""
        if self._staff is None:
            self._staff = self.desk.staff.list_staff()
        return self._staff

    # ----- building ----------------------------------------------------------------------
    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 12)
        layout.setSpacing(8)
        top = QHBoxLayout()
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.badge = QLabel()
        self.badge.setAccessibleDescription("Case state")  # read as what it shows
        top.addWidget(self.title)
        top.addSpacing(12)
        top.addWidget(self.badge)
        top.addStretch(1)
        layout.addLayout(top)
        self.subtitle = QLabel()
        self.subtitle.setObjectName("muted")
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.subtitle)
        self.stale = QLabel()
        self.stale.setObjectName("banner")
        self.stale.setWordWrap(True)
        self.stale.hide()
        layout.addWidget(self.stale)
        self.appeal = QLabel()
        self.appeal.setObjectName("duePanel")
        self.appeal.setWordWrap(True)
        layout.addWidget(self.appeal)

        body = QHBoxLayout()
        left = QVBoxLayout()
        targets_title = QLabel("&Targets")
        targets_title.setObjectName("sectionTitle")
        self.targets = QTableWidget(0, len(TARGET_HEADERS))
        self.targets.setHorizontalHeaderLabels(list(TARGET_HEADERS))
        self.targets.setAccessibleName("Targets of every stage")
        self.targets.verticalHeader().hide()
        self.targets.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.targets.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.targets.setTabKeyNavigation(False)
        self.targets.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.targets.horizontalHeader().setStretchLastSection(True)
        targets_title.setBuddy(self.targets)
        left.addWidget(targets_title)
        left.addWidget(self.targets)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Case sections")
        self.tabs.tabBar().setAccessibleName("Case sections")
        self.details = QTextBrowser()
        self.details.setAccessibleName("Case details")
        self.details.setOpenLinks(False)
        self.timeline = TimelinePanel()
        self.stages_info = QTextBrowser()
        self.stages_info.setAccessibleName("Stages: outcomes, extensions, pauses and actions")
        self.tabs.addTab(self.details, "&Details")
        self.tabs.addTab(self.timeline, "Time&line")
        self.tabs.addTab(self.stages_info, "Stages && &outcomes")
        self.documents = DocumentsPanel(self.desk, self._case.reference, self)
        self.documents.accept_drops_on(self)
        self.tabs.addTab(self.documents, self.documents.title())
        self.ehc = EhcPanel(self.desk)
        self.ehc.saved.connect(lambda: self.caseChanged.emit(self.reload_case().id))
        self.tabs.addTab(self.ehc, "E&HC process")
        left.addWidget(self.tabs, 1)
        body.addLayout(left, 1)

        panel = QVBoxLayout()
        panel.setSpacing(4)
        panel_title = QLabel("Actions")
        panel_title.setObjectName("sectionTitle")
        panel.addWidget(panel_title)
        self.buttons: dict[str, QPushButton] = {}
        specs: tuple[tuple[str, str, str, Callable[[], object]], ...] = (
            ("acknowledge", "&Acknowledge…", "Ctrl+Shift+A", lambda: self.run(actions.AcknowledgeDialog)),
            ("contact", "Record &contact…", "Ctrl+Shift+C", lambda: self.run(actions.ContactDialog)),
            ("note", "Add &note…", "Ctrl+Shift+N", lambda: self.run(actions.NoteDialog)),
            ("assign", "Assi&gn…", "Ctrl+Shift+G", lambda: self.run(actions.AssignDialog)),
            ("extend", "E&xtend…", "Ctrl+Shift+X", lambda: self.run(actions.ExtendDialog)),
            ("pause", "&Pause clock…", "Ctrl+Shift+P", self._pause_or_resume),
            (
                "clarification",
                "Ask for clari&fication…",
                "Ctrl+Shift+F",
                self._clarification,
            ),
            (
                "ombudsman",
                "Ombudsman &deadline…",
                "Ctrl+Shift+D",
                lambda: self.run(actions.OmbudsmanDeadlineDialog),
            ),
            ("respond", "&Respond…", "Ctrl+Shift+R", lambda: self.run(actions.RespondDialog)),
            ("action_done", "Ac&tion done…", "Ctrl+Shift+T", lambda: self.run(actions.ActionDoneDialog)),
            ("escalate", "&Escalate to stage 2…", "Ctrl+Shift+E", lambda: self.run(actions.EscalateDialog)),
            ("close", "Clo&se case…", "Ctrl+Shift+S", lambda: self.run(actions.CloseDialog)),
            ("reopen", "Reopen case…", "Ctrl+Shift+O", lambda: self.run(actions.ReopenDialog)),
            ("link", "Lin&k case…", "Ctrl+Shift+K", lambda: self.run(actions.LinkDialog)),
            ("edit", "Change details…", "F2", lambda: self.run(EditCaseDialog)),
            ("letter", "&Write letter…", "Ctrl+Shift+L", lambda: self.run(letters.WriteLetterDialog)),
            ("email", "Write email…", "Ctrl+Shift+M", lambda: self.run(letters.WriteEmailDialog)),
        )
        for name, text, key, slot in specs:
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.setToolTip(f"{text.replace('&', '').rstrip('…')} ({key})")
            button.clicked.connect(lambda _checked=False, s=slot: s())
            add_shortcut(self, key, partial(_press, button))
            panel.addWidget(button)
            self.buttons[name] = button
        panel.addStretch(1)
        print_button = QPushButton("Pr&int…")
        print_button.setAutoDefault(False)
        print_button.setToolTip("Print the whole case or save it as PDF (Ctrl+P)")
        print_button.clicked.connect(self.print_case)
        add_shortcut(self, QKeySequence.StandardKey.Print, self.print_case)
        panel.addWidget(print_button)
        refresh = QPushButton("Reload (F5)")  # its letters are taken: F5 reloads
        refresh.setAutoDefault(False)
        refresh.clicked.connect(self.reload_case)
        add_shortcut(self, "F5", self.reload_case)
        close = QPushButton("Close window")
        close.setAutoDefault(False)
        close.clicked.connect(self.reject)
        panel.addWidget(refresh)
        panel.addWidget(close)
        body.addLayout(panel)
        layout.addLayout(body, 1)

    # ----- showing -----------------------------------------------------------------------
    def check_stale(self) -> bool:
        """Say so when someone else has saved this case since it was shown; return whether they have."""
        try:
            latest = self.desk.register.latest_change(self._case.id)
        except SendDeskError:
            return False
        if latest is None or latest.version == self._case.version:
            return False
        when = to_display_time(latest.updated_at)
        self.stale.setText(
            f"{latest.updated_by} changed this case at {when:%H:%M} on {when:%d/%m/%Y}. "
            "Press Reload (F5) to see their change."
        )
        self.stale.show()
        return True

    def show_case(self, case: CaseDetail) -> None:
        """Show a (re)loaded case."""
        self._case = case
        self.stale.hide()
        self.setWindowTitle(f"{case.reference} — {kind_stage(case.kind, case.stage)}")
        self.title.setText(f"{case.reference}  ·  {kind_stage(case.kind, case.stage)}")
        style = RAG_STYLES[case.rag]
        status = "Open" if case.status is CaseStatus.OPEN else f"Closed {uk_date(case.closed_on)}"
        next_due = f" · next target {uk_date(case.next_due)}" if case.next_due else ""
        current = case.current_stage
        if current.waiting and case.status is CaseStatus.OPEN:
            chase = f"chase up {uk_date(current.chase_on)}" if current.chase_on else ""
            if case.rag is Rag.WAITING:  # the state's own label already says so
                next_due = f" · {chase}" if chase else ""
            else:
                next_due = " · waiting for the requester" + (f", {chase}" if chase else "")
        self.badge.setText(f"{status} · {style.label}{next_due}")
        self.badge.setStyleSheet(
            f"QLabel {{ background: {style.background}; color: {style.foreground}; border: 1px solid "
            f"{style.accent}; border-radius: 4px; padding: 3px 8px; font-weight: 600; }}"
        )
        people = " / ".join(p.name for p in (case.child, case.contact) if p and p.name)
        officer = case.officer.name if case.officer else "Unassigned"
        self.subtitle.setText(
            f"{case.summary or '(no summary)'}  —  {people or 'no names'}  ·  officer {officer}  ·  "
            f"received {uk_date(case.received_on)}"
        )
        self.appeal.setVisible(case.appealable)
        self.appeal.setText(
            "This category covers decisions that can be appealed to the SEND Tribunal: signpost the family "
            "to their right of appeal (not the Ombudsman)."
        )
        self._fill_targets(case)
        self.details.setHtml(self._details_html(case))
        self.timeline.show_story(case.story)
        self.stages_info.setHtml(self._stages_html(case))
        self.ehc.show_case(case)
        self.documents.refresh()
        self._update_buttons(case)

    def _fill_targets(self, case: CaseDetail) -> None:
        rows: list[tuple[StageView, ClockView]] = []
        for stage in case.stages:
            for clock in (stage.acknowledge, stage.respond):
                if clock is not None:
                    rows.append((stage, clock))
        self.targets.setRowCount(len(rows))
        for r, (stage, clock) in enumerate(rows):
            words, rag = clock_result(clock)
            paused = "Paused" if stage.paused and clock.name == "Respond" else ""
            if not paused and stage.pauses and clock.name == "Respond":
                paused = f"{len(stage.pauses)} pause{'s' if len(stage.pauses) > 1 else ''}"
            values = (
                f"Stage {stage.stage}",
                clock.name,
                stopped_due(stage, clock),
                uk_date(clock.done_on, "—"),
                words,
                uk_date(clock.extended_from, ""),
                paused,
                clock.missed_reason,
            )
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                if c == 4:
                    s = RAG_STYLES[rag]
                    item.setIcon(rag_icon(rag))
                    item.setBackground(QBrush(QColor(s.background)))
                    item.setForeground(QBrush(QColor(s.foreground)))
                if c == 1:
                    item.setToolTip(stage.target)
                self.targets.setItem(r, c, item)
        height = self.targets.horizontalHeader().height() + 6
        height += sum(self.targets.rowHeight(r) for r in range(len(rows)))
        self.targets.setFixedHeight(max(height, 60))

    def _details_html(self, case: CaseDetail) -> str:
        def row(title: str, value: str) -> str:
            return f"<tr><th align=left>{title}</th><td>{value}</td></tr>" if value else ""

        officer = case.officer.name if case.officer else "Unassigned"
        received = uk_date(case.received_on)
        if case.received_at:
            received += f" {to_display_time(case.received_at):%H:%M}"
        parts = [
            "<table cellspacing=0 cellpadding=4>",
            row("Kind", html.escape(kind_stage(case.kind, case.stage))),
            row("Received", f"{received} {html.escape(channel_label(case.channel, how=True))}"),
            row("Logged by", html.escape(case.logged_by)),
            row("Officer", html.escape(officer)),
            row(
                "Category", html.escape(case.category) + (" (appealable decision)" if case.appealable else "")
            ),
            row("Service area", html.escape(case.service_area)),
            _person_html("Contact", case.contact),
            _person_html("Child", case.child),
            _person_html("Representative", case.representative),
            row("Adjustments", html.escape(case.adjustments)),
            row("Adjustments review", uk_date(case.adjustments_review_on, "")),
            row("Date of the matter", uk_date(case.matter_on, "")),
            row("Accepted late because", html.escape(case.matter_late_reason)),
            row("Summary", html.escape(case.summary)),
            row("Description", html.escape(case.description).replace("\n", "<br>")),
            row("Ombudsman ref", html.escape(case.ombudsman_reference)),
            row("Outcome", html.escape((case.outcome or "").replace("-", " ").capitalize())),
            row(
                "Closed",
                f"{uk_date(case.closed_on)} — {html.escape((case.closure_code or '').replace('-', ' '))}"
                + (f": {html.escape(case.closure_reason)}" if case.closure_reason else "")
                if case.closure_code
                else "",
            ),
            row(
                "Linked cases",
                "<br>".join(
                    f"{html.escape(link.reference)} ({html.escape(link.kind)}, {html.escape(link.status)})"
                    f" {html.escape(link.summary)}"
                    for link in case.links
                ),
            ),
            row(
                "Last saved",
                f"{to_display_time(case.updated_at):%d/%m/%Y %H:%M} by {html.escape(case.updated_by)}",
            ),
            "</table>",
        ]
        return "".join(parts)

    def _stages_html(self, case: CaseDetail) -> str:
        parts = []
        for stage in case.stages:
            handler = stage.handler.name if stage.handler else "no handler"
            parts.append(
                f"<h3>Stage {stage.stage}</h3><p>Started {uk_date(stage.started_on)} · {html.escape(handler)}"
                f"<br><i>{html.escape(stage.target)}</i></p>"
            )
            if stage.escalation_late_reason:
                parts.append(
                    f"<p><b>Escalation accepted late:</b> {html.escape(stage.escalation_late_reason)}</p>"
                )
            if stage.clarification_requested_on:
                answer = "still waiting" if stage.waiting else f"answered {uk_date(stage.clarified_on)}"
                asked = uk_date(stage.clarification_requested_on)
                parts.append(f"<p><b>Clarification asked for</b> {asked}: {answer}</p>")
            if stage.outcome:
                parts.append(f"<p><b>Outcome:</b> {html.escape(stage.outcome.replace('-', ' '))}</p>")
            if stage.reasons:
                parts.append(f"<p><b>Response:</b> {html.escape(stage.reasons)}</p>")
            for ext in stage.extensions:
                told = f", told {uk_date(ext.told_on)}" if ext.told_on else ""
                parts.append(
                    f"<p><b>Extended</b> by {ext.amount} to {uk_date(ext.new_due)}{told}: "
                    f"{html.escape(ext.reason)}</p>"
                )
            for pause in stage.pauses:
                end = uk_date(pause.end) if pause.end else "still paused"
                parts.append(
                    f"<p><b>Paused</b> {uk_date(pause.start)} → {end}: {html.escape(pause.reason)}</p>"
                )
            for remedy in stage.remedies:
                amount = f" £{remedy.amount_pence / 100:,.2f}" if remedy.amount_pence else ""
                parts.append(f"<p><b>Remedy:</b> {html.escape(remedy.kind.replace('-', ' '))}{amount}</p>")
            for action in stage.actions:
                state = (
                    f"done {uk_date(action.done_on)}" if action.done_on else f"due {uk_date(action.due, '—')}"
                )
                parts.append(f"<p><b>Action:</b> {html.escape(action.what)} ({state})</p>")
            if stage.learning:
                parts.append(f"<p><b>Learning:</b> {html.escape(stage.learning)}</p>")
        return "".join(parts)

    def _update_buttons(self, case: CaseDetail) -> None:
        """Enable, hide and explain each button from the lifecycle's verdicts the case carries."""
        stage = case.current_stage
        clarification = A.CLARIFICATION_RECEIVED if stage.waiting else A.CLARIFICATION_REQUESTED
        verdicts: dict[str, CaseAction | None] = {
            "acknowledge": A.ACKNOWLEDGE,
            "contact": None,
            "note": None,
            "assign": A.ASSIGN,
            "extend": A.EXTEND,
            "pause": A.RESUME if stage.paused else A.PAUSE,
            "clarification": clarification,
            "ombudsman": A.OMBUDSMAN_DEADLINE,
            "respond": A.RESPOND,
            "action_done": A.ACTION_DONE,
            "escalate": A.ESCALATE,
            "close": A.CLOSE,
            "reopen": A.REOPEN,
            "link": None,
            "edit": None,
            "letter": None,
            "email": None,
        }
        for key, action in verdicts.items():
            button = self.buttons[key]
            if action is None:
                continue
            reason = case.actions.get(action)
            button.setEnabled(case.allows(action))
            button.setVisible(action in case.relevant)
            shortcut = button.toolTip().rsplit("(", 1)[-1]
            plain = button.text().replace("&", "").rstrip("…")
            button.setToolTip(f"{plain} ({shortcut}" if reason is None else f"{reason} ({shortcut}")
        self.buttons["pause"].setText("Resume &clock…" if stage.paused else "&Pause clock…")
        self.buttons["clarification"].setText(
            "Clari&fication received…" if stage.waiting else "Ask for clari&fication…"
        )

    # ----- actions -----------------------------------------------------------------------
    def run(self, dialog: type[actions.ActionDialog] | type[letters.WriteLetterDialog]) -> CaseDetail | None:
        """Run one action dialog; show the saved case and tell the register."""
        try:
            result = dialog.ask(self, self)
        except SendDeskError as exc:
            show_error(self, exc)
            return None
        if result is not None:
            self.show_case(result)
            self.caseChanged.emit(result.id)
        return result

    def print_case(self) -> None:
        """Show the print preview of this case."""
        from send_desk.gui.print_preview import PrintPreview  # Qt printing loads when first used

        try:
            PrintPreview.show_case(self, self.desk, self._case.id)
        except SendDeskError as exc:
            show_error(self, exc)

    def _clarification(self) -> CaseDetail | None:
        if self._case.current_stage.waiting:
            return self.run(actions.ClarificationDialog)
        return self.run(actions.ClarificationRequestDialog)

    def _pause_or_resume(self) -> CaseDetail | None:
        if self._case.current_stage.paused:
            return self.run(actions.ResumeDialog)
        return self.run(actions.PauseDialog)
