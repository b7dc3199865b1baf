"""Run every benchmark script there is and print one table: each figure beside its floor, ratio and goal.

Run: `.venv/bin/python -m tests.benchmarks.run_all [--sizes 10000 100000 1000000] [--data bench-data]`.

For each size it runs, each in its own process (through a wrapper that reports the process tree's peak
memory with resource.getrusage(RUSAGE_CHILDREN)):
  bench_core.py    builds bench-data/cases-N.sqlite3 if missing; dashboard counts vs raw SQL
  bench_gui.py     launch to usable window vs a bare PySide6 window; search keystroke vs raw SQL;
                   open a case (when it measures it)
  bench_report.py  weekly summary of the busiest week vs a replay of its SQL (--json)
  bench_export.py  (at 100,000 cases) export 100k rows vs a bare openpyxl write-only loop; import
                   100k rows vs a bare openpyxl read-only loop when it measures that
and a bare PySide6 window, as the floor for peak memory. A script that is missing (or fails) leaves its
rows "not measured". The raw output of every script is kept in <data>/logs/ for reading.

A script can hand over its figures without being parsed: given `--json` (listed in its --help) it may
print one JSON document with a list under "measurements", each item
{"metric": "export 100k", "value_ms": 1234.5, "floor_ms": 1000.0, "floor": "bare openpyxl loop"}
(metric names as in METRICS below). Otherwise the adapters read the scripts' own tables.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EXPORT_ROWS = 100_000


@dataclass(frozen=True)
class Goal:
    """What DESIGN.md asks of a figure: an absolute ceiling and/or a ceiling on the ratio to its floor."""

    ceiling: float | None = None
    ratio: float | None = None
    unit: str = "ms"

    def text(self) -> str:
        """Return the goal as written in the table."""
        parts = []
        if self.ceiling is not None:
            parts.append(f"≤{self.ceiling:,.0f} {self.unit}")
        if self.ratio is not None:
            parts.append(f"≤{self.ratio:g}x floor")
        return ", ".join(parts) or "—"

    def met(self, value: float, ratio: float | None) -> str:
        """Return "yes", "NO" or "—" (no goal)."""
        if self.ceiling is None and self.ratio is None:
            return "—"
        ok = (self.ceiling is None or value <= self.ceiling) and (
            self.ratio is None or (ratio is not None and ratio <= self.ratio)
        )
        return "yes" if ok else "NO"


METRICS: dict[str, tuple[str, Goal]] = {
    "launch": ("bare PySide6 window", Goal(ceiling=1500, ratio=4)),
    "search keystroke": ("raw SQL", Goal(ceiling=100, ratio=1.5)),
    "dashboard counts": ("raw SQL", Goal(ceiling=100)),
    "open a case": ("raw SQL", Goal()),
    "weekly summary": ("raw SQL replay", Goal(ceiling=1000)),
    "export 100k": ("bare openpyxl write loop", Goal(ratio=1.2)),
    "import 100k": ("bare openpyxl read loop", Goal()),
    "peak memory": ("bare PySide6 window", Goal(ceiling=300, unit="MB")),
}
"""Metric → (its floor, its goal from DESIGN.md "What fast means here")."""


@dataclass
class Measurement:
    """One figure for one size."""

    metric: str
    value: float
    floor: float | None = None
    floor_name: str = ""
    note: str = ""


@dataclass
class ScriptRun:
    """What one benchmark process printed, and its process tree's peak memory."""

    name: str
    ok: bool
    stdout: str
    stderr: str
    peak_mb: float | None
    seconds: float


# ----- running ------------------------------------------------------------------------------------
WRAPPER = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:])
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
scale = 1 if sys.platform == "darwin" else 1024
print(f"@@PEAK_RSS_BYTES {peak * scale}", file=sys.stderr)
sys.exit(result.returncode)
"""


def bench_env() -> dict[str, str]:
    """Return the environment for benchmark processes: offscreen Qt without a display, the repo importable."""
    env = dict(os.environ)
    if "QT_QPA_PLATFORM" not in env and not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_script(name: str, command: Sequence[str], logs: Path, timeout: float) -> ScriptRun:
    """Run a command under the memory wrapper, keep its output in `logs`, and return what it printed."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", WRAPPER, *command],
            cwd=ROOT,
            env=bench_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        stdout, stderr, ok = done.stdout, done.stderr, done.returncode == 0
    except subprocess.TimeoutExpired as exc:
        stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        stderr = f"timed out after {timeout:.0f} s"
        ok = False
    seconds = time.perf_counter() - started
    peak = None
    kept = []
    for line in stderr.splitlines():
        if line.startswith("@@PEAK_RSS_BYTES "):
            peak = int(line.split()[1]) / 1_000_000
        else:
            kept.append(line)
    stderr = "\n".join(kept)
    logs.mkdir(parents=True, exist_ok=True)
    (logs / f"{name}.log").write_text(
        f"$ {' '.join(command)}\n# {seconds:.1f} s, exit {'ok' if ok else 'FAILED'}\n{stdout}\n{stderr}\n",
        encoding="utf-8",
    )
    return ScriptRun(name, ok, stdout, stderr, peak, seconds)


def script(name: str) -> Path | None:
    """Return the path of a benchmark script, or None if nobody has written it yet."""
    path = HERE / f"{name}.py"
    return path if path.exists() else None


def supports_json(path: Path) -> bool:
    """Tell whether a script lists `--json` in its help."""
    try:
        shown = subprocess.run(
            [sys.executable, str(path), "--help"], cwd=ROOT, env=bench_env(), capture_output=True, text=True
        )
    except OSError:
        return False
    return "--json" in shown.stdout


# ----- reading the scripts' output ----------------------------------------------------------------
def from_contract(stdout: str) -> list[Measurement] | None:
    """Read {"measurements": [...]} printed by a script, or return None if it printed something else."""
    try:
        document = json.loads(stdout)
    except ValueError:
        return None
    if not isinstance(document, dict) or not isinstance(document.get("measurements"), list):
        return None
    found = []
    for item in document["measurements"]:
        if item.get("metric") in METRICS and item.get("value_ms") is not None:
            found.append(
                Measurement(
                    item["metric"],
                    float(item["value_ms"]),
                    None if item.get("floor_ms") is None else float(item["floor_ms"]),
                    str(item.get("floor", "")),
                    str(item.get("note", "")),
                )
            )
    return found


CORE_ROW = re.compile(r"^\|\s*(?P<size>[\d,]+)\s*\|[^|]*\|\s*(?P<ours>[\d.]+)\s*\((?P<raw>[\d.]+),")


def parse_core(stdout: str, size: int) -> list[Measurement]:
    """Read the dashboard figures from bench_core's table row for `size`."""
    for line in stdout.splitlines():
        match = CORE_ROW.match(line)
        if match and int(match["size"].replace(",", "")) == size:
            return [Measurement("dashboard counts", float(match["ours"]), float(match["raw"]), "raw SQL")]
    return []


GUI_ROW = re.compile(r"^(?P<label>\S.*?)\s+(?P<value>[\d.]+)ms\s+(?P<base>[\d.]+)ms\s+(?P<ratio>[\d.]+)x")


def parse_gui(stdout: str) -> list[Measurement]:
    """Read launch, the slowest search keystroke and (if present) opening a case from bench_gui's table."""
    found: list[Measurement] = []
    searches: list[tuple[float, float, str]] = []
    opens: list[tuple[float, float]] = []
    for line in stdout.splitlines():
        match = GUI_ROW.match(line)
        if not match:
            continue
        label, value, base = match["label"].strip(), float(match["value"]), float(match["base"])
        if label.startswith("launch to usable"):
            found.append(Measurement("launch", value, base, "bare PySide6 window"))
        elif label.startswith("search"):
            searches.append((value, base, label))
        elif label.startswith("open"):
            opens.append((value, base))
    if searches:
        value, base, label = max(searches)
        found.append(
            Measurement("search keystroke", value, base, "raw SQL", f"slowest of {len(searches)}: {label}")
        )
    if opens:
        found.append(
            Measurement(
                "open a case",
                statistics.median(v for v, _ in opens),
                statistics.median(b for _, b in opens),
                "raw SQL",
            )
        )
    return found


def parse_report(stdout: str) -> list[Measurement]:
    """Read bench_report's JSON (or its text) for the weekly summary and its raw SQL replay."""
    try:
        figures = json.loads(stdout)
        return [
            Measurement(
                "weekly summary",
                float(figures["weekly_summary_ms"]),
                float(figures["raw_sql_ms"]),
                "raw SQL replay",
                f"{figures.get('week', '')}, {figures.get('received_that_week', '?')} received",
            )
        ]
    except (ValueError, KeyError, TypeError):
        pass
    model = re.search(r"read model\s+([\d.]+) ms", stdout)
    raw = re.search(r"raw SQL\s+([\d.]+) ms", stdout)
    if model and raw:
        return [Measurement("weekly summary", float(model[1]), float(raw[1]), "raw SQL replay")]
    return []


EXPORT_LINE = re.compile(
    r"(?P<what>export|import)\b.*?(?P<value>[\d.,]+)\s*(?P<unit>ms|s)\b.*?(?P<floor>[\d.,]+)\s*(?P<funit>ms|s)\b",
    re.IGNORECASE,
)


def parse_export(stdout: str) -> list[Measurement]:
    """Read export (and import, when measured) times with their floors from bench_export's JSON or text."""
    try:
        figures = json.loads(stdout)
    except ValueError:
        figures = None
    if isinstance(figures, dict):
        found = []
        for what in ("export", "import"):
            value, floor = figures.get(f"{what}_seconds"), figures.get(f"{what}_floor_seconds")
            if what == "export":
                floor = figures.get("floor_seconds", floor)
            if value is None:
                continue
            note = f"{figures.get('rows', '?'):,} rows" if isinstance(figures.get("rows"), int) else ""
            if what == "export" and figures.get("peak_rss_mb") is not None:
                note += f"; export process peak {figures['peak_rss_mb']} MB"
            if what == "import" and isinstance(figures.get("imported"), int):
                note += f"; {figures['imported']:,} imported, {figures.get('import_rejected', 0):,} rejected"
            found.append(
                Measurement(
                    f"{what} 100k",
                    float(value) * 1000,
                    None if floor is None else float(floor) * 1000,
                    METRICS[f"{what} 100k"][0],
                    note,
                )
            )
        return found
    found_text: dict[str, Measurement] = {}
    for line in stdout.splitlines():
        match = EXPORT_LINE.search(line)
        if not match:
            continue
        metric = f"{match['what'].lower()} 100k"
        value = _ms(match["value"], match["unit"])
        floor = _ms(match["floor"], match["funit"])
        found_text.setdefault(
            metric, Measurement(metric, value, floor, METRICS[metric][0], line.strip()[:60])
        )
    return list(found_text.values())


def _ms(number: str, unit: str) -> float:
    value = float(number.replace(",", ""))
    return value * 1000 if unit.lower() == "s" else value


# ----- one size -----------------------------------------------------------------------------------
BARE_WINDOW = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.setCentralWidget(QLabel("Hello"))
window.resize(1240, 760)
window.show()
QTimer.singleShot(300, app.quit)
app.exec()
"""


def measure_size(size: int, data: Path, runs: int, timeout: float) -> tuple[list[Measurement], list[str]]:
    """Run every script for one database size; return the figures and the notes about missing ones."""
    logs = data / "logs" / f"cases-{size}"
    database = data / f"cases-{size}.sqlite3"
    found: list[Measurement] = []
    notes: list[str] = []
    peaks: dict[str, float] = {}

    def attempt(name: str, command: Sequence[str], parse: Callable[[str], list[Measurement]]) -> None:
        path = script(name)
        if path is None:
            notes.append(f"{name}.py does not exist yet")
            return
        use_json = supports_json(path)
        full = [sys.executable, str(path), *command, *(["--json"] if use_json else [])]
        run = run_script(name, full, logs, timeout)
        if run.peak_mb is not None:
            peaks[name] = run.peak_mb
        if not run.ok and not run.stdout.strip():
            reason = (run.stderr.strip().splitlines() or ["no output"])[-1]
            notes.append(f"{name}.py failed: {reason[:160]}")
            return
        measured = (from_contract(run.stdout) if use_json else None) or parse(run.stdout)
        if not measured:
            notes.append(f"{name}.py printed nothing this report could read (see {logs / (name + '.log')})")
        found.extend(measured)

    attempt("bench_core", ["--sizes", str(size), "--out", str(data)], lambda out: parse_core(out, size))
    if not database.exists():
        notes.append(f"{database} was not built; the scripts that need it were skipped")
        return found, notes
    attempt("bench_gui", [str(database), "--runs", str(runs)], parse_gui)
    attempt("bench_report", [str(database), "--busiest", "--repeat", str(runs)], parse_report)
    if size == EXPORT_ROWS:
        attempt(
            "bench_export",
            ["--cases", str(EXPORT_ROWS), "--out", str(data / "export"), "--runs", str(max(1, runs))],
            parse_export,
        )
    else:
        notes.append(f"export and import are measured at {EXPORT_ROWS:,} rows only (include that size)")

    bare = run_script("bare_window", [sys.executable, "-c", BARE_WINDOW], logs, timeout)
    if "bench_gui" in peaks:
        found.append(
            Measurement(
                "peak memory",
                peaks["bench_gui"],
                bare.peak_mb,
                "bare PySide6 window",
                "the desk window's benchmark process tree",
            )
        )
    elif peaks:
        worst = max(peaks, key=lambda k: peaks[k])
        found.append(
            Measurement(
                "peak memory", peaks[worst], bare.peak_mb, "bare PySide6 window", f"{worst} (no GUI run)"
            )
        )
    return found, notes


# ----- the table ----------------------------------------------------------------------------------
def table(results: dict[int, list[Measurement]]) -> list[str]:
    """Return the combined table as Markdown lines."""
    lines = [
        "| measure | cases | SEND Desk | floor | ratio | goal | met | note |",
        "|---|---:|---:|---:|---:|---|---|---|",
    ]
    for metric, (floor_name, goal) in METRICS.items():
        for size, measured in results.items():
            match = [m for m in measured if m.metric == metric]
            if not match:
                if metric in ("export 100k", "import 100k") and size != EXPORT_ROWS:
                    lines.append(f"| {metric} | {size:,} | (measured at {EXPORT_ROWS:,} cases) | | | | | |")
                else:
                    lines.append(f"| {metric} | {size:,} | not measured | | | {goal.text()} | | |")
                continue
            m = match[0]
            unit = goal.unit
            ratio = m.value / m.floor if m.floor else None
            floor = f"{m.floor:,.1f} {unit} ({m.floor_name or floor_name})" if m.floor is not None else "—"
            ratio_text = f"{ratio:.2f}x" if ratio is not None else "—"
            lines.append(
                f"| {metric} | {size:,} | {m.value:,.1f} {unit} | {floor} | {ratio_text} | {goal.text()} "
                f"| {goal.met(m.value, ratio)} | {m.note} |"
            )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks for each size and print the combined table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--data", type=Path, default=ROOT / "bench-data", help="where the databases live")
    parser.add_argument("--runs", type=int, default=3, help="repeats inside each script")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per script")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    results: dict[int, list[Measurement]] = {}
    all_notes: list[str] = []
    for size in args.sizes:
        print(f"measuring {size:,} cases…", file=sys.stderr, flush=True)
        found, notes = measure_size(size, args.data, args.runs, args.timeout)
        results[size] = found
        all_notes.extend(f"{size:,} cases: {note}" for note in notes)
    print(f"SEND Desk benchmarks ({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print()
    for line in table(results):
        print(line)
    if all_notes:
        print()
        for note in dict.fromkeys(all_notes):
            print(f"- {note}")
    print()
    print(f"Raw output of every script: {args.data / 'logs'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
