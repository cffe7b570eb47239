"""Time the pipeline's stages apart, without a server: parse + extract, then write.

Usage: python -m benchmarks.bench_stages [--n 20000] [--limit 5000] [--backend sqlite]
       [--profile parse|write]

Reads the cached benchmark corpus (benchmarks/corpus.py), splits it into the batches the IMAP
source would deliver, runs `process_item` on every item, then writes the results batch by batch
with `pipeline.write_batch`, one transaction each, into a fresh store. It prints milliseconds per message
for each stage: the CPU budget of the first ingest, apart from fetching.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

from benchmarks.corpus import OWNER, ensure_corpus, read_folder
from ingestor.model import FolderCursor, ItemResult, RawItem
from ingestor.pipeline import write_batch
from ingestor.process import process_item
from ingestor.resolve.policy import CreationPolicy
from ingestor.store.database import open_store

MAX_BYTES = 25 * 1024 * 1024
BATCH_BYTES = 16 * 1024 * 1024
BATCH_ITEMS = 500


def load(n: int, limit: int, kind: str = "mixed") -> list[list[RawItem]]:
    ensure_corpus(n, 1, kind)
    batches: list[list[RawItem]] = []
    for folder in ("INBOX", "Sent"):
        batch: list[RawItem] = []
        size = 0
        per_folder = limit * (64 if folder == "INBOX" else 36) // 100
        for uid, raw in enumerate(islice(read_folder(n, 1, folder, kind), per_folder), 1):
            truncated = len(raw) > MAX_BYTES
            data = raw.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n" if truncated else raw
            batch.append(
                RawItem(f"{folder}/1/{uid}", folder, data, 1, uid, None, len(raw), truncated)
            )
            size += len(data)
            if size >= BATCH_BYTES or len(batch) >= BATCH_ITEMS:
                batches.append(batch)
                batch, size = [], 0
        if batch:
            batches.append(batch)
    return batches


def parse(batches: list[list[RawItem]]) -> list[list[ItemResult]]:
    now = datetime.now(UTC)
    owners = frozenset({OWNER})
    return [[process_item(item, owners, now) for item in batch] for batch in batches]


def write(results: list[list[ItemResult]], url: str) -> None:
    sessions = open_store(url)
    policy = CreationPolicy("all", frozenset({OWNER}), frozenset(), frozenset())
    for batch in results:
        with sessions.begin() as s:
            last = batch[-1].item
            cursor = FolderCursor(last.folder, 1, last.uid or 0)
            write_batch(s, "bench", policy, batch, cursor, datetime.now(UTC))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000, help="corpus size to read from")
    ap.add_argument("--kind", default="mixed", help="mixed or small (benchmarks.corpus.KINDS)")
    ap.add_argument("--limit", type=int, default=5000, help="messages to use")
    ap.add_argument("--url", default=None, help="store URL (default: a fresh SQLite file)")
    ap.add_argument("--profile", choices=("parse", "write"))
    ap.add_argument("--keep", metavar="PATH", help="write the SQLite store here and keep it")
    args = ap.parse_args()
    batches = load(args.n, args.limit, args.kind)
    count = sum(map(len, batches))
    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{args.keep or Path(tmp) / 'bench.db'}"
        profiler = cProfile.Profile()
        start = time.perf_counter()
        if args.profile == "parse":
            profiler.enable()
        results = parse(batches)
        profiler.disable()
        parsed = time.perf_counter()
        if args.profile == "write":
            profiler.enable()
        write(results, url)
        profiler.disable()
        written = time.perf_counter()
    print(
        f"{count} messages in {len(batches)} batches: "
        f"parse+extract {1000 * (parsed - start) / count:.3f} ms/msg, "
        f"write {1000 * (written - parsed) / count:.3f} ms/msg"
    )
    if args.profile:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
