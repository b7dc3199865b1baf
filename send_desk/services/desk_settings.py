"""Settings an admin keeps in the database for every desk: read with a default, changed and audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from send_desk.db.models import DeskSetting
from send_desk.services import audit
from send_desk.services.context import ServiceContext
from send_desk.services.permissions import Action, require


def read_setting(session: Session, key: str) -> str | None:
    """Return a setting's stored value, or None when none was ever set."""
    return session.scalars(select(DeskSetting.value).where(DeskSetting.key == key)).first()


def write_setting(ctx: ServiceContext, key: str, value: str) -> None:
    """Store a setting (admins only), auditing the old and new value as "setting-changed"."""
    with ctx.db.write() as session:
        actor = require(session, ctx.actor_login(), Action.MANAGE_SETTINGS, at=ctx.now())
        row = session.get(DeskSetting, key)
        old = row.value if row is not None else None
        if row is None:
            row = DeskSetting(key=key)
            session.add(row)
        row.value = value
        row.updated_at = ctx.now()
        row.updated_by = actor.login
        audit.record(
            session,
            at=ctx.now(),
            login=actor.login,
            actor_name=actor.name,
            action="setting-changed",
            changes={key: (old, value)},
        )
