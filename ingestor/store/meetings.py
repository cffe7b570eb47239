"""Persisting meetings: one interaction per occurrence, keyed by (UID, RECURRENCE-ID).

The same meeting seen in a calendar and in invites in several mailboxes is one interaction. A
higher SEQUENCE wins, and on a tie the later DTSTAMP; an older copy only adds its source.
Deleted or cancelled meetings are kept with status "cancelled": recruiters want to see them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ingestor.extractors.conference_text import strip_conference
from ingestor.extractors.mail import cap_body
from ingestor.extractors.occurrences import SeriesSpan
from ingestor.model import Body
from ingestor.store import series
from ingestor.store.dialect import upsert_insert
from ingestor.store.schema import (
    Contact,
    Interaction,
    InteractionBody,
    InteractionParticipant,
    InteractionSource,
)

if TYPE_CHECKING:
    from ingestor.extractors.meetings import Attendee, CalendarFindings, MeetingOccurrence

SNIPPET_CHARS = 240
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ALL = SeriesSpan("", bounded=False)  # a deleted object: every occurrence it had is gone


def meeting_key(uid: str, recurrence_id: str | None) -> str:
    return f"ical:{uid}|{recurrence_id or ''}"


def object_prefix(folder: str, object_key: str) -> str:
    """Source refs of one calendar object's occurrences all start with this."""
    return f"{folder}:{object_key}" if object_key.endswith("#") else f"{folder}:{object_key}|"


class MeetingWriter:
    """Writes one batch's calendar findings, in its transaction.

    `contacts` gives each organizer's and attendee's contact id (None: not a contact), as
    resolve decided; `owners` are the mailbox owner's addresses. With `store_bodies`, each
    new or changed occurrence keeps its description without conference boilerplate as its
    body (the snippet keeps the description's first words as they came: the export's).
    """

    def __init__(
        self,
        session: Session,
        source: str,
        now: datetime,
        contacts: Mapping[str, int | None],
        owners: frozenset[str],
        store_bodies: bool = True,
    ) -> None:
        self.session = session
        self.source = source
        self.now = now
        self.contacts = contacts
        self.owners = owners
        self.store_bodies = store_bodies
        self._texts: dict[str, Body | None] = {}  # description → its stored form

    # -- calendars -------------------------------------------------------------------------

    def write_object(
        self,
        folder: str,
        object_key: str,
        findings: CalendarFindings,
        window: tuple[datetime, datetime],
    ) -> tuple[int, str | None]:
        """Upsert an object's occurrences, keep its master (store/series), and cancel the
        occurrences it no longer has where it was expanded. → (stored, skip reason).

        `window` is the bound for UIDs the findings give no span for (findings built before
        spans existed); every other UID is judged by its span: a one-off or finite series was
        expanded in full, so whatever it lacks was deleted; an infinite one only inside its
        bound, so what lies outside was not looked at.
        """
        prefix = object_prefix(folder, object_key)
        live = [o for o in findings.occurrences if o.skip_reason is None]
        kept: set[str] = set()
        for occ in live:
            ref = prefix + (occ.recurrence_id or "")
            self.upsert(occ, ref, method=findings.method)
            kept.add(ref)
        fallback = SeriesSpan("", bounded=True, start=window[0], end=window[1])
        self._cancel_missing(prefix, kept, lambda uid: findings.spans.get(uid or "", fallback))
        if findings.source_text:
            series.save(
                self.session,
                self.source,
                folder,
                object_key,
                findings.source_text,
                findings.spans,
                self.now,
            )
        if live:
            return len(live), None
        reasons = sorted({o.skip_reason for o in findings.occurrences if o.skip_reason})
        return 0, "; ".join(reasons) if reasons else "no events in the calendar object"

    def cancel_object(self, folder: str, object_key: str) -> int:
        """The object vanished from the server: every occurrence it had is cancelled, and its
        master is forgotten (nothing expands it again)."""
        series.remove(self.session, self.source, folder, object_key)
        return self._cancel_missing(object_prefix(folder, object_key), set(), lambda _: _ALL)

    def _cancel_missing(
        self, prefix: str, kept: set[str], span_of: Callable[[str | None], SeriesSpan]
    ) -> int:
        rows = self.session.execute(
            select(InteractionSource.ref, Interaction)
            .join(Interaction, Interaction.id == InteractionSource.interaction_id)
            .where(
                InteractionSource.source == self.source,
                InteractionSource.ref.startswith(prefix, autoescape=True),
            )
        ).all()
        cancelled = 0
        for ref, interaction in rows:
            if ref in kept or interaction.status == "cancelled":
                continue
            # Occurrences outside the range that was expanded were not deleted: not looked at.
            if not span_of(interaction.ical_uid).covers(interaction.occurred_at):
                continue
            interaction.status = "cancelled"
            interaction.updated_at = self.now
            cancelled += 1
        return cancelled

    # -- invites in mail ---------------------------------------------------------------------

    def write_invite(self, findings: CalendarFindings, ref: str) -> None:
        method = (findings.method or "PUBLISH").upper()
        for occ in findings.occurrences:
            occ_ref = f"{ref}#{occ.uid}|{occ.recurrence_id or ''}"
            if method == "REPLY":
                self._apply_reply(occ)
            elif method == "CANCEL":
                interaction = self._existing(occ)
                if interaction is None:
                    self.upsert(occ, occ_ref, method=method, force_status="cancelled")
                elif _newer_or_same(occ, interaction):
                    interaction.status = "cancelled"
                    interaction.updated_at = self.now
                    self._link_source(interaction, occ_ref)
            elif method == "COUNTER":
                # A counter-proposal is not a reschedule until the organizer sends a REQUEST.
                interaction = self._existing(occ)
                if interaction is not None:
                    self._link_source(interaction, occ_ref)
            elif occ.skip_reason is None:
                self.upsert(occ, occ_ref, method=method)

    def _apply_reply(self, occ: MeetingOccurrence) -> None:
        interaction = self._existing(occ)
        if interaction is None:
            return
        for attendee in occ.attendees:
            row = self.session.scalar(
                select(InteractionParticipant).where(
                    InteractionParticipant.interaction_id == interaction.id,
                    InteractionParticipant.address == attendee.email,
                    InteractionParticipant.role == "attendee",
                )
            )
            if row is not None and attendee.partstat:
                row.partstat = attendee.partstat

    # -- shared ------------------------------------------------------------------------------

    def _existing(self, occ: MeetingOccurrence) -> Interaction | None:
        key = meeting_key(occ.uid, occ.recurrence_id)
        return self.session.scalar(select(Interaction).where(Interaction.dedup_key == key))

    def upsert(
        self,
        occ: MeetingOccurrence,
        ref: str,
        method: str | None = None,
        force_status: str | None = None,
    ) -> Interaction:
        interaction = self._existing(occ)
        if interaction is None:
            interaction = Interaction(
                dedup_key=meeting_key(occ.uid, occ.recurrence_id), created_at=self.now
            )
            self.session.add(interaction)
            self._fill(interaction, occ, force_status)
            self.session.flush()
            self._set_participants(interaction, occ)
            self._keep_text(interaction, occ, new=True)
        elif _newer_or_same(occ, interaction):
            # The same SEQUENCE and DTSTAMP (a series expanded again) is the same text.
            changed = not _same_version(occ, interaction)
            self._fill(interaction, occ, force_status)
            self._set_participants(interaction, occ)
            if changed:
                self._keep_text(interaction, occ, new=False)
        self._link_source(interaction, ref)
        return interaction

    def _fill(self, i: Interaction, occ: MeetingOccurrence, force_status: str | None) -> None:
        i.kind = occ.kind
        i.occurred_at = occ.start
        i.ends_at = occ.end
        i.subject = occ.summary
        i.snippet = (" ".join((occ.description or "").split()))[:SNIPPET_CHARS] or None
        i.ical_uid = occ.uid
        i.recurrence_id = occ.recurrence_id
        i.sequence = occ.sequence
        i.dtstamp = occ.dtstamp
        i.status = force_status or occ.status
        i.location = occ.location
        i.conference_url = occ.conference_url
        i.direction = None
        i.updated_at = self.now

    def _keep_text(self, interaction: Interaction, occ: MeetingOccurrence, new: bool) -> None:
        if not self.store_bodies:
            return
        key = occ.description or ""
        if key not in self._texts:  # one description is shared by a series' occurrences
            text = strip_conference(key).text
            self._texts[key] = cap_body(text) if text else None
        body = self._texts[key]
        if body is None:
            if not new:
                self.session.execute(
                    delete(InteractionBody).where(InteractionBody.interaction_id == interaction.id)
                )
            return
        values = dict(interaction_id=interaction.id, text=body.text, truncated=body.truncated)
        ins = upsert_insert(self.session.get_bind().dialect.name, InteractionBody).values(values)
        self.session.execute(
            ins.on_conflict_do_update(
                index_elements=["interaction_id"],
                set_={"text": body.text, "truncated": body.truncated},
            )
        )

    def _set_participants(self, interaction: Interaction, occ: MeetingOccurrence) -> None:
        self.session.execute(
            delete(InteractionParticipant).where(
                InteractionParticipant.interaction_id == interaction.id
            )
        )
        people: list[Attendee] = ([occ.organizer] if occ.organizer else []) + list(occ.attendees)
        seen: set[tuple[str, str]] = set()
        for a in people:
            if not a.email or (a.email, a.role) in seen:
                continue
            seen.add((a.email, a.role))
            contact_id = self.contacts.get(a.email)
            contact = self.session.get(Contact, contact_id) if contact_id is not None else None
            self.session.add(
                InteractionParticipant(
                    interaction_id=interaction.id,
                    contact_id=contact_id,
                    address=a.email,
                    name=a.name,
                    role=a.role,
                    partstat=a.partstat,
                )
            )
            happened = occ.start <= self.now and occ.status != "cancelled"
            if (
                contact is not None
                and happened
                and (contact.last_interaction_at or _EPOCH) < occ.start
            ):
                contact.last_interaction_at = occ.start

    def _link_source(self, interaction: Interaction, ref: str) -> None:
        exists = self.session.scalar(
            select(InteractionSource.id).where(
                InteractionSource.source == self.source, InteractionSource.ref == ref
            )
        )
        if exists is None:
            self.session.add(
                InteractionSource(interaction_id=interaction.id, source=self.source, ref=ref)
            )


def _same_version(occ: MeetingOccurrence, existing: Interaction) -> bool:
    return (occ.sequence or 0, occ.dtstamp or _EPOCH) == (
        existing.sequence or 0,
        existing.dtstamp or _EPOCH,
    )


def _newer_or_same(occ: MeetingOccurrence, existing: Interaction) -> bool:
    mine = (occ.sequence or 0, occ.dtstamp or _EPOCH)
    theirs = (existing.sequence or 0, existing.dtstamp or _EPOCH)
    return mine >= theirs
