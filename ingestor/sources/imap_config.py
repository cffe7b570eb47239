"""The [[sources]] table of `type = "imap"` (read by imap.py); a provider fills in the server."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Strict, ValidationInfo, field_validator

from ingestor.configtypes import Names, Port, Problem, Text, one_of, problem
from ingestor.oauth.providers import PROVIDERS, ProviderDefaults, provider_defaults
from ingestor.sources.loginconfig import LoginSourceConfig

SECURITY = ("tls", "starttls", "none")


class ImapSourceConfig(LoginSourceConfig):
    type: Literal["imap"]
    host: Text
    port: Port = 993  # default: 993 with tls, 143 otherwise
    security: Annotated[str, Strict(), one_of(*SECURITY)] = "tls"
    folders: Names = ()  # default: INBOX and the folder flagged \Sent

    @field_validator("provider")
    @classmethod
    def _known(cls, name: str | None) -> str | None:
        if name is not None and name not in PROVIDERS:
            raise problem(f"must be one of {', '.join(PROVIDERS)}, got {name!r}")
        return name

    @classmethod
    def provider_defaults(cls, name: str, tenant: str) -> ProviderDefaults | None:
        return provider_defaults(name, tenant) if name in PROVIDERS else None

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        found = super().table_rules(data, info)
        provider = cls.known_provider(data)
        if provider is not None:
            data.setdefault("host", provider.host)
            data.setdefault("security", provider.security)
            data.setdefault("folders", provider.folders)
        if "port" not in data:
            data["port"] = 993 if data.get("security", "tls") == "tls" else 143
        return found
