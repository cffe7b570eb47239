"""The resolve stage alone: extraction results and a known state in, a WritePlan out.

No database: `resolve_batch` is pure, so every rule of who becomes a contact, which contact
each participant is and which interactions are new is tested here from plain values.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ingestor.model import ItemResult, RawItem
from ingestor.process import process_item
from ingestor.resolve.batch import dedup_key, mentioned_addresses, resolve_batch
from ingestor.resolve.plan import KnownContact, KnownState
from ingestor.resolve.policy import CreationPolicy
from tests.factories import OWNER, make_message

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
NOTHING = KnownState(contacts={}, rejected=frozenset(), interactions={})
MARIA = make_message(body="Hi Anna,\n\nlet's talk.\n\nBest,\nMaria Lopez\nHead of Talent, Acme\n")
REPLY = make_message(
    sender=f"Anna Keller <{OWNER}>",
    to="Bob Stone <bob@firm.example>",
    subject="Re: role",
    message_id="<s1@test>",
)
FROM_BOB = make_message(sender="bob <bob@firm.example>", message_id="<b1@test>")


def policy(creation: str = "all") -> CreationPolicy:
    return CreationPolicy(creation, frozenset({OWNER}), frozenset({"agency.example"}), frozenset())  # type: ignore[arg-type]


def result(data: bytes, ref: str, folder: str = "INBOX") -> ItemResult:
    item = RawItem(ref=ref, folder=folder, data=data, size=len(data))
    return process_item(item, frozenset({OWNER}), NOW)


def test_a_new_sender_becomes_a_contact_with_their_signature_as_evidence():
    plan = resolve_batch([result(MARIA, "INBOX:1")], NOTHING, policy(), NOW)
    assert [(c.address, c.name) for c in plan.new_contacts] == [("maria@gmail.com", "Maria Lopez")]
    (email,) = plan.emails
    sender = next(p for p in email.participants if p.role == "from")
    owner = next(p for p in email.participants if p.role == "to")
    assert sender.contact == "maria@gmail.com" and owner.contact is None  # the owner is no contact
    assert [(p.contact, p.interaction) for p in plan.profiles] == [("maria@gmail.com", email.key)]
    assert plan.last_interaction == {"maria@gmail.com": email.values["occurred_at"]}
    assert [(e.outcome, e.interaction) for e in plan.ledger] == [("ingested", email.key)]
    assert (plan.counts.ingested, plan.counts.contacts_created) == (1, 1)


def test_a_known_address_links_to_its_contact_and_a_better_name_is_offered():
    known = KnownState(
        contacts={"maria@gmail.com": KnownContact(7, "maria", (), None)},
        rejected=frozenset(),
        interactions={},
    )
    plan = resolve_batch([result(MARIA, "INBOX:1")], known, policy(), NOW)
    assert plan.new_contacts == []
    assert plan.names == {7: "Maria Lopez"}
    assert plan.profiles[0].contact == 7


def test_a_locked_name_is_never_offered_a_new_one():
    known = KnownState(
        contacts={"maria@gmail.com": KnownContact(7, "M. L.", ("name",), None)},
        rejected=frozenset(),
        interactions={},
    )
    assert resolve_batch([result(MARIA, "INBOX:1")], known, policy(), NOW).names == {}


def test_sent_only_links_earlier_rows_of_the_batch_once_the_owner_writes_to_them():
    batch = [result(FROM_BOB, "INBOX:1"), result(REPLY, "Sent:1", folder="Sent")]
    plan = resolve_batch(batch, NOTHING, policy("sent_only"), NOW)
    assert [c.address for c in plan.new_contacts] == ["bob@firm.example"]
    inbound = plan.emails[0]
    assert next(p for p in inbound.participants if p.role == "from").contact == "bob@firm.example"
    # Bob wrote first, as "bob"; the owner's "Bob Stone" is the better display name.
    assert plan.names == {"bob@firm.example": "Bob Stone"}


def test_sent_only_never_creates_a_contact_from_inbound_mail_alone():
    plan = resolve_batch([result(FROM_BOB, "INBOX:1")], NOTHING, policy("sent_only"), NOW)
    assert plan.new_contacts == [] and plan.profiles == []
    assert plan.emails[0].participants[0].contact is None


def test_a_rejected_address_is_not_created_again():
    known = KnownState(contacts={}, rejected=frozenset({"maria@gmail.com"}), interactions={})
    plan = resolve_batch([result(MARIA, "INBOX:1")], known, policy(), NOW)
    assert plan.new_contacts == [] and plan.counts.ingested == 1


def test_the_same_message_twice_is_one_interaction_and_a_duplicate():
    stored = KnownState(contacts={}, rejected=frozenset(), interactions={dedup_key("<m1@test>"): 3})
    again = resolve_batch([result(MARIA, "Other:9")], stored, policy(), NOW)
    assert again.emails == [] and again.extra_sources == [(dedup_key("<m1@test>"), "Other:9")]
    assert [e.outcome for e in again.ledger] == ["duplicate"]
    twice = resolve_batch(
        [result(MARIA, "INBOX:1"), result(MARIA, "Archive:1")], NOTHING, policy(), NOW
    )
    assert len(twice.emails) == 1 and [e.outcome for e in twice.ledger] == ["ingested", "duplicate"]


def test_machine_mail_is_skipped_with_its_facts_and_unreadable_mail_quarantined():
    newsletter = make_message(
        sender="Jobs <news@board.example>", message_id="<n1@test>", extra="List-Id: <jobs.board>"
    )
    plan = resolve_batch(
        [result(newsletter, "INBOX:1"), result(b"", "INBOX:2")], NOTHING, policy(), NOW
    )
    assert [(e.outcome, (e.facts or {}).get("from")) for e in plan.ledger] == [
        ("skipped", "news@board.example")
    ]
    assert [q.item.ref for q in plan.quarantine] == ["INBOX:2"]
    assert plan.new_contacts == [] and plan.emails == []


def test_mentioned_addresses_are_what_the_store_must_look_up():
    batch = [result(MARIA, "INBOX:1"), result(REPLY, "Sent:1", folder="Sent")]
    assert mentioned_addresses(batch) == {"maria@gmail.com", OWNER, "bob@firm.example"}


@given(st.permutations([MARIA, REPLY, FROM_BOB]), st.sampled_from(["all", "sent_only", "none"]))
def test_resolve_is_pure_and_contacts_do_not_depend_on_item_order(messages, creation):
    batch = [result(m, f"INBOX:{i}") for i, m in enumerate(messages)]
    first = resolve_batch(batch, NOTHING, policy(creation), NOW)
    assert resolve_batch(batch, NOTHING, policy(creation), NOW) == first  # pure
    created = {c.address for c in first.new_contacts}
    # Whatever the order, every participant whose address became a contact is linked to it.
    for email in first.emails:
        for p in email.participants:
            assert (p.contact == p.address) == (p.address in created), (p, created)
    if creation == "none":
        assert created == set()
