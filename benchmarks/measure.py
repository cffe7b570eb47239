"""Running one timed child process: wall time, CPU time and peak memory of its process tree.

A sampler thread reads, every 20 ms, every process of the child's tree:
- its VmHWM (the kernel's exact RSS high-water mark since its exec), so the largest single
  process's peak is exact, not sampled;
- the sum of RSS and the sum of PSS over the tree, which is what counts when the child runs a
  process pool. The RSS sum counts pages that forked workers share with their parent once per
  process; PSS splits each shared page between its sharers, so the PSS sum is the memory the
  tree really occupies.

`ru_maxrss` from `wait4` is not used: Linux carries the high-water mark of the forking process
(this harness, which holds ~190 MB) over the child's exec, so every child would appear to
peak at the harness's size.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass
class Run:
    argv: list[str]
    returncode: int
    wall_s: float
    cpu_s: float
    maxrss_mb: float  # largest VmHWM in the child's tree (largest process's peak, MiB)
    tree_peak_mb: float  # sampled sum of RSS over the child's process tree (MiB)
    tree_pss_peak_mb: float  # sampled sum of PSS over the tree (MiB)
    stdout: str
    stderr: str

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["stdout"] = self.stdout[-2000:]
        d["stderr"] = self.stderr[-4000:]
        return d


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
            out.extend(int(c) for c in text.split())
    except OSError:
        pass
    return out


def _rss_pages(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def _proc_kb(path: str, key: str) -> int:
    """One "Key:   N kB" line of a /proc file, in kB; 0 if the process is gone."""
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def tree_memory_mb(root: int) -> tuple[float, float, float]:
    """(RSS sum, PSS sum, largest VmHWM) over `root` and its descendants, in MiB."""
    rss, pss, hwm, todo = 0, 0, 0, [root]
    while todo:
        pid = todo.pop()
        rss += _rss_pages(pid)
        pss += _proc_kb(f"/proc/{pid}/smaps_rollup", "Pss:")
        hwm = max(hwm, _proc_kb(f"/proc/{pid}/status", "VmHWM:"))
        todo.extend(_children(pid))
    return rss * PAGE / 2**20, pss / 1024, hwm / 1024


def run(
    argv: list[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 7200,
) -> Run:
    """Run `argv` to completion, measuring it; output is captured to temporary files."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}-{time.time_ns()}"
    with open(f"{out_path}.out", "w+b") as out, open(f"{out_path}.err", "w+b") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, cwd=cwd)
        peak = pss_peak = hwm_peak = 0.0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, pss_peak, hwm_peak
            while not done.wait(0.02):
                rss, pss, hwm = tree_memory_mb(proc.pid)
                peak, pss_peak = max(peak, rss), max(pss_peak, pss)
                hwm_peak = max(hwm_peak, hwm)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
            time.sleep(0.005)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return Run(
        argv=argv,
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        maxrss_mb=hwm_peak,
        tree_peak_mb=max(peak, hwm_peak),
        tree_pss_peak_mb=pss_peak,
        stdout=stdout,
        stderr=stderr,
    )
