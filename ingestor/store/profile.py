"""Self-updating profiles: signature findings become observations, fills and suggestions.

Every extracted value is an Observation with its provenance (interaction, extractor,
confidence, time). A blank field is filled; a different value becomes a pending Suggestion
with its evidence; nothing a person set is ever overwritten; old phones stay.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from ingestor.extractors.phones import Phone
from ingestor.extractors.profile import FIELD_THRESHOLD, ProfileFindings, is_profile_phone
from ingestor.resolve.names import different_spelling, normalise_name
from ingestor.store.schema import Contact, ContactPhone, Observation, Suggestion

EXTRACTOR = "signature"
BODY_PHONE_EXTRACTOR = "body-phone"
SIGNATURE_CONFIDENCE = 0.9
# A different spelling of the name must be seen this often before a correction is proposed.
NAME_FIX_MIN_SIGHTINGS = 2
PROFILE_FIELDS = ("name", "title", "company", "location", "phone", "email")


def completeness(contact: Contact, phones: int, emails: int) -> dict[str, Any]:
    """Which profile fields are filled, and the share filled (0..1)."""
    filled = {
        "name": bool(contact.name),
        "title": bool(contact.title),
        "company": bool(contact.company),
        "location": bool(contact.location),
        "phone": phones > 0,
        "email": emails > 0,
    }
    return {
        "score": round(sum(filled.values()) / len(filled), 2),
        "missing": [f for f in PROFILE_FIELDS if not filled[f]],
    }


class InteractionFacts(Protocol):
    """What evidence needs of an interaction: a stored one, or one the batch is inserting."""

    @property
    def id(self) -> int | None: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def subject(self) -> str | None: ...
    @property
    def snippet(self) -> str | None: ...
    @property
    def message_id(self) -> str | None: ...


class ProfileUpdater:
    """Applies a batch's profile findings. Call `prefetch` with the batch's contacts first and
    `insert_observations` at its end.

    What the decisions need (phones, newest observation per field, pending suggestions) is
    read once per batch and then kept up to date in memory, and observations are inserted
    together: a query or a flush per observation was a quarter of the write time.
    """

    def __init__(self, session: Session, now: datetime) -> None:
        self.session = session
        self.now = now
        self._phones: dict[int, list[str]] = {}
        self._newest: dict[tuple[int, str], datetime] = {}  # (contact, field) -> seen_at
        self._pending: dict[tuple[int, str, str | None, str | None], Suggestion] = {}
        self._observations: list[dict[str, Any]] = []
        # The CV or card being applied (apply_document): its id goes on each observation, its
        # name on each suggestion's evidence. Signatures have none.
        self.document: tuple[int, str] | None = None

    def prefetch(self, contact_ids: set[int]) -> None:
        ids = contact_ids - set(self._phones)
        if not ids:
            return
        for cid in ids:
            self._phones[cid] = []
        for cid, number in self.session.execute(
            select(ContactPhone.contact_id, ContactPhone.number).where(
                ContactPhone.contact_id.in_(ids)
            )
        ):
            self._phones[cid].append(number)
        for cid, field, newest in self.session.execute(
            select(Observation.contact_id, Observation.field, func.max(Observation.seen_at))
            .where(Observation.contact_id.in_(ids))
            .group_by(Observation.contact_id, Observation.field)
        ):
            self._remember(cid, field, newest)
        for suggestion in self.session.scalars(
            select(Suggestion).where(
                Suggestion.contact_id.in_(ids),
                Suggestion.status == "pending",
                Suggestion.kind != "new_contact",
            )
        ):
            self._pending[_suggestion_key(suggestion)] = suggestion

    def insert_observations(self) -> None:
        if self._observations:
            self.session.execute(insert(cast(Table, Observation.__table__)), self._observations)
            self._observations.clear()

    def apply(
        self, contact: Contact, profile: ProfileFindings, interaction: InteractionFacts
    ) -> None:
        sig = profile.signature
        if sig is not None:
            f = sig.fields
            location = (
                ", ".join(x for x in (f.location.city, f.location.country) if x)
                if f.location
                else None
            )
            confidence = SIGNATURE_CONFIDENCE if f.name_matches_sender else 0.7
            for field, value in (
                ("title", f.title),
                ("company", f.company),
                ("location", location),
            ):
                if not value:
                    continue
                field_confidence = sig.confidence(field)
                if field_confidence >= FIELD_THRESHOLD:
                    self._field(contact, field, value, interaction, field_confidence)
                else:  # too unsure to fill or suggest: kept as evidence only
                    self._observe(contact, field, value, interaction, EXTRACTOR, field_confidence)
            if f.name:
                name, name_confidence = normalise_name(f.name), sig.confidence("name")
                if name_confidence >= FIELD_THRESHOLD:
                    self._name(contact, name, interaction, name_confidence)
                else:
                    self._observe(contact, "name", name, interaction, EXTRACTOR, name_confidence)
            if f.linkedin:
                self._observe(contact, "linkedin", f.linkedin, interaction, EXTRACTOR, confidence)
            for email in f.emails:
                self._observe(contact, "email", email.lower(), interaction, EXTRACTOR, confidence)
        had_phones = bool(self._numbers(contact))
        for phone in profile.phones:
            self._phone(contact, phone, interaction, fill=not had_phones)

    # -- fields ------------------------------------------------------------------------------

    def _field(
        self,
        contact: Contact,
        field: str,
        value: str,
        interaction: InteractionFacts,
        confidence: float,
        extractor: str = EXTRACTOR,
    ) -> None:
        self.prefetch({contact.id})
        # Known from the prefetch: most fills (a new contact's first signature) need no query.
        observed_before = (contact.id, field) in self._newest
        self._observe(contact, field, value, interaction, extractor, confidence)
        current = getattr(contact, field)
        if current is None and field not in (contact.locked_fields or []):
            setattr(contact, field, value)
            contact.updated_at = self.now
            if field == "company" and observed_before and self._other_company_seen(contact, value):
                # Filling a blank company after another one was seen is a job change too.
                payload = {"job_change": True, "filled": True}
                self._suggest(contact, "field_update", field, None, value, interaction, payload)
            return
        if (
            current is not None
            and not _same(current, value)
            and not self._stale(contact, field, interaction)
        ):
            payload = {"job_change": True} if field == "company" else {}
            self._suggest(contact, "field_update", field, current, value, interaction, payload)

    def _other_company_seen(self, contact: Contact, company: str) -> bool:
        seen = self.session.scalars(
            select(Observation.value).where(
                Observation.contact_id == contact.id, Observation.field == "company"
            )
        ).all()
        waiting = [
            o["value"]
            for o in self._observations
            if o["contact_id"] == contact.id and o["field"] == "company"
        ]
        return any(not _same(v, company) for v in [*seen, *waiting] if v)

    def _name(
        self, contact: Contact, name: str, interaction: InteractionFacts, confidence: float
    ) -> None:
        self._observe(contact, "name", name, interaction, EXTRACTOR, confidence)
        if contact.name is None and "name" not in (contact.locked_fields or []):
            contact.name = name
            contact.updated_at = self.now
            return
        if contact.name is None or not different_spelling(contact.name, name):
            return
        stored = self.session.scalar(
            select(func.count()).where(
                Observation.contact_id == contact.id,
                Observation.field == "name",
                Observation.value == name,
            )
        )
        waiting = sum(
            1
            for o in self._observations
            if o["contact_id"] == contact.id and o["field"] == "name" and o["value"] == name
        )
        sightings = (stored or 0) + waiting
        if sightings >= NAME_FIX_MIN_SIGHTINGS:
            self._suggest(
                contact,
                "name_fix",
                "name",
                contact.name,
                name,
                interaction,
                {"sightings": sightings},
            )

    def _numbers(self, contact: Contact) -> list[str]:
        self.prefetch({contact.id})
        return self._phones[contact.id]

    def _phone(
        self,
        contact: Contact,
        phone: Phone,
        interaction: InteractionFacts,
        fill: bool,
        source: str = EXTRACTOR,
    ) -> None:
        extractor = source if is_profile_phone(phone) else BODY_PHONE_EXTRACTOR
        self._observe(contact, "phone", phone.number, interaction, extractor, phone.confidence)
        if extractor == BODY_PHONE_EXTRACTOR:
            return  # "call me on …" outside the signature: evidence only, never a profile value
        numbers = self._numbers(contact)
        if phone.number in numbers:
            return
        # A profile without phones takes every number of the signature that first shows one.
        if fill and "phone" not in (contact.locked_fields or []):
            self.session.add(
                ContactPhone(
                    contact_id=contact.id,
                    number=phone.number,
                    type=phone.type,
                    raw=phone.raw,
                    created_at=interaction.occurred_at,  # "since": the email's date
                )
            )
            numbers.append(phone.number)
            contact.updated_at = self.now
            return
        if not self._stale(contact, "phone", interaction):
            self._suggest(
                contact,
                "field_update",
                "phone",
                numbers[0] if numbers else None,
                phone.number,
                interaction,
                {"type": phone.type, "raw": phone.raw},
            )

    # -- provenance --------------------------------------------------------------------------

    def _observe(
        self,
        contact: Contact,
        field: str,
        value: str,
        interaction: InteractionFacts,
        extractor: str,
        confidence: float,
    ) -> None:
        self._observations.append(
            dict(
                contact_id=contact.id,
                field=field,
                value=value[:500],
                interaction_id=interaction.id,
                extractor=extractor,
                confidence=confidence,
                seen_at=interaction.occurred_at,
                document_id=self.document[0] if self.document else None,
            )
        )
        self._remember(contact.id, field, interaction.occurred_at)

    def _remember(self, contact_id: int, field: str, seen_at: datetime) -> None:
        key = (contact_id, field)
        if key not in self._newest or self._newest[key] < seen_at:
            self._newest[key] = seen_at

    def _stale(self, contact: Contact, field: str, interaction: InteractionFacts) -> bool:
        """Old mail read after newer mail must not propose going back to an old value."""
        self.prefetch({contact.id})
        newest = self._newest.get((contact.id, field))
        return newest is not None and newest > interaction.occurred_at

    def _suggest(
        self,
        contact: Contact,
        kind: str,
        field: str,
        old: str | None,
        new: str,
        interaction: InteractionFacts,
        payload: dict[str, Any],
    ) -> None:
        evidence = {
            "interaction_id": interaction.id,
            "subject": interaction.subject,
            "snippet": interaction.snippet,
            "occurred_at": interaction.occurred_at.isoformat(),
            "message_id": interaction.message_id,
        }
        if self.document is not None:
            evidence["document"] = self.document[1]
        self.prefetch({contact.id})
        pending = self._pending.get((contact.id, kind, field, new))
        if pending is not None:
            if all(e.get("interaction_id") != interaction.id for e in pending.evidence):
                pending.evidence = [*pending.evidence, evidence]
            return
        suggestion = Suggestion(
            contact_id=contact.id,
            kind=kind,
            field=field,
            old_value=old,
            new_value=new,
            payload=payload,
            evidence=[evidence],
            created_at=self.now,
        )
        self.session.add(suggestion)
        self._pending[_suggestion_key(suggestion)] = suggestion


def _suggestion_key(s: Suggestion) -> tuple[int, str, str | None, str | None]:
    assert s.contact_id is not None
    return (s.contact_id, s.kind, s.field, s.new_value)


def _same(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())
