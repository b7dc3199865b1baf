"""Benchmark the Excel export beside a bare openpyxl write-only loop, and the GUI's event loop meanwhile.

Run: `.venv/bin/python -m tests.benchmarks.bench_export [--cases 100000] [--out bench-data/export]`.
It reuses `bench-data/cases-N.sqlite3` (made by bench_core) if there is one (copied, never changed),
else builds the database with the demo generator. Export and floor run alternately
`--runs` times (best of each, since the machine is shared). Figures (printed, or JSON with --json):

  export            the whole `ExportService.export` (database read in keyset batches, styled cells, RAG
                    fills, Summary and About sheets, temp file + rename), rows/s;
  floor             a bare openpyxl write-only loop appending the same rows (same values, already in
                    memory, no styles: the Cases sheet's and the Stages sheet's, one per stage) and
                    saving, rows/s; ratio = export s / floor s (goal ≤ 1.2);
  writer only       the styled writer over in-memory lines (export minus the database read);
  peak memory       the process's peak resident set size after the export (before the floor's rows are
                    held in memory);
  GUI latency       a 10 ms QTimer on the GUI thread while the export runs on the task runner's pool:
                    the largest and the 95th-percentile gap between ticks, beside the same timer idle;
  import            the export file read back by the whole `ImportService.run` (layout, every row parsed
                    and checked, saved in one transaction) into a fresh database holding the same staff,
                    rows/s; alternating `--runs` times with
  import floor      a bare openpyxl read-only loop over the same file reading every cell of the Cases
                    sheet, rows/s; import ratio = import s / floor s (DESIGN.md sets no goal for it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from openpyxl import Workbook, load_workbook

from send_desk.bootstrap import Desk, open_desk
from send_desk.reports.sheet_fields import DEFAULT_COLUMNS, STAGE_COLUMNS, STAGE_SHEET_FIELDS, stage_lines
from send_desk.reports.xlsx_export import ExportAbout, write_cases_xlsx
from send_desk.services.demo import DemoService
from send_desk.services.spreadsheets import ExportService, ImportService
from send_desk.values.cases import CaseFilter

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ALL = CaseFilter(status="all")


def database(folder: Path, cases: int) -> Path:
    """Return a database of `cases` cases in `folder` (copied from bench_core's, or built)."""
    target = folder / f"cases-{cases}.sqlite3"
    if target.exists():
        return target
    shared = Path("bench-data") / f"cases-{cases}.sqlite3"
    if shared.exists():
        shutil.copy(shared, target)
        return target
    desk = open_desk(str(target), clock=lambda: NOW, login="benchmark")
    started = time.perf_counter()
    for done in DemoService(desk.ctx).generate(cases, seed=1):
        print(f"\rbuilding: {done:,} cases", end="", file=sys.stderr)
    print(f"\rbuilt {cases:,} cases in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    desk.close()
    return target


def timed(action: Any) -> tuple[float, Any]:
    """Return the seconds an action took and its result."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def drain(items: Any) -> list[Any]:
    """Return every item of an iterator."""
    return list(items)


def floor_loop(rows: list[list[Any]], out: Path, stage_rows: list[list[Any]] | None = None) -> None:
    """Write the rows (and the Stages sheet's rows) with a bare write-only openpyxl loop and save."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cases")
    for row in rows:
        sheet.append(row)
    stages = workbook.create_sheet("Stages")
    for row in stage_rows or ():
        stages.append(row)
    workbook.save(out)


def plain_stage_rows(line: Any) -> list[list[Any]]:
    """Return the Stages sheet's rows of one export line as the floor writes them (no styles)."""
    return [
        [
            (value or None) if isinstance(value, str) else value
            for value in (c.value(s) for c in STAGE_COLUMNS)
        ]
        for s in stage_lines(line)
    ]


def read_floor(path: Path) -> int:
    """Read every cell of the Cases sheet with a bare read-only openpyxl loop; return the rows read."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    rows = 0
    try:
        for row in workbook["Cases"].iter_rows(values_only=True):
            for _value in row:
                pass
            rows += 1
    finally:
        workbook.close()
    return rows


def import_target(folder: Path) -> Path:
    """Return a fresh database with the demo staff (the officers the exported rows name), and no cases."""
    template = folder / "import-template.sqlite3"
    if not template.exists():
        desk = open_desk(str(template), clock=lambda: NOW, login="benchmark")
        list(DemoService(desk.ctx).generate(0))
        desk.close()
    target = folder / "import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def import_once(folder: Path, workbook: Path) -> tuple[float, Any]:
    """Import the workbook into a fresh database; return the seconds and the result."""
    desk = open_desk(str(import_target(folder)), clock=lambda: NOW, login="benchmark")
    try:
        return timed(partial(ImportService(desk.ctx).run, workbook))
    finally:
        desk.close()


def measure_import(folder: Path, workbook: Path, runs: int) -> dict[str, Any]:
    """Run the import and the bare read loop alternately, `runs` times each; return best-of figures."""
    imports: list[float] = []
    floors: list[float] = []
    result: Any = None
    for _ in range(runs):
        seconds, result = import_once(folder, workbook)
        imports.append(seconds)
        floors.append(timed(partial(read_floor, workbook))[0])
    import_seconds, floor_seconds = min(imports), min(floors)
    rows = result.rows_read
    return {
        "import_rows": rows,
        "imported": result.imported,
        "import_rejected": len(result.rejected),
        "import_runs": [round(x, 2) for x in imports],
        "import_floor_runs": [round(x, 2) for x in floors],
        "import_seconds": round(import_seconds, 2),
        "import_rows_per_s": round(rows / import_seconds),
        "import_floor_seconds": round(floor_seconds, 2),
        "import_floor_rows_per_s": round(rows / floor_seconds),
        "import_ratio": round(import_seconds / floor_seconds, 3),
    }


def plain_row(line: Any) -> list[Any]:
    """Return the values of one export line as the floor writes them (same columns, no styles)."""
    row: list[Any] = []
    for column in DEFAULT_COLUMNS:
        value = column.value(line)
        row.append((value or None) if isinstance(value, str) else value)
    return row


def gui_latency(desk: Desk, out: Path) -> dict[str, float]:
    """Measure the GUI thread's timer gaps idle and while the export runs on the task runner."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from send_desk.gui.export_dialog import ExportRequest, start_export
    from send_desk.gui.tasks import TaskRunner

    app = QApplication.instance() or QApplication([])
    clock = QElapsedTimer()

    def sample(seconds: float | None, start: Any = None) -> tuple[list[int], float]:
        gaps: list[int] = []
        last = [0]
        done: list[Any] = []

        def tick() -> None:
            now = clock.elapsed()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(tick)
        clock.start()
        timer.start()
        began = time.perf_counter()
        if start is not None:
            start(done)
        while (seconds is not None and time.perf_counter() - began < seconds) or (
            start is not None and not done
        ):
            app.processEvents()
            time.sleep(0.001)
        timer.stop()
        return gaps[1:], time.perf_counter() - began

    idle, _ = sample(2.0)
    runner = TaskRunner(None)
    busy, seconds = sample(
        None,
        lambda done: start_export(None, desk, ExportRequest(out, ALL), runner=runner, on_done=done.append),
    )
    runner.wait()

    def p95(values: list[int]) -> float:
        return (
            float(statistics.quantiles(values, n=20)[-1])
            if len(values) > 20
            else float(max(values, default=0))
        )

    return {
        "idle_max_ms": float(max(idle)),
        "idle_p95_ms": p95(idle),
        "busy_max_ms": float(max(busy)),
        "busy_p95_ms": p95(busy),
        "busy_seconds": round(seconds, 2),
        "ticks": len(busy),
    }


def main(argv: list[str] | None = None) -> int:
    """Run the export benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path("bench-data") / "export")
    parser.add_argument("--runs", type=int, default=2, help="export and floor runs, alternating (best of)")
    parser.add_argument("--no-gui", action="store_true", help="skip the event-loop latency measurement")
    parser.add_argument("--no-import", action="store_true", help="skip the import measurement")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    path = database(args.out, args.cases)
    desk = open_desk(str(path), clock=lambda: NOW, login="benchmark")
    service = ExportService(desk.ctx)
    figures: dict[str, Any] = {"cases": args.cases, "lxml": _has_lxml()}
    try:
        list(service.lines(CaseFilter(status="all", received_from=NOW.date())))  # warm up imports and caches
        exports: list[float] = []
        floors: list[float] = []
        for run in range(args.runs):
            seconds, outcome = timed(partial(service.export_all, args.out / "export.xlsx", ALL))
            exports.append(seconds)
            if run == 0:
                figures["rows"] = outcome.cases
                figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
                needed = frozenset(c.name for c in DEFAULT_COLUMNS) | STAGE_SHEET_FIELDS
                read_seconds, lines = timed(partial(drain, service.lines(ALL, needed=needed)))
                about = ExportAbout(exported_at=NOW, exported_by="benchmark", database=str(path))
                writer_seconds, _ = timed(
                    partial(drain, write_cases_xlsx(args.out / "writer.xlsx", lines, about))
                )
                rows = [plain_row(line) for line in lines]
                stage_rows = [row for line in lines for row in plain_stage_rows(line)]
                lines = []
            floors.append(timed(partial(floor_loop, rows, args.out / "floor.xlsx", stage_rows))[0])
        rows = stage_rows = []
        export_seconds, floor_seconds = min(exports), min(floors)
        figures["export_runs"] = [round(x, 2) for x in exports]
        figures["floor_runs"] = [round(x, 2) for x in floors]
        n = figures["rows"]
        figures.update(
            {
                "export_seconds": round(export_seconds, 2),
                "export_rows_per_s": round(n / export_seconds),
                "read_seconds": round(read_seconds, 2),
                "writer_seconds": round(writer_seconds, 2),
                "floor_seconds": round(floor_seconds, 2),
                "floor_rows_per_s": round(n / floor_seconds),
                "ratio": round(export_seconds / floor_seconds, 3),
                "writer_ratio": round(writer_seconds / floor_seconds, 3),
                "goal_ratio": 1.2,
            }
        )
        if not args.no_import:
            figures.update(measure_import(args.out, args.out / "export.xlsx", args.runs))
        if not args.no_gui:
            figures["gui"] = gui_latency(desk, args.out / "gui.xlsx")
    finally:
        desk.close()
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    f = figures
    print(f"Export of {f['rows']:,} cases (lxml installed: {f['lxml']})")
    print(f"  export (whole service)  {f['export_seconds']:8.2f} s  {f['export_rows_per_s']:8,} rows/s")
    print(f"    of which DB read      {f['read_seconds']:8.2f} s")
    print(f"  writer only (in memory) {f['writer_seconds']:8.2f} s")
    print(f"  bare openpyxl loop      {f['floor_seconds']:8.2f} s  {f['floor_rows_per_s']:8,} rows/s")
    print(f"  runs (s): export {f['export_runs']}, floor {f['floor_runs']} (best of each used)")
    print(f"  ratio export / floor    {f['ratio']:8.3f}   (writer only {f['writer_ratio']:.3f}; goal <= 1.2)")
    print(f"  peak memory             {figures['peak_rss_mb']:8.1f} MB")
    if "import_seconds" in f:
        print(
            f"Import of the same file ({f['import_rows']:,} rows, {f['imported']:,} imported, "
            f"{f['import_rejected']:,} rejected)"
        )
        print(f"  import (whole service)  {f['import_seconds']:8.2f} s  {f['import_rows_per_s']:8,} rows/s")
        print(
            f"  bare openpyxl read loop {f['import_floor_seconds']:8.2f} s  "
            f"{f['import_floor_rows_per_s']:8,} rows/s"
        )
        print(f"  runs (s): import {f['import_runs']}, floor {f['import_floor_runs']} (best of each used)")
        print(
            f"  import {f['import_seconds']:.2f} s vs bare read loop {f['import_floor_seconds']:.2f} s: "
            f"ratio {f['import_ratio']:.3f} (no goal in DESIGN.md)"
        )
    if "gui" in figures:
        g = figures["gui"]
        print(
            f"  GUI 10 ms timer gaps: idle max {g['idle_max_ms']:.0f} ms / p95 {g['idle_p95_ms']:.0f} ms; "
            f"during export max {g['busy_max_ms']:.0f} ms / p95 {g['busy_p95_ms']:.0f} ms "
            f"over {g['busy_seconds']} s ({g['ticks']} ticks)"
        )
    return 0


def _has_lxml() -> bool:
    try:
        import lxml  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # skip interpreter teardown: PySide6 objects left by the latency probe can crash it
