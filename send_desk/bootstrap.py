"""Wire the desk together: database location, migrations, reference data and services."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import URL

from send_desk.db.engine import make_engine
from send_desk.db.location import check_folder, looks_like_network_share, resolve_database_url, sqlite_path
from send_desk.db.migrate import check_server_database, check_sqlite_file, upgrade
from send_desk.db.models import Category, TargetPolicyRow
from send_desk.db.session import Database
from send_desk.domain.errors import DatabaseUnavailableError, SendDeskError
from send_desk.services.closures import ClosureService
from send_desk.services.context import Clock, ServiceContext, current_login, system_clock
from send_desk.services.deadlines import DeadlineService
from send_desk.services.policies import seed_reference_data
from send_desk.services.register import RegisterService
from send_desk.services.staff import StaffService

if TYPE_CHECKING:
    from send_desk.services.cases import CaseService


SEEDED = (TargetPolicyRow, Category)
"""The reference data tables `seed_reference_data` fills when they are empty."""


class NetworkShareError(SendDeskError):
    """Raise when a SQLite file would be opened on a network share."""


@dataclass
class Desk:
    """Every service of one open database, built once by the composition root."""

    ctx: ServiceContext
    url: URL
    backup: Path | None = None
    register: RegisterService = field(init=False)
    deadlines: DeadlineService = field(init=False)
    closures: ClosureService = field(init=False)
    staff: StaffService = field(init=False)

    def __post_init__(self) -> None:
        """Build the services over the shared context."""
        self.register = RegisterService(self.ctx)
        self.deadlines = DeadlineService(self.ctx)
        self.closures = ClosureService(self.ctx)
        self.staff = StaffService(self.ctx)

    @cached_property
    def cases(self) -> CaseService:
        """Return the case commands (built, and their module imported, when first needed: not at start-up)."""
        from send_desk.services.cases import CaseService

        return CaseService(self.ctx)

    def close(self) -> None:
        """Release the database connections."""
        self.ctx.db.dispose()


def open_desk(
    database: str | None = None,
    *,
    clock: Clock = system_clock,
    login: str | None = None,
    allow_network_share: bool = False,
    create: bool = False,
) -> Desk:
    """Open (creating and migrating if needed) the database and return the services over it.

    Only a SEND Desk database is opened: a file or server database holding another program's tables is
    refused before anything is written to it, and a SQLite file in a folder that does not exist is made
    only in the default data folder or when `create` says so (a typing mistake must not make a new desk).
    `login` is for the composition root (tests, the self-check); a person is who the OS says they are.
    """
    url = resolve_database_url(database)
    path = sqlite_path(url)
    if path is not None and not allow_network_share and looks_like_network_share(path):
        raise NetworkShareError(
            f"The database file {path} is on a network share. SQLite files are not safe to share over a "
            "network: two desks can corrupt it. Ask IT for a PostgreSQL database for the team, or start the "
            "desk with --allow-network-share if only one person will ever use this file."
        )
    if path is not None:
        check_folder(path, create=create)
        check_sqlite_file(path)
    try:
        engine = make_engine(url)
        if path is None:
            try:
                check_server_database(engine, url.render_as_string(hide_password=True))
            except SendDeskError:
                engine.dispose()
                raise
        backup = upgrade(engine)
    except SendDeskError:
        raise
    except Exception as exc:
        raise DatabaseUnavailableError(
            f"The database at {url.render_as_string(hide_password=True)} could not be opened: "
            f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}. "
            "Check the location and try again."
        ) from exc
    ctx = ServiceContext(db=Database(engine), clock=clock, login=login or current_login())
    with ctx.db.read() as session:
        seeded = all(session.scalars(select(table.id).limit(1)).first() is not None for table in SEEDED)
    if not seeded:  # a write only when needed: every write bumps the counter other desks refresh on
        with ctx.db.write() as session:
            seed_reference_data(session, at=ctx.now(), login=ctx.actor_login())
    return Desk(ctx=ctx, url=url, backup=backup)
