"""The whole pipeline on real Maildir files into SQLite and PostgreSQL: contacts, interactions,
ledger, policies, idempotency."""

from __future__ import annotations

import os
import signal
from collections import Counter
from functools import partial
from pathlib import Path

from sqlalchemy import func, select

from ingestor.parsepool import POOL_MIN_ITEMS, TASK_MAX_ITEMS, Parsers
from ingestor.pipeline import Stages, sync_source
from ingestor.process import process_item
from ingestor.store import queries
from ingestor.store.schema import Contact, Interaction, InteractionSource, LedgerEntry, SourceCursor
from tests.factories import OWNER, defaults, make_message, source_config, write_maildir

MARIA = make_message()
REPLY = make_message(
    sender=f"Anna Keller <{OWNER}>",
    to="Maria Lopez <maria@gmail.com>",
    cc="Tom <tom@agency.example>, Priya Shah <priya@northwind.example>",
    subject="Re: Hello",
    message_id="<m2@test>",
    extra="In-Reply-To: <m1@test>\r\nReferences: <m1@test>",
)
NEWSLETTER = make_message(
    sender="Job Board <news@board.example>",
    message_id="<n1@test>",
    extra="List-Id: <jobs.board.example>",
)


def process_noting_pid(path: Path, item, **kw):
    """process_item, noting which process ran it (module level: it travels to the workers)."""
    with open(path, "a") as f:
        f.write(f"{os.getpid()}\n")
    return process_item(item, **kw)


def sync(cfg, sessions, **kw):
    return sync_source(cfg, defaults(**kw), sessions)


def test_mailbox_becomes_contacts_interactions_and_ledger(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA, NEWSLETTER, b""], "Sent": [REPLY]})
    summary = sync(source_config(path=str(root)), sessions)
    assert summary.ok, summary.error
    assert (summary.seen, summary.ingested, summary.skipped, summary.quarantined) == (4, 2, 1, 1)

    with sessions() as s:
        data = queries.export(s)
    people = {c["emails"][0]: c for c in data["contacts"]}
    # Colleagues (internal domain), the owner and the newsletter never become contacts.
    assert set(people) == {"maria@gmail.com", "priya@northwind.example"}
    assert people["maria@gmail.com"]["name"] == "Maria Lopez"
    assert people["maria@gmail.com"]["origin"] == "auto"

    by_mid = {i["message_id"]: i for i in data["interactions"]}
    assert set(by_mid) == {"<m1@test>", "<m2@test>"}
    assert by_mid["<m1@test>"]["direction"] == "inbound"
    assert by_mid["<m2@test>"]["direction"] == "outbound"
    assert by_mid["<m2@test>"]["thread_id"] == "<m1@test>"
    roles = {(p["role"], p["email"]): p["contact_id"] for p in by_mid["<m2@test>"]["participants"]}
    assert roles[("from", OWNER)] is None
    assert roles[("cc", "tom@agency.example")] is None
    assert roles[("to", "maria@gmail.com")] == people["maria@gmail.com"]["id"]
    assert by_mid["<m1@test>"]["occurred_at"] == "2026-11-02T09:30:00+00:00"

    outcomes = sorted((e["outcome"], e["message_id"]) for e in data["ledger"])
    assert outcomes == [
        ("ingested", "<m1@test>"),
        ("ingested", "<m2@test>"),
        ("quarantined", None),
        ("skipped", "<n1@test>"),
    ]
    skipped = next(e for e in data["ledger"] if e["outcome"] == "skipped")
    assert skipped["reason"].startswith("mailing list")
    assert data["quarantine"][0]["reason"] == "unreadable message: empty message"
    assert people["maria@gmail.com"]["last_interaction_at"] == "2026-11-02T09:30:00+00:00"


def test_rerun_is_idempotent_and_new_mail_is_picked_up(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA, NEWSLETTER]})
    cfg = source_config(path=str(root))
    assert sync(cfg, sessions).seen == 2
    with sessions() as s:
        before = queries.export(s)
    again = sync(cfg, sessions)
    assert (again.ok, again.seen) == (True, 0)
    with sessions() as s:
        assert queries.export(s) == before
    write_maildir(root, {"INBOX": [REPLY]})
    assert sync(cfg, sessions).ingested == 1


def test_same_message_in_three_mailboxes_is_one_interaction(tmp_path: Path, sessions):
    for i in range(3):
        root = write_maildir(tmp_path / f"m{i}", {"INBOX": [MARIA]})
        assert sync(source_config(name=f"recruiter{i}", path=str(root)), sessions).ok
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Interaction)) == 1
        assert s.scalar(select(func.count()).select_from(InteractionSource)) == 3
        outcomes = sorted(s.scalars(select(LedgerEntry.outcome)))
        assert outcomes == ["duplicate", "duplicate", "ingested"]
        assert s.scalar(select(func.count()).select_from(Contact)) == 1


def test_sent_only_creates_only_people_the_owner_wrote_to(tmp_path: Path, sessions):
    root = write_maildir(
        tmp_path / "mail",
        {
            "INBOX": [make_message(sender="Stranger <s@x.example>", message_id="<s@x>")],
            "Sent": [REPLY],
        },
    )
    assert sync(source_config(path=str(root), contact_creation="sent_only"), sessions).ok
    with sessions() as s:
        emails = sorted(e for c in queries.contacts(s) for e in c["emails"])
    assert emails == ["maria@gmail.com", "priya@northwind.example"]


def test_sent_only_links_earlier_mail_once_the_owner_writes(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA]})
    cfg = source_config(path=str(root), contact_creation="sent_only")
    sync(cfg, sessions)
    with sessions() as s:
        assert queries.contacts(s) == []
    write_maildir(root, {"Sent": [REPLY]})
    sync(cfg, sessions)
    with sessions() as s:
        maria = next(c for c in queries.contacts(s) if c["emails"] == ["maria@gmail.com"])
        inbound = next(i for i in queries.interactions(s) if i["message_id"] == "<m1@test>")
    assert {p["contact_id"] for p in inbound["participants"] if p["role"] == "from"} == {
        maria["id"]
    }


def test_none_policy_and_blocklist(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA]})
    assert (
        sync(source_config(path=str(root), contact_creation="none"), sessions).contacts_created == 0
    )
    root2 = write_maildir(tmp_path / "mail2", {"INBOX": [REPLY]})
    summary = sync(source_config(name="b", path=str(root2)), sessions, blocklist=("gmail.com",))
    assert summary.contacts_created == 1  # Priya; Maria's domain is blocklisted


def test_a_name_a_person_set_is_never_overwritten(tmp_path: Path, sessions):
    def unsigned(sender: str, mid: str) -> bytes:
        return make_message(
            sender=sender, message_id=mid, body="Hi Anna,\n\nthanks for the call.\n"
        )

    root = write_maildir(tmp_path / "mail", {"INBOX": [unsigned("maria@gmail.com", "<a@t>")]})
    cfg = source_config(path=str(root))
    sync(cfg, sessions)
    with sessions() as s:
        contact = s.scalars(select(Contact)).one()
        assert contact.name is None
    write_maildir(root, {"INBOX": [unsigned("Maria <maria@gmail.com>", "<b@t>")]})
    sync(cfg, sessions)
    write_maildir(root, {"INBOX": [unsigned("Maria Lopez <maria@gmail.com>", "<c@t>")]})
    sync(cfg, sessions)
    with sessions.begin() as s:
        contact = s.scalars(select(Contact)).one()
        assert contact.name == "Maria Lopez"  # filled, then completed by a fuller form
        contact.name, contact.locked_fields = "María López-García", ["name"]
    write_maildir(
        root, {"INBOX": [unsigned("Maria Lopez Garcia Extra <maria@gmail.com>", "<d@t>")]}
    )
    sync(cfg, sessions)
    with sessions() as s:
        assert s.scalars(select(Contact)).one().name == "María López-García"


def test_cursor_is_committed_with_the_rows(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA, REPLY]})
    sync(source_config(path=str(root)), sessions)
    with sessions() as s:
        cursor = s.scalars(select(SourceCursor)).one()
        assert cursor.folder == "INBOX" and cursor.state["name"]
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_why_explains_each_message(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA, NEWSLETTER]})
    sync(source_config(path=str(root)), sessions)
    with sessions() as s:
        ingested = queries.why(s, "m1@test")
        skipped = queries.why(s, "<n1@test>")
        unknown = queries.why(s, "<nope@x>")
    assert ingested[0].startswith("<m1@test>: ingested from mail INBOX")
    assert any("maria@gmail.com -> contact" in line for line in ingested)
    assert "skipped" in skipped[0] and "mailing list" in skipped[0]
    assert unknown == ["<nope@x>: never seen by any source"]


def test_an_item_the_store_refuses_is_quarantined_alone(tmp_path: Path, sessions, monkeypatch):
    from sqlalchemy.exc import DataError

    from ingestor.store.ingest import apply_plan

    def refuse_maria(session, source, plan, owners):
        if any(e.values["message_id"] == "<m1@test>" for e in plan.emails):
            raise DataError("INSERT", {}, ValueError("text fields cannot contain this"))
        return apply_plan(session, source, plan, owners)

    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA, NEWSLETTER], "Sent": [REPLY]})
    summary = sync_source(
        source_config(path=str(root)), defaults(), sessions, stages=Stages(persist=refuse_maria)
    )
    assert summary.ok, summary.error
    assert (summary.ingested, summary.skipped, summary.quarantined) == (1, 1, 1)
    with sessions() as s:
        reason = s.scalar(select(LedgerEntry.reason).where(LedgerEntry.outcome == "quarantined"))
        assert reason is not None and reason.startswith(
            "refused by the store: text fields cannot contain this"
        )
    assert sync(source_config(path=str(root)), sessions).seen == 0


def test_a_rejected_auto_contact_is_not_created_again(tmp_path: Path, sessions):
    from datetime import UTC, datetime

    from ingestor.store.decisions import reject
    from ingestor.store.schema import Suggestion, live_contact

    root = write_maildir(tmp_path / "mail", {"INBOX": [MARIA]})
    sync(source_config(path=str(root)), sessions)
    with sessions.begin() as s:
        suggestion = s.scalars(select(Suggestion).where(Suggestion.kind == "new_contact")).one()
        reject(s, suggestion.id, "anna", datetime.now(UTC))
    write_maildir(root, {"INBOX": [make_message(message_id="<again@test>")]})
    summary = sync(source_config(path=str(root)), sessions)
    assert (summary.ingested, summary.contacts_created) == (1, 0)
    with sessions() as s:
        # Hidden, not deleted: still the one contact, still rejected, her new mail kept with her.
        statuses = s.scalars(select(Contact.status)).all()
        assert statuses == ["rejected"]
        assert s.scalar(select(func.count()).select_from(Contact).where(live_contact())) == 0


def test_parser_processes_store_exactly_what_in_process_parsing_stores(
    tmp_path: Path, sessions, monkeypatch
):
    """parse_workers = 2 forks a real pool; the store must end up the same, item for item."""
    monkeypatch.delenv("INGESTOR_PARSE_WORKERS", raising=False)
    people = [(f"Person {i}", f"p{i}@firm{i % 7}.example") for i in range(40)]
    inbox = [
        make_message(
            sender=f"{name} <{addr}>",
            subject=f"CV {i}",
            message_id=f"<pool{i}@test>",
            body=f"Hi Anna,\n\nsee my CV.\n\nBest,\n{name}\nSenior Engineer\nFirm {i % 7}\n"
            f"Mobile: +49 170 {1000000 + i}\n",
        )
        for i, (name, addr) in enumerate(people)
    ]
    root = write_maildir(tmp_path / "mail", {"INBOX": [*inbox, NEWSLETTER, b""], "Sent": [REPLY]})
    pids = {name: tmp_path / f"{name}.pids" for name in ("pooled", "alone")}

    def run(name: str, **kw):
        stages = Stages(process=partial(process_noting_pid, pids[name]))
        return sync_source(
            source_config(name=name, path=str(root)), defaults(**kw), sessions, stages=stages
        )

    pooled = run("pooled", parse_workers=2)
    alone = run("alone", parse_workers=0)
    parsed_in = {name: set(path.read_text().split()) for name, path in pids.items()}
    assert parsed_in["alone"] == {str(os.getpid())}
    assert parsed_in["pooled"] - {str(os.getpid())}, "nothing was parsed in a parser process"
    assert pooled.ok and alone.ok, (pooled.error, alone.error)
    assert (pooled.seen, pooled.ingested, pooled.skipped, pooled.quarantined) == (43, 41, 1, 1)
    assert (alone.seen, alone.duplicate, alone.skipped, alone.quarantined) == (43, 41, 1, 1)

    with sessions() as s:
        ledger = {
            (e.source, e.ref): (e.outcome, e.message_id, e.interaction_id, e.reason)
            for e in s.scalars(select(LedgerEntry))
        }
        phones = queries.export(s)["contacts"]
    by_ref: dict[str, dict[str, tuple]] = {}
    for (source, ref), row in ledger.items():
        by_ref.setdefault(ref, {})[source] = row
    for ref, rows in by_ref.items():
        (p_out, p_mid, p_iid, _), (a_out, a_mid, a_iid, _) = rows["pooled"], rows["alone"]
        assert p_mid == a_mid, ref
        # The second pass finds every message already stored: the same interaction, once.
        if p_out == "ingested":
            assert (a_out, a_iid) == ("duplicate", p_iid), ref
        else:
            assert a_out == p_out, ref
    assert sum(1 for c in phones if c["phones"]) == 40  # signatures were read in the workers


def test_syncs_share_one_set_of_parser_processes_and_replace_a_dead_one(
    tmp_path: Path, sessions, monkeypatch
):
    """The daemon's syncs share its Parsers: two sources' batches go to the same worker; when
    that worker is killed, the batch it had is parsed in-process, and the next sync forks a
    new worker instead of parsing in-process for ever."""
    monkeypatch.delenv("INGESTOR_PARSE_WORKERS", raising=False)
    notes = tmp_path / "pids"

    def mailbox(name: str) -> Path:
        mail = [
            make_message(message_id=f"<{name}{i}@test>", subject=f"{name} {i}")
            for i in range(POOL_MIN_ITEMS + 4)
        ]
        return write_maildir(tmp_path / name, {"INBOX": mail})

    parsers = Parsers(1)
    stages = Stages(process=partial(process_noting_pid, notes), parsers=parsers)

    def run(name: str) -> set[str]:
        notes.write_text("")
        summary = sync_source(
            source_config(name=name, path=str(mailbox(name))), defaults(), sessions, stages=stages
        )
        assert summary.ok and summary.ingested == POOL_MIN_ITEMS + 4, summary
        return set(notes.read_text().split()) - {str(os.getpid())}

    try:
        parsers.start()
        first, second = run("one"), run("two")
        assert len(first) == 1 and first == second  # one worker, shared by both syncs
        (worker,) = first
        os.kill(int(worker), signal.SIGKILL)
        third = run("three")  # its batch went to the dead worker: parsed here instead
        assert worker not in third
        fourth = run("four")
        assert len(fourth) == 1 and worker not in fourth  # a new worker
    finally:
        parsers.close()
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(LedgerEntry)) == 4 * (POOL_MIN_ITEMS + 4)


def test_a_phone_is_the_contacts_since_the_date_of_its_email(tmp_path: Path, sessions):
    """Not since the day it was read: mail of 2024 read today gives a phone "since" 2024."""
    from datetime import UTC, datetime

    from ingestor.store.contact_view import load_profile
    from ingestor.store.schema import ContactPhone

    sent = datetime(2024, 3, 5, 16, 45, tzinfo=UTC)
    old = make_message(
        date=sent,
        body="Hi Anna,\n\nsee my CV.\n\nBest,\nMaria Lopez\nSenior Engineer\nFinlytics\n"
        "Mobile: +49 170 1234567\n",
    )
    root = write_maildir(tmp_path / "mail", {"INBOX": [old]})
    assert sync(source_config(path=str(root)), sessions).ingested == 1
    with sessions() as s:
        phone = s.scalars(select(ContactPhone)).one()
        assert (phone.number, phone.created_at) == ("+491701234567", sent)
        # A row written before this rule (dated when it was read) shows its email's date too.
        phone.created_at = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        s.flush()
        profile = load_profile(s, phone.contact_id)
        assert profile is not None
        assert [(p.number, p.created_at) for p in profile.phones] == [("+491701234567", sent)]


def test_the_syncing_process_parses_the_chunks_no_worker_has_started(
    tmp_path: Path, sessions, monkeypatch
):
    """One worker, one batch of five chunks: the worker takes the first ones, this process
    parses the last ones while it waits, and every item is stored once."""
    monkeypatch.delenv("INGESTOR_PARSE_WORKERS", raising=False)
    count = 4 * TASK_MAX_ITEMS + 3
    mail = [make_message(message_id=f"<steal{i}@test>", subject=f"s{i}") for i in range(count)]
    root = write_maildir(tmp_path / "mail", {"INBOX": mail})
    notes = tmp_path / "pids"
    parsers = Parsers(1)
    stages = Stages(process=partial(process_noting_pid, notes), parsers=parsers)
    try:
        parsers.start()
        summary = sync_source(
            source_config(path=str(root)), defaults(batch_messages=count), sessions, stages=stages
        )
    finally:
        parsers.close()
    assert summary.ok and summary.ingested == count, summary
    pids = Counter(notes.read_text().split())
    here = pids.pop(str(os.getpid()), 0)
    assert sum(pids.values()) >= TASK_MAX_ITEMS and here >= 3, (here, pids)
    assert here + sum(pids.values()) == count  # each item parsed once
