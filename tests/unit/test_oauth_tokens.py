"""The token key, the encrypted store and the refresh rules, with a fake token endpoint."""

from __future__ import annotations

import base64
import os
from pathlib import Path

import pytest

from ingestor.config import ImapSourceConfig, KeySpec, OAuthConfig
from ingestor.errors import SourceError
from ingestor.oauth.access import AccessTokens, refresh_margin
from ingestor.oauth.client import OAuthError, TokenResponse
from ingestor.oauth.keys import TokenKeyError, generate_key_file, load_key
from ingestor.store.database import open_store
from ingestor.store.schema import OAuthToken
from ingestor.store.tokens import TokenStore, seal, unseal

KEY = bytes(range(32))


def test_keygen_writes_a_0600_base64_line_and_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "k"
    generate_key_file(path)
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text()
    assert text.endswith("\n") and text.count("\n") == 1
    assert len(base64.b64decode(text)) == 32
    assert load_key(KeySpec(file=str(path))) == base64.b64decode(text)
    with pytest.raises(TokenKeyError, match="exists"):
        generate_key_file(path)


def test_bad_keys_say_what_is_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "k"
    path.write_text(base64.b64encode(b"short").decode())
    path.chmod(0o600)
    with pytest.raises(TokenKeyError, match="must be 32 bytes, got 5"):
        load_key(KeySpec(file=str(path)))
    path.chmod(0o644)
    with pytest.raises(TokenKeyError, match="readable by others"):
        load_key(KeySpec(file=str(path)))
    with pytest.raises(TokenKeyError, match="cannot read"):
        load_key(KeySpec(file=str(tmp_path / "missing")))
    monkeypatch.setenv("INGESTOR_TEST_KEY", "not base64!")
    with pytest.raises(TokenKeyError, match="secrets.key_env INGESTOR_TEST_KEY: not one line"):
        load_key(KeySpec(env="INGESTOR_TEST_KEY"))
    monkeypatch.setenv("INGESTOR_TEST_KEY", base64.b64encode(KEY).decode())
    assert load_key(KeySpec(env="INGESTOR_TEST_KEY")) == KEY
    monkeypatch.setenv("CREDENTIALS_DIRECTORY", str(tmp_path))
    (tmp_path / "cred").write_text(base64.b64encode(KEY).decode() + "\n")
    assert load_key(KeySpec(credential="cred")) == KEY


def test_sealed_tokens_are_bound_to_key_and_source() -> None:
    blob = seal(KEY, "anna", "rt-secret")
    assert b"rt-secret" not in blob
    assert unseal(KEY, "anna", blob) == "rt-secret"
    assert seal(KEY, "anna", "rt-secret") != blob  # a fresh nonce every time
    with pytest.raises(TokenKeyError, match='of ben does not decrypt.*"ingestor auth login ben"'):
        unseal(KEY, "ben", blob)
    with pytest.raises(TokenKeyError, match="does not decrypt"):
        unseal(os.urandom(32), "anna", blob)


class FakeEndpoint:
    """A token endpoint that rotates (like Microsoft) unless told not to."""

    def __init__(self, lifetime: float = 100.0, rotate: bool = True) -> None:
        self.lifetime = lifetime
        self.rotate = rotate
        self.presented: list[str] = []
        self.error: str | None = None

    def refresh(self, refresh_token: str) -> TokenResponse:
        self.presented.append(refresh_token)
        if self.error:
            raise OAuthError(self.error, "refused")
        n = len(self.presented)
        new = f"rt-{n}" if self.rotate else None
        return TokenResponse(f"at-{n}", self.lifetime, new, ("imap",))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(tmp_path: Path, endpoint: FakeEndpoint) -> tuple[AccessTokens, TokenStore, Clock]:
    store = TokenStore(open_store(f"sqlite:///{tmp_path / 'db.sqlite'}"), KEY)
    oauth = OAuthConfig(client_id="c", token_url="http://idp/token", scopes=("imap",))
    cfg = ImapSourceConfig(
        name="anna",
        type="imap",
        host="imap.example.test",
        username="anna@agency.example",
        auth="oauth2",
        oauth=oauth.model_copy(update={"label": "Microsoft"}),
    )
    clock = Clock()
    return AccessTokens(cfg, store, endpoint, clock), store, clock  # type: ignore[arg-type]


def test_margin_is_the_smaller_of_60_s_and_half_the_lifetime() -> None:
    assert refresh_margin(3600) == 60
    assert refresh_margin(100) == 50
    assert refresh_margin(2) == 1


def test_refresh_before_expiry_and_rotation_in_the_same_step(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(lifetime=100)
    tokens, store, clock = make(tmp_path, endpoint)
    store.save("anna", "c", "rt-0", ("imap",))
    assert tokens.get() == "at-1"
    assert store.load("anna").refresh_token == "rt-1"  # type: ignore[union-attr]
    clock.now += 49
    assert tokens.get() == "at-1"  # still 51 s left, more than the 50 s margin
    clock.now += 1
    assert tokens.get() == "at-2"
    assert endpoint.presented == ["rt-0", "rt-1"]  # never a rotated-out token
    assert tokens.refresh() == "at-3"  # on an authentication failure
    info = store.infos()["anna"]
    assert info.refreshed_at is not None and info.access_expires_at is not None
    with store.sessions() as s:
        row = s.get(OAuthToken, "anna")
        assert row is not None and b"rt-3" not in row.refresh_token_enc


def test_without_rotation_the_stored_token_stays(tmp_path: Path) -> None:
    endpoint = FakeEndpoint(rotate=False)
    tokens, store, _ = make(tmp_path, endpoint)
    store.save("anna", "c", "rt-0", ("imap",))
    tokens.refresh()
    tokens.refresh()
    assert endpoint.presented == ["rt-0", "rt-0"]
    assert store.load("anna").refresh_token == "rt-0"  # type: ignore[union-attr]


def test_refused_refresh_says_what_to_do(tmp_path: Path) -> None:
    endpoint = FakeEndpoint()
    tokens, store, _ = make(tmp_path, endpoint)
    with pytest.raises(SourceError) as e:
        tokens.get()
    assert str(e.value) == 'source anna: not signed in with OAuth2; run "ingestor auth login anna"'
    store.save("anna", "c", "rt-0", ("imap",))
    endpoint.error = "invalid_grant"
    with pytest.raises(SourceError) as e:
        tokens.get()
    assert str(e.value) == (
        "source anna: the Microsoft sign-in for anna@agency.example was revoked or has "
        'expired; run "ingestor auth login anna"'
    )
    assert store.load("anna").refresh_token == "rt-0"  # type: ignore[union-attr]
    endpoint.error = "invalid_client"
    with pytest.raises(SourceError, match="refused the client c"):
        tokens.get()


def test_the_access_token_outlives_the_source_object_of_one_poll(tmp_path: Path) -> None:
    # The daemon builds a new source (and so a new AccessTokens) for every poll.
    endpoint = FakeEndpoint(lifetime=100.0)
    first, store, clock = make(tmp_path, endpoint)
    store.save("anna", "c", "rt-0", ("imap",))
    assert first.get() == "at-1"
    second = AccessTokens(first.cfg, store, endpoint, clock)  # type: ignore[arg-type]
    assert second.get() == "at-1" and endpoint.presented == ["rt-0"]
    clock.now += 100 - refresh_margin(100)
    third = AccessTokens(first.cfg, store, endpoint, clock)  # type: ignore[arg-type]
    assert third.get() == "at-2" and endpoint.presented == ["rt-0", "rt-1"]
