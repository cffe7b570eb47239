"""Hostile MIME never crashes a sync: each message is ingested or quarantined with a reason."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from ingestor.model import RawItem
from ingestor.pipeline import sync_source
from ingestor.process import process_item
from ingestor.store.schema import LedgerEntry
from tests.corpus.nasty.generate import generate
from tests.factories import defaults, source_config, write_maildir

CORPUS = Path(__file__).parents[1] / "corpus" / "nasty"
CASES = tomllib.loads((CORPUS / "MANIFEST.toml").read_text())["case"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nasty-generated")
    generate(out)
    return out


def case_bytes(case: dict[str, object], generated: Path) -> bytes:
    base = generated if case.get("generated") else CORPUS
    return (base / str(case["file"])).read_bytes()


@pytest.mark.parametrize("case", CASES, ids=[str(c["file"]) for c in CASES])
def test_each_case_is_ingested_or_quarantined_never_raises(case, generated):
    data = case_bytes(case, generated)
    item = RawItem(ref=f"INBOX:{case['file']}", folder="INBOX", data=data, size=len(data))
    result = process_item(
        item, frozenset({"anna@agency.example"}), datetime(2026, 11, 1, tzinfo=UTC)
    )
    if case["expect"] == "ingest":
        assert result.findings is not None, result.quarantine_reason
        assert result.findings.occurred_at.tzinfo is not None
        assert result.findings.parsed.message_id.startswith("<")
    else:
        assert (result.findings is None) == (result.quarantine_reason is not None)
        if result.quarantine_reason:
            assert "\n" not in result.quarantine_reason


def test_whole_corpus_through_the_store(tmp_path, sessions, generated):
    messages = [case_bytes(c, generated) for c in CASES]
    root = write_maildir(tmp_path / "mail", {"INBOX": messages})
    summary = sync_source(source_config(path=str(root)), defaults(), sessions)
    assert summary.ok, summary.error
    assert summary.seen == len(CASES)
    with sessions() as s:
        outcomes = list(s.scalars(select(LedgerEntry.outcome)))
    assert len(outcomes) == len(CASES)
    must_ingest = sum(1 for c in CASES if c["expect"] == "ingest")
    assert sum(o in ("ingested", "skipped", "duplicate") for o in outcomes) >= must_ingest
    # A re-run finds nothing new: quarantined items do not block or repeat.
    assert sync_source(source_config(path=str(root)), defaults(), sessions).seen == 0
