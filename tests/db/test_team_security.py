"""A team's PostgreSQL database: officer, manager and admin each log in with their own login, and the
server itself refuses what their role may not do (issue 14, items 1-4).

Each test gets its own database, set up with `team setup` as the database owner (the test server's
superuser) with sam.patel as the first admin, who then adds alex.jones (officer) and priya.shah
(manager), each with their own login. Logins are cluster-wide, so the same three are reused by every test.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from send_desk.bootstrap import Desk, open_desk
from send_desk.db.engine import make_engine
from send_desk.db.migrate import head_revision
from send_desk.db.team import SchemaBehindError, TeamLoginError
from send_desk.domain.errors import PermissionDeniedError, SendDeskError
from send_desk.domain.kinds import ClosureCode, Role
from send_desk.services.maintenance import maintain, setup_team
from send_desk.services.retention import RetentionService
from tests.conftest import FakeClock, complaint_input
from tests.postgres_server import PostgresServer
from tests.services.test_retention import OLD_NAMES, old_complaint, old_enquiry

pytestmark = pytest.mark.postgres

PASSWORD = "correct horse battery staple"
ADMIN, MANAGER, OFFICER = "sam.patel", "priya.shah", "alex.jones"
LOGINS = {Role.ADMIN: ADMIN, Role.MANAGER: MANAGER, Role.OFFICER: OFFICER}


def url_as(url: str, login: str) -> str:
    """Return the database URL with another login (and the team's test password)."""
    return make_url(url).set(username=login, password=PASSWORD).render_as_string(hide_password=False)


def dsn_as(url: str, login: str) -> str:
    """Return a libpq connection string for the database as a login."""
    parsed = make_url(url)
    return (
        f"host={parsed.host} port={parsed.port} dbname={parsed.database} user={login} password='{PASSWORD}'"
    )


@dataclass
class Team:
    """A team database: the owner's URL and an open desk per role."""

    url: str
    desks: dict[Role, Desk]

    def connect(self, role: Role) -> psycopg.Connection[tuple[object, ...]]:
        """Return a raw psql-like connection as the role's member of staff (not autocommit)."""
        return psycopg.connect(dsn_as(self.url, LOGINS[role]))


@pytest.fixture
def team(postgres_url: str, clock: FakeClock) -> Iterator[Team]:
    owner_engine = make_engine(postgres_url)
    setup_team(owner_engine, now=clock(), admin_login=ADMIN, admin_name="Sam Patel", password=PASSWORD)
    owner_engine.dispose()
    admin = open_desk(url_as(postgres_url, ADMIN), clock=clock, login="someone.else")
    admin.staff.add_staff(OFFICER, "Alex Jones", role=Role.OFFICER, team="SEND casework", password=PASSWORD)
    admin.staff.add_staff(MANAGER, "Priya Shah", role=Role.MANAGER, team="SEND casework", password=PASSWORD)
    desks = {Role.ADMIN: admin}
    for role in (Role.MANAGER, Role.OFFICER):
        desks[role] = open_desk(url_as(postgres_url, LOGINS[role]), clock=clock, login=ADMIN)
    yield Team(postgres_url, desks)
    for desk in desks.values():
        desk.close()


def refused(team: Team, role: Role, statement: str) -> str:
    """Run one statement as a role's login and return the server's refusal (fail if it was allowed)."""
    with team.connect(role) as conn:
        try:
            conn.execute(statement)  # type: ignore[arg-type]
            conn.commit()
        except psycopg.Error as exc:
            return str(exc)
    pytest.fail(f"the server let {LOGINS[role]} run: {statement}")


# ----- identity -----------------------------------------------------------------------------------
@pytest.mark.parametrize("role", list(Role))
def test_each_desk_is_its_own_database_login(team: Team, role: Role) -> None:
    desk = team.desks[role]
    assert desk.actor_login() == LOGINS[role]  # the login passed to open_desk is ignored
    assert desk.staff.me().role == role.value


def test_an_officer_login_stays_an_officer_whatever_user_says(team: Team, tmp_path: Path) -> None:
    env = {**os.environ, "USER": ADMIN, "LOGNAME": ADMIN, "USERNAME": ADMIN, "PGUSER": ADMIN}
    command = [sys.executable, "-m", "send_desk", "--database", url_as(team.url, OFFICER)]
    added = subprocess.run(
        [*command, "staff", "add", "mallory", "Mallory", "--role", "admin"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert added.returncode == 1
    assert added.stderr.strip() == (
        "send-desk: error: Only an admin can manage staff and roles. Ask your SEND Desk admin."
    )
    listed = subprocess.run(
        [*command, "staff", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    assert '"mallory"' not in listed.stdout
    with team.connect(Role.OFFICER) as conn:
        assert conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = 'mallory'").fetchone() == (0,)


def test_the_owner_login_cannot_open_a_desk(team: Team) -> None:
    with pytest.raises(TeamLoginError) as caught:
        open_desk(team.url)
    assert "the database owner's login" in str(caught.value)
    assert "Connect with your own login" in str(caught.value)


def test_a_desk_on_a_schema_behind_says_so(team: Team) -> None:
    with psycopg.connect(make_url(team.url).set(drivername="postgresql").render_as_string(False)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0008'")
    with pytest.raises(SchemaBehindError) as caught:
        open_desk(url_as(team.url, OFFICER))
    assert str(caught.value) == (
        "This team's database is at schema version 0008, but this SEND Desk needs version "
        f"{head_revision()}. "
        "Nothing was changed. Ask your database administrator to run 'send-desk migrate' with the database "
        "owner's login, then start SEND Desk again."
    )


# ----- the audit table ------------------------------------------------------------------------------
AUDIT_ATTACKS = {
    "truncate": ("TRUNCATE audit_entry", "permission denied"),
    "disable trigger": ("ALTER TABLE audit_entry DISABLE TRIGGER ALL", "must be owner"),
    "insert": (
        "INSERT INTO audit_entry(at, login, actor_name, case_reference, action, changes) "
        "VALUES (now(), 'someone', '', '', 'forged', '{}')",
        "permission denied",
    ),
    "update": ("UPDATE audit_entry SET login = 'someone'", "permission denied"),
    "delete": ("DELETE FROM audit_entry", "permission denied"),
    "staff role": (f"UPDATE staff SET role = 'admin' WHERE login = '{OFFICER}'", "permission denied"),
    "grant oneself admin": ("GRANT send_desk_admin TO CURRENT_USER", "admin option|permission denied"),
    "become staff admin": ("SET ROLE send_desk_staff_admin", "permission denied"),
    "become owner": ("SET ROLE send_desk_owner", "permission denied"),
    "own role by function": (
        "SELECT send_desk_staff_change(CURRENT_USER, NULL, NULL, NULL, 'admin', NULL)",
        "",
    ),
    "set anonymised": ("UPDATE case_record SET anonymised = true", "anonymised only by retention"),
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("attack", list(AUDIT_ATTACKS))
def test_the_server_refuses(team: Team, role: Role, attack: str) -> None:
    team.desks[Role.OFFICER].cases.log_case(complaint_input(officer_login=OFFICER))
    statement, expected = AUDIT_ATTACKS[attack]
    message = refused(team, role, statement)
    assert any(words in message for words in expected.split("|")), message
    owner = make_engine(team.url)
    with owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_entry WHERE action = 'log'")).scalar() == 1
        assert conn.execute(text(f"SELECT role FROM staff WHERE login = '{OFFICER}'")).scalar() == "officer"
        assert conn.execute(text("SELECT count(*) FROM case_record WHERE anonymised")).scalar() == 0
    owner.dispose()


@pytest.mark.parametrize("role", [Role.OFFICER, Role.MANAGER])
def test_only_admins_add_staff_or_change_roles_even_through_the_functions(team: Team, role: Role) -> None:
    message = refused(
        team, role, "SELECT send_desk_staff_add('mallory', 'M', 'admin', '', 'x', now()::timestamp)"
    )
    assert "permission denied for function send_desk_staff_add" in message
    message = refused(
        team, role, f"SELECT send_desk_staff_change('{ADMIN}', NULL, NULL, NULL, 'officer', NULL)"
    )
    assert "permission denied for function send_desk_staff_change" in message


def test_an_admin_cannot_change_their_own_role_on_the_server(team: Team) -> None:
    message = refused(
        team, Role.ADMIN, f"SELECT send_desk_staff_change('{ADMIN}', NULL, NULL, NULL, 'officer', NULL)"
    )
    assert "nobody changes their own role" in message


def test_staff_add_makes_a_login_in_the_role_group(team: Team) -> None:
    team.desks[Role.ADMIN].staff.change_role(OFFICER, Role.MANAGER)
    with team.connect(Role.OFFICER) as conn:
        assert conn.execute("SELECT pg_has_role('send_desk_manager', 'MEMBER')").fetchone() == (True,)
        assert conn.execute("SELECT rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone() == (
            False,
        )
    team.desks[Role.ADMIN].staff.change_role(OFFICER, Role.OFFICER)
    with team.connect(Role.OFFICER) as conn:
        assert conn.execute("SELECT pg_has_role('send_desk_manager', 'MEMBER')").fetchone() == (False,)


# ----- a change with no audit row ---------------------------------------------------------------------
def test_a_change_with_no_audit_row_is_refused_at_commit(team: Team) -> None:
    case = team.desks[Role.OFFICER].cases.log_case(complaint_input(officer_login=OFFICER))
    for role in Role:
        message = refused(team, role, f"UPDATE case_record SET summary = 'quietly' WHERE id = {case.id}")
        assert "SEND Desk refused a change to case_record with no audit entry" in message
    assert team.desks[Role.OFFICER].cases.get(case.id).summary == "EHC needs assessment running late"


def test_a_direct_change_that_says_what_it_is_is_audited_by_the_server(team: Team) -> None:
    case = team.desks[Role.OFFICER].cases.log_case(complaint_input(officer_login=OFFICER))
    with team.connect(Role.OFFICER) as conn:
        conn.execute("SET LOCAL send_desk.action = 'typo-fix'")
        conn.execute(f"UPDATE case_record SET summary = 'Fixed' WHERE id = {case.id}")
        conn.commit()
    rows = team.desks[Role.ADMIN].audit.search(action="typo-fix")
    assert [(row.login, row.action) for row in rows] == [(OFFICER, "typo-fix")]


def test_who_and_when_are_the_servers_not_the_clients(team: Team, clock: FakeClock) -> None:
    clock.set_date(date(2026, 11, 20))  # the desk's clock is days behind the server's
    case = team.desks[Role.OFFICER].cases.log_case(complaint_input(officer_login=OFFICER))
    with team.connect(Role.OFFICER) as conn:
        conn.execute(
            "SELECT send_desk_audit(%s::json)",
            (
                '[{"at": "2001-01-01T00:00:00", "login": "sam.patel", '
                '"actor_name": "Sam Patel", "action": "x"}]',
            ),
        )
        conn.commit()
        # an officer reads the story of cases (the timeline), never the rest of the audit trail
        assert conn.execute("SELECT count(*) FROM audit_entry WHERE case_id IS NULL").fetchone() == (0,)
        assert conn.execute("SELECT action FROM audit_entry WHERE case_id = %s", (case.id,)).fetchall() == [
            ("log",)
        ]
    with team.connect(Role.MANAGER) as conn:
        rows = conn.execute(
            "SELECT login, actor_name, action, at FROM audit_entry WHERE action IN ('x', 'log')"
        )
        found = {row[2]: row for row in rows}
    now = datetime.now(UTC).replace(tzinfo=None)
    for action in ("x", "log"):
        login, actor_name, _, at = found[action]
        assert (login, actor_name) == (OFFICER, "Alex Jones")
        assert abs(at - now) < timedelta(hours=1)
    assert case.received_on == date(2026, 11, 20)
    assert abs(clock().replace(tzinfo=None) - now) > timedelta(hours=1), "the test needs a clock that differs"


# ----- anonymise, redact, restore ---------------------------------------------------------------------
def test_the_anonymise_redact_restore_trick_fails(team: Team) -> None:
    officer = team.desks[Role.OFFICER]
    live = officer.cases.log_case(complaint_input(officer_login=OFFICER))
    closed = officer.cases.log_case(complaint_input(officer_login=OFFICER))
    closed = team.desks[Role.ADMIN].cases.close(
        closed.id, code=ClosureCode.WITHDRAWN, on=date(2026, 11, 27), expected_version=closed.version
    )
    # an admin at psql: a live case cannot be flagged, not even through the retention function
    with team.connect(Role.ADMIN) as conn:
        conn.execute("SET LOCAL send_desk.action = 'retention-anonymise'")
        assert conn.execute(f"SELECT send_desk_anonymise(ARRAY[{live.id}], ARRAY[]::text[])").fetchone() == (
            0,
        )
        conn.commit()
    assert "anonymised only by retention" in refused(
        team, Role.ADMIN, f"UPDATE case_record SET anonymised = true WHERE id = {live.id}"
    )
    # a closed one can (that is retention), its history redacted; but it never comes back
    with team.connect(Role.ADMIN) as conn:
        conn.execute("SET LOCAL send_desk.action = 'retention-anonymise'")
        conn.execute(f"SELECT send_desk_anonymise(ARRAY[{closed.id}], ARRAY['case_record'])")
        ids = [row[0] for row in conn.execute(f"SELECT id FROM audit_entry WHERE case_id = {closed.id}")]
        conn.execute("SELECT send_desk_redact_audit(%s)", (ids,))
        conn.commit()
    for role in Role:
        message = refused(team, role, f"UPDATE case_record SET anonymised = false WHERE id = {closed.id}")
        assert "an anonymised case stays anonymised" in message
    with team.connect(Role.OFFICER) as conn:
        assert "permission denied" in _error(conn, "SELECT send_desk_redact_audit(ARRAY[1])")
    assert officer.cases.get(closed.id).anonymised
    assert not officer.cases.get(live.id).anonymised


def _error(conn: psycopg.Connection[tuple[object, ...]], statement: str) -> str:
    try:
        conn.execute(statement)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        conn.rollback()
        return str(exc)
    pytest.fail(f"allowed: {statement}")


def test_officers_and_managers_cannot_run_retention(team: Team) -> None:
    for role in (Role.OFFICER, Role.MANAGER):
        with pytest.raises(PermissionDeniedError):
            RetentionService(team.desks[role].ctx).anonymise()
        message = refused(team, role, "SELECT send_desk_anonymise(ARRAY[1], ARRAY['person'])")
        assert "permission denied for function send_desk_anonymise" in message


# ----- retention and maintain: nothing left in the data files -----------------------------------------
def relation_files(server: PostgresServer, url: str, tables: tuple[str, ...]) -> list[Path]:
    """Return the data files of these tables, their TOAST tables and their indexes (after a CHECKPOINT)."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CHECKPOINT")
        rows = conn.execute(
            "SELECT pg_relation_filepath(c.oid) FROM pg_class c WHERE c.oid IN ("
            "SELECT t.oid FROM pg_class t WHERE t.relname = ANY(%(t)s) "
            "UNION SELECT t.reltoastrelid FROM pg_class t "
            "WHERE t.relname = ANY(%(t)s) AND t.reltoastrelid <> 0 "
            "UNION SELECT i.indexrelid FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE t.relname = ANY(%(t)s))",
            {"t": list(tables)},
        ).fetchall()
    files: list[Path] = []
    for (relative,) in rows:
        base = server.data_dir / str(relative)
        files += [base, *sorted(base.parent.glob(base.name + ".*"))]
    return [path for path in files if path.exists()]


def files_bytes(files: list[Path]) -> bytes:
    return b"".join(path.read_bytes() for path in files).lower()


def test_after_retention_and_maintain_no_anonymised_name_is_left_in_the_data_files(
    team: Team, clock: FakeClock, postgres_server: PostgresServer
) -> None:
    admin = team.desks[Role.ADMIN]
    old_complaint(admin, clock)
    old_enquiry(admin, clock)
    clock.set_date(date(2026, 11, 27))
    tables = ("person", "case_record", "timeline_entry", "case_stage", "extension", "remedy")
    assert all(name in files_bytes(relation_files(postgres_server, team.url, tables)) for name in OLD_NAMES)

    result = RetentionService(admin.ctx).anonymise()

    assert len(result.references) == 2
    assert not result.compacted  # a desk login cannot VACUUM FULL: compaction is owed
    owed = RetentionService(admin.ctx).compaction_owed()
    assert owed.owed
    assert "person" in owed.tables
    # the old row versions are still in the files: this is what maintain is for
    assert b"bloggs" in files_bytes(relation_files(postgres_server, team.url, ("person",)))

    with pytest.raises(PermissionDeniedError) as caught:
        maintain(admin.ctx.db.engine)  # an admin is not the owner
    assert "Only the database owner's login can compact the database" in str(caught.value)
    owner = make_engine(team.url)
    done = maintain(owner).compacted
    owner.dispose()

    assert set(done) == set(owed.tables)
    raw = files_bytes(relation_files(postgres_server, team.url, tables))
    for name in OLD_NAMES:
        assert name not in raw, name
    assert not RetentionService(admin.ctx).compaction_owed().owed


def test_team_setup_twice_changes_nothing(team: Team, clock: FakeClock) -> None:
    owner = make_engine(team.url)
    setup_team(owner, now=clock())
    owner.dispose()
    assert team.desks[Role.OFFICER].staff.me().role == "officer"
    with pytest.raises(SendDeskError):
        team.desks[Role.OFFICER].staff.add_staff("mallory", "Mallory", role=Role.ADMIN)


@pytest.mark.parametrize("role", list(Role))
def test_only_the_owner_login_migrates_or_maintains(team: Team, role: Role) -> None:
    from send_desk.services.maintenance import migrate

    engine = team.desks[role].ctx.db.engine
    with pytest.raises(PermissionDeniedError) as caught:
        migrate(engine)
    assert str(caught.value) == (
        f"Only the database owner's login can migrate the database; you are connected as {LOGINS[role]}. "
        "Ask your database administrator to run it with the owner's login."
    )
    with pytest.raises(PermissionDeniedError):
        maintain(engine)
    owner = make_engine(team.url)
    assert migrate(owner) == (head_revision(), head_revision())
    owner.dispose()


def test_a_login_of_a_database_not_set_up_for_a_team_is_told_so(postgres_url: str) -> None:
    dsn = make_url(postgres_url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS plain_reader")
        conn.execute("CREATE ROLE plain_reader LOGIN")
        conn.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO plain_reader")
    try:
        with pytest.raises(TeamLoginError) as caught:
            open_desk(make_url(postgres_url).set(username="plain_reader").render_as_string(False))
        assert "has not been set up for a team" in str(caught.value)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("DROP OWNED BY plain_reader")
            conn.execute("DROP ROLE plain_reader")


def test_a_table_a_later_migration_adds_is_covered_without_anything_written_for_it(team: Team) -> None:
    from send_desk.db.team import after_migrations

    owner = make_engine(team.url)
    with owner.begin() as conn:  # what `send-desk migrate` does around a migration's new table
        conn.execute(text("SET LOCAL ROLE send_desk_owner"))
        conn.execute(text("CREATE TABLE later_table (id serial PRIMARY KEY, note text NOT NULL)"))
        after_migrations(conn)
    owner.dispose()
    message = refused(team, Role.OFFICER, "INSERT INTO later_table(note) VALUES ('quietly')")
    assert "SEND Desk refused a change to later_table with no audit entry" in message
    assert "permission denied" in refused(team, Role.ADMIN, "TRUNCATE later_table")
    with team.connect(Role.OFFICER) as conn:
        conn.execute("SET LOCAL send_desk.action = 'later-note'")
        conn.execute("INSERT INTO later_table(note) VALUES ('said')")
        conn.commit()
        assert conn.execute("SELECT note FROM later_table").fetchall() == [("said",)]
    rows = team.desks[Role.ADMIN].audit.search(action="later-note")
    assert [(row.login, row.action) for row in rows] == [(OFFICER, "later-note")]


def test_the_staff_function_belongs_to_a_nologin_createrole_role_and_quotes_the_login(team: Team) -> None:
    odd = "o'neil\"; DROP TABLE staff; --"
    team.desks[Role.ADMIN].staff.add_staff(odd, "Pat O'Neil", role=Role.OFFICER)
    with team.connect(Role.ADMIN) as conn:
        owner = conn.execute(
            "SELECT r.rolname, r.rolcanlogin, r.rolcreaterole "
            "FROM pg_proc p JOIN pg_roles r ON r.oid = p.proowner "
            "WHERE p.oid = 'send_desk_staff_add(text, text, text, text, text, timestamp)'::regprocedure"
        ).fetchone()
        assert owner == ("send_desk_staff_admin", False, True)
        assert conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolcreaterole AND rolcanlogin AND rolname = ANY(%s)",
            ([ADMIN, MANAGER, OFFICER, odd],),
        ).fetchone() == (0,)
        assert conn.execute("SELECT pg_has_role(%s, 'send_desk_officer', 'MEMBER')", (odd,)).fetchone() == (
            True,
        )
        assert conn.execute("SELECT count(*) FROM staff").fetchone() == (4,)
    for role in Role:
        with team.connect(role) as conn:
            allowed = conn.execute(
                "SELECT has_function_privilege(current_user, "
                "'send_desk_staff_add(text, text, text, text, text, timestamp)', 'EXECUTE')"
            ).fetchone()
            assert allowed == (role is Role.ADMIN,)


def test_an_officer_uses_the_shipped_templates_that_only_admins_may_change(team: Team) -> None:
    officer = team.desks[Role.OFFICER]
    titles = [template.name for template in officer.letters.list_templates()]
    assert titles, "team setup adds the shipped letter templates as the owner"
    assert "permission denied" in refused(team, Role.OFFICER, "DELETE FROM letter_template")
    assert "permission denied" in refused(team, Role.MANAGER, "UPDATE smtp_settings SET host = 'evil'")


# ----- the export log -------------------------------------------------------------------------------
def test_an_officers_export_is_logged_and_audited_and_nobody_rubs_it_out(team: Team) -> None:
    from send_desk.services.export_log import ExportKind

    officer, manager = team.desks[Role.OFFICER], team.desks[Role.MANAGER]
    officer.export_log.record(ExportKind.SPREADSHEET, "cases.xlsx", rows=3, filters={"status": "open"})
    manager.export_log.set_pseudonymised_only(True)  # a manager's rule, written on the server

    assert [(e.login, e.kind, e.rows) for e in manager.export_log.entries()] == [(OFFICER, "spreadsheet", 3)]
    assert officer.export_log.pseudonymised_only() is True
    for role in (Role.OFFICER, Role.MANAGER):
        assert "permission denied" in refused(team, role, "DELETE FROM export_log")
        assert "permission denied" in refused(team, role, "UPDATE export_log SET rows = 0")
    assert "permission denied" in refused(team, Role.OFFICER, "SELECT login, target FROM export_log")
    owner = make_engine(team.url)
    with owner.connect() as conn:
        exported = conn.execute(text("SELECT login FROM audit_entry WHERE action = 'exported'")).scalar()
        assert exported == OFFICER
        assert conn.execute(text("SELECT count(*) FROM export_log")).scalar() == 1
    owner.dispose()


# ----- the import ------------------------------------------------------------------------------------
def tracker_sheet(path: Path, rows: list[list[object]]) -> Path:
    """Write a small tracker with the team's own officer initials."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Reference", "Kind", "Received", "Officer", "Contact"])
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_officer_imports_and_a_profile_saved_with_no_case_to_import_is_audited_too(
    team: Team, tmp_path: Path
) -> None:
    officer = team.desks[Role.OFFICER]
    first = tracker_sheet(
        tmp_path / "first.xlsx",
        [
            ["T-1", "Complaint", "02/11/2026", "AJ", "Jo Bloggs"],
            ["T-2", "No such kind", "02/11/2026", "AJ", "X"],
        ],
    )
    done = officer.imports.run(first, values={"officer": {"AJ": "alex.jones"}}, profile="Team sheet")
    assert (done.imported, len(done.rejected), done.aliases_added) == (1, 1, {"aj": "alex.jones"})
    again = tracker_sheet(tmp_path / "again.xlsx", [["T-1", "Complaint", "02/11/2026", "AJ", "Jo Bloggs"]])
    second = officer.imports.run(again, profile="Second sheet")  # its only row is on the desk already
    assert (second.accepted, second.imported, second.profile_saved) == (0, 0, True)
    assert officer.imports.profile_names() == ["Second sheet", "Team sheet"]
    owner = make_engine(team.url)
    with owner.connect() as conn:
        saved = conn.execute(
            text("SELECT login, changes FROM audit_entry WHERE action = 'import-profile' ORDER BY id")
        ).all()
        assert conn.execute(text("SELECT count(*) FROM case_record")).scalar() == 1
    owner.dispose()
    assert [(login, changes) for login, changes in saved] == [
        (
            OFFICER,
            '{"details": {"aliases": {"aj": "alex.jones"}, "file": "first.xlsx", "profile": "Team sheet"}}',
        ),
        (OFFICER, '{"details": {"aliases": {}, "file": "again.xlsx", "profile": "Second sheet"}}'),
    ]


# ----- settings -----------------------------------------------------------------------------------------
def test_a_manager_changes_the_managers_setting_but_not_an_admins_even_by_sql(team: Team) -> None:
    admin, manager = team.desks[Role.ADMIN], team.desks[Role.MANAGER]
    admin.documents.set_max_bytes(5_000_000)
    manager.export_log.set_pseudonymised_only(True)  # the managers' own setting, through the desk
    assert "row-level security" in refused(
        team,
        Role.MANAGER,
        "INSERT INTO desk_setting (key, value, updated_at, updated_by) VALUES ('x.new', '1', now(), 'x')",
    )
    with team.connect(Role.MANAGER) as conn:  # saying what it is gets a direct change past the audit check
        conn.execute("SET LOCAL send_desk.action = 'raising the limit'")
        changed = conn.execute(
            "UPDATE desk_setting SET value = '999999999' WHERE key = 'documents.max_bytes'"
        )
        removed = conn.execute("DELETE FROM desk_setting WHERE key = 'documents.max_bytes'")
        conn.commit()
    assert (changed.rowcount, removed.rowcount) == (0, 0)
    with team.connect(Role.OFFICER) as conn:  # everyone reads every setting
        seen = conn.execute("SELECT key, value FROM desk_setting ORDER BY key").fetchall()
    assert seen == [("documents.max_bytes", "5000000"), ("exports.pseudonymised_only", "true")]
    assert admin.documents.max_bytes() == 5_000_000
