"""The export of the bundled demo data is the same as before the resolve stage was pulled out.

tests/golden/demo-export.json was written by the code of commit 7e0d38e (the last one with
resolution inside the store's BatchWriter) at the same fixed clock. A change to what ingestion
stores for the same input shows up here as a diff. The export contract only ever adds fields:
fields the golden file does not have are left out of the comparison, and the changes that were
meant since are listed in MEANT, with the issue that made them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingestor.config import settings_from_dict
from ingestor.demo import demo_config
from ingestor.pipeline import Stages, sync_source
from ingestor.store import queries
from ingestor.store.database import open_store

GOLDEN = Path(__file__).parents[1] / "golden" / "demo-export.json"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
# Issue #12: the ledger reason of machine mail names the follow-up signal it carried.
MEANT = {
    "<BN8PR04MB6210D4E5F6A7B8C9D0E1F2A3B4C5D6E@BN8PR04MB6210.namprd04.prod.outlook.com>": (
        "out of office until 2026-08-03"
    ),
    "<20261005071503.9A1B2C3D4E@mx.talentbridge.example>": "hard bounce for david.chen@quantia.example",
}


def as_golden(new: Any, old: Any) -> Any:
    """`new` with only the keys `old` has, all the way down."""
    if isinstance(old, dict) and isinstance(new, dict):
        return {k: as_golden(new[k], old[k]) for k in old if k in new} | {
            k: None for k in old if k not in new
        }
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [as_golden(n, o) for n, o in zip(new, old, strict=True)]
    return new


def test_demo_export_equals_the_one_before_the_resolve_stage(tmp_path: Path) -> None:
    settings = settings_from_dict(demo_config(tmp_path), "demo", tmp_path)
    sessions = open_store(settings.store_url)
    for cfg in settings.sources:
        summary = sync_source(cfg, settings.defaults, sessions, stages=Stages(clock=lambda: NOW))
        assert summary.ok, summary.error
    with sessions() as s:
        exported = json.loads(json.dumps(queries.export(s), default=str))
    golden = json.loads(GOLDEN.read_text())
    for entry in golden["ledger"]:
        entry["reason"] = MEANT.get(entry["message_id"], entry["reason"])
    assert as_golden(exported, golden) == golden
