"""Replay a case's history from an export's columns, so an export imported into an empty desk gives it back.

The import logs a row with history columns (stage 1 and 2 dates, extensions, pauses, responses, remedies,
actions, closure, links) as a stage 1 case received on its date, then replays each event in time order
through the same case services a person uses: acknowledge, ask for and receive clarification, pause and
resume, extend, respond (outcome, reasons, learning, remedies, actions), actions done, escalate to stage 2
(the same again), the EHC step the case is about (`EhcService.change`: the step, its start, post-16, the
amendment notice, the days done and the exceptions), close, and finally link the cases. Every due date is
therefore recomputed by the domain engine under the policies in force: with the same policies they equal
the exported ones; the EHC step's statutory dates are worked out again by its rules.

A tracker row without stage 1's start (not our export) is logged as it reads; its EHC step, when it has
one, and its links are still replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select

from send_desk.db.models import Staff
from send_desk.domain.ehc import EhcStep, check_exception, rule_for
from send_desk.domain.errors import SendDeskError, ValidationError
from send_desk.domain.kinds import CaseKind, Outcome
from send_desk.domain.lifecycle import IDENTITY
from send_desk.reports.case_history import (
    ActionItem,
    EhcDoneItem,
    EhcExceptionItem,
    LinkItem,
    PauseItem,
    RemedyItem,
    parse_closure,
)
from send_desk.reports.sheet_fields import FIELD_LABELS
from send_desk.services.cases import ActionInput, CaseService, RemedyInput
from send_desk.services.context import ServiceContext
from send_desk.services.ehc import EhcChange, EhcService
from send_desk.values.cases import CaseDetail, CaseInput
from send_desk.values.progress import Progress


class ReplayError(SendDeskError):
    """A row's history could not be replayed; the message names the case and the event."""

    default_message = "The case's history could not be replayed."


class CaseReplay:
    """Replay exported history onto cases just logged by an import."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx
        self.cases = CaseService(ctx)
        self.ehc = EhcService(ctx)
        self._logins: dict[str, str] = {}

    def _login(self, name: str) -> str | None:
        if not name:
            return None
        if not self._logins:
            with self.ctx.db.read() as session:
                for login, full in session.execute(select(Staff.login, Staff.name)):
                    self._logins[" ".join(full.lower().split())] = login
                    self._logins[login.lower()] = login
        return self._logins.get(" ".join(name.lower().split()))

    def replay(self, reference: str, history: Mapping[str, Any]) -> CaseDetail:
        """Replay one case's events (parsed history columns by field id) in time order."""
        detail = self.cases.get_by_reference(reference)
        for stage in (1, 2):
            detail = self._stage(detail, stage, history)
        change = ehc_change(history)
        if change is not None:
            detail = self._do(detail, "EHC step", self._ehc_recorder(change))
        code = history.get("closure_code")
        closed_on = history.get("closed_on")
        if closed_on is not None and code is not None and detail.status.value != "closed":
            detail = self._do(
                detail,
                "close",
                lambda d: self.cases.close(
                    d.id,
                    code=code,
                    on=closed_on,
                    reason=history.get("closure_reason", ""),
                    expected_version=d.version,
                ),
            )
        return detail

    def link(self, reference: str, links: Sequence[LinkItem]) -> None:
        """Link a case to the others it was linked to (after every case of the import exists)."""
        detail = self.cases.get_by_reference(reference)
        for item in links:
            self._do(detail, "link", self._linker(item))

    def _linker(self, item: LinkItem) -> Callable[[CaseDetail], CaseDetail]:
        def step(d: CaseDetail) -> CaseDetail:
            return self.cases.link(d.id, other_reference=item.reference, kind=item.kind)

        return step

    def _ehc_recorder(self, change: EhcChange) -> Callable[[CaseDetail], CaseDetail]:
        def step(d: CaseDetail) -> CaseDetail:
            self.ehc.change(d.id, change, expected_version=d.version)
            return self.cases.get(d.id)

        return step

    def _pauser(self, pause: PauseItem) -> Callable[[CaseDetail], CaseDetail]:
        def step(d: CaseDetail) -> CaseDetail:
            return self.cases.pause(d.id, start=pause.start, reason=pause.reason, expected_version=d.version)

        return step

    def _resumer(self, end: date) -> Callable[[CaseDetail], CaseDetail]:
        def step(d: CaseDetail) -> CaseDetail:
            return self.cases.resume(d.id, end=end, expected_version=d.version)

        return step

    def _action_done(self, action_id: int, on: date) -> Callable[[CaseDetail], CaseDetail]:
        def step(d: CaseDetail) -> CaseDetail:
            return self.cases.complete_action(d.id, action_id=action_id, on=on, expected_version=d.version)

        return step

    def _do(self, detail: CaseDetail, what: str, step: Callable[[CaseDetail], CaseDetail]) -> CaseDetail:
        try:
            return step(detail)
        except SendDeskError as exc:
            raise ReplayError(f"{detail.reference}: the {what} could not be replayed: {exc}") from None

    def _stage(self, detail: CaseDetail, stage: int, h: Mapping[str, Any]) -> CaseDetail:
        p = f"s{stage}_"

        def get(name: str, default: Any = None) -> Any:
            return h.get(p + name, default)

        started: date | None = get("started")
        if started is None:
            return detail
        if stage == 2:
            handler = self._login(get("handler", "")) or ""
            if detail.stage == 1:
                detail = self._do(
                    detail,
                    "escalation",
                    lambda d: self.cases.escalate(
                        d.id,
                        requested_on=started,
                        handler_login=handler,
                        expected_version=d.version,
                        late_reason=get("escalation_late_reason", "")
                        or h.get("s2_escalation_late_reason", ""),
                    ),
                )
        events: list[tuple[date, int, str, Callable[[CaseDetail], CaseDetail]]] = []
        acknowledged = get("acknowledged")
        if acknowledged is not None:
            events.append((acknowledged, 0, "acknowledgement", lambda d: self.cases.acknowledge(
                d.id, on=acknowledged, expected_version=d.version,
                missed_reason=get("acknowledge_late_reason", ""),
            )))  # fmt: skip
        requested, received = get("clarification_requested"), get("clarification_received")
        if requested is not None:
            events.append((requested, 1, "clarification request", lambda d: self.cases.request_clarification(
                d.id, on=requested, expected_version=d.version, identity=get("clarification_for") == IDENTITY
            )))  # fmt: skip
            if received is not None:
                events.append((received, 2, "clarification", lambda d: self.cases.record_clarification(
                    d.id, on=received, expected_version=d.version
                )))  # fmt: skip
        pauses: tuple[PauseItem, ...] = get("pauses", ())
        for pause in pauses:
            events.append((pause.start, 3, "pause", self._pauser(pause)))
            if pause.end is not None:
                events.append((pause.end, 4, "resume", self._resumer(pause.end)))
        extended_to = get("extended_to")
        responded = get("responded")
        if extended_to is not None:
            amount = get("extended_by")
            told_on = get("extension_told_on")
            sar = detail.kind is CaseKind.SAR
            when = told_on or responded or extended_to
            events.append((when, 5, "extension", lambda d: self.cases.extend(
                d.id, reason=get("extension_reason", "") or "Extended (imported)", expected_version=d.version,
                amount=None if sar else amount, to=extended_to if sar else None, told_on=told_on,
            )))  # fmt: skip
        actions: tuple[ActionItem, ...] = get("actions", ())
        if responded is not None:
            remedies: tuple[RemedyItem, ...] = get("remedies", ())
            outcome: Outcome | None = get("outcome")
            events.append((responded, 6, "response", lambda d: self.cases.respond(
                d.id, on=responded, expected_version=d.version, outcome=outcome,
                missed_reason=get("respond_late_reason", ""), reasons=get("reasons", ""),
                learning=get("learning", ""),
                remedies=[RemedyInput(r.kind, r.amount_pence, r.description) for r in remedies],
                actions=[ActionInput(a.what, self._login(a.owner), a.due) for a in actions],
            )))  # fmt: skip
        events.sort(key=lambda event: (event[0], event[1]))
        for _when, _order, what, step in events:
            detail = self._do(detail, what, step)
        for index, action in enumerate(actions):
            if action.done_on is None:
                continue
            stage_view = next(s for s in detail.stages if s.stage == stage)
            if index >= len(stage_view.actions):
                raise ReplayError(f"{detail.reference}: stage {stage}'s actions could not be matched.")
            detail = self._do(
                detail, "action done", self._action_done(stage_view.actions[index].id, action.done_on)
            )
        return detail


def closure_code(value: Any) -> Any:
    """Return the closure code a cell names (for the import's history)."""
    try:
        return parse_closure(value)
    except ValueError as exc:
        raise ValidationError(str(exc), field="closure_code") from None


FULL_HISTORY = "s1_started"
"""The column that makes a row's history replayable: without stage 1's start the stages are not replayed."""

EHC_FIELDS = ("ehc_step", "ehc_started", "ehc_post16", "ehc_amendment_notice", "ehc_done", "ehc_exceptions")
"""The history fields of the EHC step, replayed for any row (a plain tracker's "EHC step" columns too)."""


def replayable(history: Mapping[str, Any]) -> dict[str, Any]:
    """Return what of a row's history the import replays.

    With stage 1's start (an export of the stages' columns) every event is replayed; without it the row
    is logged as it reads (its acknowledged, responded and outcome columns) and only its EHC step and
    links are replayed.
    """
    if FULL_HISTORY in history:
        return dict(history)
    return {name: value for name, value in history.items() if name == "linked_cases" or name in EHC_FIELDS}


def ehc_change(history: Mapping[str, Any]) -> EhcChange | None:
    """Return the EHC change a row's history records (None when it has no EHC columns filled in)."""
    if not any(history.get(name) for name in EHC_FIELDS):  # a lone "No" for post-16 records nothing
        return None
    done: tuple[EhcDoneItem, ...] = history.get("ehc_done", ())
    exceptions: tuple[EhcExceptionItem, ...] = history.get("ehc_exceptions", ())
    return EhcChange(
        step=history.get("ehc_step"),
        started=history.get("ehc_started"),
        post16=history.get("ehc_post16"),
        amendment_notice_on=history.get("ehc_amendment_notice"),
        done={item.name.value: item.on for item in done},
        exceptions={item.name.value: (item.exception, item.note) for item in exceptions},
    )


def ehc_problems(history: Mapping[str, Any]) -> list[str]:
    """Return, in plain words, why a row's EHC columns cannot be replayed (checked before anything is saved).

    The step and the day it began go together, and the dates done and exceptions must be the step's own
    (with exceptions its regulation allows); the rest is checked by `EhcService.change` as it replays.
    """
    change = ehc_change(history)
    if change is None:
        return []
    step_label, started_label = FIELD_LABELS["ehc_step"], FIELD_LABELS["ehc_started"]
    if change.step is None:
        has = started_label if change.started is not None else "other EHC columns"
        return [f"{step_label}: the row has {has} but no EHC step; give the step too."]
    if change.started is None:
        return [f"{started_label}: the day the EHC step began is missing; give it beside the step."]
    step: EhcStep = change.step
    problems = []
    for name in change.done:
        try:
            rule_for(step, name)
        except ValidationError as exc:
            problems.append(f"{FIELD_LABELS['ehc_done']}: {exc}")
    for name, given in change.exceptions.items():
        try:
            if given is not None:
                check_exception(step, name, given[0])
        except ValidationError as exc:
            problems.append(f"{FIELD_LABELS['ehc_exceptions']}: {exc}")
    return problems


def for_replay(data: CaseInput, history: Mapping[str, Any], staff: Mapping[str, str]) -> CaseInput:
    """Return how a row with history is logged: stage 1, received, with stage 1's handler; the rest replays.

    `staff` maps folded names and logins to logins (the import's look-up).
    """
    handler = staff.get(" ".join(str(history.get("s1_handler", "")).lower().split()))
    return replace(
        data,
        stage=1,
        acknowledged_on=None,
        responded_on=None,
        outcome=None,
        officer_login=handler or data.officer_login,
    )


def replay_history(
    ctx: ServiceContext, references: Sequence[str], replays: Mapping[int, Mapping[str, Any]]
) -> Generator[Progress, None, None]:
    """Replay the history of each logged case that has some (by index in `references`), then link them."""
    replay = CaseReplay(ctx)
    total = len(replays)
    for done, (index, history) in enumerate(sorted(replays.items()), start=1):
        replay.replay(references[index], history)
        if done % 100 == 0:
            yield Progress(done, total, f"Replayed the history of {done:,} of {total:,} cases…")
    for index, history in sorted(replays.items()):
        links = history.get("linked_cases")
        if links:
            replay.link(references[index], links)
