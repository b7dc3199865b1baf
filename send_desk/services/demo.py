"""Realistic sample cases over the last two years, written in bulk so a million take minutes."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from send_desk.db.models import (
    Base,
    Case,
    CaseStage,
    Category,
    ReferenceCounter,
    Staff,
    TargetPolicyRow,
)
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.kinds import CaseKind, CaseStatus, Channel, ClosureCode, Outcome, PersonRole, Role
from send_desk.domain.policy import ClockRule, TargetPolicy
from send_desk.domain.reference import make_reference
from send_desk.domain.targets import Deadlines, StageClock, compute_deadlines, due_soon_from, next_target
from send_desk.services import audit
from send_desk.services.context import UK, ServiceContext
from send_desk.services.identity import staff_for_login
from send_desk.services.policies import load_closures, policy_from_row

BATCH = 5000

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


@dataclass(frozen=True)
class _PolicySet:
    row_id: int
    policy: TargetPolicy
    calendar: WorkingCalendar


class DemoService:
    """Fill the database with realistic sample cases."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def generate(self, count: int, *, seed: int = 1, days: int = 730) -> Iterator[int]:
        """Add `count` cases received over the last `days` days; yield the number written so far."""
        rng = random.Random(seed)
        today = self.ctx.today()
        now = self.ctx.now()
        with self.ctx.db.write() as session:
            actor = staff_for_login(session, self.ctx.actor_login(), at=now)
            staff_ids = self._ensure_staff(session, now)
            category_ids = list(session.scalars(select(Category.id).where(Category.active)))
            policies = self._policies(session)
            audit.record(
                session,
                at=now,
                login=actor.login,
                actor_name=actor.name,
                action="demo",
                details={"cases": count, "seed": seed},
            )
        with self.ctx.db.read() as session:
            next_id = (session.scalar(select(func.max(Case.id))) or 0) + 1
            next_stage_id = (session.scalar(select(func.max(CaseStage.id))) or 0) + 1
            counters = dict(session.execute(select(ReferenceCounter.year, ReferenceCounter.last)).all())
        builder = _Builder(rng, today, now, staff_ids, category_ids, policies, counters)
        written = 0
        while written < count:
            size = min(BATCH, count - written)
            cases: list[dict[str, Any]] = []
            stages: list[dict[str, Any]] = []
            people: list[dict[str, Any]] = []
            builder.extensions = []
            for _ in range(size):
                builder.build(next_id, next_stage_id, cases, stages, people)
                next_stage_id += 2
                next_id += 1
            with self.ctx.db.write() as session:
                session.execute(insert(Base.metadata.tables["case_record"]), cases)
                session.execute(insert(Base.metadata.tables["case_stage"]), stages)
                session.execute(insert(Base.metadata.tables["person"]), people)
                if builder.extensions:
                    session.execute(insert(Base.metadata.tables["extension"]), builder.extensions)
                for year, last in builder.counters.items():
                    row = session.get(ReferenceCounter, year)
                    if row is None:
                        session.add(ReferenceCounter(year=year, last=last))
                    else:
                        row.last = max(row.last, last)
            written += size
            yield written

    def _ensure_staff(self, session: Session, now: datetime) -> list[int]:
        existing = {s.login: s.id for s in session.scalars(select(Staff))}
        for login, name, role in DEMO_STAFF:
            if login not in existing:
                staff = Staff(
                    login=login, name=name, role=role.value, team="SEND casework", active=True, created_at=now
                )
                session.add(staff)
                session.flush()
                existing[login] = staff.id
        return [existing[login] for login, _, _ in DEMO_STAFF]

    def _policies(self, session: Session) -> dict[tuple[str, int], _PolicySet]:
        closures = load_closures(session)
        result = {}
        for row in session.scalars(select(TargetPolicyRow).where(TargetPolicyRow.current)):
            policy = policy_from_row(row)
            result[(row.kind, row.stage)] = _PolicySet(row.id, policy, closures.calendar_for(policy))
        return result


class _Builder:
    """Makes the rows of one sample case at a time."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        now: datetime,
        staff_ids: list[int],
        category_ids: list[int],
        policies: dict[tuple[str, int], _PolicySet],
        counters: dict[int, int],
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = now
        self.staff_ids = staff_ids
        self.category_ids = category_ids
        self.policies = policies
        self.counters = counters
        self.kinds = [k for k, _ in KIND_WEIGHTS]
        self.kind_weights = [w for _, w in KIND_WEIGHTS]
        self.channels = [c for c, _ in CHANNEL_WEIGHTS]
        self.channel_weights = [w for _, w in CHANNEL_WEIGHTS]
        self.extensions: list[dict[str, Any]] = []

    def build(
        self,
        case_id: int,
        stage_id: int,
        cases: list[dict[str, Any]],
        stages: list[dict[str, Any]],
        people: list[dict[str, Any]],
    ) -> None:
        """Append the rows of one case to the batch lists."""
        rng = self.rng
        kind = rng.choices(self.kinds, self.kind_weights)[0]
        age = int(rng.triangular(0, 730, 0))
        received = self.today - timedelta(days=age)
        if received.weekday() >= 5 and rng.random() < 0.8:
            received -= timedelta(days=received.weekday() - 4)
        channel = rng.choices(self.channels, self.channel_weights)[0]
        officer = rng.choice(self.staff_ids)
        year = received.year
        number = self.counters.get(year, 0) + 1
        self.counters[year] = number
        reference = make_reference(year, number)

        first = self._stage(kind, 1, received, officer, stage_id, case_id)
        rows = [first]
        status = CaseStatus.CLOSED.value if first["responded_on"] else CaseStatus.OPEN.value
        closed_on = None
        closure = None
        if kind is CaseKind.COMPLIMENT:
            status, closed_on, closure = CaseStatus.CLOSED.value, received, ClosureCode.RESPONDED.value
        elif first["responded_on"]:
            closed_on = min(first["responded_on"] + timedelta(days=rng.randint(0, 3)), self.today)
            closure = ClosureCode.RESPONDED.value
            if rng.random() < 0.03:
                status, closed_on, closure = CaseStatus.OPEN.value, None, None
        elif age > 60 and rng.random() < 0.6:
            status, closed_on = CaseStatus.CLOSED.value, received + timedelta(days=rng.randint(5, 40))
            closure = rng.choice(
                (ClosureCode.WITHDRAWN.value, ClosureCode.NO_RESPONSE_TO_CLARIFICATION.value)
            )
        if (
            kind is CaseKind.COMPLAINT
            and first["responded_on"]
            and first["outcome"] != Outcome.UPHELD.value
            and rng.random() < 0.15
        ):
            requested = first["responded_on"] + timedelta(days=rng.randint(3, 25))
            if requested <= self.today:
                handler = rng.choice([s for s in self.staff_ids if s != officer])
                second = self._stage(kind, 2, requested, handler, stage_id + 1, case_id)
                rows.append(second)
                officer = handler
                status = CaseStatus.CLOSED.value if second["responded_on"] else CaseStatus.OPEN.value
                closed_on = second["responded_on"]
                closure = ClosureCode.RESPONDED.value if closed_on else None
        current = rows[-1]
        deadlines = Deadlines(
            current["acknowledge_by"], current["respond_by"], current["respond_by_unextended"]
        )
        next_due = None
        if status == CaseStatus.OPEN.value:
            next_due = next_target(deadlines, current["acknowledged_on"], current["responded_on"])
        child = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        contact_surname = child.split()[1] if rng.random() < 0.85 else rng.choice(SURNAMES)
        contact = f"{rng.choice(FIRST_NAMES)} {contact_surname}"
        email = f"{contact.lower().replace(' ', '.')}{rng.randint(1, 999)}@example.org"
        phone = f"07700 9{rng.randint(0, 99999):05d}"
        summary = rng.choice(SUMMARIES)
        received_at = datetime.combine(received, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=UK)
        cases.append(
            {
                "id": case_id,
                "reference": reference,
                "kind": kind.value,
                "stage": current["stage"],
                "status": status,
                "channel": channel.value,
                "received_on": received,
                "received_at": received_at,
                "category_id": rng.choice(self.category_ids),
                "service_area": "SEND",
                "summary": summary,
                "description": "",
                "adjustments": "",
                "officer_id": officer,
                "logged_by_id": officer,
                "acknowledge_by": current["acknowledge_by"],
                "acknowledged_on": current["acknowledged_on"],
                "respond_by": current["respond_by"],
                "responded_on": current["responded_on"],
                "next_due": next_due,
                "due_soon_from": due_soon_from(
                    next_due,
                    self.policies[(kind.value, current["stage"])].calendar,
                    self.policies[(kind.value, current["stage"])].policy.due_soon_days,
                ),
                "paused": False,
                "outcome": current["outcome"],
                "closure_code": closure,
                "closure_reason": "",
                "closed_on": closed_on,
                "ombudsman_reference": "",
                "ombudsman_decision": "",
                "anonymised": False,
                "search_text": " ".join(
                    (
                        reference,
                        reference.replace("-", ""),
                        summary,
                        child,
                        contact,
                        email,
                        phone,
                        phone.replace(" ", ""),
                    )
                ),
                "created_at": self.now,
                "updated_at": self.now,
                "updated_by": "Demo data",
                "version": 1,
            }
        )
        stages.extend(rows)
        dob = received - timedelta(days=rng.randint(3 * 365, 19 * 365))
        people.append(_person(case_id, PersonRole.CHILD, child, dob=dob))
        people.append(
            _person(case_id, PersonRole.CONTACT, contact, email=email, phone=phone, relationship="parent")
        )

    def _stage(
        self, kind: CaseKind, stage: int, started: date, handler: int, stage_id: int, case_id: int
    ) -> dict[str, Any]:
        rng = self.rng
        chosen = self.policies[(kind.value, stage)]
        policy, calendar = chosen.policy, chosen.calendar
        manual = started + timedelta(days=28) if policy.respond_rule is ClockRule.MANUAL else None
        planned = compute_deadlines(policy, calendar, StageClock(started_on=started, manual_due=manual))
        acknowledged = None
        if planned.acknowledge_by is not None:
            if rng.random() < 0.88:
                acknowledged = calendar.add_working_days(
                    started, rng.randint(0, policy.acknowledge_days or 0)
                )
            else:
                acknowledged = calendar.add_working_days(planned.acknowledge_by, rng.randint(1, 4))
            if acknowledged > self.today:
                acknowledged = None
        extension = None
        if policy.extension_max and rng.random() < 0.08:
            extension = min(policy.extension_max, rng.randint(1, policy.extension_max))
        deadlines = compute_deadlines(
            policy,
            calendar,
            StageClock(
                started_on=started, acknowledged_on=acknowledged, extension=extension, manual_due=manual
            ),
        )
        if extension and deadlines.respond_by is not None:
            self.extensions.append(
                {
                    "stage_id": stage_id,
                    "amount": extension,
                    "new_due": deadlines.respond_by,
                    "reason": "Waiting for information from the school",
                    "told_on": deadlines.respond_by_unextended,
                    "created_at": self.now,
                    "created_by": "demo",
                }
            )
        responded = None
        outcome = None
        if deadlines.respond_by is not None and kind is not CaseKind.COMPLIMENT:
            if rng.random() < 0.78:
                span = max(calendar.working_days_between(started, deadlines.respond_by), 1)
                responded = calendar.add_working_days(started, rng.randint(1, span))
            else:
                responded = calendar.add_working_days(deadlines.respond_by, rng.randint(1, 15))
            if responded > self.today or (acknowledged is None and planned.acknowledge_by is not None):
                responded = None
        if responded and kind is CaseKind.COMPLAINT:
            outcome = rng.choices(
                (Outcome.UPHELD.value, Outcome.PARTLY_UPHELD.value, Outcome.NOT_UPHELD.value), (25, 35, 40)
            )[0]
        return {
            "id": stage_id,
            "case_id": case_id,
            "stage": stage,
            "policy_id": chosen.row_id,
            "started_on": started,
            "handler_id": handler,
            "acknowledge_by": deadlines.acknowledge_by,
            "acknowledged_on": acknowledged,
            "acknowledge_missed_reason": "Staff absence"
            if acknowledged and deadlines.acknowledge_by and acknowledged > deadlines.acknowledge_by
            else "",
            "respond_by": deadlines.respond_by,
            "respond_by_unextended": deadlines.respond_by_unextended,
            "responded_on": responded,
            "respond_missed_reason": "Awaiting information from school"
            if responded and deadlines.respond_by and responded > deadlines.respond_by
            else "",
            "clarified_on": None,
            "manual_due": manual,
            "outcome": outcome,
            "reasons": "",
            "learning": "",
        }


def _person(
    case_id: int,
    role: PersonRole,
    name: str,
    *,
    dob: date | None = None,
    email: str = "",
    phone: str = "",
    relationship: str = "",
) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "role": role.value,
        "name": name,
        "name_key": name.lower(),
        "date_of_birth": dob,
        "identifier": "",
        "relationship_to_child": relationship,
        "organisation": "",
        "email": email,
        "email_key": email.lower(),
        "phone": phone,
        "phone_key": phone.replace(" ", ""),
        "address": "",
        "preferred_contact": "",
        "consent": True,
    }
