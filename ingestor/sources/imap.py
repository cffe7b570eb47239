"""IMAP mailboxes, read strictly read-only (EXAMINE + BODY.PEEK) and incrementally by UID.

A folder's cursor is (UIDVALIDITY, last UID, HIGHESTMODSEQ). A poll with nothing new costs one
STATUS per folder. Messages above the size cap are fetched as headers only.
"""

from __future__ import annotations

import logging
import re
import socket
import ssl
import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timezone
from typing import Any, overload

from imapclient import IMAPClient, SocketTimeout
from imapclient.exceptions import IMAPClientError, LoginError
from imapclient.imapclient import SENT

from ingestor.errors import SourceError
from ingestor.model import FolderCursor, RawItem
from ingestor.oauth.access import AccessTokens, login_hint, open_token_store
from ingestor.oauth.client import OAuthClient
from ingestor.secrets import read_password
from ingestor.sources.base import FolderChanges, ItemRef, Source, register
from ingestor.sources.imap_config import ImapSourceConfig

log = logging.getLogger(__name__)


# A refused login that is the server's trouble, not the password's (RFC 5530 response codes).
class _TemporaryLoginFailure(SourceError):
    """The server could not check the login right now (RFC 5530 UNAVAILABLE)."""


_TEMPORARY_LOGIN_FAILURE = re.compile(r"\[UNAVAILABLE\]|temporary authentication failure", re.I)

# How many UIDs one FETCH of sizes names: imapclient sends UID lists verbatim, and servers
# refuse command lines much past 64 KB.
SIZE_FETCH_CHUNK = 2000
# One FETCH of whole messages asks for at most this many bytes: while a response is parsed,
# imaplib and imapclient hold about three times its size (measured), so a 16 MB batch in one
# FETCH peaked ~35 MB higher than in 2 MB pieces. The extra round trips cost < 1 ms each.
FETCH_CHUNK_BYTES = 2 * 1024 * 1024
COMMON_SENT_NAMES = ("Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "[Gmail]/Sent Mail")

_NETWORK_ERRORS = (OSError, IMAPClientError, socket.timeout)


class UidRefs(Sequence[ItemRef]):
    """A folder's new messages as two arrays of UIDs and sizes, 16 bytes per message; each
    ItemRef (with its own cursor, ~0.5 KB) is made when it is read. A first sync lists the
    whole folder before fetching: as objects, 64,000 refs held ~35 MB for the whole sync."""

    def __init__(self, folder: str, uidvalidity: int, uids: array[int], sizes: array[int]):
        self.folder, self.uidvalidity, self.uids, self.sizes = folder, uidvalidity, uids, sizes

    def __len__(self) -> int:
        return len(self.uids)

    @overload
    def __getitem__(self, index: int) -> ItemRef: ...
    @overload
    def __getitem__(self, index: slice) -> list[ItemRef]: ...
    def __getitem__(self, index: int | slice) -> ItemRef | list[ItemRef]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        uid = self.uids[index]
        return ItemRef(
            ref=f"{self.folder}:{self.uidvalidity}:{uid}",
            uid=uid,
            size=self.sizes[index],
            cursor=FolderCursor(self.folder, self.uidvalidity, uid, None),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)


@register
class ImapSource(Source):
    type = "imap"
    config: ImapSourceConfig
    # Pauses before logging in again after a temporary failure (then the pass fails).
    login_retry_delays: tuple[float, ...] = (1.0, 3.0)

    def __init__(self, config: ImapSourceConfig) -> None:
        super().__init__(config)
        self.client: IMAPClient | None = None
        self._folders: list[str] | None = None
        self._condstore = False
        self._examined: str | None = None
        self._tokens: AccessTokens | None = None
        self._mechanism = "LOGIN"

    @property
    def where(self) -> str:
        return f"{self.config.host}:{self.config.port}"

    def _tls_context(self) -> ssl.SSLContext:
        ctx = ssl.create_default_context(cafile=self.config.ca_file)
        if not self.config.tls_verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        return ctx

    def open(self) -> None:
        if self.config.auth != "oauth2":
            password = read_password(self.name, self.config.password, self.config.timeout)
            # RFC 5530 UNAVAILABLE ("try again later"): a busy auth service often answers
            # again within seconds, so a pass tries a few times before it gives up.
            for delay in (*self.login_retry_delays, None):
                try:
                    self._open(lambda client: client.login(self.config.username, password))
                    return
                except _TemporaryLoginFailure:
                    if delay is None:
                        raise
                    log.info("%s: temporary login failure; again in %g s", self.name, delay)
                    time.sleep(delay)
            return
        tokens = self._access_tokens()
        try:
            self._open(lambda client: self._sasl_login(client, tokens.get()))
        except LoginError:
            # Refused although fresh by our clock (revoked, or the provider's clock differs):
            # refresh once and try again on a new connection.
            self.close()
            try:
                self._open(lambda client: self._sasl_login(client, tokens.refresh()))
            except LoginError:
                self.close()
                raise SourceError(
                    self.name,
                    f"{self.where} refused a freshly refreshed access token for "
                    f"{self.config.username} (AUTHENTICATE); check the scopes and that IMAP "
                    f"is enabled for the mailbox, then {login_hint(self.config)}",
                ) from None

    def _access_tokens(self) -> AccessTokens:
        if self._tokens is None:
            cfg = self.config
            assert cfg.oauth is not None
            client = OAuthClient(cfg.oauth, cfg.timeout, cfg.tls_verify, cfg.ca_file)
            self._tokens = AccessTokens(cfg, open_token_store(cfg), client)
        return self._tokens

    def _sasl_login(self, client: IMAPClient, token: str) -> None:
        """XOAUTH2 when offered (Microsoft and Google offer only that), else OAUTHBEARER."""
        user = self.config.username
        assert user is not None
        if client.has_capability("AUTH=XOAUTH2"):
            client.oauth2_login(user, token)
            self._mechanism = "XOAUTH2"
        elif client.has_capability("AUTH=OAUTHBEARER"):
            client.oauthbearer_login(user, token)
            self._mechanism = "OAUTHBEARER"
        else:
            raise SourceError(
                self.name, f"{self.where} offers neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER"
            )

    def _open(self, login: Callable[[IMAPClient], None]) -> None:
        cfg = self.config
        assert cfg.host is not None and cfg.port is not None
        timeout = SocketTimeout(connect=cfg.timeout, read=cfg.timeout)
        try:
            ctx = self._tls_context() if cfg.security != "none" else None
            client = IMAPClient(
                cfg.host, port=cfg.port, ssl=cfg.security == "tls", ssl_context=ctx, timeout=timeout
            )
            self.client = client
            client.normalise_times = False  # keep INTERNALDATE's offset
            # IMAPClient turns imaplib's protocol trace on (debug level 5) and sends it to a
            # logger: imaplib then builds the repr() of every response, whole messages
            # included, only for the logger to drop it: fetching 20,000 messages took 11.4 s
            # of CPU with it and 2.6 s without. Message text has no business in logs anyway.
            client._imap.debug = 0
            if cfg.security == "starttls":
                client.starttls(ctx)
            login(client)
            self._condstore = client.has_capability("CONDSTORE")
        except ssl.SSLCertVerificationError as e:
            self.close()
            raise SourceError(
                self.name,
                f"TLS certificate verification failed for {self.where}: {e.verify_message}",
            ) from None
        except ssl.SSLError as e:
            self.close()
            raise SourceError(
                self.name, f"TLS handshake with {self.where} failed: {e.reason}"
            ) from None
        except LoginError as e:
            self.close()
            if cfg.auth == "oauth2":
                raise
            if _TEMPORARY_LOGIN_FAILURE.search(str(e)):  # RFC 5530: try again later
                raise _TemporaryLoginFailure(
                    self.name,
                    f"{self.where} could not check the login as {cfg.username!r} right now "
                    "(temporary authentication failure); retrying later",
                ) from None
            raise SourceError(
                self.name,
                f"login as {cfg.username!r} on {self.where} was rejected: wrong username or password",
            ) from None
        except _NETWORK_ERRORS as e:
            self.close()
            raise SourceError(self.name, f"cannot connect to {self.where}: {_reason(e)}") from None

    def close(self) -> None:
        client, self.client = self.client, None
        self._examined = None
        if self._tokens is not None:
            self._tokens.store.close()
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # noqa: BLE001 - the connection may already be gone; nothing to save
            try:
                client.shutdown()
            except Exception:  # noqa: BLE001
                log.debug("closing %s: socket already closed", self.name)

    def _client(self) -> IMAPClient:
        if self.client is None:
            raise SourceError(self.name, "not connected")
        return self.client

    def folders(self) -> list[str]:
        if self._folders is None:
            self._folders = list(self.config.folders) or self._default_folders()
        return self._folders

    def _default_folders(self) -> list[str]:
        client = self._client()
        try:
            sent = client.find_special_folder(SENT)
            if sent is None:
                names = {name for _flags, _delim, name in client.list_folders()}
                sent = next((n for n in COMMON_SENT_NAMES if n in names), None)
        except _NETWORK_ERRORS as e:
            raise SourceError(
                self.name, f"listing folders on {self.where} failed: {_reason(e)}"
            ) from None
        return ["INBOX"] + ([sent] if sent and sent != "INBOX" else [])

    def _status(self, folder: str) -> dict[bytes, Any]:
        what = [b"UIDNEXT", b"UIDVALIDITY", b"MESSAGES"]
        if self._condstore:
            what.append(b"HIGHESTMODSEQ")
        try:
            return self._client().folder_status(folder, what)
        except IMAPClientError as e:
            raise SourceError(self.name, f"STATUS failed: {_reason(e)}", ref=folder) from None
        except OSError as e:
            raise SourceError(self.name, f"connection lost: {_reason(e)}", ref=folder) from None

    def _examine(self, folder: str) -> None:
        if self._examined != folder:
            self._client().select_folder(folder, readonly=True)  # EXAMINE: never changes \Seen
            self._examined = folder

    def changes(self, folder: str, cursor: FolderCursor | None) -> FolderChanges:
        st = self._status(folder)
        uidvalidity = int(st[b"UIDVALIDITY"])
        uidnext = int(st[b"UIDNEXT"])
        modseq = int(st[b"HIGHESTMODSEQ"]) if b"HIGHESTMODSEQ" in st else None
        same_validity = cursor is not None and cursor.uidvalidity == uidvalidity
        last = cursor.last_uid if cursor is not None and same_validity else 0
        if cursor is not None and not same_validity:
            log.warning(
                "%s: UIDVALIDITY of %s changed from %s to %s; re-matching by Message-ID",
                self.name,
                folder,
                cursor.uidvalidity,
                uidvalidity,
            )
        # Every UID below UIDNEXT existed when STATUS answered, so after this pass the folder
        # is read up to UIDNEXT-1 even if some of those messages were expunged meanwhile.
        done = FolderCursor(folder, uidvalidity, max(last, uidnext - 1), modseq)
        if uidnext <= last + 1 or int(st[b"MESSAGES"]) == 0:
            return FolderChanges(folder, [], done)
        try:
            self._examine(folder)
            client = self._client()
            # "n:*" also matches the highest UID when nothing is newer, hence the filter.
            uids = [u for u in client.search(["UID", f"{last + 1}:*"]) if u > last]
            sizes: dict[int, int] = {}
            for start in range(0, len(uids), SIZE_FETCH_CHUNK):
                part = client.fetch(uids[start : start + SIZE_FETCH_CHUNK], ["RFC822.SIZE"])
                sizes.update((uid, int(d.get(b"RFC822.SIZE", 0))) for uid, d in part.items())
        except _NETWORK_ERRORS as e:
            raise SourceError(
                self.name, f"listing new messages failed: {_reason(e)}", ref=folder
            ) from None
        ordered = sorted(sizes)
        refs = UidRefs(
            folder, uidvalidity, array("q", ordered), array("q", (sizes[u] for u in ordered))
        )
        if ordered and ordered[-1] > done.last_uid:
            done = FolderCursor(folder, uidvalidity, ordered[-1], modseq)
        return FolderChanges(folder, refs, done)

    def fetch(self, folder: str, refs: list[ItemRef]) -> Iterator[RawItem]:
        cap = self.config.max_message_size
        whole = [r.uid for r in refs if r.uid is not None and (r.size or 0) <= cap]
        headers_only = [r.uid for r in refs if r.uid is not None and (r.size or 0) > cap]
        fetched: dict[int, dict[bytes, Any]] = {}
        try:
            self._examine(folder)
            client = self._client()
            for part in _by_size(refs, whole, FETCH_CHUNK_BYTES):
                fetched.update(client.fetch(part, ["BODY.PEEK[]", "INTERNALDATE"]))
            if headers_only:
                fetched.update(client.fetch(headers_only, ["BODY.PEEK[HEADER]", "INTERNALDATE"]))
        except _NETWORK_ERRORS as e:
            raise SourceError(self.name, f"fetch failed: {_reason(e)}", ref=folder) from None
        for r in refs:
            got = fetched.get(r.uid or -1)
            if got is None:
                continue  # expunged between listing and fetching
            truncated = b"BODY[]" not in got
            data = got.get(b"BODY[]") or got.get(b"BODY[HEADER]") or b""
            idate = got.get(b"INTERNALDATE")
            yield RawItem(
                ref=r.ref,
                folder=folder,
                data=bytes(data),
                uidvalidity=r.cursor.uidvalidity,
                uid=r.uid,
                internal_date=_standard_tz(idate),
                size=r.size,
                truncated=truncated,
            )

    def describe(self) -> list[str]:
        client = self._client()
        lines = [f"connected to {self.where} as {self.config.username} ({self._mechanism})"]
        caps = sorted(c.decode() for c in client.capabilities())
        lines.append(f"capabilities: {' '.join(caps)}")
        try:
            all_folders = [name for _f, _d, name in client.list_folders()]
        except _NETWORK_ERRORS as e:
            raise SourceError(self.name, f"LIST failed: {_reason(e)}") from None
        lines.append(f"server folders: {', '.join(all_folders)}")
        for folder in self.folders():
            if folder not in all_folders:
                raise SourceError(
                    self.name, f"configured folder {folder!r} does not exist on the server"
                )
            st = self._status(folder)
            lines.append(
                f"will read {folder}: {st[b'MESSAGES']} messages, UIDVALIDITY {st[b'UIDVALIDITY']}"
            )
        return lines


def _by_size(refs: list[ItemRef], uids: list[int], limit: int) -> Iterator[list[int]]:
    """`uids` in order, in runs of at most `limit` bytes (a bigger message goes alone)."""
    sizes = {r.uid: r.size or 0 for r in refs}
    part: list[int] = []
    total = 0
    for uid in uids:
        if part and total + sizes.get(uid, 0) > limit:
            yield part
            part, total = [], 0
        part.append(uid)
        total += sizes.get(uid, 0)
    if part:
        yield part


def _standard_tz(value: object) -> datetime | None:
    """INTERNALDATE with a stdlib timezone of the same offset: imapclient's FixedOffset does
    not survive pickling, and items travel to parser processes."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return None
    offset = value.utcoffset()
    return value if offset is None else value.replace(tzinfo=timezone(offset))


def _reason(e: BaseException) -> str:
    if isinstance(e, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    text = str(e) or type(e).__name__
    return text.splitlines()[0][:300]
