"""Reading the audit trail: search by case, person, date and action, old → new values, export."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Select, and_, func, or_, select

from send_desk.db.models import AuditEntry
from send_desk.domain.errors import to_display_time
from send_desk.services.context import UK, ServiceContext
from send_desk.services.permissions import Action, require
from send_desk.services.spreadsheet import safe_row

REDACTED = '{"redacted": true}'
"""The only value the database lets an audit entry's changes become (for an anonymised case)."""

EXPORT_COLUMNS = (
    "When (UK time)",
    "Login",
    "Name",
    "Case",
    "Action",
    "Field",
    "Old value",
    "New value",
    "Details",
)


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value in an audit entry."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class AuditView:
    """One audit entry as a person reads it."""

    id: int
    at: datetime
    login: str
    actor_name: str
    case_reference: str
    action: str
    changes: tuple[FieldChange, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    redacted: bool = False

    def summary(self) -> str:
        """Return the changes as one line, e.g. "respond_by: 2026-12-04 → 2026-12-18"."""
        if self.redacted:
            return "(details removed when the case was anonymised)"
        parts = [f"{c.field}: {_text(c.old)} → {_text(c.new)}" for c in self.changes]
        parts += [f"{key}: {_text(value)}" for key, value in self.details.items()]
        return "; ".join(parts)


@dataclass(frozen=True)
class AuditQuery:
    """Which audit entries to show; every field is optional and they combine with AND."""

    case_reference: str | None = None
    login: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    action: str | None = None


def _text(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def decode(entry: AuditEntry) -> AuditView:
    """Return the view of a stored audit entry, decoding its JSON body."""
    try:
        body = json.loads(entry.changes or "{}")
    except ValueError:
        body = {"details": {"text": entry.changes}}
    if not isinstance(body, dict):
        body = {"details": {"value": body}}
    raw_changes = body.get("changes") or {}
    changes = tuple(
        FieldChange(name, *(pair if isinstance(pair, list) and len(pair) == 2 else [None, pair]))
        for name, pair in raw_changes.items()
    )
    details = body.get("details") or {}
    return AuditView(
        id=entry.id,
        at=entry.at,
        login=entry.login,
        actor_name=entry.actor_name,
        case_reference=entry.case_reference,
        action=entry.action,
        changes=changes,
        details=dict(details) if isinstance(details, dict) else {"value": details},
        redacted=bool(body.get("redacted")),
    )


def uk_day_start(day: date) -> datetime:
    """Return the UTC moment a UK calendar day begins."""
    return datetime.combine(day, time(0, 0), tzinfo=UK)


class AuditService:
    """Read-only access to the audit trail for managers and admins."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def search(
        self,
        case_reference: str | None = None,
        login: str | None = None,
        date_from: date | None = None,
        date_to: date | None = None,
        action: str | None = None,
        limit: int = 200,
        offset: int = 0,
    ) -> list[AuditView]:
        """Return audit entries, newest first, matching every filter given."""
        query = AuditQuery(case_reference, login, date_from, date_to, action)
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.VIEW_AUDIT, at=self.ctx.now())
            statement = self._filtered(select(AuditEntry), query)
            statement = statement.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            statement = statement.limit(max(0, limit)).offset(max(0, offset))
            return [decode(entry) for entry in session.scalars(statement)]

    def count(self, query: AuditQuery | None = None) -> int:
        """Return how many audit entries match."""
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.VIEW_AUDIT, at=self.ctx.now())
            statement = self._filtered(select(func.count(AuditEntry.id)), query or AuditQuery())
            return int(session.scalar(statement) or 0)

    def actions(self) -> list[str]:
        """Return the distinct action names in the trail, for a filter list."""
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.VIEW_AUDIT, at=self.ctx.now())
            return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))

    def iter_entries(self, query: AuditQuery | None = None, *, batch: int = 1000) -> Iterator[AuditView]:
        """Yield every matching entry, oldest first, a batch at a time."""
        last_id = 0
        while True:
            with self.ctx.db.read() as session:
                require(session, self.ctx.actor_login(), Action.VIEW_AUDIT, at=self.ctx.now())
                statement = self._filtered(select(AuditEntry), query or AuditQuery())
                statement = statement.where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
                rows = [decode(entry) for entry in session.scalars(statement)]
            if not rows:
                return
            yield from rows
            last_id = rows[-1].id

    def export_xlsx(self, out: Path, query: AuditQuery | None = None) -> Iterator[int]:
        """Write matching entries to a spreadsheet, one row per changed field; yield rows written so far."""
        from openpyxl import Workbook

        from send_desk.reports.xlsx_export import private_sheet, save_beside
        from send_desk.services.export_log import ExportKind, ExportLogService

        log = ExportLogService(self.ctx)
        log.allow(ExportKind.AUDIT_EXPORT)
        workbook = Workbook(write_only=True)
        sheet = private_sheet(workbook, "Audit trail", list(EXPORT_COLUMNS))
        written = 0
        for view in self.iter_entries(query):
            for row in audit_rows(view):
                sheet.append(safe_row(sheet, row))
            written += 1
            if written % 500 == 0:
                yield written
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        save_beside(workbook, out)
        log.record(ExportKind.AUDIT_EXPORT, out.name, rows=written, filters=_query_filters(query))
        yield written

    def _filtered(self, statement: Select[Any], query: AuditQuery) -> Select[Any]:
        conditions: list[Any] = []
        if query.case_reference and query.case_reference.strip():
            conditions.append(AuditEntry.case_reference == query.case_reference.strip().upper())
        if query.login and query.login.strip():
            who = query.login.strip().lower()
            conditions.append(
                or_(
                    func.lower(AuditEntry.login) == who,
                    func.lower(AuditEntry.actor_name).contains(who, autoescape=True),
                )
            )
        if query.date_from:
            conditions.append(AuditEntry.at >= uk_day_start(query.date_from))
        if query.date_to:
            conditions.append(AuditEntry.at < uk_day_start(query.date_to + timedelta(days=1)))
        if query.action and query.action.strip():
            conditions.append(AuditEntry.action == query.action.strip())
        return statement.where(and_(*conditions)) if conditions else statement


def audit_rows(view: AuditView) -> list[list[Any]]:
    """Return the spreadsheet rows of one entry: one per changed field, or one for the whole entry."""
    when = to_display_time(view.at).replace(tzinfo=None)
    head = [when, view.login, view.actor_name, view.case_reference, view.action]
    details = "" if not view.details else "; ".join(f"{k}: {_text(v)}" for k, v in view.details.items())
    if view.redacted:
        return [[*head, "", "", "", "(details removed when the case was anonymised)"]]
    if not view.changes:
        return [[*head, "", "", "", details]]
    return [[*head, c.field, _text(c.old), _text(c.new), details] for c in view.changes]


def _query_filters(query: AuditQuery | None) -> dict[str, Any]:
    """Return the audit query's filters that were set, for the export log."""
    if query is None:
        return {}
    return {name: value for name, value in vars(query).items() if value not in (None, "")}
