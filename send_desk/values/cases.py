"""Immutable values that services take and return; callers never see ORM objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from send_desk.domain.kinds import CaseKind, CaseStatus, Channel, Rag
from send_desk.domain.lifecycle import CaseAction


@dataclass(frozen=True)
class PersonInput:
    """Details of a child, contact or representative as typed or imported."""

    name: str = ""
    date_of_birth: date | None = None
    identifier: str = ""
    relationship: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    preferred_contact: str = ""
    consent: bool = False

    def is_blank(self) -> bool:
        """Tell whether nothing identifying was entered."""
        return not (self.name or self.email or self.phone or self.identifier or self.address)


@dataclass(frozen=True)
class CaseInput:
    """Everything needed to log a case; optional recorded dates are for imports of old trackers."""

    kind: CaseKind
    received_on: date
    stage: int = 1
    channel: Channel = Channel.EMAIL
    received_at: datetime | None = None
    contact: PersonInput = field(default_factory=PersonInput)
    child: PersonInput = field(default_factory=PersonInput)
    representative: PersonInput | None = None
    category: str = ""
    service_area: str = ""
    summary: str = ""
    description: str = ""
    adjustments: str = ""
    adjustments_review_on: date | None = None
    matter_on: date | None = None
    matter_late_reason: str = ""
    officer_login: str | None = None
    reference: str | None = None
    ombudsman_reference: str = ""
    ombudsman_due: date | None = None
    acknowledged_on: date | None = None
    responded_on: date | None = None
    outcome: str | None = None
    link_to: tuple[str, ...] = ()


@dataclass(frozen=True)
class StaffView:
    """A member of staff as shown to others."""

    login: str
    name: str
    role: str = "officer"
    team: str = ""
    active: bool = True


@dataclass(frozen=True)
class PersonView:
    """A person named on a case."""

    role: str
    name: str
    date_of_birth: date | None
    identifier: str
    relationship: str
    organisation: str
    email: str
    phone: str
    address: str
    preferred_contact: str
    consent: bool


@dataclass(frozen=True)
class ExtensionView:
    """An extension granted to a response target."""

    amount: int
    new_due: date
    reason: str
    told_on: date | None
    created_by: str


@dataclass(frozen=True)
class PauseView:
    """A period when the clock stood still."""

    start: date
    end: date | None
    reason: str


@dataclass(frozen=True)
class RemedyView:
    """A remedy offered in a response."""

    kind: str
    amount_pence: int | None
    description: str


@dataclass(frozen=True)
class ActionView:
    """An outstanding action promised in a response."""

    id: int
    what: str
    owner: str
    due: date | None
    done_on: date | None


@dataclass(frozen=True)
class ClockView:
    """One target of one stage: what was due, when it was done, and whether it was met."""

    name: str
    due: date | None
    done_on: date | None
    met: bool | None
    rag: Rag
    extended_from: date | None = None
    missed_reason: str = ""


@dataclass(frozen=True)
class StageView:
    """One stage of a case with all its clocks."""

    stage: int
    target: str
    started_on: date
    handler: StaffView | None
    acknowledge: ClockView | None
    respond: ClockView | None
    paused: bool
    clarified_on: date | None
    outcome: str | None
    reasons: str
    learning: str
    extensions: tuple[ExtensionView, ...]
    pauses: tuple[PauseView, ...]
    remedies: tuple[RemedyView, ...]
    actions: tuple[ActionView, ...]
    extension_allowed: bool
    pause_allowed: bool
    clarification_requested_on: date | None = None
    chase_on: date | None = None
    waiting: bool = False
    """Stopped until the requester answers a clarification (or proof of identity) request."""
    escalation_late_reason: str = ""
    counts_months: bool = False
    """The response target is counted in calendar months (a SAR): it is extended to a date."""


@dataclass(frozen=True)
class TimelineView:
    """An entry in the case's timeline."""

    at: datetime
    entry_type: str
    channel: str
    direction: str
    text: str
    author: str


@dataclass(frozen=True)
class LinkView:
    """A case linked to this one."""

    reference: str
    kind: str
    summary: str
    status: str


@dataclass(frozen=True)
class CaseDetail:
    """A whole case, as the case view and the print-out show it."""

    id: int
    reference: str
    kind: CaseKind
    stage: int
    status: CaseStatus
    channel: str
    received_on: date
    received_at: datetime | None
    category: str
    appealable: bool
    service_area: str
    summary: str
    description: str
    adjustments: str
    officer: StaffView | None
    logged_by: str
    child: PersonView | None
    contact: PersonView | None
    representative: PersonView | None
    stages: tuple[StageView, ...]
    timeline: tuple[TimelineView, ...]
    links: tuple[LinkView, ...]
    acknowledge_by: date | None
    acknowledged_on: date | None
    respond_by: date | None
    responded_on: date | None
    next_due: date | None
    rag: Rag
    outcome: str | None
    closure_code: str | None
    closure_reason: str
    closed_on: date | None
    ombudsman_reference: str
    ombudsman_decision: str
    anonymised: bool
    version: int
    updated_at: datetime
    updated_by: str
    actions: Mapping[CaseAction, str | None] = field(default_factory=dict)
    """Every lifecycle action: None when it is allowed now, else the reason it is not (plain words)."""
    relevant: frozenset[CaseAction] = frozenset(CaseAction)
    """The actions this kind and its policy ever allow; screens hide the others."""
    adjustments_review_on: date | None = None
    matter_on: date | None = None
    matter_late_reason: str = ""

    @property
    def current_stage(self) -> StageView:
        """Return the stage the case is at now."""
        return self.stages[-1]

    def allows(self, action: CaseAction) -> bool:
        """Return whether `action` is allowed on the case now."""
        return action in self.actions and self.actions[action] is None


@dataclass(frozen=True)
class CaseRow:
    """One line of the register."""

    id: int
    reference: str
    kind: CaseKind
    stage: int
    status: CaseStatus
    received_on: date
    contact_name: str
    child_name: str
    category: str
    officer: str
    acknowledge_by: date | None
    acknowledged_on: date | None
    respond_by: date | None
    responded_on: date | None
    next_due: date | None
    rag: Rag
    summary: str = ""
    overdue_days: int | None = None
    """Working days since the next target fell due (open cases past it), else None."""


@dataclass(frozen=True)
class DashboardCounts:
    """The numbers on the dashboard strip."""

    overdue: int
    due_today: int
    due_soon: int
    awaiting_acknowledgement: int
    open: int


@dataclass(frozen=True)
class CaseFilter:
    """What the register shows: every field is optional and they combine with AND."""

    status: str = "open"
    kinds: tuple[CaseKind, ...] = ()
    officer_login: str | None = None
    category: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""
    overdue: bool = False
    due_today: bool = False
    due_within: int | None = None
    due_soon: bool = False
    """After today and within the due-soon window: the dashboard's "due in the next 2 working days"."""
    awaiting_acknowledgement: bool = False
    unassigned: bool = False
    case_ids: tuple[int, ...] = ()
    """Only these cases (the rows selected in the register), when given."""


@dataclass(frozen=True)
class Deadline:
    """The due dates of a case as `send-desk deadline` prints them."""

    acknowledge_by: date | None
    respond_by: date | None
    respond_by_unextended: date | None
    target: str


@dataclass(frozen=True)
class KindRules:
    """What the new-case form needs to know about a kind's current target at a stage."""

    kind: CaseKind
    stage: int
    description: str
    has_acknowledgement: bool
    manual_due: bool
    no_target: bool


@dataclass(frozen=True)
class CaseVersion:
    """Who last saved a case, when, and its version."""

    version: int
    updated_by: str
    updated_at: datetime
