"""`install` hooks every new sessionmaker, even one whose Session class reuses a collected
class's id (SQLAlchemy's event registry would then claim it is already hooked)."""

from __future__ import annotations

import gc

from sqlalchemy import event
from sqlalchemy.orm import sessionmaker

from ingestor.store import searchindex


def test_every_new_sessionmaker_is_hooked_once() -> None:
    for _ in range(50):
        sessions = searchindex.install(sessionmaker())
        searchindex.install(sessions)  # idempotent
        with sessions() as session:
            hooks = list(session.dispatch.before_commit)
        assert hooks.count(searchindex._before_commit) == 1
        del sessions, session
        gc.collect()


def test_the_registry_really_is_fooled() -> None:
    """Why install does not ask event.contains: it must see a false positive within 50 tries."""

    def hook(_session: object) -> None: ...

    fooled = False
    for _ in range(50):
        sessions = sessionmaker()
        if event.contains(sessions, "before_commit", hook):
            fooled = True
            break
        event.listen(sessions, "before_commit", hook)
        del sessions
        gc.collect()
    assert fooled
