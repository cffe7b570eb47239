"""A throw-away Xandikos CalDAV server, a second implementation to test the CalDAV client against.

Same interface as :class:`tests.servers.radicale.RadicaleServer`, with two differences that
come from Xandikos itself:

* it is single-user: the one configured user's principal is ``/<user>/`` and calendars live at
  ``/<user>/calendars/<cal_id>/``;
* it does not check passwords over plain HTTP (its ``--htpasswd`` option requires its own
  self-signed HTTPS), so credentials are sent but ignored.

Needs the ``xandikos`` package (``pip install xandikos``); import this module only in tests
that use it, e.g. behind ``pytest.importorskip("xandikos")``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from .radicale import CalDAVTestServer

__all__ = ["XandikosServer"]


class XandikosServer(CalDAVTestServer):
    """A private ``xandikos serve`` on 127.0.0.1 with one auto-created user principal."""

    name = "xandikos"

    def __init__(self, root: Path, users: dict[str, str] | None = None) -> None:
        super().__init__(root, users)
        if len(self._users) != 1:
            raise ValueError("Xandikos serves exactly one user principal")

    @property
    def user(self) -> str:
        """The one user this server serves."""
        return next(iter(self._users))

    def calendar_home(self, user: str) -> str:
        if user != self.user:
            raise KeyError(f"Xandikos here only serves {self.user!r}, not {user!r}")
        return f"{self.principal_url(user)}calendars/"

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "xandikos",
            "serve",
            "--directory",
            str(self.storage_path),
            "--state-dir",
            str(self.root / "state"),
            "--current-user-principal",
            f"/{self.user}/",
            "--autocreate",
            "--no-detect-systemd",
            "--listen-address",
            self.host,
            "--port",
            str(self.port),
        ]
