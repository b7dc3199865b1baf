"""Server-enforced audit and roles on PostgreSQL; compaction owed and anonymised-stays-anonymised everywhere.

Both databases:
- `compaction_owed`: the tables retention changed and that still need compacting, written in the same
  transaction as the anonymising, cleared once the compaction is done (SQLite: retention's own VACUUM,
  or the next retention run or `send-desk maintain` after a crash; PostgreSQL: `send-desk maintain`).
- `anonymised` never goes back to false (a trigger on each database), so a case cannot be anonymised,
  its audit entries redacted and the case set back to live.

PostgreSQL only (see send_desk/db/team.py and docs/architecture.md for the design):
- `send_desk_trusted()`: is this session the owner's (a superuser or a member of the tables' owner role)?
  The owner can alter any table, so the rules below bind everyone else: the desks' own logins.
- `audit_entry` gets a BEFORE INSERT trigger that forces who (`session_user`, their staff name) and when
  (the transaction's time) for desk logins, and a TRUNCATE guard.
- `send_desk_audit(json)`: how a client writes audit entries (desk roles have no INSERT on the table).
- `send_desk_require_audit()`: the deferred constraint trigger put on every data table (by
  `send_desk.db.team.secure_tables`, run after every migration): at commit, a desk login's transaction that
  changed data must have written an audit entry; if not, and the session said what it is doing with
  `SET LOCAL send_desk.action = '...'`, the server writes the entry itself; otherwise the commit fails.
- `send_desk_anonymise`, `send_desk_redact_audit`, `send_desk_staff_add`, `send_desk_staff_change` and
  `send_desk_enrol`: SECURITY DEFINER functions that check the caller's role (`send-desk team setup`
  gives them their owners and EXECUTE grants).

Revision ID: 0014
Revises: 0009
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from send_desk.db.types import UtcDateTime

revision = "0014"
down_revision = "0009"
branch_labels = None
depends_on = None

MARKER = '{"redacted": true}'

SQLITE_UP = [
    "CREATE TRIGGER case_record_stays_anonymised BEFORE UPDATE OF anonymised ON case_record "
    "WHEN old.anonymised = 1 AND new.anonymised IS NOT 1 "
    "BEGIN SELECT RAISE(ABORT, 'an anonymised case stays anonymised'); END",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS case_record_stays_anonymised"]


def postgres_up(schema: str) -> list[str]:
    """Return the PostgreSQL functions and triggers, their search_path pinned to this schema."""
    pinned = f'SET search_path = "{schema}", pg_temp'
    return [
        # --- who is trusted: the owner's sessions -------------------------------------------------
        "CREATE OR REPLACE FUNCTION send_desk_trusted() RETURNS boolean LANGUAGE plpgsql STABLE "
        f"{pinned} AS $$ DECLARE owner_oid oid; BEGIN "
        "IF (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = session_user) THEN RETURN true; END IF; "
        "SELECT relowner INTO owner_oid FROM pg_catalog.pg_class WHERE oid = 'audit_entry'::regclass; "
        "RETURN pg_catalog.pg_has_role(session_user, owner_oid, 'MEMBER'); END $$",
        "CREATE OR REPLACE FUNCTION send_desk_member(p_group text) RETURNS boolean LANGUAGE plpgsql STABLE "
        f"{pinned} AS $$ BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_group) THEN RETURN false; END IF; "
        "RETURN pg_catalog.pg_has_role(session_user, p_group, 'MEMBER'); END $$",
        "CREATE OR REPLACE FUNCTION send_desk_require_role(p_group text, p_doing text) RETURNS void "
        f"LANGUAGE plpgsql STABLE {pinned} AS $$ BEGIN "
        "IF NOT (send_desk_trusted() OR send_desk_member(p_group)) THEN "
        "RAISE EXCEPTION 'SEND Desk: % may not %', session_user, p_doing USING ERRCODE = '42501'; "
        "END IF; END $$",
        # --- the audit table: who and when forced, no TRUNCATE ---------------------------------------
        "CREATE OR REPLACE FUNCTION send_desk_audit_stamp() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER {pinned} AS $$ BEGIN "
        "IF NOT send_desk_trusted() THEN "
        "NEW.login := session_user; "
        "NEW.at := (now() AT TIME ZONE 'UTC'); "
        "NEW.actor_name := COALESCE((SELECT name FROM staff WHERE login = session_user), session_user); "
        "END IF; RETURN NEW; END $$",
        "CREATE TRIGGER audit_entry_stamp BEFORE INSERT ON audit_entry "
        "FOR EACH ROW EXECUTE FUNCTION send_desk_audit_stamp()",
        "CREATE OR REPLACE FUNCTION send_desk_refuse_truncate() RETURNS trigger LANGUAGE plpgsql "
        f"{pinned} AS $$ BEGIN RAISE EXCEPTION 'audit entries cannot be changed or deleted'; END $$",
        "CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry "
        "FOR EACH STATEMENT EXECUTE FUNCTION send_desk_refuse_truncate()",
        # --- writing audit entries (one row or many) -----------------------------------------------------
        "CREATE OR REPLACE FUNCTION send_desk_audit(p_rows json) RETURNS integer LANGUAGE plpgsql "
        f"SECURITY DEFINER {pinned} AS $$ DECLARE written integer; BEGIN "
        "INSERT INTO audit_entry(at, login, actor_name, case_id, case_reference, action, changes) "
        "SELECT r.at, r.login, COALESCE(r.actor_name, ''), r.case_id, COALESCE(r.case_reference, ''), "
        "r.action, COALESCE(r.changes, '{}') FROM json_to_recordset(p_rows) AS r(at timestamp, login text, "
        "actor_name text, case_id integer, case_reference text, action text, changes text); "
        "GET DIAGNOSTICS written = ROW_COUNT; RETURN written; END $$",
        "REVOKE ALL ON FUNCTION send_desk_audit(json) FROM PUBLIC",
        # --- at commit: no change without an audit entry -----------------------------------------------
        "CREATE OR REPLACE FUNCTION send_desk_require_audit() RETURNS trigger LANGUAGE plpgsql "
        f"SECURITY DEFINER {pinned} AS $$ DECLARE doing text; BEGIN "
        "IF send_desk_trusted() THEN RETURN NULL; END IF; "
        "IF EXISTS (SELECT 1 FROM audit_entry WHERE at = (now() AT TIME ZONE 'UTC') "
        "AND login = session_user "
        "AND xmin::text = (pg_catalog.txid_current() % 4294967296)::text) THEN RETURN NULL; END IF; "
        "doing := NULLIF(current_setting('send_desk.action', true), ''); "
        "IF doing IS NULL THEN RAISE EXCEPTION 'SEND Desk refused a change to % with no audit entry: "
        "every change is recorded (say what it is with SET LOCAL send_desk.action)', TG_TABLE_NAME "
        "USING ERRCODE = '42501'; END IF; "
        "INSERT INTO audit_entry(at, login, actor_name, case_id, case_reference, action, changes) "
        "VALUES (now() AT TIME ZONE 'UTC', session_user, '', NULL, '', left(doing, 40), "
        "json_build_object('details', json_build_object('table', TG_TABLE_NAME, "
        "'operation', lower(TG_OP), 'by', 'server'))::text); "
        "RETURN NULL; END $$",
        # --- anonymised stays anonymised, and only retention anonymises --------------------------------
        "CREATE OR REPLACE FUNCTION send_desk_guard_anonymised() RETURNS trigger LANGUAGE plpgsql "
        f"{pinned} AS $$ BEGIN "
        "IF TG_OP = 'UPDATE' AND OLD.anonymised AND NOT COALESCE(NEW.anonymised, false) THEN "
        "RAISE EXCEPTION 'an anonymised case stays anonymised'; END IF; "
        "IF COALESCE(NEW.anonymised, false) AND (TG_OP = 'INSERT' OR NOT OLD.anonymised) "
        "AND NOT (send_desk_trusted() OR pg_catalog.pg_has_role(current_user, "
        "(SELECT relowner FROM pg_catalog.pg_class WHERE oid = 'case_record'::regclass), 'MEMBER')) THEN "
        "RAISE EXCEPTION 'cases are anonymised only by retention' USING ERRCODE = '42501'; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER case_record_anonymised_guard BEFORE INSERT OR UPDATE OF anonymised ON case_record "
        "FOR EACH ROW EXECUTE FUNCTION send_desk_guard_anonymised()",
        "CREATE OR REPLACE FUNCTION send_desk_anonymise(p_case_ids integer[], p_tables text[]) "
        f"RETURNS integer LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $$ DECLARE done integer; BEGIN "
        "PERFORM send_desk_require_role('send_desk_admin', 'anonymise cases'); "
        "UPDATE case_record SET anonymised = true WHERE id = ANY(p_case_ids) AND status = 'closed' "
        "AND NOT anonymised; "
        "GET DIAGNOSTICS done = ROW_COUNT; "
        "INSERT INTO compaction_owed(table_name, owed_since) "
        "SELECT t.tablename, now() AT TIME ZONE 'UTC' FROM pg_catalog.pg_tables t "
        f"WHERE t.schemaname = '{schema}' AND t.tablename = ANY(p_tables) ON CONFLICT DO NOTHING; "
        "RETURN done; END $$",
        "REVOKE ALL ON FUNCTION send_desk_anonymise(integer[], text[]) FROM PUBLIC",
        "CREATE OR REPLACE FUNCTION send_desk_redact_audit(p_entry_ids integer[]) RETURNS integer "
        f"LANGUAGE plpgsql SECURITY DEFINER {pinned} AS $$ DECLARE done integer; BEGIN "
        "PERFORM send_desk_require_role('send_desk_admin', 'redact audit entries'); "
        f"UPDATE audit_entry SET changes = '{MARKER}' WHERE id = ANY(p_entry_ids) "
        "AND case_id IN (SELECT id FROM case_record WHERE anonymised); "
        "GET DIAGNOSTICS done = ROW_COUNT; RETURN done; END $$",
        "REVOKE ALL ON FUNCTION send_desk_redact_audit(integer[]) FROM PUBLIC",
        # --- staff: logins and group membership, only through these ------------------------------------
        "CREATE OR REPLACE FUNCTION send_desk_set_group(p_login text, p_role text, p_active boolean) "
        f"RETURNS void LANGUAGE plpgsql {pinned} AS $$ DECLARE g text; BEGIN "
        "IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_login) THEN RETURN; END IF; "
        "FOREACH g IN ARRAY ARRAY['send_desk_officer', 'send_desk_manager', 'send_desk_admin'] LOOP "
        "IF EXISTS (SELECT 1 FROM pg_catalog.pg_auth_members m JOIN pg_catalog.pg_roles r ON r.oid = m.roleid "
        "JOIN pg_catalog.pg_roles u ON u.oid = m.member WHERE r.rolname = g AND u.rolname = p_login) THEN "
        "EXECUTE format('REVOKE %I FROM %I', g, p_login); END IF; END LOOP; "
        "IF p_active THEN EXECUTE format('GRANT %I TO %I', 'send_desk_' || p_role, p_login); END IF; "
        "END $$",
        "CREATE OR REPLACE FUNCTION send_desk_check_login(p_login text) RETURNS void "
        f"LANGUAGE plpgsql {pinned} AS $$ BEGIN "
        "IF p_login IS NULL OR p_login = '' OR p_login ~* '^(pg_|send_desk_)' OR EXISTS ("
        "SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_login AND (rolsuper OR rolcreaterole "
        "OR rolcreatedb OR rolreplication OR rolbypassrls "
        "OR pg_catalog.pg_has_role(oid, 'send_desk_owner', 'MEMBER'))) THEN "
        "RAISE EXCEPTION 'SEND Desk: % cannot be a member of staff''s login (it is reserved or a database "
        "administrator''s)', p_login USING ERRCODE = '42501'; END IF; END $$",
        "CREATE OR REPLACE FUNCTION send_desk_staff_add(p_login text, p_name text, p_role text, p_team text, "
        "p_password text, p_at timestamp) RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
        f"{pinned} AS $$ BEGIN "
        "PERFORM send_desk_require_role('send_desk_admin', 'add staff'); "
        "IF p_role NOT IN ('officer', 'manager', 'admin') THEN "
        "RAISE EXCEPTION 'SEND Desk: % is not a role', p_role; END IF; "
        "PERFORM send_desk_check_login(p_login); "
        "IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = p_login) THEN "
        "IF COALESCE(p_password, '') = '' THEN EXECUTE format('CREATE ROLE %I LOGIN', p_login); "
        "ELSE EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', p_login, p_password); END IF; END IF; "
        "INSERT INTO staff(login, name, email, team, role, active, created_at) "
        "VALUES (p_login, p_name, '', COALESCE(p_team, ''), p_role, true, p_at); "
        "PERFORM send_desk_set_group(p_login, p_role, true); END $$",
        "REVOKE ALL ON FUNCTION send_desk_staff_add(text, text, text, text, text, timestamp) FROM PUBLIC",
        "CREATE OR REPLACE FUNCTION send_desk_staff_change(p_login text, p_name text, p_team text, "
        "p_email text, p_role text, p_active boolean) RETURNS void LANGUAGE plpgsql SECURITY DEFINER "
        f"{pinned} AS $$ DECLARE now_role text; now_active boolean; BEGIN "
        "PERFORM send_desk_require_role('send_desk_admin', 'change staff'); "
        "IF p_login = session_user AND (p_role IS NOT NULL OR p_active IS NOT NULL) THEN "
        "RAISE EXCEPTION 'SEND Desk: nobody changes their own role or switches off their own account' "
        "USING ERRCODE = '42501'; END IF; "
        "IF p_role IS NOT NULL AND p_role NOT IN ('officer', 'manager', 'admin') THEN "
        "RAISE EXCEPTION 'SEND Desk: % is not a role', p_role; END IF; "
        "UPDATE staff SET name = COALESCE(p_name, name), team = COALESCE(p_team, team), "
        "email = COALESCE(p_email, email), role = COALESCE(p_role, role), active = COALESCE(p_active, active) "
        "WHERE login = p_login RETURNING role, active INTO now_role, now_active; "
        "IF NOT FOUND THEN RAISE EXCEPTION 'SEND Desk: there is no member of staff %', p_login; END IF; "
        "IF p_role IS NOT NULL OR p_active IS NOT NULL THEN "
        "PERFORM send_desk_check_login(p_login); PERFORM send_desk_set_group(p_login, now_role, now_active); "
        "END IF; END $$",
        "REVOKE ALL ON FUNCTION send_desk_staff_change(text, text, text, text, text, boolean) FROM PUBLIC",
        "CREATE OR REPLACE FUNCTION send_desk_enrol(p_at timestamp) RETURNS void LANGUAGE plpgsql "
        f"SECURITY DEFINER {pinned} AS $$ DECLARE my_role text; BEGIN "
        "IF EXISTS (SELECT 1 FROM staff WHERE login = session_user) THEN RETURN; END IF; "
        "my_role := CASE WHEN send_desk_member('send_desk_admin') THEN 'admin' "
        "WHEN send_desk_member('send_desk_manager') THEN 'manager' "
        "WHEN send_desk_member('send_desk_officer') THEN 'officer' END; "
        "IF my_role IS NULL THEN RAISE EXCEPTION 'SEND Desk: % is not a member of the team', session_user "
        "USING ERRCODE = '42501'; END IF; "
        "PERFORM set_config('send_desk.action', 'staff-enrol', true); "
        "INSERT INTO staff(login, name, email, team, role, active, created_at) "
        "VALUES (session_user, session_user, '', '', my_role, true, p_at); END $$",
        "REVOKE ALL ON FUNCTION send_desk_enrol(timestamp) FROM PUBLIC",
    ]


POSTGRES_DOWN = [
    "DROP TRIGGER IF EXISTS case_record_anonymised_guard ON case_record",
    "DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry",
    "DROP TRIGGER IF EXISTS audit_entry_stamp ON audit_entry",
    "DROP FUNCTION IF EXISTS send_desk_enrol(timestamp)",
    "DROP FUNCTION IF EXISTS send_desk_staff_change(text, text, text, text, text, boolean)",
    "DROP FUNCTION IF EXISTS send_desk_staff_add(text, text, text, text, text, timestamp)",
    "DROP FUNCTION IF EXISTS send_desk_check_login(text)",
    "DROP FUNCTION IF EXISTS send_desk_set_group(text, text, boolean)",
    "DROP FUNCTION IF EXISTS send_desk_redact_audit(integer[])",
    "DROP FUNCTION IF EXISTS send_desk_anonymise(integer[], text[])",
    "DROP FUNCTION IF EXISTS send_desk_guard_anonymised()",
    "DROP FUNCTION IF EXISTS send_desk_require_audit() CASCADE",
    "DROP FUNCTION IF EXISTS send_desk_audit(json)",
    "DROP FUNCTION IF EXISTS send_desk_refuse_truncate()",
    "DROP FUNCTION IF EXISTS send_desk_audit_stamp()",
    "DROP FUNCTION IF EXISTS send_desk_require_role(text, text)",
    "DROP FUNCTION IF EXISTS send_desk_member(text)",
    "DROP FUNCTION IF EXISTS send_desk_trusted()",
]


def upgrade() -> None:
    """Add the compaction-owed table, the anonymised guard and, on PostgreSQL, the server-side rules."""
    op.create_table(
        "compaction_owed",
        sa.Column("table_name", sa.String(63), primary_key=True),
        sa.Column("owed_since", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("table_name", name="pk_compaction_owed"),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        statements = SQLITE_UP
    else:
        schema = str(bind.execute(sa.text("SELECT current_schema()")).scalar())
        statements = postgres_up(schema.replace('"', '""'))
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    """Remove what upgrade added."""
    statements = SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN
    for statement in statements:
        op.execute(statement)
    op.drop_table("compaction_owed")
