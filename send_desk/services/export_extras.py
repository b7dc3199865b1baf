"""The parts of a case the whole-case export reads beside its row: stages' history, links, EHC date marks.

`ExportService.lines` reads the case rows in keyset batches; for every chunk of rows whose chosen columns
need more than the case row, `stage_extras` reads the chunk's stages, extensions, pauses, remedies,
outstanding actions, links and EHC date marks in a handful of queries (never one per case) and returns,
per case id, the `CaseLine` fields named `s1_*`, `s2_*`, `linked_cases`, `ehc_done` and `ehc_exceptions`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from send_desk.db.models import (
    Case,
    CaseLink,
    CaseStage,
    EhcDateMark,
    EhcStepRecord,
    Extension,
    OutstandingAction,
    Pause,
    Remedy,
    Staff,
)
from send_desk.domain.ehc import EhcException, EhcStep
from send_desk.domain.kinds import LinkKind, Outcome, RemedyKind
from send_desk.reports.case_history import (
    ActionItem,
    LinkItem,
    PauseItem,
    RemedyItem,
    clarification_for_label,
    format_actions,
    format_ehc_done,
    format_ehc_exceptions,
    format_links,
    format_pauses,
    format_remedies,
    remedies_total,
)

_STAGE_COLUMNS = tuple(
    getattr(CaseStage, name)
    for name in (
        "id",
        "case_id",
        "stage",
        "started_on",
        "acknowledge_by",
        "acknowledged_on",
        "acknowledge_missed_reason",
        "respond_by",
        "respond_by_unextended",
        "responded_on",
        "respond_missed_reason",
        "clarification_requested_on",
        "clarified_on",
        "clarification_for",
        "outcome",
        "reasons",
        "learning",
        "escalation_late_reason",
    )
)
_OUTCOMES = {member.value: member.label for member in Outcome}

EHC_MARK_FIELDS = frozenset({"ehc_done", "ehc_exceptions"})
"""The `CaseLine` fields read from the current EHC step's date marks."""

EXTRA_FIELDS = frozenset(
    {"linked_cases"}
    | EHC_MARK_FIELDS
    | {
        f"s{n}_{name}"
        for n in (1, 2)
        for name in (
            "started",
            "handler",
            "acknowledge_by",
            "acknowledged",
            "acknowledge_late_reason",
            "respond_by",
            "extended_by",
            "extended_to",
            "extension_reason",
            "extension_told_on",
            "clarification_requested",
            "clarification_received",
            "clarification_for",
            "pauses",
            "responded",
            "respond_late_reason",
            "outcome",
            "reasons",
            "learning",
            "remedies",
            "remedies_total",
            "actions",
        )
    }
    | {"s2_escalation_late_reason"}
)
"""The `CaseLine` fields `stage_extras` works out."""


def _blank() -> dict[str, Any]:
    return {name: ("" if name.endswith(_TEXT_ENDINGS) else None) for name in EXTRA_FIELDS}


_TEXT_ENDINGS = (
    "handler",
    "reason",
    "pauses",
    "outcome",
    "reasons",
    "learning",
    "remedies",
    "actions",
    "linked_cases",
    "_for",
    *EHC_MARK_FIELDS,
)


def _wants(needed: frozenset[str] | None, *endings: str) -> bool:
    """Tell whether any needed field (of either stage) ends with one of these names."""
    if needed is None:
        return True
    return any(name.startswith(("s1_", "s2_")) and name[3:] in endings for name in needed)


def stage_extras(
    session: Session,
    case_ids: Sequence[int],
    *,
    details: bool = True,
    needed: frozenset[str] | None = None,
) -> dict[int, dict[str, Any]]:
    """Return per case id the stage and link fields of its line; `details=False` leaves out free text.

    `needed` names the line fields wanted (None: all); tables no wanted field reads are not queried.
    """
    found: dict[int, dict[str, Any]] = {case_id: _blank() for case_id in case_ids}
    if not case_ids:
        return found
    stages: Sequence[Any] = ()
    if needed is None or any(name.startswith(("s1_", "s2_")) for name in needed):
        handler = aliased(Staff)
        stages = session.execute(
            select(*_STAGE_COLUMNS, handler.name.label("handler_name"))  # plain rows: no relationship loads
            .outerjoin(handler, handler.id == CaseStage.handler_id)
            .where(CaseStage.case_id.in_(case_ids))
        ).all()
    stage_ids = [stage.id for stage in stages]
    extensions: dict[int, list[Any]] = defaultdict(list)
    pauses: dict[int, list[PauseItem]] = defaultdict(list)
    remedies: dict[int, list[RemedyItem]] = defaultdict(list)
    actions: dict[int, list[ActionItem]] = defaultdict(list)
    if stage_ids and _wants(
        needed, "respond_by", "extended_by", "extended_to", "extension_reason", "extension_told_on"
    ):
        for extension in session.execute(
            select(
                Extension.stage_id, Extension.amount, Extension.new_due, Extension.reason, Extension.told_on
            )
            .where(Extension.stage_id.in_(stage_ids))
            .order_by(Extension.id)
        ):
            extensions[extension.stage_id].append(extension)
    if stage_ids and _wants(needed, "pauses"):
        for stage_id, start, end, reason in session.execute(
            select(Pause.stage_id, Pause.start, Pause.end, Pause.reason)
            .where(Pause.stage_id.in_(stage_ids))
            .order_by(Pause.id)
        ):
            pauses[stage_id].append(PauseItem(start, end, reason))
    if stage_ids and _wants(needed, "remedies", "remedies_total"):
        for stage_id, kind, amount, description in session.execute(
            select(Remedy.stage_id, Remedy.kind, Remedy.amount_pence, Remedy.description)
            .where(Remedy.stage_id.in_(stage_ids))
            .order_by(Remedy.id)
        ):
            remedies[stage_id].append(RemedyItem(RemedyKind(kind), amount, description))
    if stage_ids and _wants(needed, "actions"):
        owner = aliased(Staff)
        for stage_id, what, owner_name, due, done_on in session.execute(
            select(
                OutstandingAction.stage_id,
                OutstandingAction.what,
                owner.name,
                OutstandingAction.due,
                OutstandingAction.done_on,
            )
            .outerjoin(owner, owner.id == OutstandingAction.owner_id)
            .where(OutstandingAction.stage_id.in_(stage_ids))
            .order_by(OutstandingAction.id)
        ):
            actions[stage_id].append(ActionItem(what, owner_name or "", due, done_on))
    for stage in stages:
        handler_name = stage.handler_name
        if stage.stage not in (1, 2):
            continue
        p = f"s{stage.stage}_"
        values = found[stage.case_id]
        extended = extensions.get(stage.id, [])
        last = extended[-1] if extended else None
        unextended = stage.respond_by_unextended
        respond_by = stage.respond_by
        values.update(
            {
                p + "started": stage.started_on,
                p + "handler": handler_name or "",
                p + "acknowledge_by": stage.acknowledge_by,
                p + "acknowledged": stage.acknowledged_on,
                p + "acknowledge_late_reason": stage.acknowledge_missed_reason if details else "",
                p + "respond_by": unextended if last is not None and unextended is not None else respond_by,
                p + "extended_by": last.amount if last is not None else None,
                p + "extended_to": last.new_due if last is not None else None,
                p + "extension_reason": last.reason if last is not None and details else "",
                p + "extension_told_on": last.told_on if last is not None else None,
                p + "clarification_requested": stage.clarification_requested_on,
                p + "clarification_received": stage.clarified_on,
                p + "clarification_for": clarification_for_label(stage.clarification_for or ""),
                p + "pauses": format_pauses(pauses.get(stage.id, ()), reasons=details),
                p + "responded": stage.responded_on,
                p + "respond_late_reason": stage.respond_missed_reason if details else "",
                p + "outcome": _OUTCOMES.get(stage.outcome or "", stage.outcome or ""),
                p + "reasons": stage.reasons if details else "",
                p + "learning": stage.learning if details else "",
                p + "remedies": format_remedies(remedies.get(stage.id, ()), details=details),
                p + "remedies_total": remedies_total(remedies.get(stage.id, ())),
                p + "actions": format_actions(actions.get(stage.id, ()), details=details),
            }
        )
        if stage.stage == 2:
            values["s2_escalation_late_reason"] = stage.escalation_late_reason if details else ""
    links: dict[int, list[LinkItem]] = defaultdict(list)
    if needed is None or "linked_cases" in needed:
        other = aliased(Case)
        for case_id, reference, kind in session.execute(
            select(CaseLink.case_id, other.reference, CaseLink.kind)
            .join(other, other.id == CaseLink.linked_case_id)
            .where(CaseLink.case_id.in_(case_ids))
            .order_by(CaseLink.id)
        ):
            links[case_id].append(LinkItem(reference, LinkKind(kind)))
    for case_id, items in links.items():
        found[case_id]["linked_cases"] = format_links(items)
    if needed is None or not EHC_MARK_FIELDS.isdisjoint(needed):
        _ehc_marks(session, case_ids, found, details=details)
    return found


def _ehc_marks(
    session: Session, case_ids: Sequence[int], found: dict[int, dict[str, Any]], *, details: bool
) -> None:
    """Fill in the days the current EHC step's dates were done and its exceptions (notes when `details`)."""
    marks: dict[int, tuple[str, dict[str, Any], dict[str, EhcException], dict[str, str]]] = {}
    for case_id, step, name, done_on, exception, note in session.execute(
        select(
            EhcStepRecord.case_id,
            EhcStepRecord.step,
            EhcDateMark.name,
            EhcDateMark.done_on,
            EhcDateMark.exception,
            EhcDateMark.exception_note,
        )
        .join(EhcStepRecord, EhcStepRecord.id == EhcDateMark.step_id)
        .where(EhcStepRecord.case_id.in_(case_ids), EhcStepRecord.current)
        .order_by(EhcDateMark.id)
    ):
        _step, done, exceptions, notes = marks.setdefault(case_id, (step, {}, {}, {}))
        if done_on is not None:
            done[name] = done_on
        if exception:
            exceptions[name], notes[name] = EhcException(exception), note
    for case_id, (step, done, exceptions, notes) in marks.items():
        found[case_id]["ehc_done"] = format_ehc_done(EhcStep(step), done)
        found[case_id]["ehc_exceptions"] = format_ehc_exceptions(
            EhcStep(step), exceptions, notes, details=details
        )
