"""Follow-ups from a real Dovecot mailbox: out-of-office, "not now", a referral, an unsubscribe,
a left-the-company reply, a bounce and a voicemail give exactly the expected tasks, flags,
calls and suggestions, on SQLite and PostgreSQL, and the same again on every re-run.

The replies are messages of the labelled signals corpus (tests/corpus/signals); the outreach in
Sent and one signature are written here. The clock is fixed (sync_source's stages) because a
task's status depends on how old its due date is when it is read.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingestor.config import PasswordSpec
from ingestor.pipeline import Stages, sync_source
from ingestor.store import queries
from ingestor.store.schema import PendingSignal, Suggestion, Task
from tests.factories import defaults, make_message, source_config
from tests.servers.dovecot import DovecotServer

pytestmark = pytest.mark.integration
CORPUS = Path(__file__).parents[1] / "corpus" / "signals"
OWNER = "alex@talent.example"
NOW = datetime(2026, 7, 20, 12, 0, tzinfo=UTC)
REPLIES = [
    "written/ooo-en-01.eml",  # out of office until 2026-08-14
    "written/int-notnow-en-01.eml",  # not now: try after the summer (2026-09-01)
    "written/int-notnow-en-02.eml",  # not now, then writes again: superseded
    "written/int-ref-en-01.eml",  # you should talk to Jane Doe <jane.doe@northwind.example>
    "written/int-unsub-en-01.eml",  # please remove me
    "written/left-en-01.eml",  # no longer with the company; write to Rachel Green
    "sisimai/lhost-exim-05.eml",  # a hard bounce for kijitora@neko.example.co.jp
    "written/call-gvoice-01.eml",  # voicemail from +14155550199
]
PEOPLE = [
    "ooo-en-01@company.example",
    "int-notnow-en-01@people.example",
    "int-notnow-en-02@people.example",
    "int-ref-en-01@people.example",
    "int-unsub-en-01@people.example",
    "left-en-01@company.example",
    "kijitora@neko.example.co.jp",
]
SAM = make_message(
    sender="Sam Caller <sam@people.example>",
    to=f"Alex Recruiter <{OWNER}>",
    subject="CV",
    message_id="<sam1@test>",
    date=datetime(2026, 6, 1, 9, 0, tzinfo=UTC),
    body="Hi Alex,\n\nhere is my CV.\n\nBest,\nSam Caller\nSenior Engineer\nMobile: +1 415 555 0199\n",
)
AGAIN = make_message(
    sender="Candidate 02 <int-notnow-en-02@people.example>",
    to=f"Alex Recruiter <{OWNER}>",
    subject="Re: actually, let's talk",
    message_id="<again@test>",
    date=datetime(2026, 7, 15, 9, 0, tzinfo=UTC),
    body="Hi Alex, things changed, happy to talk next week.\n\nCandidate 02\n",
)


def outreach(address: str, i: int) -> bytes:
    return make_message(
        sender=f"Alex Recruiter <{OWNER}>",
        to=address,
        subject="A role you may like",
        message_id=f"<out{i}@test>",
        date=datetime(2026, 6, 20, 9, 0, tzinfo=UTC),
        body="Hello,\n\nwould you be open to a chat about a new role?\n\nAlex\n",
    )


@pytest.fixture
def mailbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FOLLOWUP_PW", "pw")
    with DovecotServer(tmp_path / "dovecot", users={"alex": "pw"}) as server:
        # INBOX is read before Sent: the out-of-office reply arrives before its contact exists.
        server.bulk_load(
            "alex", "INBOX", [SAM, *[(CORPUS / f).read_bytes() for f in REPLIES], AGAIN]
        )
        server.bulk_load("alex", "Sent", [outreach(a, i) for i, a in enumerate(PEOPLE)])
        yield server


def sync(server: DovecotServer, sessions, name: str = "alex"):
    cfg = source_config(
        name=name,
        type="imap",
        host=server.host,
        port=server.port,
        security="none",
        username="alex",
        password=PasswordSpec(env="FOLLOWUP_PW"),
        folders=("INBOX", "Sent"),
        owner_addresses=(OWNER,),
        timeout=10.0,
    )
    summary = sync_source(cfg, defaults(), sessions, stages=Stages(clock=lambda: NOW))
    assert summary.ok, summary.error
    return summary


def test_a_mailbox_of_replies_sets_exactly_the_expected_follow_ups(mailbox, sessions):
    sync(mailbox, sessions)
    with sessions() as s:
        data = queries.export(s)
    email_of = {c["id"]: c["emails"][0] for c in data["contacts"]}
    tasks = sorted(
        (email_of[t["contact_id"]], t["kind"], t["due"], t["status"]) for t in data["tasks"]
    )
    assert tasks == [
        ("int-notnow-en-01@people.example", "follow_up", "2026-09-01", "open"),
        ("int-notnow-en-02@people.example", "follow_up", tasks[1][2], "done"),  # superseded
        ("ooo-en-01@company.example", "follow_up", "2026-08-17", "open"),
        ("sam@people.example", "call_back", "2026-07-06", "open"),
    ]
    contacts = {c["emails"][0]: c for c in data["contacts"]}
    assert [a for a, c in contacts.items() if c["do_not_contact"]] == [
        "int-unsub-en-01@people.example"
    ]
    bounced = [d for c in data["contacts"] for d in c["email_details"] if d["status"] == "bounced"]
    assert [d["address"] for d in bounced] == ["kijitora@neko.example.co.jp"]
    # The auto-reply and the phone system never became contacts; Jane and Rachel did.
    assert "voice-noreply@google.com" not in contacts
    assert {"jane.doe@northwind.example", "rachel.green@contoso.example"} <= set(contacts)
    job_changes = [
        email_of[s["contact_id"]] for s in data["suggestions"] if s["kind"] == "job_change"
    ]
    assert job_changes == ["left-en-01@company.example"]
    with sessions() as s:
        new_contacts = {
            sug.payload["email"]: sug.payload
            for sug in s.scalars(select(Suggestion).where(Suggestion.kind == "new_contact"))
        }
    assert (
        new_contacts["jane.doe@northwind.example"]["referred_by"] == "int-ref-en-01@people.example"
    )
    assert new_contacts["rachel.green@contoso.example"]["replaces"] == "left-en-01@company.example"
    (call,) = [i for i in data["interactions"] if i["kind"] == "call"]
    assert (call["phone"], call["call_status"]) == ("+14155550199", "voicemail")
    sam = contacts["sam@people.example"]["id"]
    assert any(p["contact_id"] == sam for p in call["participants"])
    reasons = {e["message_id"]: e["reason"] for e in data["ledger"]}
    assert reasons["<ooo-en-01@corpus.signals.example>"] == "out of office until 2026-08-14"
    assert reasons["<call-gvoice-01@corpus.signals.example>"] == "voicemail from +14155550199"
    bounce = "hard bounce for kijitora@neko.example.co.jp"
    assert reasons["<fffffff-000000-00@mx4.example.org>"] == bounce
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(PendingSignal)) == 0  # all applied

    # Again, and from a second mailbox holding the same mail: nothing is added twice.
    assert sync(mailbox, sessions).seen == 0
    sync(mailbox, sessions, name="alex-copy")
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(Task)) == 4
        again = queries.export(s)
    assert len(again["suggestions"]) == len(data["suggestions"])


def test_tasks_list_on_the_command_line(mailbox, store_url, tmp_path, capsys):
    from ingestor.cli import main
    from ingestor.store.database import open_store

    sync(mailbox, open_store(store_url))
    config = tmp_path / "ingestor.toml"
    config.write_text(f'[store]\nurl = "{store_url}"\n')
    assert main(["--config", str(config), "tasks", "list", "--json"], own_logging=False) == 0
    listed = json.loads(capsys.readouterr().out)
    # Open ones only: the superseded follow-up is done. Read with today's clock, all are overdue.
    assert sorted((t["kind"], t["due"]) for t in listed) == [
        ("call_back", "2026-07-06"),
        ("follow_up", "2026-08-17"),
        ("follow_up", "2026-09-01"),
    ]
    assert (
        main(["--config", str(config), "tasks", "list", "--due", "overdue"], own_logging=False) == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3 and all("(overdue)" in line for line in lines), lines
    assert "Sam Caller" in "\n".join(lines) and "voicemail from +14155550199" in "\n".join(lines)


def test_a_quiet_conversation_gets_one_check_in_that_the_next_interaction_closes(
    tmp_path, sessions
):
    from ingestor.store.followups import set_check_ins
    from tests.factories import write_maildir

    old = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    hello = make_message(
        sender="Kim Lee <kim@people.example>", to=OWNER, message_id="<k1@t>", date=old
    )
    reply = make_message(
        sender=f"Alex <{OWNER}>", to="Kim Lee <kim@people.example>", message_id="<k2@t>", date=old
    )
    lone = make_message(sender="Lou <lou@people.example>", to=OWNER, message_id="<l1@t>", date=old)
    root = write_maildir(tmp_path / "mail", {"INBOX": [hello, lone], "Sent": [reply]})
    cfg = source_config(path=str(root), owner_addresses=(OWNER,))
    assert sync_source(cfg, defaults(), sessions).ok
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with sessions.begin() as s:
        assert set_check_ins(s, now, 90) == 1  # Kim (both ways); not Lou, who only wrote once
        assert set_check_ins(s, now, 90) == 0  # one per silence
    with sessions() as s:
        (task,) = s.scalars(select(Task)).all()
        assert (task.kind, task.due.isoformat(), task.status) == ("check_in", "2026-05-31", "open")
    later = make_message(
        sender="Kim Lee <kim@people.example>", to=OWNER, message_id="<k3@t>", date=now
    )
    write_maildir(root, {"INBOX": [later]})
    assert sync_source(cfg, defaults(), sessions).ok
    with sessions() as s:
        (task,) = s.scalars(select(Task)).all()
        assert (task.status, task.closed_by) == ("done", "superseded")


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_follow_ups_survive_kill_9_and_re_runs(mailbox, tmp_path, backend, request):
    """`sync --once` killed at random moments, then run to the end: the same tasks, flags and
    suggestions as one clean run, nothing twice."""
    import os
    import random
    import signal
    import subprocess
    import sys

    def config(url: str) -> Path:
        path = tmp_path / f"{backend}-{abs(hash(url))}.toml"
        path.write_text(
            f"""[store]
url = "{url}"
[defaults]
batch_messages = 2
lease_period = "2s"
[[sources]]
name = "alex"
type = "imap"
host = "{mailbox.host}"
port = {mailbox.port}
security = "none"
username = "alex"
password_env = "FOLLOWUP_PW"
folders = ["INBOX", "Sent"]
owner_addresses = ["{OWNER}"]
"""
        )
        return path

    def run(cfg: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "ingestor.cli", "--config", str(cfg), "sync", "--once"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def meaning(url: str) -> tuple[object, ...]:
        from ingestor.store.database import open_store

        with open_store(url)() as s:
            data = queries.export(s)
        email_of = {c["id"]: c["emails"][0] for c in data["contacts"]}
        tasks = sorted(
            (email_of[t["contact_id"]], t["kind"], t["due"], t["status"]) for t in data["tasks"]
        )
        suggestions = sorted(
            (s["kind"], email_of.get(s["contact_id"])) for s in data["suggestions"]
        )
        flags = sorted(
            (c["emails"][0], c["do_not_contact"], tuple(d["status"] for d in c["email_details"]))
            for c in data["contacts"]
        )
        return tasks, suggestions, flags, len(data["interactions"]), len(data["ledger"])

    clean_url = f"sqlite:///{tmp_path / 'clean.db'}"
    clean = run(config(clean_url))
    _, err = clean.communicate(timeout=120)
    assert clean.returncode == 0, err.decode()
    url = (
        f"sqlite:///{tmp_path / 'killed.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("empty_postgres_url")
    )
    cfg = config(url)
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261201")))
    for _ in range(4):
        proc = run(cfg)
        time.sleep(rng.uniform(0.2, 1.2))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    final = run(cfg)
    _, err = final.communicate(timeout=120)
    assert final.returncode == 0, err.decode()
    assert run(cfg).wait(120) == 0  # and once more: nothing changes
    assert meaning(url) == meaning(clean_url)
    tasks = meaning(url)[0]
    assert len(tasks) == 4  # read today, all of them are long expired, or done (superseded)


def test_accepting_a_job_change_clears_the_company_they_left(mailbox, sessions):
    from ingestor.store.decisions import accept
    from ingestor.store.review import pending_counts
    from ingestor.store.schema import Contact, ContactEmail

    with sessions.begin() as s:  # a contact known before the reply, with a company
        contact = Contact(name="Former Employee", company="Contoso", title="CTO", locked_fields=[])
        s.add(contact)
        s.flush()
        s.add(ContactEmail(contact_id=contact.id, address="left-en-01@company.example"))
    sync(mailbox, sessions)
    with sessions.begin() as s:
        assert pending_counts(s)["job_change"] == 1  # shown in the review queue
        (suggestion,) = s.scalars(select(Suggestion).where(Suggestion.kind == "job_change")).all()
        assert suggestion.old_value == "Contoso"
        accept(s, suggestion.id, "anna", NOW)
    with sessions() as s:
        left = s.get(Contact, contact.id)
        assert left is not None and (left.company, left.title) == (None, None)
