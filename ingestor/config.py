"""TOML configuration → validated, typed settings, reporting every problem at once.

Problems are collected as "key: message" strings (the file name is prefixed by ConfigError),
so an admin fixes a whole config in one round instead of one error per restart.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from ingestor.errors import ConfigError

CONTACT_CREATION = ("all", "sent_only", "none")
SECURITY = ("tls", "starttls", "none")
SOURCE_TYPES = ("imap", "maildir", "mbox", "caldav", "ics")
PASSWORD_KEYS = ("password_env", "password_file", "password_command", "password_credential")


MAX_PARSE_WORKERS = 16


@dataclass(frozen=True)
class Defaults:
    phone_region: str = "US"
    internal_domains: tuple[str, ...] = ()
    contact_creation: str = "all"
    poll_interval: float = 300.0
    blocklist: tuple[str, ...] = ()
    max_message_size: int = 25 * 1024 * 1024
    batch_bytes: int = 16 * 1024 * 1024
    batch_messages: int = 500
    timeout: float = 30.0
    calendar_past_days: int = 365
    calendar_future_days: int = 180
    parse_workers: int = 0  # parser processes for a sync; 0 parses in the syncing process


@dataclass(frozen=True)
class PasswordSpec:
    """Where a secret lives; the secret itself is only read when a source connects."""

    env: str | None = None
    file: str | None = None
    command: tuple[str, ...] | None = None
    credential: str | None = None  # systemd LoadCredential name, read from $CREDENTIALS_DIRECTORY


@dataclass(frozen=True)
class SourceConfig:
    name: str
    type: str
    owner_addresses: tuple[str, ...] = ()
    poll_interval: float = 300.0
    phone_region: str = "US"
    contact_creation: str = "all"
    max_message_size: int = 25 * 1024 * 1024
    batch_bytes: int = 16 * 1024 * 1024
    batch_messages: int = 500
    timeout: float = 30.0
    # imap
    host: str | None = None
    port: int | None = None
    security: str = "tls"
    tls_verify: bool = True
    ca_file: str | None = None
    username: str | None = None
    password: PasswordSpec | None = None
    folders: tuple[str, ...] = ()
    # maildir, mbox, ics
    path: str | None = None
    # caldav, ics
    url: str | None = None
    calendars: tuple[str, ...] = ()
    calendar_past_days: int = 365
    calendar_future_days: int = 180


@dataclass(frozen=True)
class WebConfig:
    enabled: bool = False
    host: str = "127.0.0.1"
    port: int = 8025


@dataclass(frozen=True)
class Settings:
    path: str
    store_url: str
    defaults: Defaults
    sources: tuple[SourceConfig, ...]
    log_format: str = "text"
    log_level: str = "INFO"
    web: WebConfig = field(default_factory=WebConfig)

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(self.path, [f"--source: no source named {name!r}"])


def default_store_url() -> str:
    data = Path(platformdirs.user_data_dir("ingestor"))
    return f"sqlite:///{data / 'ingestor.db'}"


_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {
    "b": 1,
    "kb": 1000,
    "kib": 1024,
    "mb": 1000**2,
    "mib": 1024**2,
    "gb": 1000**3,
    "gib": 1024**3,
}


def parse_duration(value: object) -> float:
    """'5m', '1h30m', '45s' or a number of seconds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value <= 0:
            raise ValueError("must be positive")
        return float(value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m and any(m.groups()):
            h, mi, s = (int(g or 0) for g in m.groups())
            total = h * 3600 + mi * 60 + s
            if total > 0:
                return float(total)
    raise ValueError(f"expected a duration like '5m', '1h30m' or seconds, got {value!r}")


def parse_size(value: object) -> int:
    """'25MB', '10 MiB' or a number of bytes."""
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str):
        m = _SIZE.match(value)
        if m:
            return int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "b").lower()])
    raise ValueError(f"expected a size like '25MB' or a number of bytes, got {value!r}")


class _Reader:
    """Reads typed values out of one TOML table, noting problems instead of raising."""

    def __init__(self, table: dict[str, Any], prefix: str, problems: list[str]) -> None:
        self.table = table
        self.prefix = prefix
        self.problems = problems
        self.used: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.key(name)}: {message}")

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        self.used.add(name)
        if name not in self.table:
            return default
        value = self.table[name]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind in (int, float)):
            names = (
                kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
            )
            self.problem(name, f"must be {_article(names)}, got {type(value).__name__}")
            return default
        return value

    def converted(self, name: str, convert: Callable[[object], Any], default: Any) -> Any:
        self.used.add(name)
        if name not in self.table:
            return default
        try:
            return convert(self.table[name])
        except ValueError as e:
            self.problem(name, str(e))
            return default

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.get(name, str, default)
        if value not in choices:
            self.problem(name, f"must be one of {', '.join(choices)}, got {value!r}")
            return default
        return str(value)

    def strings(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self.get(name, list, None)
        if value is None:
            return default
        if not all(isinstance(v, str) and v for v in value):
            self.problem(name, "must be a list of non-empty strings")
            return default
        return tuple(value)

    def required(self, name: str, kind: type = str) -> Any:
        if name not in self.table:
            self.problem(name, "is required")
            self.used.add(name)
            return None
        return self.get(name, kind)

    def reject_unknown(self, allowed_extra: tuple[str, ...] = ()) -> None:
        for name in self.table:
            if name not in self.used and name not in allowed_extra:
                self.problem(name, "unknown key")


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _read_defaults(r: _Reader) -> Defaults:
    d = Defaults()
    region = r.get("phone_region", str, d.phone_region)
    if not re.fullmatch(r"[A-Za-z]{2}", region):
        r.problem("phone_region", f"must be a two-letter country code, got {region!r}")
        region = d.phone_region
    workers = r.get("parse_workers", int, d.parse_workers)
    if not 0 <= workers <= MAX_PARSE_WORKERS:
        r.problem("parse_workers", f"must be 0 to {MAX_PARSE_WORKERS}, got {workers}")
        workers = d.parse_workers
    return Defaults(
        phone_region=region.upper(),
        internal_domains=tuple(x.lower() for x in r.strings("internal_domains")),
        contact_creation=r.choice("contact_creation", CONTACT_CREATION, d.contact_creation),
        poll_interval=r.converted("poll_interval", parse_duration, d.poll_interval),
        blocklist=tuple(x.lower() for x in r.strings("blocklist")),
        max_message_size=r.converted("max_message_size", parse_size, d.max_message_size),
        batch_bytes=r.converted("batch_bytes", parse_size, d.batch_bytes),
        batch_messages=r.get("batch_messages", int, d.batch_messages),
        timeout=r.converted("timeout", parse_duration, d.timeout),
        calendar_past_days=r.get("calendar_past_days", int, d.calendar_past_days),
        calendar_future_days=r.get("calendar_future_days", int, d.calendar_future_days),
        parse_workers=workers,
    )


def _read_password(r: _Reader) -> PasswordSpec | None:
    given = [k for k in (*PASSWORD_KEYS, "password") if k in r.table]
    env = r.get("password_env", str)
    file = r.get("password_file", str)
    command = r.strings("password_command") or None
    credential = r.get("password_credential", str)
    if "password" in r.table:
        r.used.add("password")
        r.problem("password", "plain passwords are not accepted; use " + " or ".join(PASSWORD_KEYS))
    if len(given) > 1:
        r.problem(given[1], f"give only one of {', '.join(PASSWORD_KEYS)}")
    if not given:
        r.problems.append(f"{r.prefix}: one of {', '.join(PASSWORD_KEYS)} is required")
        return None
    if env is not None and env not in os.environ:
        r.problem("password_env", f"environment variable {env} is not set")
    if file is not None and not os.path.isfile(os.path.expandvars(file)):
        r.problem("password_file", f"no such file: {file}")
    return PasswordSpec(env=env, file=file, command=command, credential=credential)


def _read_source(r: _Reader, d: Defaults, base: Path) -> SourceConfig | None:
    name = r.required("name")
    stype = r.required("type")
    if stype is not None and stype not in SOURCE_TYPES:
        r.problem("type", f"unknown source type {stype!r} (known: {', '.join(SOURCE_TYPES)})")
        return None
    common: dict[str, Any] = dict(
        name=name or "?",
        type=stype or "?",
        owner_addresses=tuple(a.lower() for a in r.strings("owner_addresses")),
        poll_interval=r.converted("poll_interval", parse_duration, d.poll_interval),
        phone_region=r.get("phone_region", str, d.phone_region).upper(),
        contact_creation=r.choice("contact_creation", CONTACT_CREATION, d.contact_creation),
        max_message_size=r.converted("max_message_size", parse_size, d.max_message_size),
        batch_bytes=d.batch_bytes,
        batch_messages=d.batch_messages,
        timeout=r.converted("timeout", parse_duration, d.timeout),
        calendar_past_days=d.calendar_past_days,
        calendar_future_days=d.calendar_future_days,
    )
    extra: dict[str, Any] = {}
    if stype == "imap":
        security = r.choice("security", SECURITY, "tls")
        extra = dict(
            host=r.required("host"),
            port=r.get("port", int, 993 if security == "tls" else 143),
            security=security,
            tls_verify=r.get("tls_verify", bool, True),
            ca_file=r.get("ca_file", str),
            username=r.required("username"),
            password=_read_password(r),
            folders=r.strings("folders"),
        )
        if not 0 < extra["port"] < 65536:
            r.problem("port", f"must be between 1 and 65535, got {extra['port']}")
    elif stype in ("maildir", "mbox"):
        path = r.required("path")
        if path is not None:
            full = (base / os.path.expanduser(path)).resolve()
            if not full.exists():
                r.problem(
                    "path", f"no such {'directory' if stype == 'maildir' else 'file'}: {path}"
                )
            extra = dict(path=str(full), folders=r.strings("folders"))
    elif stype == "caldav":
        extra = dict(
            url=r.required("url"),
            username=r.required("username"),
            password=_read_password(r),
            calendars=r.strings("calendars"),
            tls_verify=r.get("tls_verify", bool, True),
        )
    elif stype == "ics":
        url, path = r.get("url", str), r.get("path", str)
        if (url is None) == (path is None):
            r.problems.append(f"{r.prefix}: give exactly one of url or path")
        if path is not None:
            path = str((base / os.path.expanduser(path)).resolve())
        extra = dict(url=url, path=path, tls_verify=r.get("tls_verify", bool, True))
    r.reject_unknown()
    if stype is None or name is None:
        return None
    return SourceConfig(**common, **extra)


def load_settings(path: str | os.PathLike[str]) -> Settings:
    """Read and validate a config file; raises ConfigError listing every problem."""
    shown = str(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(shown, ["file not found"]) from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(shown, [f"invalid TOML: {e}"]) from None
    except OSError as e:
        raise ConfigError(shown, [f"cannot read: {e.strerror}"]) from None
    return settings_from_dict(data, shown, Path(path).resolve().parent)


def settings_from_dict(data: dict[str, Any], shown: str, base: Path) -> Settings:
    problems: list[str] = []
    top = _Reader(data, "", problems)
    store = _Reader(top.get("store", dict, {}), "store", problems)
    store_url = store.get("url", str, None) or default_store_url()
    store.reject_unknown()
    defaults_r = _Reader(top.get("defaults", dict, {}), "defaults", problems)
    defaults = _read_defaults(defaults_r)
    defaults_r.reject_unknown()
    logging_r = _Reader(top.get("logging", dict, {}), "logging", problems)
    log_format = logging_r.choice("format", ("text", "json"), "text")
    log_level = logging_r.choice("level", ("DEBUG", "INFO", "WARNING", "ERROR"), "INFO")
    logging_r.reject_unknown()
    web_r = _Reader(top.get("web", dict, {}), "web", problems)
    web = WebConfig(
        enabled=web_r.get("enabled", bool, False),
        host=web_r.get("host", str, "127.0.0.1"),
        port=web_r.get("port", int, 8025),
    )
    web_r.reject_unknown()

    sources: list[SourceConfig] = []
    raw_sources = top.get("sources", list, [])
    for i, raw in enumerate(raw_sources):
        if not isinstance(raw, dict):
            problems.append(f"sources[{i}]: must be a table ([[sources]])")
            continue
        src = _read_source(_Reader(raw, f"sources[{i}]", problems), defaults, base)
        if src is not None:
            sources.append(src)
    seen: set[str] = set()
    for i, src in enumerate(sources):
        if src.name in seen:
            problems.append(f"sources[{i}].name: duplicate source name {src.name!r}")
        seen.add(src.name)
    top.reject_unknown()
    if problems:
        raise ConfigError(shown, problems)
    return Settings(
        path=shown,
        store_url=store_url,
        defaults=defaults,
        sources=tuple(sources),
        log_format=log_format,
        log_level=log_level,
        web=web,
    )
