"""Which SASL mechanism an OAuth2 IMAP login uses, from the server's capabilities."""

from __future__ import annotations

import pytest

from ingestor.config import ImapSourceConfig, OAuthConfig
from ingestor.errors import SourceError
from ingestor.sources.imap import ImapSource


class FakeImap:
    def __init__(self, *caps: str) -> None:
        self.caps = set(caps)
        self.calls: list[tuple[str, str]] = []

    def has_capability(self, cap: str) -> bool:
        return cap in self.caps

    def oauth2_login(self, user: str, token: str) -> None:
        self.calls.append(("XOAUTH2", user))

    def oauthbearer_login(self, user: str, token: str) -> None:
        self.calls.append(("OAUTHBEARER", user))


def source() -> ImapSource:
    oauth = OAuthConfig(client_id="c", token_url="https://idp/token", scopes=("imap",))
    cfg = ImapSourceConfig(
        name="anna",
        type="imap",
        host="imap.example.test",
        port=993,
        username="anna@agency.example",
        auth="oauth2",
        oauth=oauth,
    )
    return ImapSource(cfg)


@pytest.mark.parametrize(
    ("caps", "used"),
    [
        (("AUTH=XOAUTH2", "AUTH=OAUTHBEARER"), "XOAUTH2"),
        (("AUTH=XOAUTH2",), "XOAUTH2"),
        (("AUTH=OAUTHBEARER", "AUTH=PLAIN"), "OAUTHBEARER"),
    ],
)
def test_xoauth2_first_else_oauthbearer(caps: tuple[str, ...], used: str) -> None:
    client = FakeImap(*caps)
    source()._sasl_login(client, "at-x")  # type: ignore[arg-type]
    assert client.calls == [(used, "anna@agency.example")]


def test_neither_mechanism_is_a_clear_error() -> None:
    with pytest.raises(SourceError, match="offers neither AUTH=XOAUTH2 nor AUTH=OAUTHBEARER"):
        source()._sasl_login(FakeImap("AUTH=PLAIN"), "at-x")  # type: ignore[arg-type]
