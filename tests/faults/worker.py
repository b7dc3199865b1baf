"""A long operation for the fault-injection tests, run in a subprocess that the test kills with SIGKILL.

`python -m tests.faults.worker OPERATION DATABASE [OUT]` does its set-up, prints START (flushed), runs
the operation, then prints DONE. Operations: import, migration, export (cases), audit-export, retention.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC, date, datetime
from pathlib import Path

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
LOGIN = "sam.patel"
IMPORT_SIZE = int(os.environ.get("SEND_DESK_FAULT_IMPORT_SIZE", "2000"))
RETENTION_CUTOFF = date(2026, 1, 1)
"""Cases closed before this are anonymised (the demo data spans the last two years)."""


def import_inputs(count: int = IMPORT_SIZE) -> list:  # type: ignore[type-arg]
    """Return `count` varied cases as a spreadsheet import would hand them to the services."""
    from send_desk.domain.kinds import CaseKind, Channel
    from send_desk.values.cases import CaseInput, PersonInput

    kinds = [CaseKind.COMPLAINT, CaseKind.ENQUIRY, CaseKind.MP_ENQUIRY, CaseKind.FOI]
    return [
        CaseInput(
            kind=kinds[i % len(kinds)],
            received_on=date(2026, 1 + i % 10, 1 + i % 27),
            channel=Channel.EMAIL,
            contact=PersonInput(name=f"Parent {i}", email=f"parent{i}@example.org", phone=f"07700 9{i:05d}"),
            child=PersonInput(name=f"Child {i}", date_of_birth=date(2012 + i % 8, 1 + i % 12, 1 + i % 28)),
            summary=f"Imported tracker row {i}",
            description="Copied from the old spreadsheet tracker. " * 3,
        )
        for i in range(count)
    ]


def main(argv: list[str]) -> int:
    """Set up, say START, run the operation, say DONE."""
    operation, database = argv[0], argv[1]
    if operation == "migration":
        from send_desk.db.engine import make_engine
        from send_desk.db.migrate import upgrade

        engine = make_engine(f"sqlite:///{database}")
        print("START", flush=True)
        upgrade(engine, backup_dir=Path(database).parent / "backups", now=lambda: NOW)
        print("DONE", flush=True)
        return 0

    from send_desk.bootstrap import open_desk

    desk = open_desk(database, clock=lambda: NOW, login=LOGIN)
    if operation == "import":
        inputs = import_inputs()
        print("START", flush=True)
        for _written in desk.cases.log_bulk(inputs, chunk=250):  # the path a spreadsheet import takes
            pass
    elif operation == "export":
        from send_desk.services.spreadsheets import ExportService
        from send_desk.values.cases import CaseFilter

        exporter = ExportService(desk.ctx)
        print("START", flush=True)
        exporter.export_all(Path(argv[2]), CaseFilter(status="all"))
    elif operation == "audit-export":
        from send_desk.services.audit_view import AuditService

        service = AuditService(desk.ctx)
        print("START", flush=True)
        for _ in service.export_xlsx(Path(argv[2])):
            pass
    elif operation == "retention":
        from send_desk.services.retention import RetentionService

        service = RetentionService(desk.ctx)
        print("START", flush=True)
        service.anonymise(RETENTION_CUTOFF)
    else:
        raise SystemExit(f"unknown operation {operation}")
    print("DONE", flush=True)
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
