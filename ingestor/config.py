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
from ingestor.oauth.providers import (
    GOOGLE_CALDAV_URL,
    PROVIDERS,
    ProviderDefaults,
    caldav_provider_defaults,
    provider_defaults,
)

CONTACT_CREATION = ("all", "sent_only", "none")
SECURITY = ("tls", "starttls", "none")
SOURCE_TYPES = ("imap", "maildir", "mbox", "caldav", "ics")
PASSWORD_KEYS = ("password_env", "password_file", "password_command", "password_credential")
AUTH_KINDS = ("password", "oauth2")
OAUTH_KEYS = (
    "oauth_client_id",
    "oauth_client_secret_env",
    "oauth_tenant",
    "oauth_token_url",
    "oauth_device_url",
    "oauth_authorize_url",
    "oauth_scopes",
)
KEY_KEYS = ("key_file", "key_env", "key_credential")


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
    lease_period: float = 60.0  # PostgreSQL: how long a source's lease holds without renewal


@dataclass(frozen=True)
class PasswordSpec:
    """Where a secret lives; the secret itself is only read when a source connects."""

    env: str | None = None
    file: str | None = None
    command: tuple[str, ...] | None = None
    credential: str | None = None  # systemd LoadCredential name, read from $CREDENTIALS_DIRECTORY


@dataclass(frozen=True)
class KeySpec:
    """Where the key that encrypts OAuth refresh tokens lives ([secrets]); never the database."""

    file: str | None = None
    env: str | None = None
    credential: str | None = None  # systemd LoadCredential name

    def describe(self) -> str:
        if self.file is not None:
            return f"secrets.key_file {self.file}"
        if self.env is not None:
            return f"secrets.key_env {self.env}"
        if self.credential is not None:
            return f"secrets.key_credential {self.credential}"
        return "no key configured ([secrets] key_file or key_env)"


@dataclass(frozen=True)
class OAuthConfig:
    """An OAuth2 source's client registration and endpoints, provider defaults filled in."""

    client_id: str
    token_url: str
    scopes: tuple[str, ...]
    device_url: str | None = None
    authorize_url: str | None = None
    client_secret_env: str | None = None
    provider: str | None = None
    label: str = "OAuth"  # whose sign-in, in messages: "Microsoft", "Google"
    flow: str = "device"  # default of `ingestor auth login --flow`
    key: KeySpec = field(default_factory=KeySpec)
    store_url: str = ""  # where the encrypted refresh token is kept


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
    provider: str | None = None
    auth: str = "password"  # or "oauth2" (then `oauth` is set)
    oauth: OAuthConfig | None = None
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
class MetricsConfig:
    # None: /metrics is served on the web port; else (host, port) of a port of its own.
    listen: tuple[str, int] | None = None


def parse_listen(value: object) -> tuple[str, int]:
    """'127.0.0.1:9108' or '[::1]:9108' → (host, port)."""
    text = str(value).strip()
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f'expected "host:port" like "127.0.0.1:9108", got {text!r}')
    return host, int(port)


@dataclass(frozen=True)
class Settings:
    path: str
    store_url: str
    defaults: Defaults
    sources: tuple[SourceConfig, ...]
    log_format: str = "text"
    log_level: str = "INFO"
    web: WebConfig = field(default_factory=WebConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)
    secrets: KeySpec = field(default_factory=KeySpec)

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
        lease_period=r.converted("lease_period", parse_duration, d.lease_period),
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


def _read_key(r: _Reader) -> KeySpec:
    given = [k for k in KEY_KEYS if k in r.table]
    spec = KeySpec(
        file=r.get("key_file", str),
        env=r.get("key_env", str),
        credential=r.get("key_credential", str),
    )
    if len(given) > 1:
        r.problem(given[1], f"give only one of {', '.join(KEY_KEYS)}")
    return spec


def _read_oauth(
    r: _Reader, auth: str, provider: ProviderDefaults | None, key: KeySpec, store_url: str
) -> OAuthConfig | None:
    if auth != "oauth2":
        for name in OAUTH_KEYS:
            if name in r.table:
                r.used.add(name)
                r.problem(name, 'is only used with auth = "oauth2"')
        return None
    client_id = r.required("oauth_client_id")
    secret_env = r.get("oauth_client_secret_env", str)
    if secret_env is not None and secret_env not in os.environ:
        r.problem("oauth_client_secret_env", f"environment variable {secret_env} is not set")
    tenant = r.get("oauth_tenant", str)
    if tenant is not None and (provider is None or provider.label != "Microsoft"):
        r.problem("oauth_tenant", 'is only used with provider = "microsoft"')
    if provider is None:
        token_url = r.required("oauth_token_url")
        scopes = r.strings("oauth_scopes")
        if not scopes and "oauth_scopes" not in r.table:
            r.problem("oauth_scopes", "is required without a provider")
    else:
        token_url = r.get("oauth_token_url", str, provider.token_url)
        scopes = r.strings("oauth_scopes", provider.scopes)
    device_url = r.get("oauth_device_url", str, provider.device_url if provider else None)
    authorize_url = r.get("oauth_authorize_url", str, provider.authorize_url if provider else None)
    for name, url in (
        ("oauth_token_url", token_url),
        ("oauth_device_url", device_url),
        ("oauth_authorize_url", authorize_url),
    ):
        if isinstance(url, str) and not url.startswith(("https://", "http://")):
            r.problem(name, f"must be an http(s) URL, got {url!r}")
    if not isinstance(client_id, str) or not isinstance(token_url, str) or not scopes:
        return None
    return OAuthConfig(
        client_id=client_id,
        token_url=token_url,
        scopes=scopes,
        device_url=device_url,
        authorize_url=authorize_url,
        client_secret_env=secret_env,
        provider=r.table.get("provider"),
        label=provider.label if provider else "OAuth",
        flow=provider.flow if provider else ("device" if device_url else "loopback"),
        key=key,
        store_url=store_url,
    )


def _read_imap(r: _Reader, key: KeySpec, store_url: str) -> dict[str, Any]:
    provider: ProviderDefaults | None = None
    name = r.get("provider", str)
    if name is not None:
        if name not in PROVIDERS:
            r.problem("provider", f"must be one of {', '.join(PROVIDERS)}, got {name!r}")
        else:
            tenant = r.table.get("oauth_tenant", "organizations")
            provider = provider_defaults(name, tenant if isinstance(tenant, str) else "")
    auth = r.choice("auth", AUTH_KINDS, "password")
    security = r.choice("security", SECURITY, provider.security if provider else "tls")
    password = _no_password(r) if auth == "oauth2" else _read_password(r)
    extra = dict(
        host=r.get("host", str, provider.host) if provider else r.required("host"),
        port=r.get("port", int, 993 if security == "tls" else 143),
        security=security,
        tls_verify=r.get("tls_verify", bool, True),
        ca_file=r.get("ca_file", str),
        username=r.required("username"),
        password=password,
        folders=r.strings("folders", provider.folders if provider else ()),
        provider=name if provider else None,
        auth=auth,
        oauth=_read_oauth(r, auth, provider, key, store_url),
    )
    if not 0 < extra["port"] < 65536:
        r.problem("port", f"must be between 1 and 65535, got {extra['port']}")
    return extra


def _read_caldav(r: _Reader, key: KeySpec, store_url: str) -> dict[str, Any]:
    provider: ProviderDefaults | None = None
    name = r.get("provider", str)
    if name == "microsoft":
        r.problem(
            "provider",
            'Microsoft 365 calendars have no CalDAV; only provider = "google" is available '
            "for a caldav source",
        )
        provider = provider_defaults("microsoft")  # only to spare follow-on errors
    elif name is not None:
        if name not in PROVIDERS:
            r.problem("provider", f"must be one of {', '.join(PROVIDERS)}, got {name!r}")
        else:
            provider = caldav_provider_defaults(name)
    auth = r.choice("auth", AUTH_KINDS, "password")
    password = _no_password(r) if auth == "oauth2" else _read_password(r)
    return dict(
        url=r.get("url", str, GOOGLE_CALDAV_URL) if name == "google" else r.required("url"),
        username=r.required("username"),
        password=password,
        calendars=r.strings("calendars"),
        tls_verify=r.get("tls_verify", bool, True),
        provider=name if name in PROVIDERS else None,
        auth=auth,
        oauth=_read_oauth(r, auth, provider, key, store_url),
    )


def _no_password(r: _Reader) -> PasswordSpec | None:
    """With auth = "oauth2": no password key may be given."""
    for k in (*PASSWORD_KEYS, "password"):
        if k in r.table:
            r.used.add(k)
            r.problem(k, 'is not used with auth = "oauth2"')
    return None


def _read_source(
    r: _Reader, d: Defaults, base: Path, key: KeySpec = KeySpec(), store_url: str = ""
) -> SourceConfig | None:
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
        extra = _read_imap(r, key, store_url)
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
        extra = _read_caldav(r, key, store_url)
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
    metrics_r = _Reader(top.get("metrics", dict, {}), "metrics", problems)
    metrics = MetricsConfig(listen=metrics_r.converted("listen", parse_listen, None))
    metrics_r.reject_unknown()
    secrets_r = _Reader(top.get("secrets", dict, {}), "secrets", problems)
    key = _read_key(secrets_r)
    secrets_r.reject_unknown()

    sources: list[SourceConfig] = []
    raw_sources = top.get("sources", list, [])
    for i, raw in enumerate(raw_sources):
        if not isinstance(raw, dict):
            problems.append(f"sources[{i}]: must be a table ([[sources]])")
            continue
        src = _read_source(_Reader(raw, f"sources[{i}]", problems), defaults, base, key, store_url)
        if src is not None:
            sources.append(src)
    seen: set[str] = set()
    for i, src in enumerate(sources):
        if src.name in seen:
            problems.append(f"sources[{i}].name: duplicate source name {src.name!r}")
        seen.add(src.name)
    oauth_sources = [src.name for src in sources if src.auth == "oauth2"]
    if oauth_sources and key == KeySpec():
        problems.append(
            f"secrets: key_file or key_env is required by the OAuth2 sources "
            f"({', '.join(oauth_sources)}); create a key with `ingestor auth keygen PATH`"
        )
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
        metrics=metrics,
        secrets=key,
    )
