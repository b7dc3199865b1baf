"""Benchmark the core: demo build, dashboard counts and deadline computations, each beside its floor.

Run: `.venv/bin/python -m tests.benchmarks.bench_core [--sizes 10000 100000 1000000] [--out bench-data]`.
The databases are kept in the output folder (bench-data/cases-N.sqlite3) for the other benchmarks.
Figures are ratios against a floor measured in the same run, since this machine is shared and noisy:
  demo build      vs a bare sqlite3 executemany of the same number of rows into the same tables;
  dashboard       vs five plain COUNT queries sent through sqlite3 directly, and vs the service's own SQL
                  (captured from one call: the RAG window's reads and its COUNTs) replayed through sqlite3;
  deadlines       vs a bare-Python loop that adds 10 weekdays (no holidays, no policy).
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from send_desk.bootstrap import open_desk
from send_desk.domain.calendar import WorkingCalendar
from send_desk.domain.kinds import CaseKind
from send_desk.domain.policy import default_policy
from send_desk.domain.targets import StageClock, compute_deadlines
from send_desk.services.demo import DemoService

NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


def best_of(runs: int, action: Callable[[], object]) -> float:
    """Return the fastest of several timed runs, in seconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def build(path: Path, size: int, rebuild: bool) -> float | None:
    """Build a demo database of `size` cases; return the seconds taken, or None when reused."""
    if path.exists() and not rebuild:
        return None
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    desk = open_desk(str(path), clock=lambda: NOW, login="benchmark")
    started = time.perf_counter()
    for _ in DemoService(desk.ctx).generate(size, seed=1):
        pass
    seconds = time.perf_counter() - started
    desk.close()
    return seconds


def raw_insert_floor(folder: Path, size: int) -> float:
    """Time a bare sqlite3 executemany of `size` cases' worth of rows into plain tables."""
    path = folder / "floor.sqlite3"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(f"CREATE TABLE c ({', '.join(f'c{i}' for i in range(40))})")
    conn.execute(f"CREATE TABLE s ({', '.join(f's{i}' for i in range(20))})")
    conn.execute(f"CREATE TABLE p ({', '.join(f'p{i}' for i in range(16))})")
    started = time.perf_counter()
    batch = 5000
    for start in range(0, size, batch):
        n = min(batch, size - start)
        case_rows = [tuple(f"v{start + i}-{j}" for j in range(40)) for i in range(n)]
        stage_rows = [tuple(f"s{start + i}-{j}" for j in range(20)) for i in range(n)]
        people = [tuple(f"p{start + i}-{j}" for j in range(16)) for i in range(2 * n)]
        with conn:
            conn.executemany(f"INSERT INTO c VALUES ({','.join('?' * 40)})", case_rows)
            conn.executemany(f"INSERT INTO s VALUES ({','.join('?' * 20)})", stage_rows)
            conn.executemany(f"INSERT INTO p VALUES ({','.join('?' * 16)})", people)
    seconds = time.perf_counter() - started
    conn.close()
    path.unlink(missing_ok=True)
    return seconds


def dashboard(path: Path) -> tuple[float, float, float, object]:
    """Time the dashboard counts through the service, five plain COUNTs through sqlite3, and the service's
    own SQL (captured from one call) replayed through sqlite3."""
    from sqlalchemy import event

    desk = open_desk(str(path), clock=lambda: NOW, login="benchmark")
    counts = desk.register.counts()
    captured: list[tuple[str, object]] = []

    def capture(_c: object, _cur: object, statement: str, parameters: object, _x: object, _m: bool) -> None:
        captured.append((statement, parameters))

    engine = desk.ctx.db.engine
    event.listen(engine, "before_cursor_execute", capture)
    desk.register.counts()
    event.remove(engine, "before_cursor_execute", capture)
    ours = best_of(7, desk.register.counts)
    desk.close()
    replay = [(s, p) for s, p in captured if s.lstrip().upper().startswith("SELECT")]
    today = NOW.date().isoformat()
    soon = (NOW.date() + timedelta(days=4)).isoformat()
    conn = sqlite3.connect(path)
    queries = [
        ("SELECT count(*) FROM case_record WHERE status='open' AND next_due < ?", (today,)),
        ("SELECT count(*) FROM case_record WHERE status='open' AND next_due = ?", (today,)),
        (
            "SELECT count(*) FROM case_record WHERE status='open' AND next_due > ? AND next_due <= ?",
            (today, soon),
        ),
        (
            "SELECT count(*) FROM case_record WHERE status='open' AND acknowledged_on IS NULL "
            "AND acknowledge_by IS NOT NULL",
            (),
        ),
        ("SELECT count(*) FROM case_record WHERE status='open'", ()),
    ]

    def raw() -> None:
        for sql, params in queries:
            conn.execute(sql, params).fetchone()

    def service_sql() -> None:
        for sql, params in replay:
            conn.execute(sql, params).fetchall()

    floor = best_of(7, raw)
    own = best_of(7, service_sql)
    conn.close()
    return ours, floor, own, counts


def deadlines(samples: int = 50_000) -> tuple[float, float]:
    """Return deadline computations per second through the engine and a bare weekday loop."""
    policy = default_policy(CaseKind.COMPLAINT, 1)
    calendar = WorkingCalendar(kind=policy.calendar)
    starts = [date(2024, 1, 1) + timedelta(days=i % 900) for i in range(samples)]

    def engine() -> None:
        for start in starts:
            compute_deadlines(policy, calendar, StageClock(started_on=start))

    def bare() -> None:
        for start in starts:
            day, left = start, 10
            while left:
                day += timedelta(days=1)
                if day.weekday() < 5:
                    left -= 1

    return samples / best_of(3, engine), samples / best_of(3, bare)


def main() -> None:
    """Build the databases and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--out", type=Path, default=Path("bench-data"))
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    ours_rate, bare_rate = deadlines()
    print(
        "| cases | demo build s (floor s, ratio) | dashboard ms (raw SQL ms, ratio) "
        "| the service's own SQL replayed ms (ratio) | counts |"
    )
    print("|---:|---|---|---|---|")
    for size in args.sizes:
        path = args.out / f"cases-{size}.sqlite3"
        built = build(path, size, args.rebuild)
        if built is not None:
            floor = raw_insert_floor(args.out, size)
            build_text = f"{built:.1f} ({floor:.1f}, {built / floor:.1f}x)"
        else:
            build_text = "reused"
        ours, raw, own, counts = dashboard(path)
        timing = f"{ours * 1000:.1f} ({raw * 1000:.1f}, {ours / raw:.2f}x)"
        replayed = f"{own * 1000:.1f} ({ours / own:.2f}x)"
        print(f"| {size:,} | {build_text} | {timing} | {replayed} | {counts} |")
    print()
    print(
        f"deadline computations: {ours_rate:,.0f}/s through the engine (holidays, policy) vs "
        f"{bare_rate:,.0f}/s for a bare weekday loop (best of 3); time ratio {bare_rate / ours_rate:.2f}x"
    )


if __name__ == "__main__":
    main()
