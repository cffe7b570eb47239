"""Logging to stderr: journald-friendly text (priority prefixes under systemd) or JSON lines."""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime

_PRIORITY = {
    logging.DEBUG: 7,
    logging.INFO: 6,
    logging.WARNING: 4,
    logging.ERROR: 3,
    logging.CRITICAL: 2,
}


class JournalFormatter(logging.Formatter):
    """Under systemd, "<6>ingestor.pipeline: ..." lets journald keep the level; journald adds time."""

    def __init__(self, journal: bool) -> None:
        super().__init__()
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        if record.exc_info:
            message += "\n" + self.formatException(record.exc_info)
        if self.journal:
            return f"<{_PRIORITY.get(record.levelno, 6)}>{record.name}: {message}"
        stamp = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f"{stamp} {record.levelname} {record.name}: {message}"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(fmt: str = "text", level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    journal = bool(os.environ.get("JOURNAL_STREAM"))
    handler.setFormatter(JsonFormatter() if fmt == "json" else JournalFormatter(journal))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Protocol traffic and library chatter stay off unless asked for at DEBUG.
    for noisy in ("imapclient", "apscheduler", "alembic", "urllib3", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING if level != "DEBUG" else logging.INFO)
