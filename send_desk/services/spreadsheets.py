"""Spreadsheet use cases: export the log to Excel (streamed) and import a team's tracker (validated first).

The columns, both ways, are one table: `reports.sheet_fields.CASE_COLUMNS`. Export reads the cases a
register filter selects in keyset-paginated batches of plain rows (never ORM objects), each value under
its name; turns each row into a `CaseLine` (fields read by name, a few worked out in `_line`) and hands
them to the streaming writer in `reports.xlsx_export`. Both directions yield `values.Progress`.

Import reads the sheet with `reports.xlsx_import`, checks every row (dates, words, categories, staff,
duplicates, the same rules as logging a case) and reports each rejected row with its sheet row number;
a real import then logs every accepted row in one transaction through `CaseService.log_bulk` (bulk
inserts a few thousand rows at a time; all or nothing, audited as "import"). References already on the
desk are skipped and reported.

Pseudonymisation: names, emails, phones and addresses become HMAC-SHA256 tokens under a random key made
for one export and never stored, so tokens are stable within that workbook (the same family has the same
token on every row) but cannot be reversed or matched across exports. Summaries and dates of birth are
left out.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import aliased

from send_desk.db.models import Case, CaseStage, Category, EhcStepRecord, Person, Staff, TargetPolicyRow
from send_desk.domain.ehc import EhcDateName
from send_desk.domain.errors import ValidationError
from send_desk.domain.kinds import CaseKind, CaseStatus, Channel, ClosureCode, Outcome, PersonRole, Rag
from send_desk.domain.policy import TargetPolicy
from send_desk.reports.case_history import relationship_label
from send_desk.reports.sheet_fields import (
    DEFAULT_COLUMNS,
    IGNORE,
    PSEUDONYMS,
    STAGE_SHEET_FIELDS,
    CaseLine,
    choose_columns,
)
from send_desk.reports.xlsx_export import ExportAbout, ExportSummary, write_cases_csv, write_cases_xlsx
from send_desk.services.context import UK, ServiceContext
from send_desk.services.export_extras import EXTRA_FIELDS, stage_extras
from send_desk.services.export_log import ExportKind, ExportLogService
from send_desk.services.policies import policy_from_row
from send_desk.services.register import RegisterService
from send_desk.services.views import RagWindow, rag_window
from send_desk.values.cases import CaseFilter
from send_desk.values.progress import Progress

EXPORT_BATCH = 5000
FETCH_CHUNK = 250
EXTRAS_CHUNK = 1000
"""Cases whose stages' history is read in one round of queries (see `export_extras.stage_extras`)."""
PROGRESS_EVERY = 1000
SAVE_CHUNK = 2000
"""Cases inserted per bulk round of a real import (every round is in the import's one transaction)."""


# ----- export --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExportOutcome:
    """The finished export: where it is and how many cases it holds."""

    path: Path
    cases: int
    pseudonymised: bool
    cut_cells: int = 0
    """Values longer than a spreadsheet cell holds, cut with a note (listed on the About sheet)."""


class Pseudonymiser:
    """Replace personal details by stable tokens: HMAC-SHA256 under a key that lives for one export."""

    def __init__(self, key: bytes | None = None) -> None:
        """Use `key`, or a fresh random one (the normal case: tokens then match nothing outside the file)."""
        self._key = key or secrets.token_bytes(32)
        self._cache: dict[tuple[str, str], str] = {}

    def token(self, prefix: str, value: str) -> str:
        """Return the token for a value ("" stays ""); equal values (ignoring case and spacing) match."""
        folded = " ".join(value.lower().split())
        if prefix == "PHONE":
            folded = "".join(ch for ch in folded if ch.isdigit())
        if not folded:
            return ""
        key = (prefix, folded)
        found = self._cache.get(key)
        if found is None:
            digest = hmac.new(self._key, f"{prefix}:{folded}".encode(), hashlib.sha256).hexdigest()
            found = f"{prefix}-{digest[:10].upper()}"
            if len(self._cache) < 200_000:
                self._cache[key] = found
        return found


_LABELS: dict[str, str] = {
    member.value: str(member.label) for enum_type in (CaseKind, Channel) for member in enum_type
}
_OUTCOME_LABELS = {member.value: member.label for member in Outcome}
_CLOSURE_LABELS = {member.value: member.label for member in ClosureCode}


def _label(labels: Mapping[str, str], value: str | None) -> str:
    if not value:
        return ""
    return labels.get(value, value)


def describe_filter(case_filter: CaseFilter) -> tuple[tuple[str, str], ...]:
    """Return the filter as (name, value) pairs for the About sheet."""
    parts: list[tuple[str, str]] = []
    if case_filter.case_ids:
        parts.append(("Cases", f"{len(case_filter.case_ids):,} selected in the register"))
    parts.append(("Status", {"open": "Open cases", "closed": "Closed cases"}.get(case_filter.status, "All")))
    if case_filter.kinds:
        parts.append(("Kind", ", ".join(kind.label for kind in case_filter.kinds)))
    if case_filter.received_from:
        parts.append(("Received from", f"{case_filter.received_from:%d/%m/%Y}"))
    if case_filter.received_to:
        parts.append(("Received to", f"{case_filter.received_to:%d/%m/%Y}"))
    if case_filter.officer_login:
        parts.append(("Officer", case_filter.officer_login))
    if case_filter.unassigned:
        parts.append(("Officer", "Unassigned"))
    if case_filter.category:
        parts.append(("Category", case_filter.category))
    if case_filter.text.strip():
        parts.append(("Search", case_filter.text.strip()))
    for flag, words in (
        (case_filter.overdue, "Overdue only"),
        (case_filter.due_today, "Due today only"),
        (case_filter.awaiting_acknowledgement, "Awaiting acknowledgement only"),
    ):
        if flag:
            parts.append(("Due", words))
    if case_filter.due_within is not None:
        parts.append(("Due", f"Within {case_filter.due_within} working days"))
    return tuple(parts)


class ExportService:
    """Export the cases a filter selects to an .xlsx workbook, streamed, with progress."""

    def __init__(self, ctx: ServiceContext, *, database_label: str = "") -> None:
        """Use the given database, clock and acting login; `database_label` is shown on the About sheet."""
        self.ctx = ctx
        self.database_label = database_label

    def count(self, case_filter: CaseFilter | None = None) -> int:
        """Return how many cases the export would hold."""
        return RegisterService(self.ctx).count(case_filter or CaseFilter(status="all"))

    def export(
        self,
        out: Path,
        case_filter: CaseFilter | None = None,
        *,
        pseudonymise: bool = False,
        columns: Sequence[str] | None = None,
    ) -> Generator[Progress, None, ExportOutcome]:
        """Write the workbook (or CSV, by the file's extension), yielding progress; close to cancel.

        `columns` are the headers to export, in order (None: the default choice). The export is checked
        against the permission table and the team's export rule before anything is written, and recorded
        in the export log once the file is whole.
        """
        out = Path(out)
        as_csv = out.suffix.lower() == ".csv"
        kind = ExportKind.CSV if as_csv else ExportKind.SPREADSHEET
        log = ExportLogService(self.ctx)
        log.allow(kind, pseudonymise=pseudonymise)
        try:
            chosen = choose_columns(columns) if columns else DEFAULT_COLUMNS
        except ValueError as exc:
            raise ValidationError(
                f"{exc} Choose columns from the export dialog's list.", field="columns"
            ) from None
        case_filter = case_filter or CaseFilter(status="all")
        total = self.count(case_filter)
        about = ExportAbout(
            exported_at=self.ctx.now().astimezone(UK),
            exported_by=self._actor_name(),
            database=self.database_label or self._database_text(),
            filters=describe_filter(case_filter),
            pseudonymised=pseudonymise,
            as_of=self.ctx.today(),
        )
        needed = frozenset(column.name for column in chosen) | (frozenset() if as_csv else STAGE_SHEET_FIELDS)
        lines = self.lines(
            case_filter, pseudonymiser=Pseudonymiser() if pseudonymise else None, needed=needed
        )
        steps = (
            write_cases_csv(out, lines, progress_every=PROGRESS_EVERY, columns=chosen)
            if as_csv
            else write_cases_xlsx(out, lines, about, progress_every=PROGRESS_EVERY, columns=chosen)
        )
        try:
            while True:
                done = next(steps)
                yield Progress(done, total, f"Exported {done:,} of {total:,} cases…")
        except StopIteration as stop:
            summary: ExportSummary = stop.value
        finally:
            steps.close()
        filters: dict[str, Any] = dict(about.filters)
        filters["Columns"] = len(chosen)
        log.record(kind, out.name, rows=summary.cases, filters=filters, pseudonymised=pseudonymise)
        return ExportOutcome(summary.path, summary.cases, pseudonymise, len(summary.cut))

    def export_all(
        self,
        out: Path,
        case_filter: CaseFilter | None = None,
        *,
        pseudonymise: bool = False,
        columns: Sequence[str] | None = None,
    ) -> ExportOutcome:
        """Write the workbook at once and return the outcome."""
        steps = self.export(out, case_filter, pseudonymise=pseudonymise, columns=columns)
        while True:
            try:
                next(steps)
            except StopIteration as stop:
                outcome: ExportOutcome = stop.value
                return outcome

    def _actor_name(self) -> str:
        login = self.ctx.actor_login()
        with self.ctx.db.read() as session:
            name = session.scalar(select(Staff.name).where(Staff.login == login))
        return f"{name} ({login})" if name else login

    def _database_text(self) -> str:
        return self.ctx.db.engine.url.render_as_string(hide_password=True)

    def lines(
        self,
        case_filter: CaseFilter,
        *,
        pseudonymiser: Pseudonymiser | None = None,
        batch: int = EXPORT_BATCH,
        needed: frozenset[str] | None = None,
    ) -> Iterator[CaseLine]:
        """Yield the export lines of the filtered cases in received order, a keyset batch at a time.

        `needed` names the line fields the chosen columns show (None: all); the stages' history is read
        only when one of them needs it.
        """
        register = RegisterService(self.ctx)
        contact = aliased(Person)
        child = aliased(Person)
        representative = aliased(Person)
        with_extras = needed is None or not EXTRA_FIELDS.isdisjoint(needed)
        with self.ctx.db.read() as session:
            window = rag_window(session, self.ctx.today())
            policies = {row.id: policy_from_row(row) for row in session.scalars(select(TargetPolicyRow))}
        sources = _sources(contact, child, representative)
        names = tuple(sources)
        columns = [expression.label(name) for name, expression in sources.items()]
        last: tuple[date, int] | None = None
        # one read transaction (a consistent snapshot) paged by keyset on (received_on, id)
        with self.ctx.db.read() as session:
            base: Select[Any] = (
                select(*columns)
                .outerjoin(contact, (contact.case_id == Case.id) & (contact.role == PersonRole.CONTACT.value))
                .outerjoin(child, (child.case_id == Case.id) & (child.role == PersonRole.CHILD.value))
                .outerjoin(
                    representative,
                    (representative.case_id == Case.id)
                    & (representative.role == PersonRole.REPRESENTATIVE.value),
                )
                .outerjoin(Category, Category.id == Case.category_id)
                .outerjoin(Staff, Staff.id == Case.officer_id)
                .outerjoin(CaseStage, (CaseStage.case_id == Case.id) & (CaseStage.stage == Case.stage))
                .outerjoin(EhcStepRecord, (EhcStepRecord.case_id == Case.id) & EhcStepRecord.current)
            )
            base = register.filtered(session, base, case_filter, window)
            connection = session.connection()

            def release(rows: list[Any]) -> Iterator[CaseLine]:
                """Yield the lines of some rows, their stages' history read in one round of queries."""
                extras = (
                    stage_extras(session, [r.id for r in rows], details=pseudonymiser is None, needed=needed)
                    if with_extras
                    else None
                )
                for held_row in rows:
                    yield _line(
                        dict(zip(names, held_row, strict=True)), window, policies, pseudonymiser, extras
                    )

            while True:
                query = base
                if last is not None:
                    query = query.where(tuple_(Case.received_on, Case.id) > tuple_(*last))
                result = connection.execute(query.order_by(Case.received_on, Case.id).limit(batch))
                count = 0
                row: Any = None
                # fetch in small chunks: a long fetch holds the GIL and would stall the GUI thread
                held: list[Any] = []  # rows waiting for their stages' history, read EXTRAS_CHUNK at a time
                for chunk in result.partitions(FETCH_CHUNK):
                    held.extend(chunk)
                    row = chunk[-1]
                    count += len(chunk)
                    if len(held) >= EXTRAS_CHUNK:
                        yield from release(held)
                        held = []
                if held:
                    yield from release(held)
                if count < batch or row is None:
                    return
                last = (row.received, row.id)


_LINE_FIELDS = tuple(f.name for f in fields(CaseLine))
_LINE_VALUES = itemgetter(*_LINE_FIELDS)
"""A line's values picked from a row's values by name, in the order of the line's fields."""
_BLANKS = {f.name: f.default for f in fields(CaseLine) if f.default == ""}
"""Text fields of a line, blank rather than None when the row has no value."""


def _sources(contact: Any, child: Any, representative: Any) -> dict[str, Any]:
    """Return, by name, the columns an export line is made from.

    Every `CaseLine` field the line does not work out (see `_line`) is read from the row by its own name;
    a field named like a column of the case table is read from that column without an entry here.
    """
    named: dict[str, Any] = {
        "id": Case.id,
        "reference": Case.reference,
        "kind": Case.kind,
        "stage": Case.stage,
        "status": Case.status,
        "channel": Case.channel,
        "received": Case.received_on,
        "service_area": Case.service_area,
        "summary": Case.summary,
        "acknowledge_by": Case.acknowledge_by,
        "acknowledged": Case.acknowledged_on,
        "respond_by": Case.respond_by,
        "responded": Case.responded_on,
        "next_due": Case.next_due,
        "outcome": Case.outcome,
        "closure_code": Case.closure_code,
        "contact_name": contact.name,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
        "contact_address": contact.address,
        "child_name": child.name,
        "child_dob": child.date_of_birth,
        "category": Category.name,
        "officer": Staff.name,
        "officer_team": Staff.team,
        "respond_by_unextended": CaseStage.respond_by_unextended,
        "policy_id": CaseStage.policy_id,
        "started_on": CaseStage.started_on,
        "due_soon_from": Case.due_soon_from,
        "paused": Case.paused,
        **ehc_sources(),
        "contact_relationship": contact.relationship_to_child,
        "contact_organisation": contact.organisation,
        "representative_name": representative.name,
        "representative_organisation": representative.organisation,
        "representative_relationship": representative.relationship_to_child,
        "representative_email": representative.email,
        "representative_phone": representative.phone,
        "representative_address": representative.address,
        "child_identifier": child.identifier,
        "ombudsman_due": CaseStage.manual_due,
    }
    for name in _LINE_FIELDS:
        if name not in named and name not in _WORKED_OUT:
            column = getattr(Case, name, None)
            if column is None:
                raise LookupError(f"The export line's field {name} is neither worked out nor a case column.")
            named[name] = column
    return named


def ehc_sources() -> dict[str, Any]:
    """Return the export line's EHC fields by name: the current step's columns (issue 18).

    The days its dates were done and its exceptions are read beside the rows (`export_extras`).
    """
    named: dict[str, Any] = {
        "ehc_step": EhcStepRecord.step,
        "ehc_started": EhcStepRecord.started_on,
        "ehc_post16": EhcStepRecord.post16,
        "ehc_amendment_notice": EhcStepRecord.amendment_notice_on,
    }
    named.update({name.value: getattr(EhcStepRecord, name.value) for name in EhcDateName})
    return named


_WORKED_OUT = frozenset(
    {
        "team",
        "extended_to",
        "working_days",
        "within_target",
        "state",
        "acknowledge_rag",
        "respond_rag",
        "kind_id",
    }
    | EXTRA_FIELDS
)
"""The line fields `_line` works out (the rest are read from the row by name)."""


_NO_EXTRAS = {
    name: ("" if default == "" else None)
    for name, default in ((f.name, f.default) for f in fields(CaseLine) if f.name in EXTRA_FIELDS)
}


def _line(
    v: dict[str, Any],
    window: RagWindow,
    policies: Mapping[int, TargetPolicy],
    p: Pseudonymiser | None,
    extras: Mapping[int, dict[str, Any]] | None = None,
) -> CaseLine:
    """Return the export line of a row's values `v` (by name), working out the `_WORKED_OUT` fields.

    RAG follows the register: the case's state from its stored "due soon" day, each date by its stage
    policy's window (as the case's own view shades it), the response "waiting" while the clock is stopped.
    """
    status, kind, responded = v["status"], v["kind"], v["responded"]
    closed = status == CaseStatus.CLOSED.value
    respond_by, unextended = v["respond_by"], v["respond_by_unextended"]
    extended_to = (
        respond_by if unextended is not None and respond_by is not None and respond_by != unextended else None
    )
    policy = policies.get(v["policy_id"])
    working_days = None
    started_on = v["started_on"]
    if responded is not None and started_on is not None and policy is not None:
        working_days = window.calendar_for(policy).working_days_between(started_on, responded)
    state = window.case_rag(status, v["next_due"], responded, v["due_soon_from"], bool(v["paused"]))
    ack_rag = window.rag(v["acknowledge_by"], v["acknowledged"], closed, policy=policy)
    respond_rag = (
        Rag.WAITING if state is Rag.WAITING else window.rag(respond_by, responded, closed, policy=policy)
    )
    v["kind"] = _label(_LABELS, kind)
    v["kind_id"] = kind
    v["channel"] = _label(_LABELS, v["channel"])
    v["status"] = "Closed" if closed else "Open"
    v["team"] = v["service_area"] or v["officer_team"] or ""
    v["respond_by"] = unextended if extended_to is not None else respond_by
    v["extended_to"] = extended_to
    v["working_days"] = working_days
    v["within_target"] = None if respond_by is None or responded is None else responded <= respond_by
    v["outcome"] = _label(_OUTCOME_LABELS, v["outcome"])
    v["closure_code"] = _label(_CLOSURE_LABELS, v["closure_code"])
    v["state"] = state.label
    v["acknowledge_rag"] = None if ack_rag is Rag.DONE else ack_rag.value
    v["respond_rag"] = None if respond_rag is Rag.DONE else respond_rag.value
    v["contact_relationship"] = relationship_label(v["contact_relationship"] or "")
    v["representative_relationship"] = relationship_label(v["representative_relationship"] or "")
    v.update((extras or {}).get(v["id"]) or _NO_EXTRAS)
    for name, blank in _BLANKS.items():
        if v[name] is None:
            v[name] = blank  # no contact, no category, no officer: an empty cell
    if p is not None:
        for name, prefix in PSEUDONYMS.items():
            v[name] = p.token(prefix, v[name]) if prefix else _BLANKS.get(name)
    return CaseLine(*_LINE_VALUES(v))


from send_desk.services.tracker_import import (  # noqa: E402 - the import's home; names kept here
    ImportResult,
    ImportService,
    RejectedRow,
    SkippedRow,
)

__all__ = [
    "IGNORE",
    "ExportOutcome",
    "ExportService",
    "ImportResult",
    "ImportService",
    "Pseudonymiser",
    "RejectedRow",
    "SkippedRow",
]
