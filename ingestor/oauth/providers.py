"""What `provider = "microsoft" | "google"` fills in: server, folders, OAuth endpoints, scopes.

Every value here is only a default; a source's own keys override each one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class ProviderDefaults:
    label: str  # for messages: "the Microsoft sign-in for …"
    host: str
    port: int
    security: str
    folders: tuple[str, ...]
    token_url: str
    device_url: str | None
    authorize_url: str
    scopes: tuple[str, ...]
    flow: str  # the default of `ingestor auth login --flow`


PROVIDERS = ("microsoft", "google")
MICROSOFT_LOGIN = "https://login.microsoftonline.com"


def provider_defaults(provider: str, tenant: str = "organizations") -> ProviderDefaults:
    if provider == "microsoft":
        base = f"{MICROSOFT_LOGIN}/{tenant}/oauth2/v2.0"
        return ProviderDefaults(
            label="Microsoft",
            host="outlook.office365.com",
            port=993,
            security="tls",
            folders=(),  # INBOX plus the folder flagged \Sent ("Sent Items")
            token_url=f"{base}/token",
            device_url=f"{base}/devicecode",
            authorize_url=f"{base}/authorize",
            scopes=("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access"),
            flow="device",
        )
    if provider == "google":
        return ProviderDefaults(
            label="Google",
            host="imap.gmail.com",
            port=993,
            security="tls",
            folders=("INBOX", "[Gmail]/Sent Mail"),
            token_url="https://oauth2.googleapis.com/token",
            # Google's device flow does not allow the Gmail scope: loopback is the default.
            device_url="https://oauth2.googleapis.com/device/code",
            authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
            scopes=("https://mail.google.com/",),
            flow="loopback",
        )
    raise ValueError(f"unknown provider {provider!r}")


GOOGLE_CALDAV_URL = "https://apidata.googleusercontent.com/caldav/v2/"
GOOGLE_CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.readonly"


def caldav_provider_defaults(provider: str) -> ProviderDefaults:
    """The defaults of a `type = "caldav"` source; only Google offers CalDAV with OAuth2."""
    if provider != "google":
        raise ValueError(f"no CalDAV defaults for provider {provider!r}")
    return replace(
        provider_defaults("google"),
        host="apidata.googleusercontent.com",
        port=443,
        folders=(),
        scopes=(GOOGLE_CALENDAR_SCOPE,),
    )
