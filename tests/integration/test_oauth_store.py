"""Two instances refreshing one source's token at once never present the same refresh token
(a row lock on PostgreSQL, the write lock on SQLite), on both store backends."""

from __future__ import annotations

import threading
import time

import pytest

from ingestor.config import ImapSourceConfig, OAuthConfig
from ingestor.oauth.access import AccessTokens
from ingestor.oauth.client import OAuthError, TokenResponse
from ingestor.store.database import open_store
from ingestor.store.tokens import TokenStore

pytestmark = pytest.mark.integration

KEY = bytes(range(32))


class RotatingEndpoint:
    """Microsoft-like: each refresh token works once; a reused one is invalid_grant."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current = "rt-0"
        self.presented: list[str] = []

    def refresh(self, refresh_token: str) -> TokenResponse:
        with self.lock:
            self.presented.append(refresh_token)
            if refresh_token != self.current:
                raise OAuthError("invalid_grant", "refresh token was already rotated out")
            n = len(self.presented)
            self.current = f"rt-{n}"
        time.sleep(0.02)  # the HTTP round trip: widens the window a race would need
        return TokenResponse(f"at-{n}", 3600, f"rt-{n}", ("imap",))


def test_concurrent_refreshes_never_reuse_a_token(store_url: str) -> None:
    oauth = OAuthConfig(client_id="c", token_url="https://idp/token", scopes=("imap",))
    cfg = ImapSourceConfig(
        name="anna", type="imap", host="h", username="u", auth="oauth2", oauth=oauth
    )
    endpoint = RotatingEndpoint()
    TokenStore(open_store(store_url), KEY).save("anna", "c", "rt-0", ("imap",))
    errors: list[BaseException] = []

    stores = [TokenStore(open_store(store_url), KEY) for _ in range(2)]  # two instances

    def instance(store: TokenStore) -> None:
        tokens = AccessTokens(cfg, store, endpoint)  # type: ignore[arg-type]
        try:
            for _ in range(5):
                tokens.refresh()
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=instance, args=(store,)) for store in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(endpoint.presented) == 10 == len(set(endpoint.presented))
    stored = TokenStore(open_store(store_url), KEY).load("anna")
    assert stored is not None and stored.refresh_token == endpoint.current
