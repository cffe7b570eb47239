"""The CalDAV source's HTTP session: authentication, one DAV request, and a streamed GET.

python-caldav's DAVClient carries the HTTP (session, auth negotiation, TLS, timeouts); this
module turns its failures into SourceError with a reason a user can act on, and never lets a
password reach a message: URLs are shown without their user:password@ part.

With `auth = "oauth2"` every request carries `Authorization: Bearer <access token>` (Google
Calendar's CalDAV endpoint); a 401 refreshes the token once and repeats the request once. The
token is never logged.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit, urlunsplit

from caldav.davclient import DAVClient
from caldav.lib import error as caldav_error
from caldav.lib.http_sync import HTTPBasicAuth
from caldav.lib.http_sync import requests as http
from lxml import etree

from ingestor.errors import SourceError
from ingestor.oauth.access import AccessTokens, login_hint, open_token_store
from ingestor.oauth.client import OAuthClient
from ingestor.secrets import read_password
from ingestor.sources.caldav_config import CalDavSourceConfig
from ingestor.sources.davxml import (
    Entry,
    Reply,
    is_multistatus,
    own_entry,
    parse_multistatus,
    propfind_body,
)

log = logging.getLogger(__name__)

TOO_BIG = object()  # marks an object over the size cap
_UNAUTHORIZED = object()  # a GET refused the access token


class BearerAuth(http.auth.AuthBase):
    """Sets `Authorization: Bearer` from the source's current access token on each request."""

    def __init__(self, tokens: AccessTokens) -> None:
        self.tokens = tokens

    def __call__(self, r: http.PreparedRequest) -> http.PreparedRequest:
        assert r.headers is not None  # a prepared request has its headers
        r.headers["Authorization"] = f"Bearer {self.tokens.get()}"
        return r

    def __repr__(self) -> str:  # never the token
        return "BearerAuth()"


class DavSession:
    """One source's authenticated connection to a DAV server; open() before any request."""

    def __init__(self, name: str, config: CalDavSourceConfig) -> None:
        self.name = name  # the source's, for errors
        self.config = config
        self.client: DAVClient | None = None
        self._preemptive = False
        self.tokens: AccessTokens | None = None

    @property
    def where(self) -> str:
        return redact(self.config.url or "?")

    def open(self) -> None:
        cfg = self.config
        if not cfg.url:
            raise SourceError(self.name, "no url configured")
        if cfg.auth == "oauth2":
            self._open_oauth2()
            return
        password = read_password(self.name, cfg.password, cfg.timeout)
        try:
            client = DAVClient(
                url=redact(cfg.url),
                username=cfg.username,
                password=password,
                timeout=cfg.timeout,  # type: ignore[arg-type]  # float seconds work too
                ssl_verify_cert=cfg.tls_verify,
                enable_rfc6764=False,
            )
        except Exception as e:  # noqa: BLE001 - a URL python-caldav cannot even parse
            raise SourceError(self.name, f"invalid url {self.where}: {type(e).__name__}") from None
        # Basic credentials go with the first request: negotiating costs a 401 round trip on
        # every poll. A server that wants Digest gets one more try with negotiation (request).
        client.auth = HTTPBasicAuth(cfg.username or "", password)
        self._preemptive = True
        self.client = client

    def _open_oauth2(self) -> None:
        cfg = self.config
        assert cfg.oauth is not None
        if self.tokens is None:
            client = OAuthClient(cfg.oauth, cfg.timeout, cfg.tls_verify, cfg.ca_file)
            self.tokens = AccessTokens(cfg, open_token_store(cfg), client)
        self.tokens.get()  # a refused refresh fails here, before any DAV request
        try:
            dav = DAVClient(
                url=redact(cfg.url or ""),
                timeout=cfg.timeout,  # type: ignore[arg-type]  # float seconds work too
                ssl_verify_cert=cfg.tls_verify,
                enable_rfc6764=False,
            )
        except Exception as e:  # noqa: BLE001 - a URL python-caldav cannot even parse
            raise SourceError(self.name, f"invalid url {self.where}: {type(e).__name__}") from None
        dav.auth = BearerAuth(self.tokens)
        self._preemptive = False
        self.client = dav

    def _refresh_after_401(self, folder: str | None, retried: bool) -> None:
        """The server refused the access token: refresh it once, or say what to do."""
        if self.tokens is None:
            return
        if retried:
            raise SourceError(
                self.name,
                f"{self.where} refused a freshly refreshed access token for "
                f"{self.config.username}; check the scopes and that CalDAV access is enabled "
                f"for the account, then {login_hint(self.config)}",
                ref=folder,
            )
        log.info("%s: %s refused the access token; refreshing it", self.name, self.where)
        self.tokens.refresh()

    def close(self) -> None:
        if self.tokens is not None:
            tokens, self.tokens = self.tokens, None
            tokens.store.close()
        client, self.client = self.client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # noqa: BLE001 - nothing to save on a dead connection
                log.debug("closing %s: session already closed", self.name)

    def connected(self) -> DAVClient:
        if self.client is None:
            raise SourceError(self.name, "not connected")
        return self.client

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

        `lenient`: an unparsable XML body gives status 0 instead of an error, for requests
        that have a fallback (sync-collection, calendar-multiget).
        """
        client = self.connected()
        headers = {"Content-Type": "application/xml; charset=utf-8"}
        if depth is not None:
            headers["Depth"] = depth
        shown = redact(url)
        retried = False
        while True:
            try:
                r = client.request(url, method, body, headers)
            except caldav_error.AuthorizationError as e:
                if e.status == 403:
                    return Reply(403, None, tuple(e.preconditions))
                if self.tokens is not None:
                    self._refresh_after_401(folder, retried)
                    retried = True
                    continue
                if self._preemptive:
                    # Perhaps not Basic: let python-caldav negotiate from the challenge.
                    self._preemptive = False
                    client.auth = None
                    client.auth_type = None
                    continue
                raise SourceError(
                    self.name,
                    f"login as {self.config.username!r} on {self.where} was rejected: wrong username or password",
                    ref=folder,
                ) from None
            except caldav_error.RateLimitError:
                raise SourceError(
                    self.name, f"{shown} is rate-limiting requests (HTTP 429/503)", ref=folder
                ) from None
            except http.exceptions.RequestException as e:
                raise self.network_error(e, shown, folder) from None
            except etree.LxmlError:
                if lenient:
                    return Reply(0, None)
                raise SourceError(
                    self.name, f"{method} {shown}: the server sent malformed XML", ref=folder
                ) from None
            except NotImplementedError as e:  # no supported auth scheme offered
                raise SourceError(self.name, f"{shown}: {e}", ref=folder) from None
            self._preemptive = False
            preconditions: tuple[str, ...] = ()
            if r.status >= 400:
                preconditions = tuple(caldav_error.parse_preconditions(r._raw))
            return Reply(r.status, r.tree, preconditions)

    def network_error(self, e: BaseException, shown: str, folder: str | None) -> SourceError:
        if isinstance(e, http.exceptions.SSLError):
            return SourceError(
                self.name, f"TLS failure talking to {shown}: {error_reason(e)}", ref=folder
            )
        if isinstance(e, http.exceptions.Timeout):
            return SourceError(
                self.name, f"{shown} did not answer within {self.config.timeout:g} s", ref=folder
            )
        return SourceError(self.name, f"cannot connect to {shown}: {error_reason(e)}", ref=folder)

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
        retried = False
        while True:
            got = self._get_once(client, url, href, folder, cap)
            if got is not _UNAUTHORIZED:
                return got
            self._refresh_after_401(folder, retried)
            retried = True

    def _get_once(
        self, client: DAVClient, url: str, href: str, folder: str, cap: int
    ) -> bytes | object | None:
        try:
            r = client.session.request(
                "GET",
                url,
                headers={"Accept": "text/calendar", "User-Agent": "ingestor"},
                auth=client.auth,
                timeout=self.config.timeout,
                verify=client.ssl_verify_cert,
                stream=True,
            )
            try:
                if r.status_code in (404, 410):
                    return None
                if r.status_code == 401 and self.tokens is not None:
                    return _UNAUTHORIZED
                if r.status_code == 401:
                    raise SourceError(
                        self.name,
                        f"login on {self.where} was rejected while reading {href}",
                        ref=folder,
                    )
                if r.status_code != 200:
                    raise SourceError(
                        self.name, f"GET {href} failed: HTTP {r.status_code}", ref=folder
                    )
                data = bytearray()
                for chunk in r.iter_content(64 * 1024):
                    data += chunk
                    if len(data) > cap:
                        return TOO_BIG
                return bytes(data)
            finally:
                r.close()
        except http.exceptions.RequestException as e:
            raise self.network_error(e, redact(url), folder) from None


def redact(url: str) -> str:
    """The URL without user:password@, so no message or request line carries a secret."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))


def error_reason(e: BaseException) -> str:
    """The innermost cause of a requests/niquests error: 'Connection refused', not a pool dump."""
    seen: set[int] = set()
    best: BaseException = e
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        best = cur
        cur = cur.__cause__ or cur.__context__
    verify = getattr(best, "verify_message", None)
    if verify:
        return f"certificate verification failed: {verify}"
    strerror = getattr(best, "strerror", None)
    if strerror:
        return str(strerror)
    text = str(best) or type(best).__name__
    return text.split(" (Caused by", 1)[0][:200]
