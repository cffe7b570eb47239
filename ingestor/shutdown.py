"""SIGTERM and SIGINT as a request to stop: the daemon finishes its batches and exits 0.

Installed first thing by `ingestor run`, before the parsers are forked and the daemon's modules
imported (about a second on a busy machine): a SIGTERM in that second is a stop request too,
not the default action that kills the process with status -15.
"""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType

log = logging.getLogger(__name__)


def stop_on_signals(stopping: threading.Event) -> threading.Event:
    """From now on SIGTERM and SIGINT set `stopping` (main thread only) → `stopping`."""

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("received %s; finishing the current batch", signal.Signals(signum).name)
        stopping.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return stopping
