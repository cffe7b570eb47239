"""Serving the app with uvicorn: in the foreground (`ingestor serve`) or in a daemon thread.

The daemon (`ingestor run` with `[web] enabled = true`) calls `start_background`, which binds
the port before returning, so a port in use is reported at start-up and not lost in a thread.
"""

from __future__ import annotations

import logging
import socket
import threading
import time

import uvicorn
from starlette.applications import Starlette

from ingestor.errors import IngestorError
from ingestor.runtime import Runtime
from ingestor.store.unit import Store
from ingestor.web.app import create_app, create_metrics_app

log = logging.getLogger(__name__)


class WebError(IngestorError):
    """The web server could not start: the port is taken or the address is not ours."""


def _config(app: Starlette, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_config=None,  # keep ingestor's logging setup
        access_log=False,
        server_header=False,
        proxy_headers=True,  # trusts X-Forwarded-* from 127.0.0.1 only (uvicorn's default)
        lifespan="off",
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        raise WebError(f"web: cannot listen on {host}:{port}: {e.strerror or e}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def serve(
    store: Store,
    host: str = "127.0.0.1",
    port: int = 8025,
    runtime: Runtime | None = None,
    metrics_listen: tuple[str, int] | None = None,
) -> None:
    """Serve until interrupted (SIGINT/SIGTERM); /metrics on `metrics_listen` when given."""
    runtime = runtime or Runtime()
    sock = _bind(host, port)
    metrics = start_metrics(store, runtime, *metrics_listen) if metrics_listen else None
    if host not in ("127.0.0.1", "::1", "localhost"):
        log.warning("web: listening on %s:%s; put it behind HTTPS before exposing it", host, port)
    log.info("web: serving on http://%s:%s/", host, sock.getsockname()[1])
    app = create_app(store, runtime, with_metrics=metrics_listen is None)
    try:
        uvicorn.Server(_config(app, host, port)).run(sockets=[sock])
    finally:
        if metrics is not None:
            metrics.stop()


class BackgroundServer:
    """A running server thread; `stop()` ends it."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, port: int) -> None:
        self.server = server
        self.thread = thread
        self.port = port

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def start_background(
    store: Store,
    host: str = "127.0.0.1",
    port: int = 8025,
    runtime: Runtime | None = None,
    with_metrics: bool = True,
    app: Starlette | None = None,
    label: str = "web",
) -> BackgroundServer:
    """Start serving in a daemon thread and return once it accepts connections."""
    sock = _bind(host, port)
    actual = int(sock.getsockname()[1])
    app = app or create_app(store, runtime, with_metrics=with_metrics)
    server = uvicorn.Server(_config(app, host, actual))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="ingestor-web", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.02)
    if not server.started:
        server.should_exit = True
        raise WebError(f"web: the server on {host}:{actual} did not start")
    log.info("%s: serving on http://%s:%s/", label, host, actual)
    return BackgroundServer(server, thread, actual)


def start_metrics(store: Store, runtime: Runtime, host: str, port: int) -> BackgroundServer:
    """/metrics, /healthz and /readyz on a port of their own (`[metrics] listen`)."""
    return start_background(
        store, host, port, app=create_metrics_app(store, runtime), label="metrics"
    )
