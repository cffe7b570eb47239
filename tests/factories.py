"""Builders for test messages and configs, so tests state only what matters to them."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from ingestor.config import Defaults, SourceConfig
from ingestor.config import source_config as typed_source_config

OWNER = "anna@agency.example"


def make_message(
    sender: str = "Maria Lopez <maria@gmail.com>",
    to: str = f"Anna Keller <{OWNER}>",
    subject: str = "Hello",
    message_id: str | None = "<m1@test>",
    date: datetime | None = datetime(2026, 11, 2, 9, 30, tzinfo=UTC),
    body: str = "Hi Anna,\n\nlet's talk.\n\nMaria\n",
    cc: str | None = None,
    extra: str = "",
) -> bytes:
    lines = [f"From: {sender}", f"To: {to}", f"Subject: {subject}"]
    if cc:
        lines.append(f"Cc: {cc}")
    if message_id:
        lines.append(f"Message-ID: {message_id}")
    if date:
        lines.append(f"Date: {format_datetime(date)}")
    lines += ["MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
    if extra:
        lines.append(extra.strip())
    return ("\r\n".join(lines) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode("utf-8")


def write_maildir(root: Path, folders: dict[str, list[bytes]]) -> Path:
    """A Maildir++ tree: "INBOX" is the root, other folders are .Name sub-directories."""
    for folder, messages in folders.items():
        base = root if folder == "INBOX" else root / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (base / sub).mkdir(parents=True, exist_ok=True)
        existing = len(list((base / "cur").iterdir()))
        for i, data in enumerate(messages, start=existing):
            (base / "cur" / f"{1700000000 + i}.M{i}P1.test:2,S").write_bytes(data)
    return root


def source_config(name: str = "mail", type: str = "maildir", **kw: Any) -> SourceConfig:
    kw.setdefault("owner_addresses", (OWNER,))
    return typed_source_config(name=name, type=type, **kw)


def defaults(**kw: Any) -> Defaults:
    kw.setdefault("internal_domains", ("agency.example",))
    return Defaults(**kw)


# A top reply signed "Vince" above a Lotus Notes header the old splitter did not know, with the
# quoted David's phone below: the shape that once put David's number on Vince's profile.
VINCE_DAVID = """Stinson,

Please, set up a meeting with David for next week.

Vince




"David Phillips" <dphillips@risklimited.com> on 08/04/2000 08:48:07 AM
To: Vince J Kaminski/HOU/ECT@ECT
cc:
Subject: Houston visit


Vince,

I will be in Houston next week and would like to meet.

David Phillips
Managing Director
Risk Limited Corporation
Tel: (972) 245-8300
"""
