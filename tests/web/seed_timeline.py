"""A contact with a timeline to read: a weekly series with Teams boilerplate (past and
upcoming occurrences, one cancelled), an upcoming Zoom interview, a call, and a thread of
emails whose body is hostile HTML. Times are relative to the real clock: the pages split past
from upcoming at the moment they are served."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.schema import (
    Contact,
    Interaction,
    InteractionBody,
    InteractionParticipant,
    InteractionSource,
)

TEAMS_SNIPPET = (
    "Weekly sync on the Senior Data Scientist search. "
    "________________________________________________________________________________ "
    "Microsoft Teams meeting Join on your computer, mobile app or room device Click here to "
    "join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0> "
    "Meeting ID: 271 834 509 662 Passcode: nW7kQe"
)
TEAMS_URL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_X%40thread.v2/0"
ZOOM_SNIPPET = (
    "Anna Keller is inviting you to a scheduled Zoom meeting. Join Zoom Meeting "
    "https://us06web.zoom.us/j/83355501234?pwd=THVt.1 Meeting ID: 833 5550 1234 Passcode: 260922"
    " --- One tap mobile +33199001234,,83355501234#,,,,*260922# France"
)
ZOOM_URL = "https://us06web.zoom.us/j/83355501234?pwd=THVt.1"
HOSTILE_BODY = (
    "Hallo Anna,\n\nhier mein Lebenslauf: https://cv.example/juergen\n"
    '<script>alert(1)</script><img src=x onerror="alert(2)">'
    '<img src="https://tracker.example/x.png">\n\n'
    "Viele Grüße\nJürgen"
)


@dataclass(frozen=True)
class SeededTimeline:
    contact: int
    series_next: int  # the series' next occurrence: the row shown for it
    series_past: list[int]  # its occurrences already held
    zoom: int
    call: int
    first: int  # Anna's first email
    hostile: int  # Jürgen's reply, the hostile body
    loose: int  # same subject, no References: in the thread by its subject
    unrelated: int
    next_sync: datetime


def _add(
    s: Session,
    contact: Contact,
    key: str,
    kind: str,
    when: datetime,
    subject: str,
    role: str,
    source: str,
    **kw: object,
) -> int:
    i = Interaction(dedup_key=key, kind=kind, occurred_at=when, subject=subject, **kw)
    s.add(i)
    s.flush()
    s.add(
        InteractionParticipant(
            interaction_id=i.id,
            contact_id=contact.id,
            address="j.mueller@autowerk.de",
            name=contact.name,
            role=role,
        )
    )
    s.add(InteractionSource(interaction_id=i.id, source=source, ref=f"{key}/ref"))
    return i.id


def seed_timeline(sessions: sessionmaker[Session], contact_id: int) -> SeededTimeline:
    now = datetime.now(UTC).replace(microsecond=0)
    first_sync = now - timedelta(days=7 * 10 - 2)  # ten held so far, six to come
    with sessions.begin() as s:
        c = s.get(Contact, contact_id)
        assert c is not None
        ids = []
        for n in range(16):
            when = first_sync + timedelta(weeks=n)
            ids.append(
                _add(
                    s,
                    c,
                    f"ical:sync@x|{when:%Y%m%dT%H%M%SZ}",
                    "meeting",
                    when,
                    "Northwind – weekly client sync",
                    "attendee",
                    "anna-calendar",
                    ends_at=when + timedelta(minutes=30),
                    snippet=TEAMS_SNIPPET,
                    ical_uid="sync@x",
                    recurrence_id=f"{when:%Y%m%dT%H%M%SZ}",
                    status="cancelled" if n == 3 else "confirmed",
                    location="Microsoft Teams Meeting",
                    conference_url=TEAMS_URL,
                )
            )
        held = [i for n, i in enumerate(ids) if n != 3]
        past = [i for n, i in enumerate(ids) if n != 3 and first_sync + timedelta(weeks=n) <= now]
        zoom = _add(
            s,
            c,
            "ical:zoom@x|",
            "meeting",
            now + timedelta(days=1),
            "Intro: Jürgen × Lumière (Zoom)",
            "attendee",
            "anna-calendar",
            snippet=ZOOM_SNIPPET,
            ical_uid="zoom@x",
            status="confirmed",
        )
        call = _add(
            s,
            c,
            "mid:<call@x>",
            "call",
            now - timedelta(days=2),
            "Missed call",
            "from",
            "anna-mailbox",
            snippet="Voicemail: please call back",
            message_id="<call@x>",
            thread_id="<call@x>",
        )
        first = _add(
            s,
            c,
            "mid:<cv@x>",
            "email",
            now - timedelta(days=20),
            "Lebenslauf",
            "to",
            "anna-mailbox",
            snippet="Hallo Herr Müller, könnten Sie mir Ihren Lebenslauf schicken?",
            direction="outbound",
            message_id="<cv@x>",
            thread_id="<cv@x>",
        )
        hostile = _add(
            s,
            c,
            "mid:<cv-reply@x>",
            "email",
            now - timedelta(days=19),
            "Re: Lebenslauf",
            "from",
            "tom-mailbox",
            snippet=" ".join(HOSTILE_BODY.split())[:240],
            direction="inbound",
            message_id="<cv-reply@x>",
            in_reply_to="<cv@x>",
            thread_id="<cv@x>",
        )
        s.add(InteractionBody(interaction_id=hostile, text=HOSTILE_BODY, truncated=False))
        loose = _add(
            s,
            c,
            "mid:<cv-loose@x>",
            "email",
            now - timedelta(days=18),
            "AW: Lebenslauf",
            "from",
            "anna-mailbox",
            snippet="Noch die Zeugnisse anbei.",
            direction="inbound",
            message_id="<cv-loose@x>",
            thread_id="<cv-loose@x>",
        )
        unrelated = _add(
            s,
            c,
            "mid:<other@x>",
            "email",
            now - timedelta(days=30),
            "Gehaltsband",
            "from",
            "anna-mailbox",
            snippet="Zum Gehaltsband",
            direction="inbound",
            message_id="<other@x>",
            thread_id="<other@x>",
        )
    upcoming = [i for i in held if i not in past]
    return SeededTimeline(
        contact_id,
        upcoming[0],
        past,
        zoom,
        call,
        first,
        hostile,
        loose,
        unrelated,
        next(
            first_sync + timedelta(weeks=n)
            for n in range(16)
            if first_sync + timedelta(weeks=n) > now
        ),
    )
