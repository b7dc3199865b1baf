"""The export log: every export and print-out of personal data recorded, and the team's export rule.

Each kind of export asks `ExportLogService.allow` before it writes anything (the permission table's rule,
and the team's pseudonymised-only rule for officers) and calls `record` once the file is whole: who, when,
what kind, the file's name, the filters, how many rows, pseudonymised or not. Managers and admins read the
log in Admin ▸ Export log (the data protection screens) and may export it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from send_desk.db.models import ExportLogRow
from send_desk.domain.errors import PermissionDeniedError
from send_desk.domain.kinds import Role
from send_desk.domain.settings import EXPORTS_PSEUDONYMISED_ONLY
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.desk_settings import read_setting, write_setting
from send_desk.services.permissions import Action, allows, require, role_of


class ExportKind(StrEnum):
    """A kind of export of personal data; the value is what the log stores."""

    SPREADSHEET = "spreadsheet"
    CSV = "csv"
    WEEKLY_REPORT = "weekly-report"
    ANNUAL_REPORT = "annual-report"
    CASE_PRINTOUT = "case-printout"
    SUBJECT_ACCESS_PACK = "subject-access-pack"
    AUDIT_EXPORT = "audit-export"
    EXPORT_LOG = "export-log"

    @property
    def label(self) -> str:
        """Return the words a person reads."""
        return _LABELS[self]


_LABELS = {
    ExportKind.SPREADSHEET: "Spreadsheet (cases)",
    ExportKind.CSV: "CSV (cases)",
    ExportKind.WEEKLY_REPORT: "Weekly summary (PDF)",
    ExportKind.ANNUAL_REPORT: "Annual figures (PDF)",
    ExportKind.CASE_PRINTOUT: "Case print-out (PDF)",
    ExportKind.SUBJECT_ACCESS_PACK: "Subject-access pack",
    ExportKind.AUDIT_EXPORT: "Audit trail export",
    ExportKind.EXPORT_LOG: "Export log export",
}

ACTION_FOR: dict[ExportKind, Action] = {
    ExportKind.SPREADSHEET: Action.EXPORT,
    ExportKind.CSV: Action.EXPORT,
    ExportKind.WEEKLY_REPORT: Action.PRINT_REPORTS,
    ExportKind.ANNUAL_REPORT: Action.PRINT_REPORTS,
    ExportKind.CASE_PRINTOUT: Action.PRINT_CASE,
    ExportKind.SUBJECT_ACCESS_PACK: Action.SUBJECT_ACCESS,
    ExportKind.AUDIT_EXPORT: Action.EXPORT_AUDIT,
    ExportKind.EXPORT_LOG: Action.VIEW_EXPORTS,
}
"""The permission each kind of export needs."""

PSEUDONYMISABLE = frozenset({ExportKind.SPREADSHEET, ExportKind.CSV})
"""The exports the team's pseudonymised-only rule covers (the case log; print-outs are of one case)."""


@dataclass(frozen=True)
class ExportLogEntry:
    """One recorded export."""

    id: int
    at: datetime
    login: str
    actor_name: str
    kind: ExportKind
    target: str
    filters: dict[str, Any]
    rows: int
    pseudonymised: bool

    def filters_text(self) -> str:
        """Return the filters in words ("Status: All; Kind: Complaint")."""
        return "; ".join(f"{name}: {value}" for name, value in self.filters.items()) or "None"


def _entry(row: ExportLogRow) -> ExportLogEntry:
    try:
        filters = json.loads(row.filters or "{}")
    except ValueError:
        filters = {"filters": row.filters}
    return ExportLogEntry(
        row.id,
        row.at,
        row.login,
        row.actor_name,
        ExportKind(row.kind),
        row.target,
        filters if isinstance(filters, dict) else {"filters": filters},
        row.rows,
        row.pseudonymised,
    )


def pseudonymised_only(session: Session) -> bool:
    """Tell whether the team allows officers pseudonymised exports only."""
    return read_setting(session, EXPORTS_PSEUDONYMISED_ONLY) == "true"


class ExportLogService:
    """Check an export may happen, record it when done, list the log, set the team's export rule."""

    def __init__(self, ctx: ServiceContext) -> None:
        """Use the given database, clock and acting login."""
        self.ctx = ctx

    def allow(self, kind: ExportKind, *, pseudonymise: bool = False) -> None:
        """Raise PermissionDeniedError, in plain words, unless the acting person may do this export now."""
        with self.ctx.db.read() as session:
            staff = require(session, self.ctx.actor_login(), ACTION_FOR[kind], at=self.ctx.now())
            if (
                kind in PSEUDONYMISABLE
                and not pseudonymise
                and not allows(staff.role, Action.EXPORT_IDENTIFIABLE)
                and pseudonymised_only(session)
            ):
                raise PermissionDeniedError(
                    "Your team exports pseudonymised data only: names, contact details and free text are "
                    "replaced or left out. Tick Pseudonymise (or use --pseudonymise), or ask your manager."
                )

    def must_pseudonymise(self) -> bool:
        """Tell whether the acting person's case-log exports must be pseudonymised (the team's rule)."""
        with self.ctx.db.read() as session:
            staff = require(session, self.ctx.actor_login(), Action.EXPORT, at=self.ctx.now())
            return not allows(staff.role, Action.EXPORT_IDENTIFIABLE) and pseudonymised_only(session)

    def record(
        self,
        kind: ExportKind,
        target: Path | str,
        *,
        rows: int,
        filters: Mapping[str, Any] | None = None,
        pseudonymised: bool = False,
    ) -> None:
        """Record a finished export in the log (its own unit of work)."""
        with self.ctx.db.write() as session:
            staff = require(session, self.ctx.actor_login(), ACTION_FOR[kind], at=self.ctx.now())
            plain_filters = audit.plain(dict(filters or {}))
            session.add(
                ExportLogRow(
                    at=self.ctx.now(),
                    login=staff.login,
                    actor_name=staff.name,
                    kind=kind.value,
                    target=str(target)[:500],
                    filters=json.dumps(plain_filters, ensure_ascii=False),
                    rows=rows,
                    pseudonymised=pseudonymised,
                )
            )
            # the audit trail too: every write is audited (a team's server refuses one that is not)
            audit.record(
                session,
                at=self.ctx.now(),
                login=staff.login,
                actor_name=staff.name,
                action="exported",
                details={
                    "kind": kind.value,
                    "target": str(target)[:500],
                    "rows": rows,
                    "filters": plain_filters,
                    "pseudonymised": pseudonymised,
                },
            )

    def entries(self, *, limit: int = 500, offset: int = 0) -> list[ExportLogEntry]:
        """Return the log, newest first (managers and admins)."""
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.VIEW_EXPORTS, at=self.ctx.now())
            rows = session.scalars(
                select(ExportLogRow)
                .order_by(ExportLogRow.at.desc(), ExportLogRow.id.desc())
                .limit(max(0, limit))
                .offset(max(0, offset))
            )
            return [_entry(row) for row in rows]

    def count(self) -> int:
        """Return how many exports are in the log."""
        with self.ctx.db.read() as session:
            require(session, self.ctx.actor_login(), Action.VIEW_EXPORTS, at=self.ctx.now())
            return int(session.scalar(select(func.count(ExportLogRow.id))) or 0)

    def pseudonymised_only(self) -> bool:
        """Tell whether the team allows officers pseudonymised exports only."""
        with self.ctx.db.read() as session:
            return pseudonymised_only(session)

    def set_pseudonymised_only(self, value: bool) -> None:
        """Set (managers and admins) whether officers may export pseudonymised data only; audited."""
        write_setting(
            self.ctx, EXPORTS_PSEUDONYMISED_ONLY, "true" if value else "false", action=Action.SET_EXPORT_RULE
        )

    def export_xlsx(self, out: Path) -> int:
        """Write the export log to a spreadsheet (managers and admins); this export is logged too."""
        from send_desk.reports.xlsx_export import write_rows_xlsx

        self.allow(ExportKind.EXPORT_LOG)
        entries = self.entries(limit=1_000_000)
        rows = [
            [
                e.at.replace(tzinfo=None),
                e.actor_name,
                e.login,
                e.kind.label,
                e.target,
                e.filters_text(),
                e.rows,
                "Yes" if e.pseudonymised else "No",
            ]
            for e in entries
        ]
        write_rows_xlsx(Path(out), "Export log", EXPORT_LOG_HEADERS, rows)
        self.record(ExportKind.EXPORT_LOG, Path(out).name, rows=len(rows))
        return len(rows)


EXPORT_LOG_HEADERS = ("When (UTC)", "Who", "Login", "What", "File", "Filters", "Rows", "Pseudonymised")


def role_may(role: str | Role, kind: ExportKind) -> bool:
    """Tell whether a role may do a kind of export at all (the menus hide what it may not)."""
    return allows(role_of(role) if isinstance(role, str) else role, ACTION_FOR[kind])
