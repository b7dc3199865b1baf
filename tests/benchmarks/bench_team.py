"""A team's load on one PostgreSQL server: N desk processes, each as its own member of staff.

Run: `.venv/bin/python -m tests.benchmarks.bench_team [--desks 1 12 30] [--seconds 40] [--think 1.0]`.

It starts a throw-away PostgreSQL server (tests/postgres_server.py), makes a team database with
`team setup` (roles enforced by the server, audit stamped by it), adds one member of staff per desk
with their own database login and logs 300 open cases, then for each desk count starts that many desk
processes at once, each connecting as its own login. Each opens its own desk and, for `--seconds`,
does a mixed officer's workload with a pause of about `--think` seconds between actions (an officer
reads and types between saves):

  log          log a new enquiry or complaint                              (25%)
  note         add a note to a random open case                            (25%)
  acknowledge  acknowledge a case awaiting acknowledgement (a late one with a reason)   (15%)
  assign       take a random open case                                     (10%)
  search       a register word search, first 100 ids                       (25%)

and reports every action's time. Meanwhile this process LISTENs on the desks' change channel.

Integrity, checked after every run against the database (a failure is printed and exits 1):
  - no lost update: the cases, notes, acknowledgements and assignments in the database are exactly
    the ones the desks were told were saved; case references are unique and gapless;
  - one audit row per write, and every audit row says which desk's login made it;
  - every committed write was NOTIFYed: notifications heard = writes saved, and the k-th notification
    arrived at most 2 s after the k-th commit (commits and notifications both in commit order).

Figures per desk count: p50/p95/p99 per action, refusals (another desk got there first: the case was
acknowledged or changed meanwhile, which the desk says in plain words), and the goal: `log` p95 at 30
desks within 3x its p95 at one desk.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "send_desk_changes"
SEED_CASES = 300
WRITES = ("log", "note", "acknowledge", "assign")
WEIGHTS = {"log": 25, "note": 25, "acknowledge": 15, "assign": 10, "search": 25}
SURNAMES = ("Okafor", "Patel", "Smith", "Nowak", "Hughes", "Khan", "Evans", "Murphy", "Li", "Jones")
NOTIFY_WITHIN_S = 2.0
ADMIN = "bench.admin"
PASSWORD = "bench password"


# ----- one desk (a worker process) -----------------------------------------------------------------
def case_input(rng: random.Random, today: date) -> Any:
    """Return a plausible new case received in the last three weeks."""
    from send_desk.domain.kinds import CaseKind
    from send_desk.values.cases import CaseInput, PersonInput

    surname = rng.choice(SURNAMES)
    return CaseInput(
        kind=rng.choice((CaseKind.ENQUIRY, CaseKind.COMPLAINT)),
        received_on=today - timedelta(days=rng.randint(0, 20)),
        contact=PersonInput(
            name=f"Parent {surname}", email=f"{surname.lower()}{rng.randint(1, 999)}@example.org"
        ),
        child=PersonInput(name=f"Child {surname}"),
        summary=f"Bench case about {surname}'s transport",
    )


def run_desk(
    url: str, login: str, seconds: float, think: float, seed: int, start_at: float
) -> dict[str, Any]:
    """Do the mixed workload as one desk; return each action's time and the writes saved."""
    from send_desk.bootstrap import open_desk
    from send_desk.domain.errors import ConflictError, SendDeskError, ValidationError
    from send_desk.values.cases import CaseFilter

    rng = random.Random(seed)
    desk = open_desk(url)  # a team database: who this desk is comes from its database login
    assert desk.actor_login() == login, f"the desk is {desk.actor_login()}, not {login}"
    today = desk.ctx.today()
    times: dict[str, list[float]] = {name: [] for name in WEIGHTS}
    refused: dict[str, int] = dict.fromkeys(WEIGHTS, 0)
    saved: dict[str, int] = dict.fromkeys(WRITES, 0)
    commits: list[float] = []
    errors: list[str] = []
    names = list(WEIGHTS)
    weights = [WEIGHTS[n] for n in names]
    time.sleep(max(0.0, start_at - time.time()))
    end = time.time() + seconds
    while time.time() < end:
        action = rng.choices(names, weights)[0]
        try:
            target = None
            if action in ("note", "assign"):
                ids = desk.register.ids(CaseFilter(status="open"), limit=200)
                target = desk.cases.get(rng.choice(ids))
            elif action == "acknowledge":
                ids = desk.register.ids(CaseFilter(awaiting_acknowledgement=True), limit=50)
                if not ids:
                    continue
                target = desk.cases.get(rng.choice(ids))
            started = time.perf_counter()
            if action == "log":
                desk.cases.log_case(case_input(rng, today))
            elif action == "note" and target is not None:
                desk.cases.add_note(target.id, text=f"Called back ({login})")
            elif action == "assign" and target is not None:
                desk.cases.assign(target.id, officer_login=login, expected_version=target.version)
            elif action == "acknowledge" and target is not None:
                late = target.acknowledge_by is not None and target.acknowledge_by < today
                desk.cases.acknowledge(
                    target.id,
                    on=today,
                    expected_version=target.version,
                    missed_reason="Officer on leave" if late else "",
                )
            else:
                desk.register.ids(CaseFilter(status="all", text=rng.choice(SURNAMES)), limit=100)
            elapsed = (time.perf_counter() - started) * 1000
            if action in saved:
                commits.append(time.time())
                saved[action] += 1
            times[action].append(elapsed)
        except (ConflictError, ValidationError):
            refused[action] += 1  # another desk acted on the case first; the desk says so plainly
        except SendDeskError as error:
            errors.append(f"{action}: {error}")
        time.sleep(rng.uniform(0.5 * think, 1.5 * think))
    desk.close()
    return {"times": times, "refused": refused, "saved": saved, "commits": commits, "errors": errors}


# ----- the team (this process) ------------------------------------------------------------------
@dataclass
class Listener:
    """Hear every NOTIFY on the desks' channel, noting when each arrived."""

    dsn: str
    heard: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        """Listen in a thread until `stop`."""
        import psycopg

        connection = psycopg.connect(self.dsn, autocommit=True)
        connection.execute(f"LISTEN {CHANNEL}")

        def loop() -> None:
            while not self._stop.is_set():
                for _note in connection.notifies(timeout=0.2):
                    self.heard.append(time.time())
            connection.close()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (after the last notifications had time to arrive)."""
        time.sleep(NOTIFY_WITHIN_S + 0.5)
        self._stop.set()
        self._thread.join()


def counts(dsn: str) -> dict[str, int]:
    """Return the database's totals the integrity checks compare."""
    import psycopg

    with psycopg.connect(dsn) as connection:
        one = lambda sql: int(connection.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "cases": one("SELECT count(*) FROM case_record"),
            "notes": one("SELECT count(*) FROM timeline_entry WHERE entry_type = 'note'"),
            "acknowledged": one("SELECT count(*) FROM case_stage WHERE acknowledged_on IS NOT NULL"),
            "audit": one("SELECT count(*) FROM audit_entry"),
            "distinct_refs": one("SELECT count(DISTINCT reference) FROM case_record"),
            "unnamed_audit": one("SELECT count(*) FROM audit_entry WHERE coalesce(login, '') = ''"),
            "last_audit": one("SELECT coalesce(max(id), 0) FROM audit_entry"),
        }


def not_by_desks(dsn: str, after_id: int) -> int:
    """Return how many audit rows written since `after_id` name a login that is not a desk's."""
    import psycopg

    with psycopg.connect(dsn) as connection:
        row = connection.execute(
            "SELECT count(*) FROM audit_entry WHERE id > %s AND login NOT LIKE 'desk.%%'", (after_id,)
        ).fetchone()
    return int(row[0]) if row else 0


def gapless(dsn: str) -> bool:
    """Tell whether each year's generated references run 1..N with no gap."""
    import psycopg

    with psycopg.connect(dsn) as connection:
        rows = connection.execute(
            "SELECT substr(reference, 4, 4), count(*), max(CAST(substr(reference, 9) AS integer)) "
            "FROM case_record WHERE reference LIKE 'SD-____-%' GROUP BY 1"
        ).fetchall()
    return all(count == top for _year, count, top in rows)


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of `values` lie (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def run_team(server: Any, database: str, desks: int, args: argparse.Namespace) -> dict[str, Any]:
    """Start `desks` desk processes at once, wait for them and check what they did."""
    url = server.url(database)  # the owner's: each desk connects as its own login (below)
    dsn = server.dsn(database)
    before = counts(dsn)
    listener = Listener(dsn)
    listener.start()
    start_at = time.time() + 3 + desks * 0.2  # every process imported and connected before it starts
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.benchmarks.bench_team",
                "--worker",
                "--url",
                url_as(url, login(i)),
                "--login",
                login(i),
                "--seconds",
                str(args.seconds),
                "--think",
                str(args.think),
                "--seed",
                str(desks * 100 + i),
                "--start-at",
                str(start_at),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(desks)
    ]
    results = [json.loads(worker.communicate()[0]) for worker in workers]
    listener.stop()
    after = counts(dsn)

    saved = {name: sum(r["saved"][name] for r in results) for name in WRITES}
    commits = sorted(t for r in results for t in r["commits"])
    lags = [heard - commit for heard, commit in zip(sorted(listener.heard), commits, strict=False)]
    problems = [error for r in results for error in r["errors"]]
    checks = {
        "cases saved = cases in the database": after["cases"] - before["cases"] == saved["log"],
        "notes saved = notes in the database": after["notes"] - before["notes"] == saved["note"],
        "acknowledgements saved = in the database": after["acknowledged"] - before["acknowledged"]
        == saved["acknowledge"],
        "one audit row per write": after["audit"] - before["audit"] == sum(saved.values()),
        "every audit row names its login": after["unnamed_audit"] == 0
        and not_by_desks(dsn, before["last_audit"]) == 0,
        "references unique and gapless": after["distinct_refs"] == after["cases"] and gapless(dsn),
        "notifications heard = writes saved": len(listener.heard) == len(commits),
        f"every change heard within {NOTIFY_WITHIN_S:g} s": bool(lags) and max(lags) <= NOTIFY_WITHIN_S,
        "no unexpected errors": not problems,
    }
    times = {name: [t for r in results for t in r["times"][name]] for name in WEIGHTS}
    return {
        "desks": desks,
        "actions": {
            name: {
                "count": len(values),
                "refused": sum(r["refused"][name] for r in results),
                "p50": percentile(values, 0.50),
                "p95": percentile(values, 0.95),
                "p99": percentile(values, 0.99),
            }
            for name, values in times.items()
        },
        "notify_lag_max_s": max(lags) if lags else None,
        "checks": checks,
        "problems": problems[:5],
    }


def login(i: int) -> str:
    """Return the login of the i-th desk's member of staff."""
    return f"desk.{i + 1:02d}"


def url_as(url: str, who: str) -> str:
    """Return a database URL with another login (the test server trusts local logins)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(username=who, password=PASSWORD).render_as_string(hide_password=False)


def prepare(server: Any, most_desks: int) -> str:
    """Make a team database (`team setup`), its staff (a login each) and the open cases they work on."""
    from send_desk.bootstrap import open_desk
    from send_desk.db.engine import make_engine
    from send_desk.domain.kinds import Role
    from send_desk.services.maintenance import setup_team

    database = server.unique_name("team")
    owner_url = server.create_database(database)
    engine = make_engine(owner_url)
    setup_team(engine, now=datetime.now(UTC), admin_login=ADMIN, admin_name="Bench Admin", password=PASSWORD)
    engine.dispose()
    admin = open_desk(url_as(owner_url, ADMIN))
    for i in range(most_desks):
        admin.staff.add_staff(login(i), f"Desk {i + 1:02d}", role=Role.OFFICER, password=PASSWORD)
    rng = random.Random(1)
    admin.cases.log_many([case_input(rng, admin.ctx.today()) for _ in range(SEED_CASES)])
    admin.close()
    return database


def table(runs: list[dict[str, Any]]) -> str:
    """Return the figures as a Markdown table, with the goal's ratio."""
    lines = [
        "| desks | action | count | refused | p50 ms | p95 ms | p99 ms |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for name, figures in run["actions"].items():
            lines.append(
                f"| {run['desks']} | {name} | {figures['count']} | {figures['refused']} | "
                f"{figures['p50']:.0f} | {figures['p95']:.0f} | {figures['p99']:.0f} |"
            )
    one = next((r for r in runs if r["desks"] == 1), None)
    if one is not None:
        base = one["actions"]["log"]["p95"]
        for run in runs:
            ratio = run["actions"]["log"]["p95"] / base
            goal = " (goal ≤ 3x)" if run["desks"] == 30 else ""
            lines.append(f"\n`log` p95 at {run['desks']} desks: {ratio:.2f}x its p95 at one desk{goal}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the team benchmark (or, with --worker, one desk of it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--desks", type=int, nargs="+", default=[1, 12, 30])
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--login", help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(run_desk(args.url, args.login, args.seconds, args.think, args.seed, args.start_at)))
        return 0

    from tests.postgres_server import start_server

    server = start_server()
    try:
        database = prepare(server, max(args.desks))
        runs = [run_team(server, database, desks, args) for desks in args.desks]
    finally:
        server.stop()
    if args.json:
        print(json.dumps({"runs": runs}, indent=2, default=str))
    else:
        print(table(runs))
        for run in runs:
            for check, ok in run["checks"].items():
                print(f"{run['desks']:>3} desks  {'ok    ' if ok else 'FAILED'}  {check}")
            for problem in run["problems"]:
                print(f"{run['desks']:>3} desks  error: {problem}")
        lag = statistics.mean(r["notify_lag_max_s"] or 0 for r in runs)
        print(f"(mean over the runs of the longest wait for a notification: {lag:.2f} s)")
    return 0 if all(all(run["checks"].values()) for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
