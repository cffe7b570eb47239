"""Measure extract_profile throughput (messages per second, one core) on the signature corpus.

Usage: python benchmarks/bench_extract.py [--seconds 5] [--profile] [--plain-only] [--real]

The .eml files are parsed once up front; only extraction is timed. --profile prints the top
cProfile entries of one pass instead. --real times the real labelled mail of
../shared/corpora (Enron, ASF, forge bodies; region US) instead of the hand-written corpus.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.score_signatures import DEFAULT_CORPUS, read_eml  # noqa: E402
from ingestor.extractors.profile import clear_caches, extract_profile  # noqa: E402

Message = tuple[str | None, str | None, str | None, str | None]


def load_real() -> list[Message]:
    from benchmarks.score_real import load_sets

    return [(e.text_plain, None, e.sender_name, e.sender_address) for e in load_sets()]


def load(corpus: Path, plain_only: bool) -> list[Message]:
    messages = [read_eml(path) for path in sorted(corpus.glob("*.eml"))]
    return [m for m in messages if m[0]] if plain_only else messages


def run_once(messages: list[Message]) -> None:
    # Line caches would make every replay after the first a cache hit: start each one cold.
    clear_caches()
    for plain, html, name, addr in messages:
        extract_profile(plain, html, name, addr, "DE")


def bench(messages: list[Message], seconds: float) -> tuple[int, float, float]:
    """(extractions, wall seconds, CPU seconds of this process)."""
    run_once(messages)  # warm-up: regex compilation, phonenumbers metadata loading
    done, start, cpu_start = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        run_once(messages)
        done += len(messages)
    return done, elapsed, time.process_time() - cpu_start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--plain-only", action="store_true", help="skip HTML-only messages")
    parser.add_argument("--real", action="store_true", help="the real mail of ../shared/corpora")
    args = parser.parse_args()
    messages = load_real() if args.real else load(Path(args.corpus), args.plain_only)
    if args.profile:
        run_once(messages)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(3):
            run_once(messages)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        return
    done, elapsed, cpu = bench(messages, args.seconds)
    # CPU time is the per-core figure; wall time also counts whatever else the machine runs.
    print(f"{len(messages)} messages, {done} extractions in {elapsed:.2f} s wall, {cpu:.2f} s CPU")
    print(f"{done / cpu:,.0f} msg/s per core (CPU time); {done / elapsed:,.0f} msg/s wall")


if __name__ == "__main__":
    main()
