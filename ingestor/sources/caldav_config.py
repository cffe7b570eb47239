"""The [[sources]] table of `type = "caldav"` (read by caldav.py and davhttp.py)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ValidationInfo, field_validator

from ingestor.configsource import CALENDAR_NOT_IN_FILE
from ingestor.configtypes import Names, Problem, Url, problem
from ingestor.oauth.providers import (
    GOOGLE_CALDAV_URL,
    PROVIDERS,
    ProviderDefaults,
    caldav_provider_defaults,
    provider_defaults,
)
from ingestor.sources.loginconfig import LoginSourceConfig


class CalDavSourceConfig(LoginSourceConfig):
    type: Literal["caldav"]
    url: Url  # a calendar, or a principal / calendar home whose calendars are discovered
    calendars: Names = ()  # choose among discovered calendars by name

    not_in_file = CALENDAR_NOT_IN_FILE | {"oauth"}

    @field_validator("provider")
    @classmethod
    def _known(cls, name: str | None) -> str | None:
        if name == "microsoft":
            raise problem(
                'Microsoft 365 calendars have no CalDAV; only provider = "google" is available '
                "for a caldav source"
            )
        if name is not None and name not in PROVIDERS:
            raise problem(f"must be one of {', '.join(PROVIDERS)}, got {name!r}")
        return name

    @classmethod
    def provider_defaults(cls, name: str, tenant: str) -> ProviderDefaults | None:
        if name == "microsoft":  # refused above; its defaults only spare follow-on problems
            return provider_defaults("microsoft")
        return caldav_provider_defaults(name) if name == "google" else None

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        found = super().table_rules(data, info)
        if data.get("provider") == "google":
            data.setdefault("url", GOOGLE_CALDAV_URL)
        return found
