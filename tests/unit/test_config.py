"""Config validation: every problem at once, as `key: message`."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestor.config import load_settings, parse_duration, parse_size
from ingestor.errors import ConfigError

GOOD = """
[store]
url = "sqlite:///{tmp}/x.db"
[defaults]
phone_region = "de"
internal_domains = ["Agency.example"]
contact_creation = "sent_only"
poll_interval = "5m"
blocklist = ["noreply.example", "jobs@board.example"]
[[sources]]
name = "recruiter-mail"
type = "imap"
host = "imap.example.com"
port = 993
security = "tls"
username = "recruiter@agency.example"
password_env = "TEST_IMAP_PASSWORD"
folders = ["INBOX", "Sent"]
owner_addresses = ["Recruiter@agency.example"]
[[sources]]
name = "archive"
type = "maildir"
path = "{tmp}"
"""


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "ingestor.toml"
    p.write_text(text.replace("{tmp}", str(tmp_path)))
    return p


def test_valid_config_is_read_with_defaults_applied(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "x")
    s = load_settings(write(tmp_path, GOOD))
    imap, archive = s.sources
    assert s.defaults.phone_region == "DE"
    assert s.defaults.internal_domains == ("agency.example",)
    assert imap.poll_interval == 300 and imap.contact_creation == "sent_only"
    assert imap.owner_addresses == ("recruiter@agency.example",)
    assert imap.password is not None and imap.password.env == "TEST_IMAP_PASSWORD"
    assert archive.type == "maildir" and archive.path == str(tmp_path)
    assert s.defaults.parse_workers == 0


def test_parse_workers_is_bounded(tmp_path):
    base = f'[[sources]]\nname="a"\ntype="maildir"\npath="{tmp_path}"\n'
    assert (
        load_settings(
            write(tmp_path, "[defaults]\nparse_workers = 2\n" + base)
        ).defaults.parse_workers
        == 2
    )
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, "[defaults]\nparse_workers = 99\n" + base))
    assert "defaults.parse_workers: must be 0 to 16, got 99" in e.value.problems


def test_every_problem_is_reported_at_once(tmp_path, monkeypatch):
    monkeypatch.delenv("NOPE_NOT_SET", raising=False)
    text = """
[store]
url = "sqlite:///x.db"
colour = "blue"
[defaults]
contact_creation = "everyone"
poll_interval = "soon"
[[sources]]
name = "a"
type = "imap"
port = "993"
password_env = "NOPE_NOT_SET"
[[sources]]
name = "b"
type = "pop3"
"""
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    problems = e.value.problems
    assert "store.colour: unknown key" in problems
    assert any(
        p.startswith("defaults.contact_creation: must be one of all, sent_only, none")
        for p in problems
    )
    assert any(p.startswith("defaults.poll_interval: expected a duration") for p in problems)
    assert "sources[0].host: is required" in problems
    assert "sources[0].username: is required" in problems
    assert "sources[0].port: must be an int, got str" in problems
    assert "sources[0].password_env: environment variable NOPE_NOT_SET is not set" in problems
    assert any(p.startswith("sources[1].type: unknown source type 'pop3'") for p in problems)
    assert str(e.value).startswith(str(tmp_path / "ingestor.toml") + ": ")


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_settings(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_settings(write(tmp_path, "[store\nurl=1"))


def test_plain_password_is_refused(tmp_path):
    text = '[[sources]]\nname="a"\ntype="imap"\nhost="h"\nusername="u"\npassword="hunter2"\n'
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    assert any("plain passwords are not accepted" in p for p in e.value.problems)
    assert "hunter2" not in str(e.value)


def test_duplicate_source_names(tmp_path):
    text = f'[[sources]]\nname="a"\ntype="maildir"\npath="{tmp_path}"\n' * 2
    with pytest.raises(ConfigError, match="duplicate source name 'a'"):
        load_settings(write(tmp_path, text))


@pytest.mark.parametrize(("text", "seconds"), [("5m", 300), ("1h30m", 5400), ("45s", 45), (90, 90)])
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize(
    ("text", "size"), [("25MB", 25_000_000), ("10 MiB", 10 * 1024**2), (4096, 4096)]
)
def test_sizes(text, size):
    assert parse_size(text) == size


def test_bad_duration_and_size():
    with pytest.raises(ValueError):
        parse_duration("0s")
    with pytest.raises(ValueError):
        parse_size("lots")
