"""A PgBouncer in transaction mode in front of the test PostgreSQL, started by the tests.

Transaction pooling hands each transaction to any server connection, so nothing that lives in
a session (advisory locks, prepared statements, SET) survives between transactions: code that
works through it keeps no session state.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import make_url

from tests.servers.dovecot import free_port

RUN_AS = "nobody"  # PgBouncer refuses to run as root


def pgbouncer_binary() -> str:
    for candidate in (shutil.which("pgbouncer"), "/usr/sbin/pgbouncer"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("pgbouncer is not installed (scripts/install-test-deps.sh installs it)")


class PgBouncer:
    """`with PgBouncer(root, postgres_url) as bouncer:` → `bouncer.url` reaches the same
    database through PgBouncer, pool_mode = transaction."""

    def __init__(self, root: Path, postgres_url: str, idle_transaction_timeout: float = 0) -> None:
        self.root = root
        # PgBouncer ends a client idle in a transaction this long (0: never).
        self.idle_transaction_timeout = idle_transaction_timeout
        self.target = make_url(postgres_url)
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.target.set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False
        )

    def __enter__(self) -> PgBouncer:
        self.root.mkdir(parents=True, exist_ok=True)
        db = self.target.database
        user = self.target.username or "postgres"
        ini = self.root / "pgbouncer.ini"
        ini.write_text(
            f"""[databases]
{db} = host={self.target.host or "127.0.0.1"} port={self.target.port or 5432} dbname={db} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {self.port}
unix_socket_dir =
auth_type = trust
auth_file = {self.root / "users.txt"}
pool_mode = transaction
max_client_conn = 200
default_pool_size = 10
logfile = {self.root / "pgbouncer.log"}
pidfile = {self.root / "pgbouncer.pid"}
ignore_startup_parameters = extra_float_digits,options
idle_transaction_timeout = {self.idle_transaction_timeout:g}
"""
        )
        (self.root / "users.txt").write_text(f'"{user}" ""\n')
        nobody = pwd.getpwnam(RUN_AS)
        for path in (self.root, ini, self.root / "users.txt"):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        _traversable(self.root)
        self._proc = subprocess.Popen(
            [pgbouncer_binary(), "-u", RUN_AS, str(ini)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                log = (self.root / "pgbouncer.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"pgbouncer exited: {log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("pgbouncer did not listen within 10 s")

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _tb: TracebackType | None,
    ) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)


def _traversable(path: Path) -> None:
    for directory in [path, *path.parents]:
        mode = directory.stat().st_mode
        if not mode & 0o001:
            directory.chmod((mode & 0o7777) | 0o001)
