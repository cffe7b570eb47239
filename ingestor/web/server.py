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

from ingestor.errors import IngestorError
from ingestor.store.unit import Store
from ingestor.web.app import create_app

log = logging.getLogger(__name__)


class WebError(IngestorError):
    """The web server could not start: the port is taken or the address is not ours."""


def _config(store: Store, host: str, port: int) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(store),
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


def serve(store: Store, host: str = "127.0.0.1", port: int = 8025) -> None:
    """Serve until interrupted (SIGINT/SIGTERM)."""
    sock = _bind(host, port)
    if host not in ("127.0.0.1", "::1", "localhost"):
        log.warning("web: listening on %s:%s; put it behind HTTPS before exposing it", host, port)
    log.info("web: serving on http://%s:%s/", host, sock.getsockname()[1])
    uvicorn.Server(_config(store, host, port)).run(sockets=[sock])


class BackgroundServer:
    """A running server thread; `stop()` ends it."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, port: int) -> None:
        self.server = server
        self.thread = thread
        self.port = port

    def stop(self, timeout: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout)


def start_background(store: Store, host: str = "127.0.0.1", port: int = 8025) -> BackgroundServer:
    """Start serving in a daemon thread and return once it accepts connections."""
    sock = _bind(host, port)
    actual = int(sock.getsockname()[1])
    server = uvicorn.Server(_config(store, host, actual))
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
    log.info("web: serving on http://%s:%s/", host, actual)
    return BackgroundServer(server, thread, actual)
