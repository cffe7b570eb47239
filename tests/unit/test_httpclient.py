"""The calendar HTTP client's pure parts: auth flows driven by hand (no network), challenge
parsing, redaction, and the DAV reply parsing that replaced python-caldav's."""

from __future__ import annotations

import base64
import ssl
from collections.abc import Generator
from pathlib import Path

import httpx
import pytest
from lxml import etree

from ingestor.errors import SourceError
from ingestor.sources.davxml import DAV, error_conditions, parse_reply
from ingestor.sources.httpclient import (
    BearerAuth,
    PasswordAuth,
    challenge_schemes,
    redact,
    tls_verify,
)
from tests.factories import source_config

DIGEST = 'Digest realm="cal", qop="auth", nonce="abc123", algorithm=MD5'
Flow = Generator[httpx.Request, httpx.Response, None]


def reply(request: httpx.Request, status: int, challenge: str | None = None) -> httpx.Response:
    headers = {"WWW-Authenticate": challenge} if challenge else {}
    return httpx.Response(status, headers=headers, request=request)


def drive(flow: Flow, answers: list[tuple[int, str | None]]) -> list[str]:
    """The Authorization header of each request the flow sends, answering from `answers`."""
    sent = []
    request = next(flow)
    for status, challenge in answers:
        sent.append(request.headers.get("Authorization", ""))
        try:
            request = flow.send(reply(request, status, challenge))
        except StopIteration:
            return sent
    raise AssertionError(f"the flow sent more requests than answered: {sent}")


def test_basic_goes_with_the_first_request() -> None:
    auth = PasswordAuth("recruiter", "secret")
    request = httpx.Request("PROPFIND", "http://dav.example/cal/")
    sent = drive(auth.auth_flow(request), [(207, None)])
    assert sent == ["Basic " + base64.b64encode(b"recruiter:secret").decode()]


def test_a_digest_challenge_switches_to_digest_for_good() -> None:
    auth = PasswordAuth("recruiter", "secret")
    first = httpx.Request("PROPFIND", "http://dav.example/cal/")
    sent = drive(auth.auth_flow(first), [(401, DIGEST), (207, None)])
    assert sent[0].startswith("Basic ") and sent[1].startswith('Digest username="recruiter"')
    assert 'nonce="abc123"' in sent[1] and "secret" not in sent[1]
    # The next request sends Digest straight away, with the next nonce count.
    again = drive(auth.auth_flow(httpx.Request("REPORT", "http://dav.example/cal/")), [(207, None)])
    assert len(again) == 1 and again[0].startswith("Digest ") and "nc=00000002" in again[0]


def test_a_basic_challenge_after_basic_is_a_wrong_password() -> None:
    auth = PasswordAuth("recruiter", "wrong")
    request = httpx.Request("PROPFIND", "http://dav.example/cal/")
    sent = drive(auth.auth_flow(request), [(401, 'Basic realm="cal"')])
    assert len(sent) == 1 and auth.offered == ("basic",) and auth.digest is None


def test_a_refused_digest_is_handed_back() -> None:
    auth = PasswordAuth("recruiter", "wrong")
    request = httpx.Request("PROPFIND", "http://dav.example/cal/")
    sent = drive(auth.auth_flow(request), [(401, DIGEST), (401, DIGEST)])
    assert len(sent) == 2 and auth.offered == ("digest",)


class Tokens:
    def __init__(self) -> None:
        self.issued = ["t1"]

    def get(self) -> str:
        return self.issued[-1]

    def refresh(self) -> str:
        self.issued.append(f"t{len(self.issued) + 1}")
        return self.issued[-1]


def test_bearer_refreshes_once_on_a_401_and_retries_once() -> None:
    tokens = Tokens()
    auth = BearerAuth(tokens)
    request = httpx.Request("GET", "https://dav.example/cal/a.ics")
    assert drive(auth.auth_flow(request), [(401, "Bearer"), (200, None)]) == [
        "Bearer t1",
        "Bearer t2",
    ]
    # Refused again: no third try; the caller says what to do.
    request = httpx.Request("GET", "https://dav.example/cal/a.ics")
    assert drive(auth.auth_flow(request), [(401, "Bearer"), (401, "Bearer")]) == [
        "Bearer t2",
        "Bearer t3",
    ]
    assert repr(auth) == "BearerAuth()" and "t3" not in repr(auth)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (['Basic realm="x"'], ("basic",)),
        ([DIGEST, 'Basic realm="x"'], ("digest", "basic")),
        (
            ['Digest realm="a, b", qop="auth,auth-int", nonce="n", Basic realm="x"'],
            ("digest", "basic"),
        ),
        (["Negotiate", "NTLM"], ("negotiate", "ntlm")),
        ([], ()),
    ],
)
def test_challenge_schemes(values: list[str], expected: tuple[str, ...]) -> None:
    headers = httpx.Headers([("WWW-Authenticate", v) for v in values])
    assert challenge_schemes(headers) == expected


def test_redact_drops_credentials_only() -> None:
    assert redact("https://me:pw@dav.example:8443/cal/?x=1") == "https://dav.example:8443/cal/?x=1"
    assert redact("https://dav.example/cal/") == "https://dav.example/cal/"


def test_missing_ca_file_is_a_source_error(tmp_path: Path) -> None:
    cfg = source_config(name="web", type="ics", url="https://x/", ca_file=str(tmp_path / "no.pem"))
    with pytest.raises(
        SourceError, match=r"^source web: cannot read ca_file .*no\.pem: No such file"
    ):
        tls_verify("web", cfg)
    unchecked = tls_verify("web", source_config(type="ics", url="https://x/", tls_verify=False))
    assert unchecked.verify_mode == ssl.CERT_NONE and not unchecked.check_hostname


def test_dav_replies_are_parsed_without_entities_or_network() -> None:
    tree = parse_reply(b"<D:multistatus xmlns:D='DAV:'><D:response/></D:multistatus>", "text/xml")
    assert tree.tag == DAV + "multistatus"
    assert parse_reply(b"", "text/xml") is None
    assert parse_reply(b"<html><body>Login</body>", "text/html") is None  # not XML, says so
    with pytest.raises(etree.XMLSyntaxError):
        parse_reply(b"<multistatus xmlns='DAV:'><response>", "application/xml; charset=utf-8")
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>'
    )
    assert "aaaa" not in etree.tostring(parse_reply(bomb, "text/xml")).decode()


def test_error_conditions() -> None:
    body = b"<D:error xmlns:D='DAV:'><D:valid-sync-token/></D:error>"
    assert error_conditions(body) == (DAV + "valid-sync-token",)
    assert error_conditions(b"<html>Forbidden</html>") == ()
    assert error_conditions(b"<D:error xmlns:D='DAV:'>") == ()
    assert error_conditions(b"") == ()
