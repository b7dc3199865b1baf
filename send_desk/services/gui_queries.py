"""Small read queries the desk window needs: pick lists, the signed-in person and live due dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import select

from send_desk.db.models import Case, Category
from send_desk.domain.kinds import CaseKind
from send_desk.domain.policy import ClockRule
from send_desk.domain.targets import StageClock, compute_deadlines
from send_desk.services.context import ServiceContext
from send_desk.services.deadlines import DeadlineService
from send_desk.services.policies import current_policy_row, load_closures, policy_from_row
from send_desk.services.register import RegisterService
from send_desk.services.staff import StaffService
from send_desk.values.cases import CaseFilter, Deadline, StaffView


@dataclass(frozen=True)
class CategoryView:
    """A SEND category as a pick list shows it."""

    name: str
    appealable: bool


@dataclass(frozen=True)
class CaseVersion:
    """Who last saved a case, when, and its version."""

    version: int
    updated_by: str
    updated_at: datetime


@dataclass(frozen=True)
class KindRules:
    """What the new-case form needs to know about a kind at a stage."""

    kind: CaseKind
    stage: int
    description: str
    has_acknowledgement: bool
    manual_due: bool
    no_target: bool


class GuiQueries:
    """Read-only look-ups behind pick lists and the new-case form."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx
        self._staff = StaffService(ctx)
        self._register = RegisterService(ctx)

    def register_ids(
        self,
        case_filter: CaseFilter,
        sort: str,
        descending: bool,
        *,
        due_soon_only: bool = False,
        limit: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[int]:
        """Return the register's ids; `due_soon_only` keeps cases due after today within the due-soon window.

        `due_soon_only` matches the dashboard's "due in the next 2 working days" count (CaseFilter.due_soon);
        `limit` returns only the first ids (the first screenful, shown while the rest are fetched);
        `should_stop` ends a search a newer one replaced (RegisterService.ids).
        """
        chosen = replace(case_filter, due_soon=True) if due_soon_only else case_filter
        return self._register.ids(chosen, sort, descending, limit=limit, should_stop=should_stop)

    def register_head(
        self, case_filter: CaseFilter, sort: str, descending: bool, want: int, *, due_soon_only: bool = False
    ) -> list[int] | None:
        """Return the register's first `want` ids if a quick look finds them (RegisterService.head_ids)."""
        chosen = replace(case_filter, due_soon=True) if due_soon_only else case_filter
        return self._register.head_ids(chosen, sort, descending, want)

    def categories(self) -> list[CategoryView]:
        """Return the active SEND categories in name order."""
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Category.name, Category.appealable).where(Category.active).order_by(Category.name)
            ).all()
            return [CategoryView(name, bool(appealable)) for name, appealable in rows]

    def staff(self) -> list[StaffView]:
        """Return the active members of staff in name order."""
        return self._staff.list_staff()

    def me(self) -> StaffView:
        """Return the person using the desk (their record is made on first use)."""
        return self._staff.me()

    def latest_change(self, case_id: int) -> CaseVersion | None:
        """Return the saved version of a case with who saved it and when, or None if it is gone."""
        with self.ctx.db.read() as session:
            row = session.execute(
                select(Case.version, Case.updated_by, Case.updated_at).where(Case.id == case_id)
            ).first()
            return None if row is None else CaseVersion(int(row[0]), str(row[1] or ""), row[2])

    def kind_rules(self, kind: CaseKind, stage: int = 1) -> KindRules:
        """Return the current target rules of a kind at a stage, for the form to follow."""
        with self.ctx.db.read() as session:
            policy = policy_from_row(current_policy_row(session, kind, stage))
        return KindRules(
            kind=kind,
            stage=stage,
            description=policy.describe(),
            has_acknowledgement=policy.acknowledge_days is not None,
            manual_due=policy.respond_rule is ClockRule.MANUAL,
            no_target=policy.respond_rule is ClockRule.NONE and policy.acknowledge_days is None,
        )

    def deadline(
        self, kind: CaseKind, stage: int, received: date, *, manual_due: date | None = None
    ) -> Deadline:
        """Return the due dates a new case would get under the current policy and closure days."""
        if manual_due is None:
            return DeadlineService(self.ctx).deadline(kind, received, stage=stage)
        with self.ctx.db.read() as session:
            policy = policy_from_row(current_policy_row(session, kind, stage))
            calendar = load_closures(session).calendar_for(policy)
        deadlines = compute_deadlines(
            policy, calendar, StageClock(started_on=received, manual_due=manual_due)
        )
        return Deadline(
            acknowledge_by=deadlines.acknowledge_by,
            respond_by=deadlines.respond_by,
            respond_by_unextended=deadlines.respond_by_unextended,
            target=policy.describe(),
        )
