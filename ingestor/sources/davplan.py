"""What one CalDAV poll of one calendar hands over: the decisions of CalDavSource.changes, apart
from its requests (sans I/O).

`plan_poll` is a generator. It yields the request it needs next (an Ask), is sent what the
server answered (an Answer), and returns the Plan: which hrefs to download, which to report
deleted, and the cursor after each. CalDavSource carries out the requests over HTTP; the tests
answer them from a model server (tests/unit/test_davplan.py). The requests, cheapest first:

- none, when discovery read the calendar's sync-token a moment ago and it equals the cursor's;
- SyncReport(token): RFC 6578 sync-collection from the cursor's token, or from "" (a full
  listing, compared with the cursor's etags) when there is none or it was rejected;
- CtagProbe: a server that cannot sync (or failed to, within SYNC_RETRY_SECONDS) is read by its
  ctag, and when that changed, by an EtagListing of every member, compared with the cursor's.

Cursor state and refs are described in davstate. A cursor written before calendar masters were
kept in the store (it lacks STORE_KEY) makes the poll hand over every object once, so that the
store gets every master; from then on only changes are handed over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator
from dataclasses import dataclass, field, replace
from typing import Any

from ingestor.model import FolderCursor
from ingestor.sources.base import FolderChanges, ItemRef
from ingestor.sources.davstate import (
    CursorState,
    Planned,
    changed_members,
    etag_label,
    with_unchanged,
)
from ingestor.sources.davxml import Member

SYNC_RETRY_SECONDS = 24 * 3600  # after a failed sync REPORT, use ctag/etags this long
STORE_KEY = "masters_stored"  # cursor state: every object's master has been handed over


@dataclass(frozen=True)
class CalendarView:
    """What discovery knows of a calendar when the poll starts."""

    folder: str
    sync_token: str | None  # None: the server offers no sync-collection here
    ctag: str | None
    fresh: bool  # read moments ago: its sync-token and ctag may stand in for a request


@dataclass(frozen=True)
class SyncReport:
    token: str  # "": list everything


@dataclass(frozen=True)
class CtagProbe:
    pass


@dataclass(frozen=True)
class EtagListing:
    pass


Ask = SyncReport | CtagProbe | EtagListing


@dataclass(frozen=True)
class Synced:
    token: str
    members: list[Member]  # changed ones (with their etag) and deleted ones (etag None)


@dataclass(frozen=True)
class TokenRejected:
    pass


@dataclass(frozen=True)
class SyncUnsupported:
    reason: str


@dataclass(frozen=True)
class Ctag:
    value: str | None


@dataclass(frozen=True)
class Listed:
    members: list[Member]  # every member, with its etag


Answer = Synced | TokenRejected | SyncUnsupported | Ctag | Listed


@dataclass
class Plan:
    changes: FolderChanges
    planned: dict[str, Planned] = field(default_factory=dict)  # by ref, for fetch()
    notes: list[tuple[int, str]] = field(default_factory=list)  # (log level, message)


Planner = Generator[Ask, Answer, Plan]


def drive(planner: Planner, answer: Callable[[Ask], Answer]) -> Plan:
    """Run a planner to its plan, answering each of its requests with `answer`."""
    try:
        ask = next(planner)
        while True:
            ask = planner.send(answer(ask))
    except StopIteration as done:
        plan: Plan = done.value
        return plan


def plan_poll(cursor: FolderCursor | None, cal: CalendarView, now: float) -> Planner:
    """The poll of `cal` from `cursor`, at `now` (time.time())."""
    folder = cal.folder
    st = CursorState.load(cursor)
    relist = cursor is not None and not cursor.state.get(STORE_KEY)
    notes: list[tuple[int, str]] = []
    if relist:
        notes.append((logging.INFO, f"handing over every event of {folder} once, to store it"))
    # An interrupted poll, or one handing over everything, may take no "nothing changed" path.
    settled = cursor is not None and not st.resumed and not relist
    failed_before = st.sync_failed_at
    try_sync = cal.sync_token is not None and (
        failed_before is None or now - failed_before > SYNC_RETRY_SECONDS
    )
    if try_sync:
        if settled and cal.fresh and st.sync_token and st.sync_token == cal.sync_token:
            assert cursor is not None
            return Plan(FolderChanges(folder, [], cursor), notes=notes)
        outcome = yield from _sync(st, relist, notes, folder)
        if isinstance(outcome, SyncUnsupported):
            notes.append(
                (
                    logging.WARNING,
                    f"sync-collection on {folder} failed ({outcome.reason}); comparing ctag"
                    f" and etags for {SYNC_RETRY_SECONDS // 3600} h",
                )
            )
            st.sync_failed_at = now
            st.sync_token = None
        else:
            token, members, full = outcome
            if settled and token == st.sync_token and not changed_members(members, st.etags, full):
                assert cursor is not None
                return Plan(FolderChanges(folder, [], cursor), notes=notes)
            st.sync_failed_at = None
            # Discovery's ctag was read before the REPORT, so it never claims too much.
            final: dict[str, Any] = {"sync_token": token, "ctag": cal.ctag if cal.fresh else None}
            return _plan(folder, st, members, full, final, relist, notes)
    # No sync: the ctag (from discovery a moment ago, or asked for) ...
    if cal.fresh:
        ctag = cal.ctag
    else:
        answer = yield CtagProbe()
        ctag = answer.value if isinstance(answer, Ctag) else None
    if settled and ctag and ctag == st.ctag:
        assert cursor is not None
        if st.sync_failed_at == failed_before and st.sync_token is None:
            return Plan(FolderChanges(folder, [], cursor), notes=notes)
        state = {**cursor.state, "sync_token": None, "sync_failed_at": st.sync_failed_at}
        return Plan(FolderChanges(folder, [], FolderCursor(folder, state=state)), notes=notes)
    # ... and when it changed (or there is none), every member's etag.
    answer = yield EtagListing()
    listed = answer.members if isinstance(answer, Listed) else []
    final = {"sync_token": None, "ctag": ctag}
    if st.sync_failed_at is not None:
        final["sync_failed_at"] = st.sync_failed_at
    return _plan(folder, st, listed, True, final, relist, notes)


def _sync(
    st: CursorState, relist: bool, notes: list[tuple[int, str]], folder: str
) -> Generator[Ask, Answer, tuple[str, list[Member], bool] | SyncUnsupported]:
    """(new token, changed and deleted members, whether it is a full listing), or why not."""
    if st.sync_token and not relist:
        answer = yield SyncReport(st.sync_token)
        if isinstance(answer, Synced):
            return answer.token, answer.members, False
        if not isinstance(answer, TokenRejected):
            return _unsupported(answer)
        notes.append((logging.INFO, f"sync token for {folder} was rejected; listing it again"))
    elif st.known and not relist:
        notes.append((logging.INFO, f"no sync token for {folder} yet; listing the calendar"))
    answer = yield SyncReport("")
    if isinstance(answer, Synced):
        return answer.token, answer.members, True
    if isinstance(answer, TokenRejected):
        return SyncUnsupported("the initial sync-collection REPORT was refused")
    return _unsupported(answer)


def _unsupported(answer: Answer) -> SyncUnsupported:
    if isinstance(answer, SyncUnsupported):
        return answer
    return SyncUnsupported(f"unexpected answer {type(answer).__name__}")


def _plan(
    folder: str,
    st: CursorState,
    members: list[Member],
    full: bool,
    final: dict[str, Any],
    relist: bool,
    notes: list[tuple[int, str]],
) -> Plan:
    diff = changed_members(members, st.etags, full)
    etags = dict(st.etags)
    for m in diff:
        if m.etag is None:
            etags.pop(m.href, None)
        else:
            etags[m.href] = m.etag
    if relist:
        # Every object, as if changed, each with a new change number (so a new ref).
        diff = with_unchanged(diff, etags, members, list(etags))
    state = {**final, "etags": etags, "seq": st.seq + len(diff), STORE_KEY: True}
    done = FolderCursor(folder, state=state)
    pending = [[m.href, m.etag] for m in diff]  # shared by every intermediate cursor
    base: dict[str, object] = {**st.base(), "pending": pending}
    if not relist:
        base[STORE_KEY] = True  # an interrupted relisting must relist again when resumed
    plan = Plan(FolderChanges(folder, [], done), notes=notes)
    refs: list[ItemRef] = []
    for i, m in enumerate(diff):
        n = st.seq + i
        if m.etag is None:
            ref = f"{folder}:{m.href}@deleted-{n}"
        else:
            ref = f"{folder}:{m.href}@{etag_label(m.etag)}-{n}"
        plan.planned[ref] = Planned(m.href, m.etag, m.size, n)
        size = 0 if m.etag is None else (m.size or 0)
        refs.append(ItemRef(ref, FolderCursor(folder, state={**base, "done": i + 1}), size=size))
    if refs:
        refs[-1] = replace(refs[-1], cursor=done)
    plan.changes = FolderChanges(folder, refs, done)
    return plan
