"""A throw-away Radicale CalDAV server for integration tests and benchmarks.

:class:`RadicaleServer` runs ``python -m radicale`` (the test interpreter's own Radicale) with a
private config, a plain-text htpasswd file and a storage folder under ``root``, on a free
127.0.0.1 port. Calendars and events are created over plain HTTP with basic auth, so tests do
not depend on the CalDAV client under test to set up their fixtures.
"""

from __future__ import annotations

import atexit
import base64
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import quote

from .dovecot import free_port

__all__ = ["CalDAVHTTPError", "CalDAVTestServer", "RadicaleServer", "http_request"]

START_TIMEOUT = 10.0

_MKCALENDAR_BODY = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:set>
    <D:prop>
      <D:displayname>{name}</D:displayname>
      <C:supported-calendar-component-set>
        <C:comp name="VEVENT"/>
        <C:comp name="VTODO"/>
      </C:supported-calendar-component-set>
    </D:prop>
  </D:set>
</C:mkcalendar>
"""


class CalDAVHTTPError(RuntimeError):
    """An HTTP request made by a test harness got an unexpected status."""


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def http_request(
    method: str,
    url: str,
    *,
    user: str,
    password: str,
    body: bytes | None = None,
    content_type: str | None = None,
    headers: dict[str, str] | None = None,
    expect: tuple[int, ...] = (200, 201, 204, 207),
    timeout: float = 10.0,
) -> tuple[int, dict[str, str], bytes]:
    """Send one basic-auth HTTP request; return ``(status, headers, body)``.

    Raises :class:`CalDAVHTTPError` when the status is not in ``expect``.
    """
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"Basic {token}")
    if content_type:
        request.add_header("Content-Type", content_type)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, reply_headers, data = response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        status, reply_headers, data = error.code, dict(error.headers), error.read()
    if status not in expect:
        raise CalDAVHTTPError(
            f"{method} {url} -> HTTP {status}: {data[:500].decode(errors='replace')}"
        )
    return status, reply_headers, data


class CalDAVTestServer:
    """Shared lifecycle and plain-HTTP fixture helpers of the CalDAV test servers.

    Subclasses say how to start the server (:meth:`_command`) and where calendars live
    (:meth:`calendar_home`).
    """

    name = "caldav"

    def __init__(self, root: Path, users: dict[str, str] | None = None) -> None:
        self.root = Path(root).resolve()
        self._users = dict(users) if users is not None else {"recruiter": "secret"}
        self.host = "127.0.0.1"
        self.port = 0
        self.log_path = self.root / f"{self.name}.log"
        self.storage_path = self.root / "collections"
        self._proc: subprocess.Popen[bytes] | None = None

    def _command(self) -> list[str]:
        """Write any config files and return the server's command line."""
        raise NotImplementedError

    def calendar_home(self, user: str) -> str:
        """URL of the collection that holds ``user``'s calendars (trailing slash)."""
        raise NotImplementedError

    @property
    def users(self) -> dict[str, str]:
        """Login name -> password of every configured user."""
        return dict(self._users)

    @property
    def url(self) -> str:
        """Base URL, with a trailing slash (``http://127.0.0.1:PORT/``)."""
        return f"http://{self.host}:{self.port}/"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Start the server and wait until it answers HTTP."""
        if self.running:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        self.storage_path.mkdir(exist_ok=True)
        if not self.port:
            self.port = free_port()
        command = self._command()
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        atexit.register(self.stop)
        self._wait_ready()

    def _wait_ready(self) -> None:
        assert self._proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self._proc = None
                raise RuntimeError(f"{self.name} exited with status {code}.\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url, timeout=1):
                    return
            except urllib.error.HTTPError:
                return  # Any HTTP answer (even 401/404) means it is serving.
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    f"{self.name} did not answer on {self.url} within {START_TIMEOUT:.0f} s.\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        """Terminate the server process."""
        atexit.unregister(self.stop)
        proc, self._proc = self._proc, None
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the server's output, for error messages."""
        if not self.log_path.exists():
            return "(no server output)"
        tail = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- tail of {self.log_path} ---\n" + "\n".join(tail)

    # ------------------------------------------------------------------ CalDAV helpers

    def principal_url(self, user: str) -> str:
        return f"{self.url}{quote(user)}/"

    def calendar_url(self, user: str, cal_id: str) -> str:
        return f"{self.calendar_home(user)}{quote(cal_id)}/"

    def event_url(self, user: str, cal_id: str, href: str) -> str:
        """URL of an event; ``href`` is a file name (``x.ics``) or an absolute path/URL."""
        if href.startswith(("http://", "https://")):
            return href
        if href.startswith("/"):
            return f"{self.url.rstrip('/')}{href}"
        return f"{self.calendar_url(user, cal_id)}{quote(href)}"

    def request(
        self,
        method: str,
        url: str,
        user: str,
        body: bytes | None = None,
        content_type: str | None = None,
        headers: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200, 201, 204, 207),
    ) -> tuple[int, dict[str, str], bytes]:
        """An authenticated HTTP request as ``user``."""
        return http_request(
            method,
            url,
            user=user,
            password=self._users[user],
            body=body,
            content_type=content_type,
            headers=headers,
            expect=expect,
        )

    def make_calendar(self, user: str, cal_id: str, name: str | None = None) -> str:
        """Create calendar ``cal_id`` (MKCALENDAR) for ``user``; return its URL."""
        url = self.calendar_url(user, cal_id)
        body = _MKCALENDAR_BODY.format(name=_xml_escape(name or cal_id)).encode()
        self.request("MKCALENDAR", url, user, body, "application/xml; charset=utf-8")
        return url

    def put_event(self, user: str, cal_id: str, ics_text: str, href: str) -> str:
        """Create or replace an event with ``PUT``; return its new ETag (may be empty)."""
        _, headers, _ = self.request(
            "PUT",
            self.event_url(user, cal_id, href),
            user,
            ics_text.encode(),
            "text/calendar; charset=utf-8",
        )
        return headers.get("ETag", headers.get("Etag", ""))

    def delete_event(self, user: str, cal_id: str, href: str) -> None:
        """Delete an event (it must exist)."""
        self.request("DELETE", self.event_url(user, cal_id, href), user)

    def delete_calendar(self, user: str, cal_id: str) -> None:
        """Delete a whole calendar collection."""
        self.request("DELETE", self.calendar_url(user, cal_id), user, expect=(200, 204))


class RadicaleServer(CalDAVTestServer):
    """A private Radicale instance with htpasswd users (plain passwords) on 127.0.0.1.

    Calendars live at ``<url><user>/<cal_id>/``; ``rights = owner_only``.
    """

    name = "radicale"

    @property
    def config_path(self) -> Path:
        return self.root / "radicale.conf"

    def calendar_home(self, user: str) -> str:
        return self.principal_url(user)

    def _command(self) -> list[str]:
        users_file = self.root / "users"
        users_file.write_text("".join(f"{u}:{p}\n" for u, p in self._users.items()))
        self.config_path.write_text(
            f"""# Generated by tests/servers/radicale.py; do not edit.
[server]
hosts = {self.host}:{self.port}

[auth]
type = htpasswd
htpasswd_filename = {users_file}
htpasswd_encryption = plain
delay = 0

[rights]
type = owner_only

[storage]
filesystem_folder = {self.storage_path}

[web]
type = none

[logging]
level = warning
"""
        )
        return [sys.executable, "-m", "radicale", "--config", str(self.config_path)]
