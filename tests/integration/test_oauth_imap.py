"""OAuth2 IMAP sources end to end: `ingestor auth login` (device flow) against the test identity
provider, then syncs from Dovecot (passdb oauth2) across access-token expiry and refresh-token
rotation, and the one-line instruction after revocation. No token ever shows in plaintext."""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingestor.cli import main
from ingestor.config import OAuthConfig, load_settings
from ingestor.oauth import flows
from ingestor.oauth.client import OAuthClient, OAuthError, TokenResponse
from ingestor.sources import make_source
from tests.factories import make_message
from tests.integration.oauth_cli import run
from tests.servers.dovecot import DovecotServer, OAuth2Passdb
from tests.servers.idp import IdentityProvider, get_redirect

pytestmark = pytest.mark.integration

USER = "recruiter"


@pytest.fixture
def idp() -> Iterator[IdentityProvider]:
    with IdentityProvider(
        access_token_lifetime=2, device_interval=1, slow_down_increment=1
    ) as provider:
        yield provider


@pytest.fixture
def dovecot(tmp_path: Path, idp: IdentityProvider) -> Iterator[DovecotServer]:
    with DovecotServer(tmp_path / "dovecot", oauth2=OAuth2Passdb(idp.introspection_url)) as server:
        yield server


def write_config(tmp_path: Path, idp: IdentityProvider, dovecot: DovecotServer) -> Path:
    path = tmp_path / "ingestor.toml"
    path.write_text(
        f'[store]\nurl = "sqlite:///{tmp_path / "db.sqlite"}"\n'
        f'[secrets]\nkey_file = "{tmp_path / "token.key"}"\n'
        '[[sources]]\nname = "anna"\ntype = "imap"\n'
        f'host = "{dovecot.host}"\nport = {dovecot.port}\nsecurity = "none"\n'
        f'username = "{USER}"\nfolders = ["INBOX"]\nauth = "oauth2"\n'
        'oauth_client_id = "ingestor-test"\n'
        f'oauth_token_url = "{idp.token_url}"\n'
        f'oauth_device_url = "{idp.device_authorization_url}"\n'
        f'oauth_authorize_url = "{idp.authorize_url}"\n'
        'oauth_scopes = ["imap", "offline_access"]\n'
        'timeout = "10s"\n'
    )
    return path


def device_login(
    capsys: pytest.CaptureFixture[str], config: Path, idp: IdentityProvider, user: str = USER
) -> tuple[int, str]:
    """`ingestor auth login anna --flow device`, the user approving the code it printed."""
    before = len(idp.requests_to("/device/code"))
    result: list[int] = []
    thread = threading.Thread(
        target=lambda: result.append(
            main(
                ["--config", str(config), "auth", "login", "anna", "--flow", "device"],
                own_logging=False,
            )
        )
    )
    thread.start()
    deadline = time.monotonic() + 10
    while len(idp.requests_to("/device/code")) == before and time.monotonic() < deadline:
        time.sleep(0.05)
    user_code = idp.requests_to("/device/code")[-1].response["user_code"]
    idp.approve(user_code, user)
    thread.join(timeout=30)
    assert not thread.is_alive()
    out, err = capsys.readouterr()
    assert user_code in out  # printed for the user to type
    return result[0], out + err


def test_device_login_then_sync_across_expiry_rotation_and_revocation(
    tmp_path: Path,
    idp: IdentityProvider,
    dovecot: DovecotServer,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    config = write_config(tmp_path, idp, dovecot)
    outputs: list[str] = []

    rc, out = run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))
    assert rc == 0 and (tmp_path / "token.key").stat().st_mode & 0o777 == 0o600
    rc, out = device_login(capsys, config, idp)
    outputs.append(out)
    assert rc == 0, out
    assert idp.verification_uri in out and "anna: signed in" in out
    polls = idp.token_requests("urn:ietf:params:oauth:grant-type:device_code")
    assert polls and all(r.error != "slow_down" for r in polls)  # it waits the interval

    for i in range(3):
        dovecot.deliver(
            USER, "INBOX", make_message(subject=f"CV {i}", message_id=f"<cv{i}@x.example>")
        )
        rc, out = run(capsys, config, "sync", "--once")
        outputs.append(out)
        assert rc == 0, out + dovecot.log_tail()
        assert "anna: ok: 1 new, 1 ingested" in out, out
        time.sleep(2.2)  # the 2 s access token has expired by the next sync

    refreshes = idp.token_requests("refresh_token")
    assert len(refreshes) == 3 and all(r.status == 200 for r in refreshes)
    assert idp.reused_refresh_tokens() == []  # every rotated token was stored
    assert dovecot.login_methods(USER, min_logins=3) == ["XOAUTH2"] * 3

    rc, out = run(capsys, config, "sources", "check")
    outputs.append(out)
    assert rc == 0 and f"as {USER} (XOAUTH2)" in out, out

    rc, out = run(capsys, config, "auth", "status")
    outputs.append(out)
    assert rc == 0, out
    assert "anna: refresh token present" in out and "imap offline_access" in out

    idp.revoke(USER)
    dovecot.deliver(USER, "INBOX", make_message(subject="late", message_id="<late@x.example>"))
    rc, out = run(capsys, config, "sync", "--once")
    outputs.append(out)
    assert rc == 1
    assert out.strip().splitlines() == [
        "anna: FAILED: source anna: the sign-in for recruiter was revoked or has expired; "
        'run "ingestor auth login anna"'
    ]

    # Signing in again makes the source work again.
    rc, out = device_login(capsys, config, idp)
    outputs.append(out)
    assert rc == 0
    rc, out = run(capsys, config, "sync", "--once")
    outputs.append(out)
    assert rc == 0 and "anna: ok: 1 new" in out, out

    tokens = idp.issued_tokens()
    assert len(tokens) >= 8
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite*"))
    text = caplog.text + "".join(outputs)
    leaked = [t for t in tokens if t.encode() in stored or t in text]
    assert leaked == []


def test_wrong_key_names_the_source_to_sign_in_again(
    tmp_path: Path,
    idp: IdentityProvider,
    dovecot: DovecotServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = write_config(tmp_path, idp, dovecot)
    key = tmp_path / "token.key"
    assert run(capsys, config, "auth", "keygen", str(key))[0] == 0
    rc, out = run(capsys, config, "auth", "keygen", str(key))
    assert rc == 1 and "exists" in out  # never overwritten
    assert device_login(capsys, config, idp)[0] == 0

    key.unlink()
    assert run(capsys, config, "auth", "keygen", str(key))[0] == 0  # a different key
    rc, out = run(capsys, config, "sync", "--once")
    assert rc == 1
    assert out.strip() == (
        "anna: FAILED: source anna: the stored OAuth2 token of anna does not decrypt with this "
        'key (the key was changed or lost); run "ingestor auth login anna"'
    )
    rc, out = run(capsys, config, "auth", "status")
    assert rc == 1 and 'not decryptable with this key; run "ingestor auth login anna"' in out

    key.unlink()
    rc, out = run(capsys, config, "sync", "--once")
    assert rc == 1 and "cannot read the token key" in out and "auth login anna" in out
    assert len(out.strip().splitlines()) == 1


def test_import_refresh_token_from_stdin(
    tmp_path: Path,
    idp: IdentityProvider,
    dovecot: DovecotServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io

    config = write_config(tmp_path, idp, dovecot)
    assert run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))[0] == 0
    rc, out = run(capsys, config, "auth", "status")
    assert rc == 1 and 'anna: not signed in; run "ingestor auth login anna"' in out

    monkeypatch.setattr("sys.stdin", io.StringIO("rt-not-issued\n"))
    rc, out = run(capsys, config, "auth", "import", "anna", "--refresh-token-stdin")
    assert rc == 1 and "was refused" in out and "rt-not-issued" not in out

    provisioned = idp.provision(USER)
    monkeypatch.setattr("sys.stdin", io.StringIO(provisioned + "\n"))
    rc, out = run(capsys, config, "auth", "import", "anna", "--refresh-token-stdin")
    assert rc == 0, out
    monkeypatch.setattr("sys.stdin", io.StringIO(provisioned + "\n"))  # rotated out by now
    rc, out = run(capsys, config, "auth", "import", "anna", "--refresh-token-stdin")
    assert rc == 1 and "revoked or has expired" in out  # and the stored sign-in is kept:
    dovecot.deliver(USER, "INBOX", make_message(subject="CV", message_id="<cv@x.example>"))
    rc, out = run(capsys, config, "sync", "--once")
    assert rc == 0 and "anna: ok: 1 new" in out, out
    # The import's own refresh rotation was kept: only the deliberate re-import reused a token.
    assert [r.form["refresh_token"] for r in idp.reused_refresh_tokens()] == [provisioned]
    assert provisioned not in out


def oauth_client(idp: IdentityProvider) -> OAuthClient:
    oauth = OAuthConfig(
        client_id="ingestor-test",
        token_url=idp.token_url,
        scopes=("imap", "offline_access"),
        authorize_url=idp.authorize_url,
        device_url=idp.device_authorization_url,
    )
    return OAuthClient(oauth, timeout=5)


def test_loopback_flow_signs_in_through_a_127_0_0_1_redirect(
    idp: IdentityProvider, dovecot: DovecotServer
) -> None:
    said: list[str] = []
    result: list[TokenResponse] = []
    thread = threading.Thread(
        target=lambda: result.append(flows.loopback_flow(oauth_client(idp), said.append, 10))
    )
    thread.start()
    deadline = time.monotonic() + 5
    while not any(s.startswith(idp.authorize_url) for s in said) and time.monotonic() < deadline:
        time.sleep(0.05)
    [url] = [s for s in said if s.startswith(idp.authorize_url)]
    location = get_redirect(url)  # the browser: sign-in, then the redirect to 127.0.0.1
    assert location.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(location, timeout=5) as page:
        assert b"sign-in received" in page.read()
    thread.join(timeout=10)
    [tokens] = result
    assert tokens.refresh_token and tokens.scopes == ("imap", "offline_access")
    with dovecot.connect_oauth2(USER, tokens.access_token) as client:
        client.select_folder("INBOX", readonly=True)
    [redeem] = idp.token_requests("authorization_code")
    assert redeem.form["code_verifier"] and redeem.form["redirect_uri"] == location.split("?")[0]


def test_paste_flow_and_a_refused_sign_in(idp: IdentityProvider) -> None:
    said: list[str] = []

    def paste() -> str:
        [url] = [s for s in said if s.startswith(idp.authorize_url)]
        return get_redirect(url) + "\n"

    tokens = flows.paste_flow(oauth_client(idp), said.append, paste)
    assert tokens.refresh_token is not None
    assert all(tokens.access_token not in s for s in said)

    idp.authorize_user = None  # the user declines
    said.clear()
    with pytest.raises(OAuthError, match="access_denied"):
        flows.paste_flow(oauth_client(idp), said.append, paste)
    said.clear()
    with pytest.raises(OAuthError, match="state does not match"):
        flows.paste_flow(oauth_client(idp), said.append, lambda: "http://127.0.0.1/?code=x")


def import_token(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    config: Path,
    token: str,
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(token + "\n"))
    rc, out = run(capsys, config, "auth", "import", "anna", "--refresh-token-stdin")
    assert rc == 0, out


def test_a_refused_access_token_is_refreshed_once(
    tmp_path: Path,
    idp: IdentityProvider,
    dovecot: DovecotServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idp.access_token_lifetime = 600  # fresh by the client's clock throughout
    config = write_config(tmp_path, idp, dovecot)
    assert run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))[0] == 0
    import_token(capsys, monkeypatch, config, idp.provision(USER))
    source = make_source(load_settings(config).source("anna"))
    source.open()
    source.close()
    refreshes = len(idp.token_requests("refresh_token"))
    source.open()  # the cached token is still good: no refresh
    source.close()
    assert len(idp.token_requests("refresh_token")) == refreshes

    idp.expire_access_tokens(USER)  # the server now refuses it although the client thinks not
    source.open()
    assert source.folders() == ["INBOX"]
    source.close()
    assert len(idp.token_requests("refresh_token")) == refreshes + 1
    assert idp.reused_refresh_tokens() == []


def test_a_token_the_server_keeps_refusing_is_one_line(
    tmp_path: Path,
    idp: IdentityProvider,
    dovecot: DovecotServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = write_config(tmp_path, idp, dovecot)
    assert run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))[0] == 0
    import_token(capsys, monkeypatch, config, idp.provision("someone-else"))
    rc, out = run(capsys, config, "sync", "--once")
    assert rc == 1
    assert out.strip() == (
        f"anna: FAILED: source anna: {dovecot.host}:{dovecot.port} refused a freshly refreshed "
        "access token for recruiter (AUTHENTICATE); check the scopes and that IMAP is enabled "
        'for the mailbox, then run "ingestor auth login anna"'
    )
    assert len(idp.token_requests("refresh_token")) == 3  # import, first login, the retry


def test_two_sources_sharing_a_client(
    tmp_path: Path, idp: IdentityProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    from ingestor.oauth.keys import load_key
    from ingestor.store.database import open_store
    from ingestor.store.tokens import TokenStore

    users = {"recruiter": "secret", "ben": "secret"}
    with DovecotServer(
        tmp_path / "dovecot2", users=users, oauth2=OAuth2Passdb(idp.introspection_url)
    ) as server:
        for user in users:
            server.deliver(user, "INBOX", make_message(message_id=f"<{user}@x.example>"))
        config = write_config(tmp_path, idp, server)
        text = config.read_text()
        second = text[text.index("[[sources]]") :].replace('name = "anna"', 'name = "ben"')
        config.write_text(text + second.replace(f'username = "{USER}"', 'username = "ben"'))
        assert run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))[0] == 0
        settings = load_settings(config)
        store = TokenStore(open_store(settings.store_url), load_key(settings.secrets))
        for name, user in (("anna", USER), ("ben", "ben")):
            store.save(name, "ingestor-test", idp.provision(user), ("imap",))
        for new in (1, 0):
            rc, out = run(capsys, config, "sync", "--once")
            assert rc == 0, out
            assert f"anna: ok: {new} new" in out and f"ben: ok: {new} new" in out, out
        assert server.login_methods("ben", min_logins=2) == ["XOAUTH2", "XOAUTH2"]
        assert idp.reused_refresh_tokens() == []
        assert store.load("anna") != store.load("ben")

        idp.revoke("ben")  # one sign-in revoked: that source fails, the other goes on
        server.deliver(USER, "INBOX", make_message(message_id="<after@x.example>"))
        rc, out = run(capsys, config, "sync", "--once")
        assert rc == 1
        assert out.strip().splitlines() == [
            "anna: ok: 1 new, 1 ingested, 0 skipped, 0 quarantined, 0 duplicate, 0 contacts created",
            "ben: FAILED: source ben: the sign-in for ben was revoked or has expired; "
            'run "ingestor auth login ben"',
        ]


def test_google_like_confidential_client_without_rotation(
    tmp_path: Path,
    idp: IdentityProvider,
    dovecot: DovecotServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    idp.rotate_refresh_tokens = False
    idp.clients["confidential"] = "s3cret-value"
    monkeypatch.setenv("TEST_OAUTH_SECRET", "s3cret-value")
    config = write_config(tmp_path, idp, dovecot)
    text = config.read_text().replace('"ingestor-test"', '"confidential"')
    config.write_text(text + 'oauth_client_secret_env = "TEST_OAUTH_SECRET"\n')
    assert run(capsys, config, "auth", "keygen", str(tmp_path / "token.key"))[0] == 0
    refresh_token = idp.provision(USER, client_id="confidential")
    import_token(capsys, monkeypatch, config, refresh_token)
    outputs = []
    for _ in range(2):
        rc, out = run(capsys, config, "sync", "--once")
        outputs.append(out)
        assert rc == 0, out
    requests = idp.token_requests("refresh_token")
    # The access token outlives a poll: one refresh for the syncs of its 2 s lifetime.
    assert 1 <= len(requests) <= 3 and all(r.status == 200 for r in requests)
    assert {r.form["refresh_token"] for r in requests} == {refresh_token}  # kept, not rotated
    assert all(r.client_id == "confidential" for r in requests)
    assert not any("s3cret-value" in out or refresh_token in out for out in outputs)
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("db.sqlite*"))
    assert refresh_token.encode() not in stored
