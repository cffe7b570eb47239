"""CVs, cards and the recruiting fields a person wrote, into profiles.

Same evidence rules as signatures (ingestor.store.profile): every value is an observation with
its provenance (the interaction, and the document's row when it came from one); a blank field
is filled; a different title, company, location, phone, salary expectation or notice period
becomes a suggestion with the document (if any) named in its evidence; nothing a person set is
overwritten.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ingestor.extractors.recruiting import RecruitingFacts, Salary
from ingestor.resolve.plan import DocumentWrite
from ingestor.store.profile import InteractionFacts, ProfileUpdater
from ingestor.store.schema import Contact, ContactDocument

CV_CONFIDENCE = 0.85
MAIL_CONFIDENCE = 0.8
RECRUITING_FIELDS = ("salary_expectation", "notice_period", "available_from", "languages")


def apply_document(
    updater: ProfileUpdater,
    contact: Contact,
    write: DocumentWrite,
    interaction: InteractionFacts,
    now: datetime,
) -> None:
    """One CV or card's fields on its person's contact, with the document as their evidence."""
    session = updater.session
    doc, person = write.document, write.person
    row = _document_row(session, contact, write, interaction, now)
    extractor = doc.kind  # cv | vcard | card
    updater.document = (row.id, doc.file_name)
    try:
        for field, value in (
            ("title", person.title),
            ("company", person.company),
            ("location", person.location),
        ):
            if value:
                updater._field(contact, field, value[:200], interaction, CV_CONFIDENCE, extractor)
        if person.name:
            updater._observe(contact, "name", person.name, interaction, extractor, CV_CONFIDENCE)
            if contact.name is None and "name" not in (contact.locked_fields or []):
                contact.name = person.name[:200]
        for url in person.urls:
            field = "linkedin" if "linkedin.com" in url else "url"
            updater._observe(contact, field, url, interaction, extractor, CV_CONFIDENCE)
        for email in person.emails:
            updater._observe(contact, "email", email, interaction, extractor, CV_CONFIDENCE)
        had_phones = bool(updater._numbers(contact))
        for phone in person.phones:
            updater._phone(contact, phone, interaction, fill=not had_phones, source=extractor)
        apply_recruiting(updater, contact, person.facts, interaction, extractor, CV_CONFIDENCE)
        if person.languages:
            updater._observe(
                contact, "languages", ",".join(person.languages), interaction, extractor, 0.8
            )
            if not contact.languages and "languages" not in (contact.locked_fields or []):
                contact.languages = list(person.languages)
    finally:
        updater.document = None


def apply_recruiting(
    updater: ProfileUpdater,
    contact: Contact,
    facts: RecruitingFacts | None,
    interaction: InteractionFacts,
    extractor: str = "mail",
    confidence: float = MAIL_CONFIDENCE,
) -> None:
    """Salary expectation, notice period and start date: observed, and filled when blank."""
    if not facts:
        return
    locked = contact.locked_fields or []
    s = facts.salary
    if s is not None:
        updater._observe(contact, "salary_expectation", str(s), interaction, extractor, confidence)
        current = _salary_of(contact)
        if current is None and "salary_expectation" not in locked:
            contact.salary_amount, contact.salary_currency = s.amount, s.currency
            contact.salary_period, contact.salary_basis = s.period, s.basis
            contact.updated_at = updater.now
        elif current is not None and current != str(s):
            _differs(updater, contact, "salary_expectation", current, str(s), interaction)
    if facts.notice_period:
        notice = facts.notice_period
        updater._observe(contact, "notice_period", notice, interaction, extractor, confidence)
        if contact.notice_period is None and "notice_period" not in locked:
            contact.notice_period = notice
            contact.updated_at = updater.now
        elif contact.notice_period is not None and contact.notice_period != notice:
            _differs(updater, contact, "notice_period", contact.notice_period, notice, interaction)
    if facts.available_from:
        day = facts.available_from
        updater._observe(
            contact, "available_from", day.isoformat(), interaction, extractor, confidence
        )
        if contact.available_from is None and "available_from" not in locked:
            contact.available_from = day
            contact.updated_at = updater.now


def _salary_of(contact: Contact) -> str | None:
    if contact.salary_amount is None or contact.salary_currency is None:
        return None
    return str(
        Salary(
            contact.salary_amount,
            contact.salary_currency,
            contact.salary_period or "year",
            contact.salary_basis,
        )
    )


def _differs(
    updater: ProfileUpdater,
    contact: Contact,
    field: str,
    current: str,
    new: str,
    interaction: InteractionFacts,
) -> None:
    """A different value than the profile's: a suggestion, unless older mail says it."""
    if not updater._stale(contact, field, interaction):
        updater._suggest(contact, "field_update", field, current, new, interaction, {})


def _document_row(
    session: Session,
    contact: Contact,
    write: DocumentWrite,
    interaction: InteractionFacts,
    now: datetime,
) -> ContactDocument:
    doc = write.document
    digest = doc.sha256 or ""
    row = session.scalar(
        select(ContactDocument).where(
            ContactDocument.contact_id == contact.id, ContactDocument.sha256 == digest
        )
    )
    if row is None:
        row = ContactDocument(
            contact_id=contact.id,
            interaction_id=interaction.id,
            file_name=doc.file_name[:200],
            content_type=doc.content_type[:100],
            kind=doc.kind,
            size=doc.size,
            sha256=digest,
            data=doc.data,
            created_at=now,
        )
        session.add(row)
        session.flush()
    return row
