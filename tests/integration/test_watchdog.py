"""systemd for real: a real `ingestor run` process talking to a fake NOTIFY_SOCKET.

READY=1 at start, WATCHDOG=1 every WATCHDOG_USEC/2 while the scheduler and the store answer,
STATUS= lines naming the failing source, no WATCHDOG=1 while the store hangs (a table the
readiness probe reads is locked ACCESS EXCLUSIVE by the test), and pings again once it is free.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.factories import make_message, write_maildir

pytestmark = pytest.mark.integration


class NotifyListener:
    """A unix datagram socket standing in for systemd: records (time, message) pairs."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="notify-")  # short: unix socket paths are limited
        self.path = os.path.join(self.dir, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(0.2)
        self.messages: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            for line in data.decode().splitlines():
                self.messages.append((time.monotonic(), line))

    def times(self, message: str, since: float = 0.0) -> list[float]:
        return [t for t, m in list(self.messages) if m == message and t >= since]

    def statuses(self) -> list[str]:
        return [m[len("STATUS=") :] for _, m in list(self.messages) if m.startswith("STATUS=")]

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()
        os.unlink(self.path)
        os.rmdir(self.dir)


@pytest.fixture
def listener() -> Iterator[NotifyListener]:
    found = NotifyListener()
    yield found
    found.close()


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting until {what}")


def test_watchdog_pings_only_while_the_store_answers(
    tmp_path: Path, empty_postgres_url: str, listener: NotifyListener
) -> None:
    mail = write_maildir(tmp_path / "mail", {"INBOX": [make_message()]})
    config = tmp_path / "ingestor.toml"
    config.write_text(
        f'[store]\nurl = "{empty_postgres_url}"\n'
        '[defaults]\ninternal_domains = ["agency.example"]\nlease_period = "6s"\n'
        f'[[sources]]\nname = "good"\ntype = "maildir"\npath = "{mail}"\n'
        'owner_addresses = ["anna@agency.example"]\npoll_interval = "2s"\n'
        '[[sources]]\nname = "dead"\ntype = "imap"\nhost = "127.0.0.1"\nport = 1\n'
        'security = "none"\nusername = "u"\npassword_env = "WD_PW"\n'
    )
    env = {k: v for k, v in os.environ.items() if k != "INGESTOR_CONFIG"}
    env.update(NOTIFY_SOCKET=listener.path, WATCHDOG_USEC="1000000", WD_PW="x")
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingestor.cli", "--config", str(config), "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock: psycopg.Connection | None = None
    try:
        wait_for(lambda: bool(listener.times("READY=1")), 30, "READY=1")
        ready = listener.times("READY=1")[0]
        wait_for(lambda: len(listener.times("WATCHDOG=1", ready)) >= 6, 15, "six pings")
        pings = listener.times("WATCHDOG=1", ready)
        spacing = (pings[-1] - pings[0]) / (len(pings) - 1)
        assert 0.35 < spacing < 1.0, f"pings every {spacing:.2f} s, not WATCHDOG_USEC/2 = 0.5 s"
        wanted = "2 sources (2 held here), 1 ok, 1 failing (dead: Connection refused)"
        wait_for(lambda: wanted in listener.statuses(), 20, f"STATUS={wanted}")

        # The store hangs: every statement on source_status waits for the test's lock.
        conninfo = make_url(empty_postgres_url).set(drivername="postgresql")
        lock = psycopg.connect(conninfo.render_as_string(hide_password=False))
        lock.execute("LOCK TABLE source_status IN ACCESS EXCLUSIVE MODE")
        locked = time.monotonic()
        time.sleep(5)
        during = listener.times("WATCHDOG=1", locked + 1.5)
        assert during == [], f"{len(during)} pings while the store hung"
        lock.rollback()  # the store answers again
        freed = time.monotonic()
        wait_for(lambda: len(listener.times("WATCHDOG=1", freed)) >= 2, 15, "pings resume")
    finally:
        if lock is not None:
            lock.close()
        proc.send_signal(signal.SIGTERM)
        try:
            _, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, stderr = proc.communicate()
    assert proc.returncode == 0, stderr
    assert "watchdog: the store does not answer; not pinging" in stderr
    assert "watchdog: scheduler and store answer again; pinging" in stderr
    assert listener.times("STOPPING=1")
