"""Config validation: every problem at once, as `key: message`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from ingestor.config import (
    CalDavSourceConfig,
    ConfigFile,
    Defaults,
    IcsSourceConfig,
    ImapSourceConfig,
    LoggingSection,
    MaildirSourceConfig,
    MboxSourceConfig,
    PasswordSpec,
    RetentionConfig,
    StoreSection,
    WebConfig,
    load_settings,
    parse_days,
    parse_duration,
    parse_size,
    source_config,
)
from ingestor.configsecrets import SecretsSection
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
    assert s.defaults.parse_workers == "auto"


def test_parse_workers_is_bounded(tmp_path):
    base = f'[[sources]]\nname="a"\ntype="maildir"\npath="{tmp_path}"\n'
    assert (
        load_settings(
            write(tmp_path, "[defaults]\nparse_workers = 2\n" + base)
        ).defaults.parse_workers
        == 2
    )
    for value, shown in (("99", "99"), ('"two"', "'two'"), ('"2"', "'2'"), ("true", "True")):
        with pytest.raises(ConfigError) as e:
            load_settings(write(tmp_path, f"[defaults]\nparse_workers = {value}\n" + base))
        assert e.value.problems == [
            f'defaults.parse_workers: must be "auto" or 0 to 16, got {shown}'
        ]


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


# --- pydantic models: every problem with its key, hints, bounds, the union on `type` ----------

EXAMPLE = Path(__file__).parents[2] / "config.example.toml"


def problems_of(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as e:
        load_settings(write(tmp_path, text))
    return e.value.problems


def test_problems_in_several_tables_come_at_once_each_with_its_key(tmp_path):
    text = f"""
web = 5
[defaults]
timeout = "2h"
batch_messages = 0
[[sources]]
name = "mail"
type = "imap"
host = "h"
username = "u"
password_env = "HOME"
port = 0
tls_verify = "yes"
[[sources]]
name = 7
type = "maildir"
path = "{tmp_path}"
folders = ["INBOX", ""]
[[sources]]
name = "feed"
type = "ics"
"""
    assert sorted(problems_of(tmp_path, text)) == sorted(
        [
            "web: must be a table, got int",
            "defaults.timeout: must be at most 1h, got 2h",
            "defaults.batch_messages: must be 1 to 100000, got 0",
            "sources[0].port: must be 1 to 65535, got 0",
            "sources[0].tls_verify: must be a bool, got str",
            "sources[1].name: must be a str, got int",
            "sources[1].folders: must be a list of non-empty strings",
            "sources[2]: give exactly one of url or path",
        ]
    )


def test_unknown_keys_get_a_did_you_mean_hint(tmp_path):
    text = f"""
[defaults]
pol_interval = "5m"
[web]
prot = 8080
[[sources]]
name = "a"
type = "maildir"
path = "{tmp_path}"
foldrs = ["INBOX"]
zebra = 1
[[sources]]
name = "b"
type = "imap"
host = "h"
username = "u"
pasword_env = "HOME"
"""
    problems = problems_of(tmp_path, text)
    assert "defaults.pol_interval: unknown key; did you mean 'poll_interval'?" in problems
    assert "web.prot: unknown key; did you mean 'port'?" in problems
    assert "sources[0].foldrs: unknown key; did you mean 'folders'?" in problems
    assert "sources[0].zebra: unknown key" in problems
    assert "sources[1].pasword_env: unknown key; did you mean 'password_env'?" in problems


def test_attributes_that_only_defaults_set_are_refused_in_a_source(tmp_path):
    text = f"""
[[sources]]
name = "a"
type = "maildir"
path = "{tmp_path}"
batch_messages = 10
calendar_history = "1y"
calendar_history_days = 365
"""
    assert problems_of(tmp_path, text) == [
        "sources[0].batch_messages: unknown key in [[sources]]; set it in [defaults]",
        "sources[0].calendar_history: unknown key for this source type; set it in [defaults] "
        "(or in caldav, ics)",
        "sources[0].calendar_history_days: unknown key",
    ]


@pytest.mark.parametrize(
    ("table", "line", "problem"),
    [
        ("web", "port = 70000", "web.port: must be 1 to 65535, got 70000"),
        (
            "defaults",
            'poll_interval = "200h"',
            "defaults.poll_interval: must be at most 7d, got 200h",
        ),
        ("defaults", "timeout = 0", "defaults.timeout: must be positive"),
        (
            "defaults",
            'max_message_size = "2GiB"',
            "defaults.max_message_size: must be at most 1073741824, got 2147483648",
        ),
        (
            "defaults",
            "batch_bytes = 0",
            "defaults.batch_bytes: expected a size like '25MB' or a number of bytes, got 0",
        ),
        (
            "defaults",
            "batch_messages = 100001",
            "defaults.batch_messages: must be 1 to 100000, got 100001",
        ),
        (
            "defaults",
            "calendar_past_days = -1",
            "defaults.calendar_past_days: must be 0 to 36500, got -1",
        ),
        (
            "defaults",
            "calendar_future_days = 4000",
            "defaults.calendar_future_days: must be 0 to 3650, got 4000",
        ),
        (
            "defaults",
            'calendar_history = "101y"',
            "defaults.calendar_history: must be at most 36500, got 36865",
        ),
        (
            "defaults",
            "parse_workers = -1",
            'defaults.parse_workers: must be "auto" or 0 to 16, got -1',
        ),
        ("defaults", 'lease_period = "2h"', "defaults.lease_period: must be at most 1h, got 2h"),
        ("defaults", "batch_messages = true", "defaults.batch_messages: must be an int, got bool"),
        (
            "defaults",
            'phone_region = "USA"',
            "defaults.phone_region: must be a two-letter country code, got 'USA'",
        ),
    ],
)
def test_every_number_is_bounded(tmp_path, table, line, problem):
    assert problems_of(tmp_path, f"[{table}]\n{line}\n") == [problem]


def test_an_unknown_source_type_lists_the_valid_ones(tmp_path):
    text = '[[sources]]\nname = "a"\ntype = "pop3"\nhost = "h"\n[[sources]]\nname = "b"\n'
    assert problems_of(tmp_path, text) == [
        "sources[0].type: unknown source type 'pop3' (known: imap, maildir, mbox, caldav, ics)",
        "sources[1].type: is required",
    ]


@pytest.mark.parametrize(
    ("text", "days"),
    [("3y", 1095), ("18m", 540), ("400d", 400), ("2w", 14), ("1y6m", 545), (30, 30), ("0d", 0)],
)
def test_history_durations(text, days):
    assert parse_days(text) == days


@pytest.mark.parametrize("text", ["3x", "", "y", -1, True, 1.5])
def test_bad_history_durations(text):
    with pytest.raises(ValueError):
        parse_days(text)


def test_calendar_history_is_inherited_and_calendar_sources_may_set_their_own(tmp_path):
    (tmp_path / "feed.ics").write_text("")
    text = f"""
[defaults]
calendar_history = "18m"
[[sources]]
name = "mail"
type = "maildir"
path = "{tmp_path}"
[[sources]]
name = "feed"
type = "ics"
path = "feed.ics"
calendar_history = "400d"
[[sources]]
name = "dav"
type = "caldav"
url = "https://dav.example/"
username = "u"
password_env = "HOME"
"""
    s = load_settings(write(tmp_path, text))
    assert s.defaults.calendar_history_days == 540
    assert [x.calendar_history_days for x in s.sources] == [540, 400, 540]
    assert load_settings(write(tmp_path, "")).defaults.calendar_history_days == 3 * 365


def test_defaults_are_inherited_unless_a_source_overrides_them(tmp_path):
    text = f"""
[defaults]
poll_interval = "1m"
timeout = "10s"
phone_region = "gb"
max_message_size = "1MB"
batch_messages = 50
batch_bytes = "2MB"
calendar_past_days = 30
calendar_future_days = 60
[[sources]]
name = "a"
type = "maildir"
path = "{tmp_path}"
[[sources]]
name = "b"
type = "mbox"
path = "{tmp_path / "x.mbox"}"
poll_interval = "1h"
timeout = 5
phone_region = "de"
contact_creation = "none"
max_message_size = 1000
"""
    (tmp_path / "x.mbox").write_text("")
    a, b = load_settings(write(tmp_path, text)).sources
    assert (a.poll_interval, a.timeout, a.phone_region, a.max_message_size) == (
        60,
        10,
        "GB",
        1_000_000,
    )
    assert a.contact_creation == "all"
    assert (b.poll_interval, b.timeout, b.phone_region, b.max_message_size) == (3600, 5, "DE", 1000)
    assert b.contact_creation == "none"
    for src in (a, b):
        assert (src.batch_messages, src.batch_bytes) == (50, 2_000_000)
        assert (src.calendar_past_days, src.calendar_future_days) == (30, 60)


def test_ca_file_is_accepted_by_every_network_source_and_must_exist(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    text = f"""
[[sources]]
name = "feed"
type = "ics"
url = "https://feed.example/x.ics"
ca_file = "{ca}"
[[sources]]
name = "dav"
type = "caldav"
url = "https://dav.example/"
username = "u"
password_env = "HOME"
tls_verify = false
ca_file = "{tmp_path / "missing.pem"}"
"""
    assert problems_of(tmp_path, text) == [
        f"sources[1].ca_file: no such file: {tmp_path / 'missing.pem'}"
    ]
    feed = load_settings(write(tmp_path, text.replace("missing.pem", "ca.pem"))).sources[0]
    assert feed.ca_file == str(ca) and feed.tls_verify


def test_the_example_config_loads_and_documents_every_key(monkeypatch):
    s = load_settings(EXAMPLE, check_environment=False)
    assert [x.type for x in s.sources] == ["imap", "imap", "maildir", "mbox", "caldav", "ics"]
    assert s.defaults.calendar_history_days == 3 * 365
    assert s.sources[-1].calendar_history_days == 365
    # With the environment checked, only the environment is missing.
    monkeypatch.delenv("RECRUITER_IMAP_PASSWORD", raising=False)
    monkeypatch.delenv("RECRUITER_CALDAV_PASSWORD", raising=False)
    with pytest.raises(ConfigError) as e:
        load_settings(EXAMPLE)
    assert all(
        p.endswith((" is not set", ": no such directory: /srv/mail/archive", ".mbox"))
        for p in e.value.problems
    ), e.value.problems
    text = EXAMPLE.read_text()
    models = [
        ConfigFile,
        StoreSection,
        Defaults,
        LoggingSection,
        WebConfig,
        RetentionConfig,
        SecretsSection,
        ImapSourceConfig,
        MaildirSourceConfig,
        MboxSourceConfig,
        CalDavSourceConfig,
        IcsSourceConfig,
    ]
    keys = {k for m in models for k in m.file_keys()} - {"password"}  # refused with a reason
    undocumented = [
        k for k in sorted(keys) if not re.search(rf"^[#\s]*(\[+{k}\]+|{k}\s*=)", text, re.M)
    ]
    assert undocumented == []


def test_models_built_in_code_are_typed_frozen_and_strict_about_keys(tmp_path):
    cfg = source_config(name="a", type="maildir", path=str(tmp_path), batch_messages=3)
    assert isinstance(cfg, MaildirSourceConfig) and cfg.batch_messages == 3
    with pytest.raises(ValidationError):
        cfg.name = "b"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="host"):
        source_config(name="a", type="imap", username="u", password=PasswordSpec(env="X"))
    with pytest.raises(ValidationError, match="unknown key"):
        source_config(name="a", type="maildir", path=str(tmp_path), colour="blue")


def test_retention_is_off_by_default_except_quarantine_and_reads_durations(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_IMAP_PASSWORD", "x")
    s = load_settings(write(tmp_path, GOOD))
    assert s.retention == RetentionConfig(quarantine=30)
    text = GOOD + (
        '\n[retention]\ninteractions = "3y"\ncontacts_without_interaction = "2y"\n'
        'quarantine = "off"\nrejected = "30d"\n'
    )
    s = load_settings(write(tmp_path, text))
    assert s.retention == RetentionConfig(
        interactions=3 * 365, contacts_without_interaction=730, quarantine=None, rejected=30
    )
    bad = GOOD + '\n[retention]\ninteractions = "soon"\nforever = 1\n'
    assert sorted(problems_of(tmp_path, bad)) == sorted(
        [
            'retention.interactions: expected "off" or a duration like "3y", "18m", '
            "\"30d\", got 'soon'",
            "retention.forever: unknown key",
        ]
    )
