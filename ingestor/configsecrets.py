"""Where secrets live (password, token key) and an OAuth2 client registration, as config values.

The specs only say where a secret is; secrets.py and oauth/keys.py read it when a source
connects, so a config can be loaded and shown without ever touching a secret.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationInfo

from ingestor.configtypes import ConfigModel, Problem, Text

PASSWORD_KEYS = ("password_env", "password_file", "password_command", "password_credential")
KEY_KEYS = ("key_file", "key_env", "key_credential")


class PasswordSpec(ConfigModel):
    """Where a secret lives; the secret itself is only read when a source connects."""

    env: str | None = None
    file: str | None = None
    command: tuple[str, ...] | None = None
    credential: str | None = None  # systemd LoadCredential name, read from $CREDENTIALS_DIRECTORY


class KeySpec(ConfigModel):
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


class SecretsSection(ConfigModel):
    """The [secrets] table: exactly one place for the token key, or none without OAuth2."""

    key_file: Text | None = None
    key_env: Text | None = None
    key_credential: Text | None = None

    @classmethod
    def table_rules(cls, data: dict[str, Any], info: ValidationInfo) -> list[Problem]:
        given = [k for k in KEY_KEYS if k in data]
        if len(given) > 1:
            return [((given[1],), f"give only one of {', '.join(KEY_KEYS)}")]
        return []

    def spec(self) -> KeySpec:
        return KeySpec(file=self.key_file, env=self.key_env, credential=self.key_credential)


class OAuthConfig(ConfigModel):
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
    key: KeySpec = KeySpec()
    store_url: str = ""  # where the encrypted refresh token is kept
