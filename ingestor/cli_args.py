"""What every command group of the CLI (main, auth, users) needs from its arguments."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from ingestor.config import Settings, load_settings
from ingestor.errors import ConfigError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker


def settings_from(args: argparse.Namespace) -> Settings:
    """The configuration named by --config or INGESTOR_CONFIG."""
    path = args.config or os.environ.get("INGESTOR_CONFIG")
    if not path:
        raise ConfigError(
            "ingestor", ["no configuration: pass --config PATH or set INGESTOR_CONFIG"]
        )
    return load_settings(path)


def sessions_for(settings: Settings) -> sessionmaker[Session]:
    from ingestor.store.database import open_store

    return open_store(settings.store_url, idle_timeout=settings.defaults.lease_period)
