"""The demo's user: `ingestor demo --serve` signs in as `demo` with a fresh random password.

The password is new on every run (the demo database is kept between runs), so a demo left
running never has a guessable login. The demo user is an admin, to show every page.
"""

from __future__ import annotations

import secrets

from ingestor.store.accounts import reset_demo_user
from ingestor.store.unit import Store
from ingestor.web.context import utcnow

DEMO_USER = "demo"


def create_demo_user(store: Store) -> tuple[str, str]:
    """Create (or reset) the demo user; returns (username, password) to print."""
    password = secrets.token_urlsafe(9)
    store.run(reset_demo_user, DEMO_USER, password, utcnow())
    return DEMO_USER, password
