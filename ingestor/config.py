"""TOML configuration → validated, typed settings, reporting every problem at once.

The tables are pydantic models (frozen, unknown keys refused): [defaults] and the sections here,
and one model per source type, declared beside its source module and joined below into a union
discriminated by `type`. Every problem of every table is collected and reported as one line
"file: key: message" (the file name is prefixed by ConfigError), so an admin fixes a whole
config in one round instead of one error per restart.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, TypeVar

import platformdirs
from pydantic import BeforeValidator, Field, Strict, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from ingestor.configdefaults import CONTACT_CREATION, MAX_PARSE_WORKERS, Defaults, SourceContext
from ingestor.configsecrets import (
    KEY_KEYS,
    PASSWORD_KEYS,
    KeySpec,
    OAuthConfig,
    PasswordSpec,
    SecretsSection,
)
from ingestor.configsource import NetworkSourceConfig, SourceConfig
from ingestor.configtypes import (
    PROBLEM,
    ConfigModel,
    FileContext,
    Flag,
    Port,
    Text,
    article,
    one_of,
    parse_days,
    parse_duration,
    parse_size,
    problem,
)
from ingestor.errors import ConfigError
from ingestor.sources.caldav_config import CalDavSourceConfig
from ingestor.sources.ics_config import IcsSourceConfig
from ingestor.sources.imap_config import SECURITY, ImapSourceConfig
from ingestor.sources.loginconfig import AUTH_KINDS, OAUTH_KEYS, LoginSourceConfig
from ingestor.sources.maildir_config import MaildirSourceConfig
from ingestor.sources.mbox_config import MboxSourceConfig

__all__ = [
    "AUTH_KINDS",
    "CONTACT_CREATION",
    "KEY_KEYS",
    "MAX_PARSE_WORKERS",
    "OAUTH_KEYS",
    "PASSWORD_KEYS",
    "SECURITY",
    "SOURCE_TYPES",
    "AnySourceConfig",
    "CalDavSourceConfig",
    "Defaults",
    "IcsSourceConfig",
    "ImapSourceConfig",
    "KeySpec",
    "LoginSourceConfig",
    "MaildirSourceConfig",
    "MboxSourceConfig",
    "NetworkSourceConfig",
    "OAuthConfig",
    "PasswordSpec",
    "Settings",
    "SourceConfig",
    "MetricsConfig",
    "WebConfig",
    "default_store_url",
    "load_settings",
    "parse_days",
    "parse_duration",
    "parse_size",
    "settings_from_dict",
    "source_config",
]

AnySourceConfig = Annotated[
    ImapSourceConfig
    | MaildirSourceConfig
    | MboxSourceConfig
    | CalDavSourceConfig
    | IcsSourceConfig,
    Field(discriminator="type"),
]
SOURCE_TYPES = ("imap", "maildir", "mbox", "caldav", "ics")
_SOURCE = TypeAdapter[SourceConfig](AnySourceConfig)


class StoreSection(ConfigModel):
    url: Text | None = None  # SQLAlchemy URL; default: a SQLite file in the user's data dir


class LoggingSection(ConfigModel):
    format: Annotated[str, Strict(), one_of("text", "json")] = "text"
    level: Annotated[str, Strict(), one_of("DEBUG", "INFO", "WARNING", "ERROR")] = "INFO"


class WebConfig(ConfigModel):
    enabled: Flag = False  # serve the review UI from `ingestor run` too
    host: Text = "127.0.0.1"
    port: Port = 8025


def parse_listen(value: object) -> tuple[str, int]:
    """'127.0.0.1:9108' or '[::1]:9108' → (host, port)."""
    if isinstance(value, tuple):
        return value
    text = str(value).strip()
    host, sep, port = text.rpartition(":")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise problem(f'expected "host:port" like "127.0.0.1:9108", got {text!r}')
    return host, int(port)


class MetricsConfig(ConfigModel):
    # None: /metrics is served on the web port; else (host, port) of a port of its own.
    listen: Annotated[tuple[str, int] | None, BeforeValidator(parse_listen)] = None


def parse_keep(value: object) -> int | None:
    """A retention period: "off" (keep for ever) or a duration in days like "3y", "30d"."""
    if value is None or value == "off":
        return None
    try:
        days = parse_days(value)
    except ValueError:
        raise problem(
            f'expected "off" or a duration like "3y", "18m", "30d", got {value!r}'
        ) from None
    if not 1 <= days <= 100 * 365:
        raise problem(f"must be 1 day to 100y, got {days} days")
    return days


Keep = Annotated[int | None, BeforeValidator(parse_keep)]


class RetentionConfig(ConfigModel):
    """How long things are kept (days; None: for ever). A daily job erases what is older."""

    interactions: Keep = None  # mail, meetings and calls, by when they happened
    contacts_without_interaction: Keep = None  # contacts with no interaction for that long
    quarantine: Keep = 30  # raw bytes of unparseable items (their ledger rows stay)
    rejected: Keep = None  # what is left of auto-created contacts a recruiter rejected


class ConfigFile(ConfigModel):
    """The top level of the file: which tables it may have; each is read by its own model."""

    store: dict[str, Any] = {}
    defaults: dict[str, Any] = {}
    logging: dict[str, Any] = {}
    web: dict[str, Any] = {}
    metrics: dict[str, Any] = {}
    retention: dict[str, Any] = {}
    secrets: dict[str, Any] = {}
    sources: list[Any] = []


class Settings(ConfigModel):
    path: str
    store_url: str
    defaults: Defaults
    sources: tuple[SourceConfig, ...]
    log_format: str = "text"
    log_level: str = "INFO"
    web: WebConfig = WebConfig()
    metrics: MetricsConfig = MetricsConfig()
    retention: RetentionConfig = RetentionConfig()
    secrets: KeySpec = KeySpec()

    def source(self, name: str) -> SourceConfig:
        for s in self.sources:
            if s.name == name:
                return s
        raise ConfigError(self.path, [f"--source: no source named {name!r}"])


def source_config(**values: Any) -> SourceConfig:
    """A source's config built in code, as the model of its `type` (a plain SourceConfig for a
    type only tests know, like "memory"); no file, so nothing in the environment is checked."""
    if values.get("type") in SOURCE_TYPES:
        return _SOURCE.validate_python(values)
    return SourceConfig(**values)


def default_store_url() -> str:
    data = Path(platformdirs.user_data_dir("ingestor"))
    return f"sqlite:///{data / 'ingestor.db'}"


def load_settings(path: str | os.PathLike[str], check_environment: bool = True) -> Settings:
    """Read and validate a config file; raises ConfigError listing every problem.

    With check_environment=False, only the file itself is judged: environment variables,
    password files and mail directories it names need not exist (for checking an example).
    """
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
    return settings_from_dict(data, shown, Path(path).resolve().parent, check_environment)


def settings_from_dict(
    data: dict[str, Any], shown: str, base: Path, check_environment: bool = True
) -> Settings:
    problems: list[str] = []
    context = FileContext(base, check_environment)
    _valid(TypeAdapter(ConfigFile), data, "", context, problems)

    def table(name: str) -> dict[str, Any]:
        value = data.get(name)
        return value if isinstance(value, dict) else {}

    store = _valid(TypeAdapter(StoreSection), table("store"), "store", context, problems)
    defaults = _valid(TypeAdapter(Defaults), table("defaults"), "defaults", context, problems)
    logging = _valid(TypeAdapter(LoggingSection), table("logging"), "logging", context, problems)
    web = _valid(TypeAdapter(WebConfig), table("web"), "web", context, problems)
    metrics = _valid(TypeAdapter(MetricsConfig), table("metrics"), "metrics", context, problems)
    secrets = _valid(TypeAdapter(SecretsSection), table("secrets"), "secrets", context, problems)
    retention = _valid(
        TypeAdapter(RetentionConfig), table("retention"), "retention", context, problems
    )
    store_url = (store.url if store else None) or default_store_url()
    key = secrets.spec() if secrets else None
    sources = _read_sources(
        data.get("sources"),
        SourceContext(base, check_environment, defaults or Defaults(), key or KeySpec(), store_url),
        problems,
    )
    oauth_sources = [
        s.name for s in sources if isinstance(s, LoginSourceConfig) and s.auth == "oauth2"
    ]
    if oauth_sources and key == KeySpec():
        problems.append(
            f"secrets: key_file or key_env is required by the OAuth2 sources "
            f"({', '.join(oauth_sources)}); create a key with `ingestor auth keygen PATH`"
        )
    if problems:
        raise ConfigError(shown, problems)
    assert defaults and logging and web and key  # each was valid, or there were problems
    return Settings(
        path=shown,
        store_url=store_url,
        defaults=defaults,
        sources=tuple(sources),
        log_format=logging.format,
        log_level=logging.level,
        web=web,
        metrics=metrics or MetricsConfig(),
        retention=retention or RetentionConfig(),
        secrets=key,
    )


def _read_sources(raw: object, context: SourceContext, problems: list[str]) -> list[SourceConfig]:
    sources: list[SourceConfig] = []
    seen: set[str] = set()
    for i, table in enumerate(raw if isinstance(raw, list) else []):
        where = f"sources[{i}]"
        if not isinstance(table, dict):
            problems.append(f"{where}: must be a table ([[sources]])")
            continue
        source = _valid(_SOURCE, table, where, context, problems, tagged=True)
        if source is None:
            continue
        if source.name in seen:
            problems.append(f"{where}.name: duplicate source name {source.name!r}")
        seen.add(source.name)
        sources.append(source)
    return sources


T = TypeVar("T")


def _valid(
    adapter: TypeAdapter[T],
    data: object,
    where: str,
    context: FileContext,
    problems: list[str],
    tagged: bool = False,
) -> T | None:
    """The validated value, or None with its problems appended as "where.key: message"."""
    try:
        return adapter.validate_python(data, context=context)
    except ValidationError as e:
        problems += [_line(where, err, tagged) for err in e.errors(include_url=False)]
        return None


_TYPE_NAMES = {
    "int_type": "int",
    "string_type": "str",
    "bool_type": "bool",
    "float_type": "float",
    "list_type": "list",
    "tuple_type": "list",
    "dict_type": "table",
    "model_type": "table",
    "model_attributes_type": "table",
}


def _line(where: str, err: ErrorDetails, tagged: bool) -> str:
    """One problem as "where.key: message", in the words of the old hand-written checks."""
    loc = list(err["loc"])
    if tagged and loc:
        loc = loc[1:]  # the union's tag ("imap"), which is no key of the table
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == PROBLEM:
        message = str(ctx.get("message", err["msg"]))
    elif kind == "missing":
        message = "is required"
    elif kind in _TYPE_NAMES:
        got = {"dict": "table"}.get(type(err["input"]).__name__, type(err["input"]).__name__)
        message = f"must be {article(_TYPE_NAMES[kind])}, got {got}"
    elif kind == "union_tag_invalid":
        loc = ["type"]
        message = f"unknown source type {ctx.get('tag')!r} (known: {', '.join(SOURCE_TYPES)})"
    elif kind == "union_tag_not_found":
        loc, message = ["type"], "is required"
    elif kind == "extra_forbidden":
        message = "unknown key"
    else:
        message = err["msg"]
    key = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    return f"{where}.{key}: {message}".lstrip(".") if key else f"{where}: {message}"
