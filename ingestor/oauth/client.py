"""The provider's token and device endpoints over HTTP (RFC 6749, 8628, 7636), with a timeout.

Every request names the client (and sends its secret when one is configured). Responses are
turned into small types whose repr hides the tokens; errors carry the RFC 6749 error code and
the provider's description, never a token.
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass, field
from typing import Any

import httpx

from ingestor.config import OAuthConfig
from ingestor.errors import IngestorError

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


class OAuthError(IngestorError):
    """The provider refused (``error`` is RFC 6749's code) or could not be reached (None)."""

    def __init__(self, error: str | None, description: str) -> None:
        self.error = error
        self.description = description
        super().__init__(f"{error}: {description}" if error else description)


@dataclass(frozen=True)
class TokenResponse:
    access_token: str = field(repr=False)
    expires_in: float
    refresh_token: str | None = field(repr=False)
    scopes: tuple[str, ...]


@dataclass(frozen=True)
class DeviceAuthorization:
    device_code: str = field(repr=False)
    user_code: str
    verification_uri: str
    verification_uri_complete: str | None
    interval: float
    expires_in: float


class OAuthClient:
    """One source's OAuth client registration talking to its provider."""

    def __init__(
        self,
        oauth: OAuthConfig,
        timeout: float = 30.0,
        tls_verify: bool = True,
        ca_file: str | None = None,
    ) -> None:
        self.oauth = oauth
        self.timeout = timeout
        self.verify: ssl.SSLContext | bool = (
            ssl.create_default_context(cafile=ca_file) if tls_verify else False
        )

    def _client_form(self) -> dict[str, str]:
        form = {"client_id": self.oauth.client_id}
        if self.oauth.client_secret_env is not None:
            secret = os.environ.get(self.oauth.client_secret_env)
            if secret is None:
                raise OAuthError(
                    None, f"environment variable {self.oauth.client_secret_env} is not set"
                )
            form["client_secret"] = secret
        return form

    def _post(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            response = httpx.post(
                url, data=self._client_form() | form, timeout=self.timeout, verify=self.verify
            )
        except httpx.TimeoutException:
            raise OAuthError(None, f"{url} timed out after {self.timeout:g} s") from None
        except httpx.HTTPError as e:
            raise OAuthError(None, f"cannot reach {url}: {type(e).__name__}: {e}") from None
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise OAuthError(None, f"{url} answered {response.status_code} without JSON")
        if response.status_code >= 400 or "error" in body:
            error = str(body.get("error") or f"http_{response.status_code}")
            description = str(body.get("error_description") or "").splitlines()
            raise OAuthError(error, (description or [f"HTTP {response.status_code}"])[0][:300])
        return body

    def _tokens(self, body: dict[str, Any]) -> TokenResponse:
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise OAuthError(None, f"{self.oauth.token_url} answered without an access_token")
        refresh = body.get("refresh_token")
        scope = body.get("scope")
        return TokenResponse(
            access_token=access,
            expires_in=float(body.get("expires_in") or 3600),
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            scopes=tuple(scope.split()) if isinstance(scope, str) else (),
        )

    def refresh(self, refresh_token: str) -> TokenResponse:
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self._tokens(self._post(self.oauth.token_url, form))

    def device_start(self) -> DeviceAuthorization:
        if self.oauth.device_url is None:
            raise OAuthError(None, "no device endpoint configured (oauth_device_url)")
        body = self._post(self.oauth.device_url, {"scope": " ".join(self.oauth.scopes)})
        uri = body.get("verification_uri") or body.get("verification_url")  # Google: _url
        if not isinstance(body.get("device_code"), str) or not isinstance(uri, str):
            raise OAuthError(None, f"{self.oauth.device_url} answered without a device code")
        return DeviceAuthorization(
            device_code=body["device_code"],
            user_code=str(body.get("user_code", "")),
            verification_uri=uri,
            verification_uri_complete=body.get("verification_uri_complete"),
            interval=float(body.get("interval") or 5),
            expires_in=float(body.get("expires_in") or 900),
        )

    def device_poll(self, device: DeviceAuthorization) -> TokenResponse:
        form = {"grant_type": DEVICE_GRANT, "device_code": device.device_code}
        return self._tokens(self._post(self.oauth.token_url, form))

    def exchange_code(self, code: str, redirect_uri: str, verifier: str) -> TokenResponse:
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        }
        return self._tokens(self._post(self.oauth.token_url, form))
