"""Realistic sample cases over the last two years, written in bulk so a million take minutes.

Each sample case is a `CaseInput` (what was logged) and a dated history of what staff did next
(acknowledge, extend, respond, escalate, close), drawn in an order the services accept. The rows are made
by the one writer of a logged case's rows (services/case_rows.py); each step of the history is an action
of `domain/lifecycle.py`, the rules the services follow, so the demo cannot store a case the desk would
refuse, and its rows hold every column the services would write. The first few cases of every
demo are open in each state a team meets (overdue, due today, due soon, on track, awaiting
acknowledgement) so even a small demo shows them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.models import Category, Staff, TargetPolicyRow
from send_desk.domain import lifecycle
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.kinds import CaseKind, CaseStatus, Channel, ClosureCode, Outcome, Role
from send_desk.domain.lifecycle import CaseState, StageState
from send_desk.domain.policy import ClockRule, TargetPolicy
from send_desk.domain.text import fold_accents
from send_desk.services import audit
from send_desk.services.case_rows import (
    CaseRows,
    insert_case_rows,
    new_case_rows,
    new_stage_row,
)
from send_desk.services.cases import reserve_references
from send_desk.services.clocks import case_columns, stage_columns
from send_desk.services.context import UK, ServiceContext
from send_desk.services.demo_ehc import demo_ehc_steps
from send_desk.services.identity import staff_for_login
from send_desk.services.policies import load_closures, policy_from_row
from send_desk.services.views import rag_window
from send_desk.values.cases import CaseInput, PersonInput

BATCH = 5000
DEMO_AUTHOR = "Demo data"
KIND_WEIGHTS: tuple[tuple[CaseKind, int], ...] = (
    (CaseKind.ENQUIRY, 44),
    (CaseKind.COMPLAINT, 20),
    (CaseKind.MP_ENQUIRY, 8),
    (CaseKind.COUNCILLOR_ENQUIRY, 5),
    (CaseKind.FOI, 8),
    (CaseKind.EIR, 1),
    (CaseKind.SAR, 5),
    (CaseKind.OMBUDSMAN, 2),
    (CaseKind.COMPLIMENT, 7),
)
CHANNEL_WEIGHTS: tuple[tuple[Channel, int], ...] = (
    (Channel.EMAIL, 45),
    (Channel.PHONE, 25),
    (Channel.WEB_FORM, 15),
    (Channel.LETTER, 6),
    (Channel.IN_PERSON, 3),
    (Channel.SOCIAL_MEDIA, 2),
)
FIRST_NAMES = [
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Mia",
    "Ivy",
    "Lily",
    "Isabella",
    "Rosie",
    "Sophia",
    "Grace",
    "Freya",
    "Willow",
    "Florence",
    "Emily",
    "Ella",
    "Poppy",
    "Evie",
    "Elsie",
    "Charlotte",
    "Noah",
    "Muhammad",
    "Oliver",
    "George",
    "Leo",
    "Arthur",
    "Oscar",
    "Theodore",
    "Freddie",
    "Archie",
    "Jack",
    "Alfie",
    "Henry",
    "Finley",
    "Lucas",
    "Harry",
    "Thomas",
    "Jacob",
    "Isaac",
    "Mohammed",
    "Aisha",
    "Zara",
    "Priya",
    "Kwame",
    "Chidi",
    "Tomasz",
    "Zofia",
    "Ewan",
    "Niamh",
    "Siân",
    "Zoë",
    "Seán",
    "Anaïs",
    "Chloé",
    "Rhiannon",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Thomas",
    "Clarke",
    "Jackson",
    "Wood",
    "Harris",
    "Edwards",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Hughes",
    "Moore",
    "Clark",
    "King",
    "Harrison",
    "Lewis",
    "Baker",
    "Lee",
    "Allen",
    "Morris",
    "Khan",
    "Scott",
    "Watson",
    "Davis",
    "Parker",
    "James",
    "Bennett",
    "Young",
    "Ali",
    "Mitchell",
    "Kelly",
    "Begum",
    "Hussain",
    "Nowak",
    "Okafor",
    "Mensah",
    "Murphy",
    "Campbell",
    "Reid",
    "Shah",
]
SUMMARIES = (
    "Asking when the EHC needs assessment decision will be made",
    "Draft plan not received within the expected time",
    "Annual review paperwork not yet returned",
    "Concern that provision in section F is not being delivered",
    "Request for update on school placement consultation",
    "Transport to school has not been arranged for September",
    "Complaint about delay in issuing the final EHC plan",
    "Personal budget payment has not arrived",
    "Phase transfer plan for secondary school still not amended",
    "Child out of school; asking about alternative provision",
    "Has not had a reply to emails to the case officer",
    "Unhappy with the decision not to assess",
    "Wants copies of all records held about the family",
    "Asking for the number of EHC plans issued on time last year",
    "Thanks the team for their help with the transition",
    "Tribunal order not yet implemented",
)
DEMO_STAFF = (
    ("demo.hannah.price", "Hannah Price", Role.MANAGER),
    ("demo.tom.reed", "Tom Reed", Role.OFFICER),
    ("demo.fatima.begum", "Fatima Begum", Role.OFFICER),
    ("demo.lewis.grant", "Lewis Grant", Role.OFFICER),
    ("demo.megan.owens", "Megan Owens", Role.OFFICER),
    ("demo.raj.mistry", "Raj Mistry", Role.OFFICER),
    ("demo.chloe.ward", "Chloe Ward", Role.OFFICER),
    ("demo.daniel.okoro", "Daniel Okoro", Role.OFFICER),
    ("demo.sarah.finch", "Sarah Finch", Role.OFFICER),
    ("demo.ben.holt", "Ben Holt", Role.MANAGER),
)


class Step(StrEnum):
    """What a member of staff did on a demo case (the names of the case actions)."""

    ACKNOWLEDGE = "acknowledge"
    EXTEND = "extend"
    RESPOND = "respond"
    ESCALATE = "escalate"
    CLOSE = "close"


@dataclass(frozen=True)
class DemoEvent:
    """One dated step of a demo case's history, with what the member of staff entered for it.

    `on` is the day it happened (for an extension, the day the family was told).
    """

    step: Step
    on: date
    missed_reason: str = ""
    amount: int | None = None
    reason: str = ""
    outcome: str | None = None
    handler: str | None = None
    code: ClosureCode | None = None
    by: str = ""
    """The login of the member of staff who took the step (the responder of a response)."""


@dataclass(frozen=True)
class DemoCase:
    """A sample case: what was logged and the dated steps taken on it since, in order."""

    data: CaseInput
    events: tuple[DemoEvent, ...] = ()


@dataclass(frozen=True)
class _PolicySet:
    row_id: int
    policy: TargetPolicy
    calendar: WorkingCalendar


Recorder = Callable[[str, DemoCase], None]


class DemoService:
    """Fill the database with realistic sample cases."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def generate(
        self, count: int, *, seed: int = 1, days: int = 730, record: Recorder | None = None
    ) -> Iterator[int]:
        """Add `count` cases received over the last `days` days; yield the number written so far.

        `record`, when given, is called with each case's reference and history (tests replay them).
        """
        rng = random.Random(seed)
        today = self.ctx.today()
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            actor = staff_for_login(session, self.ctx.actor_login(), at=now)
            staff = self._ensure_staff(session, now)
            categories = {
                name: category_id
                for category_id, name in session.execute(
                    select(Category.id, Category.name).where(Category.active)
                )
            }
            policies = self._policies(session)
            soon_until = rag_window(session, today).soon_until
            audit.record(
                session,
                at=now,
                login=actor.login,
                actor_name=actor.name,
                action="demo",
                details={"cases": count, "seed": seed},
            )
        builder = _Builder(rng, today, now, days, staff, categories, policies, soon_until)
        builder.ehc_rng = random.Random(seed * 1_000_003 + 18)  # its own stream: the rest stays as it was
        written = 0
        while written < count:
            size = min(BATCH, count - written)
            plans = [builder.plan(written + i) for i in range(size)]
            with self.ctx.db.write() as session:
                numbers: dict[int, Iterator[str]] = {}
                for year in sorted({plan.received.year for plan in plans}):
                    wanted = sum(1 for plan in plans if plan.received.year == year)
                    numbers[year] = iter(reserve_references(session, year, wanted))
                batch: list[CaseRows] = []
                for plan in plans:
                    reference = next(numbers[plan.received.year])
                    case, rows = builder.build(plan, reference)
                    batch.append(rows)
                    if record is not None:
                        record(reference, case)
                insert_case_rows(session, batch)
            written += size
            yield written

    def _ensure_staff(self, session: Session, now: datetime) -> dict[str, int]:
        existing = {s.login: s.id for s in session.scalars(select(Staff))}
        for login, name, role in DEMO_STAFF:
            if login not in existing:
                staff = Staff(
                    login=login, name=name, role=role.value, team="SEND casework", active=True, created_at=now
                )
                session.add(staff)
                session.flush()
                existing[login] = staff.id
        return {login: existing[login] for login, _, _ in DEMO_STAFF}

    def _policies(self, session: Session) -> dict[tuple[str, int], _PolicySet]:
        closures = load_closures(session)
        result = {}
        for row in session.scalars(select(TargetPolicyRow).where(TargetPolicyRow.current)):
            policy = policy_from_row(row)
            result[(row.kind, row.stage)] = _PolicySet(row.id, policy, closures.calendar_for(policy))
        return result


class _Open(StrEnum):
    """The state a showcase case is left in (open, nothing recorded)."""

    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    DUE_SOON = "due soon"
    ON_TRACK = "on track"
    ACKNOWLEDGEMENT_OVERDUE = "acknowledgement overdue"
    AWAITING_ACKNOWLEDGEMENT = "awaiting acknowledgement"


SHOWCASE: tuple[tuple[_Open, CaseKind], ...] = (
    (_Open.OVERDUE, CaseKind.ENQUIRY),
    (_Open.DUE_TODAY, CaseKind.ENQUIRY),
    (_Open.DUE_SOON, CaseKind.FOI),
    (_Open.ON_TRACK, CaseKind.ENQUIRY),
    (_Open.ACKNOWLEDGEMENT_OVERDUE, CaseKind.COMPLAINT),
    (_Open.AWAITING_ACKNOWLEDGEMENT, CaseKind.COMPLAINT),
)
"""The first cases of every demo: one open case in each state the dashboard counts."""


@dataclass(frozen=True)
class _Plan:
    kind: CaseKind
    received: date
    showcase: _Open | None = None


@dataclass
class _History:
    """A demo case's rows and lifecycle state, its history applied through `domain/lifecycle.py`.

    Each step is the lifecycle's own action, so a step the services would refuse raises the same
    `ValidationError` here. Every step is taken by the current stage's handler (who is recorded as the
    responder). `rows` is brought up to date by `write`, as `services/clocks.apply_state` does for a case
    the services change.
    """

    rows: CaseRows
    state: CaseState
    policies: list[_PolicySet]
    today: date
    now: datetime
    events: list[DemoEvent] = field(default_factory=list)

    @property
    def last(self) -> date:
        """Return the day of the latest step (the received date before any)."""
        return self.events[-1].on if self.events else self.state.received_on

    @property
    def calendar(self) -> WorkingCalendar:
        """Return the working calendar of the current stage's policy."""
        return self.policies[-1].calendar

    @property
    def by(self) -> str:
        """Return the login taking the next step: the current stage's handler."""
        return self.state.current.handler or ""

    def acknowledge(self, on: date, missed_reason: str) -> None:
        """Record the acknowledgement."""
        self._step(DemoEvent(Step.ACKNOWLEDGE, on, missed_reason=missed_reason, by=self.by))
        self.state = lifecycle.acknowledge(
            self.state, on=on, today=self.today, calendar=self.calendar, missed_reason=missed_reason
        )
        self.rows.stages[-1]["acknowledge_missed_reason"] = missed_reason.strip()

    def extend(self, told_on: date, amount: int, reason: str) -> None:
        """Extend the response target once, telling the family on `told_on`."""
        self._step(DemoEvent(Step.EXTEND, told_on, amount=amount, reason=reason, by=self.by))
        self.state, length = lifecycle.extend(
            self.state,
            reason=reason,
            today=self.today,
            calendar=self.calendar,
            amount=amount,
            told_on=told_on,
        )
        extension = {
            "amount": length,
            "new_due": self.state.current.respond_by,
            "reason": reason.strip(),
            "told_on": told_on,
            "created_at": self.now,
            "created_by": self.by,
        }
        self.rows.extensions.append((len(self.rows.stages) - 1, extension))

    def respond(self, on: date, outcome: str | None, missed_reason: str) -> None:
        """Record the response."""
        by = self.by
        self._step(DemoEvent(Step.RESPOND, on, outcome=outcome, missed_reason=missed_reason, by=by))
        self.state = lifecycle.respond(
            self.state, on=on, today=self.today, by=by, outcome=outcome, missed_reason=missed_reason
        )
        stage = self.rows.stages[-1]
        stage["outcome"] = outcome
        stage["respond_missed_reason"] = missed_reason.strip()

    def escalate(self, requested_on: date, handler: tuple[str, int], policies: _PolicySet) -> None:
        """Open stage 2 with a new handler; a closed case opens again."""
        late = lifecycle.escalation_late(self.state.current, requested_on, self.calendar)
        late_reason = "The family were waiting for advice" if late else ""
        self._step(DemoEvent(Step.ESCALATE, requested_on, handler=handler[0], reason=late_reason, by=self.by))
        self.state = lifecycle.escalate(
            self.state,
            requested_on=requested_on,
            handler=handler[0],
            today=self.today,
            policy=policies.policy,
            calendar=policies.calendar,
            late_reason=late_reason,
        )
        stage, _ = new_stage_row(
            2,
            policy_id=policies.row_id,
            policy=policies.policy,
            calendar=policies.calendar,
            started_on=requested_on,
            handler_id=handler[1],
        )
        stage["escalation_late_reason"] = late_reason
        self.rows.stages.append(stage)
        self.policies.append(policies)
        self.rows.case.update(officer_id=handler[1], closure_code=None, closed_on=None)

    def close(self, on: date, code: ClosureCode) -> None:
        """Close the case."""
        self._step(DemoEvent(Step.CLOSE, on, code=code, by=self.by))
        self.state = lifecycle.close(self.state, code=code, on=on, today=self.today)
        self.rows.case.update(closure_code=code.value, closure_reason="", closed_on=on)

    def _step(self, event: DemoEvent) -> None:
        assert event.on >= self.last, f"{event.step} on {event.on} is before the step before it"
        self.events.append(event)

    def write(self) -> None:
        """Copy the lifecycle state onto the rows with the services' own mapping (`services/clocks.py`)."""
        for row, stage in zip(self.rows.stages, self.state.stages, strict=True):
            row.update(stage_columns(stage))
        outcome = self.rows.stages[-1]["outcome"]
        self.rows.case.update(case_columns(self.state, outcome, self.calendar))


def _logged_state(kind: CaseKind, rows: CaseRows, policy: TargetPolicy, handler: str) -> CaseState:
    """Return the lifecycle's view of a case just logged as `rows` (as `clocks.case_state` reads it)."""
    row = rows.stages[0]
    stage = StageState(
        stage=row["stage"],
        policy=policy,
        started_on=row["started_on"],
        handler=handler,
        acknowledge_by=row["acknowledge_by"],
        acknowledged_on=row["acknowledged_on"],
        respond_by=row["respond_by"],
        respond_by_unextended=row["respond_by_unextended"],
        responded_on=row["responded_on"],
        manual_due=row["manual_due"],
        handlers=frozenset({handler}),
    )
    return CaseState(kind=kind, status=CaseStatus.OPEN, received_on=rows.case["received_on"], stages=(stage,))


class _Builder:
    """Draws sample cases and their histories, one at a time."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        now: datetime,
        days: int,
        staff: dict[str, int],
        categories: dict[str, int],
        policies: dict[tuple[str, int], _PolicySet],
        soon_until: date,
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.days = days
        self.staff = list(staff.items())
        self.categories = list(categories.items())
        self.policies = policies
        self.soon_until = soon_until
        self.ehc_rng = random.Random(18)
        self.kinds = [k for k, _ in KIND_WEIGHTS]
        self.kind_weights = [w for _, w in KIND_WEIGHTS]
        self.channels = [c for c, _ in CHANNEL_WEIGHTS]
        self.channel_weights = [w for _, w in CHANNEL_WEIGHTS]

    def plan(self, number: int) -> _Plan:
        """Choose the kind and received date of the `number`th case (the first ones are the showcase)."""
        if number < len(SHOWCASE):
            state, kind = SHOWCASE[number]
            return _Plan(kind, self._received_for(state, kind), state)
        rng = self.rng
        kind = rng.choices(self.kinds, self.kind_weights)[0]
        received = self.today - timedelta(days=int(rng.triangular(0, self.days, 0)))
        if received.weekday() >= 5 and rng.random() < 0.8:
            received -= timedelta(days=received.weekday() - 4)
        return _Plan(kind, received)

    def _received_for(self, state: _Open, kind: CaseKind) -> date:
        """Return the latest received date that leaves a newly logged case of `kind` in `state`."""
        chosen = self.policies[(kind.value, 1)]
        today, soon = self.today, self.soon_until
        wanted: dict[_Open, Callable[[date | None, date | None], bool]] = {
            _Open.OVERDUE: lambda ack, due: due is not None and due < today,
            _Open.DUE_TODAY: lambda ack, due: due == today,
            _Open.DUE_SOON: lambda ack, due: due is not None and today < due <= soon,
            _Open.ON_TRACK: lambda ack, due: due is not None and due > soon,
            _Open.ACKNOWLEDGEMENT_OVERDUE: lambda ack, due: ack is not None and ack < today,
            _Open.AWAITING_ACKNOWLEDGEMENT: lambda ack, due: ack is not None and ack > soon,
        }
        for age in range(120):
            received = today - timedelta(days=age)
            _, deadlines = new_stage_row(
                1,
                policy_id=chosen.row_id,
                policy=chosen.policy,
                calendar=chosen.calendar,
                started_on=received,
                handler_id=None,
            )
            if wanted[state](deadlines.acknowledge_by, deadlines.respond_by):
                return received
        return today

    def build(self, plan: _Plan, reference: str) -> tuple[DemoCase, CaseRows]:
        """Return one sample case's history and the rows it leaves."""
        rng = self.rng
        kind, received = plan.kind, plan.received
        login, officer_id = rng.choice(self.staff)
        category, category_id = rng.choice(self.categories)
        child = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        contact_surname = child.split()[1] if rng.random() < 0.85 else rng.choice(SURNAMES)
        contact = f"{rng.choice(FIRST_NAMES)} {contact_surname}"
        email = f"{fold_accents(contact).lower().replace(' ', '.')}{rng.randint(1, 999)}@example.org"
        chosen = self.policies[(kind.value, 1)]
        data = CaseInput(
            kind=kind,
            received_on=received,
            channel=rng.choices(self.channels, self.channel_weights)[0],
            received_at=datetime.combine(received, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UK),
            contact=PersonInput(
                name=contact,
                relationship="parent",
                email=email,
                phone=f"07700 9{rng.randint(0, 99999):05d}",
                consent=True,
            ),
            child=PersonInput(
                name=child,
                date_of_birth=received - timedelta(days=rng.randint(3 * 365, 19 * 365)),
                consent=True,
            ),
            category=category,
            service_area="SEND",
            summary=rng.choice(SUMMARIES),
            officer_login=login,
            ombudsman_due=received + timedelta(days=28)
            if chosen.policy.respond_rule is ClockRule.MANUAL
            else None,
        )
        rows = new_case_rows(
            data,
            reference=reference,
            policy_id=chosen.row_id,
            policy=chosen.policy,
            calendar=chosen.calendar,
            officer_id=officer_id,
            category_id=category_id,
            logged_by_id=officer_id,
            logged_by_name=DEMO_AUTHOR,
            now=self.now,
            officer_login=login,
        )
        history = _History(
            rows, _logged_state(kind, rows, chosen.policy, login), [chosen], self.today, self.now
        )
        if plan.showcase is None:
            self._history(history, kind, received)
        history.write()
        rows.ehc.extend(
            demo_ehc_steps(self.ehc_rng, data.summary, received, self.today, self.now, DEMO_AUTHOR)
        )
        return DemoCase(data, tuple(history.events)), rows

    def _history(self, history: _History, kind: CaseKind, received: date) -> None:
        rng = self.rng
        if kind is CaseKind.COMPLIMENT:
            history.close(received, ClosureCode.RESPONDED)
            return
        responded = self._stage(history, kind)
        if responded is not None:
            if rng.random() < 0.97:
                history.close(
                    min(responded + timedelta(days=rng.randint(0, 3)), self.today), ClosureCode.RESPONDED
                )
        elif (self.today - received).days > 60 and rng.random() < 0.6:
            closed = max(history.last, min(received + timedelta(days=rng.randint(5, 40)), self.today))
            history.close(
                closed, rng.choice((ClosureCode.WITHDRAWN, ClosureCode.NO_RESPONSE_TO_CLARIFICATION))
            )
        outcome = history.rows.stages[0]["outcome"]
        first = history.state.stages[0]
        if kind is not CaseKind.COMPLAINT or responded is None or outcome == Outcome.UPHELD.value:
            return
        if rng.random() >= 0.15:
            return
        requested = max(history.last, responded + timedelta(days=rng.randint(3, 25)))
        if requested > self.today:
            return
        handler = rng.choice(
            [s for s in self.staff if s[0] not in first.handlers | {first.responded_by or ""}]
        )
        history.escalate(requested, handler, self.policies[(kind.value, 2)])
        if self._stage(history, kind) is not None:
            history.close(
                min(history.last + timedelta(days=rng.randint(0, 3)), self.today), ClosureCode.RESPONDED
            )

    def _stage(self, history: _History, kind: CaseKind) -> date | None:
        """Draw the current stage's acknowledgement, extension and response; return the response date."""
        rng = self.rng
        stage = history.state.current
        policy, calendar = stage.policy, history.calendar
        started = stage.started_on
        acknowledge_by = stage.acknowledge_by
        if acknowledge_by is not None:
            if rng.random() < 0.88:
                acknowledged = calendar.add_working_days(
                    started, rng.randint(0, policy.acknowledge_days or 0)
                )
            else:
                acknowledged = calendar.add_working_days(acknowledge_by, rng.randint(1, 4))
            if acknowledged > self.today:
                return None
            late = acknowledged > acknowledge_by
            history.acknowledge(acknowledged, "Staff absence" if late else "")
            stage = history.state.current
        if stage.respond_by is None or stage.respond_by_unextended is None:
            return None
        if policy.extension_max and rng.random() < 0.08:
            told_on = max(history.last, min(stage.respond_by_unextended, self.today))
            amount = rng.randint(1, policy.extension_max)
            history.extend(told_on, amount, "Waiting for information from the school")
        respond_by = history.state.current.respond_by
        assert respond_by is not None
        if rng.random() < 0.78:
            span = max(calendar.working_days_between(started, respond_by), 1)
            responded = calendar.add_working_days(started, rng.randint(1, span))
        else:
            responded = calendar.add_working_days(respond_by, rng.randint(1, 15))
        responded = max(responded, history.last)
        if responded > self.today:
            return None
        outcome = None
        if kind is CaseKind.COMPLAINT:
            outcome = rng.choices(
                (Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value, Outcome.NOT_UPHELD.value), (25, 35, 40)
            )[0]
        history.respond(
            responded, outcome, "Awaiting information from school" if responded > respond_by else ""
        )
        return responded
