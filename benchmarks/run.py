"""`python -m benchmarks.run`: ingestor against mbsync on the same mailbox in a real Dovecot.

For each corpus size, in one run on one Dovecot instance:
1. mbsync copies the mailbox to a local Maildir (first copy), then re-syncs it (no-op);
2. `ingestor sync --once` ingests it into a fresh store, once per backend, then polls again
   with nothing new (no-op);
3. every step records wall time, CPU time, peak RSS and the bytes Dovecot sent in the session.

It prints ratios (absolute times on shared machines are noise) and writes everything to
benchmarks/out/results-<timestamp>.json. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks import corpus
from benchmarks.measure import Run, run
from ingestor.parsepool import pool_workers
from tests.servers.dovecot import DovecotServer

MBSYNC = shutil.which("mbsync") or "/usr/bin/mbsync"
USER, PASSWORD = "recruiter", "bench-secret"
PASSWORD_ENV = "INGESTOR_BENCH_IMAP_PASSWORD"
SUMMARY = re.compile(
    r": ok: (?P<seen>\d+) new, (?P<ingested>\d+) ingested, (?P<skipped>\d+) skipped, "
    r"(?P<quarantined>\d+) quarantined, (?P<duplicate>\d+) duplicate, "
    r"(?P<contacts>\d+) contacts created"
)
ROOT = Path(__file__).resolve().parent.parent


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_kb = 0
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    versions = {}
    with contextlib.suppress(OSError):
        import subprocess

        versions["mbsync"] = subprocess.run(
            [MBSYNC, "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        versions["dovecot"] = subprocess.run(
            ["dovecot", "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 2**20, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
        **versions,
    }


# -- mbsync ---------------------------------------------------------------------------------


def mbsync_config(server: DovecotServer, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    cfg = target.parent / "mbsyncrc"
    cfg.write_text(
        f"""IMAPAccount bench
Host {server.host}
Port {server.port}
User {USER}
Pass {PASSWORD}
SSLType None
AuthMechs LOGIN PLAIN

IMAPStore bench-far
Account bench

MaildirStore bench-near
Path {target}/
Inbox {target}/INBOX
SubFolders Verbatim

Channel bench
Far :bench-far:
Near :bench-near:
Patterns *
Sync Pull
Create Near
SyncState *
"""
    )
    return cfg


def maildir_count(root: Path) -> int:
    return sum(
        1
        for sub in root.rglob("*")
        if sub.is_dir() and sub.name in ("cur", "new")
        for _ in sub.iterdir()
    )


# -- ingestor -------------------------------------------------------------------------------


def ingestor_config(server: DovecotServer, path: Path, store_url: str) -> Path:
    path.write_text(
        f"""[store]
url = "{store_url}"

[defaults]
internal_domains = ["agency.example"]

[logging]
level = "WARNING"

[[sources]]
name = "bench"
type = "imap"
host = "{server.host}"
port = {server.port}
security = "none"
username = "{USER}"
password_env = "{PASSWORD_ENV}"
folders = {json.dumps(list(corpus.FOLDERS))}
owner_addresses = ["{corpus.OWNER}"]
"""
    )
    return path


def ingestor_argv(config: Path, profile: Path | None = None) -> list[str]:
    prefix = [sys.executable]
    if profile is not None:
        prefix += ["-m", "cProfile", "-o", str(profile)]
    return [*prefix, "-m", "ingestor.cli", "--config", str(config), "sync", "--once"]


def summary_counts(r: Run) -> dict[str, int]:
    m = SUMMARY.search(r.stdout)
    if r.returncode != 0 or m is None:
        raise RuntimeError(
            f"ingestor failed ({r.returncode}):\n{r.stdout[-2000:]}\n{r.stderr[-4000:]}"
        )
    return {k: int(v) for k, v in m.groupdict().items()}


@contextlib.contextmanager
def store_url(backend: str, workdir: Path) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{workdir / 'ingestor.db'}"
        return
    from tests.servers.postgres import temporary_database

    with temporary_database("ingestor_bench") as url:
        yield url


# -- one size -------------------------------------------------------------------------------


class Measured:
    """Runs commands against one Dovecot and attributes its session byte counts to them."""

    def __init__(self, server: DovecotServer) -> None:
        self.server = server
        self.sessions = len(server.session_bytes())

    def __call__(self, argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
        r = run(argv, env=env)
        after = self.server.session_bytes(min_sessions=self.sessions + 1, timeout=10)
        new = after[self.sessions :]
        self.sessions = len(after)
        result = r.as_dict()
        result["sessions"] = len(new)
        result["bytes_in"] = sum(i for i, _ in new)  # client -> server
        result["bytes_out"] = sum(o for _, o in new)  # server -> client
        result["_run"] = r
        return result


def warm_up(server: DovecotServer) -> None:
    """Let Dovecot build its indexes and size cache before anything is timed, so neither tool
    pays for the first open of a freshly loaded Maildir."""
    with server.connect(USER) as client:
        for folder in corpus.FOLDERS:
            client.select_folder(folder, readonly=True)
            uids = client.search(["ALL"])
            for start in range(0, len(uids), 2000):
                client.fetch(uids[start : start + 2000], ["RFC822.SIZE", "FLAGS", "INTERNALDATE"])


def bench_size(
    n: int, seed: int, backends: list[str], workroot: Path, profile: bool, kind: str = "mixed"
) -> dict[str, Any]:
    t0 = time.perf_counter()
    manifest = corpus.ensure_corpus(n, seed, kind)
    gen_s = time.perf_counter() - t0
    tag = f"{n}" if kind == "mixed" else f"{n} {kind}"
    print(f"[{tag}] corpus ready ({gen_s:.1f} s): {manifest['counts']}, {_mb(manifest)} MB")
    workdir = workroot / f"n{n}-{kind}"
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    result: dict[str, Any] = {"n": n, "seed": seed, "kind": kind, "corpus": manifest}
    server = DovecotServer(workdir / "dovecot", users={USER: PASSWORD})
    server.start()
    try:
        t0 = time.perf_counter()
        for folder in corpus.FOLDERS:
            server.bulk_load(USER, folder, corpus.read_folder(n, seed, folder, kind))
        warm_up(server)
        print(f"[{tag}] loaded into Dovecot and indexed ({time.perf_counter() - t0:.1f} s)")
        measured = Measured(server)

        rc = mbsync_config(server, workdir / "mbsync-maildir")
        argv = [MBSYNC, "-c", str(rc), "-q", "bench"]
        first = measured(argv)
        copied = maildir_count(workdir / "mbsync-maildir")
        noop = measured(argv)
        _check(first, "mbsync")
        _check(noop, "mbsync")
        result["mbsync"] = {"first": _clean(first), "noop": _clean(noop), "copied": copied}
        print(
            f"[{tag}] mbsync: copy {first['wall_s']:.2f} s ({copied} messages), "
            f"re-sync {noop['wall_s']:.2f} s / {noop['bytes_out']} B"
        )
        shutil.rmtree(workdir / "mbsync-maildir")

        env = {**os.environ, PASSWORD_ENV: PASSWORD}
        env.pop("INGESTOR_CONFIG", None)
        result["ingestor"] = {}
        for backend in backends:
            with store_url(backend, workdir) as url:
                cfg = ingestor_config(server, workdir / f"ingestor-{backend}.toml", url)
                prof = workdir / f"profile-{backend}.pstats" if profile else None
                first = measured(ingestor_argv(cfg, prof), env)
                first["counts"] = summary_counts(first["_run"])
                noop = measured(ingestor_argv(cfg), env)
                noop["counts"] = summary_counts(noop["_run"])
                entry: dict[str, Any] = {"first": _clean(first), "noop": _clean(noop)}
                if prof is not None:
                    keep = workroot / f"profile-n{n}-{backend}.pstats"
                    shutil.copy(prof, keep)
                    entry["profile"] = str(keep)
                result["ingestor"][backend] = entry
                print(
                    f"[{tag}] ingestor/{backend}: first {first['wall_s']:.2f} s "
                    f"(cpu {first['cpu_s']:.1f} s, peak RSS {first['tree_peak_mb']:.0f} MB, "
                    f"PSS {first['tree_pss_peak_mb']:.0f} MB, "
                    f"{first['counts']['seen']} new), no-op {noop['wall_s']:.3f} s / "
                    f"{noop['bytes_out']} B"
                )
        # mbsync copies once more after the ingestor: the machine's load drifts, and each
        # ratio is taken against the mean of a copy before and a copy after.
        (workdir / "mbsync-maildir").mkdir()
        again = measured(argv)
        _check(again, "mbsync")
        shutil.rmtree(workdir / "mbsync-maildir")
        result["mbsync"]["again"] = _clean(again)
        print(f"[{tag}] mbsync: copy again {again['wall_s']:.2f} s")
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    result["ratios"] = ratios(result)
    return result


def mbsync_copy_s(mb: dict[str, Any]) -> float:
    """mbsync's first-copy wall time: the mean of the copies before and after the ingestor
    (results of runs before there was a second copy have only the first)."""
    copies = [mb["first"]["wall_s"]] + ([mb["again"]["wall_s"]] if "again" in mb else [])
    return sum(copies) / len(copies)


def _check(r: dict[str, Any], what: str) -> None:
    if r["returncode"] != 0:
        raise RuntimeError(f"{what} failed ({r['returncode']}): {r['stderr'][-2000:]}")


def _clean(r: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in r.items() if not k.startswith("_") and k not in ("stdout", "argv")}


def _mb(manifest: dict[str, Any]) -> float:
    return round(sum(manifest["bytes"].values()) / 1e6, 1)


def ratios(result: dict[str, Any]) -> dict[str, Any]:
    folders = len(corpus.FOLDERS)
    mb = result["mbsync"]
    out: dict[str, Any] = {}
    for backend, r in result["ingestor"].items():
        out[backend] = {
            "first_ingest_vs_mbsync": r["first"]["wall_s"] / mbsync_copy_s(mb),
            "noop_time_vs_mbsync": r["noop"]["wall_s"] / mb["noop"]["wall_s"],
            "noop_bytes_per_folder": r["noop"]["bytes_out"] / folders,
            "mbsync_noop_bytes_per_folder": mb["noop"]["bytes_out"] / folders,
            "ms_per_message": 1000 * r["first"]["wall_s"] / result["n"],
            "mbsync_ms_per_message": 1000 * mbsync_copy_s(mb) / result["n"],
            "peak_rss_mb": r["first"]["tree_peak_mb"],
            "peak_pss_mb": r["first"]["tree_pss_peak_mb"],
            "cpu_per_wall": r["first"]["cpu_s"] / r["first"]["wall_s"],
        }
    return out


# -- report ---------------------------------------------------------------------------------


def label(res: dict[str, Any]) -> str:
    """A result's corpus: its size, and its kind unless it is the mixed corpus."""
    kind = res.get("kind", "mixed")
    return f"{res['n']:,}" + ("" if kind == "mixed" else f" {kind}")


def table(results: list[dict[str, Any]]) -> str:
    head = (
        f"{'corpus':>13} {'backend':<10} {'ingest/mbsync':>13} {'ingest s':>9} {'mbsync s':>9} "
        f"{'ms/msg':>7} {'growth':>7} {'RSS MB':>7} {'PSS MB':>7} {'cpu/wall':>8} "
        f"{'noop B/fold':>11} {'mbsync B/fold':>13} {'noop s':>7} {'mbsync noop s':>13}"
    )
    lines = [head, "-" * len(head)]
    base: dict[tuple[str, str], float] = {}
    for res in results:
        for backend, r in res["ratios"].items():
            key = (res.get("kind", "mixed"), backend)
            base.setdefault(key, r["ms_per_message"])
            growth = r["ms_per_message"] / base[key]
            ing = res["ingestor"][backend]
            lines.append(
                f"{label(res):>13} {backend:<10} {r['first_ingest_vs_mbsync']:>13.2f} "
                f"{ing['first']['wall_s']:>9.2f} {mbsync_copy_s(res['mbsync']):>9.2f} "
                f"{r['ms_per_message']:>7.3f} {growth:>7.2f} {r['peak_rss_mb']:>7.0f} "
                f"{r['peak_pss_mb']:>7.0f} "
                f"{r['cpu_per_wall']:>8.2f} {r['noop_bytes_per_folder']:>11.0f} "
                f"{r['mbsync_noop_bytes_per_folder']:>13.0f} {ing['noop']['wall_s']:>7.3f} "
                f"{res['mbsync']['noop']['wall_s']:>13.3f}"
            )
    return "\n".join(lines)


def workers(setting: str | None) -> str:
    """INGESTOR_PARSE_WORKERS as the table shows it: the default ("auto") unless set."""
    if setting and setting.isdigit():
        return setting
    return f"auto ({pool_workers('auto')})"


def markdown(results: list[dict[str, Any]]) -> str:
    """The figures of one or more runs as a Markdown table (for the README)."""
    lines = [
        "| corpus | backend | parser processes | ingest/mbsync | ingest s | mbsync s | ms/msg "
        "| peak RSS MB (largest process) | PSS MB | no-op B/folder | mbsync re-sync B/folder "
        "| no-op s | mbsync re-sync s |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for res in results:
        mb = res["mbsync"]
        for backend, r in res["ratios"].items():
            first = res["ingestor"][backend]["first"]
            lines.append(
                f"| {label(res)} | {backend} | {workers(res.get('workers'))} "
                f"| **{r['first_ingest_vs_mbsync']:.2f}** "
                f"| {first['wall_s']:.1f} | {mbsync_copy_s(mb):.1f} "
                f"| {r['ms_per_message']:.2f} | {r['peak_rss_mb']:.0f} ({first['maxrss_mb']:.0f}) "
                f"| {r.get('peak_pss_mb', float('nan')):.0f} "
                f"| **{r['noop_bytes_per_folder']:.0f}** "
                f"| {r['mbsync_noop_bytes_per_folder']:,.0f} "
                f"| {res['ingestor'][backend]['noop']['wall_s']:.2f} "
                f"| {mb['noop']['wall_s']:.2f} |"
            )
    return "\n".join(lines)


def print_profile(path: str, top: int = 25) -> None:
    import pstats

    stats = pstats.Stats(path)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    p.add_argument("--sizes", default="2000,20000,100000", help="corpus sizes, comma-separated")
    p.add_argument("--backends", default="sqlite,postgresql", help="sqlite and/or postgresql")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--corpora",
        default="mixed",
        help="mixed (realistic recruiter mail) and/or small (~1 KB, a new contact per message)",
    )
    p.add_argument("--short", action="store_true", help="smoke run: 300 messages, SQLite only")
    p.add_argument("--profile", action="store_true", help="run the first ingest under cProfile")
    p.add_argument("--out", default=str(corpus.OUT), help="where results and work files go")
    p.add_argument(
        "--markdown",
        nargs="+",
        metavar="RESULTS_JSON",
        help="print the figures of earlier results files as a Markdown table, and exit",
    )
    p.add_argument(
        "--parse-workers",
        help="INGESTOR_PARSE_WORKERS for the ingestor (0: parse in-process; default: its own)",
    )
    args = p.parse_args(argv)
    if args.markdown:
        reports = [json.loads(Path(f).read_text()) for f in args.markdown]
        print(
            markdown(
                [{**res, "workers": r["parse_workers"]} for r in reports for res in r["results"]]
            )
        )
        return 0
    if args.parse_workers is not None:
        os.environ["INGESTOR_PARSE_WORKERS"] = args.parse_workers
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if args.short:
        sizes, backends = [300], ["sqlite"]
    kinds = [k.strip() for k in args.corpora.split(",") if k.strip()]
    if set(kinds) - set(corpus.KINDS):
        p.error(f"unknown corpora: {', '.join(sorted(set(kinds) - set(corpus.KINDS)))}")
    bad = set(backends) - {"sqlite", "postgresql"}
    if bad:
        p.error(f"unknown backends: {', '.join(sorted(bad))}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    workroot = out / f"work-{stamp}"
    results: list[dict[str, Any]] = []
    report: dict[str, Any] = {
        "started": stamp,
        "machine": machine(),
        "argv": sys.argv[1:] if argv is None else argv,
        "parse_workers": os.environ.get("INGESTOR_PARSE_WORKERS", "default"),
        "results": results,
    }
    path = out / f"results-{stamp}.json"
    try:
        for kind in kinds:
            for n in sizes:
                results.append(bench_size(n, args.seed, backends, workroot, args.profile, kind))
                path.write_text(json.dumps(report, indent=1, default=str))
    finally:
        if not args.profile:
            shutil.rmtree(workroot, ignore_errors=True)
    m = report["machine"]
    print(f"\nmachine: {m['nproc']} x {m['cpu']}, {m['memory_gb']} GB RAM, Python {m['python']}")
    print(table(results))
    print(f"\nresults: {path}")
    if args.profile:
        for res in results:
            for entry in res["ingestor"].values():
                print(f"\n== profile {entry['profile']}")
                print_profile(entry["profile"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
