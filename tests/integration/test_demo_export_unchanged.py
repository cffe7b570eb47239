"""The export of the bundled demo data is the same as before the resolve stage was pulled out.

tests/golden/demo-export.json was written by the code of commit 7e0d38e (the last one with
resolution inside the store's BatchWriter) at the same fixed clock. A change to what ingestion
stores for the same input shows up here as a diff; when one is meant, regenerate the file and
say why in the commit.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from ingestor.config import settings_from_dict
from ingestor.demo import demo_config
from ingestor.pipeline import Stages, sync_source
from ingestor.store import queries
from ingestor.store.database import open_store

GOLDEN = Path(__file__).parents[1] / "golden" / "demo-export.json"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_demo_export_equals_the_one_before_the_resolve_stage(tmp_path: Path) -> None:
    settings = settings_from_dict(demo_config(tmp_path), "demo", tmp_path)
    sessions = open_store(settings.store_url)
    for cfg in settings.sources:
        summary = sync_source(cfg, settings.defaults, sessions, stages=Stages(clock=lambda: NOW))
        assert summary.ok, summary.error
    with sessions() as s:
        exported = json.loads(json.dumps(queries.export(s), default=str))
    assert exported == json.loads(GOLDEN.read_text())
