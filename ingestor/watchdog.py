"""systemd notifications: READY, STATUS and a watchdog that pings only while we really work.

`WATCHDOG=1` is sent only while the scheduler dispatches jobs and the store answers a probe
in time. A hung store (connections that never answer, a table locked for ever) therefore
stops the pings and systemd restarts the service after `WatchdogSec=`; the pings resume by
themselves if the store comes back first. The ping interval is half of systemd's
`WATCHDOG_USEC`, as sd_watchdog_enabled(3) advises.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping, Sequence

from ingestor.selfcheck import short_reason

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 30.0  # STATUS updates when systemd asks for no watchdog
PROBE_TIMEOUT = 5.0


def sd_notify(state: str) -> None:
    """Tell systemd (Type=notify) about our state; a no-op outside systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    if address.startswith("@"):
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
            sock.connect(address)
            sock.sendall(state.encode())
    except OSError as e:
        log.debug("sd_notify failed: %s", e)


def watchdog_interval(env: Mapping[str, str]) -> float | None:
    """Seconds between pings: half of WATCHDOG_USEC; None when systemd wants no watchdog
    (unset, or meant for another process: WATCHDOG_PID)."""
    usec = env.get("WATCHDOG_USEC", "")
    pid = env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0:
        return None
    if pid and pid != str(os.getpid()):
        return None
    return int(usec) / 2 / 1e6


class StoreProbe:
    """Runs `probe` in a thread of its own and says whether it answered in time.

    A probe that hangs is left to finish (a hung connection cannot be interrupted from
    outside); no other starts meanwhile, and every check until it returns says no.
    """

    def __init__(self, probe: Callable[[], None]) -> None:
        self.probe = probe
        self._running: threading.Thread | None = None
        self._done = threading.Event()
        self._ok = False

    def answered(self, timeout: float) -> bool:
        if self._running is None or self._done.is_set():  # none pending: probe anew
            self._done = done = threading.Event()
            self._ok = False
            self._running = threading.Thread(
                target=self._run, args=(done,), name="store-probe", daemon=True
            )
            self._running.start()
        return self._done.wait(timeout) and self._ok

    def _run(self, done: threading.Event) -> None:
        try:
            self.probe()
            self._ok = True
        except Exception as e:  # noqa: BLE001 - any failure means "the store does not answer"
            log.debug("store probe failed: %s", e)
            self._ok = False
        finally:
            done.set()


def status_line(
    sources: Sequence[str], outcomes: Mapping[str, str | None], held: Sequence[str] | None = None
) -> str:
    """'12 sources, 11 ok, 1 failing (anna: wrong username or password)'.

    `outcomes`: each polled source's last error (None: it succeeded); `held`: the sources
    this instance holds (PostgreSQL leases), None when it syncs them all.
    """
    mine = list(sources) if held is None else [s for s in sources if s in held]
    head = f"{len(sources)} source{'' if len(sources) == 1 else 's'}"
    if held is not None:
        head += f" ({len(mine)} held here)"
    ok = [s for s in mine if s in outcomes and outcomes[s] is None]
    failing = [s for s in mine if outcomes.get(s) is not None]
    waiting = len(mine) - len(ok) - len(failing)
    parts = [head, f"{len(ok)} ok"]
    if failing:
        named = ", ".join(f"{s}: {short_reason(outcomes[s], 40)}" for s in failing[:3])
        more = f", {len(failing) - 3} more" if len(failing) > 3 else ""
        parts.append(f"{len(failing)} failing ({named}{more})")
    if waiting:
        parts.append(f"{waiting} not polled yet")
    return ", ".join(parts)
