"""The CalDAV change planner (ingestor/sources/davplan.py) against a model server.

A Hypothesis state machine edits a model calendar (create, modify, touch, delete objects; etags
derive from content, so an object edited back gets an etag seen before), expires sync tokens,
takes sync support away and gives it back, moves the clock, and polls: with discovery fresh or
not, and interrupted after any number of changes, the next poll resuming from the cursor the
interruption left. After every poll it checks what a store fed by the plans would hold:
- no ref is handed over twice (the ledger would drop the second as seen);
- no object is handed over at the etag the store already has, and a deletion is reported only
  for an object the store holds (so once);
- after a poll that ran to its end, the store holds every live object at its latest etag, and
  nothing else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule

from ingestor.model import FolderCursor
from ingestor.sources.davplan import (
    SYNC_RETRY_SECONDS,
    Answer,
    Ask,
    CalendarView,
    Ctag,
    CtagProbe,
    EtagListing,
    Listed,
    Synced,
    SyncReport,
    SyncUnsupported,
    TokenRejected,
    drive,
    plan_poll,
)
from ingestor.sources.davxml import Member

HREFS = [f"/cal/{name}.ics" for name in "abcde"]
CONTENTS = ["v1", "v2", "v3"]  # few, so edits repeat etags


@dataclass
class ModelServer:
    """A calendar as a CalDAV server keeps it: objects, a change log, tokens into the log."""

    objects: dict[str, str] = field(default_factory=dict)  # href -> etag
    log: list[str] = field(default_factory=list)  # hrefs, in change order
    expired_before: int = 0  # tokens older than this log position are rejected
    sync: bool = True  # sync-collection works
    advertised: bool = True  # discovery shows a sync-token
    has_ctag: bool = True
    asked: list[Ask] = field(default_factory=list)

    def token(self) -> str:
        return f"tok-{len(self.log)}"

    def ctag(self) -> str | None:
        return f"ctag-{len(self.log)}" if self.has_ctag else None

    def change(self, href: str, etag: str | None) -> None:
        if etag is None:
            self.objects.pop(href, None)
        else:
            self.objects[href] = etag
        self.log.append(href)

    def everything(self) -> list[Member]:
        return [Member(h, e) for h, e in sorted(self.objects.items())]

    def answer(self, ask: Ask) -> Answer:
        self.asked.append(ask)
        if isinstance(ask, CtagProbe):
            return Ctag(self.ctag())
        if isinstance(ask, SyncReport):
            if not self.sync:
                return SyncUnsupported("HTTP 501")
            if not ask.token:
                return Synced(self.token(), self.everything())
            position = int(ask.token.removeprefix("tok-")) if ask.token.startswith("tok-") else -1
            if not self.expired_before <= position <= len(self.log):
                return TokenRejected()
            changed = dict.fromkeys(self.log[position:])
            return Synced(self.token(), [Member(h, self.objects.get(h)) for h in changed])
        return Listed(self.everything())


class PlannerMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.server = ModelServer()
        self.now = 1_000_000.0
        self.cursor: FolderCursor | None = None
        self.stored: dict[str, str] = {}  # what the store got: href -> etag
        self.ledger: set[str] = set()
        self.discovered = CalendarView("cal", self.server.token(), self.server.ctag(), True)

    # -- the server changes ----------------------------------------------------------------

    @rule(href=st.sampled_from(HREFS), content=st.sampled_from(CONTENTS))
    def put(self, href: str, content: str) -> None:
        self.server.change(href, f'"{content}"')

    @rule(href=st.sampled_from(HREFS))
    def touch(self, href: str) -> None:
        """Listed as changed with the etag it had (some servers do)."""
        if href in self.server.objects:
            self.server.change(href, self.server.objects[href])

    @rule(href=st.sampled_from(HREFS))
    def delete(self, href: str) -> None:
        if href in self.server.objects:
            self.server.change(href, None)

    @rule()
    def expire_tokens(self) -> None:
        self.server.expired_before = len(self.server.log) + 1  # even the current one

    @rule(advertise=st.booleans())
    def lose_sync(self, advertise: bool) -> None:
        self.server.sync = False
        self.server.advertised = advertise

    @rule()
    def regain_sync(self) -> None:
        self.server.sync = self.server.advertised = True

    @rule(has_ctag=st.booleans())
    def set_ctag_support(self, has_ctag: bool) -> None:
        self.server.has_ctag = has_ctag

    @rule(hours=st.sampled_from([1, 25]))
    def wait(self, hours: int) -> None:
        self.now += hours * 3600

    # -- polls ---------------------------------------------------------------------------------

    @rule(fresh=st.booleans(), stop_after=st.none() | st.integers(0, 6))
    def poll(self, fresh: bool, stop_after: int | None) -> None:
        if fresh:  # discovery ran just now; otherwise its values are from an earlier poll
            token = self.server.token() if self.server.advertised else None
            self.discovered = CalendarView("cal", token, self.server.ctag(), True)
        view = CalendarView("cal", self.discovered.sync_token, self.discovered.ctag, fresh)
        plan = drive(plan_poll(self.cursor, view, self.now), self.server.answer)
        refs = plan.changes.refs
        complete = stop_after is None or stop_after >= len(refs)
        for item in refs if complete else refs[:stop_after]:
            assert item.ref not in self.ledger, f"{item.ref} handed over twice"
            self.ledger.add(item.ref)
            planned = plan.planned[item.ref]
            if planned.etag is None:
                assert planned.href in self.stored, f"deletion of {planned.href} not stored"
                del self.stored[planned.href]
            else:
                assert self.stored.get(planned.href) != planned.etag, (
                    f"{planned.href} handed over again at {planned.etag}"
                )
                self.stored[planned.href] = planned.etag
            self.cursor = _through_json(item.cursor)
        if complete:
            if not refs:
                self.cursor = _through_json(plan.changes.cursor)
            assert self.stored == self.server.objects

    @precondition(lambda self: self.cursor is not None)
    @rule()
    def quiet_poll_is_cheap(self) -> None:
        """A poll right after a complete one, with discovery fresh and nothing changed, sends
        no request, or one: the etag listing of a server with neither sync nor ctag."""
        self.poll(True, None)
        self.server.asked.clear()
        self.poll(True, None)
        assert len(self.server.asked) <= (0 if self.server.has_ctag else 1), self.server.asked


def _through_json(cursor: FolderCursor) -> FolderCursor:
    """Cursors are stored as JSON: what the next poll gets back is what survives that."""
    return FolderCursor(cursor.folder, state=json.loads(json.dumps(cursor.state)))


PlannerMachine.TestCase.settings = settings(max_examples=300, stateful_step_count=40, deadline=None)
test_planner_against_a_model_server = PlannerMachine.TestCase


def test_a_cursor_without_stored_masters_hands_everything_over_once() -> None:
    server = ModelServer()
    for href in HREFS[:3]:
        server.change(href, '"v1"')
    view = CalendarView("cal", server.token(), server.ctag(), True)
    first = drive(plan_poll(None, view, 0.0), server.answer)
    assert len(first.changes.refs) == 3
    old = {k: v for k, v in first.changes.cursor.state.items() if k != "masters_stored"}
    old["expanded_on"] = "2026-01-01"  # the weekly re-download's key: ignored
    again = drive(plan_poll(FolderCursor("cal", state=old), view, 0.0), server.answer)
    assert sorted(again.planned[r.ref].href for r in again.changes.refs) == HREFS[:3]
    assert not {r.ref for r in again.changes.refs} & {r.ref for r in first.changes.refs}
    quiet = drive(plan_poll(again.changes.cursor, view, 0.0), server.answer)
    assert quiet.changes.refs == []


def test_a_failed_sync_is_retried_after_a_day() -> None:
    server = ModelServer(sync=False)
    server.change(HREFS[0], '"v1"')
    view = CalendarView("cal", server.token(), server.ctag(), False)
    first = drive(plan_poll(None, view, 0.0), server.answer)
    assert [type(a) for a in server.asked] == [SyncReport, CtagProbe, EtagListing]
    server.sync = True
    server.asked.clear()
    cursor = first.changes.cursor
    drive(plan_poll(cursor, view, SYNC_RETRY_SECONDS - 1.0), server.answer)
    assert not any(isinstance(a, SyncReport) for a in server.asked)
    server.asked.clear()
    later = drive(plan_poll(cursor, view, SYNC_RETRY_SECONDS + 1.0), server.answer)
    assert isinstance(server.asked[0], SyncReport)
    assert later.changes.cursor.state["sync_token"] == server.token()
