"""When a calendar source hands every event over again, so recurring series reach new dates.

Recurring events are expanded only inside a window that moves with the clock, while calendar
sources hand over only the events that changed: an unchanged weekly series would never get the
occurrences that enter the window later. So once every REEXPAND_DAYS a calendar's poll is a
round in which every event counts as changed. Refs in that round must differ from every earlier
one, or the ledger (unique by source and ref) would drop them as already seen. Handing over an
unchanged series again is safe: the store upserts occurrences idempotently, and cancels missing
ones only inside the window. Deletions are detected in such a round as in any other.

Cursor state keys: "expanded_on", the ISO date (UTC) of the last round that handed over
everything; a cursor without it (written before it existed) is due at once. Intermediate cursors
of such a round carry the old "expanded_on", so an interrupted round is still due, and
"reexpanding", the round's date, so the resumed round goes on under the same date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

REEXPAND_DAYS = 7
STATE_KEY = "expanded_on"
ROUND_KEY = "reexpanding"


def utc_now() -> datetime:
    """The default clock of calendar sources; tests replace a source's `clock` to move time."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Reexpansion:
    """What one poll of one calendar does about re-expansion, decided from its cursor state."""

    due: bool  # hand over every event, with refs no earlier round used
    day: date | None  # the round's date when due: part of refs that need one
    before: date | None  # "expanded_on" as the cursor had it
    after: date  # "expanded_on" once this poll is complete
    resumed: bool = False  # due, and going on with a round that was interrupted

    @classmethod
    def plan(cls, state: Mapping[str, object], known: bool, today: date) -> Reexpansion:
        """`known`: a cursor existed. A first read hands over everything anyway: not due."""
        before = _day(state.get(STATE_KEY))
        due = known and (before is None or (today - before).days >= REEXPAND_DAYS)
        interrupted = _day(state.get(ROUND_KEY)) if due else None
        day = (interrupted or today) if due else None
        after = day if day is not None else before or today
        return cls(due, day, before, after, resumed=interrupted is not None)

    def final(self) -> dict[str, object]:
        """State entries for the cursor that holds once the poll is complete."""
        return {STATE_KEY: self.after.isoformat()}

    def interim(self) -> dict[str, object]:
        """State entries for the cursors that hold partway through the poll."""
        out: dict[str, object] = {}
        expanded = self.before if self.due else self.after
        if expanded is not None:
            out[STATE_KEY] = expanded.isoformat()
        if self.day is not None:
            out[ROUND_KEY] = self.day.isoformat()
        return out


def _day(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
