"""The encrypted store of OAuth2 refresh tokens (table oauth_token).

Each refresh token is sealed with AES-GCM under the key from [secrets], with the source's name
as associated data, so a row copied to another source does not decrypt. Nothing here logs,
and no error carries a token.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from ingestor.oauth.keys import TokenKeyError
from ingestor.store.schema import OAuthToken

VERSION = b"\x01"
NONCE_BYTES = 12


@dataclass(frozen=True)
class StoredToken:
    source: str
    client_id: str
    refresh_token: str
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class TokenInfo:
    """What `ingestor auth status` shows: everything but the token."""

    source: str
    client_id: str
    scopes: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    refreshed_at: datetime | None
    access_expires_at: datetime | None


def seal(key: bytes, source: str, token: str) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return VERSION + nonce + AESGCM(key).encrypt(nonce, token.encode(), _aad(source))


def unseal(key: bytes, source: str, blob: bytes) -> str:
    if blob[:1] != VERSION:
        raise TokenKeyError(f"the stored token of {source} is in an unknown format")
    nonce, sealed = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :]
    try:
        return AESGCM(key).decrypt(nonce, sealed, _aad(source)).decode()
    except InvalidTag:
        raise TokenKeyError(
            f"the stored OAuth2 token of {source} does not decrypt with this key (the key was "
            f'changed or lost); run "ingestor auth login {source}"'
        ) from None


def _aad(source: str) -> bytes:
    return b"ingestor-oauth-token:" + source.encode()


class TokenStore:
    """Refresh tokens by source name, sealed with `key`."""

    def __init__(self, sessions: sessionmaker[Session], key: bytes) -> None:
        self.sessions = sessions
        self.key = key

    def save(
        self,
        source: str,
        client_id: str,
        refresh_token: str,
        scopes: tuple[str, ...],
        access_expires_at: datetime | None = None,
    ) -> None:
        """Store a new sign-in (replacing any earlier one of the source)."""
        now = datetime.now(UTC)
        with self.sessions.begin() as s:
            row = s.get(OAuthToken, source) or OAuthToken(source=source, created_at=now)
            row.client_id = client_id
            row.refresh_token_enc = seal(self.key, source, refresh_token)
            row.scopes = " ".join(scopes)
            row.created_at = now
            row.updated_at = now
            row.refreshed_at = now if access_expires_at is not None else None
            row.access_expires_at = access_expires_at
            s.add(row)

    def load(self, source: str) -> StoredToken | None:
        with self.sessions() as s:
            row = s.get(OAuthToken, source)
            return None if row is None else self._stored(row)

    @contextmanager
    def locked(self, source: str) -> Iterator[tuple[StoredToken | None, TokenUpdate]]:
        """The token under a row lock (SELECT … FOR UPDATE on PostgreSQL; SQLite serialises
        writers) for one transaction: a refresh and the rotated token it returns are written
        together, and a second instance waits, then reads the rotated token."""
        with self.sessions.begin() as s:
            if s.get_bind().dialect.name == "sqlite":
                # SQLite ignores FOR UPDATE: a no-op write takes the database's write lock now.
                s.execute(
                    update(OAuthToken)
                    .where(OAuthToken.source == source)
                    .values(updated_at=OAuthToken.updated_at)
                )
            row = s.scalars(
                select(OAuthToken).where(OAuthToken.source == source).with_for_update()
            ).one_or_none()
            yield (None if row is None else self._stored(row)), TokenUpdate(self.key, row)

    def delete(self, source: str) -> None:
        with self.sessions.begin() as s:
            row = s.get(OAuthToken, source)
            if row is not None:
                s.delete(row)

    def close(self) -> None:
        """Close the pooled connections (the store stays usable; it reconnects)."""
        bind = self.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()

    def infos(self) -> dict[str, TokenInfo]:
        with self.sessions() as s:
            return {
                r.source: TokenInfo(
                    r.source,
                    r.client_id,
                    tuple(r.scopes.split()),
                    r.created_at,
                    r.updated_at,
                    r.refreshed_at,
                    r.access_expires_at,
                )
                for r in s.scalars(select(OAuthToken))
            }

    def _stored(self, row: OAuthToken) -> StoredToken:
        token = unseal(self.key, row.source, row.refresh_token_enc)
        return StoredToken(row.source, row.client_id, token, tuple(row.scopes.split()))


class TokenUpdate:
    """Writes the outcome of a refresh into the locked row (in the same transaction)."""

    def __init__(self, key: bytes, row: OAuthToken | None) -> None:
        self.key = key
        self.row = row

    def refreshed(
        self, access_expires_at: datetime, refresh_token: str | None, scopes: tuple[str, ...]
    ) -> None:
        if self.row is None:
            return
        now = datetime.now(UTC)
        self.row.refreshed_at = now
        self.row.access_expires_at = access_expires_at
        if scopes:
            self.row.scopes = " ".join(scopes)
        if refresh_token is not None:
            self.row.refresh_token_enc = seal(self.key, self.row.source, refresh_token)
            self.row.updated_at = now
