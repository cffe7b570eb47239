"""The one HTTP client of the calendar sources (httpx): TLS, timeouts, auth, size caps, errors.

CalDAV (davhttp) and ICS feeds (ics) both open their connection here, so the source settings
mean the same for both:

- `tls_verify = false` accepts any certificate; `ca_file` names the CA (or the self-signed
  certificate) to trust instead of the system's.
- `timeout` bounds connecting, and each wait for bytes, of every request.
- Bodies are streamed and reading stops once they pass the caller's cap: an oversized object
  or feed is never held in memory.
- Redirects are followed (httpx drops the Authorization header when one leaves the host).
- Passwords go as Basic on the first request (negotiating would cost a 401 round trip on every
  poll); a server whose 401 offers Digest gets Digest from then on. OAuth2 sources send
  `Authorization: Bearer`; a 401 refreshes the token once and repeats the request once.

Failures become one-line SourceErrors naming the source and the URL without its
user:password@ part, so no message carries a password.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import ssl
from collections.abc import Generator, Mapping
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from ingestor.configsource import NetworkSourceConfig
from ingestor.errors import SourceError

log = logging.getLogger(__name__)
traffic = logging.getLogger(__name__ + ".traffic")  # one line per request, off by default

USER_AGENT = "ingestor"
CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 10
# 503 is "unavailable"; with a Retry-After it is the server asking for a pause, like 429.
RATE_LIMITED = 429


class TokenSource(Protocol):
    """Where a bearer token comes from (ingestor.oauth.access.AccessTokens)."""

    def get(self) -> str: ...
    def refresh(self) -> str: ...


class BearerAuth(httpx.Auth):
    """`Authorization: Bearer` from the current access token; on a 401 one refresh, one retry.

    A second 401 is handed back to the caller, which knows what to tell the user.
    """

    def __init__(self, tokens: TokenSource, on_refused: str = "") -> None:
        self.tokens = tokens
        self.on_refused = on_refused  # logged when a token is refused; never the token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.tokens.get()}"
        response = yield request
        if response.status_code != 401:
            return
        if self.on_refused:
            log.info("%s", self.on_refused)
        request.headers["Authorization"] = f"Bearer {self.tokens.refresh()}"
        yield request

    def __repr__(self) -> str:  # never the token
        return "BearerAuth()"


class PasswordAuth(httpx.Auth):
    """Basic up front; Digest from the first 401 that offers it, for the rest of the session.

    `offered` keeps the schemes of the last refusing challenge, so that a server asking for
    something else (Negotiate, NTLM) is named in the error instead of a "wrong password".
    """

    def __init__(self, username: str, password: str) -> None:
        self._basic = httpx.BasicAuth(username, password)
        self._username = username
        self._password = password
        self.digest: httpx.DigestAuth | None = None
        self.offered: tuple[str, ...] = ()

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self.digest is not None:
            flow = self.digest.auth_flow(request)
            response = yield next(flow)
        else:
            response = yield next(self._basic.auth_flow(request))
            if response.status_code != 401:
                return
            self._note_refusal(response)
            if "digest" not in self.offered:
                return
            self.digest = httpx.DigestAuth(self._username, self._password)
            del request.headers["Authorization"]
            flow = self.digest.auth_flow(request)
            next(flow)  # its unauthenticated first try: the 401 we hold answers it
        while True:
            try:
                retry = flow.send(response)
            except StopIteration:
                break
            response = yield retry
        self._note_refusal(response)

    def _note_refusal(self, response: httpx.Response) -> None:
        if response.status_code == 401:
            self.offered = challenge_schemes(response.headers)

    def __repr__(self) -> str:  # never the password
        return f"PasswordAuth({self._username!r})"


_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def challenge_schemes(headers: httpx.Headers) -> tuple[str, ...]:
    """The auth schemes a 401 offers, lower-cased: ('basic',), ('digest', 'basic'), ()."""
    schemes = []
    for value in headers.get_list("WWW-Authenticate"):
        # 'Digest realm="a, b", qop="auth", Basic realm=x' may share one header line; commas
        # inside quoted values separate nothing.
        for part in _QUOTED.sub('""', value).split(","):
            words = part.strip().split(None, 1)
            if words and "=" not in words[0]:
                schemes.append(words[0].lower())
    return tuple(dict.fromkeys(schemes))


@dataclass(frozen=True)
class Fetched:
    """One reply: its status, headers, and body (None: larger than the cap, not read further)."""

    status: int
    reason: str
    headers: httpx.Headers
    body: bytes | None


# Loading a CA bundle costs about 50 ms, more than a no-change poll: contexts are shared by
# every source that trusts the same file (keyed by its mtime, so a replaced file is re-read).
# An SSLContext may serve many connections and threads at once.
_CONTEXTS: dict[tuple[str | None, int], ssl.SSLContext] = {}


def tls_verify(name: str, config: NetworkSourceConfig) -> ssl.SSLContext:
    """What certificates are checked against: the system's CAs, `ca_file`, or nothing."""
    if not config.tls_verify:
        return _unverified()
    try:
        stamp = os.stat(config.ca_file).st_mtime_ns if config.ca_file else 0
        key = (config.ca_file, stamp)
        if key not in _CONTEXTS:
            _CONTEXTS[key] = ssl.create_default_context(cafile=config.ca_file)
        return _CONTEXTS[key]
    except (OSError, ssl.SSLError) as e:
        reason = getattr(e, "strerror", None) or getattr(e, "reason", None) or e
        raise SourceError(name, f"cannot read ca_file {config.ca_file}: {reason}") from None


@functools.cache
def _unverified() -> ssl.SSLContext:
    """TLS that checks no certificate (tls_verify = false): encrypted, not authenticated."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def open_client(
    name: str, config: NetworkSourceConfig, auth: httpx.Auth | None = None
) -> httpx.Client:
    """A client for one source; close it when the source closes (it pools connections)."""
    return httpx.Client(
        auth=auth,
        verify=tls_verify(name, config),
        timeout=httpx.Timeout(config.timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


def fetch(
    client: httpx.Client,
    name: str,
    method: str,
    url: str,
    cap: int,
    headers: Mapping[str, str] | None = None,
    content: bytes | None = None,
    folder: str | None = None,
) -> Fetched:
    """Send one request and read its reply under `cap` bytes.

    Network, TLS and timeout failures, and rate limiting, raise SourceError; every other
    status is the caller's to judge.
    """
    shown = redact(url)
    try:
        with client.stream(method, url, headers=headers, content=content) as r:
            traffic.debug("%s %s -> %s", method, redact(str(r.url)), r.status_code)
            if r.status_code == RATE_LIMITED or (
                r.status_code == 503 and "Retry-After" in r.headers
            ):
                after = r.headers.get("Retry-After")
                raise SourceError(
                    name,
                    f"{shown} is rate-limiting requests (HTTP {r.status_code}"
                    + (f", retry after {after[:40]}" if after else "")
                    + "); trying again at the next poll",
                    ref=folder,
                )
            body = read_capped(r, cap)
            return Fetched(r.status_code, r.reason_phrase, r.headers, body)
    except (httpx.HTTPError, httpx.InvalidURL) as e:
        raise network_error(name, e, shown, client.timeout.read, folder) from None


def read_capped(response: httpx.Response, cap: int) -> bytes | None:
    """The (decoded) body, or None as soon as it is known to pass `cap`: reading stops there."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap and "Content-Encoding" not in response.headers:
        return None
    data = bytearray()
    for chunk in response.iter_bytes(CHUNK_BYTES):
        data += chunk
        if len(data) > cap:
            return None
    return bytes(data)


def network_error(
    name: str, e: BaseException, shown: str, timeout: float | None, folder: str | None = None
) -> SourceError:
    """The one line for a request that got no HTTP reply."""
    if isinstance(e, httpx.TimeoutException):
        return SourceError(name, f"{shown} did not answer within {timeout or 0:g} s", ref=folder)
    if isinstance(e, httpx.TooManyRedirects):
        return SourceError(name, f"{shown}: more than {MAX_REDIRECTS} redirects", ref=folder)
    if _tls_cause(e) is not None:
        return SourceError(name, f"TLS failure talking to {shown}: {error_reason(e)}", ref=folder)
    if isinstance(e, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return SourceError(name, f"invalid url {shown}: {e}", ref=folder)
    return SourceError(name, f"cannot connect to {shown}: {error_reason(e)}", ref=folder)


def _tls_cause(e: BaseException) -> ssl.SSLError | None:
    for cur in _chain(e):
        if isinstance(cur, ssl.SSLError):
            return cur
    return None


def _chain(e: BaseException) -> list[BaseException]:
    seen: set[int] = set()
    out: list[BaseException] = []
    cur: BaseException | None = e
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        out.append(cur)
        cur = cur.__cause__ or cur.__context__
    return out


def error_reason(e: BaseException) -> str:
    """The innermost cause: 'Connection refused', 'certificate verification failed: …'."""
    best = _chain(e)[-1]
    verify = getattr(best, "verify_message", None)
    if verify:
        return f"certificate verification failed: {verify}"
    strerror = getattr(best, "strerror", None)
    if strerror:
        return str(strerror)
    text = " ".join(str(best).split()) or type(best).__name__
    return text[:200]


def url_login(url: str) -> PasswordAuth | None:
    """Basic/Digest auth from a URL's user:password@ part (percent-decoded), None without one.

    Send the request to redact(url): the password then travels only in the auth header.
    """
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return None
    return PasswordAuth(unquote(parts.username or ""), unquote(parts.password or ""))


def redact(url: str) -> str:
    """The URL without user:password@, so no message or request line carries a secret."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
