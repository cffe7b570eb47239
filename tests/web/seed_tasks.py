"""Tasks on top of the web seed (tests/web/seed.py), dated from the real today.

The pages read the real clock ("today" in UTC), so these due dates are relative to it: one
task overdue, one due today, two upcoming (one of them hostile text), plus one snoozed into
the future, one done and one expired, which /tasks must not show. Eve also asked not to be
written to, and one of her addresses bounced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.schema import Contact, ContactEmail, Interaction, Task
from tests.web.seed import Seeded

XSS_REASON = "<script>alert('reason')</script>out of office until <b>Monday</b>"
BOUNCED = "eve.old@evil.example"
ANNA = "anna@agency.example"
TOM = "tom@agency.example"


@dataclass
class SeededTasks:
    today: date
    overdue: int  # Jürgen, follow up, from his mail, anna's
    due_today: int  # Sergey, call back, no source mail, anna's
    upcoming: int  # Maria, follow up, tom's
    hostile: int  # Eve, follow up, reason and source subject carry HTML
    snoozed: int  # Ivan, snoozed past today
    closed: int  # Jürgen, done
    expired: int  # Maria, expired by backfill

    @property
    def shown(self) -> list[int]:
        """What /tasks shows, in its order: overdue, today, then upcoming by due date."""
        return [self.overdue, self.due_today, self.hostile, self.upcoming]


def today_utc() -> date:
    return datetime.now(UTC).date()


def seed_tasks(sessions: sessionmaker[Session], seeded: Seeded) -> SeededTasks:
    today = today_utc()
    now = datetime.now(UTC)
    with sessions.begin() as s:
        juergen_mail = s.scalar(select(Interaction.id).where(Interaction.dedup_key == "mid:<2@x>"))

        def task(key: str, contact: int, kind: str, reason: str, due: date, **kw: object) -> int:
            kw.setdefault("owner", ANNA)
            row = Task(
                dedup_key=key,
                contact_id=contact,
                kind=kind,
                reason=reason,
                due=due,
                signal_at=now - timedelta(days=5),
                created_at=now - timedelta(days=5),
                **kw,
            )
            s.add(row)
            s.flush()
            return row.id

        ids = SeededTasks(
            today,
            task(
                "t:overdue",
                seeded.juergen,
                "follow_up",
                "out of office until " + (today - timedelta(days=4)).isoformat(),
                today - timedelta(days=3),
                interaction_id=juergen_mail,
            ),
            task("t:today", seeded.sergey_ru, "call_back", "missed call from +79161234567", today),
            task(
                "t:upcoming",
                seeded.maria,
                "follow_up",
                "not now: after the summer",
                today + timedelta(days=30),
                owner=TOM,
            ),
            task(
                "t:hostile",
                seeded.eve,
                "follow_up",
                XSS_REASON,
                today + timedelta(days=2),
                interaction_id=seeded.email_from_eve,
            ),
            task(
                "t:snoozed",
                seeded.ivan,
                "check_in",
                "no reply for 90 days",
                today + timedelta(days=5),
                status="snoozed",
                snoozed_until=today + timedelta(days=5),
            ),
            task(
                "t:closed",
                seeded.juergen,
                "follow_up",
                "not interested",
                today - timedelta(days=1),
                status="done",
                closed_by="anna",
                closed_at=now,
            ),
            task(
                "t:expired",
                seeded.maria,
                "follow_up",
                "out of office until 2019-08-14",
                date(2019, 8, 15),
                status="expired",
            ),
        )
        eve = s.get(Contact, seeded.eve)
        assert eve is not None
        eve.do_not_contact = True
        s.add(
            ContactEmail(
                contact_id=seeded.eve,
                address=BOUNCED,
                status="bounced",
                bounced_at=now - timedelta(days=2),
                bounce_days=[(today - timedelta(days=2)).isoformat()],
            )
        )
    return ids
