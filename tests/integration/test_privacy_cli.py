"""`ingestor forget`, `export-person`, `audit list` and `retention` as an admin runs them, on
SQLite and PostgreSQL: one line out, one-line errors, exit codes, no chatter on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.factories import OWNER, make_message, write_maildir
from tests.integration.test_cli import config_file, ingestor, source

pytestmark = pytest.mark.integration
JOHN = "john@acme.example"


@pytest.fixture
def cfg(tmp_path: Path, store_url: str) -> Path:
    mailbox = write_maildir(
        tmp_path / "mail",
        {
            "INBOX": [
                make_message(
                    sender=f"John Doe <{JOHN}>",
                    subject="My CV",
                    message_id="<a@t>",
                    body="Hi Anna,\n\nhere it is.\n\nJohn Doe\nMobile: +49 151 23456789\n",
                ),
                make_message(sender="Maria Lopez <maria@gmail.com>", message_id="<m@t>"),
            ],
            "Sent": [
                make_message(sender=f"Anna <{OWNER}>", to=f"John Doe <{JOHN}>", message_id="<c@t>")
            ],
        },
    )
    path = config_file(
        tmp_path, source(mailbox) + '[retention]\ninteractions = "1d"\n', store=store_url
    )
    done = ingestor("sync", "--once", config=path)
    assert done.returncode == 0, done.stderr
    return path


def test_export_then_forget_then_nothing_is_held(cfg: Path):
    export = ingestor("export-person", JOHN, config=cfg)
    assert export.returncode == 0, export.stderr
    doc = json.loads(export.stdout)
    (john,) = doc["contacts"]
    assert doc["addresses"] == [JOHN] and john["name"] == "John Doe"
    assert [e["address"] for e in john["emails"]] == [JOHN]
    assert {i["subject"] for i in doc["interactions"]} == {"My CV", "Hello"}
    assert all(i["seen_in"][0]["source"] == "mail" for i in doc["interactions"])

    # Not a terminal: no question, even without --yes.
    gone = ingestor("forget", JOHN, "--reason", "asked by email", config=cfg)
    assert gone.returncode == 0, gone.stderr
    assert gone.stdout.count("\n") == 1 and gone.stdout.startswith("forgotten: ")
    assert "1 contacts" in gone.stdout and "2 interactions" in gone.stdout
    assert gone.stderr == ""  # INFO logs stay quiet

    again = ingestor("forget", JOHN, "--yes", config=cfg)
    assert again.returncode == 0 and again.stdout.startswith("already forgotten on ")
    unknown = ingestor("forget", "nobody@nowhere.example", "--yes", config=cfg)
    assert unknown.returncode == 1 and unknown.stdout == ""
    assert unknown.stderr == "ingestor: nothing is held about nobody@nowhere.example\n"
    assert ingestor("export-person", JOHN, config=cfg).returncode == 1

    listed = ingestor("audit", "list", "--json", config=cfg)
    entries = json.loads(listed.stdout)
    # Every request is recorded, the one that found nothing left too.
    assert [(e["kind"], e["rows"] > 0) for e in entries] == [
        ("forget", False),
        ("forget", True),
        ("export", True),
    ]
    assert len({e["subject"] for e in entries}) == 1 and len(entries[0]["subject"]) == 64
    assert JOHN not in listed.stdout and "John" not in listed.stdout
    assert ingestor("audit", "list", config=cfg).stdout.count("\n") == 3


def test_retention_dry_run_says_what_would_go_then_it_goes(cfg: Path):
    dry = ingestor("retention", "--dry-run", config=cfg)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == "would erase: 3 interactions, 0 quarantine\n"
    assert ingestor("retention", "--dry-run", config=cfg).stdout == dry.stdout  # nothing went
    done = ingestor("retention", config=cfg)
    assert done.stdout == "erased: 3 interactions\n", done.stderr
    assert ingestor("retention", "--dry-run", config=cfg).stdout == (
        "would erase: 0 interactions, 0 quarantine\n"
    )
    export = json.loads(ingestor("export-person", JOHN, config=cfg).stdout)
    assert export["interactions"] == [] and export["contacts"]  # the contact is another rule
    kinds = [e["kind"] for e in json.loads(ingestor("audit", "list", "--json", config=cfg).stdout)]
    assert kinds == ["export", "retention"]


def test_on_a_terminal_forget_asks_first(cfg: Path):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "INGESTOR_CONFIG"}

    def answered(answer: bytes, *extra: str) -> subprocess.CompletedProcess[bytes]:
        master, slave = os.openpty()
        try:
            os.write(master, answer)
            return subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "ingestor.cli",
                    "--config",
                    str(cfg),
                    "forget",
                    JOHN,
                    *extra,
                ],
                stdin=slave,
                capture_output=True,
                env=env,
                timeout=120,
            )
        finally:
            os.close(master)
            os.close(slave)

    no = answered(b"n\n")
    assert no.returncode == 1 and no.stdout == b"nothing was erased\n"
    assert b"[y/N]" in no.stderr
    assert ingestor("export-person", JOHN, config=cfg).returncode == 0  # still there
    yes = answered(b"", "--yes")  # --yes: no question even on a terminal
    assert yes.returncode == 0 and yes.stdout.startswith(b"forgotten: ") and yes.stderr == b""
