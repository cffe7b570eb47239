"""Forgetting, the less common paths, on SQLite and PostgreSQL: a caller known only by phone,
an auto-created contact a recruiter rejected (only a snapshot of them is left), and
unparseable mail that names them (quarantined raw bytes)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingestor.pipeline import Stages, sync_source
from ingestor.store import decisions
from ingestor.store.forget import forget
from ingestor.store.redact import Agency
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    Interaction,
    LedgerEntry,
    QuarantinedItem,
    Suggestion,
)
from tests.factories import defaults, make_message, source_config, write_maildir
from tests.integration.test_forget import found_anywhere

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).parents[1] / "corpus" / "signals"
OWNER = "alex@talent.example"
NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
AGENCY = Agency(frozenset({OWNER}), frozenset({"talent.example"}))
# found_anywhere looks for these: Quentin Zaragoza's addresses, surname and phone digits.
Q = "quentin.zaragoza@people.example"
SIGNED = "Hi Alex,\n\nhere is my CV.\n\nBest,\nQuentin Zaragoza\nSenior Engineer\nMobile: +1 415 555 0188\n"


def sync(root: Path, sessions, name: str = "mail") -> None:
    cfg = source_config(name=name, path=str(root), owner_addresses=(OWNER,))
    d = defaults(internal_domains=("talent.example",))
    summary = sync_source(cfg, d, sessions, stages=Stages(clock=lambda: NOW))
    assert summary.ok, summary.error


def voicemail() -> bytes:
    data = (CORPUS / "written/call-gvoice-01.eml").read_bytes()
    return data.replace(b"(415) 555-0199", b"(415) 555-0188").replace(b"Jane", b"Quentin")


def test_a_caller_known_by_phone_and_their_unparseable_mail_go_too(tmp_path: Path, sessions):
    garbage = b"\x00\x01\xff not mail, but it names " + Q.encode() + b" \x00"
    root = write_maildir(
        tmp_path / "mail",
        {
            "INBOX": [
                make_message(
                    sender=f"Quentin Zaragoza <{Q}>",
                    to=f"Alex <{OWNER}>",
                    message_id="<cv@t>",
                    body=SIGNED,
                ),
                voicemail(),
                garbage,
            ]
        },
    )
    sync(root, sessions)
    with sessions() as s:
        calls = list(s.scalars(select(Interaction).where(Interaction.kind == "call")))
        assert [c.phone for c in calls] == ["+14155550188"]
        assert s.scalar(select(func.count()).select_from(QuarantinedItem)) == 1
    with sessions.begin() as s:
        result = forget(s, Q, AGENCY, "alice", NOW)
    assert result.counts["interactions"] == 2  # the mail and the call
    assert found_anywhere(sessions) == []
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(QuarantinedItem)) == 0
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 3  # outcomes stay

    sync(root, sessions, name="again")  # the same mail read afresh: their call stays out
    assert found_anywhere(sessions) == []
    with sessions() as s:
        again = dict(
            s.execute(
                select(LedgerEntry.outcome, func.count())
                .where(LedgerEntry.source == "again")
                .group_by(LedgerEntry.outcome)
            ).all()
        )
        assert again == {"skipped": 2, "quarantined": 1}
        raw = s.scalars(select(QuarantinedItem.raw)).one()
        assert bytes(raw) == b""  # the ledger row stays; bytes that name them do not


def test_a_rejected_auto_contact_is_forgotten_by_address(tmp_path: Path, sessions):
    root = write_maildir(
        tmp_path / "mail",
        {
            "INBOX": [
                make_message(
                    sender=f"Quentin Zaragoza <{Q}>",
                    to=f"Alex <{OWNER}>",
                    message_id="<cv@t>",
                    body=SIGNED,
                ),
                make_message(
                    sender="Bea Okafor <bea@other.example>",
                    to=f"Alex <{OWNER}>",
                    cc=f"Quentin Zaragoza <{Q}>",
                    subject="Intro: Quentin Zaragoza",
                    message_id="<intro@t>",
                    body="Hi Alex, meet Quentin Zaragoza.\n\nBea\n",
                ),
            ]
        },
    )
    sync(root, sessions)
    with sessions.begin() as s:
        sid = s.scalar(
            select(Suggestion.id)
            .join(ContactEmail, ContactEmail.contact_id == Suggestion.contact_id)
            .where(ContactEmail.address == Q, Suggestion.kind == "new_contact")
        )
        decisions.reject(s, sid, "alice", NOW)
    assert found_anywhere(sessions)  # the hidden contact, its mail
    with sessions.begin() as s:
        # Rejected is hidden, not gone (Undo can bring it back): only forget erases it.
        hidden = s.scalars(
            select(Contact).join(ContactEmail).where(ContactEmail.address == Q)
        ).one()
        assert hidden.status == "rejected"
        result = forget(s, Q, AGENCY, "alice", NOW)
    assert result.counts["interactions"] == 1 and result.counts["suggestions"] == 1
    assert found_anywhere(sessions) == []
    with sessions() as s:
        intro = s.scalars(select(Interaction.subject)).one()
        assert intro == "Intro: [removed]"


def test_a_forget_waits_for_the_batch_being_written(tmp_path: Path, sessions):
    """A batch in progress (it screened its items and is writing) commits before a forget
    can start; a batch starting during a forget waits for it and then sees the list.
    PostgreSQL: the advisory lock; SQLite: its single writer."""
    import threading
    import time

    from ingestor.store.schema import SourceStatus
    from ingestor.store.suppression import hold_for_ingest, suppressed

    root = write_maildir(
        tmp_path / "mail",
        {"INBOX": [make_message(sender=f"Quentin <{Q}>", to=f"Alex <{OWNER}>", body=SIGNED)]},
    )
    sync(root, sessions)
    batch = sessions()
    batch.begin()
    hold_for_ingest(batch)
    batch.add(SourceStatus(source="writing", consecutive_failures=0))
    batch.flush()
    done = threading.Event()

    def run_forget() -> None:
        with sessions.begin() as s:
            forget(s, Q, AGENCY, "alice", NOW)
        done.set()

    worker = threading.Thread(target=run_forget)
    worker.start()
    time.sleep(1.0)
    assert not done.is_set()  # waiting for the batch
    batch.commit()
    batch.close()
    worker.join(timeout=30)
    assert done.is_set()
    with sessions.begin() as s:
        hold_for_ingest(s)
        assert set(suppressed(s, [Q])) == {Q}


def test_a_forget_between_a_batch_screen_and_its_writes_does_not_let_them_back(
    tmp_path: Path, sessions
):
    """A forget that comes in after a batch looked at the suppression list (and at the
    person's contact) waits until the batch has committed, then erases what it wrote too:
    the batch neither trips over a contact deleted under it nor brings the person back."""
    import threading

    from ingestor.pipeline import Stages
    from ingestor.store.ingest import apply_plan

    first = write_maildir(
        tmp_path / "one",
        {"INBOX": [make_message(sender=f"Quentin <{Q}>", to=f"Alex <{OWNER}>", body=SIGNED)]},
    )
    sync(first, sessions)  # they are a contact now
    later = write_maildir(
        tmp_path / "two",
        {
            "INBOX": [
                make_message(
                    sender=f"Quentin Zaragoza <{Q}>",
                    to=f"Alex <{OWNER}>",
                    message_id="<late@t>",
                    body=SIGNED,
                )
            ]
        },
    )
    forgotten = threading.Event()
    calls = []

    def forget_now() -> None:
        with sessions.begin() as s:
            forget(s, Q, AGENCY, "alice", NOW)
        forgotten.set()

    def persist_after_a_forget(session, source, plan, owners):
        calls.append(len(plan.emails))
        if len(calls) == 1:  # the first attempt: a forget comes in after the screen
            threading.Thread(target=forget_now).start()
            assert not forgotten.wait(timeout=1.0)  # it waits for this batch
        return apply_plan(session, source, plan, owners)

    cfg = source_config(name="two", path=str(later), owner_addresses=(OWNER,))
    stages = Stages(clock=lambda: NOW, persist=persist_after_a_forget)
    summary = sync_source(
        cfg, defaults(internal_domains=("talent.example",)), sessions, stages=stages
    )
    assert summary.ok, summary.error
    assert forgotten.wait(timeout=30)
    assert found_anywhere(sessions) == []
    with sessions() as s:
        outcome = s.scalars(select(LedgerEntry.outcome).where(LedgerEntry.source == "two")).one()
    assert (calls, outcome) == ([1], "ingested")  # written once, then erased by the forget
