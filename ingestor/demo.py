"""`ingestor demo`: ingest the bundled sample mailbox into a fresh SQLite store and show it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from sqlalchemy import select

from ingestor.cli_output import print_demo, print_demo_config
from ingestor.config import load_settings
from ingestor.pipeline import sync_source
from ingestor.store.database import open_store
from ingestor.store.schema import LedgerEntry

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


def to_toml(config: dict[str, object]) -> str:
    """The demo's config as a TOML file (strings, lists of strings and tables of them only:
    JSON's string and array syntax is valid TOML for those)."""
    lines: list[str] = []
    for table, body in config.items():
        rows = body if isinstance(body, list) else [body]
        for row in rows:
            assert isinstance(row, dict)
            lines.append(f"[[{table}]]" if isinstance(body, list) else f"[{table}]")
            lines += [
                f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in row.items()
            ]
            lines.append("")
    return "\n".join(lines)


def write_config(directory: Path) -> Path:
    """DIR/ingestor.toml: the demo's settings, for every other command to use on its data."""
    path = directory / "ingestor.toml"
    path.write_text("# Written by `ingestor demo`.\n" + to_toml(demo_config(directory)))
    return path


def run_demo(directory: Path | None = None, serve: bool = False, port: int = 8025) -> int:
    directory = (directory or Path(tempfile.mkdtemp(prefix="ingestor-demo-"))).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    config_path = write_config(directory)
    settings = load_settings(config_path)
    sessions = open_store(settings.store_url)
    summaries = [sync_source(cfg, settings.defaults, sessions) for cfg in settings.sources]
    with sessions() as s:
        print_demo(s, summaries, settings.store_url)
        example = s.scalar(
            select(LedgerEntry.message_id)
            .where(LedgerEntry.outcome == "ingested", LedgerEntry.message_id.like("<%"))
            .order_by(LedgerEntry.id)
        )
    print_demo_config(config_path, example)
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
