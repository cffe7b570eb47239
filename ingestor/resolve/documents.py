"""Whose attached CV or card it is: the person it describes, never the sender by default.

A CV goes to the contact its email or phone belongs to (known, or made earlier in the batch),
else to one made for its email by the creation policy (a pending "new contact" suggestion);
the sender gets it only when the CV's email is the sender's own. An agency or a job board
that sends a candidate's CV therefore never gets the candidate's phone. Pure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ingestor.extractors.cvfields import CvFields
from ingestor.model import MessageFindings, Participant
from ingestor.resolve.plan import ContactRef, DocumentWrite, KnownState

MAX_DOCUMENT_PEOPLE = 5  # a vCard file with a whole address book adds five people at most


@dataclass(frozen=True)
class DocumentPeople:
    """What finding a document's person needs from the batch's resolver."""

    known: KnownState
    created: dict[str, str | None]  # addresses of contacts the plan creates
    phones: dict[str, ContactRef]  # numbers the batch's signatures gave
    create: Callable[[Participant], ContactRef | None]  # the creation policy's answer

    def find(
        self, person: CvFields, sender_email: str | None, sender: ContactRef | None
    ) -> ContactRef | None:
        if sender is not None and sender_email in person.emails:
            return sender
        for address in person.emails:
            known = self.known.contacts.get(address)
            if known is not None:
                return known.id
            if address in self.created:
                return address
        for phone in person.phones:
            found = self.known.phones.get(phone.number) or self.phones.get(phone.number)
            if found is not None:
                return found
        if person.emails:
            return self.create(Participant(person.emails[0], person.name, "from"))
        return None


def plan_documents(
    f: MessageFindings, key: str | None, sender: ContactRef | None, people: DocumentPeople
) -> tuple[list[DocumentWrite], str | None]:
    """The document writes of one message, and its ledger note: files not read, or whose
    person could not be found or made. `key` None: machine mail (a job board's notification),
    stored as no interaction; its CVs still describe their candidates."""
    writes: list[DocumentWrite] = []
    notes: list[str] = []
    sender_email = f.parsed.sender.email if f.parsed.sender else None
    for doc in f.documents:
        if doc.error:
            notes.append(f"attachment {doc.file_name!r} not read: {doc.error}")
            continue
        for person in doc.people[:MAX_DOCUMENT_PEOPLE]:
            contact = people.find(person, sender_email, sender)
            if contact is None:
                notes.append(f"{doc.kind} {doc.file_name!r}: no contact to attach it to")
                continue
            writes.append(
                DocumentWrite(
                    contact, doc, person, key, f.occurred_at, f.parsed.subject, f.parsed.message_id
                )
            )
    return writes, "; ".join(notes)[:1000] or None
