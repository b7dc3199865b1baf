"""Writing the append-only audit trail: who, when, what, old and new values."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from send_desk.db.bulk import insert_rows
from send_desk.db.models import AuditEntry, Base, Case

Changes = dict[str, tuple[Any, Any]]


def plain(value: Any) -> Any:
    """Turn a value into something JSON can hold."""
    if value is None or value.__class__ in (str, int, bool):
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items()}
    return value


def record(
    session: Session,
    *,
    at: datetime,
    login: str,
    actor_name: str,
    action: str,
    case: Case | None = None,
    changes: Changes | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Add an audit entry for one action; old → new pairs go under "changes"."""
    write_rows(
        session,
        [
            {
                "at": at,
                "login": login,
                "actor_name": actor_name,
                "case_id": case.id if case is not None else None,
                "case_reference": case.reference if case is not None else "",
                "action": action,
                "changes": changes_json(changes, details),
            }
        ],
    )


def write_rows(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Write audit rows (columns of `audit_entry`, without id) in one statement.

    On PostgreSQL they go through the server's `send_desk_audit` function: desk logins have no INSERT on
    the audit table, and the server writes who (session_user) and when (the transaction's time) itself.
    """
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        payload = [{**row, "at": _naive_utc(row["at"])} for row in rows]
        session.execute(
            text("SELECT send_desk_audit(CAST(:rows AS json))"), {"rows": json.dumps(payload, default=str)}
        )
        return
    insert_rows(session, Base.metadata.tables[AuditEntry.__tablename__], rows)


def _naive_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat()


def changes_json(changes: Changes | None = None, details: dict[str, Any] | None = None) -> str:
    """Return the JSON an audit entry stores: old → new pairs under "changes", other facts under "details"."""
    body: dict[str, Any] = {}
    if changes:
        body["changes"] = {key: [plain(old), plain(new)] for key, (old, new) in changes.items() if old != new}
    if details:
        body["details"] = {key: plain(value) for key, value in details.items()}
    return _ENCODER.encode(body)


_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
"""The audit's JSON: keys in order, accents kept (one encoder, not one a call)."""


def diff(before: dict[str, Any], after: dict[str, Any]) -> Changes:
    """Return the old → new pairs of the keys whose values differ."""
    return {key: (before.get(key), after.get(key)) for key in after if before.get(key) != after.get(key)}
