"""Benchmark the desk window on a big database: launch to a usable window, and a search keystroke.

Usage (a script, not a pytest test)::

    send-desk --database /tmp/million.sqlite3 demo --cases 1000000     # once
    python tests/benchmarks/bench_gui.py /tmp/million.sqlite3 [--runs 5] [--search robinson ...]

Launch: wall time from starting a fresh Python process until the main window has painted with the
register filled, against a bare PySide6 window process doing the same (QApplication, one window, first
paint); reported with their ratio. Goal (DESIGN.md, "fast"): within 1.5 s and within 4x the bare window.
Beside it, for information, the same bare window after importing SQLAlchemy's ORM: the part of launch the
fixed technology costs before any SEND Desk code runs.

Search keystroke: in one process, the time from the debounced search firing (as the window's own timer
calls it, with its worker threads) to the table painted with the first screenful of the new rows; the
whole id list arriving is reported beside it for information. The floor is the search's own SQL (ids query
and first page of rows, captured from a search without the quick first-screenful look) replayed through the
plain sqlite3 module. Goal: within 100 ms and within 1.5x the raw SQL.

Open a case: in the same process, the time from asking the window to open a case (as a double-click does)
to its case view painted, against replaying the SELECTs it issued through sqlite3 (no goal in DESIGN.md;
reported for information). The cases opened are the register's first, middle and last rows.
The window runs with the offscreen platform unless DISPLAY is set and QT_QPA_PLATFORM is not, and with
settings of its own (a fresh settings folder, the welcome screen already seen): the register opens as a
new user's does, in the default sort, whatever sort the person running the benchmark last chose.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_TERMS = ("robinson", "jacob", "07700", "transport", "smi", "sd 2026 00061")


_SETTINGS_HOME: list[Path] = []


def _settings_home() -> Path:
    """Return the settings folder (XDG_CONFIG_HOME) the benchmark's windows use, made on first use."""
    if not _SETTINGS_HOME:
        _SETTINGS_HOME.append(Path(tempfile.mkdtemp(prefix="send-desk-bench-settings-")))
    return _SETTINGS_HOME[0]


def _platform_env() -> dict[str, str]:
    env = dict(os.environ)
    if "QT_QPA_PLATFORM" not in env and not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["XDG_CONFIG_HOME"] = str(_settings_home())
    return env


def _fresh_settings() -> None:
    """Give the benchmark's windows a new user's settings, with the welcome screen already seen."""
    folder = _settings_home() / "SEND Desk"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "SEND Desk.ini").write_text("[settings]\nversion=2\n\n[welcome]\nseen=true\n", encoding="utf-8")


# ----- child processes ---------------------------------------------------------------------------
def child_bare(with_orm: bool = False) -> None:
    """Open a bare PySide6 window and report its first paint (importing SQLAlchemy's ORM first if asked)."""
    if with_orm:
        import sqlalchemy.orm  # noqa: F401 (what the desk's technology costs before any of our code)
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Hello"))
    window.resize(1240, 760)

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
            if event.type() == QEvent.Type.Paint:
                print("READY", flush=True)
                app.quit()
            return False

    watcher = Painted()
    window.centralWidget().installEventFilter(watcher)
    window.show()
    app.exec()


def child_desk(database: str) -> None:
    """Open the desk on a database and report the first paint of the filled register."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    from send_desk.bootstrap import open_desk
    from send_desk.gui.main_window import MainWindow
    from send_desk.gui.style import STYLE_SHEET

    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
    desk = open_desk(database, login="bench")
    window = MainWindow(desk, poll=False)
    state = {"shown": False, "painted": False, "loaded": False}

    class Painted(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
            shown = state["shown"] and window.model.rowCount()
            if event.type() == QEvent.Type.Paint and shown and not state["painted"]:
                state["painted"] = True
                print("READY", flush=True)
                finish()
            return False

    def finish() -> None:
        if state["painted"] and state["loaded"]:
            print(f"LOADED {window.model.rowCount()}", flush=True)
            QTimer.singleShot(0, app.quit)

    def shown() -> None:
        state["shown"] = True
        window.table.viewport().update()

    def loaded() -> None:
        state["loaded"] = True
        finish()

    watcher = Painted()
    window.table.viewport().installEventFilter(watcher)
    window.registerShown.connect(shown)
    window.registerLoaded.connect(loaded)
    state["shown"] = window.model.rowCount() > 0  # the first screenful is fetched while the window is built
    window.show()
    app.exec()
    desk.close()


def _launch(args: list[str]) -> tuple[float, float, str]:
    """Return seconds to the first painted rows, seconds to the whole register, and the last line."""
    _fresh_settings()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, *args], stdout=subprocess.PIPE, env=_platform_env(), text=True
    )
    assert process.stdout is not None
    ready = loaded = 0.0
    line = ""
    for line in process.stdout:
        if line.startswith("READY"):
            ready = loaded = time.perf_counter() - start
        if line.startswith("LOADED"):
            loaded = time.perf_counter() - start
    process.wait(timeout=120)
    if not ready:
        raise SystemExit(f"the child {args} never painted")
    return ready, loaded, line.strip()


# ----- search and open a case in process --------------------------------------------------------
class Capture:
    """Collect the SQL an engine runs while listening, and replay its SELECTs through plain sqlite3."""

    def __init__(self, engine: Any, database: str) -> None:
        """Listen on `engine`; replay against the SQLite file `database`."""
        self.engine = engine
        self.raw = sqlite3.connect(database)
        self.statements: list[tuple[str, Any]] = []

    def _capture(
        self, _conn: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool
    ) -> None:
        self.statements.append((statement, parameters))

    def start(self) -> None:
        """Forget what was captured and listen from now on."""
        from sqlalchemy import event

        self.statements.clear()
        event.listen(self.engine, "before_cursor_execute", self._capture)

    def stop(self) -> None:
        """Stop listening."""
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._capture)

    def replay(self) -> float:
        """Run the captured SELECTs again through sqlite3 and return the seconds they took."""
        replay = [(s, p) for s, p in self.statements if s.lstrip().upper().startswith("SELECT")]
        start = time.perf_counter()
        for statement, parameters in replay:
            self.raw.execute(statement, parameters).fetchall()
        return time.perf_counter() - start


def measure_in_process(
    database: str, terms: list[str], runs: int
) -> tuple[list[tuple[str, int, float, float, float]], list[tuple[str, float, float]]]:
    """Return (term, rows, first screen s, whole list s, raw SQL s) per search, (reference, GUI s, raw SQL s)
    per case opened."""
    _fresh_settings()
    wanted = ("QT_QPA_PLATFORM", "XDG_CONFIG_HOME")
    os.environ.update({k: v for k, v in _platform_env().items() if k in wanted})
    from PySide6.QtWidgets import QApplication

    from send_desk.bootstrap import open_desk
    from send_desk.gui.main_window import MainWindow
    from send_desk.gui.tasks import TaskRunner

    app = QApplication.instance() or QApplication(sys.argv[:1])
    desk = open_desk(database, login="bench")
    window = MainWindow(desk, runner=TaskRunner(inline=True), poll=False)
    window.resize(1240, 760)
    window.show()
    app.processEvents()
    capture = Capture(desk.ctx.db.engine, database)
    searches = [(term, *_measure_search(window, capture, term, runs)) for term in terms]
    window.reload(counts=False)
    app.processEvents()
    opens = _measure_open(app, window, capture, runs)
    capture.raw.close()
    window.close()
    desk.close()
    return searches, opens


def _set_search(window: Any, text: str) -> None:
    window.search.blockSignals(True)
    window.search.setText(text)
    window.search.blockSignals(False)


def _measure_search(window: Any, capture: Capture, term: str, runs: int) -> tuple[int, float, float, float]:
    """Return a term's row count and the median seconds to its first screenful, to its whole id list,
    and of its search SQL replayed raw."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from send_desk.gui.tasks import TaskRunner

    inline = window.runner
    threaded = TaskRunner(window)
    first_times: list[float] = []
    whole_times: list[float] = []
    sql_times: list[float] = []
    for run in range(runs + 1):
        _set_search(window, term)
        capture.start()
        window.reload(counts=False)  # the search alone, inline: its SQL is the floor
        window.table.viewport().repaint()
        capture.stop()
        raw_elapsed = capture.replay()
        _set_search(window, "")
        window.reload(counts=False)  # back to the whole register, settled, as before a keystroke
        window.table.viewport().repaint()
        QApplication.processEvents()
        _set_search(window, term)
        marks: dict[str, float] = {}
        loop = QEventLoop()

        def shown(marks: dict[str, float] = marks) -> None:
            if "first" not in marks:
                window.table.viewport().repaint()
                marks["first"] = time.perf_counter()

        def loaded(marks: dict[str, float] = marks, loop: QEventLoop = loop) -> None:
            window.table.viewport().repaint()
            marks["whole"] = time.perf_counter()
            loop.quit()

        window.registerShown.connect(shown)
        window.registerLoaded.connect(loaded)
        window.runner = threaded
        QTimer.singleShot(60_000, loop.quit)
        start = time.perf_counter()
        window.reload(counts=False, head=True)  # what the debounce timer calls after a keystroke
        if "whole" not in marks:
            loop.exec()
        window.runner = inline
        window.registerShown.disconnect(shown)
        window.registerLoaded.disconnect(loaded)
        if "whole" not in marks:
            raise SystemExit(f"the search for {term!r} did not finish within a minute")
        if run:  # the first run warms caches
            first_times.append(marks["first"] - start)
            whole_times.append(marks["whole"] - start)
            sql_times.append(raw_elapsed)
        _set_search(window, "")
    count = window.model.rowCount()
    threaded.wait()
    return count, statistics.median(first_times), statistics.median(whole_times), statistics.median(sql_times)


def _measure_open(app: Any, window: Any, capture: Capture, runs: int) -> list[tuple[str, float, float]]:
    """Open the register's first, middle and last cases; return (reference, GUI s, raw SQL s) medians."""
    rows = window.model.rowCount()
    results = []
    for row in sorted({0, rows // 2, max(rows - 1, 0)}):
        case_id = window.model.case_id(row)
        if case_id is None:
            continue
        gui_times: list[float] = []
        sql_times: list[float] = []
        reference = ""
        for run in range(runs + 1):
            capture.start()
            start = time.perf_counter()
            view = window.open_case(case_id)  # what a double-click or Enter on the row does
            if view is None:
                raise SystemExit(f"case {case_id} did not open")
            view.repaint()  # paint the case view now
            elapsed = time.perf_counter() - start
            capture.stop()
            raw_elapsed = capture.replay()
            reference = view.case.reference
            view.close()
            window.case_views.pop(case_id, None)
            app.processEvents()
            if run:  # the first run imports the case view's modules
                gui_times.append(elapsed)
                sql_times.append(raw_elapsed)
        results.append((reference, statistics.median(gui_times), statistics.median(sql_times)))
    return results


def main() -> int:
    """Run the benchmark and print a table of figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database", nargs="?")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--search", nargs="*", default=list(DEFAULT_TERMS))
    parser.add_argument("--child", choices=("bare", "bare-orm", "desk"))
    args = parser.parse_args()
    if args.child in ("bare", "bare-orm"):
        child_bare(with_orm=args.child == "bare-orm")
        return 0
    if args.child == "desk":
        child_desk(args.database)
        return 0
    if not args.database:
        parser.error("give the path of a database (send-desk --database PATH demo --cases 1000000)")
    from send_desk.bootstrap import open_desk

    open_desk(args.database, login="bench").close()  # migrate once, outside the timings
    # an installed desk (pip, the PyInstaller bundle) has its bytecode compiled: so must the one measured,
    # even where PYTHONDONTWRITEBYTECODE kept edited modules from being cached
    compileall.compile_dir(ROOT / "send_desk", quiet=1)
    _launch(["--child", "bare"])  # warm the OS file cache for Qt
    _launch(["--child", "desk", args.database])
    bare = [_launch(["--child", "bare"])[0] for _ in range(args.runs)]
    bare_orm = [_launch(["--child", "bare-orm"])[0] for _ in range(args.runs)]
    desk_runs = [_launch(["--child", "desk", args.database]) for _ in range(args.runs)]
    rows = int(desk_runs[-1][2].split()[-1])
    bare_s = statistics.median(bare)
    desk_s = statistics.median(run[0] for run in desk_runs)
    full_s = statistics.median(run[1] for run in desk_runs)
    print(f"SEND Desk GUI benchmark on {args.database} ({rows:,} open cases in the opening register)")
    print(f"{'measure':<36}{'desk':>10}{'baseline':>11}{'ratio':>8}  goal")
    _row("launch to usable window", desk_s, bare_s, "≤1500 ms, ≤4x bare window")
    _row("launch to whole id list loaded", full_s, bare_s, "(information)")
    _row("launch vs bare window + SQLAlchemy", desk_s, statistics.median(bare_orm), "(information)")
    searches, opens = measure_in_process(args.database, args.search, args.runs)
    for term, count, first_s, whole_s, sql_s in searches:
        _row(f"search {term!r} ({count:,} rows)", first_s, sql_s, "≤100 ms, ≤1.5x raw SQL")
        _row("  whole id list of that search", whole_s, sql_s, "(information)")
    for reference, gui_s, sql_s in opens:
        _row(f"open case {reference}", gui_s, sql_s, "(information)")
    shutil.rmtree(_settings_home(), ignore_errors=True)
    return 0


def _row(label: str, value: float, baseline: float, goal: str) -> None:
    ratio = value / max(baseline, 1e-9)
    print(f"{label:<36}{value * 1000:>8.1f}ms{baseline * 1000:>9.1f}ms{ratio:>7.2f}x  {goal}")


if __name__ == "__main__":
    sys.exit(main())
