"""Access tokens for one OAuth2 source: kept in memory, refreshed from the stored refresh token.

A token is refreshed before it expires (margin: the smaller of 60 s and half its lifetime) and
on demand after the server refused it. The refresh reads the stored token under a row lock and
writes a rotated one back in the same transaction, so a refresh never presents a token that
was already rotated out, and two instances never refresh with the same token.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from ingestor.errors import SourceError
from ingestor.oauth.client import OAuthClient, OAuthError
from ingestor.oauth.keys import TokenKeyError, load_key
from ingestor.sources.loginconfig import LoginSourceConfig
from ingestor.store.tokens import TokenStore

log = logging.getLogger(__name__)

MAX_MARGIN_S = 60.0
# This process's access tokens by (source, store, client): in memory only, never stored. One
# source syncs in one thread at a time, so its entry is never written by two threads at once.
_IN_MEMORY: dict[tuple[str, str, str], tuple[str, float]] = {}
REVOKED = ("invalid_grant",)
CLIENT_REFUSED = ("invalid_client", "unauthorized_client")


def refresh_margin(lifetime: float) -> float:
    return min(MAX_MARGIN_S, lifetime / 2)


def login_hint(cfg: LoginSourceConfig) -> str:
    return f'run "ingestor auth login {cfg.name}"'


def explain(cfg: LoginSourceConfig, e: OAuthError) -> str:
    """The one line an admin needs for a refused refresh."""
    assert cfg.oauth is not None
    label = "" if cfg.oauth.label == "OAuth" else f"{cfg.oauth.label} "
    if e.error in REVOKED:
        return (
            f"the {label}sign-in for {cfg.username} was revoked or has expired; {login_hint(cfg)}"
        )
    if e.error in CLIENT_REFUSED:
        return (
            f"the {label}identity provider refused the client {cfg.oauth.client_id} "
            f"({e.description}); check oauth_client_id and oauth_client_secret_env"
        )
    if e.error == "invalid_scope":
        return f"the scopes {' '.join(cfg.oauth.scopes)} were refused ({e.description})"
    return f"token refresh failed: {e}"


def key_problem(cfg: LoginSourceConfig, e: TokenKeyError) -> str:
    text = str(e)
    if "does not decrypt" in text:
        return text
    return (
        f"cannot read the token key: {text}; restore it, or make a new one with "
        f"`ingestor auth keygen PATH` and {login_hint(cfg)}"
    )


def open_token_store(cfg: LoginSourceConfig) -> TokenStore:
    """The encrypted token store a source's config points at; SourceError if the key is bad."""
    from ingestor.store.database import open_store

    assert cfg.oauth is not None
    try:
        key = load_key(cfg.oauth.key)
    except TokenKeyError as e:
        raise SourceError(cfg.name, key_problem(cfg, e)) from None
    # The pipeline has migrated the store already; migrating again from every source's thread
    # would race on PostgreSQL.
    return TokenStore(open_store(cfg.oauth.store_url, migrate=False), key)


class AccessTokens:
    """The current access token of one source, refreshed as needed."""

    def __init__(
        self,
        cfg: LoginSourceConfig,
        store: TokenStore,
        client: OAuthClient,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        assert cfg.oauth is not None
        self.cfg = cfg
        self.store = store
        self.client = client
        self.clock = clock
        # The daemon makes a new source object for every poll: the token outlives it here.
        bind = store.sessions.kw.get("bind")
        where = bind.url.render_as_string(hide_password=True) if bind is not None else ""
        self._key = (cfg.name, where, cfg.oauth.client_id)
        self._token: str | None = None
        self._refresh_at = 0.0
        if self._key in _IN_MEMORY:
            self._token, self._refresh_at = _IN_MEMORY[self._key]

    def get(self) -> str:
        """A token that is valid for at least the margin, refreshing first if needed."""
        if self._token is not None and self.clock() < self._refresh_at:
            return self._token
        return self.refresh()

    def refresh(self) -> str:
        """Refresh now (also after the server refused the current token)."""
        name = self.cfg.name
        self._token = None
        _IN_MEMORY.pop(self._key, None)
        try:
            with self.store.locked(name) as (stored, update):
                if stored is None:
                    raise SourceError(name, f"not signed in with OAuth2; {login_hint(self.cfg)}")
                try:
                    tokens = self.client.refresh(stored.refresh_token)
                except OAuthError as e:
                    raise SourceError(name, explain(self.cfg, e)) from None
                expires = datetime.now(UTC) + timedelta(seconds=tokens.expires_in)
                update.refreshed(expires, tokens.refresh_token, tokens.scopes)
        except TokenKeyError as e:
            raise SourceError(name, key_problem(self.cfg, e)) from None
        log.info(
            "%s: access token refreshed (valid %d s%s)",
            name,
            tokens.expires_in,
            ", refresh token rotated" if tokens.refresh_token else "",
        )
        self._token = tokens.access_token
        self._refresh_at = self.clock() + tokens.expires_in - refresh_margin(tokens.expires_in)
        _IN_MEMORY[self._key] = (self._token, self._refresh_at)
        return self._token
