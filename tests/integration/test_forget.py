"""Provably gone (issue #15): a person who appears in mail, meetings, suggestions, tasks and a
merge is forgotten, and then no table, no column, and (on SQLite) no byte of the database
file after VACUUM holds their address, name or phone digits; syncing the same Dovecot mailbox
and calendar again, and new mail from them, does not bring them back.

The scan reads the database's own list of tables (SQLite's FTS5 shadow tables included), so
tables added later are scanned too.
"""

from __future__ import annotations

import contextlib
import imaplib
import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from ingestor.config import PasswordSpec
from ingestor.pipeline import Stages, sync_source
from ingestor.store import decisions, queries
from ingestor.store.forget import UnknownPerson, forget
from ingestor.store.privacy_schema import AuditEntry, Suppression
from ingestor.store.redact import Agency
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    Interaction,
    LedgerEntry,
    Suggestion,
    Task,
)
from ingestor.store.search import search_contact_ids
from tests.factories import defaults, make_message, source_config
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration
OWNER = "alex@talent.example"
NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
SOON = NOW + timedelta(days=10)
Q = "quentin.zaragoza@people.example"
Q2 = "q.zaragoza@private.example"
NAME = "Quentin Zaragoza"
PHONE = "+14155550188"
BEA = "bea.okafor@other.example"
AGENCY = Agency(frozenset({OWNER}), frozenset({"talent.example"}))
NEEDLES = ("quentin.zaragoza", "q.zaragoza", "zaragoza")
DIGITS = ("4155550188",)


def mail(sender: str, subject: str, mid: str, body: str, **kw: Any) -> bytes:
    return make_message(
        sender=sender,
        to=kw.pop("to", f"Alex Recruiter <{OWNER}>"),
        subject=subject,
        message_id=mid,
        date=kw.pop("date", datetime(2026, 7, 1, 9, 0, tzinfo=UTC)),
        body=body,
        **kw,
    )


def stamp(d: datetime) -> str:
    return d.strftime("%Y%m%dT%H%M%SZ")


def vevent(uid: str, summary: str, attendees: list[tuple[str, str]], start: datetime) -> str:
    people = "".join(f"ATTENDEE;CN={n};PARTSTAT=NEEDS-ACTION:mailto:{a}\n" for n, a in attendees)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20260101T000000Z\nDTSTART:{stamp(start)}\n"
        f"DTEND:{stamp(start + timedelta(hours=1))}\nSUMMARY:{summary}\nSEQUENCE:0\n"
        f"STATUS:CONFIRMED\nORGANIZER;CN=Alex:mailto:{OWNER}\n{people}END:VEVENT\n"
    )


def calendar(*events: str, method: str | None = None) -> str:
    head = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n"
    return head + (f"METHOD:{method}\n" if method else "") + "".join(events) + "END:VCALENDAR\n"


def invite(mid: str, event: str) -> bytes:
    return mail(
        f"Alex Recruiter <{OWNER}>",
        "Invitation",
        mid,
        calendar(event, method="REQUEST"),
        to=f"{NAME} <{Q}>, Beatrice Okafor <{BEA}>",
        extra="Content-Type: text/calendar; method=REQUEST; charset=utf-8",
    ).replace(b"Content-Type: text/plain; charset=utf-8\r\n", b"")


SIGNATURE = f"\n\nBest,\n{NAME}\nSenior Engineer\nMobile: +1 415 555 0188\n"
INBOX = [
    mail(f"{NAME} <{Q}>", "My CV", "<q1@test>", "Hi Alex,\n\nhere is my CV." + SIGNATURE),
    mail(f"{NAME} <{Q2}>", "From home", "<q2@test>", "Hi Alex,\n\nmy private address." + SIGNATURE),
    mail(
        f"{NAME} <{Q}>",
        "Re: A role you may like",
        "<q3@test>",
        "Thanks Alex, not right now - we're in the middle of a launch. Try me after the summer?"
        + SIGNATURE,
        date=datetime(2026, 7, 6, 9, 0, tzinfo=UTC),
    ),
    mail(
        f"{NAME} <{Q}>",
        "Re: Hiring for data",
        "<q4@test>",
        f"Not my area, but you should talk to Beatrice Okafor <{BEA}>, she runs the data team."
        + SIGNATURE,
        date=datetime(2026, 7, 7, 9, 0, tzinfo=UTC),
    ),
    mail(
        f"Beatrice Okafor <{BEA}>",
        f"Intro: {NAME} and Bea",
        "<bea1@test>",
        f"Hi Alex,\n\ncopying {NAME} ({Q}, +1 415 555 0188) as promised.\n\nBea\n",
        cc=f"{NAME} <{Q}>",
    ),
    invite(
        "<inv1@test>", vevent("meet-both", f"Interview {NAME}", [(NAME, Q), ("Bea", BEA)], SOON)
    ),
]
SENT = [
    mail(
        f"Alex Recruiter <{OWNER}>",
        "A role you may like",
        "<out1@test>",
        "Hello,\n\nwould you be open to a chat about a new role?\n\nAlex\n",
        to=f"{NAME} <{Q}>",
        date=datetime(2026, 6, 20, 9, 0, tzinfo=UTC),
    )
]
FEED = calendar(
    vevent("cal-q", f"Call with {NAME}", [(NAME, Q)], SOON + timedelta(days=1)),
    vevent("cal-both", "Panel", [(NAME, Q), ("Bea", BEA)], SOON + timedelta(days=2)),
)


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FORGET_PW", "pw")
    with DovecotServer(tmp_path / "dovecot", users={"alex": "pw"}) as server:
        server.bulk_load("alex", "INBOX", INBOX)
        server.bulk_load("alex", "Sent", SENT)
        _auth_ready(server)
        yield server


def _auth_ready(server: DovecotServer, timeout: float = 20.0) -> None:
    """Dovecot greets before its auth process answers; on a loaded machine the first login
    can get "temporary authentication failure". Wait for a login that works."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with imaplib.IMAP4(server.host, server.port, timeout=5) as imap:
                imap.login("alex", "pw")
                return
        except (imaplib.IMAP4.error, OSError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def sync(server: DovecotServer, sessions: sessionmaker[Session], feed: Path, name: str) -> None:
    cfg = source_config(
        name=name,
        type="imap",
        host=server.host,
        port=server.port,
        security="none",
        username="alex",
        password=PasswordSpec(env="FORGET_PW"),
        folders=("INBOX", "Sent"),
        owner_addresses=(OWNER,),
        timeout=10.0,
    )
    stages = Stages(clock=lambda: NOW)
    d = defaults(internal_domains=("talent.example",))
    for c in (cfg, source_config(name=f"{name}-cal", type="ics", path=str(feed))):
        summary = sync_source(c, d, sessions, stages=stages)
        assert summary.ok, summary.error


def found_anywhere(sessions: sessionmaker[Session]) -> list[str]:
    """Every (table.column) whose value holds a needle, over the database's actual tables."""
    hits: list[str] = []
    with sessions() as s:
        conn = s.connection()
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')).mappings():
                for column, value in row.items():
                    if _holds(value):
                        hits.append(f"{table}.{column}: {str(value)[:80]!r}")
    return hits


def _holds(value: Any) -> bool:
    if value is None or isinstance(value, int | float | datetime):
        return False
    if isinstance(value, bytes | memoryview):
        raw = bytes(value)
        texts = [raw.decode("utf-8", "replace"), raw.decode("latin-1")]
    elif isinstance(value, dict | list):
        texts = [json.dumps(value, ensure_ascii=False)]
    else:
        texts = [str(value)]
        if texts[0][:1] in ("{", "["):  # JSON as SQLite returns it: \\u escapes read back
            with contextlib.suppress(ValueError):
                texts.append(json.dumps(json.loads(texts[0]), ensure_ascii=False))
    for t in texts:
        low = t.lower()
        if any(n in low for n in NEEDLES) or any(d in re.sub(r"\D", "", t) for d in DIGITS):
            return True
    return False


def sqlite_file_holds(sessions: sessionmaker[Session]) -> list[str]:
    engine = sessions.kw["bind"]
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(engine.url.database)
    data = b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    low = data.lower()
    return [n for n in (*NEEDLES, *DIGITS) if n.encode() in low]


def test_a_forgotten_person_is_provably_gone(mailbox, sessions, tmp_path: Path):
    feed = tmp_path / "cal.ics"
    feed.write_text(FEED)
    sync(mailbox, sessions, feed, "alex")
    with sessions.begin() as s:
        q1 = s.scalar(select(ContactEmail.contact_id).where(ContactEmail.address == Q))
        q2 = s.scalar(select(ContactEmail.contact_id).where(ContactEmail.address == Q2))
        assert q1 and q2 and q1 != q2
        assert s.scalar(select(func.count()).select_from(Task).where(Task.contact_id == q1))
        bea = s.scalar(select(ContactEmail.contact_id).where(ContactEmail.address == BEA))
        assert bea is not None
        # Bea's own "new contact" suggestion says who referred her: a snapshot of Quentin.
        referral = s.scalars(
            select(Suggestion.payload).where(
                Suggestion.contact_id == bea, Suggestion.kind == "new_contact"
            )
        ).one()
        assert referral["referred_by"] == Q
        decisions.merge(s, q1, q2, "alice", NOW)
        s.add(
            Suggestion(
                contact_id=bea,
                kind="name_fix",
                field="name",
                new_value="Bea O.",
                payload={"snapshot": {"seen_with": NAME, "email": Q}},
                evidence=[],
            )
        )
    assert found_anywhere(sessions)  # the scan finds them before

    with sessions.begin() as s:
        result = forget(s, Q2, AGENCY, "alice", NOW, reason="erasure request")
    assert result.counts["contacts"] == 2 and result.counts["interactions"] >= 4

    assert found_anywhere(sessions) == []
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Suppression)) == 3  # 2 addresses, 1 phone
        assert s.scalar(select(ContactEmail).where(ContactEmail.address == BEA)) is not None
        bea_mail = s.scalar(select(Interaction).where(Interaction.message_id == "<bea1@test>"))
        assert bea_mail is not None and "[removed]" in (bea_mail.subject or "")
        assert s.scalar(select(Interaction).where(Interaction.ical_uid == "meet-both")) is not None
        assert s.scalar(select(Interaction).where(Interaction.ical_uid == "cal-q")) is None
        hashed = s.scalars(select(LedgerEntry.message_id).where(LedgerEntry.source == "alex"))
        assert sum(1 for m in hashed if m and m.startswith("hash:")) >= 4
        assert search_contact_ids(s, "Zaragoza") == []
        audit = s.scalars(select(AuditEntry).where(AuditEntry.kind == "forget")).one()
        assert (
            audit.rows == result.rows and audit.actor == "alice" and len(audit.subject or "") == 64
        )
    if sessions.kw["bind"].dialect.name == "sqlite":
        assert sqlite_file_holds(sessions) == []

    # Forgetting again: idempotent; an address never seen: one error.
    with sessions.begin() as s:
        assert (
            forget(s, Q, AGENCY, "alice", NOW).line().startswith("already forgotten on 2026-07-20")
        )
    with sessions.begin() as s, pytest.raises(UnknownPerson):
        forget(s, "nobody@nowhere.example", AGENCY, "alice", NOW)

    # The same mailbox and calendar read again from scratch, plus new mail from them.
    mailbox.bulk_load(
        "alex", "INBOX", [mail(f"{NAME} <{Q}>", "Still there?", "<q9@test>", "Hi" + SIGNATURE)]
    )
    sync(mailbox, sessions, feed, "again")
    assert found_anywhere(sessions) == []
    with sessions() as s:
        reasons = set(s.scalars(select(LedgerEntry.reason).where(LedgerEntry.source == "again")))
        assert "suppressed (forgotten on 2026-07-20)" in reasons
        # `ingestor why` still answers for their mail, found by the hash of its Message-ID.
        lines = queries.why(s, "<q1@test>")
        assert any(" ingested from alex " in line for line in lines), lines
        assert any(line.endswith("suppressed (forgotten on 2026-07-20)") for line in lines)
        assert (
            s.scalar(select(func.count()).select_from(Contact).where(Contact.merged_into.is_(None)))
            >= 1
        )
    if sessions.kw["bind"].dialect.name == "sqlite":
        assert sqlite_file_holds(sessions) == []
