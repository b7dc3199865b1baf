"""`send-desk --self-check`: prove an installation works without touching the user's own data.

Each check prints one line (`ok` or `FAIL` with the reason). The checks migrate a temporary SQLite
database, log a case and read it back through the services, load the application icon through
`resource_path`, render a report page to PDF with Qt, and import the desk window's modules. The
frozen (PyInstaller) bundle runs this in CI; IT can run it on a PC after installing.
"""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

CHECK_LOGIN = "self.check"
DESK_MODULES = ("send_desk.app", "send_desk.gui.main_window", "send_desk.gui.new_case")


class CheckFailedError(Exception):
    """Raise inside a check to fail it with a plain reason."""


def run_self_check(out: Any = None) -> int:
    """Run every check, print one line per check, and return 0 when all pass (1 otherwise)."""
    stream = out if out is not None else sys.stdout
    from send_desk import __version__

    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "source"
    _say(stream, f"SEND Desk {__version__} self-check ({frozen}, Python {sys.version.split()[0]})")
    with tempfile.TemporaryDirectory(prefix="send-desk-self-check-") as folder:
        state: dict[str, Any] = {"folder": Path(folder)}
        checks: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
            ("database", _check_database),
            ("cases", _check_cases),
            ("icon", _check_icon),
            ("report", _check_report),
            ("letter", _check_letter),
            ("desk modules", _check_desk_modules),
            ("postgresql driver", _check_postgres_driver),
        ]
        failures = 0
        try:
            for name, check in checks:
                started = time.perf_counter()
                try:
                    detail = check(state)
                except Exception as exc:
                    failures += 1
                    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                    _say(stream, f"FAIL {name}: {reason}")
                    if os.environ.get("SEND_DESK_SELF_CHECK_TRACEBACK"):
                        _say(stream, "".join(traceback.format_exception(exc)))
                else:
                    _say(stream, f"ok   {name}: {detail} ({time.perf_counter() - started:.2f} s)")
        finally:
            desk = state.get("desk")
            if desk is not None:
                desk.close()
    if failures:
        _say(stream, f"self-check FAILED: {failures} of {len(checks)} checks failed")
        return 1
    _say(stream, f"self-check passed: {len(checks)} checks")
    return 0


def _say(stream: Any, line: str) -> None:
    if stream is not None:
        print(line, file=stream, flush=True)


def _check_database(state: dict[str, Any]) -> str:
    from send_desk.bootstrap import open_desk
    from send_desk.db.migrate import current_revision, head_revision

    path = state["folder"] / "self-check.sqlite3"
    desk = open_desk(str(path), login=CHECK_LOGIN, clock=lambda: datetime.now(UTC))
    state["desk"] = desk
    revision = current_revision(desk.ctx.db.engine)
    head = head_revision()
    if revision != head:
        raise CheckFailedError(f"the temporary database is at revision {revision}, not the newest ({head})")
    with desk.ctx.db.engine.connect() as conn:
        result = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
    if result != "ok":
        raise CheckFailedError(f"integrity check said {result!r}")
    return f"temporary SQLite database migrated to revision {head}"


def _check_cases(state: dict[str, Any]) -> str:
    from send_desk.domain.kinds import CaseKind, Channel
    from send_desk.values.cases import CaseInput, PersonInput

    desk = state.get("desk")
    if desk is None:
        raise CheckFailedError("skipped: the database check failed")
    today = desk.today()
    logged = desk.cases.log_case(
        CaseInput(
            kind=CaseKind.COMPLAINT,
            received_on=today,
            channel=Channel.EMAIL,
            contact=PersonInput(name="Self Check", email="self.check@example.org"),
            summary="Self-check case",
        )
    )
    read = desk.cases.get_by_reference(logged.reference)
    if read.reference != logged.reference or read.summary != "Self-check case":
        raise CheckFailedError(f"case {logged.reference} did not read back as it was logged")
    return f"logged and read back {logged.reference}"


def _check_letter(state: dict[str, Any]) -> str:
    """Merge every shipped letter template with the field catalogue's examples (docxtpl, python-docx)."""
    from send_desk.domain.letters import FIELDS, SHIPPED
    from send_desk.reports.letters import docx_text, render_docx
    from send_desk.resources import resource_path

    examples: dict[str, object] = {f.name: f.example for f in FIELDS}
    examples["appealable"] = True
    for spec in SHIPPED:
        path = resource_path("templates", spec.filename)
        if not path.is_file():
            raise CheckFailedError(f"{path} is missing")
        text = docx_text(render_docx(path.read_bytes(), examples))
        if str(examples["reference"]) not in text or "{{" in text:
            raise CheckFailedError(f"{spec.filename} did not merge")
    return f"merged {len(SHIPPED)} letter templates"


def _check_icon(state: dict[str, Any]) -> str:
    from PySide6.QtGui import QIcon, QImage

    from send_desk.resources import resource_path

    _gui_application()
    png = resource_path("icons", "send-desk.png")
    if not png.exists():
        raise CheckFailedError(f"{png} is missing")
    image = QImage(str(png))
    if image.isNull():
        raise CheckFailedError(f"{png} could not be read as an image")
    found = [f"send-desk.png {image.width()}x{image.height()}"]
    svg = resource_path("icons", "send-desk.svg")
    if svg.exists():
        icon = QIcon(str(svg))
        if icon.pixmap(32, 32).isNull():
            raise CheckFailedError(f"{svg} could not be drawn (is the Qt SVG plugin bundled?)")
        found.append("send-desk.svg")
    return "loaded " + ", ".join(found)


def _check_report(state: dict[str, Any]) -> str:
    desk = state.get("desk")
    if desk is None:
        raise CheckFailedError("skipped: the database check failed")
    target = state["folder"] / "weekly-summary.pdf"
    try:
        printing = importlib.import_module("send_desk.printing")
    except ModuleNotFoundError:
        pages = _bare_pdf(target)
        what = "a test page"
    else:
        _gui_application()
        summary = desk.reporting.weekly_summary()
        pages = printing.write_pdf(printing.weekly_job(summary), target)
        what = f"the weekly summary of {summary.to_json().get('week', 'last week')}"
    data = target.read_bytes() if target.exists() else b""
    if not data.startswith(b"%PDF") or len(data) < 500:
        raise CheckFailedError(f"the PDF written to {target} is missing or empty")
    return f"rendered {what} to PDF ({pages} page{'s' if pages != 1 else ''}, {len(data):,} bytes)"


def _bare_pdf(target: Path) -> int:
    """Render a one-page QTextDocument to PDF (used when the print-outs module is absent)."""
    from PySide6.QtGui import QPdfWriter, QTextDocument

    _gui_application()
    writer = QPdfWriter(str(target))
    document = QTextDocument()
    document.setHtml(f"<h1>SEND Desk self-check</h1><p>{date.today():%d/%m/%Y}</p>")
    document.print_(writer)
    return 1


def _check_desk_modules(state: dict[str, Any]) -> str:
    for name in DESK_MODULES:
        importlib.import_module(name)
    from send_desk.cli.main import build_parser

    build_parser()
    return f"imported {len(DESK_MODULES)} window modules and every command"


def _check_postgres_driver(state: dict[str, Any]) -> str:
    import psycopg

    version = psycopg.pq.version()
    libpq = f"{version // 10000}.{version % 10000}" if version >= 100000 else str(version)
    return f"psycopg {psycopg.__version__} ({psycopg.pq.__impl__} implementation, libpq {libpq})"


def _gui_application() -> Any:
    """Return the running Qt application, or start one on the offscreen platform."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        argv = [sys.argv[0] if sys.argv else "send-desk"]
        if not os.environ.get("QT_QPA_PLATFORM"):
            argv += ["-platform", "offscreen"]
        app = QApplication(argv)
    return app
