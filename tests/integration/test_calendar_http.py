"""The calendar sources' one HTTP client against servers the tests start: TLS with a
self-signed certificate (refused, trusted through ca_file, or unchecked with tls_verify =
false), Digest auth in front of a real Radicale, the size cap while streaming, timeouts and
rate limits. Each failure must be one line naming the source."""

from __future__ import annotations

import base64
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ingestor.config import PasswordSpec
from ingestor.errors import SourceError
from ingestor.sources import make_source
from ingestor.sources.caldav import CalDavSource
from ingestor.sources.ics import MAX_FEED_BYTES, IcsSource
from tests.factories import source_config
from tests.servers.feeds import DigestGate, FeedServer
from tests.servers.radicale import RadicaleServer

pytestmark = pytest.mark.integration

USER, PASSWORD, PASSWORD_ENV = "recruiter", "secret", "INGESTOR_TEST_HTTP_PASSWORD"


def event(uid: str, summary: str = "Interview") -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260101T000000Z\r\n"
        "DTSTART:20260302T100000Z\r\nDTEND:20260302T110000Z\r\n"
        f"SUMMARY:{summary}\r\nATTENDEE:mailto:candidate@example.org\r\nEND:VEVENT\r\n"
    )


def calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//ingestor tests//EN\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    )


FEED = calendar(event("a@agency.example", "Screening"), event("b@agency.example", "Debrief"))


def feed_source(url: str, **kw: Any) -> IcsSource:
    kw.setdefault("timeout", 10.0)
    source = make_source(source_config(name="web", type="ics", url=url, **kw))
    assert isinstance(source, IcsSource)
    return source


def caldav_source(url: str, **kw: Any) -> CalDavSource:
    kw.setdefault("username", USER)
    kw.setdefault("password", PasswordSpec(env=PASSWORD_ENV))
    kw.setdefault("timeout", 10.0)
    source = make_source(source_config(name="calendar", type="caldav", url=url, **kw))
    assert isinstance(source, CalDavSource)
    return source


def summaries(source: IcsSource | CalDavSource) -> list[str]:
    """Every event's SUMMARY after a first poll of every folder."""
    out = []
    with source:
        for folder in source.folders():
            changes = source.changes(folder, None)
            for item in source.fetch(folder, changes.refs):
                out += [
                    line[len("SUMMARY:") :]
                    for line in item.data.decode().splitlines()
                    if line.startswith("SUMMARY:")
                ]
    return sorted(out)


def one_line_error(source: IcsSource | CalDavSource) -> str:
    with pytest.raises(SourceError) as e:
        summaries(source)
    message = str(e.value)
    assert "\n" not in message and len(message) < 300, message
    return message


@pytest.fixture(autouse=True)
def _password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)


@pytest.fixture
def https_feed(tmp_path: Path) -> Iterator[FeedServer]:
    with FeedServer(FEED.encode(), tls_dir=tmp_path / "tls") as server:
        yield server


# ---------------------------------------------------------------------------- TLS


def test_self_signed_feed_is_refused_by_default(https_feed: FeedServer) -> None:
    message = one_line_error(feed_source(https_feed.url))
    assert message.startswith(
        f"source web: TLS failure talking to {https_feed.url}: certificate verification failed"
    )
    assert https_feed.requests == []  # nothing was asked over the unchecked connection


def test_self_signed_feed_is_read_with_its_ca_file(https_feed: FeedServer) -> None:
    source = feed_source(https_feed.url, ca_file=str(https_feed.cert_path))
    assert summaries(source) == ["Debrief", "Screening"]


def test_self_signed_feed_is_read_without_verification(https_feed: FeedServer) -> None:
    assert summaries(feed_source(https_feed.url, tls_verify=False)) == ["Debrief", "Screening"]


def test_ca_file_of_another_server_does_not_do(https_feed: FeedServer, tmp_path: Path) -> None:
    with FeedServer(FEED.encode(), tls_dir=tmp_path / "other") as other:
        assert other.cert_path is not None
        message = one_line_error(feed_source(https_feed.url, ca_file=str(other.cert_path)))
    assert "certificate verification failed" in message


def test_unreadable_ca_file_is_a_clear_error(https_feed: FeedServer, tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    message = one_line_error(feed_source(https_feed.url, ca_file=str(missing)))
    assert message == f"source web: cannot read ca_file {missing}: No such file or directory"


def test_caldav_over_https_with_its_ca_file(tmp_path: Path) -> None:
    """ca_file holds for CalDAV too: Radicale behind a TLS gate (that also wants Digest)."""
    with (
        RadicaleServer(tmp_path / "radicale", users={USER: PASSWORD}) as radicale,
        DigestGate(radicale, tls_dir=tmp_path / "tls") as gate,
    ):
        work = radicale.make_calendar(USER, "work", "Work")
        radicale.put_event(USER, "work", calendar(event("x", "Kickoff")), "x.ics")
        url = gate.url_for(work)
        refused = one_line_error(caldav_source(url))
        assert refused.startswith(f"source calendar: TLS failure talking to {url}: ")
        assert summaries(caldav_source(url, ca_file=str(gate.cert_path))) == ["Kickoff"]
        assert summaries(caldav_source(url, tls_verify=False)) == ["Kickoff"]


# ---------------------------------------------------------------------------- Digest


def test_digest_login_to_radicale(tmp_path: Path) -> None:
    with (
        RadicaleServer(tmp_path / "radicale", users={USER: PASSWORD}) as radicale,
        DigestGate(radicale) as gate,
    ):
        work = radicale.make_calendar(USER, "work", "Work")
        radicale.make_calendar(USER, "home", "Personal")
        radicale.put_event(USER, "work", calendar(event("a", "Screening")), "a.ics")
        radicale.put_event(USER, "home", calendar(event("p", "Dentist")), "p.ics")
        assert summaries(caldav_source(gate.url_for(radicale.principal_url(USER)))) == [
            "Dentist",
            "Screening",
        ]
        # Basic went once, with the first request; the 401's Digest challenge was used since.
        assert gate.basic_attempts == 1 and gate.admitted >= 4
        # The preemptive Basic and its challenge are the only refused requests.
        assert gate.refused == 1
        assert summaries(caldav_source(gate.url_for(work))) == ["Screening"]
        assert gate.basic_attempts == 2 and gate.refused == 2


def test_digest_with_a_wrong_password(tmp_path: Path) -> None:
    with (
        RadicaleServer(tmp_path / "radicale", users={USER: PASSWORD}) as radicale,
        DigestGate(radicale) as gate,
    ):
        url = gate.url_for(radicale.make_calendar(USER, "work", "Work"))
        source = caldav_source(url, password=PasswordSpec(command=("echo", "hunter2")))
        message = one_line_error(source)
    assert message == (
        f"source calendar: login as 'recruiter' on {url} was rejected: wrong username or password"
    )
    assert gate.admitted == 0


def test_digest_login_to_a_feed() -> None:
    with FeedServer(FEED.encode()) as feed, DigestGate(feed, users={"team": "p@ss"}) as gate:
        url = gate.url_for(feed.url).replace("://", "://team:p%40ss@")
        assert summaries(feed_source(url)) == ["Debrief", "Screening"]
        assert (gate.basic_attempts, gate.refused, gate.admitted) == (1, 1, 1)
        wrong = one_line_error(feed_source(url.replace("p%40ss", "nope")))
    assert wrong == (
        f"source web: login on {gate.url_for(feed.url)} was rejected: wrong username or "
        "password in the url"
    )


def test_unsupported_auth_scheme_is_named(tmp_path: Path) -> None:
    with FeedServer() as server:
        server.status = 401
        server.headers = {"WWW-Authenticate": "Negotiate"}
        message = one_line_error(caldav_source(server.url))
    assert message == (
        f"source calendar: {server.url} asks for negotiate authentication; only Basic, "
        'Digest and auth = "oauth2" are supported'
    )


# ---------------------------------------------------------------------------- limits


def test_endless_feed_stops_at_the_size_cap() -> None:
    with FeedServer() as server:
        server.endless = True
        started = time.monotonic()
        message = one_line_error(feed_source(server.url))
        took = time.monotonic() - started
        assert server.done.wait(10), "the client never hung up"
    assert message == f"source web: {server.url} is larger than {MAX_FEED_BYTES} bytes"
    # Reading stopped at the cap: what the server got out is the cap plus what the socket
    # buffers held when the client hung up.
    assert MAX_FEED_BYTES < server.sent < MAX_FEED_BYTES + 16 * 1024 * 1024, server.sent
    assert took < 30


def test_silent_feed_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts (in the kernel) and never answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/team.ics"
        started = time.monotonic()
        message = one_line_error(feed_source(url, timeout=1.0))
    assert message == f"source web: {url} did not answer within 1 s"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    ("status", "headers", "expected"),
    [
        (429, {}, "is rate-limiting requests (HTTP 429); trying again at the next poll"),
        (
            503,
            {"Retry-After": "120"},
            "is rate-limiting requests (HTTP 503, retry after 120); trying again at the next poll",
        ),
        (503, {}, "failed: HTTP 503 Service Unavailable"),
    ],
    ids=["429", "503-retry-after", "503"],
)
def test_rate_limits_and_outages_fail_the_poll(
    status: int, headers: dict[str, str], expected: str
) -> None:
    with FeedServer() as server:
        server.status, server.headers = status, headers
        message = one_line_error(feed_source(server.url))
    assert message.startswith("source web: ") and message.endswith(expected)


def test_credentials_in_a_feed_url_stay_out_of_messages() -> None:
    with FeedServer() as server:
        server.status = 401
        url = server.url.replace("://", "://team:hunter2@")
        message = one_line_error(feed_source(url))
    assert "hunter2" not in message
    assert message.startswith(f"source web: login on {server.url} was rejected")


def test_a_moved_feed_is_followed_without_its_credentials_elsewhere() -> None:
    with FeedServer(FEED.encode()) as feed:
        # Same origin: followed, still authenticated.
        moved = feed.base_url.replace("://", "://team:hunter2@") + "old.ics"
        assert summaries(feed_source(moved)) == ["Debrief", "Screening"]
        basic = "Basic " + base64.b64encode(b"team:hunter2").decode()
        assert feed.authorizations == [basic, basic]
        # Another origin (localhost is not 127.0.0.1): followed, the password stays behind.
        feed.authorizations.clear()
        elsewhere = feed.url.replace("127.0.0.1", "localhost")
        with FeedServer() as other:
            other.status, other.headers = 301, {"Location": elsewhere}
            # `other` answers with a 301 to the feed, on another origin.
            source = feed_source(other.url.replace("://", "://team:hunter2@"))
            assert summaries(source) == ["Debrief", "Screening"]
            assert other.authorizations == [basic]
        assert feed.authorizations == [None]
