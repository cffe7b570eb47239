"""`python -m benchmarks.bench_polls`: what one instance's routine polling costs, per mailbox.

The first sync is `benchmarks.run`'s business; this measures the steady state that decides how
many mailboxes one instance (and one PostgreSQL) can serve: a Dovecot with M mailboxes of small
mail, each synced once, then polled R times with nothing new, then once more after one new
message arrived in every mailbox. Polls run one after another in this process through
`sync_source`, as the daemon's threads run them; it reports, per poll, this process's CPU time,
the wall time, the bytes Dovecot sent, and, on PostgreSQL, the server's CPU time (all its
processes, from /proc). Results go to benchmarks/out/polls-<timestamp>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import sys
import threading
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.run import store_url
from ingestor.cli_args import sessions_for
from ingestor.config import Settings, SourceConfig, load_settings
from ingestor.leasekeeper import LeaseKeeper
from ingestor.parsepool import Parsers, pool_workers
from ingestor.pipeline import Stages, sync_source
from ingestor.store.leases import uses_leases
from tests.servers.dovecot import DovecotServer

PASSWORD = "polls-secret"
PASSWORD_ENV = "INGESTOR_BENCH_POLLS_PASSWORD"
TICKS = os.sysconf("SC_CLK_TCK")


def postgres_cpu_s() -> float:
    """User + system CPU seconds of every `postgres` process on this machine (0 if none)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            name = text[text.index("(") + 1 : text.rindex(")")]
            if name.startswith("postgres"):
                fields = text[text.rindex(")") + 2 :].split()
                total += int(fields[11]) + int(fields[12])
    return total / TICKS


def settings(path: Path, server: DovecotServer, url: str, mailboxes: int) -> Settings:
    sources = "".join(
        f"""
[[sources]]
name = "box{n}"
type = "imap"
host = "{server.host}"
port = {server.port}
security = "none"
username = "user{n}"
password_env = "{PASSWORD_ENV}"
folders = ["INBOX", "Sent"]
owner_addresses = ["{corpus.OWNER}"]
"""
        for n in range(mailboxes)
    )
    path.write_text(
        f'[store]\nurl = "{url}"\n[defaults]\ninternal_domains = ["agency.example"]\n{sources}'
    )
    return load_settings(path)


def round_of_polls(
    server: DovecotServer, sources: list[SourceConfig], poll: Callable[[SourceConfig], Any]
) -> dict[str, float]:
    before_sessions = len(server.session_bytes())
    pg0, cpu0, t0 = postgres_cpu_s(), time.process_time(), time.perf_counter()
    for cfg in sources:
        summary = poll(cfg)
        if not summary.ok or summary.lease_lost:
            raise RuntimeError(f"{cfg.name}: {summary.error or 'lease lost'}")
    wall, cpu, pg = time.perf_counter() - t0, time.process_time() - cpu0, postgres_cpu_s() - pg0
    sessions = server.session_bytes(min_sessions=before_sessions + len(sources), timeout=10)
    sent = sum(out for _, out in sessions[before_sessions:])
    n = len(sources)
    return {
        "polls": n,
        "cpu_ms_per_poll": 1000 * cpu / n,
        "wall_ms_per_poll": 1000 * wall / n,
        "postgres_cpu_ms_per_poll": 1000 * pg / n,
        "bytes_from_server_per_poll": sent / n,
    }


def bench(
    backend: str, mailboxes: int, per_mailbox: int, rounds: int, work: Path
) -> dict[str, Any]:
    users = {f"user{n}": PASSWORD for n in range(mailboxes)}
    server = DovecotServer(work / f"dovecot-{backend}", users=users)
    server.start()
    os.environ[PASSWORD_ENV] = PASSWORD
    mail = corpus.generate(mailboxes * (per_mailbox + 1), seed=7, kind="small")
    try:
        for n in range(mailboxes):
            folders: dict[str, list[bytes]] = {"INBOX": [], "Sent": []}
            for folder, raw in islice(mail, per_mailbox):
                folders[folder].append(raw)
            for folder, raws in folders.items():
                server.bulk_load(f"user{n}", folder, raws)
        with store_url(backend, work) as url:
            cfg = settings(work / f"polls-{backend}.toml", server, url, mailboxes)
            sessions = sessions_for(cfg)
            parsers = Parsers(pool_workers(cfg.defaults.parse_workers))
            parsers.start()
            stages = Stages(parsers=parsers)
            # As the daemon polls: on PostgreSQL under the leases its LeaseKeeper holds.
            keeper = None
            beating = threading.Event()
            if uses_leases(sessions):
                names = [c.name for c in cfg.sources]
                keeper = LeaseKeeper(sessions, names, cfg.defaults.lease_period)
                keeper.beat()

                def heartbeat(k: LeaseKeeper = keeper) -> None:  # as the daemon's job does
                    while not beating.wait(k.interval):
                        k.beat()

                threading.Thread(target=heartbeat, daemon=True).start()

            def poll(source: SourceConfig) -> Any:
                if keeper is None:
                    return sync_source(source, cfg.defaults, sessions, stages=stages)
                with keeper.polling(source.name) as lease:
                    assert lease is not None, f"{source.name}: no lease"
                    return sync_source(source, cfg.defaults, sessions, stages=stages, lease=lease)

            try:
                sources = list(cfg.sources)
                first = round_of_polls(server, sources, poll)
                noop = [round_of_polls(server, sources, poll) for _ in range(rounds)]
                for n in range(mailboxes):
                    folder, raw = next(mail)
                    server.deliver(f"user{n}", folder, raw)
                one_new = round_of_polls(server, sources, poll)
            finally:
                beating.set()
                if keeper is not None:
                    keeper.close()
                parsers.close()
                sessions.kw["bind"].dispose()
    finally:
        server.stop()
    best = min(noop, key=lambda r: r["cpu_ms_per_poll"])
    return {
        "backend": backend,
        "mailboxes": mailboxes,
        "messages_per_mailbox": per_mailbox,
        "first_sync": first,
        "noop_rounds": noop,
        "noop_median_cpu_ms": sorted(r["cpu_ms_per_poll"] for r in noop)[len(noop) // 2],
        "noop_best": best,
        "one_new_message": one_new,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def report(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'backend':<10} {'mailboxes':>9} {'no-op cpu ms':>12} {'no-op wall ms':>13} "
        f"{'no-op pg ms':>11} {'no-op B':>8} {'1-new cpu ms':>12} {'1-new wall ms':>13} "
        f"{'1-new pg ms':>11} {'RSS MB':>7}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        noop = r["noop_rounds"]
        mid = sorted(noop, key=lambda x: x["cpu_ms_per_poll"])[len(noop) // 2]
        new = r["one_new_message"]
        lines.append(
            f"{r['backend']:<10} {r['mailboxes']:>9} {mid['cpu_ms_per_poll']:>12.1f} "
            f"{mid['wall_ms_per_poll']:>13.1f} {mid['postgres_cpu_ms_per_poll']:>11.1f} "
            f"{mid['bytes_from_server_per_poll']:>8.0f} {new['cpu_ms_per_poll']:>12.1f} "
            f"{new['wall_ms_per_poll']:>13.1f} {new['postgres_cpu_ms_per_poll']:>11.1f} "
            f"{r['peak_rss_mb']:>7.0f}"
        )
    return "\n".join(lines)


@contextlib.contextmanager
def workdir(root: Path) -> Iterator[Path]:
    import shutil

    path = root / f"polls-work-{time.strftime('%Y%m%d-%H%M%S')}"
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bench_polls", description=__doc__)
    p.add_argument("--mailboxes", type=int, default=200)
    p.add_argument("--messages", type=int, default=50, help="messages per mailbox at the start")
    p.add_argument("--rounds", type=int, default=3, help="rounds of no-op polls")
    p.add_argument("--backends", default="sqlite,postgresql")
    args = p.parse_args(argv)
    out = corpus.OUT
    out.mkdir(parents=True, exist_ok=True)
    results = []
    with workdir(out) as work:
        for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
            results.append(bench(backend, args.mailboxes, args.messages, args.rounds, work))
            print(f"{backend}: done", flush=True)
    path = out / f"polls-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"argv": sys.argv[1:], "results": results}, indent=1))
    print(report(results))
    print(f"\nresults: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
