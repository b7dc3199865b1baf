"""`send-desk team setup`, `migrate` and `maintain`: the database owner's commands (the DBA's login)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from sqlalchemy import Engine

from send_desk.cli.common import CliError, Globals, desk_for, print_json


def register(subparsers: Any) -> None:
    """Add the team, migrate and maintain commands."""
    team = subparsers.add_parser("team", help="a team's PostgreSQL database (the database owner, once)")
    actions = team.add_subparsers(dest="team_action", metavar="ACTION", required=True)
    setup = actions.add_parser(
        "setup", help="create the owner and group roles, grants and audit checks (database owner)"
    )
    setup.add_argument(
        "--admin", metavar="LOGIN", default="", help="also add this first admin and their login"
    )
    setup.add_argument("--admin-name", metavar="NAME", default="")
    setup.add_argument(
        "--password-env",
        metavar="VAR",
        default="",
        help="the environment variable holding the admin's password (none: single sign-on)",
    )
    setup.add_argument("--json", action="store_true")
    setup.set_defaults(handler=run_setup)

    migrate = subparsers.add_parser("migrate", help="bring a team's database to this version (owner login)")
    migrate.add_argument("--json", action="store_true")
    migrate.set_defaults(handler=run_migrate)

    maintain = subparsers.add_parser(
        "maintain", help="compact what retention left behind: VACUUM FULL and ANALYZE (owner login, nightly)"
    )
    maintain.add_argument("--json", action="store_true")
    maintain.set_defaults(handler=run_maintain)


def server_engine(g: Globals, command: str) -> Engine:
    """Return an engine on the team's PostgreSQL database, refusing a SQLite file in plain words."""
    from send_desk.db.engine import make_engine
    from send_desk.db.location import resolve_database_url, sqlite_path
    from send_desk.db.migrate import check_server_database

    url = resolve_database_url(g.database)
    if sqlite_path(url) is not None:
        raise CliError(
            f"send-desk {command} is for a team's PostgreSQL database; give --database postgresql://… "
            "(a SQLite desk migrates itself when it starts)."
        )
    engine = make_engine(url)
    check_server_database(engine, url.render_as_string(hide_password=True))
    return engine


def password_from(variable: str) -> str:
    """Return the password held in an environment variable (never typed on the command line)."""
    if not variable:
        return ""
    value = os.environ.get(variable)
    if not value:
        raise CliError(
            f"The environment variable {variable} holds no password. Set it, or leave out --password-env."
        )
    return value


def run_setup(args: argparse.Namespace, g: Globals) -> int:
    """Set a team's database up."""
    from send_desk.services.context import system_clock
    from send_desk.services.maintenance import setup_team

    engine = server_engine(g, "team setup")
    try:
        done = setup_team(
            engine,
            now=system_clock(),
            admin_login=args.admin.strip(),
            admin_name=args.admin_name.strip(),
            password=password_from(args.password_env),
        )
    finally:
        engine.dispose()
    if args.json:
        print_json({"done": done})
    else:
        print("\n".join(done))
    return 0


def run_migrate(args: argparse.Namespace, g: Globals) -> int:
    """Migrate a team's database as its owner."""
    from send_desk.services.maintenance import migrate

    engine = server_engine(g, "migrate")
    try:
        before, after = migrate(engine)
    finally:
        engine.dispose()
    if args.json:
        print_json({"from": before, "to": after})
    elif before == after:
        print(f"The database is already at schema version {after}.")
    else:
        print(f"Migrated the database from schema version {before or 'none'} to {after}.")
    return 0


def run_maintain(args: argparse.Namespace, g: Globals) -> int:
    """Compact what retention left owed."""
    from send_desk.db.location import resolve_database_url, sqlite_path
    from send_desk.services.maintenance import maintain

    if sqlite_path(resolve_database_url(g.database)) is not None:
        desk = desk_for(g)
        engine = desk.ctx.db.engine
    else:
        desk = None
        engine = server_engine(g, "maintain")
    try:
        result = maintain(engine)
    finally:
        if desk is not None:
            desk.close()
        else:
            engine.dispose()
    if args.json:
        print_json({"compacted": list(result.compacted)})
    elif result.compacted:
        print(
            "Compacted: "
            + ", ".join(result.compacted)
            + ". No anonymised text is left in the database's files."
        )
    else:
        print("Nothing was owed: no compaction needed.")
    return 0
