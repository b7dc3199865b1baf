"""Work on several cases at once from the register: reassign or acknowledge them, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select

from send_desk.db.models import Case
from send_desk.domain.errors import ConflictError, SendDeskError, ValidationError
from send_desk.domain.kinds import CaseStatus
from send_desk.domain.wording import uk_date
from send_desk.services.cases import CaseService
from send_desk.services.context import ServiceContext
from send_desk.values.bulk import AcknowledgePlan, BulkCase, BulkResult

MAX_BULK = 500
"""The most cases one bulk action takes (one transaction; a larger batch is better as an import)."""


class BulkService:
    """Bulk reassign and bulk acknowledge: every case saved in one transaction, or none of them."""

    def __init__(self, ctx: ServiceContext, cases: CaseService) -> None:
        """Use the given context and the single-case commands (their rules and audit apply to each case)."""
        self.ctx = ctx
        self.cases = cases

    def selected(self, case_ids: Sequence[int]) -> tuple[BulkCase, ...]:
        """Return the selected cases in the order given, with their versions as they stand now."""
        ids = list(dict.fromkeys(case_ids))
        if not ids:
            raise ValidationError("Select one or more cases in the register first.")
        if len(ids) > MAX_BULK:
            raise ValidationError(
                f"{len(ids):,} cases are selected; a bulk action takes at most {MAX_BULK}. "
                "Narrow the register with the filters and select fewer."
            )
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(
                    Case.id,
                    Case.reference,
                    Case.version,
                    Case.status,
                    Case.acknowledge_by,
                    Case.acknowledged_on,
                    Case.received_on,
                ).where(Case.id.in_(ids))
            ).all()
        found = {row[0]: row for row in rows}
        if len(found) < len(ids):
            raise ValidationError("Some of the selected cases could not be found. Refresh the register (F5).")
        result = []
        for case_id in ids:
            _id, reference, version, status, acknowledge_by, acknowledged_on, received_on = found[case_id]
            problem = ""
            if status == CaseStatus.CLOSED.value:
                problem = "is closed"
            elif acknowledged_on is not None:
                problem = f"was already acknowledged on {uk_date(acknowledged_on)}"
            elif acknowledge_by is None:
                problem = "has no acknowledgement target"
            result.append(
                BulkCase(
                    case_id, reference, int(version), acknowledge_by, received_on=received_on, problem=problem
                )
            )
        return tuple(result)

    def plan_acknowledge(self, case_ids: Sequence[int], on: date) -> AcknowledgePlan:
        """Return what acknowledging these cases on `on` would do: which are late, which cannot be."""
        cases = tuple(
            replace(
                c,
                late=c.acknowledge_by is not None and on > c.acknowledge_by,
                problem=c.problem
                or (
                    f"was received on {uk_date(c.received_on)}, after that date" if c.received_on > on else ""
                ),
            )
            for c in self.selected(case_ids)
        )
        return AcknowledgePlan(on, cases)

    def acknowledge(self, plan: AcknowledgePlan, *, missed_reason: str = "") -> BulkResult:
        """Acknowledge every case of the plan on its date; the late ones take the one missed reason.

        Nothing is saved unless every case is: a case that cannot be acknowledged, a missing reason or a
        change someone else made since the plan was shown stops the whole batch, named in the message.
        """
        if plan.problems:
            names = "; ".join(f"{c.reference} {c.problem}" for c in plan.problems)
            raise ValidationError(f"Nothing was acknowledged: {names}. Leave those cases out and try again.")
        reason = missed_reason.strip()
        if plan.late and not reason:
            raise ValidationError(
                f"{len(plan.late)} of these acknowledgements are late. Give one reason for the missed "
                "targets; it is recorded on each late case.",
                field="missed_reason",
            )
        with self.ctx.db.write() as session:
            for case in plan.cases:
                case_reason = reason if case.late else ""
                with _Named(case.reference, "acknowledged"):
                    self.cases.change_in(
                        session,
                        case.case_id,
                        case.version,
                        "acknowledge",
                        self.cases.acknowledge_step(plan.on, case_reason),
                        {"missed_reason": case_reason, "bulk": len(plan.cases)},
                    )
        return BulkResult(tuple(c.reference for c in plan.cases))

    def reassign(self, cases: Sequence[BulkCase], *, officer_login: str) -> BulkResult:
        """Give every case to one officer, in one transaction (any refusal saves none of them)."""
        if not cases:
            raise ValidationError("Select one or more cases in the register first.")
        if not officer_login.strip():
            raise ValidationError("Choose the officer to give the cases to.", field="officer")
        with self.ctx.db.write() as session:
            for case in cases:
                with _Named(case.reference, "reassigned"):
                    self.cases.change_in(
                        session,
                        case.case_id,
                        case.version,
                        "assign",
                        self.cases.assign_step(officer_login),
                        {"bulk": len(cases)},
                    )
        return BulkResult(tuple(c.reference for c in cases))


class _Named:
    """Put the case's reference in front of an error met part-way through a batch, and say nothing saved."""

    def __init__(self, reference: str, done: str) -> None:
        self.reference = reference
        self.done = done

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        if error is None or not isinstance(error, SendDeskError):
            return
        tail = f" No case was {self.done}: nothing was saved."
        if isinstance(error, ConflictError):
            raise ConflictError(
                error.changed_by,
                error.changed_at,
                f"{self.reference}: {error} Refresh the register (F5) and select the cases again.{tail}",
            ) from error
        field = error.field if isinstance(error, ValidationError) else None
        raise ValidationError(f"{self.reference}: {error}{tail}", field=field) from error
