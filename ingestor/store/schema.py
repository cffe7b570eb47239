"""The database schema (SQLAlchemy 2.x). Alembic migrations in store/migrations build it.

Datetimes are stored as timezone-aware UTC (TZDateTime) so SQLite and PostgreSQL agree.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.sql.elements import ColumnElement

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class TZDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime reached the store")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Contact(Base):
    __tablename__ = "contact"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    location: Mapped[str | None] = mapped_column(String(200))
    origin: Mapped[str] = mapped_column(String(10), default="auto")  # auto | manual
    # Fields a person set: auto-extraction proposes changes to these, never writes them.
    locked_fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    merged_into: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow, index=True)
    last_interaction_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # The person asked not to be written to again ("please remove me").
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # active | rejected. A recruiter said "not a contact": the row is hidden everywhere (list,
    # search, duplicates, API list, export) but kept, so its addresses never create a contact
    # again and Undo or Restore brings it back as it was. Only retention or a forget erases it.
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    rejected_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    # Recruiting fields, from CVs and the person's own mail (issue 18).
    salary_amount: Mapped[int | None] = mapped_column(Integer)
    salary_currency: Mapped[str | None] = mapped_column(String(3))
    salary_period: Mapped[str | None] = mapped_column(String(10))  # year | month | hour
    salary_basis: Mapped[str | None] = mapped_column(String(10))  # gross | net
    notice_period: Mapped[str | None] = mapped_column(String(40))  # "3 months", "immediately"
    available_from: Mapped[date | None] = mapped_column(Date)
    languages: Mapped[list[str] | None] = mapped_column(JSON)  # ISO 639-1 codes


def live_contact() -> ColumnElement[bool]:
    """The contacts every list shows: not merged into another one, not rejected."""
    return and_(Contact.merged_into.is_(None), Contact.status == "active")


class ContactDocument(Base):
    """A CV or business card a contact's fields were read from; the file itself only with
    store_attachments = true."""

    __tablename__ = "contact_document"
    __table_args__ = (UniqueConstraint("contact_id", "sha256"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL")
    )
    file_name: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))  # cv | vcard | card
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class ContactEmail(Base):
    __tablename__ = "contact_email"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    address: Mapped[str] = mapped_column(String(320), unique=True)  # one contact per address
    # active | bounced
    status: Mapped[str] = mapped_column(String(10), default="active", server_default="active")
    bounced_at: Mapped[datetime | None] = mapped_column(TZDateTime)  # the last hard bounce
    # Days (YYYY-MM-DD) with a hard bounce: bounced on two days, never the primary address.
    bounce_days: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")


class ContactPhone(Base):
    __tablename__ = "contact_phone"
    __table_args__ = (UniqueConstraint("contact_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(32))  # E.164
    type: Mapped[str] = mapped_column(String(10), default="other")  # mobile | work | fax | other
    raw: Mapped[str | None] = mapped_column(String(100))
    # Since when the number is the contact's: the date of the email it came from (or of the
    # one whose suggestion was accepted), or when a person typed it in. Rows written before
    # that rule hold their ingestion time; contact_view reads the earliest email instead.
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class Interaction(Base):
    __tablename__ = "interaction"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "mid:<message-id>" for mail, "ical:<uid>|<recurrence-id>" for meetings: one row per event.
    dedup_key: Mapped[str] = mapped_column(String(1000), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # email | meeting | call
    occurred_at: Mapped[datetime] = mapped_column(TZDateTime, index=True)
    ends_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    subject: Mapped[str | None] = mapped_column(Text)
    snippet: Mapped[str | None] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(String(1000), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(1000))
    thread_id: Mapped[str | None] = mapped_column(String(1000), index=True)
    ical_uid: Mapped[str | None] = mapped_column(String(1000))
    recurrence_id: Mapped[str | None] = mapped_column(String(64))
    sequence: Mapped[int | None] = mapped_column(Integer)
    dtstamp: Mapped[datetime | None] = mapped_column(TZDateTime)
    status: Mapped[str | None] = mapped_column(String(20))
    direction: Mapped[str | None] = mapped_column(String(10))
    location: Mapped[str | None] = mapped_column(Text)
    conference_url: Mapped[str | None] = mapped_column(Text)
    # Calls from phone-system mail: the other party's number (E.164), how it went, how long.
    phone: Mapped[str | None] = mapped_column(String(32))
    call_status: Mapped[str | None] = mapped_column(String(10))  # missed | voicemail | answered
    duration_s: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class InteractionParticipant(Base):
    __tablename__ = "interaction_participant"
    __table_args__ = (UniqueConstraint("interaction_id", "address", "role"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    name: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(12))
    partstat: Mapped[str | None] = mapped_column(String(20))


class InteractionSource(Base):
    __tablename__ = "interaction_source"
    __table_args__ = (UniqueConstraint("source", "ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(String(200))
    ref: Mapped[str] = mapped_column(String(1000))
    seen_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class InteractionBody(Base):
    """An email's own words (its new text, quotes split off), capped at 32 KB: the message page.
    Apart from `interaction` so that lists and scans of interactions never carry it; none are
    written under `store_bodies = false`."""

    __tablename__ = "interaction_body"
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interaction.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    text: Mapped[str] = mapped_column(Text)
    truncated: Mapped[bool] = mapped_column(Boolean, default=False)  # cut at the cap


class LedgerEntry(Base):
    """One row for every item ever seen, with what became of it."""

    __tablename__ = "ledger"
    __table_args__ = (
        UniqueConstraint("source", "ref"),
        Index("ix_ledger_message_id", "message_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    ref: Mapped[str] = mapped_column(String(1000))
    folder: Mapped[str | None] = mapped_column(String(1000))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    uid: Mapped[int | None] = mapped_column(BigInteger)
    message_id: Mapped[str | None] = mapped_column(String(1000))
    outcome: Mapped[str] = mapped_column(String(12))  # ingested | skipped | quarantined | duplicate
    reason: Mapped[str | None] = mapped_column(Text)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id"))
    # For skipped machine mail: sender, subject, date and the tell-tale headers, kept for
    # later signal processing without keeping the whole message.
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class QuarantinedItem(Base):
    """The raw bytes of items that could not be parsed, so nothing is lost."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledger.id", ondelete="CASCADE"), unique=True)
    raw: Mapped[bytes] = mapped_column(LargeBinary)


class SourceCursor(Base):
    __tablename__ = "source_cursor"
    __table_args__ = (UniqueConstraint("source", "folder"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(1000))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    highestmodseq: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class SourceStatus(Base):
    """Health of each source for admins: last success, last error, counts."""

    __tablename__ = "source_status"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    last_success_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)


class Observation(Base):
    """Provenance of one auto-extracted value: where, by what, how sure, and when."""

    __tablename__ = "observation"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    field: Mapped[str] = mapped_column(String(30))
    value: Mapped[str] = mapped_column(Text)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("interaction.id"))
    extractor: Mapped[str] = mapped_column(String(50))
    confidence: Mapped[float] = mapped_column(Float)
    seen_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    # The CV or card the value was read from (None: the mail's own text).
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_document.id", ondelete="SET NULL")
    )


class Suggestion(Base):
    """A change for a recruiter to accept or reject, with its evidence."""

    __tablename__ = "suggestion"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # new_contact | field_update | merge | name_fix
    field: Mapped[str | None] = mapped_column(String(30))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class OAuthToken(Base):
    """An OAuth2 source's refresh token, AES-GCM encrypted with a key kept outside the database.

    Access tokens are never stored; only when the last one expires, for `ingestor auth status`.
    """

    __tablename__ = "oauth_token"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(500))
    refresh_token_enc: Mapped[bytes] = mapped_column(LargeBinary)
    scopes: Mapped[str] = mapped_column(Text, default="")  # granted, space-separated
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)  # the sign-in
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)  # stored token
    refreshed_at: Mapped[datetime | None] = mapped_column(TZDateTime)
    access_expires_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class SourceLease(Base):
    """Which daemon instance syncs a source, when several share one PostgreSQL store.

    A lease is held until `expires_at` (the database's clock) and renewed on a heartbeat;
    `epoch` grows with every change of owner, and every batch commit checks it (fencing).
    """

    __tablename__ = "source_lease"
    source: Mapped[str] = mapped_column(String(200), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))  # host:pid:nonce of the instance
    epoch: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)


class DaemonInstance(Base):
    """A live daemon instance, by its heartbeat: how many share the sources."""

    __tablename__ = "daemon_instance"
    owner: Mapped[str] = mapped_column(String(200), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(TZDateTime)
    expires_at: Mapped[datetime] = mapped_column(TZDateTime)


class Task(Base):
    """Something to do about a contact, set by what their mail said (or its silence).

    `dedup_key` makes tasks idempotent: the same reply seen in three mailboxes, or read again
    after a crash, is one task.
    """

    __tablename__ = "task"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(1100), unique=True)
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))  # follow_up | call_back | check_in
    reason: Mapped[str] = mapped_column(Text)
    due: Mapped[date] = mapped_column(Date, index=True)
    # open | done | dismissed | snoozed | expired
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interaction.id", ondelete="SET NULL")
    )
    message_id: Mapped[str | None] = mapped_column(String(1000))
    owner: Mapped[str | None] = mapped_column(String(320))  # the mailbox owner's address
    signal_at: Mapped[datetime] = mapped_column(TZDateTime)  # the Date of the mail it came from
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)
    closed_by: Mapped[str | None] = mapped_column(String(200))  # a user, or "superseded"
    closed_at: Mapped[datetime | None] = mapped_column(TZDateTime)


class PendingSignal(Base):
    """A task-setting signal about an address that is no contact yet (an out-of-office read
    before the outreach in Sent): applied when the contact appears, in any later batch."""

    __tablename__ = "pending_signal"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(1100), unique=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class CalendarSeries(Base):
    """One calendar object's master as its source last gave it: RRULE, RDATE, EXDATE and
    overrides, kept so that series are expanded from the store as the window moves.

    `object_key` is the item's (CalDAV "<href>#<uid>", ICS the UID). `bounded`: some series in it
    is infinite (or over the occurrence cap), so only [expanded_from, expanded_to] was expanded.
    """

    __tablename__ = "calendar_series"
    __table_args__ = (UniqueConstraint("source", "folder", "object_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    folder: Mapped[str] = mapped_column(String(1000))
    object_key: Mapped[str] = mapped_column(String(1000))
    ics: Mapped[bytes] = mapped_column(LargeBinary)
    bounded: Mapped[bool] = mapped_column(Boolean, default=False)
    expanded_from: Mapped[datetime | None] = mapped_column(TZDateTime)
    expanded_to: Mapped[datetime | None] = mapped_column(TZDateTime)
    updated_at: Mapped[datetime] = mapped_column(TZDateTime, default=utcnow)


class ContactSearch(Base):
    """A live contact's search keys (resolve.namekeys), kept current by store.searchindex.

    The trigram indexes over these columns (SQLite FTS5 table `contact_search_fts`, PostgreSQL
    pg_trgm GIN indexes) are created by migration 0005, outside this model.
    """

    __tablename__ = "contact_search"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    doc: Mapped[str] = mapped_column(Text, default="")
    emails: Mapped[str] = mapped_column(Text, default="")
    phones: Mapped[str] = mapped_column(Text, default="")


class ContactSearchTerm(Base):
    """A string two records of one person share (same phone, mailbox, name): duplicates."""

    __tablename__ = "contact_search_term"
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(400), primary_key=True, index=True)


class ContactSearchWord(Base):
    """Every word the search documents hold in names, companies, titles and cities: a query
    word is matched against these (typos forgiven) before any document is read. Never pruned
    on write; a word no contact holds any more only costs a lookup that finds nothing."""

    __tablename__ = "contact_search_word"
    __table_args__ = {"sqlite_autoincrement": True}  # ids never reused: readers cache by id
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    word: Mapped[str] = mapped_column(String(200), unique=True)
