"""`ingestor demo`: ingest the bundled sample mailbox into a fresh SQLite store and show it."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ingestor.cli_output import print_demo
from ingestor.config import settings_from_dict
from ingestor.pipeline import sync_source
from ingestor.store.database import open_store

SAMPLE = Path(__file__).parent / "sample"
OWNER = "anna.keller@talentbridge.example"


def demo_config(directory: Path) -> dict[str, object]:
    sources: list[dict[str, object]] = [
        {
            "name": "anna-mailbox",
            "type": "maildir",
            "path": str(SAMPLE / "maildir"),
            "owner_addresses": [OWNER],
        }
    ]
    if (SAMPLE / "calendar.ics").exists():
        sources.append(
            {
                "name": "anna-calendar",
                "type": "ics",
                "path": str(SAMPLE / "calendar.ics"),
                "owner_addresses": [OWNER],
            }
        )
    return {
        "store": {"url": f"sqlite:///{directory / 'demo.db'}"},
        "defaults": {"phone_region": "US", "internal_domains": ["talentbridge.example"]},
        "sources": sources,
    }


def run_demo(directory: Path | None = None, serve: bool = False, port: int = 8025) -> int:
    directory = directory or Path(tempfile.mkdtemp(prefix="ingestor-demo-"))
    directory.mkdir(parents=True, exist_ok=True)
    config = demo_config(directory)
    settings = settings_from_dict(config, "demo", directory)
    sessions = open_store(settings.store_url)
    summaries = [sync_source(cfg, settings.defaults, sessions) for cfg in settings.sources]
    with sessions() as s:
        print_demo(s, summaries, settings.store_url)
    ok = all(x.ok for x in summaries)
    if serve:
        from ingestor.cli_output import print_web_login
        from ingestor.store.unit import Store
        from ingestor.web.demo import create_demo_user
        from ingestor.web.server import serve as serve_web

        store = Store(sessions)
        username, password = create_demo_user(store)
        print_web_login(f"http://127.0.0.1:{port}/", username, password)
        serve_web(store, "127.0.0.1", port)
    return 0 if ok else 1
