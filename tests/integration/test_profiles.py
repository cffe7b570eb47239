"""Signatures fill blank profile fields and turn changes into suggestions with evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from ingestor.extractors.profile import FIELD_THRESHOLD
from ingestor.pipeline import sync_source
from ingestor.store import queries
from ingestor.store.schema import Contact, ContactPhone, Observation, Suggestion
from tests.factories import OWNER, defaults, make_message, source_config, write_maildir

DAVID = "David Chen <dchen@outlook.com>"


def mail(
    mid: str, day: int, signature: str, body: str = "Hi Anna,\n\nthanks for the update.\n"
) -> bytes:
    return make_message(
        sender=DAVID,
        message_id=mid,
        date=datetime(2026, 9, day, 10, tzinfo=UTC),
        body=f"{body}\nBest regards,\n{signature}\n",
    )


OLD_SIG = "David Chen\nData Scientist | Quantia\nSan Francisco, CA, USA\nCell: (415) 555-0199"
NEW_SIG = (
    "David Chen\nLead Data Scientist | Orbital AI\nSan Francisco, CA, USA\nMobile: (415) 555-0123"
)


def sync(root: Path, sessions):
    summary = sync_source(source_config(path=str(root)), defaults(), sessions)
    assert summary.ok, summary.error


def test_blank_fields_are_filled_then_changes_become_suggestions(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "m", {"INBOX": [mail("<d1@t>", 1, OLD_SIG)]})
    sync(root, sessions)
    with sessions() as s:
        c = s.scalars(select(Contact)).one()
        assert (c.name, c.title, c.company, c.location) == (
            "David Chen",
            "Data Scientist",
            "Quantia",
            "San Francisco, United States",
        )
        assert [p.number for p in s.scalars(select(ContactPhone))] == ["+14155550199"]
        fields = {(o.field, o.value, o.extractor) for o in s.scalars(select(Observation))}
        assert ("title", "Data Scientist", "signature") in fields
        assert ("phone", "+14155550199", "signature") in fields
        assert all(
            o.interaction_id is not None and o.confidence > 0
            for o in s.scalars(select(Observation))
        )

    write_maildir(root, {"INBOX": [mail("<d2@t>", 20, NEW_SIG)]})
    sync(root, sessions)
    with sessions() as s:
        c = s.scalars(select(Contact)).one()
        assert (c.title, c.company) == ("Data Scientist", "Quantia")  # never silently overwritten
        pending = {
            (x.kind, x.field): x
            for x in s.scalars(select(Suggestion).where(Suggestion.status == "pending"))
        }
        title = pending[("field_update", "title")]
        assert (title.old_value, title.new_value) == ("Data Scientist", "Lead Data Scientist")
        company = pending[("field_update", "company")]
        assert (company.old_value, company.new_value, company.payload) == (
            "Quantia",
            "Orbital AI",
            {"job_change": True},
        )
        assert company.evidence[0]["message_id"] == "<d2@t>" and company.evidence[0][
            "occurred_at"
        ].startswith("2026-09-20")
        phone = pending[("field_update", "phone")]
        assert (phone.old_value, phone.new_value) == ("+14155550199", "+14155550123")
        assert [p.number for p in s.scalars(select(ContactPhone))] == [
            "+14155550199"
        ]  # old phone stays


def test_old_mail_read_late_does_not_propose_going_back(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "m", {"INBOX": [mail("<new@t>", 20, NEW_SIG)]})
    sync(root, sessions)
    write_maildir(root, {"INBOX": [mail("<old@t>", 1, OLD_SIG)]})
    sync(root, sessions)
    with sessions() as s:
        kinds = [
            (x.kind, x.field) for x in s.scalars(select(Suggestion)) if x.kind != "new_contact"
        ]
        assert kinds == []
        assert s.scalars(select(Contact)).one().title == "Lead Data Scientist"


def test_repeated_different_spelling_proposes_a_name_fix(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "m", {"INBOX": [mail("<n0@t>", 1, OLD_SIG)]})
    sync(root, sessions)
    with sessions.begin() as s:
        c = s.scalars(select(Contact)).one()
        c.name, c.locked_fields = "Devid Chen", ["name"]  # a recruiter's typo
    respelled = OLD_SIG.replace("David Chen", "David Chén")
    write_maildir(root, {"INBOX": [mail("<n1@t>", 2, respelled)]})
    sync(root, sessions)
    with sessions() as s:
        assert not list(s.scalars(select(Suggestion).where(Suggestion.kind == "name_fix")))
    write_maildir(root, {"INBOX": [mail("<n2@t>", 3, respelled)]})
    sync(root, sessions)
    with sessions() as s:
        fix = s.scalars(select(Suggestion).where(Suggestion.kind == "name_fix")).one()
        assert (fix.old_value, fix.new_value) == ("Devid Chen", "David Chén")
        assert s.scalars(select(Contact)).one().name == "Devid Chen"


def test_owner_signature_is_not_applied_to_recipients_and_body_phones_are_low_confidence(
    tmp_path: Path, sessions
):
    outbound = make_message(
        sender=f"Anna Keller <{OWNER}>",
        to=DAVID,
        message_id="<o1@t>",
        body="Hi David,\n\nBest regards,\nAnna Keller\nSenior Recruiter | TalentBridge\nTel: +49 30 1234567\n",
    )
    inbound = mail("<i1@t>", 5, "David", body="Hi Anna,\n\ncall me on +1 415 555 0177 tomorrow.\n")
    root = write_maildir(tmp_path / "m", {"INBOX": [inbound], "Sent": [outbound]})
    sync(root, sessions)
    with sessions() as s:
        c = s.scalars(select(Contact)).one()
        assert c.title is None and c.company is None
        assert list(s.scalars(select(ContactPhone))) == []
        obs = s.scalars(select(Observation).where(Observation.field == "phone")).one()
        assert (obs.value, obs.extractor) == ("+14155550177", "body-phone") and obs.confidence < 0.9
        exported = queries.contacts(s)[0]
    assert exported["completeness"]["missing"] == ["title", "company", "location", "phone"]
    assert exported["completeness"]["score"] == 0.33


def test_comma_title_and_company_then_a_job_change(tmp_path: Path, sessions):
    old = "David Chen\nData Scientist, Quantia\nSan Francisco, CA\nCell: 415-555-0199"
    new = "David Chen\nLead Data Scientist, Orbital AI\nSan Francisco, CA\nCell: 415-555-0199"
    root = write_maildir(tmp_path / "m", {"INBOX": [mail("<c1@t>", 1, old)]})
    sync(root, sessions)
    write_maildir(root, {"INBOX": [mail("<c2@t>", 20, new)]})
    sync(root, sessions)
    with sessions() as s:
        c = s.scalars(select(Contact)).one()
        assert (c.title, c.company) == ("Data Scientist", "Quantia")
        company = s.scalars(select(Suggestion).where(Suggestion.field == "company")).one()
        assert (company.new_value, company.payload) == ("Orbital AI", {"job_change": True})


def test_filling_a_blank_company_after_another_was_seen_is_a_job_change(tmp_path: Path, sessions):
    root = write_maildir(tmp_path / "m", {"INBOX": [mail("<f1@t>", 1, OLD_SIG)]})
    sync(root, sessions)
    with sessions.begin() as s:
        s.scalars(select(Contact)).one().company = None  # a recruiter cleared it
    write_maildir(root, {"INBOX": [mail("<f2@t>", 20, NEW_SIG)]})
    sync(root, sessions)
    with sessions() as s:
        assert s.scalars(select(Contact)).one().company == "Orbital AI"
        flagged = s.scalars(select(Suggestion).where(Suggestion.field == "company")).one()
        assert flagged.payload == {"job_change": True, "filled": True}
        assert flagged.old_value is None and flagged.new_value == "Orbital AI"


def test_a_field_below_the_threshold_is_evidence_only(tmp_path: Path, sessions):
    # The block's name is not quite the sender's, and the line under it has no title word or
    # company suffix: it is read as a title from its position alone.
    root = write_maildir(tmp_path / "m", {"INBOX": [mail("<t1@t>", 1, "Dave\nGolden Gate")]})
    sync(root, sessions)
    with sessions() as s:
        c = s.scalars(select(Contact)).one()
        observed = {o.field: (o.value, o.confidence) for o in s.scalars(select(Observation))}
        assert observed["title"][0] == "Golden Gate" and observed["title"][1] < FIELD_THRESHOLD
        assert c.title is None
        assert not list(s.scalars(select(Suggestion).where(Suggestion.field == "title")))
