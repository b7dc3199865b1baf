"""A throw-away PostgreSQL server for the tests, started from the machine's PostgreSQL binaries.

`initdb` refuses to run as root, so when the tests run as root the server's programs run as the
`postgres` operating-system user (through `runuser`, or `su` where runuser is missing) with a data
folder that user owns. The server listens on 127.0.0.1 on a free port, keeps its unix sockets in its
own temporary folder and trusts every local connection; it is stopped (and its folder removed) at the
end of the test run.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BIN_DIR_CANDIDATES = (
    "/usr/lib/postgresql/15/bin",
    "/usr/lib/postgresql/16/bin",
    "/usr/lib/postgresql/17/bin",
    "/usr/lib/postgresql/14/bin",
    "/usr/local/pgsql/bin",
)
SUPERUSER = "postgres"


class PostgresUnavailableError(RuntimeError):
    """Raised when no PostgreSQL server can be started on this machine."""


def find_bin_dir() -> Path:
    """Return the folder holding initdb and pg_ctl (PG_BIN_DIR overrides the search)."""
    override = os.environ.get("PG_BIN_DIR")
    candidates = [override] if override else list(BIN_DIR_CANDIDATES)
    on_path = shutil.which("pg_ctl")
    if on_path and not override:
        candidates.append(str(Path(on_path).parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    raise PostgresUnavailableError(
        "PostgreSQL binaries (initdb, pg_ctl) were not found in " + ", ".join(c for c in candidates if c)
    )


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing is listening on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """One running PostgreSQL cluster in a temporary folder."""

    bin_dir: Path
    base_dir: Path
    port: int
    run_as: str | None
    _started: bool = field(default=False, init=False)

    @property
    def data_dir(self) -> Path:
        """Return the cluster's data folder."""
        return self.base_dir / "data"

    @property
    def socket_dir(self) -> Path:
        """Return the folder for the server's unix sockets."""
        return self.base_dir / "sockets"

    @property
    def log_file(self) -> Path:
        """Return the server's log file."""
        return self.base_dir / "server.log"

    def url(self, database: str = "postgres") -> str:
        """Return the SQLAlchemy URL of a database on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str = "postgres") -> str:
        """Return the libpq connection string of a database on this server."""
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    # ----- life cycle ----------------------------------------------------------------------
    def _run(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        command = [str(self.bin_dir / argv[0]), *argv[1:]]
        if self.run_as is not None:
            if shutil.which("runuser"):
                command = ["runuser", "-u", self.run_as, "--", *command]
            else:
                command = ["su", self.run_as, "-s", "/bin/sh", "-c", shlex.join(command)]
        result = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=str(self.base_dir),
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
            check=False,
        )
        if result.returncode != 0:
            raise PostgresUnavailableError(
                f"{' '.join(argv[:2])} failed ({result.returncode}): "
                f"{(result.stderr or result.stdout).strip()[-2000:]}{self._log_tail()}"
            )
        return result

    def _log_tail(self) -> str:
        try:
            return "\n--- server log ---\n" + self.log_file.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def init(self) -> None:
        """Create the cluster (trust authentication, UTF-8, C collation like SQLite's)."""
        self.socket_dir.mkdir()
        if self.run_as is not None:
            for path in (self.base_dir, self.socket_dir):
                shutil.chown(path, user=self.run_as, group=None)
        self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
        )

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = " ".join(
            [
                "-c listen_addresses=127.0.0.1",
                f"-p {self.port}",
                f"-k {self.socket_dir}",
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=300",
                "-c shared_buffers=64MB",
            ]
        )
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_file), "-o", options, "-w", "start")
        self._started = True
        deadline = time.monotonic() + 30
        while True:
            try:
                with self.connect():
                    return
            except Exception as exc:
                if time.monotonic() > deadline:
                    raise PostgresUnavailableError(
                        f"PostgreSQL started but refuses connections: {exc}"
                    ) from exc
                time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (if it was started) and remove its folder."""
        if self._started:
            self._started = False
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data_dir), "-m", "immediate", "-w", "stop", timeout=60)
        shutil.rmtree(self.base_dir, ignore_errors=True)

    # ----- databases -----------------------------------------------------------------------
    @contextlib.contextmanager
    def connect(self, database: str = "postgres") -> Iterator[object]:
        """Yield an autocommit psycopg connection to a database."""
        import psycopg

        conn = psycopg.connect(self.dsn(database), autocommit=True, connect_timeout=5)
        try:
            yield conn
        finally:
            conn.close()

    def create_database(self, name: str, template: str | None = None) -> str:
        """Create a database (a copy of `template` if given) and return its URL."""
        from psycopg import sql

        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            # FILE_COPY copies a small template about three times faster than the default WAL_LOG
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        with self.connect() as conn:
            conn.execute(statement)  # type: ignore[attr-defined]
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, disconnecting anyone still connected."""
        from psycopg import sql

        with self.connect() as conn:
            conn.execute(  # type: ignore[attr-defined]
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    @staticmethod
    def unique_name(prefix: str = "test") -> str:
        """Return a database name no other test uses."""
        return f"{prefix}_{uuid.uuid4().hex[:16]}"


def start_server() -> PostgresServer:
    """Initialise and start a fresh server; raise PostgresUnavailableError with the reason if it cannot."""
    bin_dir = find_bin_dir()
    run_as: str | None = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        try:
            pwd.getpwnam(SUPERUSER)
        except KeyError:
            raise PostgresUnavailableError(
                "the tests run as root and there is no 'postgres' user to run initdb as"
            ) from None
        run_as = SUPERUSER
    base_dir = Path(tempfile.mkdtemp(prefix="send-desk-pg-"))
    last_error: Exception | None = None
    for _attempt in range(3):
        server = PostgresServer(bin_dir=bin_dir, base_dir=base_dir, port=free_port(), run_as=run_as)
        try:
            if not server.data_dir.exists():
                server.init()
            server.start()
        except (PostgresUnavailableError, OSError, subprocess.TimeoutExpired) as exc:
            last_error = exc
            if not server.data_dir.exists():
                break  # initdb itself failed; another port will not help
            continue
        atexit.register(server.stop)
        return server
    shutil.rmtree(base_dir, ignore_errors=True)
    raise PostgresUnavailableError(f"PostgreSQL could not be started: {last_error}")
