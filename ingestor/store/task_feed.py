"""The secret behind a user's task calendar feed (/tasks.ics?token=...), and the feed's tasks.

A calendar app fetches the feed without a session, so the address itself is the credential:
256 random bits, stored only as a SHA-256 digest (like API tokens), one per user. Creating a
new one replaces the old (rotation); a user who never made one has no feed.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ingestor.store.accounts import digest
from ingestor.store.tasks import TaskRow, pending_tasks
from ingestor.store.web_schema import TaskFeedToken

PREFIX = "ingf_"


@dataclass(frozen=True)
class FeedInfo:
    created_at: datetime
    owner: str | None


def feed_info(tx: Session, user_id: int) -> FeedInfo | None:
    row = tx.scalar(select(TaskFeedToken).where(TaskFeedToken.user_id == user_id))
    return FeedInfo(row.created_at, row.owner) if row else None


def create_feed_token(tx: Session, user_id: int, owner: str | None, now: datetime) -> str:
    """A new feed secret for the user, replacing any old one; shown once, never stored."""
    tx.execute(delete(TaskFeedToken).where(TaskFeedToken.user_id == user_id))
    token = PREFIX + secrets.token_urlsafe(32)
    tx.add(
        TaskFeedToken(
            user_id=user_id, token_hash=digest(token), owner=owner or None, created_at=now
        )
    )
    tx.flush()
    return token


def revoke_feed_token(tx: Session, user_id: int) -> bool:
    """Turn the user's feed off; True when there was one."""
    gone = tx.execute(delete(TaskFeedToken).where(TaskFeedToken.user_id == user_id))
    return bool(getattr(gone, "rowcount", 0))


def feed_tasks(tx: Session, token: str) -> list[TaskRow] | None:
    """The tasks the feed behind `token` shows, or None when it is no live feed token."""
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    feed = tx.scalar(select(TaskFeedToken).where(TaskFeedToken.token_hash == digest(token)))
    if feed is None:
        return None
    return pending_tasks(tx, owner=feed.owner)
