"""The keys of a source that logs in (IMAP, CalDAV): a password kept elsewhere, or OAuth2.

In a file the password and the OAuth2 client are flat keys (`password_env`, `oauth_client_id`,
...); the model turns them into `password` (a PasswordSpec) and `oauth` (an OAuthConfig with the
provider's defaults filled in), which is what the sources read. Which keys go together is
decided from the raw table, so those problems come with every other one.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, Strict, ValidationInfo, field_validator

from ingestor.configdefaults import SourceContext
from ingestor.configsecrets import PASSWORD_KEYS, KeySpec, OAuthConfig, PasswordSpec
from ingestor.configsource import NetworkSourceConfig
from ingestor.configtypes import (
    EnvVar,
    ExistingFile,
    Problem,
    SomeNames,
    Text,
    Url,
    one_of,
    problem,
)
from ingestor.oauth.providers import ProviderDefaults

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
OAUTH2_ONLY = 'is only used with auth = "oauth2"'


class LoginSourceConfig(NetworkSourceConfig):
    username: Text
    auth: Annotated[str, Strict(), one_of(*AUTH_KINDS)] = "password"
    provider: Text | None = None  # each source type says which it knows
    # Where the password lives: exactly one of these four keys (never the password itself).
    password: PasswordSpec | None = None
    password_env: EnvVar | None = Field(None, repr=False)
    password_file: ExistingFile | None = Field(None, repr=False)
    password_command: SomeNames | None = Field(None, repr=False)
    password_credential: Text | None = Field(None, repr=False)
    # With auth = "oauth2": the client registration; a provider fills in the rest.
    oauth: OAuthConfig | None = None
    oauth_client_id: Text | None = Field(None, repr=False)
    oauth_client_secret_env: EnvVar | None = Field(None, repr=False)
    oauth_tenant: Text | None = Field(None, repr=False)
    oauth_token_url: Url | None = Field(None, repr=False)
    oauth_device_url: Url | None = Field(None, repr=False)
    oauth_authorize_url: Url | None = Field(None, repr=False)
    oauth_scopes: SomeNames | None = Field(None, repr=False)

    not_in_file = NetworkSourceConfig.not_in_file | {"oauth"}

    @field_validator("password", mode="before")
    @classmethod
    def _no_plain_password(cls, value: object) -> object:
        if value is not None and not isinstance(value, PasswordSpec):
            raise problem("plain passwords are not accepted; use " + " or ".join(PASSWORD_KEYS))
        return value

    @classmethod
    def provider_defaults(cls, name: str, tenant: str) -> ProviderDefaults | None:
        """The defaults of a provider this source type knows; None for any other name."""
        return None

    @classmethod
    def known_provider(cls, data: dict[str, Any]) -> ProviderDefaults | None:
        name, tenant = data.get("provider"), data.get("oauth_tenant", "organizations")
        if not isinstance(name, str):
            return None
        return cls.provider_defaults(name, tenant if isinstance(tenant, str) else "")

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        found = super().table_rules(data, info)
        given = [k for k in (*PASSWORD_KEYS, "password") if data.get(k) is not None]
        if data.get("auth", "password") == "oauth2":
            found += [((k,), 'is not used with auth = "oauth2"') for k in given]
            if data.get("oauth") is None:
                found += _oauth_required(data, cls.known_provider(data) is not None)
            return found
        found += [((k,), OAUTH2_ONLY) for k in (*OAUTH_KEYS, "oauth") if data.get(k) is not None]
        if len(given) > 1:
            found.append(((given[1],), f"give only one of {', '.join(PASSWORD_KEYS)}"))
        if not given:
            found.append(((), f"one of {', '.join(PASSWORD_KEYS)} is required"))
        return found

    @classmethod
    def completed(cls, model: Any, info: ValidationInfo) -> Any:
        updates: dict[str, object] = {}
        if any(getattr(model, k) is not None for k in PASSWORD_KEYS):
            updates["password"] = PasswordSpec(
                env=model.password_env,
                file=model.password_file,
                command=model.password_command,
                credential=model.password_credential,
            )
        if model.auth == "oauth2" and model.oauth is None:
            ctx = info.context if isinstance(info.context, SourceContext) else None
            updates["oauth"] = model.oauth_client(ctx)
        return model.model_copy(update=updates) if updates else model

    def oauth_client(self, ctx: SourceContext | None) -> OAuthConfig:
        """The OAuth2 client: this table's keys, else the provider's defaults."""
        tenant = self.oauth_tenant or "organizations"
        pd = self.provider_defaults(self.provider, tenant) if self.provider else None
        token_url = self.oauth_token_url or (pd.token_url if pd else None)
        scopes = self.oauth_scopes or (pd.scopes if pd else None)
        assert self.oauth_client_id and token_url and scopes  # table_rules required them
        device_url = self.oauth_device_url or (pd.device_url if pd else None)
        return OAuthConfig(
            client_id=self.oauth_client_id,
            token_url=token_url,
            scopes=scopes,
            device_url=device_url,
            authorize_url=self.oauth_authorize_url or (pd.authorize_url if pd else None),
            client_secret_env=self.oauth_client_secret_env,
            provider=self.provider,
            label=pd.label if pd else "OAuth",
            flow=pd.flow if pd else ("device" if device_url else "loopback"),
            key=ctx.key if ctx else KeySpec(),
            store_url=ctx.store_url if ctx else "",
        )


def _oauth_required(data: dict[str, Any], has_provider: bool) -> list[Problem]:
    found: list[Problem] = []
    if data.get("oauth_client_id") is None:
        found.append((("oauth_client_id",), "is required"))
    if data.get("oauth_tenant") is not None and data.get("provider") != "microsoft":
        found.append((("oauth_tenant",), 'is only used with provider = "microsoft"'))
    if not has_provider:
        if data.get("oauth_token_url") is None:
            found.append((("oauth_token_url",), "is required"))
        if data.get("oauth_scopes") is None:
            found.append((("oauth_scopes",), "is required without a provider"))
    return found
