"""OAuth2 source config: provider defaults (Microsoft, Google), overrides, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestor.config import KeySpec, load_settings
from ingestor.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "ingestor.toml"
    p.write_text(f'[store]\nurl = "sqlite:///{tmp_path}/x.db"\n' + text)
    return p


MICROSOFT = """
[secrets]
key_file = "/etc/ingestor/token.key"
[[sources]]
name = "anna"
type = "imap"
provider = "microsoft"
username = "anna@agency.example"
auth = "oauth2"
oauth_client_id = "11111111-2222"
"""


def test_microsoft_defaults(tmp_path: Path) -> None:
    s = load_settings(write(tmp_path, MICROSOFT))
    [anna] = s.sources
    assert (anna.host, anna.port, anna.security) == ("outlook.office365.com", 993, "tls")
    assert anna.folders == () and anna.password is None and anna.auth == "oauth2"
    assert anna.oauth is not None
    base = "https://login.microsoftonline.com/organizations/oauth2/v2.0"
    assert anna.oauth.token_url == f"{base}/token"
    assert anna.oauth.device_url == f"{base}/devicecode"
    assert anna.oauth.authorize_url == f"{base}/authorize"
    assert anna.oauth.scopes == (
        "https://outlook.office.com/IMAP.AccessAsUser.All",
        "offline_access",
    )
    assert (anna.oauth.label, anna.oauth.flow) == ("Microsoft", "device")
    assert anna.oauth.key == KeySpec(file="/etc/ingestor/token.key")
    assert anna.oauth.store_url == f"sqlite:///{tmp_path}/x.db"
    assert s.secrets == anna.oauth.key


def test_microsoft_tenant_and_overrides(tmp_path: Path) -> None:
    text = MICROSOFT + (
        'oauth_tenant = "contoso.onmicrosoft.com"\nhost = "imap.internal"\nport = 1993\n'
        'folders = ["INBOX"]\noauth_scopes = ["imap"]\n'
        'oauth_token_url = "http://127.0.0.1:9/token"\n'
    )
    [anna] = load_settings(write(tmp_path, text)).sources
    assert (anna.host, anna.port, anna.folders) == ("imap.internal", 1993, ("INBOX",))
    assert anna.oauth is not None
    assert anna.oauth.token_url == "http://127.0.0.1:9/token"
    assert anna.oauth.device_url == (
        "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/devicecode"
    )
    assert anna.oauth.scopes == ("imap",)


def test_google_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_SECRET", "x")
    text = (
        '[secrets]\nkey_env = "INGESTOR_KEY"\n[[sources]]\nname = "ben"\ntype = "imap"\n'
        'provider = "google"\nusername = "ben@agency.example"\nauth = "oauth2"\n'
        'oauth_client_id = "123.apps.googleusercontent.com"\n'
        'oauth_client_secret_env = "GOOGLE_SECRET"\n'
    )
    [ben] = load_settings(write(tmp_path, text)).sources
    assert (ben.host, ben.port, ben.security) == ("imap.gmail.com", 993, "tls")
    assert ben.folders == ("INBOX", "[Gmail]/Sent Mail")
    assert ben.oauth is not None
    assert ben.oauth.token_url == "https://oauth2.googleapis.com/token"
    assert ben.oauth.authorize_url == "https://accounts.google.com/o/oauth2/v2/auth"
    assert ben.oauth.scopes == ("https://mail.google.com/",)
    assert (ben.oauth.label, ben.oauth.flow) == ("Google", "loopback")
    assert ben.oauth.client_secret_env == "GOOGLE_SECRET"
    assert ben.oauth.key == KeySpec(env="INGESTOR_KEY")


def test_provider_without_oauth_keeps_passwords(tmp_path: Path) -> None:
    text = (
        '[[sources]]\nname = "ben"\ntype = "imap"\nprovider = "google"\n'
        'username = "ben@agency.example"\npassword_env = "HOME"\n'
    )
    [ben] = load_settings(write(tmp_path, text)).sources
    assert ben.auth == "password" and ben.oauth is None and ben.host == "imap.gmail.com"


def test_generic_provider_needs_its_endpoints(tmp_path: Path) -> None:
    text = (
        '[secrets]\nkey_file = "/k"\n[[sources]]\nname = "kc"\ntype = "imap"\n'
        'host = "imap.example.test"\nusername = "u"\nauth = "oauth2"\n'
        'oauth_client_id = "c"\noauth_token_url = "https://idp/token"\n'
        'oauth_device_url = "https://idp/device"\noauth_scopes = ["imap", "offline_access"]\n'
    )
    [kc] = load_settings(write(tmp_path, text)).sources
    assert kc.oauth is not None
    assert (kc.oauth.token_url, kc.oauth.device_url) == ("https://idp/token", "https://idp/device")
    assert kc.oauth.authorize_url is None and kc.oauth.flow == "device"
    assert kc.oauth.label == "OAuth"


def test_every_oauth_problem_at_once(tmp_path: Path) -> None:
    text = (
        '[secrets]\nkey_file = "/k"\nkey_env = "K"\n'
        '[[sources]]\nname = "a"\ntype = "imap"\nprovider = "yahoo"\nhost = "h"\n'
        'username = "u"\nauth = "oauth2"\npassword_env = "X"\n'
        '[[sources]]\nname = "b"\ntype = "imap"\nhost = "h"\nusername = "u"\n'
        'auth = "oauth2"\noauth_client_secret_env = "UNSET_SECRET_ENV"\noauth_tenant = "t"\n'
        'oauth_token_url = "ftp://x"\n'
        '[[sources]]\nname = "c"\ntype = "imap"\nhost = "h"\nusername = "u"\n'
        'password_env = "HOME"\noauth_client_id = "x"\nauth = "kerberos"\n'
    )
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    problems = e.value.problems
    expected = [
        "secrets.key_env: give only one of key_file, key_env, key_credential",
        "sources[0].provider: must be one of microsoft, google, got 'yahoo'",
        'sources[0].password_env: is not used with auth = "oauth2"',
        "sources[0].oauth_client_id: is required",
        "sources[0].oauth_token_url: is required",
        "sources[1].oauth_client_id: is required",
        "sources[1].oauth_client_secret_env: environment variable UNSET_SECRET_ENV is not set",
        'sources[1].oauth_tenant: is only used with provider = "microsoft"',
        "sources[1].oauth_token_url: must be an http(s) URL, got 'ftp://x'",
        "sources[2].auth: must be one of password, oauth2, got 'kerberos'",
        'sources[2].oauth_client_id: is only used with auth = "oauth2"',
    ]
    for line in expected:
        assert line in problems, (line, problems)


def test_oauth_sources_need_a_key(tmp_path: Path) -> None:
    text = MICROSOFT.replace('[secrets]\nkey_file = "/etc/ingestor/token.key"\n', "")
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    assert e.value.problems == [
        "secrets: key_file or key_env is required by the OAuth2 sources (anna); "
        "create a key with `ingestor auth keygen PATH`"
    ]
