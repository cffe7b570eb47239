"""The operator's view end to end, with real processes: progress of `sync --once` on and off a
terminal, the "active but silent" flag in `sources check`, and a daemon's /metrics on a port
of its own next to /healthz and /readyz on the web port."""

from __future__ import annotations

import os
import pty
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import make_message, write_maildir

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def quiet_mailbox(root: Path, silent_for: timedelta, n: int = 40) -> Path:
    """n messages, one every 3 hours, the newest `silent_for` ago."""
    last = datetime.now(UTC) - silent_for
    return write_maildir(
        root,
        {
            "INBOX": [
                make_message(
                    message_id=f"<m{i}@quiet.test>",
                    subject=f"Hello {i}",
                    date=last - timedelta(hours=3 * (n - 1 - i)),
                    body="Hi Anna,\n\nlet's talk.\n\nMaria\n" + "x" * 2000,
                )
                for i in range(n)
            ]
        },
    )


def write_config(tmp_path: Path, mail: Path, extra: str = "") -> Path:
    path = tmp_path / "ingestor.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "db.sqlite"}"\n'
        '[defaults]\ninternal_domains = ["agency.example"]\n'
        f'[[sources]]\nname = "mail"\ntype = "maildir"\npath = "{mail}"\n'
        'owner_addresses = ["anna@agency.example"]\npoll_interval = "1s"\n' + extra
    )
    return path


def ingestor(config: Path, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "INGESTOR_CONFIG"}
    return subprocess.run(
        [sys.executable, "-m", "ingestor.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        **kw,  # type: ignore[arg-type]
    )


def test_sync_logs_progress_and_sources_check_flags_a_silent_mailbox(tmp_path: Path) -> None:
    config = write_config(tmp_path, quiet_mailbox(tmp_path / "mail", timedelta(days=6)))
    synced = ingestor(config, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert "mail: 40 items (0.1 MB) to fetch" in synced.stderr  # not a terminal: log lines
    assert "\x1b[" not in synced.stderr  # and no bars
    checked = ingestor(config, "sources", "check")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "mail: ok" in checked.stdout
    assert (
        "mail: silent: no new item for 6.0 days although its polls succeed; usually a gap of "
        "at most 3 h 0 min" in checked.stdout
    )


def test_a_mailbox_with_recent_mail_is_not_flagged(tmp_path: Path) -> None:
    config = write_config(tmp_path, quiet_mailbox(tmp_path / "mail", timedelta(hours=2)))
    assert ingestor(config, "sync", "--once").returncode == 0
    checked = ingestor(config, "sources", "check")
    assert "self-check:\n  no flags" in checked.stdout, checked.stdout


def test_sync_on_a_terminal_shows_a_bar_with_items_and_megabytes(tmp_path: Path) -> None:
    config = write_config(tmp_path, quiet_mailbox(tmp_path / "mail", timedelta(hours=2)))
    env = {k: v for k, v in os.environ.items() if k != "INGESTOR_CONFIG"}
    env.update(COLUMNS="120", TERM="xterm")
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingestor.cli", "--config", str(config), "sync", "--once"],
        stdout=subprocess.PIPE,
        stderr=slave,
        env=env,
        text=True,
    )
    os.close(slave)
    shown = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    stdout, _ = proc.communicate(timeout=60)
    os.close(master)
    assert proc.returncode == 0
    text = shown.decode(errors="replace")
    assert "40/40 items" in text and "0.1/0.1 MB" in text, text
    assert "40 new" not in text  # the summary is not drawn into the bars
    assert stdout.startswith("mail: ok: 40 new"), stdout  # the summary stays on stdout


def test_daemon_serves_metrics_apart_and_health_on_the_web_port(tmp_path: Path) -> None:
    web, metrics = free_port(), free_port()
    config = write_config(
        tmp_path,
        quiet_mailbox(tmp_path / "mail", timedelta(hours=1)),
        f'[web]\nenabled = true\nport = {web}\n[metrics]\nlisten = "127.0.0.1:{metrics}"\n',
    )
    env = {k: v for k, v in os.environ.items() if k != "INGESTOR_CONFIG"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ingestor.cli", "--config", str(config), "run"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        found: dict[tuple[str, tuple[tuple[str, str], ...]], float] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                body = httpx.get(f"http://127.0.0.1:{metrics}/metrics", timeout=5).text
            except httpx.HTTPError:
                time.sleep(0.2)
                continue
            found = {
                (s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(body)
                for s in family.samples
            }
            key = ("ingestor_sync_duration_seconds_count", (("source", "mail"),))
            stored = ("ingestor_source_items", (("outcome", "ingested"), ("source", "mail")))
            # The store's families are read at most every CACHE_SECONDS: wait for them too.
            if found.get(key, 0) >= 2 and found.get(stored) == 40:
                break
            time.sleep(0.2)
        ingested = (
            "ingestor_process_items_total",
            (("outcome", "ingested"), ("source", "mail")),
        )
        assert found.get(ingested) == 40, sorted(k for k in found if "ingestor" in k[0])
        assert found.get(("ingestor_source_items", (("outcome", "ingested"), ("source", "mail"))))
        assert found.get(("ingestor_source_flag", (("flag", "silent"), ("source", "mail")))) == 0
        owners = [k for k in found if k[0] == "ingestor_source_lease_owner"]
        assert len(owners) == 1 and dict(owners[0][1])["owner"].count(":") == 2
        assert httpx.get(f"http://127.0.0.1:{web}/healthz").json() == {"status": "alive"}
        ready = httpx.get(f"http://127.0.0.1:{web}/readyz")
        assert ready.status_code == 200 and ready.json()["checks"]["scheduler"] == "ok"
        assert httpx.get(f"http://127.0.0.1:{web}/metrics").status_code == 404  # moved away
    finally:
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0, stderr
