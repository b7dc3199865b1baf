"""Random sequences of case work against a real database: recorded dates never drift, figures add up.

A hypothesis `RuleBasedStateMachine` logs complaints, enquiries, MP enquiries, FOI requests and SARs and
works them as staff do (acknowledge early or late, extend, pause and resume, ask for and receive
clarification, respond, escalate, reassign, close, reopen) while an admin adds and removes closure days
and edits policies and the clock moves on. Beside the database it keeps its own model (`lifecycle_model`):
the events it did, when, and the closures and policies in force at that moment. After every step it checks

1. no stored due date changed except through an event allowed to change it (DOMAIN.md, "Clock stops and
   recorded dates": the acknowledgement starts a complaint's response clock; extend; pause and resume;
   clarification; escalation creates stage 2);
2. every stored due date equals the model's own working-out from the case's events and the closures in
   force when the date was worked out (calendar primitives only, never `compute_deadlines`);
3. the case's RAG agrees with those dates (overdue exactly when an open, running target is past due);
4. the weekly figures (received, acknowledged and on time, responded and on time) of every week the
   step's case touches equal a count made straight from the model's events.

Each example gets a fresh database copied from the migrated template (SQLite, or PostgreSQL under
SEND_DESK_TEST_BACKEND=postgres). Example and step counts come from the hypothesis profile in force
(HYPOTHESIS_PROFILE; the `ci` profile should run thousands of steps); under hypothesis's own default
profile, a small everyday run.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import event as hypothesis_event
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.models import Case, CaseStage
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.kinds import CaseKind, ClosureCode, Outcome, Rag, Role
from send_desk.services.admin import PolicyAdminService
from send_desk.services.cases import CaseService
from send_desk.services.reporting import ReportingService, week_label
from send_desk.services.staff import StaffService
from tests.conftest import BACKEND, FakeClock, complaint_input, examples
from tests.services import lifecycle_model as model
from tests.services.lifecycle_model import EW, CaseModel

EVERYDAY_EXAMPLES = 15
EVERYDAY_STEPS = 30
"""The everyday (dev) run: about 450 steps, under ~30 s on SQLite on a quiet machine."""
CI_EXAMPLES = 100
CI_STEPS = 50
"""The ci profile: 5,000 steps, a few minutes on each backend."""

ACTOR = "sam.patel"  # an admin: logs, works cases, edits closures and policies, records every response
STAFF = ("alex.jones", "priya.shah", "chris.lee", "dana.khan")
KINDS = ("complaint", "enquiry", "mp-enquiry", "foi", "sar")
START_DAYS = (
    date(2026, 3, 23),  # Easter: Good Friday 3 April, Easter Monday 6 April
    date(2026, 5, 18),  # the spring bank holiday, and Scotland's one-off 15 June (FOI counts it)
    date(2026, 12, 14),  # Christmas and New Year, 2 January in Scotland
)
POLICY_EDITS = (
    # (kind, stage, field, value): the numbers an admin is likely to change
    ("complaint", 1, "acknowledge_days", 3),
    ("complaint", 1, "acknowledge_days", 5),
    ("complaint", 1, "respond_amount", 15),
    ("complaint", 1, "respond_amount", 10),
    ("complaint", 1, "extension_max", 5),
    ("complaint", 2, "acknowledge_days", 10),
    ("complaint", 2, "respond_amount", 25),
    ("enquiry", 1, "respond_amount", 5),
    ("enquiry", 1, "counts_closures", False),
    ("enquiry", 1, "counts_closures", True),
    ("mp-enquiry", 1, "acknowledge_days", 1),
    ("mp-enquiry", 1, "respond_amount", 15),
    ("foi", 1, "counts_closures", True),
    ("foi", 1, "counts_closures", False),
    ("foi", 1, "extension_max", 10),
    ("sar", 1, "extension_max", 1),
    ("complaint", 1, "due_soon_days", 4),
    ("foi", 1, "due_soon_days", 5),
    ("enquiry", 1, "due_soon_days", 0),
)
LATE = "Officer on leave"
PICK = st.integers(0, 63)  # which of the cases the action can be tried on

StoredDates = dict[tuple[int, int], dict[str, date | None]]


def event(text: str) -> None:
    """Count what the machine did (`--hypothesis-show-statistics`); replayed sequences count nothing."""
    if currently_in_test_context():
        hypothesis_event(text)


def machine_settings() -> settings:
    """Return the run's settings: about 450 steps in the everyday (dev) run, 5,000 under the ci profile."""
    return settings(
        settings.default,
        max_examples=examples(dev=EVERYDAY_EXAMPLES, ci=CI_EXAMPLES),
        stateful_step_count=examples(dev=EVERYDAY_STEPS, ci=CI_STEPS),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


class LifecycleMachine(RuleBasedStateMachine):
    """Work random cases through the desk and compare every stored date and figure with the model."""

    make_database: ClassVar[Callable[[], tuple[str, Callable[[], None]]]]
    """Return a fresh migrated database (its URL) and how to remove it; set by the test."""

    def __init__(self) -> None:
        super().__init__()
        self.url, self.drop = type(self).make_database()
        self.clock = FakeClock(datetime.combine(START_DAYS[0], time(10, 0), tzinfo=UTC))
        self.desk: Desk = open_desk(self.url, clock=self.clock, login=ACTOR)
        staff = StaffService(self.desk.ctx)
        staff.me()
        for login in STAFF:
            role = Role.MANAGER if login == "priya.shah" else Role.OFFICER
            staff.add_staff(login, login.replace(".", " ").title(), role=role, team="SEND casework")
        self.service: CaseService = self.desk.cases
        self.reporting = ReportingService(self.desk.ctx)
        self.admin = PolicyAdminService(self.desk.ctx)
        self.has_clarification_request = hasattr(self.service, "request_clarification")
        self.today = START_DAYS[0]
        self.model: dict[int, CaseModel] = {}
        self.closures: frozenset[date] = frozenset()
        self.policies = dict(model.INITIAL_POLICIES)
        self.stored: StoredDates = {}
        self.allowed: dict[tuple[int, int], set[str]] = {}
        self.touched: set[int] = set()

    def teardown(self) -> None:
        """Close the desk and remove this example's database."""
        self.desk.close()
        self.drop()

    # ----- helpers -----------------------------------------------------------------------------
    def set_today(self, day: date) -> None:
        self.today = day
        self.clock.set_date(day)

    def on(self, floor: date, back: int) -> date | None:
        """Return a date `back` days before today but not before `floor`; None if `floor` is after today."""
        if floor > self.today:
            return None
        return max(floor, self.today - timedelta(days=back))

    def note(self, case: CaseModel, text: str) -> None:
        case.history.append(f"{self.today.isoformat()}: {text}")

    def done(self, case: CaseModel, detail: Any, *fields: str) -> None:
        """Take the new version and say which stored dates the step may change."""
        case.version = detail.version
        self.touched.add(case.id)
        if fields:
            self.allowed[(case.id, case.current.number)] = set(fields)

    def skip(self, why: str) -> None:
        if not currently_in_test_context():
            pytest.fail(f"A replayed step could not run: {why}.")
        event(f"skipped: {why}")

    # ----- rules -------------------------------------------------------------------------------
    @initialize(start=st.sampled_from(START_DAYS))
    def start(self, start: date) -> None:
        self.set_today(start)

    @initialize(
        kinds=st.lists(st.sampled_from(KINDS), min_size=1, max_size=4),
        back=st.integers(0, 25),
        officer=st.sampled_from(STAFF),
    )
    def first_cases(self, kinds: list[str], back: int, officer: str) -> None:
        """Log a few cases first, so that every example has work to do whichever rules it runs."""
        for kind in kinds:
            self.log_case(kind, back, officer)

    @rule(kind=st.sampled_from(KINDS), back=st.integers(0, 25), officer=st.sampled_from(STAFF))
    def log_case(self, kind: str, back: int, officer: str) -> None:
        received = self.today - timedelta(days=back)
        detail = self.service.log_case(complaint_input(received, kind=CaseKind(kind), officer_login=officer))
        case = CaseModel(detail.id, kind, received, detail.version)
        case.stages.append(model.new_stage(1, self.policies[(kind, 1)], received, officer, self.closures))
        self.model[case.id] = case
        event(f"log {kind}")
        self.note(case, f"logged {kind} received {received}")
        self.touched.add(case.id)

    # which cases each action may be tried on (the rules pick one of them; a rule with none waits)
    def can_acknowledge(self, case: CaseModel) -> bool:
        stage = case.current
        return (
            not case.closed
            and stage.acknowledge_by is not None
            and stage.acknowledged_on is None
            and stage.responded_on is None
            and not stage.stopped
            and stage.floor <= self.today
        )

    def can_extend(self, case: CaseModel) -> bool:
        stage = case.current
        return (
            not case.closed
            and stage.responded_on is None
            and not stage.stopped
            and stage.extension is None
            and stage.policy.extension_max is not None
            and not (stage.policy.months and stage.stops)  # a SAR's month that stood still: not modelled
        )

    def can_pause(self, case: CaseModel) -> bool:
        stage = case.current
        due = stage.respond_by
        return (
            not case.closed
            and stage.policy.pause_allowed
            and stage.responded_on is None
            and not stage.stopped
            and due is not None
            and stage.floor <= self.today
            and stage.floor < due  # a fees notice given before the due date
        )

    def can_resume(self, case: CaseModel) -> bool:
        return case.current.paused_since is not None

    def can_request_clarification(self, case: CaseModel) -> bool:
        stage = case.current
        return (
            self.has_clarification_request
            and not case.closed
            and stage.policy.clarification
            and stage.responded_on is None
            and not stage.stopped
            and not (stage.policy.months and stage.extension)  # a SAR extended to a date: not modelled
            and stage.floor <= self.today
            and (stage.unrolled_due is None or stage.floor <= stage.unrolled_due)
        )

    def can_receive_clarification(self, case: CaseModel) -> bool:
        return case.current.waiting_since is not None and not case.closed

    def can_respond(self, case: CaseModel) -> bool:
        stage = case.current
        return (
            not case.closed and stage.responded_on is None and not stage.stopped and stage.floor <= self.today
        )

    def stage_two_candidates(self, case: CaseModel) -> list[str]:
        # nobody who held stage 1 or recorded its response (the actor records every response)
        return [login for login in STAFF if login not in case.stages[0].handlers and login != ACTOR]

    def can_escalate(self, case: CaseModel) -> bool:
        stage = case.current
        return (
            case.kind == "complaint"
            and stage.number == 1
            and stage.responded_on is not None
            and bool(self.stage_two_candidates(case))
        )

    def can_reassign(self, case: CaseModel) -> bool:
        return not case.closed

    def can_close(self, case: CaseModel) -> bool:
        return not case.closed and max(case.current.floor, *case.event_dates()) <= self.today

    def can_reopen(self, case: CaseModel) -> bool:
        return case.closed

    def any_case(self, test: Callable[[CaseModel], bool]) -> bool:
        return any(test(case) for case in self.model.values())

    def choose(self, test: Callable[[CaseModel], bool], pick: int) -> CaseModel:
        found = [case for case in self.model.values() if test(case)]
        if not found:
            pytest.fail(f"A replayed step found no case that passes {test.__name__}.")
        return found[pick % len(found)]

    @precondition(lambda self: self.any_case(self.can_acknowledge))
    @rule(pick=PICK, back=st.integers(0, 12))
    def acknowledge(self, pick: int, back: int) -> None:
        case = self.choose(self.can_acknowledge, pick)
        stage = case.current
        assert stage.acknowledge_by is not None
        on = max(stage.floor, self.today - timedelta(days=back))
        late = on > stage.acknowledge_by
        event(f"acknowledge {'late' if late else 'on time'}")
        detail = self.service.acknowledge(
            case.id, on=on, expected_version=case.version, missed_reason=LATE if late else ""
        )
        model.acknowledge(stage, on, self.closures)
        self.note(case, f"acknowledged on {on}")
        self.done(case, detail, "respond_by", "respond_by_unextended")

    @precondition(lambda self: self.any_case(self.can_extend))
    @rule(pick=PICK, amount=st.integers(1, 20), back=st.integers(0, 12))
    def extend(self, pick: int, amount: int, back: int) -> None:
        case = self.choose(self.can_extend, pick)
        stage = case.current
        assert stage.policy.extension_max is not None
        assert stage.respond_by_unextended is not None
        amount = 1 + (amount - 1) % stage.policy.extension_max
        told_on = max(stage.started_on, self.today - timedelta(days=back))
        if stage.policy.months:
            # a SAR's requester must be told within the first month (which ends on the original due date)
            told_on = min(told_on, stage.respond_by_unextended)
        event("extend")
        detail = self.service.extend(
            case.id, amount=amount, reason="Complex case", told_on=told_on, expected_version=case.version
        )
        model.extend(stage, amount, self.closures)
        self.note(case, f"extended by {amount}, told on {told_on}")
        self.done(case, detail, "respond_by")

    def pause(self, pick: int, back: int) -> None:
        case = self.choose(self.can_pause, pick)
        stage = case.current
        assert stage.respond_by is not None
        on = max(stage.floor, self.today - timedelta(days=back))
        on = min(on, stage.respond_by - timedelta(days=1))
        event("pause")
        detail = self.service.pause(case.id, start=on, reason="Fees notice", expected_version=case.version)
        model.pause(stage, on)
        self.note(case, f"paused from {on}")
        self.done(case, detail, "respond_by", "respond_by_unextended")

    def resume(self, pick: int, back: int) -> None:
        case = self.choose(self.can_resume, pick)
        stage = case.current
        assert stage.paused_since is not None
        on = max(stage.paused_since, self.today - timedelta(days=back))
        event("resume")
        detail = self.service.resume(case.id, end=on, expected_version=case.version)
        model.resume(stage, on, self.closures)
        self.note(case, f"resumed on {on}")
        self.done(case, detail, "respond_by", "respond_by_unextended")

    def request_clarification(self, pick: int, back: int, chase: int | None) -> None:
        case = self.choose(self.can_request_clarification, pick)
        stage = case.current
        on = max(stage.floor, self.today - timedelta(days=back))
        if stage.unrolled_due is not None:
            on = min(on, stage.unrolled_due)  # a SAR's month is stopped before it ends
        event("clarification requested")
        chase_on = None if chase is None else on + timedelta(days=chase)
        detail = self.service.request_clarification(  # type: ignore[attr-defined]
            case.id, on=on, chase_on=chase_on, expected_version=case.version
        )
        model.request_clarification(stage, on)
        self.note(case, f"clarification requested on {on}")
        self.done(case, detail, "respond_by", "respond_by_unextended")

    def receive_clarification(self, pick: int, back: int) -> None:
        case = self.choose(self.can_receive_clarification, pick)
        stage = case.current
        assert stage.waiting_since is not None
        on = max(stage.waiting_since, self.today - timedelta(days=back))
        event("clarification received")
        detail = self.service.record_clarification(case.id, on=on, expected_version=case.version)
        model.receive_clarification(stage, on, self.closures)
        self.note(case, f"clarification received on {on}")
        self.done(case, detail, "respond_by", "respond_by_unextended")

    @precondition(lambda self: self.any_case(self.can_respond))
    @rule(pick=PICK, back=st.integers(0, 12), outcome=st.sampled_from(Outcome))
    def respond(self, pick: int, back: int, outcome: Outcome) -> None:
        case = self.choose(self.can_respond, pick)
        stage = case.current
        on = max(stage.floor, self.today - timedelta(days=back))
        assert stage.respond_by is not None
        late = on > stage.respond_by
        unacknowledged = stage.acknowledge_by is not None and stage.acknowledged_on is None
        event(f"respond {'late' if late else 'on time'}{' unacknowledged' if unacknowledged else ''}")
        detail = self.service.respond(
            case.id,
            on=on,
            expected_version=case.version,
            outcome=outcome if case.kind == "complaint" else None,
            missed_reason=LATE if late else "",
        )
        stage.responded_on = on
        stage.handlers.add(ACTOR)  # whoever records the response handled the stage
        stage.floor = max(stage.floor, on)
        if unacknowledged:
            # the response leaves the acknowledgement missed: it may record none, or the response date
            clock = detail.stages[stage.number - 1].acknowledge
            recorded = None if clock is None else clock.done_on
            assert recorded in (None, on), f"a response on {on} recorded the acknowledgement on {recorded}"
            stage.acknowledged_on = recorded
        self.note(case, f"responded on {on}")
        self.done(case, detail)

    @precondition(lambda self: self.any_case(self.can_escalate))
    @rule(pick=PICK, back=st.integers(0, 12), handler=st.integers(0, 3))
    def escalate(self, pick: int, back: int, handler: int) -> None:
        case = self.choose(self.can_escalate, pick)
        stage = case.current
        assert stage.responded_on is not None
        # asked for within 14 days of the stage 1 response: inside the Code's 20 working days
        requested = max(stage.responded_on, self.today - timedelta(days=back))
        requested = min(requested, stage.responded_on + timedelta(days=14))
        candidates = self.stage_two_candidates(case)
        login = candidates[handler % len(candidates)]
        event("escalate" + (" a closed case" if case.closed else ""))
        detail = self.service.escalate(
            case.id, requested_on=requested, handler_login=login, expected_version=case.version
        )
        case.closed_on = None
        case.stages.append(
            model.new_stage(2, self.policies[("complaint", 2)], requested, login, self.closures)
        )
        self.note(case, f"escalated on {requested} to {login}")
        self.done(case, detail)

    @precondition(lambda self: self.any_case(self.can_reassign))
    @rule(pick=PICK, officer=st.sampled_from((ACTOR, *STAFF)))
    def reassign(self, pick: int, officer: str) -> None:
        case = self.choose(self.can_reassign, pick)
        if case.current.number == 2 and officer in case.stages[0].handlers | {ACTOR}:
            officer = self.stage_two_candidates(case)[0]  # never someone who handled stage 1
        event("reassign")
        detail = self.service.assign(case.id, officer_login=officer, expected_version=case.version)
        case.current.handlers.add(officer)
        self.note(case, f"assigned to {officer}")
        self.done(case, detail)

    def close(self, pick: int, back: int) -> None:
        case = self.choose(self.can_close, pick)
        stage = case.current
        on = max(stage.floor, *case.event_dates(), self.today - timedelta(days=back))
        code = ClosureCode.RESPONDED if stage.responded_on else ClosureCode.WITHDRAWN
        event("close")
        detail = self.service.close(case.id, code=code, on=on, expected_version=case.version)
        case.closed_on = on
        self.note(case, f"closed on {on} ({code.value})")
        self.done(case, detail)

    def reopen(self, pick: int) -> None:
        case = self.choose(self.can_reopen, pick)
        event("reopen")
        detail = self.service.reopen(case.id, reason="Family wrote again", expected_version=case.version)
        case.closed_on = None
        self.note(case, "reopened")
        self.done(case, detail)

    def either(
        self, first: Callable[[CaseModel], bool], second: Callable[[CaseModel], bool], pick: int
    ) -> bool:
        """Tell whether to do the first of two paired actions (the second when only it can be done)."""
        if not self.any_case(second):
            return True
        return self.any_case(first) and pick % 2 == 0

    @precondition(lambda self: self.any_case(self.can_pause) or self.any_case(self.can_resume))
    @rule(pick=PICK, back=st.integers(0, 12))
    def pause_or_resume(self, pick: int, back: int) -> None:
        """Give a fees notice (the clock stops) or record the fee (it restarts)."""
        if self.either(self.can_pause, self.can_resume, pick):
            self.pause(pick // 2, back)
        else:
            self.resume(pick // 2, back)

    @precondition(
        lambda self: (
            self.any_case(self.can_request_clarification) or self.any_case(self.can_receive_clarification)
        )
    )
    @rule(pick=PICK, back=st.integers(0, 12), chase=st.none() | st.integers(5, 15))
    def clarification(self, pick: int, back: int, chase: int | None) -> None:
        """Ask the requester for clarification (the clock stops) or record their answer."""
        if self.either(self.can_request_clarification, self.can_receive_clarification, pick):
            self.request_clarification(pick // 2, back, chase)
        else:
            self.receive_clarification(pick // 2, back)

    @precondition(lambda self: self.any_case(self.can_close) or self.any_case(self.can_reopen))
    @rule(pick=PICK, back=st.integers(0, 12))
    def close_or_reopen(self, pick: int, back: int) -> None:
        """Close an open case or reopen a closed one."""
        if self.either(self.can_close, self.can_reopen, pick):
            self.close(pick // 2, back)
        else:
            self.reopen(pick // 2)

    @rule(
        add=st.booleans(),
        offsets=st.lists(st.integers(-10, 30), min_size=1, max_size=3, unique=True),
        pick=st.integers(0, 100),
    )
    def change_closures(self, add: bool, offsets: list[int], pick: int) -> None:
        """Add closure days around today, or remove some (an admin at work)."""
        if add or not self.closures:
            self.add_closures(offsets)
        else:
            ordered = sorted(self.closures)
            self.remove_closures([ordered[(pick + i) % len(ordered)] for i in range(len(offsets))])

    def add_closures(self, offsets: list[int]) -> None:
        days = [self.today + timedelta(days=n) for n in offsets]
        event("closures added")
        self.desk.closures.add(days, description="Office closed")
        self.closures = self.closures | frozenset(days)

    def remove_closures(self, days: list[date]) -> None:
        event("closures removed")
        self.desk.closures.remove(days)
        self.closures = self.closures - frozenset(days)

    @rule(edit=st.sampled_from(POLICY_EDITS))
    def edit_policy(self, edit: tuple[str, int, str, object]) -> None:
        kind, stage, name, value = edit
        current = self.policies[(kind, stage)]
        if getattr(current, name) == value:
            value = model.INITIAL_POLICIES[(kind, stage)].__getattribute__(name)
            if getattr(current, name) == value:
                return self.skip("edit a policy to what it is")
        event("policy edited")
        self.admin.propose_change(CaseKind(kind), stage, {name: value})
        self.policies[(kind, stage)] = model.with_change(current, name, value)

    @rule(days=st.integers(1, 7))
    def advance_clock(self, days: int) -> None:
        event("clock moved on")
        self.set_today(self.today + timedelta(days=days))

    # ----- checks ------------------------------------------------------------------------------
    @invariant()
    def dates_figures_and_rag_agree(self) -> None:
        stored, cases = self.read_stored()
        self.check_only_allowed_changes(stored)
        for case in self.model.values():
            self.check_case_dates(case, stored, cases[case.id])
        self.check_rag()
        self.check_weeks()
        self.stored = stored
        self.allowed = {}
        self.touched = set()

    def read_stored(self) -> tuple[StoredDates, dict[int, dict[str, Any]]]:
        with self.desk.ctx.db.read() as session:
            stages = session.execute(
                select(
                    CaseStage.case_id,
                    CaseStage.stage,
                    CaseStage.acknowledge_by,
                    CaseStage.respond_by,
                    CaseStage.respond_by_unextended,
                    CaseStage.acknowledged_on,
                    CaseStage.responded_on,
                )
            ).all()
            cases = session.execute(
                select(
                    Case.id,
                    Case.status,
                    Case.stage,
                    Case.acknowledge_by,
                    Case.respond_by,
                    Case.acknowledged_on,
                    Case.responded_on,
                    Case.next_due,
                )
            ).all()
        stored: StoredDates = {
            (row.case_id, row.stage): {
                "acknowledge_by": row.acknowledge_by,
                "respond_by": row.respond_by,
                "respond_by_unextended": row.respond_by_unextended,
                "acknowledged_on": row.acknowledged_on,
                "responded_on": row.responded_on,
            }
            for row in stages
        }
        return stored, {row.id: row._asdict() for row in cases}

    def describe(self, case_id: int) -> str:
        case = self.model[case_id]
        return f"case {case.id} ({case.kind}); closures now {sorted(self.closures)}; " + "; ".join(
            case.history
        )

    def check_only_allowed_changes(self, stored: StoredDates) -> None:
        """Check 1: a recorded due date changes only through an event allowed to change it."""
        for key, before in self.stored.items():
            after = stored.get(key)
            assert after is not None, f"stage {key[1]} of case {key[0]} disappeared"
            for name in ("acknowledge_by", "respond_by", "respond_by_unextended"):
                if before[name] != after[name]:
                    assert name in self.allowed.get(key, set()), (
                        f"{name} of case {key[0]} stage {key[1]} moved from {before[name]} to "
                        f"{after[name]} in a step not allowed to change it. {self.describe(key[0])}"
                    )

    def check_case_dates(self, case: CaseModel, stored: StoredDates, row: dict[str, Any]) -> None:
        """Check 2: every stored date equals the model's own working-out."""
        for stage in case.stages:
            got = stored.get((case.id, stage.number))
            assert got is not None, f"stage {stage.number} of case {case.id} was not stored"
            expected = stage.dates()
            for name, want in expected.items():
                acceptable = {want}
                if stage.stopped and name != "acknowledge_by":
                    acceptable = {None, getattr(stage, f"stop_{name}")}
                assert got[name] in acceptable, (
                    f"case {case.id} stage {stage.number} {name}: stored {got[name]}, expected "
                    f"{' or '.join(str(d) for d in acceptable)}. {self.describe(case.id)}"
                )
            assert got["acknowledged_on"] == stage.acknowledged_on, self.describe(case.id)
            assert got["responded_on"] == stage.responded_on, self.describe(case.id)
        current = case.current
        got = stored[(case.id, current.number)]
        assert row["stage"] == current.number
        assert row["status"] == ("closed" if case.closed else "open"), self.describe(case.id)
        for name in ("acknowledge_by", "respond_by", "acknowledged_on", "responded_on"):
            assert row[name] == got[name], f"case {case.id}: the case's {name} is not its stage's"
        outstanding = [
            d
            for d in (
                current.acknowledge_by if current.acknowledged_on is None else None,
                current.stop_respond_by if current.stopped else current.respond_by,
            )
            if d is not None
        ]
        expected_next = None if case.closed or current.responded_on else min(outstanding, default=None)
        acceptable_next = {expected_next}
        if current.stopped and not case.closed:
            acceptable_next.add(current.acknowledge_by if current.acknowledged_on is None else None)
        assert row["next_due"] in acceptable_next, (
            f"case {case.id} next due {row['next_due']}, expected {expected_next}. {self.describe(case.id)}"
        )

    def expected_rag(self, case: CaseModel) -> set[Rag]:
        """Return the RAG states the case may show today (more than one only where a rule is open)."""
        if case.closed or case.current.responded_on:
            return {Rag.DONE}
        stage = case.current
        respond_by = stage.respond_by
        if stage.stopped:
            assert stage.stopped_on is not None
            # a clock stopped before its date was reached waits (never overdue); one stopped after it
            # (clarification asked for after the due date) stays overdue
            stopped_before = stage.stop_respond_by is None or stage.stopped_on <= stage.stop_respond_by
            respond_by = None if stopped_before else stage.stop_respond_by
        acknowledge_by = stage.acknowledge_by if stage.acknowledged_on is None else None
        dues = [d for d in (acknowledge_by, respond_by) if d]
        if not dues:
            return set(Rag) - {Rag.OVERDUE, Rag.DONE} if stage.stopped else {Rag.ON_TRACK}
        due = min(dues)
        if due < self.today:
            return {Rag.OVERDUE}
        # "due soon": within the stage policy's due_soon_days working days, counted on the office or the
        # policy's calendar with the closures in force now or when the date was worked out
        days = stage.policy.due_soon_days
        calendars = [
            calendar
            for closures in (self.closures, stage.computed_with)
            for calendar in (WorkingCalendar(EW, closures), stage.policy.working_calendar(closures))
        ]
        soon = {due <= c.add_working_days(self.today, days) for c in calendars} | {
            c.working_days_between(self.today, due) <= days for c in calendars
        }
        found = {Rag.DUE_SOON if s else Rag.ON_TRACK for s in soon}
        if stage.stopped:
            found |= set(Rag) - {Rag.OVERDUE, Rag.DONE, Rag.DUE_SOON, Rag.ON_TRACK}
        return found

    def check_rag(self) -> None:
        """Check 3: the register's RAG agrees with the dates."""
        rows = {row.id: row for row in self.desk.register.rows(list(self.model))}
        for case in self.model.values():
            want = self.expected_rag(case)
            assert rows[case.id].rag in want, (
                f"case {case.id} on {self.today} shows {rows[case.id].rag}, expected "
                f"{' or '.join(sorted(r.value for r in want))}. {self.describe(case.id)}"
            )

    def check_weeks(self) -> None:
        """Check 4: the weekly figures of the weeks the step's cases touch equal a count from the model."""
        mondays = {
            day - timedelta(days=day.weekday())
            for case_id in self.touched
            for day in self.model[case_id].event_dates()
        }
        stages = [(case, stage) for case in self.model.values() for stage in case.stages]
        for monday in sorted(mondays):
            sunday = monday + timedelta(days=6)

            def within(day: date | None, monday: date = monday, sunday: date = sunday) -> bool:
                return day is not None and monday <= day <= sunday

            acknowledged = [s for _, s in stages if s.acknowledge_by and within(s.acknowledged_on)]
            responded = [s for _, s in stages if s.respond_by and within(s.responded_on)]
            expected = {
                "received": sum(within(case.received_on) for case in self.model.values()),
                "acknowledged": len(acknowledged),
                "acknowledged_on_time": sum(
                    s.acknowledged_on <= s.acknowledge_by  # type: ignore[operator]
                    for s in acknowledged
                ),
                "responded": len(responded),
                "responded_on_time": sum(s.responded_on <= s.respond_by for s in responded),  # type: ignore[operator]
            }
            summary = self.reporting.weekly_summary(week_label(monday))
            week = summary.this_week
            got = {
                "received": summary.received,
                "acknowledged": week.acknowledged,
                "acknowledged_on_time": week.acknowledged_on_time,
                "responded": week.responded,
                "responded_on_time": week.responded_on_time,
            }
            assert got == expected, (
                f"week {week_label(monday)}: the report says {got}, the events say {expected}. "
                + " | ".join(self.describe(case_id) for case_id in sorted(self.touched))
            )


@pytest.fixture
def lifecycle(request: pytest.FixtureRequest, tmp_path: Path) -> type[LifecycleMachine]:
    """Return the machine class, each of its runs on a fresh copy of the migrated template database."""
    counter = itertools.count()
    if BACKEND == "postgres":
        server = request.getfixturevalue("postgres_server")
        template = request.getfixturevalue("postgres_template")

        def make_database() -> tuple[str, Callable[[], None]]:
            name = server.unique_name()
            url = server.create_database(name, template=template)
            return url, lambda: server.drop_database(name)

    else:
        template_path: Path = request.getfixturevalue("template_database")

        def make_database() -> tuple[str, Callable[[], None]]:
            path = tmp_path / f"desk-{next(counter)}.sqlite3"
            shutil.copy(template_path, path)
            return str(path), lambda: path.unlink(missing_ok=True)

    return type("Lifecycle", (LifecycleMachine,), {"make_database": staticmethod(make_database)})


@pytest.mark.hypothesis  # so that CI's `-m "slow or hypothesis"` run takes it again under the ci profile
@pytest.mark.timeout(1800)  # 5,000 steps under the ci profile, and up to five minutes of shrinking a failure
def test_recorded_dates_and_figures_follow_the_events(lifecycle: type[LifecycleMachine]) -> None:
    """Random case work never moves a recorded date by itself, and every figure follows the events."""
    run_state_machine_as_test(lifecycle, settings=machine_settings())


# ----- sequences replayed step by step: the failures the machine found, kept as fixed examples --------
def replay(lifecycle: type[LifecycleMachine], start: date, steps: Callable[[LifecycleMachine], None]) -> None:
    """Run `steps` on a fresh machine standing on `start`; each step checks everything as the machine does."""
    machine = lifecycle()
    check = machine.dates_figures_and_rag_agree
    try:
        machine.start(start)
        check()
        steps(machine)
    finally:
        machine.teardown()


def test_a_response_with_no_acknowledgement_leaves_the_dates(lifecycle: type[LifecycleMachine]) -> None:
    """Issue 12 item 1: received 30/03/2026 (acknowledge by 08/04, respond by 22/04), answered 15/05."""

    def steps(m: LifecycleMachine) -> None:
        m.log_case(kind="complaint", back=0, officer="alex.jones")
        m.dates_figures_and_rag_agree()
        m.advance_clock(days=46)
        m.dates_figures_and_rag_agree()
        m.respond(pick=0, back=0, outcome=Outcome.UPHELD)  # respond_by stays 22/04: late
        m.dates_figures_and_rag_agree()

    replay(lifecycle, date(2026, 3, 30), steps)


def test_closure_days_added_after_logging_do_not_move_the_acknowledge_by_date(
    lifecycle: type[LifecycleMachine],
) -> None:
    """Issue 12 item 2: logged 01/06/2026 (acknowledge by 08/06); closures 03-04/06; acknowledged 09/06."""

    def steps(m: LifecycleMachine) -> None:
        m.log_case(kind="complaint", back=0, officer="alex.jones")
        m.dates_figures_and_rag_agree()
        m.add_closures(offsets=[2, 3])
        m.dates_figures_and_rag_agree()
        m.advance_clock(days=8)
        m.dates_figures_and_rag_agree()
        m.acknowledge(pick=0, back=0)  # late, with a reason: acknowledge_by stays 08/06
        m.dates_figures_and_rag_agree()

    replay(lifecycle, date(2026, 6, 1), steps)


def test_an_extension_before_the_acknowledgement_keeps_its_length(lifecycle: type[LifecycleMachine]) -> None:
    """Complaint 01/06/2026 extended by 5 working days, closure 24/06 added, acknowledged 03/06: due 25/06.

    The acknowledgement starts the response clock (10 working days: 17/06) and the extension of 5 working
    days counts from there with the closures in force now (18, 19, 22, 23 and 25 June).
    """

    def steps(m: LifecycleMachine) -> None:
        m.log_case(kind="complaint", back=0, officer="alex.jones")
        m.dates_figures_and_rag_agree()
        m.extend(pick=0, amount=5, back=0)
        m.dates_figures_and_rag_agree()
        m.add_closures(offsets=[23])
        m.dates_figures_and_rag_agree()
        m.advance_clock(days=2)
        m.dates_figures_and_rag_agree()
        m.acknowledge(pick=0, back=0)
        m.dates_figures_and_rag_agree()

    replay(lifecycle, date(2026, 6, 1), steps)


def test_a_sar_month_resumes_where_it_stopped(lifecycle: type[LifecycleMachine]) -> None:
    """SAR received Sat 31/01/2026: the month ends Sat 28/02 (due Mon 02/03). Clarification asked for on
    20/02 and received 25/02: the month stood still 5 days, so it ends Thu 05/03, and that is the due date.
    """

    def steps(m: LifecycleMachine) -> None:
        m.log_case(kind="sar", back=0, officer="alex.jones")
        m.dates_figures_and_rag_agree()
        m.advance_clock(days=20)
        m.dates_figures_and_rag_agree()
        m.request_clarification(pick=0, back=0, chase=None)
        m.dates_figures_and_rag_agree()
        m.advance_clock(days=5)
        m.dates_figures_and_rag_agree()
        m.receive_clarification(pick=0, back=0)
        m.dates_figures_and_rag_agree()

    replay(lifecycle, date(2026, 1, 31), steps)


def test_a_second_clarification_request_on_the_day_of_the_answer_stops_the_clock_again(
    lifecycle: type[LifecycleMachine],
) -> None:
    """SAR received Mon 01/06/2026 (due Wed 01/07). Clarification asked 10/06, answered 15/06 (5 days);
    asked again 15/06, answered 22/06 (7 days): the month stood still 12 days, so it is due Mon 13/07.
    """

    def steps(m: LifecycleMachine) -> None:
        m.log_case(kind="sar", back=0, officer="alex.jones")
        m.dates_figures_and_rag_agree()
        for days, action in ((9, "ask"), (5, "answer"), (0, "ask"), (7, "answer")):
            if days:
                m.advance_clock(days=days)
                m.dates_figures_and_rag_agree()
            if action == "ask":
                m.request_clarification(0, 0, None)
            else:
                m.receive_clarification(0, 0)
            m.dates_figures_and_rag_agree()

    replay(lifecycle, date(2026, 6, 1), steps)
