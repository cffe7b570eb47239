"""The value types of the TOML config, and the base model that reports a table's problems at once.

Every type here states its bound and says, in one line, what is wrong with a bad value: the
loader (config.py) only prefixes the file and the key. A problem is a pydantic error of type
"config" whose message is that line, so whole tables are checked by pydantic and every problem
of every table comes back in one ValidationError.

A model can be built in two ways:
- from a TOML table, with a FileContext: keys are the TOML names, relative paths are relative to
  the config file, and the environment (variables, files) is checked;
- in code (tests, the demo), without one: keyword arguments are the attribute names and nothing
  outside the values is looked at.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Strict,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

PROBLEM = "config"  # the pydantic error type of every problem written here
Problem = tuple[tuple[str | int, ...], str]  # (location in the table, message)


def problem(message: str) -> PydanticCustomError:
    """A one-line problem; the message is passed as a value so braces in it are kept as typed."""
    return PydanticCustomError(PROBLEM, "{message}", {"message": message})


@dataclass(frozen=True)
class FileContext:
    """Given to pydantic as the validation context when a table comes from a config file."""

    base: Path  # the config file's directory: relative paths are relative to it
    check_environment: bool = True  # env variables set, password files and directories present


def file_context(info: ValidationInfo) -> FileContext | None:
    return info.context if isinstance(info.context, FileContext) else None


def _environment(info: ValidationInfo) -> bool:
    ctx = file_context(info)
    return ctx is not None and ctx.check_environment


class ConfigModel(BaseModel):
    """A frozen config table: unknown keys are refused, with a "did you mean" hint.

    `extra="forbid"` refuses unknown keys in code; a table read from a file may hold only
    `file_keys()`: not the attributes in `not_in_file` (filled in from elsewhere, e.g. from
    [defaults]) and, for an attribute with a validation alias, only the alias.
    Subclasses add rules across keys in `table_rules`, which sees the raw table, so its problems
    are reported together with those of each key, even when some key is invalid.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    not_in_file: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def file_keys(cls) -> tuple[str, ...]:
        """The keys a TOML table of this model may hold."""
        return tuple(
            f.validation_alias if isinstance(f.validation_alias, str) else name
            for name, f in cls.model_fields.items()
            if name not in cls.not_in_file
        )

    @classmethod
    def unknown_key(cls, key: str) -> str:
        close = difflib.get_close_matches(key, cls.file_keys(), n=1, cutoff=0.6)
        return f"unknown key; did you mean {close[0]!r}?" if close else "unknown key"

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        """Problems across keys, from the raw table; may fill in derived values in `data`."""
        return []

    @classmethod
    def completed(cls, model: Any, info: ValidationInfo) -> Any:
        """The valid model with attributes derived from several keys; the model by default."""
        return model

    @model_validator(mode="wrap")
    @classmethod
    def _whole_table(
        cls, data: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> Any:
        if not isinstance(data, dict):
            return handler(data)
        data = dict(data)
        found: list[Problem] = []
        if file_context(info) is not None:  # a file's keys; attribute names are for code
            for key in [k for k in data if k not in cls.file_keys()]:
                found.append(((key,), cls.unknown_key(str(key))))
                del data[key]
        found += cls.table_rules(data, info)
        try:
            model = handler(data)
        except ValidationError as e:
            raise _merged(cls, found, e) from None
        if found:
            raise _merged(cls, found, None)
        return cls.completed(model, info)


def _merged(
    cls: type[ConfigModel], found: list[Problem], e: ValidationError | None
) -> ValidationError:
    """One ValidationError with pydantic's problems and the table's own, keeping each location."""
    details: list[InitErrorDetails] = []
    for err in e.errors(include_url=False) if e else []:
        kind, message = err["type"], err["msg"]
        if kind == "extra_forbidden" and len(err["loc"]) == 1:
            kind, message = PROBLEM, cls.unknown_key(str(err["loc"][0]))
        ctx = {**err.get("ctx", {}), "message": message}
        details.append(
            {
                "type": PydanticCustomError(kind, "{message}", ctx),
                "loc": err["loc"],
                "input": err.get("input"),
            }
        )
    details += [{"type": problem(msg), "loc": loc, "input": None} for loc, msg in found]
    return ValidationError.from_exception_data(cls.__name__, details)


# --- durations, sizes, days -------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$")
_DAYS = re.compile(r"^\s*(?:(\d+)\s*y)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*w)?\s*(?:(\d+)\s*d)?\s*$")
_DAY_UNITS = (365, 30, 7, 1)  # y, m (30 days), w, d
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


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_duration(value: object) -> float:
    """'5m', '1h30m', '45s' or a number of seconds."""
    if _number(value):
        assert isinstance(value, int | float)
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


def parse_days(value: object) -> int:
    """'3y', '18m', '2w', '400d', '1y6m' or a number of days; a year is 365 days, a month 30."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    if isinstance(value, str):
        m = _DAYS.match(value)
        if m and any(m.groups()):
            return sum(int(g or 0) * unit for g, unit in zip(m.groups(), _DAY_UNITS, strict=True))
    raise ValueError(f"expected a duration like '3y', '18m' or '400d', got {value!r}")


def _at_most(limit: float, shown: Callable[[Any], str] = str) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        if value > limit:
            raise problem(f"must be at most {shown(limit)}, got {shown(value)}")
        return value

    return check


def _parsed(parse: Callable[[object], Any], bound: Callable[[Any], Any]) -> BeforeValidator:
    def convert(value: object) -> Any:
        try:
            parsed = parse(value)
        except ValueError as e:
            raise problem(str(e)) from None
        return bound(parsed)

    return BeforeValidator(convert)


def _seconds(s: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size and s % size == 0:
            return f"{s / size:g}{unit}"
    return f"{s:g}s"


# Metadata for Annotated: `Annotated[float, duration(3600)]` and so on.


def duration(max_seconds: float) -> BeforeValidator:
    """Seconds, from "30s", "5m", "1h30m" or a number; positive and at most `max_seconds`."""
    return _parsed(parse_duration, _at_most(max_seconds, _seconds))


def size(max_bytes: int) -> BeforeValidator:
    """Bytes, from "25MB", "10 MiB" or a number; positive and at most `max_bytes`."""
    return _parsed(parse_size, _at_most(max_bytes))


def days(max_days: int) -> BeforeValidator:
    """Days, from "3y", "18m", "400d" or a number of days; 0 to `max_days`."""
    return _parsed(parse_days, _at_most(max_days))


def between(low: int, high: int) -> AfterValidator:
    """For `Annotated[int, Strict(), between(1, 9)]`: a string or a bool is refused, not read."""

    def check(value: int) -> int:
        if not low <= value <= high:
            raise problem(f"must be {low} to {high}, got {value}")
        return value

    return AfterValidator(check)


def one_of(*options: str) -> AfterValidator:
    """For `Annotated[str, Strict(), one_of("a", "b")]`: one of `options`, spelled exactly."""

    def check(value: str) -> str:
        if value not in options:
            raise problem(f"must be one of {', '.join(options)}, got {value!r}")
        return value

    return AfterValidator(check)


Port = Annotated[int, Strict(), between(1, 65535)]
Flag = Annotated[bool, Strict()]


def _not_empty(value: str) -> str:
    if not value.strip():
        raise problem("must not be empty")
    return value


Text = Annotated[str, Strict(), AfterValidator(_not_empty)]


def _region(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value):
        raise problem(f"must be a two-letter country code, got {value!r}")
    return value.upper()


Region = Annotated[str, Strict(), AfterValidator(_region)]


def _http_url(value: str) -> str:
    if not value.startswith(("https://", "http://")):
        raise problem(f"must be an http(s) URL, got {value!r}")
    return value


Url = Annotated[str, Strict(), AfterValidator(_http_url)]


def _names(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise problem("must be a list of non-empty strings")
    return tuple(value)


Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
LowerNames = Annotated[
    tuple[str, ...], BeforeValidator(lambda v: tuple(x.lower() for x in _names(v)))
]


def _some(value: tuple[str, ...]) -> tuple[str, ...]:
    if not value:
        raise problem("must not be empty")
    return value


SomeNames = Annotated[Names, AfterValidator(_some)]


# --- the environment: variables and files, checked only when reading a file ------------------


def _env_set(value: str, info: ValidationInfo) -> str:
    if _environment(info) and value not in os.environ:
        raise problem(f"environment variable {value} is not set")
    return value


EnvVar = Annotated[Text, AfterValidator(_env_set)]


def _file_present(value: str, info: ValidationInfo) -> str:
    if _environment(info) and not os.path.isfile(os.path.expandvars(value)):
        raise problem(f"no such file: {value}")
    return value


ExistingFile = Annotated[Text, AfterValidator(_file_present)]


def local_path(must_exist: str | None = None) -> AfterValidator:
    """For `Annotated[Text, local_path("directory")]`: from a file, made absolute against the
    file's directory; `must_exist` names what must be there when the environment is checked."""

    def resolve(value: str, info: ValidationInfo) -> str:
        ctx = file_context(info)
        if ctx is None:
            return value
        full = (ctx.base / os.path.expanduser(value)).resolve()
        if must_exist and ctx.check_environment and not full.exists():
            raise problem(f"no such {must_exist}: {value}")
        return str(full)

    return AfterValidator(resolve)


def article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"
