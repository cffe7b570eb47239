"""The CLI as other programs use it: exit codes, one-line errors, and the JSON/CSV contracts."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import OWNER, VINCE_DAVID, make_message, write_maildir

pytestmark = pytest.mark.integration


def ingestor(
    *args: str, config: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    import os

    full_env = {k: v for k, v in os.environ.items() if k != "INGESTOR_CONFIG"}
    full_env.update(env or {})
    cmd = [sys.executable, "-m", "ingestor.cli"]
    if config is not None:
        cmd += ["--config", str(config)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, env=full_env, timeout=120)


def config_file(tmp_path: Path, body: str, store: str | None = None) -> Path:
    path = tmp_path / "ingestor.toml"
    store = store or f"sqlite:///{tmp_path / 'db.sqlite'}"
    path.write_text(
        f'[store]\nurl = "{store}"\n[defaults]\ninternal_domains = ["agency.example"]\n{body}'
    )
    return path


@pytest.fixture
def mailbox(tmp_path: Path) -> Path:
    return write_maildir(
        tmp_path / "mail",
        {
            "INBOX": [
                make_message(sender="Doe, John <john@acme.example>", message_id="<a@t>"),
                make_message(sender="No Reply <noreply@jobs.example>", message_id="<b@t>"),
                b"\x00\x01garbage",
            ],
            "Sent": [
                make_message(
                    sender=f"Anna <{OWNER}>", to="John Doe <john@acme.example>", message_id="<c@t>"
                )
            ],
        },
    )


def source(mailbox: Path, name: str = "mail") -> str:
    return f'[[sources]]\nname = "{name}"\ntype = "maildir"\npath = "{mailbox}"\nowner_addresses = ["{OWNER}"]\n'


def test_sync_export_why_contacts(tmp_path: Path, mailbox: Path):
    cfg = config_file(tmp_path, source(mailbox))
    done = ingestor("sync", "--once", config=cfg)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip()
        == "mail: ok: 4 new, 2 ingested, 1 skipped, 1 quarantined, 0 duplicate, 1 contacts created"
    )

    exported = json.loads(ingestor("export", "--format", "json", config=cfg).stdout)
    assert set(exported) == {
        "contacts",
        "interactions",
        "ledger",
        "quarantine",
        "tasks",
        "suggestions",
    }
    (john,) = exported["contacts"]
    assert {
        k: john[k] for k in ("name", "emails", "phones", "title", "company", "location", "origin")
    } == {
        "name": "John Doe",
        "emails": ["john@acme.example"],
        "phones": [],
        "title": None,
        "company": None,
        "location": None,
        "origin": "auto",
    }
    interaction = next(i for i in exported["interactions"] if i["message_id"] == "<a@t>")
    for key in (
        "id",
        "kind",
        "occurred_at",
        "subject",
        "message_id",
        "ical_uid",
        "recurrence_id",
        "status",
        "direction",
        "participants",
    ):
        assert key in interaction
    assert interaction["kind"] == "email" and interaction["ical_uid"] is None
    assert interaction["occurred_at"].endswith("+00:00")
    assert {
        "email": "john@acme.example",
        "contact_id": john["id"],
        "role": "from",
    }.items() <= interaction["participants"][0].items()
    assert {e["outcome"] for e in exported["ledger"]} == {"ingested", "skipped", "quarantined"}
    assert exported["quarantine"][0]["source"] == "mail" and exported["quarantine"][0][
        "ref"
    ].startswith("INBOX:")
    for entry in exported["ledger"]:
        assert set(entry) >= {"source", "folder", "uid", "message_id", "outcome", "reason"}

    rows = list(csv.reader(io.StringIO(ingestor("export", "--format", "csv", config=cfg).stdout)))
    assert rows[0][:3] == ["id", "name", "emails"] and rows[1][1:3] == [
        "John Doe",
        "john@acme.example",
    ]

    why = ingestor("why", "<b@t>", config=cfg)
    assert (
        why.returncode == 0 and "skipped" in why.stdout and "automated sender address" in why.stdout
    )
    assert ingestor("why", "nope@x", config=cfg).returncode == 1

    listing = ingestor("contacts", "list", config=cfg).stdout
    assert "John Doe" in listing and "john@acme.example" in listing


def test_bad_config_reports_every_problem_with_exit_2(tmp_path: Path):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(
        '[defaults]\ncontact_creation = "maybe"\nfoo = 1\n[[sources]]\nname = "x"\ntype = "carrier-pigeon"\n'
    )
    done = ingestor("sync", "--once", config=cfg)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert (
        f"{cfg}: defaults.contact_creation: must be one of all, sent_only, none, got 'maybe'"
        in lines
    )
    assert f"{cfg}: defaults.foo: unknown key" in lines
    assert any(
        line.startswith(f"{cfg}: sources[0].type: unknown source type 'carrier-pigeon'")
        for line in lines
    )
    assert "Traceback" not in done.stderr


def test_missing_config_and_env_var(tmp_path: Path, mailbox: Path):
    done = ingestor("sync", "--once")
    assert done.returncode == 2 and "no configuration" in done.stderr
    cfg = config_file(tmp_path, source(mailbox))
    via_env = ingestor("sync", "--once", env={"INGESTOR_CONFIG": str(cfg)})
    assert via_env.returncode == 0, via_env.stderr


def test_sync_dry_run_prints_the_plan_and_writes_nothing(tmp_path: Path, mailbox: Path):
    cfg = config_file(tmp_path, source(mailbox))
    dry = ingestor("sync", "--once", "--dry-run", config=cfg)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert "mail: create contact john@acme.example (John Doe)" in lines
    assert any(
        line.startswith("mail: email ")
        and "from john@acme.example → contact new john@acme.example" in line
        for line in lines
    ), lines
    assert any("skipped (automated" in line or ": skipped (" in line for line in lines), lines
    assert any(": quarantined (unreadable message" in line for line in lines), lines
    # Each batch is resolved against the store as it is: INBOX's and Sent's both plan John.
    assert lines[-1].endswith("2 contacts created (dry run: nothing written)")
    exported = json.loads(ingestor("export", "--format", "json", config=cfg).stdout)
    assert all(rows == [] for rows in exported.values()), exported
    # Nothing written, not even the cursor: a real sync afterwards sees everything.
    done = ingestor("sync", "--once", config=cfg)
    assert "4 new, 2 ingested" in done.stdout, done.stdout


def test_failing_source_exits_1_and_others_still_sync(tmp_path: Path, mailbox: Path):
    body = source(mailbox) + (
        '[[sources]]\nname = "dead"\ntype = "imap"\nhost = "127.0.0.1"\nport = 1\nsecurity = "none"\n'
        'username = "u"\npassword_env = "DEAD_PW"\n'
    )
    cfg = config_file(tmp_path, body)
    done = ingestor("sync", "--once", config=cfg, env={"DEAD_PW": "x"})
    assert done.returncode == 1
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("mail: ok: 4 new")
    assert (
        lines[1] == "dead: FAILED: source dead: cannot connect to 127.0.0.1:1: Connection refused"
    )
    assert "Traceback" not in done.stderr


def test_unreachable_store_is_one_line(tmp_path: Path, mailbox: Path):
    cfg = config_file(
        tmp_path, source(mailbox), store="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    done = ingestor("sync", "--once", config=cfg)
    assert done.returncode == 1
    assert done.stderr.startswith(
        "ingestor: cannot open the store postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    assert len(done.stderr.strip().splitlines()) == 1


def test_db_upgrade_is_idempotent(tmp_path: Path, mailbox: Path):
    cfg = config_file(tmp_path, source(mailbox))
    assert ingestor("db", "upgrade", config=cfg).returncode == 0
    assert ingestor("db", "upgrade", config=cfg).returncode == 0


def test_demo_shows_contacts_and_writes_a_config_the_other_commands_use(tmp_path: Path):
    done = ingestor("demo", "--dir", str(tmp_path / "demo"))
    assert done.returncode == 0, done.stderr
    assert "Contacts (" in done.stdout and "Interactions (" in done.stdout
    config = tmp_path / "demo" / "ingestor.toml"
    (hint,) = [line.strip() for line in done.stdout.splitlines() if " why '" in line]
    assert hint.startswith(f"ingestor --config {config} why '<")
    message_id = hint.split(" why ", 1)[1].strip("'")
    why = ingestor("why", message_id, config=config)
    assert why.returncode == 0 and ": ingested from anna-mailbox" in why.stdout, why.stdout
    listed = ingestor("contacts", "list", config=config)
    assert "Jürgen Müller" in listed.stdout


def test_extract_json_contract_on_eml_and_ics(tmp_path: Path):
    eml = tmp_path / "m.eml"
    eml.write_bytes(
        make_message(
            sender="Jürgen Müller <j.mueller@autowerk.de>",
            body="Hallo Anna,\n\ndanke.\n\nMit freundlichen Grüßen\nJürgen Müller\nHead of Engineering\nAutoWerk GmbH\nTel. +49 89 1234567\n",
        )
    )
    done = ingestor("extract", "--json", str(eml))
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    for key in (
        "message_id",
        "from",
        "participants",
        "automated",
        "new_text",
        "signature",
        "phones",
        "meetings",
    ):
        assert key in out
    assert out["from"] == {"name": "Jürgen Müller", "email": "j.mueller@autowerk.de"}
    assert out["signature"]["company"] == "AutoWerk GmbH"
    assert out["signature"]["text"].splitlines()[-1] == "Tel. +49 89 1234567"
    assert {"number": "+49891234567", "type": "work", "raw": "+49 89 1234567"}.items() <= out[
        "phones"
    ][0].items()

    ics = tmp_path / "e.ics"
    ics.write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x1\nDTSTAMP:20261101T000000Z\n"
        "DTSTART:20261201T100000Z\nSUMMARY:Call with Maria\nORGANIZER:mailto:a@agency.example\n"
        "ATTENDEE;PARTSTAT=ACCEPTED:mailto:maria@gmail.com\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    meetings = json.loads(ingestor("extract", "--json", str(ics)).stdout)["meetings"]
    assert [(m["ical_uid"], m["kind"], m["occurred_at"]) for m in meetings] == [
        ("x1", "call", "2026-12-01T10:00:00+00:00")
    ]


def test_extract_unreadable_input_is_one_line(tmp_path: Path):
    empty = tmp_path / "empty.eml"
    empty.write_bytes(b"")
    done = ingestor("extract", "--json", str(empty))
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(empty) in done.stderr
    missing = ingestor("extract", str(tmp_path / "nope.eml"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    bad_ics = tmp_path / "bad.ics"
    bad_ics.write_text("BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:garbage\n")
    done = ingestor("extract", str(bad_ics))
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr


def test_extract_gives_the_sender_no_quoted_persons_phone(tmp_path: Path):
    eml = tmp_path / "vince.eml"
    eml.write_bytes(
        make_message(sender="Vince J Kaminski <vince.kaminski@enron.com>", body=VINCE_DAVID)
    )
    out = json.loads(ingestor("extract", "--json", str(eml)).stdout)
    assert out["phones"] == []
    assert "Phillips" not in (out["signature"] or {}).get("text", "")
    assert "Houston visit" not in out["new_text"]


def test_extract_reads_the_demo_job_change(tmp_path: Path):
    sample = Path(__file__).resolve().parents[2] / "ingestor" / "sample" / "maildir" / "cur"
    old, new = (
        json.loads(ingestor("extract", "--json", str(path)).stdout)["signature"]
        for path in (sample / "1784044531.M13P1.sample:2,S", sample / "1791512405.M33P1.sample:2,S")
    )
    assert (old["title"], old["company"]) == ("Data Scientist", "Quantia")
    assert (new["title"], new["company"]) == ("Lead Data Scientist", "Orbital AI")
