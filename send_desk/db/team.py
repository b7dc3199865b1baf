"""A team's PostgreSQL database with roles the server enforces: owner, group roles, grants, audit triggers.

One place says what each role may do to each table (`TABLE_ACCESS`, everything else `DEFAULT_ACCESS`) and
which functions each role may call (`FUNCTIONS`); `secure_tables` puts the audit check on every table of
the schema but those in `NOT_AUDITED`. `send-desk team setup` applies them once; every migration applies
them again (migrations/env.py calls `after_migrations`), so a table a later migration adds is covered
without anything written for it. docs/architecture.md tells the recipe.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import Connection, Engine, text

from send_desk.domain.errors import SendDeskError
from send_desk.domain.kinds import Role
from send_desk.domain.settings import MANAGERS_SETTINGS

OWNER = "send_desk_owner"
"""The NOLOGIN role that owns the schema, its tables and the SECURITY DEFINER functions."""
STAFF_ADMIN = "send_desk_staff_admin"
"""The NOLOGIN role with CREATEROLE that owns the staff functions (never given to a person)."""
GROUPS: dict[Role, str] = {
    Role.OFFICER: "send_desk_officer",
    Role.MANAGER: "send_desk_manager",
    Role.ADMIN: "send_desk_admin",
}
"""The group role of each desk role; each higher group is a member of the one below."""


class Access(Enum):
    """What the desk roles may do to a table directly (functions may do more)."""

    OFFICERS_WRITE = "officers read and write"
    ADMINS_WRITE = "everyone reads, admins write"
    SETTINGS = "everyone reads; managers write the managers' settings, admins any (row-level security)"
    APPEND_ONLY = "officers add rows, managers and admins read them; nobody changes or removes one"
    READ_ONLY = "everyone reads; written only through functions or by the owner"
    MANAGERS_READ = "managers and admins read; written only through functions"


DEFAULT_ACCESS = Access.OFFICERS_WRITE
"""A table not named below: the case work officers do (a new table gets this unless listed)."""
TABLE_ACCESS: dict[str, Access] = {
    "staff": Access.READ_ONLY,  # send_desk_staff_add / _change / _enrol
    "audit_entry": Access.MANAGERS_READ,  # send_desk_audit / send_desk_redact_audit
    "compaction_owed": Access.READ_ONLY,  # send_desk_anonymise writes, `send-desk maintain` clears
    "alembic_version": Access.READ_ONLY,  # `send-desk migrate` (the owner)
    "target_policy": Access.ADMINS_WRITE,
    "closure_day": Access.ADMINS_WRITE,
    "category": Access.ADMINS_WRITE,
    # the documents size limit (admins) and the team's pseudonymised-only export rule (managers)
    "desk_setting": Access.SETTINGS,
    "export_log": Access.APPEND_ONLY,  # an officer's export is logged; nobody may rub it out
    "letter_template": Access.ADMINS_WRITE,  # shipped ones added by team setup / migrate (the owner)
    "smtp_settings": Access.ADMINS_WRITE,
}
NOT_AUDITED = frozenset({"audit_entry", "alembic_version", "change_counter"})
"""Tables without the audit check: the audit itself, Alembic's version, the change signal desks poll."""

FUNCTIONS: dict[str, tuple[str, Role | None]] = {
    "send_desk_audit(json)": (OWNER, Role.OFFICER),
    "send_desk_anonymise(integer[], text[])": (OWNER, Role.ADMIN),
    "send_desk_redact_audit(integer[])": (OWNER, Role.ADMIN),
    "send_desk_staff_add(text, text, text, text, text, timestamp)": (STAFF_ADMIN, Role.ADMIN),
    "send_desk_staff_change(text, text, text, text, text, boolean)": (STAFF_ADMIN, Role.ADMIN),
    "send_desk_enrol(timestamp)": (STAFF_ADMIN, Role.OFFICER),
    "send_desk_audit_stamp()": (OWNER, None),
    "send_desk_require_audit()": (OWNER, None),
    "send_desk_guard_anonymised()": (OWNER, None),
    "send_desk_refuse_truncate()": (OWNER, None),
    "send_desk_trusted()": (OWNER, None),
    "send_desk_member(text)": (OWNER, None),
    "send_desk_require_role(text, text)": (OWNER, None),
    "send_desk_set_group(text, text, boolean)": (OWNER, None),
    "send_desk_check_login(text)": (OWNER, None),
}
"""Each server function, its owner and the lowest desk role that may call it (None: PUBLIC's default)."""

AUDIT_CHECK_TRIGGER = "send_desk_audited"


@dataclass(frozen=True)
class ServerIdentity:
    """Who a PostgreSQL connection is, as the server says."""

    login: str
    team: bool
    """The database has had `send-desk team setup`: its tables belong to the owner role."""
    trusted: bool
    """The login is a superuser or a member of the tables' owner role (the DBA's), not a desk's."""
    role: Role | None
    """The highest desk group the login is a member of."""


def q(name: str) -> str:
    """Quote an identifier for PostgreSQL."""
    return '"' + name.replace('"', '""') + '"'


def schema_of(conn: Connection) -> str:
    """Return the schema SEND Desk's tables live in (the connection's current schema)."""
    return str(conn.execute(text("SELECT current_schema()")).scalar())


def role_exists(conn: Connection, name: str) -> bool:
    """Tell whether a role exists on the server."""
    return bool(conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first())


def is_team_database(conn: Connection) -> bool:
    """Tell whether this database's tables belong to the team owner role (after `team setup`)."""
    owner = conn.execute(
        text(
            "SELECT pg_get_userbyid(c.relowner) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'audit_entry' AND n.nspname = current_schema()"
        )
    ).scalar()
    return owner == OWNER


def server_identity(engine: Engine) -> ServerIdentity:
    """Ask the server who this engine's login is, whether the database is a team's and the login's role."""
    with engine.connect() as conn:
        login = str(conn.execute(text("SELECT session_user")).scalar())
        team = is_team_database(conn)
        superuser = bool(
            conn.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = session_user")).scalar()
        )
        owner = conn.execute(
            text(
                "SELECT c.relowner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relname = 'audit_entry' AND n.nspname = current_schema()"
            )
        ).scalar()
        owns = owner is None or bool(
            conn.execute(
                text("SELECT pg_has_role(session_user, CAST(:o AS oid), 'MEMBER')"), {"o": owner}
            ).scalar()
        )
        trusted = superuser or owns
        role: Role | None = None
        if team:
            for desk_role in (Role.ADMIN, Role.MANAGER, Role.OFFICER):
                if member_of(conn, GROUPS[desk_role]):
                    role = desk_role
                    break
    return ServerIdentity(login=login, team=team, trusted=trusted, role=role)


def member_of(conn: Connection, group: str) -> bool:
    """Tell whether the session's login is a member of a role (false when the role does not exist)."""
    if not role_exists(conn, group):
        return False
    return bool(conn.execute(text("SELECT pg_has_role(session_user, :g, 'MEMBER')"), {"g": group}).scalar())


def tables_of(conn: Connection) -> list[str]:
    """Return the ordinary tables of SEND Desk's schema."""
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    )
    return [str(row[0]) for row in rows]


def secure_tables(conn: Connection) -> list[str]:
    """Put the audit check on every table that lacks it (all but NOT_AUDITED); return those changed."""
    if conn.execute(text("SELECT to_regprocedure('send_desk_require_audit()')")).scalar() is None:
        return []  # a schema older than migration 0014
    existing = {
        str(row[0])
        for row in conn.execute(
            text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE t.tgname = :name AND n.nspname = current_schema()"
            ),
            {"name": AUDIT_CHECK_TRIGGER},
        )
    }
    added = []
    for table in tables_of(conn):
        if table in NOT_AUDITED or table in existing:
            continue
        conn.execute(
            text(
                f"CREATE CONSTRAINT TRIGGER {AUDIT_CHECK_TRIGGER} "
                f"AFTER INSERT OR UPDATE OR DELETE ON {q(table)} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION send_desk_require_audit()"
            )
        )
        added.append(table)
    return added


def apply_grants(conn: Connection) -> None:
    """Give the group roles exactly what TABLE_ACCESS and FUNCTIONS say, table by table (idempotent)."""
    schema = q(schema_of(conn))
    officer, manager, admin = (q(GROUPS[r]) for r in (Role.OFFICER, Role.MANAGER, Role.ADMIN))
    groups = f"{officer}, {manager}, {admin}"
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM PUBLIC, {groups}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {schema} TO {officer}, {q(STAFF_ADMIN)}"))
    for table in tables_of(conn):
        access = TABLE_ACCESS.get(table, DEFAULT_ACCESS)
        name = q(table)
        if access is Access.OFFICERS_WRITE:
            conn.execute(text(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {name} TO {officer}"))
        elif access is Access.ADMINS_WRITE:
            conn.execute(text(f"GRANT SELECT ON {name} TO {officer}"))
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {admin}"))
        elif access is Access.SETTINGS:
            conn.execute(text(f"GRANT SELECT ON {name} TO {officer}"))
            conn.execute(text(f"GRANT INSERT, UPDATE, DELETE ON {name} TO {manager}"))
            settings_rows(conn, name, officer, manager, admin)
        elif access is Access.APPEND_ONLY:
            conn.execute(text(f"GRANT INSERT ON {name} TO {officer}"))
            # INSERT ... RETURNING id needs SELECT on the id: officers see ids, nothing else
            conn.execute(text(f"GRANT SELECT (id) ON {name} TO {officer}"))
            conn.execute(text(f"GRANT SELECT ON {name} TO {manager}"))
        elif access is Access.READ_ONLY:
            conn.execute(text(f"GRANT SELECT ON {name} TO {officer}"))
        else:
            conn.execute(text(f"GRANT SELECT ON {name} TO {manager}"))
    conn.execute(text(f"GRANT SELECT, INSERT, UPDATE ON staff TO {q(STAFF_ADMIN)}"))
    case_story(conn, officer, manager)
    conn.execute(
        text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {officer}, {q(STAFF_ADMIN)}")
    )
    for signature, (owner, caller) in FUNCTIONS.items():
        if conn.execute(text("SELECT to_regprocedure(:s)"), {"s": signature}).scalar() is None:
            continue
        current, may_alter = conn.execute(
            text(
                "SELECT pg_get_userbyid(proowner), pg_has_role(current_user, proowner, 'USAGE') "
                "OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
                "FROM pg_proc WHERE oid = to_regprocedure(:s)"
            ),
            {"s": signature},
        ).one()
        if not may_alter:
            continue  # the staff functions, when `migrate` runs as the owner role: set by team setup
        if current != owner:
            conn.execute(text(f"ALTER FUNCTION {signature} OWNER TO {q(owner)}"))
        if caller is not None:
            conn.execute(text(f"REVOKE ALL ON FUNCTION {signature} FROM PUBLIC"))
            conn.execute(text(f"GRANT EXECUTE ON FUNCTION {signature} TO {q(GROUPS[caller])}"))


def case_story(conn: Connection, officer: str, manager: str) -> None:
    """Let officers read the audit rows of cases (each case's timeline), managers every row.

    Row-level security on the audit table: an officer's SELECT sees only rows about a case (what the
    register already shows them, told as the case's timeline), never staff, settings or exports; managers
    and admins see all (the audit trail). Writing stays with the SECURITY DEFINER functions, which run as
    the table's owner and so are not filtered.
    """
    conn.execute(text(f"GRANT SELECT ON audit_entry TO {officer}"))
    conn.execute(text("ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY"))
    for policy, role, rows in (
        ("send_desk_case_story", officer, "case_id IS NOT NULL"),
        ("send_desk_audit_trail", manager, "true"),
    ):
        conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON audit_entry"))
        conn.execute(text(f"CREATE POLICY {policy} ON audit_entry FOR SELECT TO {role} USING ({rows})"))


def settings_rows(conn: Connection, table: str, officer: str, manager: str, admin: str) -> None:
    """Let everyone read the settings, managers change only theirs (`MANAGERS_SETTINGS`), admins any.

    Row-level security on the settings table: a manager's INSERT of an admin's setting is refused and
    their UPDATE or DELETE of one changes nothing, whatever program they use.
    """
    keys = ", ".join("'" + key.replace("'", "''") + "'" for key in sorted(MANAGERS_SETTINGS))
    conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    for policy, command, role, rows in (
        ("send_desk_settings_read", "SELECT", officer, "true"),
        ("send_desk_settings_managers", "ALL", manager, f"key IN ({keys})"),
        ("send_desk_settings_admins", "ALL", admin, "true"),
    ):
        check = "" if command == "SELECT" else f" WITH CHECK ({rows})"
        conn.execute(text(f"DROP POLICY IF EXISTS {policy} ON {table}"))
        conn.execute(text(f"CREATE POLICY {policy} ON {table} FOR {command} TO {role} USING ({rows}){check}"))


def after_migrations(conn: Connection) -> None:
    """Cover the tables a migration added: the audit check always, the grants on a team's database."""
    secure_tables(conn)
    if is_team_database(conn):
        take_ownership(conn)
        apply_grants(conn)


def take_ownership(conn: Connection) -> None:
    """Give every table of the schema to the owner role (a migration run as the DBA's login made some)."""
    for table in tables_of(conn):
        owner = conn.execute(
            text("SELECT tableowner FROM pg_tables WHERE schemaname = current_schema() AND tablename = :t"),
            {"t": table},
        ).scalar()
        if owner != OWNER:
            conn.execute(text(f"ALTER TABLE {q(table)} OWNER TO {q(OWNER)}"))


def create_roles(conn: Connection) -> None:
    """Create the owner, staff-admin and group roles where missing, and nest the groups."""
    for name, options in (
        (OWNER, "NOLOGIN"),
        (STAFF_ADMIN, "NOLOGIN CREATEROLE"),
        (GROUPS[Role.OFFICER], "NOLOGIN"),
        (GROUPS[Role.MANAGER], "NOLOGIN"),
        (GROUPS[Role.ADMIN], "NOLOGIN"),
    ):
        if not role_exists(conn, name):
            conn.execute(text(f"CREATE ROLE {q(name)} {options}"))
    conn.execute(text(f"GRANT {q(GROUPS[Role.OFFICER])} TO {q(GROUPS[Role.MANAGER])}"))
    conn.execute(text(f"GRANT {q(GROUPS[Role.MANAGER])} TO {q(GROUPS[Role.ADMIN])}"))
    for group in GROUPS.values():
        conn.execute(text(f"GRANT {q(group)} TO {q(STAFF_ADMIN)} WITH ADMIN OPTION"))


def setup_team(conn: Connection) -> list[str]:
    """Make this database a team's: roles, the owner of the schema and tables, grants and audit checks.

    Run by the database owner (a superuser or a login with CREATEROLE owning the tables), once; running it
    again changes nothing. Returns what was done, in plain words.
    """
    done: list[str] = []
    create_roles(conn)
    done.append("roles send_desk_owner, send_desk_officer, send_desk_manager, send_desk_admin ready")
    dba = str(conn.execute(text("SELECT session_user")).scalar())
    conn.execute(text(f"GRANT {q(OWNER)} TO {q(dba)}"))
    done.append(f"{dba} is the owner login (member of {OWNER})")
    schema = q(schema_of(conn))
    conn.execute(text(f"ALTER SCHEMA {schema} OWNER TO {q(OWNER)}"))
    conn.execute(text(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC"))
    take_ownership(conn)
    done.append(f"schema {schema_of(conn)} and its tables belong to {OWNER}")
    added = secure_tables(conn)
    apply_grants(conn)
    done.append(f"grants applied; audit check on {len(added)} more table(s)")
    return done


class TeamLoginError(SendDeskError):
    """Raise when a desk would connect to a team's database with a login that is not a member's."""


class SchemaBehindError(SendDeskError):
    """Raise when a team's database is at an older schema than this SEND Desk needs."""


def desk_identity(engine: Engine, *, current: str | None, head: str) -> ServerIdentity | None:
    """Return who a desk on a team's PostgreSQL database is (None elsewhere), or refuse in plain words.

    A desk connects with its member of staff's own login; the owner's login (the DBA's) only migrates,
    maintains and sets up. A team's database a desk login cannot migrate must already be at `head`.
    """
    if engine.dialect.name != "postgresql":
        return None
    identity = server_identity(engine)
    if not identity.team:
        if identity.trusted:
            return None  # one account that owns the tables: a single desk's database, not a team's
        raise TeamLoginError(
            f"This PostgreSQL database has not been set up for a team, and {identity.login} does not own "
            "it. Ask your database administrator to run 'send-desk team setup' with the owner's login, "
            "then connect with your own login."
        )
    if identity.trusted:
        raise TeamLoginError(
            f"You are connected as {identity.login}, the database owner's login. Desks connect with each "
            "member of staff's own login; the owner's login is only for send-desk migrate, maintain and "
            "team setup. Connect with your own login."
        )
    if identity.role is None:
        raise TeamLoginError(
            f"The login {identity.login} is not a member of this team's SEND Desk. Ask your SEND Desk "
            "admin to add you (Administration ▸ Staff, or send-desk staff add)."
        )
    if current != head:
        raise SchemaBehindError(
            f"This team's database is at schema version {current or 'none'}, but this SEND Desk needs "
            f"version {head}. Nothing was changed. Ask your database administrator to run "
            "'send-desk migrate' with the database owner's login, then start SEND Desk again."
        )
    return identity
