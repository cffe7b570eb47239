"""Retention on SQLite and PostgreSQL: each [retention] rule erases exactly what is older than
it allows, batch by batch, with forget's erasure code; the daemon runs it as a daily job."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from ingestor.config import RetentionConfig, Settings
from ingestor.daemon import Daemon
from ingestor.pipeline import Stages, sync_source
from ingestor.privacy import agency_of, retention_policy, run_retention
from ingestor.store import decisions, retention
from ingestor.store.privacy_schema import AuditEntry
from ingestor.store.schema import (
    Contact,
    ContactEmail,
    Interaction,
    LedgerEntry,
    QuarantinedItem,
    Suggestion,
)
from tests.factories import defaults, make_message, source_config, write_maildir

pytestmark = pytest.mark.integration
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def at(days_ago: int) -> datetime:
    return NOW - timedelta(days=days_ago)


def old_mail(i: int, sender: str, days_ago: int) -> bytes:
    return make_message(sender=sender, message_id=f"<r{i}@t>", date=at(days_ago), subject=f"m{i}")


def settings_for(root: Path, **keep: int | None) -> Settings:
    cfg = source_config(name="mail", path=str(root))
    return Settings(
        path="test",
        store_url="",
        defaults=defaults(),
        sources=(cfg,),
        retention=RetentionConfig(**keep),
    )


def sync(settings: Settings, sessions, name: str = "mail") -> None:
    cfg = source_config(name=name, path=settings.sources[0].path)  # type: ignore[attr-defined]
    summary = sync_source(cfg, defaults(), sessions, stages=Stages(clock=lambda: at(40)))
    assert summary.ok, summary.error


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return write_maildir(
        tmp_path / "mail",
        {
            "INBOX": [
                old_mail(1, "Old Timer <old@people.example>", 4 * 365),
                old_mail(2, "Old Timer <old@people.example>", 3 * 365 + 10),
                old_mail(3, "Fresh Face <fresh@people.example>", 45),
                old_mail(4, "Spam Person <spam@people.example>", 50),
                b"\x00\x01not mail at all",
            ]
        },
    )


def count(s, model, *where) -> int:
    return int(s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def test_each_rule_erases_only_what_is_older_than_it_allows(root: Path, sessions):
    keep = dict(
        interactions=3 * 365, contacts_without_interaction=2 * 365, quarantine=30, rejected=30
    )
    settings = settings_for(root, **keep)
    sync(settings, sessions)
    with sessions.begin() as s:
        spam = s.scalar(
            select(Suggestion.id)
            .join(ContactEmail, ContactEmail.contact_id == Suggestion.contact_id)
            .where(ContactEmail.address == "spam@people.example", Suggestion.kind == "new_contact")
        )
        decisions.reject(s, spam, "alice", at(35))
    policy = retention_policy(settings.retention)
    with sessions() as s:
        assert retention.due(s, policy, NOW) == {
            "interactions": 2,  # Old Timer's two mails; the others are weeks old
            "contacts_without_interaction": 1,  # Old Timer: last heard of 3 years ago
            "quarantine": 1,  # quarantined 40 days ago (the sync's clock)
            "rejected": 1,  # rejected 35 days ago
        }

    done = retention.run(sessions, policy, agency_of(settings), NOW, batch=1)
    assert done == {
        "interactions": 2,
        "contacts_without_interaction": 1,
        "quarantine": 1,
        "rejected": 1,
    }
    with sessions() as s:
        assert retention.due(s, policy, NOW) == dict.fromkeys(done, 0)
        subjects = set(s.scalars(select(Interaction.subject)))
        assert subjects == {"m3"}  # the rejected person's only mail went with them
        assert set(s.scalars(select(ContactEmail.address))) == {"fresh@people.example"}
        assert count(s, QuarantinedItem) == 0 and count(s, LedgerEntry) == 5  # ledger stays
        assert count(s, Suggestion, Suggestion.status == "rejected") == 0  # no snapshot left
        audits = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert [a.actor for a in audits] == ["retention"] * 5  # one per batch of one
        assert all(a.subject is None for a in audits)
    # The rejected person's mail read again (a new source over the same mailbox) stays out;
    # the Old Timer, erased for age and not on request, may come back.
    sync(settings, sessions, name="again")
    with sessions() as s:
        addresses = set(s.scalars(select(ContactEmail.address)))
    assert "spam@people.example" not in addresses and "old@people.example" in addresses


def test_off_rules_erase_nothing_and_the_daemon_runs_it_daily(root: Path, sessions):
    settings = settings_for(root, quarantine=None)
    sync(settings, sessions)
    with sessions() as s:
        assert retention.due(s, retention_policy(settings.retention), NOW) == {}
        before = count(s, Interaction), count(s, Contact), count(s, QuarantinedItem)
    assert run_retention(settings, sessions, now=NOW) == {}
    with sessions() as s:
        assert (count(s, Interaction), count(s, Contact), count(s, QuarantinedItem)) == before

    on = settings_for(root, quarantine=1)
    daemon = Daemon(on, sessions, sync=lambda *a, **k: None)  # type: ignore[arg-type,return-value]
    daemon.start()
    try:
        job = daemon.scheduler.get_job("retention")
        assert job is not None and job.trigger.interval == timedelta(days=1)
        job.func()  # what the scheduler runs once a day
    finally:
        daemon.stop()
    with sessions() as s:
        assert count(s, QuarantinedItem) == 0
