"""CalDAV sources with auth = "oauth2": Google's CalDAV defaults, overrides, and the problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestor.config import load_settings
from ingestor.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "ingestor.toml"
    p.write_text(f'[store]\nurl = "sqlite:///{tmp_path}/x.db"\n[secrets]\nkey_file = "/k"\n' + text)
    return p


GOOGLE = """
[[sources]]
name = "cal"
type = "caldav"
provider = "google"
username = "ben@agency.example"
auth = "oauth2"
oauth_client_id = "123.apps.googleusercontent.com"
oauth_client_secret_env = "GOOGLE_SECRET"
"""


def test_google_caldav_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_SECRET", "x")
    [cal] = load_settings(write(tmp_path, GOOGLE)).sources
    assert cal.url == "https://apidata.googleusercontent.com/caldav/v2/"
    assert (cal.auth, cal.password, cal.provider) == ("oauth2", None, "google")
    assert cal.oauth is not None
    assert cal.oauth.scopes == ("https://www.googleapis.com/auth/calendar.readonly",)
    assert cal.oauth.token_url == "https://oauth2.googleapis.com/token"
    assert (cal.oauth.label, cal.oauth.flow) == ("Google", "loopback")
    assert cal.oauth.client_secret_env == "GOOGLE_SECRET"


def test_google_caldav_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOOGLE_SECRET", "x")
    url = "https://apidata.googleusercontent.com/caldav/v2/ben%40agency.example/events/"
    text = GOOGLE + f'url = "{url}"\noauth_scopes = ["https://www.googleapis.com/auth/calendar"]\n'
    [cal] = load_settings(write(tmp_path, text)).sources
    assert cal.url == url
    assert cal.oauth is not None
    assert cal.oauth.scopes == ("https://www.googleapis.com/auth/calendar",)


def test_generic_identity_provider(tmp_path: Path) -> None:
    text = (
        '[[sources]]\nname = "cal"\ntype = "caldav"\nurl = "https://dav.example/"\n'
        'username = "u"\nauth = "oauth2"\noauth_client_id = "c"\n'
        'oauth_token_url = "https://idp.example/token"\noauth_scopes = ["calendar"]\n'
    )
    [cal] = load_settings(write(tmp_path, text)).sources
    assert cal.oauth is not None and cal.oauth.label == "OAuth" and cal.provider is None
    assert cal.oauth.scopes == ("calendar",)


def test_password_caldav_is_unchanged(tmp_path: Path) -> None:
    text = (
        '[[sources]]\nname = "cal"\ntype = "caldav"\nurl = "https://dav.example/"\n'
        'username = "u"\npassword_env = "HOME"\n'
    )
    [cal] = load_settings(write(tmp_path, text)).sources
    assert (cal.auth, cal.oauth, cal.provider) == ("password", None, None)
    assert cal.password is not None and cal.password.env == "HOME"


def test_every_caldav_oauth_problem_at_once(tmp_path: Path) -> None:
    text = (
        '[[sources]]\nname = "a"\ntype = "caldav"\nprovider = "microsoft"\n'
        'url = "https://x/"\nusername = "u"\nauth = "oauth2"\noauth_client_id = "c"\n'
        '[[sources]]\nname = "b"\ntype = "caldav"\nprovider = "google"\nusername = "u"\n'
        'auth = "oauth2"\npassword_env = "HOME"\n'
        '[[sources]]\nname = "c"\ntype = "caldav"\nurl = "https://x/"\nusername = "u"\n'
        'auth = "oauth2"\noauth_client_id = "c"\n'
        '[[sources]]\nname = "d"\ntype = "caldav"\nurl = "https://x/"\nusername = "u"\n'
        'password_env = "HOME"\noauth_client_id = "c"\n'
    )
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    problems = e.value.problems
    expected = [
        "sources[0].provider: Microsoft 365 calendars have no CalDAV; only "
        'provider = "google" is available for a caldav source',
        'sources[1].password_env: is not used with auth = "oauth2"',
        "sources[1].oauth_client_id: is required",
        "sources[2].oauth_token_url: is required",
        "sources[2].oauth_scopes: is required without a provider",
        'sources[3].oauth_client_id: is only used with auth = "oauth2"',
    ]
    for line in expected:
        assert line in problems, (line, problems)
    assert not any(p.startswith("sources[0].oauth") for p in problems), problems
