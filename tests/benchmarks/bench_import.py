"""Benchmark the tracker import beside bare reading loops over the same file, and its peak memory.

Run: `.venv/bin/python -m tests.benchmarks.bench_import [--rows 100000] [--big-rows 1000000] [--runs 2]
[--out bench-data/import] [--json]`. It writes a tracker with the Cases sheet's columns (every row a
valid case; the workbook is kept and reused), then, alternating `--runs` times, best of each:

  openpyxl floor    a bare openpyxl read-only loop reading every cell of the sheet (the floor);
  calamine          a bare python-calamine loop reading every cell of the same sheet;
  import            the whole `ImportService.run` (workbook opened once, layout, every row parsed, values
                    counted and checked, saved in one transaction) into a fresh database;
  check             the same as a dry run (read, parse and check every row, save nothing): the part of
                    the import that is the reader's, beside the saving (`CaseService.log_bulk`);
  ratios            each against the openpyxl floor measured in the same run (goal: import ≤ 0.8x).

Peak memory (the high-water mark of a fresh child process's own memory, VmHWM: ru_maxrss would carry
this process's peak into the child, which Linux keeps across fork and exec): the import
of the 100k file, and a dry-run import of a `--big-rows` file (read streamed above the whole-sheet
reader's size limit; goal < 300 MB). No timed asserts: figures are printed for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from python_calamine import CalamineWorkbook

from send_desk.bootstrap import open_desk
from send_desk.domain.kinds import DEFAULT_CATEGORIES, CaseKind, Channel
from send_desk.reports.sheet_fields import CASE_COLUMNS

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
HEADERS = [column.header for column in CASE_COLUMNS if column.field is not None]


def tracker(path: Path, rows: int, seed: int = 1) -> Path:
    """Write (once) a tracker of `rows` valid cases under the Cases sheet's importable headers."""
    if path.exists():
        return path
    rng = random.Random(seed)
    kinds = [CaseKind.COMPLAINT.label, CaseKind.ENQUIRY.label, CaseKind.FOI.label, CaseKind.MP_ENQUIRY.label]
    channels = [channel.label for channel in (Channel.EMAIL, Channel.PHONE, Channel.LETTER, Channel.WEB_FORM)]
    categories = [name for name, _appealable in DEFAULT_CATEGORIES]
    first = ["Amira", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Hari", "Isla", "Jack"]
    last = ["Khan", "Lewis", "Morgan", "Nowak", "Owen", "Patel", "Quinn", "Reid", "Shaw", "Turner"]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cases")
    sheet.append(HEADERS)
    start = date(2025, 12, 1)
    for number in range(rows):
        received = start + timedelta(days=rng.randrange(300))
        contact = f"{rng.choice(first)} {rng.choice(last)}"
        values = {
            "reference": f"B-{number:07d}",
            "kind": rng.choice(kinds),
            "stage": 1,
            "channel": rng.choice(channels),
            "received": received,
            "contact_name": contact,
            "contact_email": contact.lower().replace(" ", ".") + "@example.org",
            "contact_phone": f"07700 9{number % 100000:05d}",
            "child_name": f"{rng.choice(first)} {contact.split()[1]}",
            "child_dob": date(2010 + rng.randrange(10), 1 + rng.randrange(12), 1 + rng.randrange(28)),
            "category": rng.choice(categories),
            "officer": None,
            "acknowledged": received + timedelta(days=2) if rng.random() < 0.7 else None,
            "responded": None,
            "outcome": None,
            "summary": "Parent asks about " + rng.choice(categories).lower(),
        }
        sheet.append([values.get(column.field.id) for column in CASE_COLUMNS if column.field is not None])
        if number % 50_000 == 0:
            print(f"\rwriting {path.name}: {number:,} rows", end="", file=sys.stderr)
    workbook.save(path)
    print(f"\rwrote {path.name}: {rows:,} rows          ", file=sys.stderr)
    return path


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell_order(cell: str) -> tuple[int, str]:
    reference = cell.split('"', 2)[1].rstrip("0123456789")
    return len(reference), reference


def big_tracker(path: Path, rows: int) -> Path:
    """Write (once) a tracker of `rows` rows fast: a small workbook's sheet replaced by XML written directly.

    The rows hold the same kinds of values as `tracker` (text as inline strings, dates as serial numbers
    with a date style); writing a million rows through openpyxl would take most of an hour here.
    """
    if path.exists():
        return path
    small = tracker(path.with_name("tracker-shape.xlsx"), 2)
    letters = [_column(i) for i in range(len(HEADERS))]
    ids = [column.field.id for column in CASE_COLUMNS if column.field is not None]
    at = dict(zip(ids, letters, strict=True))
    rng = random.Random(2)
    categories = [name for name, _appealable in DEFAULT_CATEGORIES]
    epoch = date(1899, 12, 30)

    def text(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    def serial(ref: str, value: date) -> str:
        return f'<c r="{ref}" s="1"><v>{(value - epoch).days}</v></c>'

    with zipfile.ZipFile(small) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                target.writestr(item, source.read(item))
                continue
            original = source.read(item).decode()
            head = original[: original.index("<sheetData>") + len("<sheetData>")]
            tail = original[original.index("</sheetData>") :]
            with target.open(item.filename, "w", force_zip64=True) as out:
                out.write(head.encode())
                header = "".join(text(f"{letters[i]}1", h) for i, h in enumerate(HEADERS))
                out.write(f'<row r="1">{header}</row>'.encode())
                batch: list[str] = []
                for number in range(2, rows + 2):
                    received = date(2025, 12, 1) + timedelta(days=rng.randrange(300))
                    cells = [
                        text(f"{at['reference']}{number}", f"B-{number:07d}"),
                        text(f"{at['kind']}{number}", "Complaint"),
                        text(f"{at['channel']}{number}", "Email"),
                        serial(f"{at['received']}{number}", received),
                        text(f"{at['contact_name']}{number}", f"Parent {number}"),
                        text(f"{at['category']}{number}", rng.choice(categories)),
                        text(f"{at['summary']}{number}", "Parent asks about transport"),
                    ]
                    batch.append(f'<row r="{number}">{"".join(sorted(cells, key=_cell_order))}</row>')
                    if len(batch) == 10_000:
                        out.write("".join(batch).encode())
                        batch.clear()
                out.write("".join(batch).encode())
                out.write(tail.encode())
    return path


def openpyxl_floor(path: Path) -> int:
    """Read every cell with a bare openpyxl read-only loop; return the rows read."""
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


def calamine_loop(path: Path) -> int:
    """Read every cell with a bare python-calamine loop; return the rows read."""
    workbook = CalamineWorkbook.from_path(str(path))
    rows = 0
    try:
        for row in workbook.get_sheet_by_name("Cases").iter_rows():
            for _value in row:
                pass
            rows += 1
    finally:
        workbook.close()
    return rows


def empty_database(folder: Path) -> Path:
    """Return a fresh migrated database (copied from a template made once)."""
    template = folder / "template.sqlite3"
    if not template.exists():
        open_desk(str(template), clock=lambda: NOW, login="benchmark").close()
    target = folder / "import.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(template, target)
    return target


def import_once(folder: Path, path: Path, *, dry_run: bool = False) -> tuple[float, Any]:
    """Import the tracker into a fresh database (or only check it); return the seconds and the result."""
    desk = open_desk(str(empty_database(folder)), clock=lambda: NOW, login="benchmark")
    try:
        started = time.perf_counter()
        result = desk.imports.run(path, dry_run=dry_run)
        return time.perf_counter() - started, result
    finally:
        desk.close()


def timed(action: Any, *args: Any) -> float:
    """Return the seconds an action took."""
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def peak_mb() -> float:
    """Return this process's peak resident memory in MB (VmHWM where Linux has it, else ru_maxrss)."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child_peak(folder: Path, path: Path, *, dry_run: bool, max_rows: int) -> dict[str, Any]:
    """Run one import in a fresh process; return its peak resident memory (MB), seconds and counts."""
    code = f"""
import json, time
from tests.benchmarks.bench_import import peak_mb
from datetime import UTC, datetime
from send_desk.bootstrap import open_desk
from send_desk.domain.errors import SendDeskError
from send_desk.services.tracker_import import ImportService
now = datetime(2026, 11, 27, 10, tzinfo=UTC)
desk = open_desk({str(empty_database(folder))!r}, clock=lambda: now, login="b")
started = time.perf_counter()
try:
    result = ImportService(desk.ctx, max_rows={max_rows}).run({str(path)!r}, dry_run={dry_run})
    counts = {{"rows": result.rows_read, "accepted": result.accepted, "imported": result.imported}}
except SendDeskError as exc:
    counts = {{"refused": str(exc)}}
print(json.dumps({{"seconds": round(time.perf_counter() - started, 2), **counts,
    "peak_mb": peak_mb()}}))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def main(argv: list[str] | None = None) -> int:
    """Write the trackers, measure, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--big-rows", type=int, default=0, help="also measure memory on a file this big")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--out", default="bench-data/import")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(args.out)
    folder.mkdir(parents=True, exist_ok=True)
    path = tracker(folder / f"tracker-{args.rows}.xlsx", args.rows)
    floors: list[float] = []
    calamines: list[float] = []
    imports: list[float] = []
    checks: list[float] = []
    result: Any = None
    for _ in range(args.runs):
        floors.append(timed(openpyxl_floor, path))
        calamines.append(timed(calamine_loop, path))
        seconds, result = import_once(folder, path)
        imports.append(seconds)
        checks.append(import_once(folder, path, dry_run=True)[0])
    floor, calamine, imported = min(floors), min(calamines), min(imports)
    figures: dict[str, Any] = {
        "rows": args.rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "openpyxl_floor_runs": [round(x, 2) for x in floors],
        "calamine_runs": [round(x, 2) for x in calamines],
        "import_runs": [round(x, 2) for x in imports],
        "openpyxl_floor_seconds": round(floor, 2),
        "calamine_seconds": round(calamine, 2),
        "calamine_ratio": round(calamine / floor, 3),
        "import_seconds": round(imported, 2),
        "imported": result.imported,
        "rejected": len(result.rejected),
        "import_ratio": round(imported / floor, 3),
        "import_ratio_per_run": [round(i / f, 3) for i, f in zip(imports, floors, strict=True)],
        "check_runs": [round(x, 2) for x in checks],
        "check_seconds": round(min(checks), 2),
        "check_ratio": round(min(checks) / floor, 3),
        "import_peak": child_peak(folder, path, dry_run=False, max_rows=200_000),
        "this_process_peak_mb": peak_mb(),
    }
    if args.big_rows:
        big = big_tracker(folder / f"tracker-{args.big_rows}.xlsx", args.big_rows)
        figures["big_rows"] = args.big_rows
        figures["big_file_mb"] = round(big.stat().st_size / 1e6, 1)
        figures["big_dry_run_peak"] = child_peak(folder, big, dry_run=True, max_rows=200_000)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        for key, value in figures.items():
            print(f"{key:>24}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
