"""The store as the web sees it: a handle that runs one store function in one transaction.

The review UI and the API never hold SQLAlchemy objects of their own. They pass a store
function (from store/directory.py, store/review.py, store/decisions.py, ...) and its
arguments to `Store.run`, which opens the transaction, hands the function its `Tx`, and
commits (or rolls back on an exception). `Tx` is what every such function takes first; outside
`store/` it is only passed through, never used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeAlias, TypeVar

from argon2 import PasswordHasher
from sqlalchemy.orm import Session, sessionmaker

from ingestor.store.accounts import HASHER_KEY
from ingestor.store.database import open_store

P = ParamSpec("P")
T = TypeVar("T")

Tx: TypeAlias = Session


class Store:
    """One database, for the web: `run(fn, *args)` is `fn(tx, *args)` in one transaction."""

    def __init__(
        self, sessions: sessionmaker[Session], hasher: PasswordHasher | None = None
    ) -> None:
        """`hasher`: how passwords are hashed (argon2id with the library's parameters unless
        given; tests give cheap ones)."""
        self._sessions = sessions
        self._hasher = hasher

    @classmethod
    def open(cls, url: str) -> Store:
        """Open (and migrate) the store at `url`, as every command does."""
        return cls(open_store(url))

    def run(self, fn: Callable[Concatenate[Tx, P], T], *args: P.args, **kw: P.kwargs) -> T:
        with self._sessions.begin() as tx:
            if self._hasher is not None:
                tx.info[HASHER_KEY] = self._hasher
            return fn(tx, *args, **kw)
