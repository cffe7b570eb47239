"""The CalDAV source's HTTP session: authentication, one DAV request, and a streamed GET.

The HTTP itself (TLS, timeouts, redirects, Basic/Digest/Bearer, size caps) is httpclient's,
shared with ICS feeds; this module sends DAV requests through it and turns what comes back
into Replies for caldav and davdiscovery, or into a SourceError with a reason a user can act on.
No password reaches a message: URLs are shown without their user:password@ part.

With `auth = "oauth2"` every request carries `Authorization: Bearer <access token>` (Google
Calendar's CalDAV endpoint); a 401 refreshes the token once and repeats the request once. The
token is never logged.
"""

from __future__ import annotations

import logging

import httpx
from lxml import etree

from ingestor.errors import SourceError
from ingestor.oauth.access import AccessTokens, login_hint, open_token_store
from ingestor.oauth.client import OAuthClient
from ingestor.secrets import read_password
from ingestor.sources.caldav_config import CalDavSourceConfig
from ingestor.sources.davxml import (
    Entry,
    Reply,
    error_conditions,
    is_multistatus,
    own_entry,
    parse_multistatus,
    parse_reply,
    propfind_body,
)
from ingestor.sources.httpclient import BearerAuth, PasswordAuth, fetch, open_client, redact

log = logging.getLogger(__name__)

TOO_BIG = object()  # marks an object over the size cap
# A DAV reply (multistatus) is read into memory to be parsed; beyond this it is refused. A
# calendar-multiget asks for at most 50 objects of at most 10 MB each.
MAX_REPLY_BYTES = 256 * 1024 * 1024
SUPPORTED_AUTH = ("basic", "digest")

__all__ = ["TOO_BIG", "DavSession", "redact"]


class DavSession:
    """One source's authenticated connection to a DAV server; open() before any request."""

    def __init__(self, name: str, config: CalDavSourceConfig) -> None:
        self.name = name  # the source's, for errors
        self.config = config
        self.client: httpx.Client | None = None
        self.auth: PasswordAuth | BearerAuth | None = None
        self.tokens: AccessTokens | None = None

    @property
    def where(self) -> str:
        return redact(self.config.url or "?")

    def open(self) -> None:
        cfg = self.config
        if not cfg.url:
            raise SourceError(self.name, "no url configured")
        if not cfg.url.startswith(("http://", "https://")):
            raise SourceError(self.name, f"invalid url {self.where}: not http:// or https://")
        if cfg.auth == "oauth2":
            assert cfg.oauth is not None
            if self.tokens is None:
                client = OAuthClient(cfg.oauth, cfg.timeout, cfg.tls_verify, cfg.ca_file)
                self.tokens = AccessTokens(cfg, open_token_store(cfg), client)
            self.tokens.get()  # a refused refresh fails here, before any DAV request
            refused = f"{self.name}: {self.where} refused the access token; refreshing it"
            self.auth = BearerAuth(self.tokens, refused)
        else:
            password = read_password(self.name, cfg.password, cfg.timeout)
            self.auth = PasswordAuth(cfg.username or "", password)
        self.client = open_client(self.name, cfg, self.auth)

    def close(self) -> None:
        if self.tokens is not None:
            tokens, self.tokens = self.tokens, None
            tokens.store.close()
        client, self.client = self.client, None
        if client is not None:
            client.close()

    def connected(self) -> httpx.Client:
        if self.client is None:
            raise SourceError(self.name, "not connected")
        return self.client

    def _unauthorized(self, folder: str | None, reading: str | None = None) -> SourceError:
        """The error for a 401 that survived authentication (and a token refresh)."""
        if self.tokens is not None:
            return SourceError(
                self.name,
                f"{self.where} refused a freshly refreshed access token for "
                f"{self.config.username}; check the scopes and that CalDAV access is enabled "
                f"for the account, then {login_hint(self.config)}",
                ref=folder,
            )
        offered = self.auth.offered if isinstance(self.auth, PasswordAuth) else ()
        if offered and not set(offered) & set(SUPPORTED_AUTH):
            return SourceError(
                self.name,
                f"{self.where} asks for {', '.join(offered)} authentication; only Basic, "
                'Digest and auth = "oauth2" are supported',
                ref=folder,
            )
        if reading is not None:
            return SourceError(
                self.name, f"login on {self.where} was rejected while reading {reading}", ref=folder
            )
        return SourceError(
            self.name,
            f"login as {self.config.username!r} on {self.where} was rejected: wrong username or password",
            ref=folder,
        )

    def request(
        self,
        method: str,
        url: str,
        body: str,
        depth: str | None,
        folder: str | None = None,
        lenient: bool = False,
    ) -> Reply:
        """One DAV request; network, TLS and auth failures become SourceError.

        `lenient`: an unparsable or oversized XML body gives status 0 instead of an error, for
        requests that have a fallback (sync-collection, calendar-multiget).
        """
        client = self.connected()
        headers = {"Content-Type": "application/xml; charset=utf-8"}
        if depth is not None:
            headers["Depth"] = depth
        shown = redact(url)
        got = fetch(client, self.name, method, url, MAX_REPLY_BYTES, headers, body.encode(), folder)
        if got.status == 401:
            raise self._unauthorized(folder)
        if got.body is None:
            if lenient:
                return Reply(0, None)
            raise SourceError(
                self.name,
                f"{method} {shown}: the reply is larger than {MAX_REPLY_BYTES} bytes",
                ref=folder,
            )
        if got.status >= 400:
            return Reply(got.status, None, error_conditions(got.body))
        try:
            tree = parse_reply(got.body, got.headers.get("Content-Type", ""))
        except etree.XMLSyntaxError:
            if lenient:
                return Reply(0, None)
            raise SourceError(
                self.name, f"{method} {shown}: the server sent malformed XML", ref=folder
            ) from None
        return Reply(got.status, tree)

    def multistatus(self, reply: Reply, what: str, folder: str | None = None) -> list[Entry]:
        if not is_multistatus(reply.tree):
            raise SourceError(
                self.name, f"{what}: malformed reply (no DAV:multistatus)", ref=folder
            )
        return parse_multistatus(reply.tree)

    def propfind(self, url: str, props: str, depth: str, folder: str | None = None) -> list[Entry]:
        body = propfind_body(props)
        reply = self.request("PROPFIND", url, body, depth, folder)
        what = f"PROPFIND {redact(url)}"
        if reply.status in (404, 410):
            raise SourceError(self.name, f"{what}: not found (HTTP {reply.status})", ref=folder)
        if reply.status == 403:
            raise SourceError(self.name, f"{what}: access forbidden (HTTP 403)", ref=folder)
        if reply.status != 207:
            raise SourceError(self.name, f"{what} failed: HTTP {reply.status}", ref=folder)
        entries = self.multistatus(reply, what, folder)
        me = own_entry(entries, url)
        if me is not None and me.status in (404, 410):  # Xandikos: 207 with a 404 inside
            raise SourceError(self.name, f"{what}: not found (HTTP {me.status})", ref=folder)
        return entries

    def get(self, url: str, href: str, folder: str, cap: int) -> bytes | object | None:
        """The object's bytes, TOO_BIG over `cap` (not read further), None if it is gone."""
        client = self.connected()
        headers = {"Accept": "text/calendar"}
        got = fetch(client, self.name, "GET", url, cap, headers, folder=folder)
        if got.status in (404, 410):
            return None
        if got.status == 401:
            raise self._unauthorized(folder, reading=href)
        if got.status != 200:
            raise SourceError(self.name, f"GET {href} failed: HTTP {got.status}", ref=folder)
        return TOO_BIG if got.body is None else got.body
