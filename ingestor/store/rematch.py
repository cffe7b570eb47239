"""After a UIDVALIDITY reset: the folder's messages come back under new UIDs, and each one is
matched to the ledger row it already has, which takes the new UID. Nothing is stored twice.

A message is the same when it carries the same Message-ID (a quarantined one, which may have
none: the same bytes) in the same folder of the same source, under an older UIDVALIDITY. Each
old row is matched at most once, so two copies of one message stay two rows.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ingestor.model import ItemResult
from ingestor.store.schema import InteractionSource, LedgerEntry, QuarantinedItem

log = logging.getLogger(__name__)
Row = tuple[int, str, str | None, int | None]  # ledger id, ref, folder, uidvalidity


def rematch(
    session: Session, source: str, results: list[ItemResult], kept_bytes: int
) -> list[ItemResult]:
    """The results that are new, after giving the re-matched ones' ledger rows (and their
    interaction's source row) the new ref, UIDVALIDITY and UID. `kept_bytes` is how much of a
    quarantined item's bytes the store keeps."""
    by_uid = [r for r in results if _has_uid(r)]
    if not by_uid:
        return results
    old = _candidates(session, source, by_uid)
    claimed: set[int] = set()
    out: list[ItemResult] = []
    for result in results:
        row = (
            _match(session, source, result, old, claimed, kept_bytes) if _has_uid(result) else None
        )
        if row is None:
            out.append(result)
            continue
        claimed.add(row[0])
        _move(session, source, row, result)
    if claimed:
        log.info(
            "%s: %d messages re-matched to their ledger rows under new UIDs", source, len(claimed)
        )
    return out


def _has_uid(result: ItemResult) -> bool:
    return result.item.uidvalidity is not None and result.item.kind != "calendar"


def _candidates(session: Session, source: str, results: list[ItemResult]) -> dict[str, list[Row]]:
    ids = {r.message_id for r in results if r.message_id}
    found: dict[str, list[Row]] = defaultdict(list)
    if not ids:
        return found
    rows = session.execute(
        select(
            LedgerEntry.id,
            LedgerEntry.ref,
            LedgerEntry.folder,
            LedgerEntry.uidvalidity,
            LedgerEntry.message_id,
        )
        .where(LedgerEntry.source == source, LedgerEntry.message_id.in_(ids))
        .order_by(LedgerEntry.id)
    )
    for id_, ref, folder, uidvalidity, message_id in rows:
        if message_id is not None:
            found[message_id].append((id_, ref, folder, uidvalidity))
    return found


def _match(
    session: Session,
    source: str,
    result: ItemResult,
    old: dict[str, list[Row]],
    claimed: set[int],
    kept_bytes: int,
) -> Row | None:
    item = result.item

    def stale(row: Row) -> bool:
        return row[0] not in claimed and row[2] == item.folder and row[3] != item.uidvalidity

    if result.message_id:
        return next((row for row in old.get(result.message_id, []) if stale(row)), None)
    if result.findings is not None:
        return None
    # Quarantined without a Message-ID: the same bytes, kept the first time.
    rows = session.execute(
        select(LedgerEntry.id, LedgerEntry.ref, LedgerEntry.folder, LedgerEntry.uidvalidity)
        .join(QuarantinedItem, QuarantinedItem.ledger_id == LedgerEntry.id)
        .where(
            LedgerEntry.source == source,
            LedgerEntry.folder == item.folder,
            LedgerEntry.outcome == "quarantined",
            LedgerEntry.uidvalidity != item.uidvalidity,
            QuarantinedItem.raw == item.data[:kept_bytes],
        )
        .order_by(LedgerEntry.id)
    )
    for id_, ref, folder, uidvalidity in rows:
        row = (id_, ref, folder, uidvalidity)
        if stale(row):
            return row
    return None


def _move(session: Session, source: str, row: Row, result: ItemResult) -> None:
    item = result.item
    session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.id == row[0])
        .values(ref=item.ref, uidvalidity=item.uidvalidity, uid=item.uid)
    )
    session.execute(
        update(InteractionSource)
        .where(InteractionSource.source == source, InteractionSource.ref == row[1])
        .values(ref=item.ref)
    )
