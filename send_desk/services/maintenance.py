"""The database owner's work: set a team's PostgreSQL up, migrate it, and compact what retention owes.

These run with the owner's login (the DBA's), never a desk's: `send-desk team setup` once, `send-desk
migrate` after an update, `send-desk maintain` nightly (a scheduled task). On SQLite `maintain` compacts
the file when a retention run left compaction owed (the process died before its VACUUM).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, select, text

from send_desk.db import team
from send_desk.db.migrate import alembic_config, current_revision, head_revision
from send_desk.db.models import CompactionOwed
from send_desk.db.session import Database, translate_errors
from send_desk.domain.errors import PermissionDeniedError, ValidationError
from send_desk.domain.kinds import Role
from send_desk.services import audit
from send_desk.services.policies import seed_reference_data
from send_desk.services.retention import compact_owed


@dataclass(frozen=True)
class MaintenanceResult:
    """What `maintain` compacted (table names; "*" for a whole SQLite file)."""

    compacted: tuple[str, ...]


def owner_identity(engine: Engine, doing: str) -> team.ServerIdentity:
    """Return the server's word on who is connected, refusing anyone but the owner's login."""
    identity = team.server_identity(engine)
    if not identity.trusted:
        raise PermissionDeniedError(
            f"Only the database owner's login can {doing}; you are connected as {identity.login}. "
            "Ask your database administrator to run it with the owner's login."
        )
    return identity


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Bring a PostgreSQL database to the newest schema as its owner; return (from, to) revisions."""
    identity = owner_identity(engine, "migrate the database")
    before = current_revision(engine)
    if before != head_revision():
        from alembic import command

        config = alembic_config()
        with translate_errors(), engine.begin() as conn:
            if identity.team:
                conn.execute(text(f"SET LOCAL ROLE {team.q(team.OWNER)}"))  # new tables belong to the owner
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    add_shipped_data(engine, login=identity.login)
    return before, head_revision()


def add_shipped_data(engine: Engine, *, login: str) -> None:
    """Add what a version ships in the database (letter templates) as the owner: desk logins may not."""
    from send_desk.services.context import ServiceContext
    from send_desk.services.letters import LetterService

    LetterService(ServiceContext(db=Database(engine), login=login)).ensure_shipped()


def setup_team(
    engine: Engine, *, now: datetime, admin_login: str = "", admin_name: str = "", password: str = ""
) -> list[str]:
    """Make a PostgreSQL database a team's (roles, owner, grants, audit checks); optionally add an admin."""
    if engine.dialect.name != "postgresql":
        raise ValidationError(
            "Team setup is for a team's PostgreSQL database; a SQLite file is one PC's desk. Give "
            "--database postgresql://…",
            field="database",
        )
    identity = team.server_identity(engine)
    if identity.team:
        owner_identity(engine, "set the team up")
    dba = identity.login
    with translate_errors():
        migrate_plain(engine)
        with engine.begin() as conn:
            done = team.setup_team(conn)
    db = Database(engine)
    with db.write() as session:
        seed_reference_data(session, at=now, login=dba)
        if admin_login:
            session.execute(
                text("SELECT send_desk_staff_add(:login, :name, 'admin', '', :password, :at)"),
                {
                    "login": admin_login,
                    "name": admin_name or admin_login,
                    "password": password,
                    "at": now.astimezone(UTC).replace(tzinfo=None),
                },
            )
            done.append(f"{admin_login} is an admin, with their own login")
        audit.record(
            session,
            at=now,
            login=dba,
            actor_name=dba,
            action="team-setup",
            details={"admin": admin_login, "role": Role.ADMIN.value if admin_login else ""},
        )
    add_shipped_data(engine, login=dba)
    return done


def migrate_plain(engine: Engine) -> None:
    """Migrate as the connected login (before the owner role exists: team setup's first step)."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def maintain(engine: Engine) -> MaintenanceResult:
    """Compact what retention left owed: VACUUM FULL and ANALYZE on PostgreSQL, VACUUM on SQLite."""
    if engine.dialect.name == "sqlite":
        return MaintenanceResult(("*",) if compact_owed(engine) else ())
    owner_identity(engine, "compact the database (send-desk maintain)")
    with engine.connect() as conn:
        owed = [str(row[0]) for row in conn.execute(select(CompactionOwed.table_name))]
        existing = set(team.tables_of(conn))
    done: list[str] = []
    with translate_errors(), engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in owed:
            if table in existing:
                # VACUUM FULL writes the table anew (old row versions gone); ANALYZE replaces the old
                # values pg_statistic keeps as most-common values and histograms
                conn.execute(text(f"VACUUM (FULL, ANALYZE) {team.q(table)}"))
            conn.execute(delete(CompactionOwed).where(CompactionOwed.table_name == table))
            done.append(table)
    return MaintenanceResult(tuple(done))
