"""Wire the desk together: database location, migrations, reference data and services."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.engine import URL

from send_desk.db.engine import make_engine
from send_desk.db.location import check_folder, looks_like_network_share, resolve_database_url, sqlite_path
from send_desk.db.migrate import (
    check_server_database,
    check_sqlite_file,
    current_revision,
    head_revision,
    upgrade,
)
from send_desk.db.models import Category, CompactionOwed, TargetPolicyRow
from send_desk.db.session import Database
from send_desk.db.team import desk_identity
from send_desk.domain.errors import DatabaseUnavailableError, SendDeskError
from send_desk.services.categories import CategoryService
from send_desk.services.closures import ClosureService
from send_desk.services.context import Clock, ServiceContext, current_login, system_clock
from send_desk.services.deadlines import DeadlineService
from send_desk.services.policies import seed_reference_data
from send_desk.services.register import RegisterService
from send_desk.services.staff import StaffService

if TYPE_CHECKING:
    from send_desk.services.admin import PolicyAdminService
    from send_desk.services.audit_view import AuditService
    from send_desk.services.backup import BackupService
    from send_desk.services.bulk import BulkService
    from send_desk.services.cases import CaseService
    from send_desk.services.changes import ChangeWatcher
    from send_desk.services.corrections import RecordedDateService
    from send_desk.services.demo import DemoService
    from send_desk.services.documents import DocumentService
    from send_desk.services.ehc import EhcService
    from send_desk.services.letters import LetterService
    from send_desk.services.reminders import ReminderService
    from send_desk.services.reporting import ReportingService
    from send_desk.services.retention import RetentionService
    from send_desk.services.scheduled_mail import ScheduledMailService
    from send_desk.services.spreadsheets import ExportService, ImportService
    from send_desk.services.subject_access import SubjectAccessService


SEEDED = (TargetPolicyRow, Category)
"""The reference data tables `seed_reference_data` fills when they are empty."""


class NetworkShareError(SendDeskError):
    """Raise when a SQLite file would be opened on a network share."""


@dataclass
class Desk:
    """Every service of one open database, each built once by the composition root.

    The light services the window needs at start-up are built with the desk; the rest (the case
    commands, spreadsheets with openpyxl, administration, data protection, reports, backups) are built,
    and their modules imported, the first time they are used, so the window opens quickly.
    """

    ctx: ServiceContext
    url: URL
    backup: Path | None = None
    register: RegisterService = field(init=False)
    deadlines: DeadlineService = field(init=False)
    closures: ClosureService = field(init=False)
    staff: StaffService = field(init=False)
    categories: CategoryService = field(init=False)

    def __post_init__(self) -> None:
        """Build the start-up services over the shared context."""
        self.register = RegisterService(self.ctx)
        self.deadlines = DeadlineService(self.ctx)
        self.closures = ClosureService(self.ctx)
        self.staff = StaffService(self.ctx)
        self.categories = CategoryService(self.ctx)

    # ----- the services built when first needed ------------------------------------------------
    @cached_property
    def cases(self) -> CaseService:
        """Return the case commands."""
        from send_desk.services.cases import CaseService

        return CaseService(self.ctx)

    @cached_property
    def ehc(self) -> EhcService:
        """Return the EHC process a case is about: its steps and statutory dates (issue 18)."""
        from send_desk.services.ehc import EhcService

        return EhcService(self.ctx)

    @cached_property
    def bulk(self) -> BulkService:
        """Return bulk reassign and acknowledge over register rows (all or nothing)."""
        from send_desk.services.bulk import BulkService

        return BulkService(self.ctx, self.cases)

    @cached_property
    def corrections(self) -> RecordedDateService:
        """Return a manager's correction of a recorded date (recomputes the clocks, audited)."""
        from send_desk.services.corrections import RecordedDateService

        return RecordedDateService(self.ctx)

    @cached_property
    def reporting(self) -> ReportingService:
        """Return the weekly summary and annual figures."""
        from send_desk.services.reporting import ReportingService

        return ReportingService(self.ctx)

    @cached_property
    def exports(self) -> ExportService:
        """Return the spreadsheet export (openpyxl), which names this database in its workbooks."""
        from send_desk.services.spreadsheets import ExportService

        return ExportService(self.ctx, database_label=self.url.render_as_string(hide_password=True))

    @cached_property
    def imports(self) -> ImportService:
        """Return the spreadsheet import (openpyxl)."""
        from send_desk.services.spreadsheets import ImportService

        return ImportService(self.ctx)

    @cached_property
    def reminders(self) -> ReminderService:
        """Return each member of staff's targets due today or overdue."""
        from send_desk.services.reminders import ReminderService

        return ReminderService(self.ctx)

    @cached_property
    def scheduled_mail(self) -> ScheduledMailService:
        """Return the emails scheduled tasks send: officers' daily digests and the weekly summary."""
        from send_desk.services.scheduled_mail import ScheduledMailService

        return ScheduledMailService(self.ctx)

    @cached_property
    def policies(self) -> PolicyAdminService:
        """Return the target policies an admin edits, with their explicit recalculation."""
        from send_desk.services.admin import PolicyAdminService

        return PolicyAdminService(self.ctx)

    @cached_property
    def audit(self) -> AuditService:
        """Return the audit trail's search."""
        from send_desk.services.audit_view import AuditService

        return AuditService(self.ctx)

    @cached_property
    def retention(self) -> RetentionService:
        """Return the retention review (erasing closed cases past their keeping period)."""
        from send_desk.services.retention import RetentionService

        return RetentionService(self.ctx)

    @cached_property
    def subject_access(self) -> SubjectAccessService:
        """Return the subject access search and export."""
        from send_desk.services.subject_access import SubjectAccessService

        return SubjectAccessService(self.ctx)

    @cached_property
    def backups(self) -> BackupService:
        """Return the backups of this database (a SQLite file; on PostgreSQL IT backs up the server)."""
        from send_desk.services.backup import BackupService

        return BackupService(
            self.url, clock=self.ctx.now, engine=self.ctx.db.engine, login=self.ctx.actor_login()
        )

    @cached_property
    def documents(self) -> DocumentService:
        """Return the files kept against cases (bytes in the database, every change audited)."""
        from send_desk.services.documents import DocumentService

        return DocumentService(self.ctx)

    @cached_property
    def demo(self) -> DemoService:
        """Return the demo data builder."""
        from send_desk.services.demo import DemoService

        return DemoService(self.ctx)

    @cached_property
    def letters(self) -> LetterService:
        """Return letters and emails from templates, each kept with its case's documents."""
        from send_desk.services.letters import LetterService

        return LetterService(self.ctx, documents=self.documents)

    # ----- the small facts callers need without reaching into the context ------------------------
    @property
    def login(self) -> str:
        """Return the login this desk was opened as ("" when it acts as the OS account)."""
        return self.ctx.login

    @property
    def clock(self) -> Clock:
        """Return the clock this desk reads the time from."""
        return self.ctx.clock

    def now(self) -> datetime:
        """Return the current time (UTC, aware)."""
        return self.ctx.now()

    def today(self) -> date:
        """Return today's date in the UK."""
        return self.ctx.today()

    def actor_login(self) -> str:
        """Return the login changes are recorded under."""
        return self.ctx.actor_login()

    def change_watcher(self) -> ChangeWatcher:
        """Return a new watcher that tells when another desk changed the database (one per window)."""
        from send_desk.services.changes import ChangeWatcher

        return ChangeWatcher(self.ctx.db)

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
        identity = None
        if path is None:
            try:
                check_server_database(engine, url.render_as_string(hide_password=True))
                identity = desk_identity(engine, current=current_revision(engine), head=head_revision())
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
    if identity is not None:  # a team's PostgreSQL: who you are is your database login, nothing else
        login = identity.login
    ctx = ServiceContext(
        db=Database(engine, team=identity is not None), clock=clock, login=login or current_login()
    )
    with ctx.db.read() as session:
        seeded = all(session.scalars(select(table.id).limit(1)).first() is not None for table in SEEDED)
        owed = path is not None and session.scalars(select(CompactionOwed.table_name).limit(1)).first()
    if owed:  # a retention run died before compacting the file: finish it before anyone works
        from send_desk.services.retention import compact_owed

        compact_owed(engine)
    if not seeded:  # a write only when needed: every write bumps the counter other desks refresh on
        with ctx.db.write() as session:
            seed_reference_data(session, at=ctx.now(), login=ctx.actor_login())
    return Desk(ctx=ctx, url=url, backup=backup)
