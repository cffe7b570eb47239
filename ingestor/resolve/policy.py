"""Who may become a contact: the creation policy, internal domains, blocklist, robots.

Pure: the same inputs always give the same answer, so the policy is tested without a database.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingestor.extractors.automated import _ROBOT_LOCAL_PART
from ingestor.model import ContactCreation, Direction, Participant

# People the owner wrote to: under sent_only only these roles of outbound mail create contacts.
ADDRESSED_ROLES = ("to", "cc", "bcc", "attendee")


@dataclass(frozen=True)
class CreationPolicy:
    creation: ContactCreation
    owner_addresses: frozenset[str]
    internal_domains: frozenset[str]
    blocklist: frozenset[str]  # domains or full addresses
    # What is kept of an email besides its snippet: its own words (`store_bodies`).
    store_bodies: bool = True

    def excluded_reason(self, address: str) -> str | None:
        """Why this address is never a contact, or None."""
        local, _, domain = address.partition("@")
        if address in self.owner_addresses:
            return "the mailbox owner"
        if _in_domains(domain, self.internal_domains):
            return "internal domain"
        if address in self.blocklist or _in_domains(domain, self.blocklist):
            return "blocklisted"
        if _ROBOT_LOCAL_PART.match(local):
            return "automated address"
        return None

    def may_create(self, p: Participant, direction: Direction | None) -> bool:
        if self.creation == "none" or self.excluded_reason(p.email):
            return False
        if self.creation == "sent_only":
            return direction == "outbound" and p.role in ADDRESSED_ROLES
        return True


def _in_domains(domain: str, domains: frozenset[str]) -> bool:
    """True for the domain itself and its subdomains (mx.agency.example under agency.example)."""
    parts = domain.split(".")
    return any(".".join(parts[i:]) in domains for i in range(len(parts)))
