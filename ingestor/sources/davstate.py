"""The CalDAV source's cursor per calendar: what it stores, and the changes it implies.

Cursor state per calendar: {"sync_token", "ctag", "etags": {href: etag}, "seq": n,
"masters_stored": true} (see davplan for the last). `seq` numbers every change handed out; it
is part of each ref, because servers derive etags from content: an event deleted and restored,
or edited and edited back, has an etag seen before and would otherwise get a ref the ledger
already holds. For the same reason the one round that hands over unchanged objects (a cursor
from before masters were stored) needs nothing else in its refs. Keys of older cursors
("expanded_on", "reexpanding": the weekly re-download that the store replaced) are ignored.
Refs:
- changed: "<folder>:<href>#<uid>@<etag>-<n>", object_key "<href>#<uid>";
- deleted: "<folder>:<href>@deleted-<n>", object_key "<href>#" (cancels all of its UIDs).
Intermediate cursors share the previous state and the list of pending changes, and say how many
of them are done ({"pending": [[href, etag or None], ...], "done": k}): O(1) memory per ref, and
a resumed poll skips exactly the changes stored before the interruption.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ingestor.model import FolderCursor
from ingestor.sources.davxml import Member


@dataclass(frozen=True)
class Planned:
    """What changes() decided about one ref, for fetch() to act on."""

    href: str
    etag: str | None  # None: deleted
    size: int | None
    n: int  # the change's number in this calendar (cursor "seq")

    @property
    def version(self) -> str:
        return f"{etag_label(self.etag)}-{self.n}"


@dataclass
class CursorState:
    """A calendar's cursor state, with an interrupted poll's stored changes applied."""

    sync_token: str | None
    ctag: str | None
    etags: dict[str, str]
    seq: int  # changes handed out so far: numbers each one, so every ref is new
    sync_failed_at: float | None
    known: bool  # a cursor existed: its etags are a baseline to detect deletions against
    resumed: bool  # the cursor was an intermediate one

    @classmethod
    def load(cls, cursor: FolderCursor | None) -> CursorState:
        state = cursor.state if cursor is not None else {}
        raw_etags = state.get("etags")
        etags = {
            str(k): str(v)
            for k, v in (raw_etags.items() if isinstance(raw_etags, dict) else ())
            if v is not None
        }
        seq = _int(state.get("seq"))
        pending = state.get("pending")
        done = _int(state.get("done"))
        resumed = isinstance(pending, list)
        if isinstance(pending, list):
            for entry in pending[:done]:
                seq += 1
                if not (isinstance(entry, list | tuple) and len(entry) == 2):
                    continue
                href, etag = str(entry[0]), entry[1]
                if etag is None:
                    etags.pop(href, None)
                else:
                    etags[href] = str(etag)
        token, ctag, failed = (
            state.get("sync_token"),
            state.get("ctag"),
            state.get("sync_failed_at"),
        )
        return cls(
            sync_token=str(token) if token else None,
            ctag=str(ctag) if ctag and not resumed else None,
            etags=etags,
            seq=seq,
            sync_failed_at=float(failed) if isinstance(failed, int | float) else None,
            known=cursor is not None,
            resumed=resumed,
        )

    def base(self) -> dict[str, object]:
        out: dict[str, object] = {
            "sync_token": self.sync_token,
            "ctag": None,  # an interrupted poll must list again, whatever the ctag says
            "etags": self.etags,
            "seq": self.seq,
        }
        if self.sync_failed_at is not None:
            out["sync_failed_at"] = self.sync_failed_at
        return out


def changed_members(members: Iterable[Member], etags: dict[str, str], full: bool) -> list[Member]:
    """Changed and deleted members against the known etags, by href."""
    seen: dict[str, Member] = {}
    for m in members:
        seen[m.href] = m
    out = []
    for m in seen.values():
        if m.etag is None:
            # Deleting what was never stored (created and deleted between polls) cancels nothing.
            if m.href in etags:
                out.append(m)
        elif not m.etag or etags.get(m.href) != m.etag:
            out.append(m)
    if full:
        out.extend(Member(href, None) for href in etags if href not in seen)
    return sorted(out, key=lambda m: m.href)


def with_unchanged(
    diff: list[Member], etags: dict[str, str], listed: Iterable[Member], hrefs: Iterable[str]
) -> list[Member]:
    """`diff` plus each of `hrefs` that still exists, as if changed: a round handing over all.

    Their etags are the stored ones (unchanged, or `diff` would hold them); their sizes come from
    `listed` where the listing had them.
    """
    sizes = {m.href: m.size for m in listed}
    have = {m.href for m in diff}
    extra = [
        Member(h, etags[h], sizes.get(h))
        for h in dict.fromkeys(hrefs)
        if h in etags and h not in have
    ]
    return sorted(diff + extra, key=lambda m: m.href)


def etag_label(etag: str | None) -> str:
    """An etag as it appears in refs: without the quotes every server puts around it."""
    text = (etag or "").removeprefix("W/").strip('"')
    return text or "no-etag"


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
