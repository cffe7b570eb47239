"""Keeping forgotten people out of what a sync brings in, before resolve sees the batch.

Every address (and caller number) a batch mentions is looked up in the suppression list.
Mail where a forgotten person was the only participant outside the agency is not stored: its
ledger row says "suppressed (forgotten on DATE)" and carries a salted hash for a message-id.
In any other item the person is cut out: their participant rows, attendee entries, signature
and signals, and their name and address from the subject, snippet and calendar text. Nothing
of theirs reaches resolve, so no contact is made again.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sqlalchemy.orm import Session

from ingestor.extractors.documents import DocumentFindings
from ingestor.extractors.meetings import CalendarFindings, MeetingOccurrence
from ingestor.extractors.signaltypes import Bounce, LeftCompany, PhoneCall, ReplyIntent
from ingestor.model import ItemResult, MessageFindings
from ingestor.resolve.plan import LedgerWrite
from ingestor.store.redact import Agency, Needles
from ingestor.store.suppression import (
    hold_for_ingest,
    reason,
    salted_hash,
    store_salt,
    suppressed,
)

_ADDRESS = re.compile(rb"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SCAN_BYTES = 4 * 1024 * 1024


def screen(
    session: Session, results: list[ItemResult], agency: Agency
) -> tuple[list[ItemResult], list[LedgerWrite]]:
    """→ the results to resolve (forgotten people cut out) and the ledger rows of the items
    dropped whole."""
    mentioned = {a for r in results for a in _mentioned(r)}
    hold_for_ingest(session)  # a forget in progress finishes first: its list is then seen
    hits = suppressed(session, mentioned)
    if not hits:
        return results, []
    kept: list[ItemResult] = []
    dropped: list[LedgerWrite] = []
    for r in results:
        mine = {a: hits[a] for a in _mentioned(r) if a in hits}
        if not mine:
            kept.append(r)
            continue
        why = reason(min(mine.values()))
        if r.findings is not None:
            screened = _message(r.findings, set(mine), agency)
            if screened is None:
                salt = store_salt(session)
                hashed = f"hash:{salted_hash(salt, r.findings.parsed.message_id)}"
                parsed = replace(r.findings.parsed, message_id=hashed)
                gone = replace(r, findings=replace(r.findings, parsed=parsed))
                dropped.append(LedgerWrite(gone, "skipped", why))
            else:
                kept.append(replace(r, findings=screened))
        elif r.calendar is not None:
            findings = _calendar(r.calendar.findings, set(mine), agency, why)
            kept.append(replace(r, calendar=replace(r.calendar, findings=findings)))
        elif _quarantined(r):  # unparsed bytes that name them: the ledger row stays, not them
            item = replace(r.item, data=b"")
            kept.append(replace(r, item=item, quarantine_reason=f"{r.quarantine_reason}; {why}"))
        else:
            kept.append(r)
    return kept, dropped


def _quarantined(r: ItemResult) -> bool:
    """What resolve quarantines: a message that did not parse, a calendar item that failed."""
    if r.findings is not None or r.calendar is not None or r.item.deleted:
        return False
    return r.item.kind == "message" or r.quarantine_reason is not None


def _mentioned(r: ItemResult) -> set[str]:
    out: set[str] = set()
    if r.findings is not None:
        f = r.findings
        out.update(p.email for p in f.parsed.participants)
        body = f.body.text if f.body is not None else ""
        text = f"{f.parsed.subject or ''} {f.snippet} {body}".encode("utf-8", "replace")
        out.update(m.decode("ascii", "replace").lower() for m in _ADDRESS.findall(text))
        for invite in f.invites:
            out.update(invite.addresses)
        s = f.signal
        if isinstance(s, PhoneCall) and s.number_e164:
            out.add(f"tel:{s.number_e164}")
        elif isinstance(s, LeftCompany) and s.replacement_email:
            out.add(s.replacement_email.lower())
        elif isinstance(s, ReplyIntent) and s.referral_email:
            out.add(s.referral_email.lower())
        elif isinstance(s, Bounce):
            out.add(s.address.lower())
    elif r.calendar is not None:
        out.update(r.calendar.findings.addresses)
    elif _quarantined(r) and r.item.data:  # unparsed bytes, kept whole in the quarantine
        out.update(
            m.decode("ascii", "replace").lower()
            for m in _ADDRESS.findall(r.item.data[:_SCAN_BYTES])
        )
    return out


def _message(f: MessageFindings, gone: set[str], agency: Agency) -> MessageFindings | None:
    """The findings without the forgotten people; None when no one else outside is left."""
    p = f.parsed
    signal = f.signal
    if isinstance(signal, PhoneCall) and f"tel:{signal.number_e164}" in gone:
        return None
    if isinstance(signal, Bounce) and signal.address.lower() in gone:
        return None
    left = [x for x in p.participants if x.email not in gone]
    if not any(agency.person(x.email, x.role) for x in left) and not isinstance(signal, PhoneCall):
        return None
    names = [x.name for x in p.participants if x.email in gone]
    if isinstance(signal, LeftCompany | ReplyIntent) and _mentioned_by(signal) & gone:
        names.append(
            signal.replacement_name if isinstance(signal, LeftCompany) else signal.referral_name
        )
    needles = Needles.of(gone, names, ())
    sender = p.sender
    if sender is not None and sender.email in gone:
        signal, profile = None, None
    else:
        profile = f.profile
        if isinstance(signal, LeftCompany | ReplyIntent) and _mentioned_by(signal) & gone:
            signal = None
    parsed = replace(p, participants=left, subject=needles.cut(p.subject))
    invites = [_calendar(i, gone, agency, "") for i in f.invites]
    body = replace(f.body, text=needles.cut(f.body.text) or "") if f.body is not None else None
    return replace(
        f,
        parsed=parsed,
        snippet=needles.cut(f.snippet) or "",
        profile=profile,
        signal=signal,
        invites=invites,
        body=body,
        # A CV or card about them, or the salary they wrote, is theirs: it goes with them.
        documents=[d for d in f.documents if not _describes(d, gone)],
        recruiting=None if sender is not None and sender.email in gone else f.recruiting,
    )


def _describes(document: DocumentFindings, gone: set[str]) -> bool:
    return any(
        e.lower() in gone or any(f"tel:{x.number}" in gone for x in person.phones)
        for person in document.people
        for e in person.emails or [""]
    )


def _mentioned_by(signal: LeftCompany | ReplyIntent) -> set[str]:
    email = signal.replacement_email if isinstance(signal, LeftCompany) else signal.referral_email
    return {email.lower()} if email else set()


def _calendar(
    findings: CalendarFindings, gone: set[str], agency: Agency, why: str
) -> CalendarFindings:
    names = [
        a.name
        for occ in findings.occurrences
        for a in ([occ.organizer] if occ.organizer else []) + list(occ.attendees)
        if a.email in gone
    ]
    needles = Needles.of(gone, names, ())
    return replace(
        findings,
        occurrences=[_occurrence(o, gone, agency, needles, why) for o in findings.occurrences],
        source_text=needles.scrub_ics(findings.source_text),
    )


def _occurrence(
    o: MeetingOccurrence, gone: set[str], agency: Agency, needles: Needles, why: str
) -> MeetingOccurrence:
    organizer = o.organizer if o.organizer is None or o.organizer.email not in gone else None
    attendees = [a for a in o.attendees if a.email not in gone]
    people = ([organizer] if organizer else []) + attendees
    outside = any(agency.person(a.email, None) for a in people)
    skip = o.skip_reason
    if skip is None and not outside:
        skip = why or "suppressed"
    return replace(
        o,
        organizer=organizer,
        attendees=attendees,
        summary=needles.cut(o.summary),
        description=needles.cut(o.description),
        location=needles.cut(o.location),
        skip_reason=skip,
    )
