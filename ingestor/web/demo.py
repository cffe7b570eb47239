"""The demo's user: `ingestor demo --serve` signs in as `demo` with a fresh random password.

The password is new on every run (the demo database is kept between runs), so a demo left
running never has a guessable login. The demo user is an admin, to show every page.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from ingestor.web.auth import add_user, set_password
from ingestor.web.context import utcnow
from ingestor.web.models import WebSession, WebUser

DEMO_USER = "demo"


def create_demo_user(sessions: sessionmaker[Session]) -> tuple[str, str]:
    """Create (or reset) the demo user; returns (username, password) to print."""
    password = secrets.token_urlsafe(9)
    with sessions.begin() as s:
        user = s.scalar(select(WebUser).where(WebUser.username == DEMO_USER))
        if user is None:
            add_user(s, DEMO_USER, password, True, utcnow())
        else:
            set_password(s, DEMO_USER, password)
            user.is_admin = True
            s.execute(delete(WebSession).where(WebSession.user_id == user.id))
    return DEMO_USER, password
