"""Quarantine is for input, not for bugs.

`process_item` quarantines a message only for the parser's declared input errors (reason
"unreadable message: ..."); any other exception is a bug and escapes, so these tests fail on it.
Every real message the tests can see goes through it, then Hypothesis-built hostile MIME.
"""

from __future__ import annotations

import email.header
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from benchmarks.score_real import corpora_dir
from ingestor.extractors.message import MessageParseError, parse_message
from ingestor.model import ItemResult, RawItem
from ingestor.process import is_input_error, process_item
from tests.corpus.nasty.generate import generate
from tests.factories import OWNER, make_message
from tests.mime_strategies import messages

ROOT = Path(__file__).parents[2]
NOW = datetime(2026, 11, 1, tzinfo=UTC)
OWNERS = frozenset({OWNER})


def real_messages() -> list[Path]:
    """Whole messages only: the Quagga ASF and forge files are bodies without headers."""
    corpora = corpora_dir()
    files = sorted((corpora / "quagga-enron-train").glob("*.txt"))
    files += sorted(p for p in (corpora / "sisimai").glob("*.eml"))
    files += sorted((ROOT / "tests" / "corpus").rglob("*.eml"))
    maildir = ROOT / "ingestor" / "sample" / "maildir"
    files += sorted(p for p in maildir.rglob("*") if p.is_file() and p.name != ".keep")
    return files


def run(data: bytes, ref: str = "INBOX:1", folder: str = "INBOX") -> ItemResult:
    item = RawItem(ref=ref, folder=folder, data=data, size=len(data), internal_date=NOW)
    return process_item(item, OWNERS, NOW)


def assert_ingested_or_input_error(result: ItemResult) -> None:
    if result.findings is None:
        reason = result.quarantine_reason
        assert reason is not None and is_input_error(reason), reason
        assert "\n" not in reason and len(reason) <= 300, reason


@pytest.mark.skipif(not corpora_dir().is_dir(), reason="../shared/corpora is missing")
def test_every_real_message_is_ingested_or_quarantined_as_input(tmp_path):
    files = real_messages()
    files += generate(tmp_path)  # the generated nasty cases: deep nesting, huge headers
    assert len(files) >= 1200
    quarantined = {}
    for path in files:
        result = run(path.read_bytes(), ref=str(path))  # a bug raises here and fails the test
        assert_ingested_or_input_error(result)
        if result.quarantine_reason:
            quarantined[path.name] = result.quarantine_reason
    # Real mail is readable: only the degenerate nasty cases are quarantined.
    assert quarantined == {
        "binary-garbage.eml": "unreadable message: no header fields: not an email message",
        "empty.eml": "unreadable message: empty message",
        "deep-nesting-2000.eml": "unreadable message: MIME parts nested too deeply to parse",
    }


@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(messages())
def test_hostile_mime_is_ingested_or_quarantined_as_input(raw: bytes) -> None:
    assert_ingested_or_input_error(run(raw))


# --- the Header bug, and the decoding errors the stdlib raises on hostile input -----------------


def test_8bit_content_disposition_is_read_not_a_header_object_crash():
    # compat32 returns email.header.Header for header values with undeclared 8-bit bytes.
    raw = (
        b"From: Maria <maria@gmail.example>\nTo: anna@agency.example\nSubject: CV\n"
        b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n"
        b'--XX\nContent-Type: text/plain\nContent-Disposition: inline; filename="caf\xe9.txt"\n\n'
        b"Hi Anna\n--XX\nContent-Type: application/pdf\n"
        b'Content-Disposition: attachment; filename="M\xfcller CV.pdf"\n\nJVBERi0=\n--XX--\n'
    )
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    assert isinstance(msg.get_payload()[0].get("content-disposition"), email.header.Header)
    result = run(raw)
    assert result.findings is not None, result.quarantine_reason
    assert result.findings.parsed.text_plain == "Hi Anna"


@pytest.mark.parametrize(
    "charset",
    [b"undefined", b"utf\x00", b"rot13", b"idna", b"x-unknown", b"base64", b"\xe9"],
)
def test_unusable_charsets_fall_back_instead_of_quarantining(charset):
    raw = (
        b"From: =?" + charset + b"?q?J=F6rg?= <joerg@example.de>\nTo: anna@agency.example\n"
        b"Subject: =?" + charset + b"?b?Y2Fmw6k=?=\nMessage-ID: <cs@test>\n"
        b'Content-Type: text/plain; charset="' + charset + b'"\n\nCaf\xc3\xa9 \xff\n'
    )
    result = run(raw)
    assert result.findings is not None, result.quarantine_reason
    parsed = result.findings.parsed
    assert parsed.sender is not None and parsed.sender.email == "joerg@example.de"
    assert parsed.text_plain is not None and parsed.text_plain.startswith("Caf")


def test_deep_nesting_is_an_input_error_saying_what():
    nested = b"".join(
        b"Content-Type: multipart/mixed; boundary=n%d\n\n--n%d\n" % (i, i) for i in range(3000)
    )
    with pytest.raises(MessageParseError, match="nested too deeply"):
        parse_message(b"From: a@b.example\n" + nested + b"Content-Type: text/plain\n\nleaf\n")


def test_a_bug_in_extraction_escapes_instead_of_being_quarantined():
    def broken(*_args, **_kwargs):
        raise AttributeError("'Header' object has no attribute 'lower'")  # once quarantined

    item = RawItem(ref="INBOX:1:1", folder="INBOX", data=make_message())
    with pytest.raises(AttributeError):
        process_item(item, OWNERS, NOW, extract=broken)


def test_input_reasons():
    assert is_input_error("unreadable message: empty message")
    assert not is_input_error("parser failed: AttributeError: 'Header' object has no attribute")
