"""Benchmark: the weekly summary of a busy week in a big database, against the raw SQL it needs.

Usage (the database is built once with `send-desk --database PATH demo --cases 1000000`):

    python tests/benchmarks/bench_report.py PATH [--week 2026-W47 | --busiest] [--repeat 5] [--pdf]
        [--add-proposed-indexes] [--json]

It reads the summary once to warm the caches, records every SQL statement (with its parameters) the read
model sends to the database, then times, alternately and `--repeat` times each, the read model and a replay
of exactly those statements straight through the DB-API cursor (execute + fetchall, no SQLAlchemy, no
Python post-processing). It prints the medians, their ratio and whether the read model met the goal
(under 1 s, DESIGN.md). `--pdf` also times rendering the summary to PDF. `--add-proposed-indexes` first
creates the case_stage indexes the report asks for (see PROPOSED_INDEXES) if they are missing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from send_desk.bootstrap import open_desk
from send_desk.services.reporting import ReportingService
from send_desk.values.figures import week_label

GOAL_SECONDS = 1.0
PROPOSED_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_case_stage_responded "
    "ON case_stage (responded_on, respond_by, respond_by_unextended)",
    "CREATE INDEX IF NOT EXISTS ix_case_stage_acknowledged ON case_stage (acknowledged_on, acknowledge_by)",
    "CREATE INDEX IF NOT EXISTS ix_case_stage_stage_started ON case_stage (stage, started_on)",
)


def busiest_week(desk: Any) -> str:
    """Return the complete ISO week with the most cases received (not timed)."""
    with desk.ctx.db.engine.connect() as conn:
        rows = conn.execute(text("SELECT received_on, count(*) FROM case_record GROUP BY received_on")).all()
    today = desk.ctx.today()
    this_monday = today - timedelta(days=today.weekday())
    weeks: dict[str, int] = {}
    for day, n in rows:
        day = date.fromisoformat(day) if isinstance(day, str) else day
        if day < this_monday:
            label = week_label(day)
            weeks[label] = weeks.get(label, 0) + int(n)
    return max(weeks, key=lambda w: weeks[w]) if weeks else ReportingService(desk.ctx).default_week()


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", help="SQLite file or SQLAlchemy URL of a big database")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: last week)")
    which.add_argument("--busiest", action="store_true", help="the complete week with most cases received")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also time rendering the PDF")
    parser.add_argument("--add-proposed-indexes", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    args = parser.parse_args(argv)

    desk = open_desk(args.database, login="benchmark")
    engine = desk.ctx.db.engine
    if args.add_proposed_indexes:
        with engine.begin() as conn:
            for ddl in PROPOSED_INDEXES:
                conn.execute(text(ddl))
    service = ReportingService(desk.ctx)
    week = args.week or (busiest_week(desk) if args.busiest else service.default_week())
    with engine.connect() as conn:
        cases = int(conn.execute(text("SELECT count(*) FROM case_record")).scalar_one())
        index_names = (
            {row[0] for row in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'"))}
            if engine.dialect.name == "sqlite"
            else set()
        )

    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    service.weekly_summary(week)  # warm the caches
    event.listen(engine, "before_cursor_execute", record)
    summary = service.weekly_summary(week)
    event.remove(engine, "before_cursor_execute", record)

    def run_model() -> float:
        started = time.perf_counter()
        service.weekly_summary(week)
        return time.perf_counter() - started

    def run_raw() -> float:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            started = time.perf_counter()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            elapsed = time.perf_counter() - started
            cursor.close()
            return elapsed
        finally:
            raw.close()

    model_times: list[float] = []
    raw_times: list[float] = []
    for _ in range(max(1, args.repeat)):
        model_times.append(run_model())
        raw_times.append(run_raw())
    model = statistics.median(model_times)
    raw_sql = statistics.median(raw_times)
    figures: dict[str, Any] = {
        "database": args.database,
        "cases": cases,
        "week": week,
        "received_that_week": summary.received,
        "responses_year_to_date": summary.year_to_date.responded,
        "open_at_end": summary.open_at_end,
        "overdue_targets": len(summary.overdue),
        "sql_statements": len(statements),
        "proposed_indexes_present": all(ddl.split()[5] in index_names for ddl in PROPOSED_INDEXES)
        if index_names
        else None,
        "weekly_summary_ms": round(model * 1000, 1),
        "raw_sql_ms": round(raw_sql * 1000, 1),
        "ratio": round(model / raw_sql, 2) if raw_sql else None,
        "goal_ms": GOAL_SECONDS * 1000,
        "meets_goal": model < GOAL_SECONDS,
        "runs": args.repeat,
    }
    if args.pdf:
        from send_desk.app import headless_application
        from send_desk.printing import weekly_job, write_pdf

        headless_application()

        with tempfile.TemporaryDirectory() as folder:
            started = time.perf_counter()
            pages = write_pdf(weekly_job(summary), Path(folder) / "summary.pdf")
            figures["pdf_ms"] = round((time.perf_counter() - started) * 1000, 1)
            figures["pdf_pages"] = pages
    desk.close()
    if args.json:
        json.dump(figures, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(f"Weekly summary {week} over {cases:,} cases ({summary.received:,} received that week)")
        print(f"  read model   {figures['weekly_summary_ms']:8.1f} ms  (median of {args.repeat})")
        print(f"  raw SQL      {figures['raw_sql_ms']:8.1f} ms  ({len(statements)} statements replayed)")
        print(f"  ratio        {figures['ratio']:8.2f}")
        print(f"  goal < 1 s:  {'met' if figures['meets_goal'] else 'NOT met'}")
        if figures["proposed_indexes_present"] is not None:
            print(f"  proposed case_stage indexes present: {figures['proposed_indexes_present']}")
        if args.pdf:
            print(f"  PDF          {figures['pdf_ms']:8.1f} ms  ({figures['pdf_pages']} pages)")
    return 0 if figures["meets_goal"] else 1


if __name__ == "__main__":
    sys.exit(main())
