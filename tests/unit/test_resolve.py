"""Pure resolution rules: who may become a contact, and which name wins."""

from __future__ import annotations

import pytest

from ingestor.model import Participant
from ingestor.resolve.names import better_name, different_spelling, normalise_name, plausible_name
from ingestor.resolve.policy import CreationPolicy


def policy(creation="all"):
    return CreationPolicy(
        creation=creation,
        owner_addresses=frozenset({"anna@agency.example"}),
        internal_domains=frozenset({"agency.example"}),
        blocklist=frozenset({"board.example", "spam@x.example"}),
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("anna@agency.example", "the mailbox owner"),
        ("tom@agency.example", "internal domain"),
        ("tom@mx.agency.example", "internal domain"),
        ("jobs@board.example", "blocklisted"),
        ("spam@x.example", "blocklisted"),
        ("no-reply@x.example", "automated address"),
        ("maria@gmail.com", None),  # free mail is a candidate, not noise
        ("ivan@yandex.ru", None),
        ("someone@notagency.example", None),
    ],
)
def test_exclusions(address, reason):
    assert policy().excluded_reason(address) == reason


def test_creation_policies():
    to = Participant("maria@gmail.com", "Maria", "to")
    sender = Participant("maria@gmail.com", "Maria", "from")
    assert policy("all").may_create(sender, "inbound")
    assert not policy("none").may_create(to, "outbound")
    assert policy("sent_only").may_create(to, "outbound")
    assert not policy("sent_only").may_create(sender, "inbound")
    assert not policy("sent_only").may_create(to, "inbound")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Doe, John", "John Doe"),
        ("  Maria   López ", "Maria López"),
        ("Smith, John Paul", "John Paul Smith"),
    ],
)
def test_normalise_name(raw, normal):
    assert normalise_name(raw) == normal


def test_better_name_only_completes():
    assert better_name(None, "Maria Lopez")
    assert better_name("Maria", "Maria Lopez")
    assert not better_name("Maria Lopez", "Maria")
    assert not better_name("Maria Lopez", "Mary Smith")
    assert not better_name(None, "info")
    assert not plausible_name("maria@gmail.com")


@pytest.mark.parametrize(
    ("current", "seen", "fix"),
    [
        ("Devid Chen", "David Chen", True),
        ("Jurgen Muller", "Jürgen Müller", True),
        ("Priya Shah", "Priya", False),  # a shorter sign-off is not a correction
        ("John Doe", "Mary Smith", False),  # someone else signing
        ("Maria Lopez", "Maria Lopez", False),
    ],
)
def test_different_spelling(current, seen, fix):
    assert different_spelling(current, seen) is fix
