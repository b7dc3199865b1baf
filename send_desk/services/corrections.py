"""Governed corrections of recorded dates: managers only, with a reason, audited old → new."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from send_desk.db.models import Case, CaseStage, Staff, TimelineEntry
from send_desk.domain import lifecycle
from send_desk.domain.errors import ConflictError, NotFoundError, ValidationError
from send_desk.domain.kinds import CaseKind
from send_desk.domain.wording import uk_date
from send_desk.services import audit
from send_desk.services.case_rows import build_search_text
from send_desk.services.cases import snapshot
from send_desk.services.clocks import apply_state, case_state, refresh
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require
from send_desk.services.policies import current_policy_row, load_closures, policy_from_row
from send_desk.services.views import case_detail, rag_window
from send_desk.values.cases import CaseDetail


class DateField(StrEnum):
    """A recorded date a manager may correct."""

    RECEIVED_ON = "received_on"
    ACKNOWLEDGED_ON = "acknowledged_on"
    RESPONDED_ON = "responded_on"

    @property
    def label(self) -> str:
        """Return the name a person reads."""
        return {
            "received_on": "received date",
            "acknowledged_on": "acknowledgement date",
            "responded_on": "response date",
        }[self.value]


def require_reason(reason: str, doing: str) -> None:
    """Refuse a governed change given no reason (`doing`: "changing the kind", "correcting the date")."""
    if not reason.strip():
        raise ValidationError(f"Give the reason for {doing}; it is kept in the audit trail.", field="reason")


class RecordedDateService:
    """Correct a date recorded on a case, recompute its clocks and audit the change."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def correct_date(
        self,
        case_id: int,
        field: DateField | str,
        new_date: date,
        reason: str,
        expected_version: int,
    ) -> CaseDetail:
        """Change a recorded date (received, acknowledged or responded) with a reason; clocks follow."""
        try:
            which = DateField(field)
        except ValueError:
            raise ValidationError(
                f"{field} is not a date that can be corrected. Choose the received, acknowledgement "
                "or response date.",
                field="field",
            ) from None
        require_reason(reason, "correcting the date")
        with self.ctx.db.write() as session:
            actor = self.manager(session)
            case = self._current(session, case_id, expected_version)
            self.correct_date_in(session, case, actor, which, new_date, reason)
            return self._detail(session, case)

    def correct_date_in(
        self, session: Session, case: Case, actor: Staff, which: DateField, new_date: date, reason: str
    ) -> None:
        """Correct a recorded date of `case` (loaded and version-checked) inside the open `session`, audited.

        `actor` is the member of staff allowed to (see `manager`); the audit row is flushed, so the case's
        version has moved when this returns.
        """
        require_reason(reason, "correcting the date")
        if case.anonymised:
            raise ValidationError("This case has been anonymised, so its dates can no longer be changed.")
        if new_date > self.ctx.today():
            raise ValidationError(
                f"The new {which.label} {uk_date(new_date)} is in the future.", field=which.value
            )
        stage = case.stages[-1]
        first = case.stages[0]
        old = self._validate(case, stage, first, which, new_date)
        closures = load_closures(session)
        with session.no_autoflush:
            before = snapshot(case)
            before["received_on"] = case.received_on
            if which is DateField.RECEIVED_ON:
                case.received_on = new_date
                first.started_on = new_date
                refresh(case, first, closures)
                if stage is not first:
                    refresh(case, stage, closures)
            elif which is DateField.ACKNOWLEDGED_ON:
                stage.acknowledged_on = new_date
                refresh(case, stage, closures)
            else:
                stage.responded_on = new_date
                refresh(case, stage, closures)
            case.timeline.append(
                TimelineEntry(
                    at=self.ctx.now(),
                    entry_type="change",
                    text=f"The {which.label} was corrected from {uk_date(old)} to {uk_date(new_date)}: "
                    f"{reason.strip()}",
                    author=actor.name,
                )
            )
            after = self._stamped(case, actor)
            after["received_on"] = case.received_on
        details = {"field": which.value, "reason": reason.strip()}
        self._audit(session, case, actor, "correct-date", before, after, details)

    def change_kind(self, case_id: int, kind: CaseKind, reason: str, expected_version: int) -> CaseDetail:
        """Change what kind of case this is, before its first acknowledgement or response, with a reason.

        Managers and admins only, like a date correction; the targets are counted again under the new
        kind's current policy (an audited recalculation). Afterwards the lifecycle refuses, and the way
        is to close the case as logged in error and log a new one, linked.
        """
        require_reason(reason, "changing the kind")
        with self.ctx.db.write() as session:
            actor = self.manager(session)
            case = self._current(session, case_id, expected_version)
            self.change_kind_in(session, case, actor, kind, reason)
            return self._detail(session, case)

    def change_kind_in(self, session: Session, case: Case, actor: Staff, kind: CaseKind, reason: str) -> None:
        """Change the kind of `case` (loaded and version-checked) inside the open `session`, audited.

        `actor` is the member of staff allowed to (see `manager`); the audit row is flushed, so the case's
        version has moved when this returns.
        """
        require_reason(reason, "changing the kind")
        if case.anonymised:
            raise ValidationError("This case has been anonymised, so it can no longer be changed.")
        closures = load_closures(session)
        row = current_policy_row(session, kind, 1)
        policy = policy_from_row(row)
        state = lifecycle.change_kind(
            case_state(case), kind=kind, policy=policy, calendar=closures.calendar_for(policy)
        )
        with session.no_autoflush:
            before = snapshot(case)
            before["kind"] = case.kind
            case.kind = kind.value
            case.stages[0].policy = row
            case.stages[0].policy_id = row.id
            apply_state(case, state, closures)
            after = self._stamped(case, actor)
            after["kind"] = case.kind
        details = {"reason": reason.strip()}
        self._audit(session, case, actor, "change-kind", before, after, details)

    def manager(self, session: Session) -> Staff:
        """Return the acting member of staff, refusing anyone who may not correct recorded dates or kinds."""
        return require(session, self.ctx.actor_login(), Action.CORRECT_DATES, at=self.ctx.now())

    def _stamped(self, case: Case, actor: Staff) -> dict[str, Any]:
        """Mark the case changed now by `actor` (search text again too); return its snapshot after."""
        case.updated_at = self.ctx.now()
        case.updated_by = actor.name
        case.search_text = build_search_text(case, case.people)
        return snapshot(case)

    def _audit(
        self,
        session: Session,
        case: Case,
        actor: Staff,
        action: str,
        before: dict[str, Any],
        after: dict[str, Any],
        details: dict[str, Any],
    ) -> None:
        """Audit a correction (old → new, with its reason) and flush it."""
        audit.record(
            session,
            at=self.ctx.now(),
            login=actor.login,
            actor_name=actor.name,
            action=action,
            case=case,
            changes=audit.diff(before, after),
            details=details,
        )
        session.flush()

    def _current(self, session: Session, case_id: int, expected_version: int) -> Case:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFoundError("That case could not be found. Someone may have removed it.")
        if case.version != expected_version:
            raise ConflictError(changed_by=case.updated_by or "another user", changed_at=case.updated_at)
        return case

    def _validate(
        self, case: Case, stage: CaseStage, first: CaseStage, which: DateField, new_date: date
    ) -> date:
        if which is DateField.RECEIVED_ON:
            old = case.received_on
            recorded = [
                (d, what)
                for d, what in (
                    (first.acknowledged_on, "acknowledgement"),
                    (first.responded_on, "response"),
                    (case.closed_on, "closure"),
                )
                if d is not None
            ]
            for recorded_on, what in recorded:
                if new_date > recorded_on:
                    raise ValidationError(
                        f"The received date cannot be after the {what} date {uk_date(recorded_on)}.",
                        field=which.value,
                    )
            return old
        current = stage.acknowledged_on if which is DateField.ACKNOWLEDGED_ON else stage.responded_on
        if current is None:
            raise ValidationError(
                f"No {which.label} has been recorded yet, so there is nothing to correct. "
                "Record it on the case instead.",
                field=which.value,
            )
        if new_date < stage.started_on:
            raise ValidationError(
                f"The {which.label} {uk_date(new_date)} is before {uk_date(stage.started_on)}, "
                "when this stage began.",
                field=which.value,
            )
        if which is DateField.ACKNOWLEDGED_ON and stage.responded_on and new_date > stage.responded_on:
            raise ValidationError(
                f"The acknowledgement cannot be after the response ({uk_date(stage.responded_on)}).",
                field=which.value,
            )
        if which is DateField.RESPONDED_ON and stage.acknowledged_on and new_date < stage.acknowledged_on:
            raise ValidationError(
                f"The response cannot be before the acknowledgement ({uk_date(stage.acknowledged_on)}).",
                field=which.value,
            )
        if which is DateField.RESPONDED_ON and case.closed_on and new_date > case.closed_on:
            raise ValidationError(
                f"The response cannot be after the case was closed ({uk_date(case.closed_on)}).",
                field=which.value,
            )
        return current

    def _detail(self, session: Session, case: Case) -> CaseDetail:
        return case_detail(session, case, rag_window(session, self.ctx.today()))
