"""A throwaway PostgreSQL cluster for the tests: Debian's server, initdb into a temporary folder, a free port.

PostgreSQL refuses to run as root, so under root (CI) the cluster runs as an
unprivileged account (Debian's `postgres`, else `nobody`). Where the server is
not installed the tests that need it skip with the reason, except in CI, which
installs it (.ci/run) and must run them.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from tests.needs import unavailable

APP_ROLE = "timeline_app"  # the application's role: INSERT and SELECT on the log, nothing else
APP_PASSWORD = "app-secret"


@dataclass
class Cluster:
    folder: Path
    port: int
    process: subprocess.Popen
    user: str | None  # the account the server runs as, when we are root
    command: list[str]  # how the server was started, to start it again (restart)

    def url(self, database: str = "timeline", role: str = "postgres", password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{role}{secret}@127.0.0.1:{self.port}/{database}"

    def app_url(self, database: str = "timeline") -> str:
        return self.url(database, APP_ROLE, APP_PASSWORD)

    def stop(self) -> None:
        from events.log.postgres import close_shared_pools

        close_shared_pools()
        self.shut_down()
        shutil.rmtree(self.folder, ignore_errors=True)

    def shut_down(self) -> None:
        """The server stops (fast shutdown: connected clients are cut); its data stays.

        The postmaster is signalled itself (its pid file names it): under root it runs
        below runuser, which does not pass signals on, and would outlive the test.
        """
        pid_file = self.folder / "data" / "postmaster.pid"
        try:
            os.kill(int(pid_file.read_text().split()[0]), signal.SIGINT)
        except (OSError, ValueError, IndexError):
            self.process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + 30
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def start_again(self) -> None:
        """The same server on the same data and port, as after a restart."""
        self.process = _launch(self.folder, self.command)
        _wait_until_ready(self)


def server_binaries() -> Path | None:
    """The folder holding both initdb and postgres: Debian's /usr/lib/postgresql/<newest>/bin, else PATH's."""
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    found = shutil.which("initdb")
    candidates = [Path(f) for f in reversed(folders)] + ([Path(found).parent] if found else [])
    return next((f for f in candidates if (f / "initdb").exists() and (f / "postgres").exists()), None)


def start_cluster(*, durable: bool = False) -> Cluster:
    """initdb, start and wait for a cluster on 127.0.0.1; create the `timeline` database and the app role.

    Tests run without fsync (they test behaviour, not power cuts); durable=True keeps
    PostgreSQL's defaults, for benchmarks that compare with SQLite's durable commits.
    """
    binaries = server_binaries()
    if binaries is None or not (binaries / "initdb").exists():
        unavailable("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    user = _unprivileged_user() if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="timeline-pg-"))
    data = folder / "data"
    if user:
        account = pwd.getpwnam(user)
        os.chown(folder, account.pw_uid, account.pw_gid)
    _run_as(user, [str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
    port = _free_port()
    settings = [
        "-c",
        f"unix_socket_directories={folder}",
        "-c",
        "listen_addresses=127.0.0.1",
        "-p",
        str(port),
    ]
    if not durable:
        settings += ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"]
    command = _as_user(user, [str(binaries / "postgres"), "-D", str(data), *settings])
    process = _launch(folder, command)
    cluster = Cluster(folder, port, process, user, command)
    _wait_until_ready(cluster)
    _create_database_and_role(cluster)
    return cluster


def _launch(folder: Path, command: list[str]) -> subprocess.Popen:
    with open(folder / "server.log", "ab") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    unavailable("no unprivileged account to run PostgreSQL as (it refuses root)")
    raise AssertionError  # unreachable: unavailable skips or fails


def _as_user(user: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def _run_as(user: str | None, command: list[str]) -> None:
    done = subprocess.run(_as_user(user, command), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stdout}{done.stderr}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_ready(cluster: Cluster, seconds: float = 60) -> None:
    import psycopg

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if cluster.process.poll() is not None:
            raise RuntimeError(f"PostgreSQL stopped: {(cluster.folder / 'server.log').read_text()[-2000:]}")
        try:
            psycopg.connect(cluster.url("postgres"), connect_timeout=2).close()
            return
        except psycopg.OperationalError:
            time.sleep(0.1)
    cluster.stop()
    raise RuntimeError(f"PostgreSQL did not accept connections within {seconds} s")


def _create_database_and_role(cluster: Cluster) -> None:
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE timeline")
        conn.execute(f"CREATE ROLE {APP_ROLE} LOGIN PASSWORD '{APP_PASSWORD}'")


def fresh_database(cluster: Cluster, name: str) -> str:
    """A new empty database in the cluster, owned by the superuser; returns its name."""
    import psycopg

    with psycopg.connect(cluster.url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def run_together(work, count: int) -> None:
    """work(0) ... work(count - 1), each in its own thread, all at once; returns when all are done."""
    threads = [threading.Thread(target=work, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
