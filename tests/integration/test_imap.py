"""The IMAP source against a real Dovecot started by the test: read-only, incremental, robust."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingestor.config import PasswordSpec
from ingestor.errors import SourceError
from ingestor.pipeline import Stages, check_source, sync_source
from ingestor.sources.imap import ImapSource
from ingestor.store import queries
from ingestor.store.schema import Interaction, InteractionSource, LedgerEntry, QuarantinedItem
from tests.factories import OWNER, defaults, make_message, source_config
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration
USER, PASSWORD = "recruiter", "s3cret-pw"


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[DovecotServer]:
    with DovecotServer(tmp_path / "dovecot", users={USER: PASSWORD}, tls=True) as server:
        yield server


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_IMAP_PASSWORD", PASSWORD)


def imap_config(server: DovecotServer, **kw):
    kw.setdefault("security", "none")
    kw.setdefault("port", server.port)
    return source_config(
        name="imap",
        type="imap",
        host=server.host,
        username=USER,
        password=PasswordSpec(env="TEST_IMAP_PASSWORD"),
        timeout=10.0,
        **kw,
    )


def messages(n: int, start: int = 0, folder_tag: str = "in") -> list[bytes]:
    return [
        make_message(
            sender=f"Person {i} <person{i}@example.org>",
            subject=f"Message {i}",
            message_id=f"<{folder_tag}{i}@test>",
            body=f"Hello number {i}\n" + "x" * (i % 7) * 100,
        )
        for i in range(start, start + n)
    ]


def ingested_ids(sessions) -> list[str]:
    with sessions() as s:
        return sorted(s.scalars(select(Interaction.message_id)))


def test_sync_reads_inbox_and_sent_and_never_changes_flags(dovecot, sessions):
    for i, raw in enumerate(messages(5)):
        dovecot.deliver(USER, "INBOX", raw, flags="" if i % 2 else "S")
    sent = make_message(
        sender=f"Anna <{OWNER}>", to="Maria <maria@gmail.com>", message_id="<sent1@test>"
    )
    dovecot.deliver(USER, "Sent", sent, flags="S")
    before = dovecot.flags_snapshot(USER)

    summary = sync_source(imap_config(dovecot), defaults(), sessions)

    assert summary.ok, summary.error
    assert summary.ingested == 6
    assert dovecot.flags_snapshot(USER) == before  # unread stays unread
    with sessions() as s:
        directions = dict(s.execute(select(Interaction.message_id, Interaction.direction)).all())
    assert directions["<sent1@test>"] == "outbound" and directions["<in0@test>"] == "inbound"


def test_noop_poll_costs_one_status_per_folder(dovecot, sessions):
    for raw in messages(30):
        dovecot.deliver(USER, "INBOX", raw)
    cfg = imap_config(dovecot, folders=("INBOX",))
    assert sync_source(cfg, defaults(), sessions).ingested == 30
    first_sessions = len(dovecot.session_bytes(min_sessions=1))

    again = sync_source(cfg, defaults(), sessions)

    assert again.ok and again.seen == 0
    noop = dovecot.session_bytes(min_sessions=first_sessions + 1)[-1]
    bytes_from_server = noop[1]
    # Greeting, CAPABILITY, LOGIN, one STATUS and LOGOUT: well under the 4 KB budget.
    assert bytes_from_server < 4096, noop


def test_incremental_and_idempotent(dovecot, sessions):
    cfg = imap_config(dovecot, folders=("INBOX",))
    for raw in messages(3):
        dovecot.deliver(USER, "INBOX", raw)
    assert sync_source(cfg, defaults(), sessions).ingested == 3
    for raw in messages(2, start=3):
        dovecot.append(USER, "INBOX", raw)
    summary = sync_source(cfg, defaults(), sessions)
    assert (summary.seen, summary.ingested) == (2, 2)
    assert sync_source(cfg, defaults(), sessions).seen == 0
    assert ingested_ids(sessions) == sorted(f"<in{i}@test>" for i in range(5))


def test_uidvalidity_change_rematches_by_message_id(dovecot, sessions):
    cfg = imap_config(dovecot, folders=("INBOX",))
    for raw in messages(4):
        dovecot.deliver(USER, "INBOX", raw)
    dovecot.deliver(USER, "INBOX", make_message(message_id="<in0@test>"))  # a second copy
    dovecot.deliver(USER, "INBOX", b"\r\n\r\n")  # quarantined: an empty message
    first = sync_source(cfg, defaults(), sessions)
    assert (first.ingested, first.duplicate, first.quarantined) == (4, 1, 1)
    dovecot.reset_uidvalidity(USER, "INBOX")
    dovecot.deliver(USER, "INBOX", messages(1, start=4)[0])

    summary = sync_source(cfg, defaults(), sessions)

    assert summary.ok, summary.error
    # Re-matched quietly: no second ledger row, no second copy of the quarantined bytes.
    assert (summary.ingested, summary.duplicate, summary.quarantined) == (1, 0, 0)
    assert ingested_ids(sessions) == sorted(f"<in{i}@test>" for i in range(5))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 5
        assert s.scalar(select(func.count()).select_from(QuarantinedItem)) == 1
        ledger = s.scalars(select(LedgerEntry)).all()
        assert len(ledger) == 7 and len({e.uidvalidity for e in ledger}) == 1
        refs = {e.ref for e in ledger}
        assert len(refs) == 7 and set(s.scalars(select(InteractionSource.ref))) <= refs
    again = sync_source(cfg, defaults(), sessions)
    assert (again.seen, again.ingested) == (0, 0)


def test_connection_killed_mid_sync_resumes_from_committed_cursor(dovecot, sessions):
    cfg = imap_config(dovecot, folders=("INBOX",), batch_messages=3)
    for raw in messages(10):
        dovecot.deliver(USER, "INBOX", raw)
    calls = {"n": 0}

    class DroppedOnSecondFetch(ImapSource):
        def fetch(self, folder, refs):
            calls["n"] += 1
            if calls["n"] == 2:
                dovecot.kill_connections(USER)
            yield from super().fetch(folder, refs)

    broken = sync_source(cfg, defaults(), sessions, stages=Stages(sources=DroppedOnSecondFetch))
    assert not broken.ok and "imap" in (broken.error or "")
    assert len(ingested_ids(sessions)) == 3  # the first batch committed with its cursor

    resumed = sync_source(cfg, defaults(), sessions)
    assert resumed.ok and resumed.ingested == 7
    assert ingested_ids(sessions) == sorted(f"<in{i}@test>" for i in range(10))
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 10


def test_oversized_message_is_recorded_from_headers(dovecot, sessions):
    big = make_message(message_id="<big@test>", subject="CV attached", body="A" * 300_000)
    dovecot.deliver(USER, "INBOX", big)
    summary = sync_source(
        imap_config(dovecot, folders=("INBOX",), max_message_size=100_000), defaults(), sessions
    )
    assert summary.ingested == 1
    with sessions() as s:
        interaction = s.scalars(select(Interaction)).one()
    assert interaction.subject == "CV attached"
    assert interaction.snippet is not None and "body not downloaded" in interaction.snippet


def test_tls_with_verified_certificate(dovecot, sessions):
    dovecot.deliver(USER, "INBOX", messages(1)[0])
    cfg = imap_config(
        dovecot,
        security="tls",
        port=dovecot.ssl_port,
        ca_file=str(dovecot.cafile),
        folders=("INBOX",),
    )
    assert sync_source(cfg, defaults(), sessions).ingested == 1


def test_tls_failure_wrong_password_and_dead_host_are_one_line_errors(dovecot, monkeypatch):
    untrusted = imap_config(dovecot, security="tls", port=dovecot.ssl_port)
    with pytest.raises(SourceError, match="TLS certificate verification failed") as e:
        check_source(untrusted)
    assert "\n" not in str(e.value)

    monkeypatch.setenv("TEST_IMAP_PASSWORD", "wrong-password-123")
    with pytest.raises(SourceError, match="was rejected: wrong username or password") as e:
        check_source(imap_config(dovecot))
    assert "wrong-password-123" not in str(e.value)

    dead = imap_config(dovecot, port=1)
    with pytest.raises(SourceError, match=r"cannot connect to 127\.0\.0\.1:1: Connection refused"):
        check_source(dead)


def test_a_temporary_authentication_failure_is_not_called_a_wrong_password(dovecot):
    # Dovecot answers "NO [UNAVAILABLE] Temporary authentication failure" when its auth
    # process cannot answer in time; the password may be right, so the error must not say
    # otherwise. The server's own answer is replayed here: it cannot be made on demand.
    from imapclient.exceptions import LoginError

    tries = []

    class Unavailable(ImapSource):
        login_retry_delays = (0.0, 0.0)

        def _open(self, login):
            tries.append(1)

            def unavailable(client):
                raise LoginError(
                    "b'[UNAVAILABLE] Temporary authentication failure. [host:2026-12-01]'"
                )

            super()._open(unavailable)

    with pytest.raises(SourceError, match="temporary authentication failure") as e:
        check_source(imap_config(dovecot), sources=Unavailable)
    assert len(tries) == 3  # tried again twice before giving up
    assert "wrong" not in str(e.value)


def test_sources_check_describes_folders(dovecot):
    dovecot.deliver(USER, "INBOX", messages(1)[0])
    dovecot.deliver(USER, "Sent", messages(1, folder_tag="s")[0])
    lines = check_source(imap_config(dovecot))
    assert any(line.startswith("will read INBOX: 1 messages") for line in lines)
    assert any(line.startswith("will read Sent: 1 messages") for line in lines)
    with pytest.raises(SourceError, match="configured folder 'Archive' does not exist"):
        check_source(imap_config(dovecot, folders=("Archive",)))


def test_a_failing_source_does_not_stop_the_others(dovecot, sessions, tmp_path):
    from tests.factories import write_maildir

    root = write_maildir(tmp_path / "local", {"INBOX": messages(2, folder_tag="local")})
    bad = imap_config(dovecot, port=1)
    good = source_config(name="local", path=str(root))
    results = [sync_source(cfg, defaults(), sessions) for cfg in (bad, good)]
    assert [r.ok for r in results] == [False, True]
    with sessions() as s:
        assert len(queries.contacts(s)) == 2


def test_starttls_upgrades_the_plain_port(dovecot, sessions):
    dovecot.deliver(USER, "INBOX", messages(1)[0])
    cfg = imap_config(
        dovecot,
        security="starttls",
        port=dovecot.port,
        ca_file=str(dovecot.cafile),
        folders=("INBOX",),
    )
    summary = sync_source(cfg, defaults(), sessions)
    assert summary.ok, summary.error
    assert summary.ingested == 1


def test_secrets_never_reach_logs_errors_or_the_database(dovecot, tmp_path):
    import subprocess
    import sys

    dovecot.deliver(USER, "INBOX", messages(1)[0])
    db = tmp_path / "secret-test.db"
    config = tmp_path / "ingestor.toml"
    config.write_text(
        f'[store]\nurl = "sqlite:///{db}"\n[[sources]]\nname = "imap"\ntype = "imap"\nhost = "{dovecot.host}"\n'
        f'port = {dovecot.port}\nsecurity = "none"\nusername = "{USER}"\npassword_env = "TEST_IMAP_PASSWORD"\n'
    )
    for password, exit_code in ((PASSWORD, 0), ("Wr0ng-but-s3cret", 1)):
        env = {**__import__("os").environ, "TEST_IMAP_PASSWORD": password}
        done = subprocess.run(
            [sys.executable, "-m", "ingestor.cli", "-v", "--config", str(config), "sync", "--once"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert done.returncode == exit_code, done.stderr
        assert password not in done.stdout + done.stderr
    assert PASSWORD.encode() not in db.read_bytes()
    assert b"Wr0ng-but-s3cret" not in db.read_bytes()
